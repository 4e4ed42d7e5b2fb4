//! `--staged` in real temporary git repositories: the index decides, not the working tree.

mod common;

use common::{BAD_SETTINGS, GOOD_SETTINGS, Tree};

fn repo() -> Tree {
    let t = Tree::new();
    t.git(&["init", "-q"]);
    t.write("README.md", "# repo\n");
    t.git(&["add", "."]);
    t.git(&["commit", "-qm", "init"]);
    t
}

#[test]
fn partially_staged_file_is_judged_by_its_staged_version() {
    let t = repo();
    t.write(".claude/settings.json", BAD_SETTINGS);
    t.git(&["add", ".claude/settings.json"]);
    t.write(".claude/settings.json", GOOD_SETTINGS); // unstaged fix
    let staged = t.run(&[
        "check", "--ignore", "AG501", "--staged", "--format", "concise", "-q",
    ]);
    staged.code(1);
    assert_eq!(
        staged.stdout,
        ".claude/settings.json:3:15: AG101 error `Bash(*)` in permissions.allow pre-approves every shell command\n"
    );
    t.run(&["check", "--ignore", "AG501"]).code(0);

    // The reverse: a clean staged version with a bad working copy passes.
    t.write(".claude/settings.json", GOOD_SETTINGS);
    t.git(&["add", ".claude/settings.json"]);
    t.write(".claude/settings.json", BAD_SETTINGS);
    t.run(&["check", "--ignore", "AG501", "--staged"]).code(0);
    t.run(&["check", "--ignore", "AG501"]).code(1);
}

#[test]
fn only_staged_changes_are_checked() {
    let t = repo();
    t.write(
        ".mcp.json",
        "{\"mcpServers\": {\"a\": {\"command\": \"npx\", \"args\": [\"-y\", \"pkg\"]}}}",
    );
    t.write("svc/.claude/settings.json", BAD_SETTINGS);
    t.git(&["add", "."]);
    t.git(&["commit", "-qm", "bad but committed"]);
    // Nothing staged: nothing to check.
    let r = t.run(&["check", "--staged"]);
    r.code(0);
    assert!(r.stdout.contains("0 agent files checked"), "{}", r.stdout);
    // Deleting a file in the index is never a finding.
    t.git(&["rm", "-q", "--cached", ".mcp.json"]);
    t.run(&["check", "--staged"]).code(0);
    // A modification is.
    t.write("svc/.claude/settings.json", format!("{BAD_SETTINGS}\n"));
    t.git(&["add", "svc"]);
    t.run(&["check", "--staged"]).code(1);
    // Paths restrict the staged set; excludes apply.
    t.run(&["check", "--staged", "docs"]).code_or_usage();
    t.write(".agentgate.yaml", "exclude: [svc]\n");
    t.run(&["check", "--staged"]).code(0);
}

#[test]
fn staged_path_arguments_restrict_the_set() {
    let t = repo();
    t.write("a/.claude/settings.json", BAD_SETTINGS);
    t.write("b/.claude/settings.json", GOOD_SETTINGS);
    t.git(&["add", "."]);
    t.run(&["check", "--staged", "b"]).code(0);
    t.run(&["check", "--staged", "a"]).code(1);
    t.run(&["check", "--staged", "a/.claude/settings.json"])
        .code(1);
}

#[test]
fn staged_in_an_unborn_repository() {
    let t = Tree::new();
    t.git(&["init", "-q"]);
    t.write(".claude/settings.json", BAD_SETTINGS);
    t.git(&["add", "."]);
    t.run(&["check", "--staged"]).code(1);
}

#[test]
fn staged_outside_a_repository_is_a_usage_error() {
    let t = Tree::new();
    let r = t.run_env(
        &["check", "--staged"],
        &[(
            "GIT_CEILING_DIRECTORIES",
            t.path().parent().unwrap().to_str().unwrap(),
        )],
    );
    r.code(2);
    assert!(
        r.stderr.contains("--staged needs a git repository"),
        "{}",
        r.stderr
    );
}

#[test]
fn staged_honours_git_index_file() {
    let t = repo();
    t.write(".claude/settings.json", BAD_SETTINGS);
    // An alternative index, as `git commit -a` hands to hooks.
    let alt = t.path().join(".git/alt-index");
    let status = std::process::Command::new("git")
        .args(["add", ".claude/settings.json"])
        .current_dir(t.path())
        .env("GIT_INDEX_FILE", &alt)
        .status()
        .unwrap();
    assert!(status.success());
    t.run(&["check", "--staged"]).code(0);
    t.run_env(
        &["check", "--staged"],
        &[("GIT_INDEX_FILE", alt.to_str().unwrap())],
    )
    .code(1);
}

trait UsageOk {
    fn code_or_usage(&self);
}

impl UsageOk for common::Run {
    /// A path that does not exist in the working tree is a usage error.
    fn code_or_usage(&self) {
        assert_eq!(self.code, 2, "{}", self.stderr);
    }
}

#[test]
fn cache_tree_skips_clean_directories_exactly() {
    let t = repo();
    t.write("a/b/c/.claude/settings.json", GOOD_SETTINGS);
    t.write("a/b/x.txt", "x\n");
    t.write(
        "d/.mcp.json",
        "{\"mcpServers\": {\"a\": {\"command\": \"npx\", \"args\": [\"pkg\"]}}}",
    );
    t.write("e/f.txt", "f\n");
    t.git(&["add", "."]);
    t.git(&["commit", "-qm", "tree"]);
    t.write("a/b/c/.claude/settings.json", BAD_SETTINGS);
    t.write("n/new.txt", "new\n");
    t.git(&["add", "a", "n"]);
    t.git(&["update-index", "--chmod=+x", "e/f.txt"]);
    let r = t.run(&["check", "--staged", "--format", "json"]);
    r.code(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    // The modified settings, the new file and the mode change; not the committed .mcp.json.
    assert_eq!(v["summary"]["files_scanned"], 3, "{}", r.stdout);
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["diagnostics"][0]["path"], "a/b/c/.claude/settings.json");
}

#[test]
fn repo_level_presence_uses_the_whole_tree_in_partial_runs() {
    let t = repo();
    t.write("CLAUDE.md", "@AGENTS.md\n");
    t.write("AGENTS.md", "# Agents\nRun `make test`.\n");
    t.write("Makefile", "test:\n\t./t\n");
    t.git(&["add", "."]);
    t.git(&["commit", "-qm", "context"]);
    // Only the settings change is staged (or passed by pre-commit): the committed CLAUDE.md
    // and Makefile still count.
    t.write(".claude/settings.json", GOOD_SETTINGS);
    t.git(&["add", "."]);
    let staged = t.run(&[
        "check", "--staged", "--select", "all", "--format", "concise", "-q",
    ]);
    staged.code(0);
    assert_eq!(
        staged.stdout, "",
        "no missing-context finding: {}",
        staged.stdout
    );
    let files = t.run(&[
        "check",
        ".claude/settings.json",
        "--select",
        "all",
        "--format",
        "concise",
        "-q",
    ]);
    assert_eq!(files.stdout, "", "{}", files.stdout);
}
