//! Behaviour pinned at the seams between stages: every command sees the same suppressions,
//! severities and facts.

mod common;

use common::{BAD_SETTINGS, Tree};

const NPX_SERVER: &str = "{\"mcpServers\": {\"fs\": {\"command\": \"npx\", \"args\": [\"-y\", \"@scope/server-filesystem@1.2\"]}}}\n";

#[test]
fn a_baseline_keeps_what_exceptions_suppressed() {
    let t = Tree::new();
    t.write(".claude/settings.json", BAD_SETTINGS);
    t.write(".mcp.json", NPX_SERVER);
    t.write(
        ".agentgate.yaml",
        "exceptions:\n  - rule: AG101\n    path: .claude/settings.json\n    reason: sandbox VM\n",
    );
    t.run(&["baseline", "--ignore", "AG501"]).code(0);
    let r = t.run(&["check", "--ignore", "AG501", "--format", "concise"]);
    r.code(0);
    assert!(
        r.stdout
            .contains("2 suppressed findings not shown (1 baseline, 1 exceptions)"),
        "{}",
        r.stdout
    );
    let sarif: serde_json::Value = serde_json::from_str(
        &t.run(&["check", "--ignore", "AG501", "--format", "sarif"])
            .stdout,
    )
    .unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let justifications: Vec<&str> = results
        .iter()
        .map(|r| r["suppressions"][0]["justification"].as_str().unwrap())
        .collect();
    assert_eq!(results.len(), 2, "{sarif}");
    assert!(
        justifications.iter().any(|j| j.contains("sandbox VM")),
        "{justifications:?}"
    );
    assert!(
        justifications
            .iter()
            .any(|j| j.contains("accepted in the baseline")),
        "{justifications:?}"
    );
}

#[test]
fn history_applies_exceptions_like_check() {
    let t = Tree::new();
    t.git(&["init", "-q"]);
    let token = ["ghp_", "Zq8Rk2mVx7LpT4nWc9YbH3sJd6FgA1eQu5Ko"].concat();
    t.write("deploy/token.txt", format!("token = {token}\n"));
    t.git(&["add", "."]);
    t.git(&["commit", "-qm", "fixture"]);
    t.run(&["history", "--fail-on", "warning"]).code(1);
    t.write(
        ".agentgate.yaml",
        "exceptions:\n  - rule: secrets\n    path: deploy/**\n    reason: revoked test token\n",
    );
    t.run(&["check", "--fail-on", "warning"]).code(0);
    let r = t.run(&["history", "--format", "concise", "--fail-on", "warning"]);
    r.code(0);
    assert!(
        r.stdout
            .contains("1 suppressed finding not shown (1 exceptions)"),
        "{}",
        r.stdout
    );
    // Near miss: the exception covers its path only.
    t.write("other/token.txt", format!("api_token = {token}\n"));
    t.git(&["add", "."]);
    t.git(&["commit", "-qm", "other"]);
    t.run(&["history", "--fail-on", "warning"]).code(1);
}

#[test]
fn statistics_show_the_configured_severity() {
    let t = Tree::new();
    t.write(".claude/settings.json", BAD_SETTINGS);
    t.write(
        ".agentgate.yaml",
        "rules:\n  severity:\n    AG101: warning\n",
    );
    let r = t.run(&[
        "check",
        "--statistics",
        "--format",
        "concise",
        "--fail-on",
        "warning",
    ]);
    r.code(1);
    assert!(
        r.stdout
            .contains("     1  AG101  bash-wildcard-allow          warning"),
        "{}",
        r.stdout
    );
}

#[test]
fn fleet_and_check_agree_on_pinning() {
    let t = Tree::new();
    t.write("fleet/a/.mcp.json", NPX_SERVER);
    t.write("fleet/a/AGENTS.md", "# a\n");
    let r = t.run(&["check", "fleet/a", "--format", "concise"]);
    assert!(r.stdout.contains("AG201"), "{}", r.stdout);
    t.run(&["fleet", "scan", "fleet", "--json", "f.json"]);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.path().join("f.json")).unwrap()).unwrap();
    assert_eq!(
        report["repos"][0]["mcp_servers"][0]["pinned"], false,
        "{report}"
    );
}
