//! The secrets engine end to end: every rule's examples found (and negatives not), planted
//! secrets never printed by any format, history by unique blob, inline allows.

mod common;

use agentgate::secrets::Engine;
use common::Tree;

#[test]
fn pack_examples_and_negative_examples() {
    let engine = Engine::builtin_with_examples();
    engine.compile_all().unwrap();
    assert!(engine.len() >= 120, "only {} rules", engine.len());
    let mut failures = Vec::new();
    for (i, rule) in engine.rules().enumerate() {
        if rule.examples.is_empty() || rule.negative_examples.is_empty() {
            failures.push(format!("{}: needs examples and negative_examples", rule.id));
        }
        for ex in &rule.examples {
            if !engine.scan_rule(i, ex.as_bytes()) {
                failures.push(format!("{}: example not found: {ex}", rule.id));
            }
        }
        for ex in &rule.negative_examples {
            if engine.scan_rule(i, ex.as_bytes()) {
                failures.push(format!("{}: negative example reported: {ex}", rule.id));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// One file per rule with its first example; returns the secrets planted.
fn plant(t: &Tree) -> Vec<String> {
    let engine = Engine::builtin_with_examples();
    let mut planted = Vec::new();
    for (i, rule) in engine.rules().enumerate() {
        let Some(ex) = rule.examples.first() else {
            continue;
        };
        t.write(
            &format!("src/planted_{i}.txt"),
            format!("// config\n{ex}\n"),
        );
        for f in engine.scan(ex.as_bytes(), true) {
            planted.push(ex[f.secret].to_string());
        }
    }
    planted
}

#[test]
fn planted_secrets_are_found_and_never_printed() {
    let t = Tree::new();
    let planted = plant(&t);
    assert!(planted.len() >= 100);
    let summary = t.path().join("summary.md");
    for format in [
        "text", "concise", "json", "sarif", "github", "gitlab", "junit",
    ] {
        let r = t.run_env(
            &["check", "--format", format],
            &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
        );
        r.code(1);
        for s in &planted {
            // Long enough that a match is the secret, not a prefix like `ghp_`.
            assert!(
                !r.stdout.contains(s.as_str()),
                "{format} printed a secret: {s}"
            );
        }
    }
    let md = std::fs::read_to_string(summary).unwrap();
    assert!(planted.iter().all(|s| !md.contains(s.as_str())));
    let json: serde_json::Value =
        serde_json::from_str(&t.run(&["check", "--format", "json"]).stdout).unwrap();
    let found = json["diagnostics"].as_array().unwrap().len();
    assert!(
        found >= planted.len(),
        "found {found} of {} planted",
        planted.len()
    );
    // Every secret finding names its pack rule and provider, in JSON and in SARIF.
    let engine = Engine::builtin_with_examples();
    let known = |id: &str| engine.rules().any(|r| r.id == id);
    let mut typed = std::collections::HashSet::new();
    for d in json["diagnostics"].as_array().unwrap() {
        if d["code"] == "AG402" || d["code"] == "AG403" {
            let rule = d["secret"]["rule"].as_str().unwrap_or_default();
            assert!(known(rule), "{d}");
            assert!(
                !d["secret"]["provider"]
                    .as_str()
                    .unwrap_or_default()
                    .is_empty()
            );
            assert!(
                d["message"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("[{rule}]"))
            );
            typed.insert(rule.to_string());
        } else {
            assert!(d["secret"].is_null(), "{d}");
        }
    }
    assert!(
        typed.len() >= engine.len() * 9 / 10,
        "{} typed",
        typed.len()
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&t.run(&["check", "--format", "sarif"]).stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let rule = r["properties"]["secretRule"].as_str().unwrap_or_default();
        assert!(known(rule), "{r}");
        assert!(r["properties"]["secretProvider"].is_string());
    }
}

#[test]
fn explain_knows_every_pack_rule() {
    let t = Tree::new();
    for rule in Engine::builtin_with_examples().rules() {
        let r = t.run(&["explain", &rule.id]);
        r.code(0);
        let head = format!("# {}: {}", rule.id, rule.name);
        assert!(r.stdout.starts_with(&head), "{head}\n{}", r.stdout);
        let provider = rule.provider.as_deref().unwrap_or("Generic");
        assert!(
            r.stdout.contains(&format!("- Provider: {provider}")),
            "{}",
            r.stdout
        );
        assert!(r.stdout.contains(&format!("- Category: {}", rule.category)));
        assert!(r.stdout.contains("- Source: "));
    }
    t.run(&["explain", "no-such-pack-rule"]).code(2);
}

/// A GitHub token with a valid checksum, from the pack's own examples.
fn github_example() -> String {
    let rule = Engine::builtin_with_examples()
        .rules()
        .find(|r| r.id.starts_with("github-pat"))
        .expect("a GitHub token rule");
    rule.examples.first().expect("an example").clone()
}

#[test]
fn inline_allow_and_lockfiles() {
    let github = github_example();
    let t = Tree::new();
    t.write("a.env", format!("{github}\n"));
    t.run(&["check"]).code(1);
    // A marker without a reason suppresses nothing and is itself a finding, at the marker.
    t.write("a.env", format!("{github} # agentgate:allow\n"));
    let r = t.run(&["check", "--format", "concise"]);
    r.code(1);
    let col = github.len() + 4;
    assert!(
        r.stdout.contains(&format!(
            "a.env:1:{col}: AG612 warning `agentgate:allow` needs a reason"
        )),
        "{}",
        r.stdout
    );
    let at = github.find("ghp_").expect("a classic token") + 1;
    assert!(
        r.stdout.contains(&format!("a.env:1:{at}: AG402")),
        "{}",
        r.stdout
    );
    // With a reason it suppresses, and the summary counts it.
    t.write(
        "a.env",
        format!("{github} # agentgate:allow: fake token for the docs\n"),
    );
    let r = t.run(&["check", "--format", "concise"]);
    r.code(0);
    assert!(
        r.stdout
            .contains("1 suppressed finding not shown (1 in-source)"),
        "{}",
        r.stdout
    );
    let sarif = t.run(&["check", "--format", "sarif"]);
    assert!(sarif.stdout.contains("\"inSource\""), "{}", sarif.stdout);
    assert!(
        sarif.stdout.contains("fake token for the docs"),
        "{}",
        sarif.stdout
    );
    // Naming another rule suppresses nothing.
    t.write("a.env", format!("{github} # agentgate:allow AG403: test\n"));
    t.run(&["check"]).code(1);
    t.write(
        "a.env",
        format!("{github} # agentgate:allow leaked-secret (a fake)\n"),
    );
    t.run(&["check", "--fail-on", "warning"]).code(0);
    // Heuristic rules stay quiet in lockfiles; exact ones do not.
    t.write("a.env", "");
    t.write(
        "package-lock.json",
        "{\"password\": \"q7Zr2LmX9vKp4TnW8cYb3HsJ\"}\n",
    );
    t.run(&["check", "--fail-on", "warning"]).code(0);
    t.write("package-lock.json", format!("{{\"t\": \"{github}\"}}\n"));
    t.run(&["check"]).code(1);
}

#[test]
fn history_reports_the_introducing_commit_once() {
    let github = github_example();
    let t = Tree::new();
    t.git(&["init", "-q"]);
    t.write("README.md", "# x\n");
    t.git(&["add", "."]);
    t.git(&["commit", "-qm", "init"]);
    t.write("deploy.sh", format!("#!/bin/sh\n{github}\n"));
    t.git(&["add", "."]);
    t.git(&["commit", "-qm", "add secret"]);
    let introduced = String::from_utf8(
        std::process::Command::new("git")
            .args(["rev-parse", "--short=10", "HEAD"])
            .current_dir(t.path())
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    t.write("deploy.sh", format!("#!/bin/sh\necho moved\n{github}\n"));
    t.git(&["commit", "-qam", "edit"]);
    t.write("deploy.sh", "#!/bin/sh\necho clean\n");
    t.git(&["commit", "-qam", "remove secret"]);
    // The working tree is clean now...
    t.run(&["check"]).code(0);
    // ...but history is not: one finding, from the commit that introduced it.
    let r = t.run(&["history", "--format", "concise", "-q"]);
    r.code(1);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert!(
        r.stdout.starts_with("deploy.sh:2:") && r.stdout.contains(" AG402 error "),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains(&format!("introduced in commit {}", introduced.trim())),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains(&github));
    // Only the range since the last two commits: the secret predates it.
    t.run(&["history", "--since", "HEAD~1"]).code(0);
    t.run(&["history", "--since", "does-not-exist"]).code(2);
}

/// Issue 17: a Slack bot token of an unusual layout in an MCP env is reported (AG202) and never
/// printed, not even in the snippet of another finding on the same line.
#[test]
fn unusual_slack_token_in_mcp_env_is_reported_and_masked() {
    let t = Tree::new();
    let token = [
        "xoxb-",
        "7384629105-83749201837465-",
        "Rk4mWq9ZtLp2XvN8sJd6FgHy",
    ]
    .concat();
    t.write(
        ".mcp.json",
        format!(
            "{{\"mcpServers\": {{\"slack\": {{\"command\": \"npx\", \"args\": [\"-y\", \"slack-mcp\"], \"env\": {{\"SLACK_BOT_TOKEN\": \"{token}\"}}}}}}}}\n"
        ),
    );
    for format in ["text", "concise", "json", "sarif"] {
        let r = t.run(&["check", "--format", format]);
        r.code(1);
        assert!(r.stdout.contains("AG202"), "{format}: {}", r.stdout);
        assert!(r.stdout.contains("AG201"), "{format}: {}", r.stdout);
        assert!(
            !r.stdout.contains(&token[5..]),
            "{format} printed the token"
        );
    }
}

/// The pack's `allow:` list, read from the YAML itself (the engine keeps it private).
fn allow_list() -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Pack {
        allow: Vec<String>,
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/secrets.yaml");
    let yaml = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str::<Pack>(&yaml).unwrap().allow
}

/// Lines in which a published Google API key sits in the sample apps and docs it comes from.
fn google_key_lines(key: &str) -> Vec<String> {
    vec![
        format!(
            "const firebaseConfig = {{ apiKey: \"{key}\", authDomain: \"demo.firebaseapp.com\" }};"
        ),
        format!("\t<key>API_KEY</key>\n\t<string>{key}</string>"),
        format!("          \"current_key\": \"{key}\""),
        format!("    apiKey: '{key}',"),
        format!("VITE_GOOGLE_MAPS_API_KEY={key}"),
        format!("GOOGLE_API_KEY=\"{key}\""),
        format!(
            "<script src=\"https://maps.googleapis.com/maps/api/js?key={key}&callback=initMap\"></script>"
        ),
    ]
}

#[test]
fn published_sample_values_are_allowed_exactly() {
    let engine = Engine::builtin_with_examples();
    let allow = allow_list();
    let google: Vec<&String> = allow.iter().filter(|k| k.starts_with("AIza")).collect();
    assert!(google.len() >= 9, "{google:?}");
    for value in &allow {
        let mut lines = vec![format!("value = \"{value}\""), format!("secret: {value}")];
        if value.starts_with("AIza") {
            lines.extend(google_key_lines(value));
        }
        for line in &lines {
            let found = engine.scan(line.as_bytes(), true);
            assert!(found.is_empty(), "allowed value reported: {line}");
        }
    }
    // Exact match, not a prefix or a shape: the same key with one character changed, or a
    // random key of the same shape, is still reported in every one of those lines.
    let mut near: Vec<String> = google
        .iter()
        .map(|k| {
            let mut b = k.as_bytes().to_vec();
            let last = b.len() - 1;
            b[last] = if b[last] == b'Q' { b'R' } else { b'Q' };
            String::from_utf8(b).unwrap()
        })
        .collect();
    near.push("AIzaSyRk7mQ2xV9pLw4tNc8bJd3hFg6sZe1uYo5".to_string()); // agentgate:allow: a random fake key
    for key in &near {
        assert!(!allow.contains(key));
        // Firebase's documented example is 37 characters, short of a real key's 39: only the
        // credential-assignment rule sees it, so its near miss is checked in an assignment.
        let lines = if key.len() == 39 {
            google_key_lines(key)
        } else {
            vec![format!("const firebaseConfig = {{ apiKey: \"{key}\" }};")]
        };
        for line in lines {
            assert!(
                !engine.scan(line.as_bytes(), true).is_empty(),
                "near miss not reported: {line}"
            );
        }
    }
}

/// Pack rules without a `source` (a provider's documentation URL, or a peer scanner's rule
/// that states the format). A ratchet: the count may only go down. Lower it when you add
/// sources; a new rule must come with one.
const RULES_WITHOUT_SOURCE: usize = 8;

#[test]
fn pack_rules_without_a_source_do_not_grow() {
    let engine = Engine::builtin_with_examples();
    let missing: Vec<&str> = engine
        .rules()
        .filter(|r| r.source.as_deref().is_none_or(|s| s.trim().is_empty()))
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        missing.len() <= RULES_WITHOUT_SOURCE,
        "{} pack rules have no `source` (at most {RULES_WITHOUT_SOURCE} allowed): {}",
        missing.len(),
        missing.join(", ")
    );
    for r in engine.rules() {
        if let Some(s) = &r.source {
            assert!(
                s.starts_with("https://") || s.starts_with("agentgate:"),
                "{}: source is neither a URL nor an agentgate note: {s}",
                r.id
            );
        }
    }
}
