//! `agentgate fleet usage` on fixtures of every source (tests/fixtures/usage: shapes from the
//! vendors' documentation, values made up so the sums can be worked by hand). Every number
//! below is derived in the comment above it from the fixture values.

mod common;

use common::{Tree, bin};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/usage");

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin())
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1754870400")
        .stdin(Stdio::null())
        .output()
        .expect("run agentgate");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn report(extra: &[&str]) -> Value {
    let pack = format!("{FIXTURES}/pack");
    let mut args = vec!["fleet", "usage", FIXTURES, "--policy", &pack, "--json", "-"];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn group<'a>(r: &'a Value, list: &str, key: Option<&str>) -> &'a Value {
    r[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"].as_str() == key)
        .unwrap_or_else(|| panic!("no {list} {key:?} in {}", r[list]))
}

#[test]
fn every_source_summed_by_hand() {
    let r = report(&[]);
    // Every file is recognised, with its format.
    let formats: Vec<(&str, &str)> = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            (
                path.rsplit('/').next().unwrap(),
                f["format"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        formats,
        [
            ("cost_report.json", "admin_cost"),
            ("usage_messages.json", "admin_messages"),
            ("claude_code.json", "claude_code_analytics"),
            ("agent-a1.jsonl", "claude_transcript"),
            ("s-4.jsonl", "claude_transcript"),
            ("rollout-2025-08-06T10-00-00-c-5.jsonl", "codex_rollout"),
            ("users-1-day.ndjson", "copilot_usage"),
            ("cumulative.jsonl", "otlp_metrics"),
            ("logs.jsonl.gz", "otlp_logs"),
            ("metrics.jsonl", "otlp_metrics"),
        ]
    );
    let t = &r["totals"];
    // Tokens per source:
    //   OTel metrics, session s-1: 1000+500+8000+500 (sonnet, main) + 200+100+700 (opus,
    //     subagent) = 11000; the s-2 datapoint (999) is superseded by s-2's events.
    //   OTel cumulative: 100 then 250 on one series → 250.
    //   OTel events, s-2: (300+200+1500+0) + (100+50) = 2150.
    //   Admin messages: (4000+1500+2500+1000+500) + (1000+200) = 9500 + 1200.
    //   Analytics: 45230+12450+8790+2340 = 68810.
    //   Transcript s-4: msg_01 once (10+40+0+2000) + msg_02 (20+60+2000+100) + subagent
    //     (50+20) = 4300.
    //   Codex c-5: total_token_usage 10000 input + 900 output = 10900.
    //   Copilot: frank 3800 + 5000 = 8800; grace none.
    // 11000 + 250 + 2150 + 10700 + 68810 + 4300 + 10900 + 8800 = 116910.
    assert_eq!(t["tokens"], 116_910);
    // Cost: 0.12+0.30 (metrics) + 0.05+0.002 (events) + 1.2345+0.50 (cost report, cents/100)
    // + 1.86 (Analytics, 186 cents) = 4.0665.
    assert_eq!(t["cost_usd"], 4.0665);
    // Sessions: s-1, s-2, s-4, c-5 from session ids, + 4 (Analytics num_sessions) + 2
    // (Copilot CLI session_count) = 10.
    assert_eq!(t["sessions"], 10);
    // Commits: 2 (claude_code.commit.count) + 3 (commits_by_claude_code); tokens per commit
    // over the sources that count commits (OTel, Analytics): (11000+250+2150+68810)/5.
    assert_eq!(t["commits"], 5);
    assert_eq!(t["tokens_per_commit"], 16_442.0);
    assert_eq!(r["superseded_rows"], 1);

    // api: s-1 (11000) + s-4 (4300, cwd …/src/api). Cache: reads 8000+2000, input 1200+80,
    // creation 1200+2100 → 10000 / (1280 + 3300 + 10000) = 0.68587… → 0.6859.
    let api = group(&r, "repos", Some("api"));
    assert_eq!(api["tokens"], 15_300);
    assert_eq!(api["team"], "platform");
    assert_eq!(api["sessions"], 2);
    assert_eq!(api["tokens_per_session"], 7650.0);
    assert_eq!(api["cache_hit_ratio"], 0.6859);
    // Only s-1 reports a cost (transcripts do not): 0.42 over 1 costed session.
    assert_eq!(api["cost_usd"], 0.42);
    assert_eq!(api["cost_per_session"], 0.42);
    // billing: the workspace table (admin 9500, $1.2345) + carol's Analytics (68810, $1.86).
    // Per session: the Analytics population only, 68810 / 4 and $1.86 / 4.
    let billing = group(&r, "repos", Some("billing"));
    assert_eq!(billing["tokens"], 78_310);
    assert_eq!(billing["cost_usd"], 3.0945);
    assert_eq!(billing["tokens_per_session"], 17_202.5);
    assert_eq!(billing["cost_per_session"], 0.465);
    // web: s-2's events (resource attribute `repository`) + the Codex rollout's remote.
    let web = group(&r, "repos", Some("web"));
    assert_eq!(
        (web["tokens"].as_u64(), web["team"].as_str()),
        (Some(13_050), Some("frontend"))
    );
    // Unattributed: admin apikey_02 (1200, cache 0/1200) + web search cost $0.50 + frank's
    // Copilot 8800 (no cache fields, so not in the ratio) → 10000 tokens, ratio 0.
    let none = group(&r, "repos", None);
    assert_eq!(none["tokens"], 10_000);
    assert_eq!(none["cache_hit_ratio"], 0.0);
    assert_eq!(r["unattributed"]["repo"]["tokens"], 10_000);
    // Teams: payments 78310, frontend 13050 + 8800, platform 15300, none 1200 + 250.
    for (team, tokens) in [
        (Some("payments"), 78_310),
        (Some("frontend"), 21_850),
        (Some("platform"), 15_300),
        (None, 1_450),
    ] {
        assert_eq!(group(&r, "teams", team)["tokens"], tokens, "{team:?}");
    }
    // Codex: input includes cached: 7000 / (3000 + 7000) = 0.7.
    let codex = group(&r, "by_source", Some("codex"));
    assert_eq!(codex["cache_hit_ratio"], 0.7);
    assert_eq!(codex["cache_creation_tokens"], 0);
    // Copilot rows report no cache: no ratio at all (null, not 0).
    assert_eq!(
        group(&r, "by_source", Some("copilot"))["cache_hit_ratio"],
        Value::Null
    );
    // Rows by how their repository was found: 12 metric + 2 cumulative + 2 event rows by
    // attribute, 3 table rows (2 admin, 1 Analytics), 2 Codex by remote, 3 transcript by cwd,
    // 4 with none (admin, cost, 2 Copilot).
    assert_eq!(
        r["attribution"],
        serde_json::json!({"attribute": 16, "table": 3, "remote": 2, "cwd": 3, "none": 4})
    );
}

#[test]
fn model_mix_split_main_and_subagent() {
    let r = report(&[]);
    let mix = |q: &str| -> &Value {
        r["model_mix"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["query_source"] == q)
            .unwrap()
    };
    // Subagents: opus 1000 tokens ($0.30) + the transcript's haiku subagent 70 (no cost).
    let sub = mix("subagent");
    assert_eq!(sub["tokens"], 1070);
    assert_eq!(sub["models"][0]["model"], "claude-opus-5");
    // 1000 / 1070 = 0.93458 → 0.9346; all the subagent cost is opus's.
    assert_eq!(sub["models"][0]["token_share"], 0.9346);
    assert_eq!(sub["models"][0]["cost_share"], 1.0);
    assert_eq!(sub["models"][1]["cost_share"], Value::Null);
    // Main: sonnet 10000 (metrics) + 2000 (events) + 4230 (transcript) = 16230, Codex 10900;
    // 16230 / 27130 = 0.59823 → 0.5982.
    let main = mix("main");
    assert_eq!(main["tokens"], 27_130);
    assert_eq!(main["models"][0]["token_share"], 0.5982);
    // `compact` requests are auxiliary.
    assert_eq!(mix("auxiliary")["tokens"], 150);
}

#[test]
fn rows_export_as_csv_and_ndjson() {
    let tree = Tree::new();
    let csv = tree.path().join("rows.csv");
    let nd = tree.path().join("rows.ndjson");
    let pack = format!("{FIXTURES}/pack");
    for out in [&csv, &nd] {
        let (code, _, err) = run(&[
            "fleet",
            "usage",
            FIXTURES,
            "--policy",
            &pack,
            "--rows",
            out.to_str().unwrap(),
            "--json",
            tree.path().join("r.json").to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
    }
    let csv = std::fs::read_to_string(csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    // A header and one line per row read: the report's 27 plus the superseded one.
    assert_eq!(lines.len(), 29);
    assert!(lines[0].starts_with("source,time,week,session,model"));
    // Copilot has no cache fields: empty cells, never 0.
    let frank = lines.iter().find(|l| l.contains(",frank,")).unwrap();
    assert_eq!(
        *frank,
        "copilot,2025-08-07T00:00:00Z,2025-08-04,,,unknown,frank,frontend,,3800,5000,,,,2,,"
    );
    let nd = std::fs::read_to_string(nd).unwrap();
    let rows: Vec<Value> = nd
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 28);
    let codex: Vec<&Value> = rows.iter().filter(|r| r["source"] == "codex").collect();
    // The two increases of total_token_usage: 6000/4000/500, then 4000/3000/400.
    assert_eq!(codex[0]["input_tokens"], 2000);
    assert_eq!(codex[0]["cache_read_tokens"], 4000);
    assert_eq!(codex[1]["input_tokens"], 1000);
    assert_eq!(codex[1]["cache_creation_tokens"], Value::Null);
    assert_eq!(codex[1]["repo"], "web");
}

#[test]
fn clones_map_cwd_and_remotes_to_fleet_names() {
    let tree = Tree::new();
    // A clone named `core` whose origin is …/api (the transcript's cwd ends in `api`), and one
    // named `frontend-web` with the Codex rollout's remote.
    tree.write(
        "clones/core/.git/config",
        "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://github.com/example/api.git\n",
    );
    tree.write(
        "clones/frontend-web/.git/config",
        "[remote \"origin\"]\n\turl = git@github.com:Example/Web.git\n",
    );
    let clones = tree.path().join("clones");
    let (code, out, err) = run(&[
        "fleet",
        "usage",
        &format!("{FIXTURES}/claude"),
        &format!("{FIXTURES}/codex"),
        "--clones",
        clones.to_str().unwrap(),
        "--json",
        "-",
    ]);
    assert_eq!(code, 0, "{err}");
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(group(&r, "repos", Some("core"))["tokens"], 4300);
    assert_eq!(group(&r, "repos", Some("frontend-web"))["tokens"], 10_900);
}

#[test]
fn bad_lines_are_counted_and_located() {
    let tree = Tree::new();
    let good = std::fs::read_to_string(
        Path::new(FIXTURES).join("codex/sessions/2025/08/06/rollout-2025-08-06T10-00-00-c-5.jsonl"),
    )
    .unwrap();
    let mut lines: Vec<&str> = good.lines().collect();
    // A token_count line cut off mid-way (a rollout still being written).
    lines.insert(4, "{\"timestamp\":\"2025-08-06T10:00:05Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",");
    let path = tree.write("rollout.jsonl", lines.join("\n"));
    tree.write("notes.json", "{\"hello\": \"world\"}");
    let (code, out, err) = run(&[
        "fleet",
        "usage",
        tree.path().to_str().unwrap(),
        "--json",
        "-",
    ]);
    assert_eq!(code, 0, "{err}");
    let r: Value = serde_json::from_str(&out).unwrap();
    let f = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str() == path.to_str())
        .unwrap();
    assert_eq!(f["skipped_lines"], 1);
    assert!(
        f["errors"][0]
            .as_str()
            .unwrap()
            .contains("rollout.jsonl:5:"),
        "{f}"
    );
    // The good lines still count: 10900 tokens.
    assert_eq!(r["totals"]["tokens"], 10_900);
    // A JSON file that is no export is listed, not fatal.
    let notes = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("notes.json"))
        .unwrap();
    assert_eq!(notes["format"], Value::Null);
    assert!(err.contains("notes.json"), "{err}");
    // A missing input is a usage error.
    let (code, _, err) = run(&["fleet", "usage", "/nonexistent/usage.jsonl"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot open /nonexistent/usage.jsonl"),
        "{err}"
    );
}

#[test]
fn html_page_is_escaped_and_self_contained() {
    let tree = Tree::new();
    let html = tree.path().join("u.html");
    let pack = format!("{FIXTURES}/pack");
    let (code, _, err) = run(&[
        "fleet",
        "usage",
        FIXTURES,
        "--policy",
        &pack,
        "--html",
        html.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_to_string(html).unwrap();
    assert!(page.contains("<h2>Repositories</h2>"));
    assert!(page.contains("billing"));
    assert!(!page.contains("http://") && !page.contains("https://"));
}

/// Three clones matching the fixtures' repositories, and a central config whose pack has
/// the fixtures' attribution plus thresholds.
fn usage_fleet(tree: &Tree) {
    let attribution =
        std::fs::read_to_string(Path::new(FIXTURES).join("pack/policy.yaml")).unwrap();
    tree.write(
        "pack/policy.yaml",
        format!("{attribution}usage:\n  min_cache_hit_ratio: 0.5\n  max_subagent_top_tier_share: 0.5\n  max_spend_z: 3.5\n"),
    );
    tree.write("central.yaml", "extends: pack\n");
    // api: a top-tier default model. billing: prompt caching off, and no context file.
    tree.write(
        "fleet/api/.claude/settings.json",
        "{\"model\": \"claude-opus-5\"}\n",
    );
    tree.write("fleet/api/CLAUDE.md", "# api\n\nRun `cargo test`.\n");
    tree.write("fleet/web/AGENTS.md", "# web\n\nRun `npm test`.\n");
    tree.write(
        "fleet/billing/.claude/settings.json",
        "{\"env\": {\"DISABLE_PROMPT_CACHING\": \"1\"}}\n",
    );
    let fleet = tree.path().join("fleet");
    let central = tree.path().join("central.yaml");
    let (code, out, err) = run(&[
        "fleet",
        "scan",
        fleet.to_str().unwrap(),
        "--config",
        central.to_str().unwrap(),
        "--usage",
        FIXTURES,
        "--json",
        "-",
    ]);
    assert_eq!(code, 0, "{err}");
    let r: Value = serde_json::from_str(&out).unwrap();
    let card = |name: &str| -> &Value {
        r["repos"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()
    };
    let (api, billing, web) = (
        &card("api")["usage"],
        &card("billing")["usage"],
        &card("web")["usage"],
    );
    assert_eq!(api["tokens"], 15_300);
    assert_eq!(billing["tokens"], 78_310);
    assert_eq!(web["tokens"], 13_050);
    assert_eq!(card("billing")["prompt_caching_disabled"], true);
    // Fleet medians over api, web, billing: cache 0.6859 (of 0.6859, 0.7143, 0.1754), tokens
    // per session 7650 (of 7650, 6525, 17202.5), top-tier share 0 (of 0.0654, 0, 0).
    let explain = |u: &Value| -> Vec<String> {
        u["explanations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap().to_string())
            .collect()
    };
    let b = explain(billing);
    assert_eq!(b.len(), 2, "{b:?}");
    assert_eq!(
        b[0],
        "cache hit ratio 0.18 against a fleet median of 0.69: prompt caching is disabled (DISABLE_PROMPT_CACHING in .claude/settings.json)"
    );
    // 17202.5 / 7650 = 2.25 → "2.2×" (one decimal, rounded half to even).
    assert!(
        b[1].starts_with("no context file: ") && b[1].contains("× the fleet median"),
        "{b:?}"
    );
    // api: opus is 1000 of its 15300 tokens (no cost on every row, so tokens): 6.54 %.
    assert_eq!(api["top_tier_share"], 0.0654);
    assert_eq!(
        explain(api),
        [
            "the default model `claude-opus-5` (.claude/settings.json) is top tier: 7% of spend is on top-tier models against a fleet median of 0%"
        ]
    );
    assert_eq!(explain(web), Vec::<String>::new());
    // Thresholds. api: subagent top-tier share 1000 / 1070 = 0.9346 > 0.5.
    let ids = |u: &Value| -> Vec<String> {
        u["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(api), ["subagent-top-tier-share"]);
    assert_eq!(api["findings"][0]["value"], 0.9346);
    // billing: cache 0.1754 < 0.5; and its week's cost is an outlier against the fleet:
    // costs 0.42, 3.0945, 0.052 → median 0.42, MAD 0.368, z = 0.6745 · 2.6745 / 0.368 = 4.90.
    assert_eq!(ids(billing), ["low-cache-hit-ratio", "spend-outlier"]);
    assert_eq!(billing["findings"][1]["value"], 4.9);
    assert_eq!(ids(web), Vec::<String>::new());
    // The usage report rides along for the dashboard; scorecards without usage stay as before.
    assert_eq!(r["usage"]["totals"]["tokens"], 116_910);
    let (code, out, _) = run(&["fleet", "scan", fleet.to_str().unwrap(), "--json", "-"]);
    assert_eq!(code, 0);
    assert!(!out.contains("\"usage\""));
}

/// The v2 dashboard with usage, teams and a trend, in headless Chromium (as tests/fleet.rs
/// does for the plain dashboard). Required with AGENTGATE_BROWSER_TEST=1 or in CI; its
/// screenshot is docs/fleet-dashboard.png.
#[test]
fn browser_dashboard_with_usage() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script_dir = manifest.join("tests/dashboard");
    let required = std::env::var("AGENTGATE_BROWSER_TEST").is_ok_and(|v| v == "1")
        || std::env::var_os("CI").is_some();
    let available = Path::new("/usr/bin/chromium").exists()
        && script_dir.join("node_modules/playwright-core").exists();
    if !available {
        assert!(
            !required,
            "chromium or tests/dashboard/node_modules missing (npm ci there)"
        );
        eprintln!("skipped: needs /usr/bin/chromium and `npm ci` in tests/dashboard");
        return;
    }
    let tree = Tree::new();
    usage_fleet(&tree);
    tree.write(
        "fleet/billing/.github/CODEOWNERS",
        "# owners\n* @example/old-owners\n* @example/billing-team\n",
    );
    let fleet = tree.path().join("fleet");
    let central = tree.path().join("central.yaml");
    let old = tree.path().join("old.json");
    let html = tree.path().join("dashboard.html");
    // An earlier report for the trend, then the scan with usage.
    let (code, _, err) = run(&[
        "fleet",
        "scan",
        fleet.to_str().unwrap(),
        "--json",
        old.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(&[
        "fleet",
        "scan",
        fleet.to_str().unwrap(),
        "--config",
        central.to_str().unwrap(),
        "--usage",
        FIXTURES,
        "--history",
        old.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
        "--json",
        "-",
    ]);
    assert_eq!(code, 0, "{err}");
    let r: Value = serde_json::from_str(&out).unwrap();
    // Teams: api and web from the pack's `attribution.repos`, billing from its CODEOWNERS
    // (the last `*` line), which wins over the team its usage belongs to (payments).
    let team = |n: &str| {
        r["repos"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == n)
            .unwrap()["team"]
            .clone()
    };
    assert_eq!(
        (team("api"), team("billing"), team("web")),
        ("platform".into(), "billing-team".into(), "frontend".into())
    );
    assert_eq!(r["trend"].as_array().unwrap().len(), 2);
    let shot = manifest.join("target/fleet-dashboard-usage.png");
    std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
    let out = Command::new("node")
        .arg(script_dir.join("check.mjs"))
        .arg(&html)
        .arg(&shot)
        .current_dir(&script_dir)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "dashboard check failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("repositories shown: 3"), "{stdout}");
    assert!(stdout.contains("usage sections ok, teams: 3"), "{stdout}");
}

/// Shards scanned with the same exports merge with their usage; different exports are refused.
#[test]
fn merged_shards_keep_their_usage() {
    let tree = Tree::new();
    usage_fleet(&tree);
    let fleet = tree.path().join("fleet");
    let central = tree.path().join("central.yaml");
    for (i, out) in [(1, "s1.json"), (2, "s2.json")] {
        let shard = format!("{i}/2");
        let path = tree.path().join(out);
        let (code, _, err) = run(&[
            "fleet",
            "scan",
            fleet.to_str().unwrap(),
            "--config",
            central.to_str().unwrap(),
            "--usage",
            FIXTURES,
            "--shard",
            &shard,
            "--json",
            path.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
    }
    let (s1, s2) = (tree.path().join("s1.json"), tree.path().join("s2.json"));
    let (code, out, err) = run(&[
        "fleet",
        "merge",
        s1.to_str().unwrap(),
        s2.to_str().unwrap(),
        "--json",
        "-",
    ]);
    assert_eq!(code, 0, "{err}");
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["usage"]["totals"]["tokens"], 116_910);
    assert_eq!(r["repos"].as_array().unwrap().len(), 3);
    // A shard scanned without the exports next to one with them: refused.
    let (code, _, _) = run(&[
        "fleet",
        "scan",
        fleet.to_str().unwrap(),
        "--shard",
        "2/2",
        "--json",
        s2.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let bare: Value = serde_json::from_str(&std::fs::read_to_string(&s2).unwrap()).unwrap();
    assert!(bare["usage"].is_null());
    let (code, out, _) = run(&[
        "fleet",
        "merge",
        s1.to_str().unwrap(),
        s2.to_str().unwrap(),
        "--json",
        "-",
    ]);
    assert_eq!(code, 0);
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        r["usage"]["totals"]["tokens"], 116_910,
        "the shard with usage carries it"
    );
}

/// One OTLP logs line (as a Collector's file exporter writes it) with `n` API request events,
/// sessions `<tag>-<k>` for k in `first..first + n`.
fn otlp_line(tag: &str, first: usize, n: usize) -> String {
    let records: Vec<String> = (first..first + n)
        .map(|k| {
            format!(
                r#"{{"timeUnixNano":"{}","body":{{"stringValue":"claude_code.api_request"}},"attributes":[{{"key":"session.id","value":{{"stringValue":"{tag}-{k}"}}}},{{"key":"model","value":{{"stringValue":"claude-sonnet-5"}}}},{{"key":"input_tokens","value":{{"intValue":"{k}"}}}},{{"key":"output_tokens","value":{{"intValue":"1"}}}},{{"key":"cost_usd","value":{{"doubleValue":0.25}}}}]}}"#,
                (1_754_380_800 + k as u64 * 37) * 1_000_000_000
            )
        })
        .collect();
    format!(
        r#"{{"resourceLogs":[{{"resource":{{"attributes":[{{"key":"repo","value":{{"stringValue":"r-{tag}"}}}}]}},"scopeLogs":[{{"logRecords":[{}]}}]}}]}}"#,
        records.join(",")
    )
}

/// The exported rows follow the input: files in path order, each file's rows in input order,
/// whatever the scheduling — with files read in parallel (their rows held in temporary
/// files), gzip, CRLF line ends, blank lines, and a line longer than the 1 MiB read buffer.
#[test]
fn exported_rows_are_in_input_order() {
    use std::io::Write;
    let tree = Tree::new();
    let mut want = Vec::new();
    for f in 0..7 {
        let tag = format!("f{f}");
        let mut text = String::new();
        let mut k = 0;
        for line in 0..40 {
            // File 3's line 5 holds 4000 records (about 1.4 MB: it straddles read buffers).
            let n = if f == 3 && line == 5 { 4000 } else { 50 };
            text.push_str(&otlp_line(&tag, k, n));
            text.push_str(if f == 2 { "\r\n" } else { "\n" });
            if line == 7 {
                text.push_str("\r\n\n");
            }
            want.extend((k..k + n).map(|k| format!("{tag}-{k}")));
            k += n;
        }
        let name = format!("in/{f:02}-logs.jsonl");
        if f % 3 == 1 {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(text.as_bytes()).unwrap();
            tree.write(&format!("{name}.gz"), gz.finish().unwrap());
        } else {
            tree.write(&name, text);
        }
    }
    let input = tree.path().join("in");
    let export = |out: &str| {
        let (code, stdout, err) = run(&[
            "fleet",
            "usage",
            input.to_str().unwrap(),
            "--rows",
            out,
            "--json",
            tree.path().join("r.json").to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        stdout
    };
    let nd = tree.path().join("rows.ndjson");
    export(nd.to_str().unwrap());
    let first = std::fs::read_to_string(&nd).unwrap();
    let sessions: Vec<String> = first
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["session"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(sessions.len(), want.len());
    assert!(sessions == want, "rows out of input order");
    // Byte-identical on a second run and on standard output.
    export(nd.to_str().unwrap());
    assert!(std::fs::read_to_string(&nd).unwrap() == first);
    assert!(export("-") == first);
    // CSV: the header, then the same order.
    let csv = tree.path().join("rows.csv");
    export(csv.to_str().unwrap());
    let csv = std::fs::read_to_string(csv).unwrap();
    let cells: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(3).unwrap())
        .collect();
    assert!(cells == want, "CSV rows out of input order");
}
