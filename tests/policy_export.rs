//! `agentgate policy export`: each target from one pack, end to end — the files written, their
//! determinism, `--check` against a committed file, provenance, reviewed servers from
//! `agentgate.lock`, and the round trip through agentgate's own lint of that file kind.

mod common;

use agentgate::policy::vendor::{KeyType, Target};
use common::Tree;

const PACK: &str = "require:
  claude_deny: [\"Read(./.env)\", \"Bash(curl *)\", \"WebFetch(domain:paste.example)\"]
  claude_ask: [\"Bash(git push *)\"]
forbid:
  claude_settings:
    permissions.defaultMode: bypassPermissions
    enableAllProjectMcpServers: true
mcp:
  allow:
    - \"@modelcontextprotocol/server-github@2025.4.8\"
    - \"https://mcp.example.com/\"
models:
  available: [sonnet, haiku]
  denied: [opus]
";

const MCP: &str = r#"{
  "mcpServers": {
    "github": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"] },
    "docs": { "type": "http", "url": "https://mcp.example.com/mcp" },
    "other": { "command": "npx", "args": ["-y", "unreviewed-mcp@1.0.0"] }
  }
}
"#;

/// A platform repository: the pack under `pack/`, a reviewed `.mcp.json` and its lock.
fn platform() -> Tree {
    let t = Tree::new();
    t.write("pack/policy.yaml", PACK);
    t.write(".mcp.json", MCP);
    t.run(&["lock"]).code(0);
    t
}

/// Every key of a JSON export, dotted, must be one the target's data knows (a strict client
/// may reject a file with a key it does not know).
fn assert_known_keys(target: Target, value: &serde_json::Value, prefix: &str) {
    let spec = target.spec();
    for (k, v) in value.as_object().unwrap() {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        let ty = spec.keys.get(&key);
        assert!(ty.is_some(), "{}: unknown key {key}", target.name());
        if ty == Some(&KeyType::Named("object".into())) && key == "permissions" {
            assert_known_keys(target, v, &key);
        }
    }
}

#[test]
fn claude_export_carries_the_pack_and_the_reviewed_servers() {
    let t = platform();
    let run = t.run(&[
        "policy",
        "export",
        "--target",
        "claude-managed-settings",
        "--policy",
        "pack",
        "-o",
        "claude/managed-settings.json",
    ]);
    run.code(0);
    let text = std::fs::read_to_string(t.path().join("claude/managed-settings.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["permissions"]["disableBypassPermissionsMode"], "disable");
    assert_eq!(
        v["permissions"]["deny"],
        serde_json::json!([
            "Bash(curl *)",
            "Read(./.env)",
            "WebFetch(domain:paste.example)"
        ])
    );
    assert_eq!(
        v["permissions"]["ask"],
        serde_json::json!(["Bash(git push *)"])
    );
    assert_eq!(v["enableAllProjectMcpServers"], false);
    // The reviewed stdio server by its exact command; the unreviewed one is not there.
    assert_eq!(
        v["allowedMcpServers"],
        serde_json::json!([
            {"serverCommand": ["npx", "-y", "@modelcontextprotocol/server-github@2025.4.8"]},
            {"serverUrl": "https://mcp.example.com/*"}
        ])
    );
    assert_eq!(v["allowManagedMcpServersOnly"], true);
    assert_eq!(v["availableModels"], serde_json::json!(["haiku", "sonnet"]));
    assert_eq!(v["deniedModels"], serde_json::json!(["opus"]));
    assert!(!text.contains("unreviewed"));
    assert_known_keys(Target::ClaudeManagedSettings, &v, "");
    // Deterministic: the same bytes again.
    let again = t.run(&[
        "policy",
        "export",
        "--target",
        "claude-managed-settings",
        "--policy",
        "pack",
    ]);
    again.code(0);
    assert_eq!(again.stdout, text);
}

#[test]
fn check_catches_a_hand_edit_and_passes_a_fresh_export() {
    let t = platform();
    for (target, file) in [
        ("claude-managed-settings", "claude/managed-settings.json"),
        ("copilot-managed-settings", "copilot/managed-settings.json"),
        ("codex-requirements", "codex/requirements.toml"),
    ] {
        t.run(&[
            "policy", "export", "--target", target, "--policy", "pack", "-o", file,
        ])
        .code(0);
        let ok = t.run(&[
            "policy", "export", "--target", target, "--policy", "pack", "--check", file,
        ]);
        ok.code(0);
        assert!(
            ok.stderr.contains("matches the policy pack"),
            "{}",
            ok.stderr
        );
        assert!(ok.stderr.contains("pack: pack"), "{}", ok.stderr);
        // A hand edit: someone loosens the file directly.
        let path = t.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text
            .replacen("Read(./.env)", "Read(./.env.example)", 1)
            .replacen("workspace-write", "danger-full-access", 1);
        assert_ne!(edited, text, "{target}");
        std::fs::write(&path, &edited).unwrap();
        let bad = t.run(&[
            "policy", "export", "--target", target, "--policy", "pack", "--check", file,
        ]);
        bad.code(1);
        assert!(
            bad.stderr
                .contains("differs from what the policy pack produces")
        );
        assert!(
            bad.stdout.lines().any(|l| l.starts_with('-')),
            "{target}: {}",
            bad.stdout
        );
        assert!(
            bad.stdout.lines().any(|l| l.starts_with('+')),
            "{target}: {}",
            bad.stdout
        );
    }
    // A file that is not there is a usage error, not a pass.
    t.run(&[
        "policy",
        "export",
        "--target",
        "codex-requirements",
        "--policy",
        "pack",
        "--check",
        "nope.toml",
    ])
    .code(2);
}

#[test]
fn copilot_export_speaks_copilots_grammar() {
    let t = platform();
    let run = t.run(&[
        "policy",
        "export",
        "--target",
        "copilot-managed-settings",
        "--policy",
        "pack",
    ]);
    run.code(0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        v["permissions"]["deny"],
        serde_json::json!(["Domain(paste.example)", "Read(./.env)", "Shell(curl *)"])
    );
    assert_eq!(
        v["permissions"]["ask"],
        serde_json::json!(["Shell(git push *)"])
    );
    assert_eq!(v["permissions"]["disableBypassPermissionsMode"], "disable");
    assert!(v.get("allowManagedMcpServersOnly").is_none());
    assert!(
        v.get("enableAllProjectMcpServers").is_none(),
        "not a Copilot key"
    );
    assert_known_keys(Target::CopilotManagedSettings, &v, "");
    assert!(
        run.stderr
            .contains("not exported: forbid.claude_settings `enableAllProjectMcpServers`")
    );
    assert!(run.stderr.contains("not exported: models.available/denied"));
}

#[test]
fn codex_export_names_the_pack_commit_and_check_ignores_it() {
    let t = platform();
    t.git(&["init", "-q"]);
    t.git(&["add", "-A"]);
    t.git(&["commit", "-qm", "pack"]);
    let run = t.run(&[
        "policy",
        "export",
        "--target",
        "codex-requirements",
        "--policy",
        "pack",
    ]);
    run.code(0);
    let head = common::git_in(t.path(), &["rev-parse", "HEAD"], &[]);
    let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
    assert!(
        run.stdout
            .contains(&format!("# agentgate-provenance: pack (commit {head})")),
        "{}",
        run.stdout
    );
    let v: toml::Value = toml::from_str(&run.stdout).unwrap();
    assert_eq!(
        v["allowed_approval_policies"],
        toml::Value::Array(vec![
            "untrusted".into(),
            "on-failure".into(),
            "on-request".into()
        ])
    );
    assert_eq!(
        v["mcp_servers"]["docs"]["identity"]["url"].as_str(),
        Some("https://mcp.example.com/mcp")
    );
    assert_eq!(
        v["mcp_servers"]["github"]["identity"]["command"].as_str(),
        Some("npx")
    );
    assert!(v["mcp_servers"].get("other").is_none());
    // Committing the export moves the commit; --check still passes.
    t.write("codex/requirements.toml", &run.stdout);
    t.git(&["add", "-A"]);
    t.git(&["commit", "-qm", "export"]);
    t.run(&[
        "policy",
        "export",
        "--target",
        "codex-requirements",
        "--policy",
        "pack",
        "--check",
        "codex/requirements.toml",
    ])
    .code(0);
}

#[test]
fn an_allowlist_nothing_can_express_is_not_written_as_a_lock_out() {
    let t = Tree::new();
    t.write("pack/policy.yaml", "mcp:\n  allow: [\"some-mcp@1.0.0\"]\n");
    let run = t.run(&[
        "policy",
        "export",
        "--target",
        "claude-managed-settings",
        "--policy",
        "pack",
    ]);
    run.code(0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(v.get("allowedMcpServers").is_none(), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("an empty allowedMcpServers would block every server")
    );
}

#[test]
fn export_needs_a_pack_and_never_writes_through_a_link() {
    let t = Tree::new();
    t.run(&["policy", "export", "--target", "codex-requirements"])
        .code(2);
    t.write("pack/policy.yaml", PACK);
    let outside = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outside.path(), t.path().join("out")).unwrap();
        let run = t.run(&[
            "policy",
            "export",
            "--target",
            "codex-requirements",
            "--policy",
            "pack",
            "-o",
            "out/requirements.toml",
        ]);
        run.code(2);
        assert!(!outside.path().join("requirements.toml").exists());
        // Nor by creating directories through one.
        let run = t.run(&[
            "policy",
            "export",
            "--target",
            "codex-requirements",
            "--policy",
            "pack",
            "-o",
            "out/new/requirements.toml",
        ]);
        run.code(2);
        assert!(!outside.path().join("new").exists());
    }
}

const RUNTIME_RULES: &str = "AG620,AG621,AG623,AG624,AG625";

#[test]
fn every_export_passes_our_own_lint_for_its_kind() {
    let t = platform();
    t.write(".agentgate.yaml", "extends: pack\nexclude: [\"pack/**\"]\n");
    let files = [
        ("claude-managed-settings", "claude/managed-settings.json"),
        ("copilot-managed-settings", "copilot/managed-settings.json"),
        ("codex-requirements", "codex/requirements.toml"),
    ];
    for (target, file) in files {
        t.run(&[
            "policy", "export", "--target", target, "--policy", "pack", "-o", file,
        ])
        .code(0);
    }
    let clean = t.run(&[
        "check",
        "--select",
        RUNTIME_RULES,
        "--format",
        "concise",
        "--quiet",
    ]);
    clean.code(0);
    assert_eq!(clean.stdout, "");
    // The lint did look at them: loosen each by hand and each is reported.
    for (_, file) in files {
        let path = t.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replace(
                "\"disableBypassPermissionsMode\": \"disable\"",
                "\"model\": \"auto\"",
            )
            .replace("\"workspace-write\"", "\"danger-full-access\""),
        )
        .unwrap();
    }
    let loosened = t.run(&[
        "check",
        "--select",
        RUNTIME_RULES,
        "--format",
        "concise",
        "--quiet",
    ]);
    loosened.code(1);
    for (_, file) in files {
        assert!(
            loosened
                .stdout
                .lines()
                .any(|l| l.starts_with(file) && l.contains("AG624")),
            "{file}: {}",
            loosened.stdout
        );
    }
}

#[test]
fn the_vendors_documented_shapes_pass_the_lint() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vendor");
    let t = Tree::new();
    for (fixture, path) in [
        (
            "claude-managed-settings.json",
            "etc/claude-code/managed-settings.json",
        ),
        (
            "copilot-managed-settings.json",
            "copilot/managed-settings.json",
        ),
        ("codex-requirements.toml", "etc/codex/requirements.toml"),
    ] {
        t.write(path, std::fs::read(fixtures.join(fixture)).unwrap());
    }
    let run = t.run(&[
        "check",
        "--select",
        RUNTIME_RULES,
        "--format",
        "concise",
        "--quiet",
    ]);
    run.code(0);
    assert_eq!(run.stdout, "");
    // Three runtime policy files were classified and checked.
    let all = t.run(&["check", "--select", RUNTIME_RULES, "--format", "concise"]);
    assert!(
        all.stderr.contains("3 agent files checked")
            || all.stdout.contains("3 agent files checked"),
        "{}{}",
        all.stdout,
        all.stderr
    );
}
