//! Rolling out to a team with existing findings: the baseline named in `.agentgate.yaml` is
//! honoured by every mode (plain, `--staged`, the native hook, `--diff`), and audited
//! exceptions are one command.

mod common;

use common::{BAD_SETTINGS, Tree};
use std::path::Path;

const NPX_SERVER: &str =
    "{\"mcpServers\": {\"a\": {\"command\": \"npx\", \"args\": [\"-y\", \"pkg\"]}}}\n";

fn repo() -> Tree {
    let t = Tree::new();
    t.git(&["init", "-q"]);
    t.write("README.md", "# r\n");
    t.write(".claude/settings.json", BAD_SETTINGS);
    t.git(&["add", "."]);
    t.git(&["commit", "-qm", "init"]);
    t
}

fn path_with_agentgate() -> String {
    let dir = Path::new(common::bin())
        .parent()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    format!("{dir}:{}", std::env::var("PATH").unwrap_or_default())
}

#[test]
fn baseline_is_written_into_the_config_and_honoured_everywhere() {
    let t = repo();
    t.write(".agentgate.yaml", "# team config\nexclude: [vendor/**]\n");
    let r = t.run(&["baseline", "--ignore", "AG501"]);
    r.code(0);
    assert!(
        r.stderr
            .contains("set `baseline: .agentgate-baseline.json`"),
        "{}",
        r.stderr
    );
    let config = std::fs::read_to_string(t.path().join(".agentgate.yaml")).unwrap();
    assert_eq!(
        config,
        "# team config\nexclude: [vendor/**]\nbaseline: .agentgate-baseline.json\n"
    );
    // Plain check and --staged: the accepted finding no longer blocks, and is counted.
    let r = t.run(&["check", "--ignore", "AG501"]);
    r.code(0);
    assert!(
        r.stdout
            .contains("1 suppressed finding not shown (1 baseline)"),
        "{}",
        r.stdout
    );
    t.git(&["add", "."]);
    t.run(&["check", "--ignore", "AG501", "--staged"]).code(0);
    // Running it again rewrites the same file and leaves the config alone.
    t.run(&["baseline", "--ignore", "AG501"]).code(0);
    assert_eq!(
        config,
        std::fs::read_to_string(t.path().join(".agentgate.yaml")).unwrap()
    );
    t.git(&["add", "."]);
    t.git(&["commit", "-qm", "adopt agentgate"]);

    // The native hook: a commit with only the old finding passes, a new finding blocks.
    t.run(&["hook", "install"]).code(0);
    let path = path_with_agentgate();
    t.write("README.md", "# r\nmore\n");
    t.git_env(&["add", "."], &[]);
    let ok = t.git_output(&["commit", "-qm", "docs"], &[("PATH", &path)]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    t.write(".mcp.json", NPX_SERVER);
    t.git(&["add", "."]);
    let blocked = t.git_output(&["commit", "-qm", "server"], &[("PATH", &path)]);
    assert!(!blocked.status.success());
    let err = String::from_utf8_lossy(&blocked.stderr);
    assert!(err.contains(".mcp.json"), "{err}");
    // The message names the audited path first.
    let exception = err
        .find("agentgate exception add")
        .expect("names `exception add`");
    assert!(!err[..exception].contains("agentgate:allow"), "{err}");
    // --baseline on the command line replaces the config's; --no-baseline shows everything.
    t.run(&["check", "--ignore", "AG501", "--baseline", "missing.json"])
        .code(2);
    t.write(".mcp.json", "{}\n");
    let all = t.run(&[
        "check",
        "--ignore",
        "AG501",
        "--no-baseline",
        "--format",
        "concise",
    ]);
    all.code(1);
    assert!(
        all.stdout.contains(".claude/settings.json:3:"),
        "{}",
        all.stdout
    );
}

#[test]
fn a_change_cannot_baseline_its_own_findings() {
    let t = repo();
    t.run(&["baseline"]).code(0);
    t.git(&["add", "."]);
    t.git(&["commit", "-qm", "adopt"]);
    t.git(&["checkout", "-qb", "feature"]);
    // The PR adds a finding and re-baselines it.
    t.write(".mcp.json", NPX_SERVER);
    t.run(&["baseline"]).code(0);
    t.git(&["add", "."]);
    t.git(&["commit", "-qm", "sneaky"]);
    t.run(&["check"]).code(0); // locally, the team's own baseline applies
    let r = t.run(&["check", "--diff", "main", "--format", "concise"]);
    r.code(1);
    assert!(r.stdout.contains(".mcp.json:1:"), "{}", r.stdout);
    assert!(
        r.stdout.contains(
            ".agentgate-baseline.json:1:1: AG613 warning this change adds 1 entry to the baseline"
        ),
        "{}",
        r.stdout
    );
    // A baseline the base never had is a weakening of the gate (reported, not blocking).
    let u = Tree::new();
    u.git(&["init", "-q", "-b", "main"]);
    u.write(".claude/settings.json", BAD_SETTINGS);
    u.write(".agentgate.yaml", "exclude: []\n");
    u.git(&["add", "."]);
    u.git(&["commit", "-qm", "init"]);
    u.git(&["checkout", "-qb", "adopt"]);
    u.run(&["baseline"]).code(0);
    u.git(&["add", "."]);
    u.git(&["commit", "-qm", "adopt"]);
    let r = u.run(&["check", "--diff", "main", "--format", "concise"]);
    assert!(
        r.stdout.contains(".agentgate.yaml:2:1: AG613 warning this change sets `baseline: .agentgate-baseline.json`"),
        "{}",
        r.stdout
    );
    r.code(0);
}

#[test]
fn exception_add_appends_an_audited_entry() {
    let t = repo();
    t.write(
        ".agentgate.yaml",
        "# ours\nexceptions:\n  # the sandbox\n  - rule: AG201\n    path: .mcp.json\n    reason: pinned in CI\n\nexclude: [vendor/**]\n",
    );
    let r = t.run(&[
        "exception",
        "add",
        "AG101",
        "--path",
        ".claude/settings.json",
        "--reason",
        "sandboxed VM: no network",
        "--expires",
        "2099-01-31",
        "--approved-by",
        "@platform",
    ]);
    r.code(0);
    assert_eq!(
        r.stdout,
        "Exception: AG101 on `.claude/settings.json`: sandboxed VM: no network, approved by @platform, until 2099-01-31\n"
    );
    let config = std::fs::read_to_string(t.path().join(".agentgate.yaml")).unwrap();
    assert_eq!(
        config,
        "# ours\nexceptions:\n  # the sandbox\n  - rule: AG201\n    path: .mcp.json\n    reason: pinned in CI\n  - rule: AG101\n    path: .claude/settings.json\n    reason: 'sandboxed VM: no network'\n    approved_by: '@platform'\n    expires: 2099-01-31\n\nexclude: [vendor/**]\n"
    );
    let r = t.run(&["check", "--format", "concise"]);
    r.code(0);
    assert!(r.stdout.contains("(1 exceptions)"), "{}", r.stdout);
    // Refused: no reason, an unknown rule, a bad date; the file is left as it was.
    for bad in [
        &["exception", "add", "AG101", "--path", "x", "--reason", " "][..],
        &["exception", "add", "AG999", "--path", "x", "--reason", "r"],
        &[
            "exception",
            "add",
            "AG101",
            "--path",
            "x",
            "--reason",
            "r",
            "--expires",
            "soon",
        ],
    ] {
        t.run(bad).code(2);
    }
    assert_eq!(
        config,
        std::fs::read_to_string(t.path().join(".agentgate.yaml")).unwrap()
    );
    // Without a config, one is created.
    let u = repo();
    u.run(&[
        "exception",
        "add",
        "AG101",
        "--path",
        ".claude/**",
        "--reason",
        "lab",
        "--expires",
        "30d",
    ])
    .code(0);
    let text = std::fs::read_to_string(u.path().join(".agentgate.yaml")).unwrap();
    assert!(
        text.starts_with(
            "exceptions:\n  - rule: AG101\n    path: '.claude/**'\n    reason: lab\n    expires: 20"
        ),
        "{text}"
    );
    u.run(&["check"]).code(0);
}

#[test]
fn locked_rules_take_no_exception() {
    let t = repo();
    t.write("pack/policy.yaml", "locked:\n  rules: [AG101]\n");
    t.write(".agentgate.yaml", "extends: pack\n");
    let r = t.run(&["exception", "add", "AG101", "--path", "x", "--reason", "r"]);
    r.code(2);
    assert!(
        r.stderr
            .contains("AG101 locked by the organisation's policy"),
        "{}",
        r.stderr
    );
}

const PACK_TEMPLATE: &str = "# {{project}}\n\n## Commands\n\n<!-- agentgate:begin commands -->\n{{commands}}\n<!-- agentgate:end commands -->\n\n## Security\n\n- Never read `.env` files.\n";

fn write_pack(dir: &Path) {
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("policy.yaml"),
        "require:\n  context_files: [AGENTS.md]\n  sections:\n    AGENTS.md: [Commands, Security]\n  claude_deny: [\"Read(./.env)\"]\n",
    )
    .unwrap();
    std::fs::write(dir.join("templates/AGENTS.md"), PACK_TEMPLATE).unwrap();
}

#[test]
fn init_with_a_policy_writes_the_config_fills_placeholders_and_offers_the_hook() {
    let t = Tree::new();
    t.git(&["init", "-q"]);
    t.write(
        "package.json",
        "{\"scripts\": {\"test\": \"vitest\", \"lint\": \"eslint .\"}}",
    );
    let pack = tempfile::tempdir().unwrap();
    write_pack(pack.path());
    let pack_dir = pack.path().to_str().unwrap();
    let r = t.run(&["init", "--policy", pack_dir]);
    r.code(0);
    assert!(
        r.stderr.contains("next: `agentgate hook install`"),
        "{}",
        r.stderr
    );
    let config = std::fs::read_to_string(t.path().join(".agentgate.yaml")).unwrap();
    assert!(config.starts_with("extends: "), "{config}");
    let agents = std::fs::read_to_string(t.path().join("AGENTS.md")).unwrap();
    assert!(!agents.contains("{{"), "{agents}");
    assert!(
        agents.contains("- Test: `npm test`\n- Lint: `npm run lint`"),
        "{agents}"
    );
    // The next check applies the pack (no --policy needed) and passes, managed block included.
    t.run(&["check", "--select", "all"]).code(0);
    // A second init does not replace the pack without --force.
    t.run(&[
        "init",
        "--extends",
        "https://git.example.com/p.git",
        "--ref",
        "v2",
    ])
    .code(2);
    // --hook installs it.
    let u = Tree::new();
    u.git(&["init", "-q"]);
    u.run(&["init", "--policy", pack_dir, "--hook"]).code(0);
    assert!(u.path().join(".git/hooks/pre-commit").is_file());
    // --extends with a git URL writes the git form.
    let v = Tree::new();
    v.write(".agentgate.yaml", "# ours\nexclude: [dist/**]\n");
    let r = v.run(&[
        "init",
        "--extends",
        "file:///nonexistent/pack.git",
        "--ref",
        "v1.2.0",
    ]);
    assert_eq!(
        std::fs::read_to_string(v.path().join(".agentgate.yaml")).unwrap(),
        "# ours\nexclude: [dist/**]\nextends:\n  git: 'file:///nonexistent/pack.git'\n  ref: v1.2.0\n"
    );
    // The pack cannot be fetched here: said, exit 2, config kept for the next try.
    r.code(2);
}

#[test]
fn fix_fills_placeholders_and_check_reports_unfilled_ones() {
    let t = Tree::new();
    t.git(&["init", "-q"]);
    t.write("Cargo.toml", "[package]\nname = \"x\"\n");
    write_pack(&t.path().join("pack"));
    t.write(".agentgate.yaml", "extends: pack\nexclude: [pack/**]\n");
    // An older tool wrote the placeholder literally: check reports it where it is.
    t.write(
        "AGENTS.md",
        "# x\n\n## Commands\n\n<!-- agentgate:begin commands -->\n{{commands}}\n<!-- agentgate:end commands -->\n\n## Security\n\n- Never read `.env` files.\n",
    );
    t.write(
        ".claude/settings.json",
        "{\"permissions\": {\"deny\": [\"Read(./.env)\"]}}\n",
    );
    let r = t.run(&["check", "--format", "concise"]);
    r.code(1);
    assert!(
        r.stdout.contains("AGENTS.md:6:1: AG609 error the managed block `commands` holds a placeholder that was never filled in"),
        "{}",
        r.stdout
    );
    t.run(&["fix"]).code(0);
    let agents = std::fs::read_to_string(t.path().join("AGENTS.md")).unwrap();
    assert!(!agents.contains("{{"), "{agents}");
    assert!(agents.contains("- Test: `cargo test`"), "{agents}");
    t.run(&["check"]).code(0);
    // Near miss: a block filled with this repository's own commands is not drift.
    t.run(&["fix", "--diff"]).code(0);
    // Sections appended by fix are filled too.
    t.write(
        "AGENTS.md",
        "# x\n\n## Security\n\n- Never read `.env` files.\n",
    );
    t.run(&["fix"]).code(0);
    let agents = std::fs::read_to_string(t.path().join("AGENTS.md")).unwrap();
    assert!(
        !agents.contains("{{") && agents.contains("- Build: `cargo build`"),
        "{agents}"
    );
    t.run(&["check"]).code(0);
}

/// The paved road end to end: `init --policy … --hook`, then a plain commit passes the hook,
/// and the next commit that breaks the policy is blocked.
#[test]
fn three_commands_to_a_guarded_compliant_repository() {
    let t = Tree::new();
    t.git(&["init", "-q"]);
    t.write("Cargo.toml", "[package]\nname = \"x\"\n");
    let pack = tempfile::tempdir().unwrap();
    write_pack(pack.path());
    t.run(&["init", "--policy", pack.path().to_str().unwrap(), "--hook"])
        .code(0);
    let path = path_with_agentgate();
    t.git(&["add", "-A"]);
    let ok = t.git_output(
        &["commit", "-qm", "Adopt the agent policy"],
        &[("PATH", &path)],
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // Drop the required deny rule: the hook blocks the commit.
    t.write(
        ".claude/settings.json",
        "{\"permissions\": {\"deny\": []}}\n",
    );
    t.git(&["add", "-A"]);
    let blocked = t.git_output(&["commit", "-qm", "loosen"], &[("PATH", &path)]);
    assert!(!blocked.status.success());
    assert!(String::from_utf8_lossy(&blocked.stderr).contains("AG606"));
}
