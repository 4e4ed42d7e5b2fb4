//! One fixture rendered in every output format, compared with the committed snapshot
//! (`tests/snapshots/`). A renderer change shows as a reviewable diff; accept it with
//! `INSTA_UPDATE=always cargo test --test snapshots` (or `cargo insta review`).

mod common;

use common::Tree;

fn fixture() -> Tree {
    let t = Tree::new();
    t.write(
        ".claude/settings.json",
        "{\n  \"permissions\": {\n    \"allow\": [\"Bash(*)\", \"Read(./src/**)\"],\n    \"defaultMode\": \"bypassPermissions\"\n  }\n}\n",
    );
    t.write(
        ".mcp.json",
        "{\"mcpServers\": {\"fetch\": {\"command\": \"npx\", \"args\": [\"-y\", \"fetch-mcp\"]}}}\n",
    );
    t.write(
        "CLAUDE.md",
        "# Project\n\nSee [the guide](docs/missing.md).\n",
    );
    t
}

fn render(format: &str) -> String {
    let t = fixture();
    let r = t.run(&["check", "--format", format, "--no-color"]);
    assert_eq!(r.code, 1, "{format}: {}", r.stderr);
    // The temporary directory and the version are the only parts that vary between runs.
    let root = std::fs::canonicalize(t.path()).unwrap();
    let out = r
        .stdout
        .replace(&root.to_string_lossy().to_string(), "[ROOT]")
        .replace(env!("CARGO_PKG_VERSION"), "[VERSION]");
    if format != "sarif" {
        return out;
    }
    // Every rule's documentation rides along in SARIF; the snapshot keeps its ids only, so a
    // new rule or a docs edit does not rewrite it (tests/cli.rs checks the descriptors).
    let mut log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules = &mut log["runs"][0]["tool"]["driver"]["rules"];
    let ids: Vec<serde_json::Value> = rules
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| ["AG101", "AG102", "AG201", "AG502"].contains(&r["id"].as_str().unwrap()))
        .cloned()
        .collect();
    *rules = serde_json::Value::Array(ids);
    for result in log["runs"][0]["results"].as_array_mut().unwrap() {
        result.as_object_mut().unwrap().remove("ruleIndex");
    }
    serde_json::to_string_pretty(&log).unwrap()
}

#[test]
fn every_format() {
    for format in [
        "text", "concise", "json", "sarif", "github", "gitlab", "junit",
    ] {
        insta::assert_snapshot!(format, render(format));
    }
}
