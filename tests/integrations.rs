//! The integrations, run for real: a native hook under `git commit`, pre-commit's
//! `try-repo`, the Action's run step with a simulated GitHub environment, and `--diff`.

mod common;

use common::{BAD_SETTINGS, GOOD_SETTINGS, Tree};
use std::path::Path;
use std::process::Command;

fn bin_dir() -> String {
    Path::new(common::bin())
        .parent()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// `git` with agentgate's build directory first on PATH, as a developer would have it.
fn git(t: &Tree, args: &[&str]) -> std::process::Output {
    let path = format!(
        "{}:{}",
        bin_dir(),
        std::env::var("PATH").unwrap_or_default()
    );
    t.git_output(args, &[("PATH", &path)])
}

fn repo() -> Tree {
    let t = Tree::new();
    t.git(&["init", "-q"]);
    t.write("README.md", "# r\n");
    t.git(&["add", "."]);
    t.git(&["commit", "-qm", "init"]);
    t
}

#[test]
fn native_hook_blocks_passes_chains_and_is_idempotent() {
    let t = repo();
    // A foreign hook that records that it ran.
    t.write(
        ".git/hooks/pre-commit",
        "#!/bin/sh\necho foreign >> \"$(git rev-parse --git-dir)/foreign.log\"\n",
    );
    Command::new("chmod")
        .args(["+x", ".git/hooks/pre-commit"])
        .current_dir(t.path())
        .status()
        .unwrap();

    let first = t.run(&["hook", "install"]);
    first.code(0);
    assert!(
        first.stderr.contains("previous hook was moved"),
        "{}",
        first.stderr
    );
    let content = std::fs::read_to_string(t.path().join(".git/hooks/pre-commit")).unwrap();
    let again = t.run(&["hook", "install"]);
    again.code(0);
    assert!(
        again.stderr.contains("already installed"),
        "{}",
        again.stderr
    );
    assert_eq!(
        content,
        std::fs::read_to_string(t.path().join(".git/hooks/pre-commit")).unwrap()
    );
    assert!(t.path().join(".git/hooks/pre-commit.legacy").exists());

    // A commit staging Bash(*) is blocked, with the findings and how to proceed.
    t.write(".claude/settings.json", BAD_SETTINGS);
    git(&t, &["add", "."]);
    let blocked = git(&t, &["commit", "-qm", "bad"]);
    assert!(!blocked.status.success());
    let out = String::from_utf8_lossy(&blocked.stdout).to_string()
        + &String::from_utf8_lossy(&blocked.stderr);
    assert!(out.contains("AG101"), "{out}");
    assert!(out.contains("agentgate blocked this pre-commit"), "{out}");
    // A partially staged fix does not help: the staged content decides.
    t.write(".claude/settings.json", GOOD_SETTINGS);
    assert!(!git(&t, &["commit", "-qm", "still bad"]).status.success());
    git(&t, &["add", "."]);
    let ok = git(&t, &["commit", "-qm", "good"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let log = std::fs::read_to_string(t.path().join(".git/foreign.log")).unwrap();
    assert!(
        log.lines().count() >= 3,
        "the chained hook ran on every commit: {log}"
    );

    // Uninstall restores the foreign hook.
    t.run(&["hook", "uninstall"]).code(0);
    let restored = std::fs::read_to_string(t.path().join(".git/hooks/pre-commit")).unwrap();
    assert!(restored.contains("foreign"));
}

#[test]
fn native_hook_respects_core_hooks_path() {
    let t = repo();
    t.git(&["config", "core.hooksPath", ".husky/_"]);
    let refused = t.run(&["hook", "install"]);
    refused.code(2);
    assert!(
        refused.stderr.contains("core.hooksPath is set"),
        "{}",
        refused.stderr
    );
    t.run(&["hook", "install", "--force"]).code(0);
    assert!(t.path().join(".husky/_/pre-commit").exists());
    t.write(".claude/settings.json", BAD_SETTINGS);
    git(&t, &["add", "."]);
    assert!(!git(&t, &["commit", "-qm", "bad"]).status.success());
    // Pre-push flavour installs next to it.
    t.run(&["hook", "install", "--hook", "pre-push", "--force"])
        .code(0);
    assert!(t.path().join(".husky/_/pre-push").exists());
}

#[test]
fn native_hook_in_a_linked_worktree() {
    let t = repo();
    let wt = t.path().join("wt");
    t.git(&["worktree", "add", "-q", wt.to_str().unwrap()]);
    let out = Command::new(common::bin())
        .args(["hook", "install"])
        .current_dir(&wt)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Hooks live in the common git dir, shared by all worktrees.
    assert!(t.path().join(".git/hooks/pre-commit").exists());
}

#[test]
fn diff_mode_reports_only_changed_lines() {
    let t = repo();
    t.write(
        ".claude/settings.json",
        "{\n  \"permissions\": {\n    \"allow\": [\"Bash(*)\"]\n  }\n}\n",
    );
    t.git(&["add", "."]);
    t.git(&["commit", "-qm", "old finding"]);
    t.git(&["checkout", "-qb", "feature"]);
    t.write(".claude/settings.json", "{\n  \"permissions\": {\n    \"defaultMode\": \"bypassPermissions\",\n    \"allow\": [\"Bash(*)\"]\n  }\n}\n");
    t.write(
        ".mcp.json",
        "{\"mcpServers\": {\"a\": {\"command\": \"npx\", \"args\": [\"-y\", \"pkg\"]}}}\n",
    );
    t.git(&["add", "."]);
    t.git(&["commit", "-qm", "new findings"]);
    let full = t.run(&["check", "--ignore", "AG501", "--format", "concise", "-q"]);
    assert_eq!(full.stdout.lines().count(), 3, "{}", full.stdout);
    let pr = t.run(&[
        "check", "--ignore", "AG501", "--diff", "main", "--format", "concise", "-q",
    ]);
    pr.code(1);
    let codes: Vec<&str> = pr
        .stdout
        .lines()
        .map(|l| l.split(' ').nth(1).unwrap())
        .collect();
    assert_eq!(codes, ["AG102", "AG201"], "{}", pr.stdout);
    t.run(&["check", "--ignore", "AG501", "--diff", "no-such-branch"])
        .code(2);
}

#[test]
fn pre_commit_framework_try_repo() {
    if !common::tool_available("pre-commit", &["--version"], "pip install pre-commit") {
        return;
    }
    let t = repo();
    let hook_repo = env!("CARGO_MANIFEST_DIR");
    let try_repo = |files: &[&str]| {
        let mut cmd = Command::new("pre-commit");
        cmd.args(["try-repo", hook_repo, "agentgate-system", "--files"])
            .args(files)
            .current_dir(t.path());
        cmd.env(
            "PATH",
            format!(
                "{}:{}",
                bin_dir(),
                std::env::var("PATH").unwrap_or_default()
            ),
        );
        cmd.env("PRE_COMMIT_HOME", t.path().join(".pre-commit-cache"));
        cmd.output().unwrap()
    };
    t.write(".claude/settings.json", BAD_SETTINGS);
    git(&t, &["add", ".claude/settings.json"]);
    let bad = try_repo(&[".claude/settings.json"]);
    assert!(
        !bad.status.success(),
        "{}",
        String::from_utf8_lossy(&bad.stdout)
    );
    assert!(String::from_utf8_lossy(&bad.stdout).contains("AG101"));
    t.write(".claude/settings.json", GOOD_SETTINGS);
    git(&t, &["add", ".claude/settings.json"]);
    let good = try_repo(&[".claude/settings.json"]);
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stdout)
    );
    // Partially staged: pre-commit stashes the unstaged fix, so the staged Bash(*) is judged.
    t.write(".claude/settings.json", BAD_SETTINGS);
    git(&t, &["add", ".claude/settings.json"]);
    t.write(".claude/settings.json", GOOD_SETTINGS);
    let hook = Command::new("pre-commit")
        .args(["try-repo", hook_repo, "agentgate-system"])
        .current_dir(t.path())
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin_dir(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("PRE_COMMIT_HOME", t.path().join(".pre-commit-cache"))
        .output()
        .unwrap();
    assert!(
        !hook.status.success(),
        "staged content decides: {}",
        String::from_utf8_lossy(&hook.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(t.path().join(".claude/settings.json")).unwrap(),
        GOOD_SETTINGS,
        "unstaged work restored"
    );
}

#[test]
fn action_run_step_in_a_simulated_pull_request() {
    let t = repo();
    t.write(".claude/settings.json", BAD_SETTINGS);
    t.git(&["add", "."]);
    t.git(&["commit", "-qm", "existing finding"]);
    let base = String::from_utf8(
        Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(t.path())
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    t.write(
        ".mcp.json",
        "{\"mcpServers\": {\"a\": {\"command\": \"npx\", \"args\": [\"-y\", \"pkg\"]}}}\n",
    );
    t.git(&["add", "."]);
    t.git(&["commit", "-qm", "pr change"]);
    let event = t.write("event.json", format!("{{\"pull_request\": {{\"base\": {{\"sha\": \"{}\"}}, \"head\": {{\"repo\": {{\"full_name\": \"o/r\"}}}}}}}}", base.trim()));
    let output = t.path().join("github_output");
    let summary = t.path().join("summary.md");
    let run = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/action/run.sh"))
        .current_dir(t.path())
        .env("AGENTGATE_BIN", common::bin())
        .env("GITHUB_WORKSPACE", t.path())
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &event)
        .env("INPUT_PATHS", ".")
        .env("INPUT_FAIL_ON", "error")
        .env("INPUT_SARIF_FILE", "agentgate.sarif")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the run step never fails itself: {stdout}"
    );
    // Annotations only for the pull request's change (diff mode against the base).
    assert!(
        stdout.contains("::error title=AG201 mcp-unpinned-package,file=.mcp.json,line=1"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("AG101"),
        "unchanged lines are not annotated: {stdout}"
    );
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(
        outputs.contains("findings=1\n")
            && outputs.contains("sarif-file=agentgate.sarif\n")
            && outputs.contains("exit-code=1\n"),
        "{outputs}"
    );
    // SARIF covers the whole repository (code scanning compares full results per branch):
    // AG101 and AG501 outside the diff too.
    let sarif_codes = |t: &Tree| -> Vec<(String, bool)> {
        let sarif: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(t.path().join("agentgate.sarif")).unwrap(),
        )
        .unwrap();
        let mut codes: Vec<(String, bool)> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r.get("suppressions").is_some(),
                )
            })
            .collect();
        codes.sort();
        codes
    };
    let unsuppressed = |codes: &[&str]| -> Vec<(String, bool)> {
        codes.iter().map(|c| (c.to_string(), false)).collect()
    };
    assert_eq!(sarif_codes(&t), unsuppressed(&["AG101", "AG201", "AG501"]));
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.contains("| AG201 mcp-unpinned-package | error |"),
        "{md}"
    );

    // Outside a pull request: a full check; fail-on never gives exit-code 0.
    let push_run = |fail_on: &str, sarif: &str| {
        std::fs::write(&output, "").unwrap();
        let run = Command::new("bash")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/action/run.sh"))
            .current_dir(t.path())
            .env("AGENTGATE_BIN", common::bin())
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_EVENT_NAME", "push")
            .env("INPUT_FAIL_ON", fail_on)
            .env("INPUT_SARIF_FILE", sarif)
            .output()
            .unwrap();
        assert!(run.status.success(), "the run step never fails itself");
        std::fs::read_to_string(&output).unwrap()
    };
    let outputs = push_run("never", "");
    // AG101, AG201 and AG501 (Claude settings but no CLAUDE.md).
    assert!(
        outputs.contains("findings=3\n") && outputs.contains("exit-code=0\n"),
        "{outputs}"
    );

    // An audited exception suppresses AG101: not counted in `findings`, and listed in the
    // SARIF as suppressed (not as an alert).
    t.write(
        ".agentgate.yaml",
        "exceptions:\n  - rule: AG101\n    path: .claude/settings.json\n    reason: sandboxed runner\n    expires: 2999-01-01\n",
    );
    let outputs = push_run("error", "agentgate.sarif");
    assert!(
        outputs.contains("findings=2\n") && outputs.contains("exit-code=1\n"),
        "{outputs}"
    );
    assert_eq!(
        sarif_codes(&t),
        [
            ("AG101".to_string(), true),
            ("AG201".to_string(), false),
            ("AG501".to_string(), false)
        ]
    );
}

#[test]
fn action_metadata_is_consistent() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("action.yml")).unwrap();
    let node = agentgate::syntax::yaml::parse(&text, 0).expect("action.yml is valid YAML");
    let inputs: Vec<&str> = node
        .get("inputs")
        .unwrap()
        .members()
        .iter()
        .map(|m| m.key.as_str())
        .collect();
    for input in [
        "paths",
        "args",
        "fail-on",
        "diff-base",
        "sarif-file",
        "upload-sarif",
        "working-directory",
        "binary",
        "version",
        "install-only",
    ] {
        assert!(inputs.contains(&input), "missing input {input}");
    }
    let outputs: Vec<&str> = node
        .get("outputs")
        .unwrap()
        .members()
        .iter()
        .map(|m| m.key.as_str())
        .collect();
    assert_eq!(outputs, ["findings", "sarif-file", "exit-code", "bin"]);
    assert_eq!(
        node.pointer(&["runs", "using"]).unwrap().as_str(),
        Some("composite")
    );
    for step in node.pointer(&["runs", "steps"]).unwrap().as_array() {
        if let Some(script) = step
            .get("run")
            .and_then(|r| r.as_str())
            .and_then(|r| r.split("$GITHUB_ACTION_PATH/").nth(1))
        {
            let script = script.trim_end_matches('"');
            assert!(root.join(script).is_file(), "{script} is missing");
        }
    }
    let hooks = agentgate::syntax::yaml::parse(
        &std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap(),
        0,
    )
    .unwrap();
    let ids: Vec<&str> = hooks
        .as_array()
        .iter()
        .filter_map(|h| h.get("id")?.as_str())
        .collect();
    assert_eq!(ids, ["agentgate", "agentgate-system"]);
    for h in hooks.as_array() {
        assert_eq!(
            h.get("require_serial").map(|n| n.value.clone()),
            Some(agentgate::syntax::Value::Bool(true))
        );
        assert_eq!(
            h.get("minimum_pre_commit_version").and_then(|n| n.as_str()),
            Some("3.2.0")
        );
    }
}
