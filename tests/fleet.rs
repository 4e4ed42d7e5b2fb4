//! `agentgate fleet`: a fixture fleet of small repositories with fixed git history (healthy,
//! stale, drifted, dangerous, broken config, not a git clone), exact scorecards, shard + merge
//! equal to one full scan, diff, failures recorded per repository, and the HTML dashboard in
//! headless Chromium (when available; see `browser_dashboard`).

mod common;

use common::{Run, Tree, bin};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn git(dir: &Path, args: &[&str], date: Option<&str>) {
    let env: Vec<(&str, &str)> = date
        .map(|d| vec![("GIT_AUTHOR_DATE", d), ("GIT_COMMITTER_DATE", d)])
        .unwrap_or_default();
    let out = common::git_in(dir, args, &env);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn commit(dir: &Path, date: &str, msg: &str) {
    git(dir, &["add", "-A"], Some(date));
    git(dir, &["commit", "-qm", msg], Some(date));
}

/// Days since 1970 → `YYYY-MM-DD`, for exception dates relative to today.
fn day(days: i64) -> String {
    agentgate::source::git::date(days * 86_400)
}

fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        / 86_400
}

/// Days from `date` (`YYYY-MM-DD`) to the scan date: staleness is measured to the scan.
fn since(date: &str) -> i64 {
    today() - agentgate::exceptions::parse_date(date).unwrap()
}

/// A GitHub token with a valid checksum, from the secrets pack's own examples.
fn github_example() -> String {
    let engine = agentgate::secrets::Engine::builtin_with_examples();
    let rule = engine
        .rules()
        .find(|r| r.id.starts_with("github-pat"))
        .expect("a GitHub token rule");
    rule.examples.first().expect("an example").clone()
}

/// The fixture fleet under `t/fleet`, with an org policy pack in `t/policy`.
fn build_fleet(t: &Tree) -> PathBuf {
    let fleet = t.path().join("fleet");
    write(
        t.path(),
        "policy/policy.yaml",
        "require:\n  context_files: [AGENTS.md, CLAUDE.md]\n  sections:\n    AGENTS.md: [Commands, Security]\n  claude_deny: [\"Read(./.env)\"]\nmcp:\n  allow:\n    - \"@modelcontextprotocol/server-github@2025.4.8\"\n",
    );

    // alpha: healthy.
    let a = fleet.join("alpha");
    std::fs::create_dir_all(&a).unwrap();
    git(&a, &["init", "-q"], None);
    write(
        &a,
        "CLAUDE.md",
        "# Alpha\n\nA small service. Keep changes small and tested.\n",
    );
    write(
        &a,
        ".claude/settings.json",
        "{\n  \"model\": \"sonnet\",\n  \"permissions\": {\n    \"allow\": [\"Bash(npm test)\"],\n    \"deny\": [\"Read(./.env)\"]\n  }\n}\n",
    );
    write(
        &a,
        ".mcp.json",
        "{\"mcpServers\": {\"github\": {\"command\": \"npx\", \"args\": [\"-y\", \"@modelcontextprotocol/server-github@2025.4.8\"]}}}\n",
    );
    write(&a, "src/main.rs", "fn main() {}\n");
    commit(&a, "2026-06-01T10:00:00Z", "init");
    write(&a, "src/main.rs", "fn main() { println!(\"hi\"); }\n");
    commit(&a, "2026-06-20T10:00:00Z", "code");

    // bravo: a context file left behind while the code moved on.
    let b = fleet.join("bravo");
    std::fs::create_dir_all(&b).unwrap();
    git(&b, &["init", "-q"], None);
    write(
        &b,
        ".agentgate.yaml",
        "context:\n  stale_commits: 3\n  stale_days: 30\n",
    );
    write(
        &b,
        "AGENTS.md",
        "# Bravo\n\nConventions for the bravo service.\n",
    );
    write(&b, ".codex/config.toml", "model = \"gpt-5-codex\"\n");
    write(&b, "src/lib.rs", "// v0\n");
    commit(&b, "2026-01-10T10:00:00Z", "init");
    for (i, date) in ["2026-03-01", "2026-04-01", "2026-05-01", "2026-06-01"]
        .iter()
        .enumerate()
    {
        write(&b, "src/lib.rs", &format!("// v{}\n", i + 1));
        write(&b, &format!("src/m{i}.rs"), "// new\n");
        commit(&b, &format!("{date}T10:00:00Z"), "code");
    }

    // charlie: drifted from the org policy; one exception expiring soon, one expired.
    let c = fleet.join("charlie");
    std::fs::create_dir_all(&c).unwrap();
    git(&c, &["init", "-q"], None);
    let soon = day(today() + 10);
    write(
        &c,
        ".agentgate.yaml",
        &format!(
            "extends: ../../policy\nexceptions:\n  - rule: AG201\n    path: .mcp.json\n    reason: fetch server pinned next sprint\n    approved_by: platform@example.com\n    expires: {soon}\n  - rule: AG101\n    path: .claude/settings.json\n    reason: legacy\n    expires: 2020-01-31\n"
        ),
    );
    write(
        &c,
        "AGENTS.md",
        "# Charlie\n\n## Commands\n\nRun the tests before committing.\n",
    );
    write(
        &c,
        ".claude/settings.json",
        "{\"permissions\": {\"allow\": [\"Bash(npm test)\"]}}\n",
    );
    write(
        &c,
        ".mcp.json",
        "{\"mcpServers\": {\n  \"github\": {\"command\": \"npx\", \"args\": [\"-y\", \"@modelcontextprotocol/server-github@2025.1.1\"]},\n  \"fetch\": {\"command\": \"npx\", \"args\": [\"-y\", \"fetch-mcp\"]}\n}}\n",
    );
    write(
        &c,
        ".gemini/settings.json",
        "{\"model\": {\"name\": \"gemini-2.5-pro\"}}\n",
    );
    commit(&c, "2026-06-10T10:00:00Z", "init");

    // delta: dangerous permissions, an unpinned server, a committed credential.
    let d = fleet.join("delta");
    std::fs::create_dir_all(&d).unwrap();
    git(&d, &["init", "-q"], None);
    write(&d, "CLAUDE.md", "# Delta\n\nDeploys things.\n");
    write(
        &d,
        ".claude/settings.json",
        "{\n  \"model\": \"opus\",\n  \"permissions\": {\n    \"allow\": [\"Bash(*)\"],\n    \"defaultMode\": \"bypassPermissions\"\n  }\n}\n",
    );
    write(
        &d,
        ".claude/agents/deploy.md",
        "---\nname: deploy\ndescription: Deploys the service\nmodel: haiku\n---\nDeploy carefully.\n",
    );
    let key = ["sk-ant-api03-", "HAZt9xslXTTIQrh6bpy0VAq3GZuO2R8UziJdi0Y4mj4TIJZ9RnvIh4TOetAfG82EOMjRZA0G6vbBxKd5WVwd9ExLXa3zp", "AA"].concat(); // agentgate:allow: a fake credential for this test
    write(
        &d,
        ".mcp.json",
        &format!(
            "{{\"mcpServers\": {{\"db\": {{\"command\": \"npx\", \"args\": [\"-y\", \"@acme/db-mcp\"], \"env\": {{\"ANTHROPIC_API_KEY\": \"{key}\"}}}}}}}}\n"
        ),
    );
    write(
        &d,
        "deploy.sh",
        &format!("#!/bin/sh\n{}\n", github_example()),
    );
    commit(&d, "2026-06-15T10:00:00Z", "init");

    // echo: a broken .agentgate.yaml (the scan fails, the run goes on).
    let e = fleet.join("echo");
    std::fs::create_dir_all(&e).unwrap();
    git(&e, &["init", "-q"], None);
    write(&e, ".agentgate.yaml", "rules:\n  select: [unclosed\n");
    write(&e, "CLAUDE.md", "# Echo\n");
    commit(&e, "2026-06-15T10:00:00Z", "init");

    // foxtrot: not a git clone (a tarball export): scannable, freshness unknown.
    let f = fleet.join("foxtrot");
    write(&f, "AGENTS.md", "# Foxtrot\n\nPlain export, no history.\n");
    write(&f, "README.md", "foxtrot\n");
    fleet
}

fn fleet_run(t: &Tree, args: &[&str]) -> Run {
    let out = Command::new(bin())
        .args(args)
        .current_dir(t.path())
        .env("SOURCE_DATE_EPOCH", (today() * 86_400).to_string())
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("run agentgate");
    Run::from(out)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The scorecard with its machine-specific path removed.
fn card(report: &Value, name: &str) -> Value {
    let mut c = report["repos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no repo {name}"))
        .clone();
    c.as_object_mut().unwrap().remove("path");
    c
}

/// The one secret planted in the fleet (delta's deploy.sh) and delta's MCP credential.
fn planted_secrets() -> Vec<String> {
    vec![
        github_example(),
        ["sk-ant-api03-", "HAZt9xslXTTIQrh6bpy0VAq3GZuO2R8UziJdi0Y4mj4TIJZ9RnvIh4TOetAfG82EOMjRZA0G6vbBxKd5WVwd9ExLXa3zp", "AA"].concat(), // agentgate:allow: a fake credential for this test
    ]
}

fn ok_card(name: &str, extra: Value) -> Value {
    let mut base = json!({
        "name": name, "status": "ok", "error": null, "unreadable_files": 0,
        "drift": 0, "exceptions": [], "mcp_servers": [], "models": [], "secrets": 0,
        "permission_risk": "low",
        "findings": {"total": 0, "error": 0, "warning": 0, "note": 0, "suppressed": 0,
                     "by_family": {}, "by_rule": {}},
        "grade": {"score": 100, "letter": "A"},
    });
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

fn context_file(
    path: &str,
    last: &str,
    days: i64,
    commits: usize,
    files: usize,
    stale: bool,
) -> Value {
    json!({"path": path, "last_changed": last, "days": days, "commits_since": commits,
           "files_changed_since": files, "stale": stale})
}

#[test]
fn scorecards_are_exact() {
    let t = Tree::new();
    build_fleet(&t);
    let r = fleet_run(
        &t,
        &[
            "fleet",
            "scan",
            "fleet",
            "--json",
            "out.json",
            "--markdown",
            "out.md",
            "--html",
            "out.html",
        ],
    );
    r.code(0);
    assert!(
        r.stderr.contains("5 repositories scanned, 1 failed"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let report = read_json(&t.path().join("out.json"));
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["shard"], Value::Null);
    assert_eq!(
        report["generated_at"],
        format!("{}T00:00:00Z", day(today()))
    );
    let names: Vec<&str> = report["repos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]
    );

    let github_mcp = |version: &str| {
        json!({"name": "github", "file": ".mcp.json", "transport": "stdio",
               "package": "@modelcontextprotocol/server-github", "version": version, "pinned": true})
    };
    let expected = [
        ok_card(
            "alpha",
            json!({
                "files_scanned": 4, "agent_files": 3, "agents": ["Claude Code"],
                "context": {"freshness": "fresh", "max_days": since("2026-06-01"),
                            "files": [context_file("CLAUDE.md", "2026-06-01", since("2026-06-01"), 1, 1, false)]},
                "mcp_servers": [github_mcp("2025.4.8")],
                "models": [{"model": "sonnet", "file": ".claude/settings.json"}],
            }),
        ),
        ok_card(
            "bravo",
            json!({
                "files_scanned": 8, "agent_files": 2, "agents": ["Codex"],
                "context": {"freshness": "stale", "max_days": since("2026-01-10"),
                            "files": [context_file("AGENTS.md", "2026-01-10", since("2026-01-10"), 4, 5, true)]},
                "findings": {"total": 1, "error": 0, "warning": 1, "note": 0, "suppressed": 0,
                             "by_family": {"context": {"error": 0, "warning": 1, "note": 0}},
                             "by_rule": {"AG509": 1}},
                "grade": {"score": 97, "letter": "A"},
                "models": [{"model": "gpt-5-codex", "file": ".codex/config.toml"}],
                // The applied policy, shown per repository.
                "policy": {"config": ".agentgate.yaml", "packs": []},
            }),
        ),
        ok_card(
            "charlie",
            json!({
                "files_scanned": 5, "agent_files": 4, "agents": ["Claude Code", "Gemini CLI"],
                "context": {"freshness": "fresh", "max_days": since("2026-06-10"),
                            "files": [context_file("AGENTS.md", "2026-06-10", since("2026-06-10"), 0, 0, false)]},
                "findings": {"total": 7, "error": 6, "warning": 1, "note": 0, "suppressed": 1,
                             "by_family": {"context": {"error": 0, "warning": 1, "note": 0},
                                           "policy": {"error": 6, "warning": 0, "note": 0}},
                             "by_rule": {"AG501": 1, "AG601": 1, "AG604": 1, "AG605": 1,
                                         "AG606": 1, "AG608": 2}},
                // context 3 + policy min(30, 60): 67, D.
                "grade": {"score": 67, "letter": "D"},
                "drift": 5,
                "mcp_servers": [
                    {"name": "fetch", "file": ".mcp.json", "transport": "stdio",
                     "package": "fetch-mcp", "version": null, "pinned": false},
                    github_mcp("2025.1.1"),
                ],
                "models": [{"model": "gemini-2.5-pro", "file": ".gemini/settings.json"}],
                "policy": {"config": ".agentgate.yaml", "packs": ["policy"]},
                "exceptions": [
                    {"rule": "AG201", "path": ".mcp.json", "reason": "fetch server pinned next sprint",
                     "approved_by": "platform@example.com", "expires": day(today() + 10),
                     "days_left": 10, "status": "expiring"},
                    {"rule": "AG101", "path": ".claude/settings.json", "reason": "legacy",
                     "approved_by": null, "expires": "2020-01-31",
                     "days_left": agentgate::exceptions::parse_date("2020-01-31").unwrap() - today(),
                     "status": "expired"},
                ],
            }),
        ),
        ok_card(
            "delta",
            json!({
                "files_scanned": 5, "agent_files": 4, "agents": ["Claude Code"],
                "context": {"freshness": "fresh", "max_days": since("2026-06-15"),
                            "files": [context_file("CLAUDE.md", "2026-06-15", since("2026-06-15"), 0, 0, false)]},
                "findings": {"total": 5, "error": 5, "warning": 0, "note": 0, "suppressed": 0,
                             "by_family": {"mcp": {"error": 2, "warning": 0, "note": 0},
                                           "permissions": {"error": 2, "warning": 0, "note": 0},
                                           "secrets": {"error": 1, "warning": 0, "note": 0}},
                             "by_rule": {"AG101": 1, "AG102": 1, "AG201": 1, "AG202": 1, "AG402": 1}},
                // 100 − 20 − 20 − 10 = 50, capped by its 5 security errors at 69 − 40 = 29, F.
                "grade": {"score": 29, "letter": "F"},
                "permission_risk": "high",
                // AG402 and the MCP server's literal credential (AG202).
                "secrets": 2,
                "mcp_servers": [{"name": "db", "file": ".mcp.json", "transport": "stdio",
                                 "package": "@acme/db-mcp", "version": null, "pinned": false}],
                "models": [{"model": "haiku", "file": ".claude/agents/deploy.md"},
                           {"model": "opus", "file": ".claude/settings.json"}],
            }),
        ),
        ok_card(
            "echo",
            json!({
                "status": "failed",
                "error": "invalid config: unclosed bracket '[' at line 2, column 11",
                "files_scanned": 0, "agent_files": 0, "agents": [],
                "context": {"freshness": "unknown", "max_days": null, "files": []},
                "grade": null,
            }),
        ),
        ok_card(
            "foxtrot",
            json!({
                // AGENTS.md is the shared standard: no one agent's adoption.
                "files_scanned": 2, "agent_files": 1, "agents": [],
                "context": {"freshness": "unknown", "max_days": null, "files": [
                    {"path": "AGENTS.md", "last_changed": null, "days": null, "commits_since": null,
                     "files_changed_since": null, "stale": false}]},
            }),
        ),
    ];
    for want in expected {
        let name = want["name"].as_str().unwrap();
        assert_eq!(card(&report, name), want, "scorecard of {name}");
    }

    let s = &report["summary"];
    assert_eq!(
        (
            s["repos"].as_u64(),
            s["scanned"].as_u64(),
            s["failed"].as_u64()
        ),
        (Some(6), Some(5), Some(1))
    );
    // (100 + 97 + 67 + 29 + 100) / 5 = 78.6
    assert_eq!(s["average_score"], 79);
    assert_eq!(s["grades"], json!({"A": 3, "B": 0, "C": 0, "D": 1, "F": 1}));
    assert_eq!(
        s["freshness"],
        json!({"fresh": 3, "stale": 1, "missing": 0, "unknown": 1})
    );
    // Measured to the scan date, every context file (last changed by 2026-06-15) is 91+ days.
    assert_eq!(
        s["freshness_days"],
        json!({"0-7": 0, "8-30": 0, "31-90": 0, "91+": 4})
    );
    assert_eq!(
        s["permission_risk"],
        json!({"low": 4, "medium": 0, "high": 1})
    );
    assert_eq!(s["findings"], json!({"error": 11, "warning": 2, "note": 0}));
    // Secrets: delta's AG402 and its MCP server's literal credential (AG202).
    assert_eq!(
        (s["drift"].as_u64(), s["secrets"].as_u64()),
        (Some(5), Some(2))
    );
    assert_eq!(
        s["models"],
        json!([{"model": "gemini-2.5-pro", "repos": ["charlie"]},
               {"model": "gpt-5-codex", "repos": ["bravo"]},
               {"model": "haiku", "repos": ["delta"]},
               {"model": "opus", "repos": ["delta"]},
               {"model": "sonnet", "repos": ["alpha"]}])
    );
    assert_eq!(
        s["mcp_servers"][0],
        json!({"key": "@modelcontextprotocol/server-github", "names": ["github"],
               "transports": ["stdio"], "versions": ["2025.1.1", "2025.4.8"],
               "repos": ["alpha", "charlie"], "unpinned_repos": []})
    );
    assert_eq!(s["mcp_servers"].as_array().unwrap().len(), 3);
    let expiring: Vec<(&str, &str)> = s["expiring_exceptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["rule"].as_str().unwrap(), e["status"].as_str().unwrap()))
        .collect();
    assert_eq!(expiring, [("AG101", "expired"), ("AG201", "expiring")]);

    // Never a secret value, in any output.
    for file in ["out.json", "out.md", "out.html"] {
        let text = std::fs::read_to_string(t.path().join(file)).unwrap();
        for secret in planted_secrets() {
            assert!(!text.contains(&secret), "{file} shows a secret");
        }
    }
    let md = std::fs::read_to_string(t.path().join("out.md")).unwrap();
    assert!(
        md.contains(&format!(
            "| delta | F (29) | fresh ({} d) | 5/0/0 | 0 | high | 1 | 2 | haiku, opus | 0 |",
            since("2026-06-15")
        )),
        "{md}"
    );
    assert!(md.contains("- **echo**: invalid config"), "{md}");
    let html = std::fs::read_to_string(t.path().join("out.html")).unwrap();
    for name in names {
        assert!(
            html.contains(&format!("<tr data-name=\"{name}\"")),
            "{name}"
        );
    }
}

#[test]
fn shards_merge_to_the_full_scan() {
    let t = Tree::new();
    build_fleet(&t);
    fleet_run(
        &t,
        &[
            "fleet",
            "scan",
            "fleet",
            "--json",
            "full.json",
            "--html",
            "full.html",
            "--markdown",
            "full.md",
        ],
    )
    .code(0);
    let mut seen = Vec::new();
    for i in 1..=3 {
        let out = format!("shard{i}.json");
        fleet_run(
            &t,
            &[
                "fleet",
                "scan",
                "fleet",
                "--shard",
                &format!("{i}/3"),
                "--json",
                &out,
            ],
        )
        .code(0);
        let shard = read_json(&t.path().join(&out));
        assert_eq!(shard["shard"], json!({"index": i, "count": 3}));
        for r in shard["repos"].as_array().unwrap() {
            seen.push(r["name"].as_str().unwrap().to_string());
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"],
        "each repo in exactly one shard"
    );
    fleet_run(
        &t,
        &[
            "fleet",
            "merge",
            "shard1.json",
            "shard2.json",
            "shard3.json",
            "--json",
            "merged.json",
            "--html",
            "merged.html",
            "--markdown",
            "merged.md",
        ],
    )
    .code(0);
    for (a, b) in [
        ("full.json", "merged.json"),
        ("full.html", "merged.html"),
        ("full.md", "merged.md"),
    ] {
        let (a_text, b_text) = (
            std::fs::read_to_string(t.path().join(a)).unwrap(),
            std::fs::read_to_string(t.path().join(b)).unwrap(),
        );
        assert!(a_text == b_text, "{a} and {b} differ");
    }
    // The same shard twice is an overlap, not a silent double count.
    let r = fleet_run(
        &t,
        &[
            "fleet",
            "merge",
            "shard1.json",
            "shard1.json",
            "--json",
            "x.json",
        ],
    );
    r.code(2);
    assert!(r.stderr.contains("more than one input"), "{}", r.stderr);
}

#[test]
fn diff_shows_better_and_worse() {
    let t = Tree::new();
    let fleet = build_fleet(&t);
    fleet_run(&t, &["fleet", "scan", "fleet", "--json", "old.json"]).code(0);
    let same = fleet_run(&t, &["fleet", "diff", "old.json", "old.json"]);
    same.code(0);
    assert!(
        same.stdout.contains("Worse (0):\nBetter (0):\n"),
        "{}",
        same.stdout
    );
    // alpha gets a wildcard; delta drops its dangerous settings; echo's config is fixed.
    write(
        &fleet.join("alpha"),
        ".claude/settings.json",
        "{\"model\": \"sonnet\", \"permissions\": {\"allow\": [\"Bash(*)\"], \"deny\": [\"Read(./.env)\"]}}\n",
    );
    write(
        &fleet.join("delta"),
        ".claude/settings.json",
        "{\"model\": \"opus\"}\n",
    );
    write(
        &fleet.join("echo"),
        ".agentgate.yaml",
        "rules:\n  select: [all]\n",
    );
    std::fs::create_dir_all(fleet.join("golf")).unwrap();
    fleet_run(&t, &["fleet", "scan", "fleet", "--json", "new.json"]).code(0);
    let r = fleet_run(&t, &["fleet", "diff", "old.json", "new.json"]);
    r.code(1);
    assert!(
        r.stdout
            .starts_with("Fleet: 6 → 7 repositories, average score 79 → "),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Worse (1):\n  alpha: grade A (100) → D (69); errors 0 → 1; permission risk low → high\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("  delta: grade F (29) → F (49); errors 5 → 3\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("  echo: scans again"), "{}", r.stdout);
    assert!(r.stdout.contains("Added (1): golf\n"), "{}", r.stdout);
    // The reverse direction: everything that got better got worse.
    fleet_run(&t, &["fleet", "diff", "new.json", "old.json"]).code(1);
    // A repository that loosens its own config is worse, even with the same grade.
    write(
        &fleet.join("golf"),
        ".agentgate.yaml",
        "exclude: [\"vendor/**\"]\nrules:\n  ignore: [AG101]\n",
    );
    fleet_run(&t, &["fleet", "scan", "fleet", "--json", "loose.json"]).code(0);
    let r = fleet_run(&t, &["fleet", "diff", "new.json", "loose.json"]);
    r.code(1);
    assert!(
        r.stdout.contains("  golf: gate loosened: adds exclude `vendor/**`; gate loosened: adds rules.ignore `AG101`\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn one_policy_for_all_and_repo_lists() {
    let t = Tree::new();
    build_fleet(&t);
    // --config: one central policy layered over each repository's own config: every repo is
    // judged by the pack (alpha has no AGENTS.md: one drift finding), charlie keeps its own
    // exceptions, and echo's broken file fails echo as it would in echo's own CI.
    write(t.path(), "org.yaml", "extends: policy\n");
    let r = fleet_run(
        &t,
        &[
            "fleet", "scan", "fleet", "--config", "org.yaml", "--json", "one.json",
        ],
    );
    r.code(0);
    let report = read_json(&t.path().join("one.json"));
    assert_eq!(card(&report, "echo")["status"], "failed");
    assert_eq!(
        card(&report, "alpha")["drift"],
        1,
        "{}",
        card(&report, "alpha")
    );
    assert_eq!(card(&report, "alpha")["policy"]["config"], "org.yaml");
    let charlie = card(&report, "charlie");
    assert_eq!(
        charlie["policy"]["config"], ".agentgate.yaml + org.yaml",
        "{charlie}"
    );
    assert_eq!(charlie["findings"]["suppressed"], 1, "{charlie}");
    // A list of paths (relative to the list), one of them missing: recorded, not fatal.
    write(
        t.path(),
        "repos.txt",
        "# the fleet\nfleet/alpha\nfleet/missing\n\nfleet/bravo/\n",
    );
    let r = fleet_run(
        &t,
        &["fleet", "scan", "--repos-file", "repos.txt", "--json", "-"],
    );
    r.code(0);
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    let rows: Vec<(&str, &str)> = report["repos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rows,
        [
            ("fleet/alpha", "ok"),
            ("fleet/bravo", "ok"),
            ("fleet/missing", "failed")
        ]
    );
    let missing = card(&report, "fleet/missing");
    assert!(
        missing["error"]
            .as_str()
            .unwrap()
            .starts_with("cannot open "),
        "{missing}"
    );
    // DIRs that are clones themselves are one repository each, named after the directory.
    let r = fleet_run(
        &t,
        &["fleet", "scan", "fleet/alpha", "fleet/bravo", "--list"],
    );
    r.code(0);
    assert_eq!(r.stdout, "alpha\nbravo\n");
    // --list: what a shard job must clone (repos-file entries need not exist yet).
    let mut listed = Vec::new();
    for i in 1..=2 {
        let r = fleet_run(
            &t,
            &[
                "fleet",
                "scan",
                "--repos-file",
                "repos.txt",
                "--shard",
                &format!("{i}/2"),
                "--list",
            ],
        );
        r.code(0);
        listed.extend(r.stdout.lines().map(String::from));
    }
    listed.sort();
    assert_eq!(listed, ["fleet/alpha", "fleet/bravo", "fleet/missing"]);
    // Markdown to standard output by default.
    let r = fleet_run(&t, &["fleet", "scan", "--repos-file", "repos.txt"]);
    r.code(0);
    assert!(
        r.stdout.starts_with("# Agent configuration fleet report"),
        "{}",
        r.stdout
    );
}

#[test]
fn usage_errors_exit_2() {
    let t = Tree::new();
    build_fleet(&t);
    for bad in ["0/3", "4/3", "1/0", "x"] {
        let r = fleet_run(&t, &["fleet", "scan", "fleet", "--shard", bad]);
        r.code(2);
        assert!(r.stderr.contains("--shard"), "{bad}: {}", r.stderr);
    }
    let r = fleet_run(&t, &["fleet", "scan"]);
    r.code(2);
    assert!(r.stderr.contains("--repos-file"), "{}", r.stderr);
    fleet_run(&t, &["fleet", "scan", "nowhere"]).code(2);
    fleet_run(&t, &["fleet", "scan", "fleet", "--config", "nowhere.yaml"]).code(2);
    fleet_run(
        &t,
        &["fleet", "scan", "fleet", "--json", "no/such/dir/out.json"],
    )
    .code(2);
    let r = fleet_run(
        &t,
        &["fleet", "scan", "fleet", "--json", "-", "--markdown", "-"],
    );
    r.code(2);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    write(t.path(), "garbage.json", "{\"hello\": 1}");
    let r = fleet_run(&t, &["fleet", "merge", "garbage.json", "--json", "x.json"]);
    r.code(2);
    assert!(
        r.stderr.contains("not an agentgate fleet report"),
        "{}",
        r.stderr
    );
    write(t.path(), "future.json", "{\"schema_version\": 99}");
    let r = fleet_run(&t, &["fleet", "diff", "future.json", "future.json"]);
    r.code(2);
    assert!(r.stderr.contains("schema_version 99"), "{}", r.stderr);
    write(t.path(), "broken.json", "{");
    fleet_run(&t, &["fleet", "diff", "broken.json", "nowhere.json"]).code(2);
    fleet_run(&t, &["fleet", "merge"]).code(2);
}

/// Opens the dashboard in headless Chromium (tests/dashboard/check.mjs, playwright-core):
/// no console errors, every repository shown, sorting and filtering work; saves
/// target/fleet-dashboard.png. Runs when AGENTGATE_BROWSER_TEST=1 (then it must work), or
/// when /usr/bin/chromium and tests/dashboard/node_modules are both present; under CI (env
/// `CI` set) a skip is a failure.
#[test]
fn browser_dashboard() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script_dir = manifest.join("tests/dashboard");
    let required = std::env::var("AGENTGATE_BROWSER_TEST").is_ok_and(|v| v == "1");
    let available = Path::new("/usr/bin/chromium").exists()
        && script_dir.join("node_modules/playwright-core").exists();
    if !required && !available {
        // Under CI this fails: the dashboard check must run there (.ci/run installs chromium).
        common::skip_unless_ci(
            "needs /usr/bin/chromium and `npm ci` in tests/dashboard (or AGENTGATE_BROWSER_TEST=1)",
        );
        return;
    }
    let t = Tree::new();
    build_fleet(&t);
    fleet_run(&t, &["fleet", "scan", "fleet", "--html", "dashboard.html"]).code(0);
    let shot = manifest.join("target/fleet-dashboard.png");
    std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
    let out = Command::new("node")
        .arg(script_dir.join("check.mjs"))
        .arg(t.path().join("dashboard.html"))
        .arg(&shot)
        .current_dir(&script_dir)
        .output()
        .expect("run node (needed for the browser test)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "dashboard check failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("repositories shown: 6"), "{stdout}");
    assert!(shot.exists());
}
