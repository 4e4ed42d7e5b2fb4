//! End-to-end behaviour of the binary: exit codes, every format, flags, config errors and
//! hostile inputs (each must give a clear diagnostic and never a panic).

mod common;

use common::{BAD_SETTINGS, GOOD_SETTINGS, Tree};

#[test]
fn exit_codes() {
    let t = Tree::new();
    t.write(".claude/settings.json", GOOD_SETTINGS);
    let clean = t.run(&["check", "--ignore", "AG501"]);
    clean.code(0);
    assert!(
        clean
            .stdout
            .contains("No problems found (1 agent file checked"),
        "{}",
        clean.stdout
    );

    t.write(".claude/settings.json", BAD_SETTINGS);
    t.run(&["check", "--ignore", "AG501"]).code(1);
    t.run(&["check", "--ignore", "AG501", "--exit-zero"])
        .code(0);
    t.run(&["check", "--ignore", "AG501", "--ignore", "AG101"])
        .code(0);
    t.run(&["check", "--select", "mcp"]).code(0);
    t.run(&["check", "--select", "AG101,AG102"]).code(1);
    // Usage errors.
    t.run(&["check", "--ignore", "AG501", "--format", "xml"])
        .code(2);
    t.run(&["check", "--select", "AG999"]).code(2);
    let missing = t.run(&["check", "--ignore", "AG501", "does-not-exist"]);
    missing.code(2);
    assert!(
        missing.stderr.contains("does-not-exist"),
        "{}",
        missing.stderr
    );
    t.run(&["bogus"]).code(2);
    t.run(&["--version"]).code(0);
}

#[test]
fn fail_on_threshold() {
    let t = Tree::new();
    // A note (a link out of the tree, not followed) only.
    t.write(".mcp.json", "{\"mcpServers\": {}}");
    std::os::unix::fs::symlink("/etc/hostname", t.path().join("notes.md")).unwrap();
    t.run(&["check", "--ignore", "AG501"]).code(0);
    t.run(&["check", "--ignore", "AG501", "--fail-on", "warning"])
        .code(0);
    let r = t.run(&[
        "check",
        "--ignore",
        "AG501",
        "--fail-on",
        "note",
        "--format",
        "concise",
    ]);
    r.code(1);
    assert!(
        r.stdout.contains("notes.md:1:1: AG006 note"),
        "{}",
        r.stdout
    );
    t.run(&[
        "check",
        "--ignore",
        "AG501",
        "--fail-on",
        "note",
        "--exit-zero",
    ])
    .code(0);
}

#[test]
fn agent_files_over_the_cap_fail_whatever_the_flags() {
    let t = Tree::new();
    t.write(".agentgate.yaml", "max_file_size: 10\n");
    t.write(".mcp.json", "{\"mcpServers\": {}}");
    for args in [
        &["check", "--format", "concise"][..],
        &["check", "--exit-zero"],
        &["check", "--select", "secrets"],
        &["check", "--ignore", "AG002"],
    ] {
        let r = t.run(args);
        r.code(2);
        assert!(
            r.stderr
                .contains(".mcp.json: not checked: 18 bytes, larger than max_file_size"),
            "{args:?}: {}",
            r.stderr
        );
    }
}

#[test]
fn config_errors_point_into_the_file() {
    let t = Tree::new();
    t.write(
        ".agentgate.yaml",
        "rules:\n  ignore: [AG101]\n  severty: {}\n",
    );
    let r = t.run(&["check"]);
    r.code(2);
    assert!(r.stderr.contains("severty"), "{}", r.stderr);
    assert!(r.stderr.contains(".agentgate.yaml:3:3"), "{}", r.stderr);

    t.write(".agentgate.yaml", "rules:\n  ignore: AG101\n");
    let r = t.run(&["check"]);
    r.code(2);
    assert!(r.stderr.contains(".agentgate.yaml:2:"), "{}", r.stderr);

    t.write(".agentgate.yaml", "exclude: [\"a/[\"]\n");
    t.run(&["check"]).code(2);
}

#[test]
fn config_is_found_upward_and_applies() {
    let t = Tree::new();
    t.git(&["init", "-q"]);
    t.write(
        ".agentgate.yaml",
        "rules:\n  severity:\n    AG101: warning\nexclude: [\"vendor/**\"]\n",
    );
    t.write("svc/.claude/settings.json", BAD_SETTINGS);
    t.write("vendor/x/.claude/settings.json", BAD_SETTINGS);
    let r = t.run(&["check", "svc", "vendor", "--format", "concise"]);
    r.code(0);
    assert!(
        r.stdout
            .contains("svc/.claude/settings.json:3:15: AG101 warning"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("vendor/"), "excluded: {}", r.stdout);
    // Explicit file arguments (what pre-commit passes) still honour excludes.
    let r = t.run(&[
        "check",
        "vendor/x/.claude/settings.json",
        "--fail-on",
        "note",
    ]);
    r.code(0);
    // Severity override from the config, with --fail-on warning.
    t.run(&["check", "--fail-on", "warning"]).code(1);
}

#[test]
fn walk_includes_dot_dirs_and_honours_gitignore() {
    let t = Tree::new();
    t.write(".gitignore", "ignored/\n");
    t.write("ignored/.claude/settings.json", BAD_SETTINGS);
    t.write("deep/er/.claude/settings.json", BAD_SETTINGS);
    t.write(".git/config", "[core]\n");
    t.write(".git/.claude/settings.json", BAD_SETTINGS);
    let r = t.run(&["check", "--format", "concise", "-q"]);
    r.code(1);
    assert_eq!(
        r.stdout,
        "deep/er/.claude/settings.json:3:15: AG101 error `Bash(*)` in permissions.allow pre-approves every shell command\n"
    );
}

/// The user's global excludes (`core.excludesFile` in `~/.gitconfig`, else
/// `$XDG_CONFIG_HOME/git/ignore`) prune the walk like a `.gitignore`; `--no-ignore` reads none.
#[test]
fn walk_honours_the_global_excludes_file() {
    let t = Tree::new();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    std::fs::write(
        h.join(".gitconfig"),
        "[core]\n\texcludesFile = \"~/global-ignore\"\n",
    )
    .unwrap();
    std::fs::write(h.join("global-ignore"), "scratch/\n").unwrap();
    std::fs::create_dir_all(h.join("xdg/git")).unwrap();
    std::fs::write(h.join("xdg/git/ignore"), "notes/\n").unwrap();
    t.write("scratch/.claude/settings.json", BAD_SETTINGS);
    t.write("notes/.claude/settings.json", BAD_SETTINGS);
    t.write("kept/.claude/settings.json", BAD_SETTINGS);
    let home_s = h.to_str().unwrap();
    let xdg = h.join("xdg");
    let env = [("HOME", home_s), ("XDG_CONFIG_HOME", xdg.to_str().unwrap())];
    let files = |r: &common::Run| {
        let mut f: Vec<String> = r
            .stdout
            .lines()
            .map(|l| l.split(':').next().unwrap().to_string())
            .collect();
        f.sort();
        f
    };
    let r = t.run_env(&["check", "--format", "concise", "-q"], &env);
    // The configured file wins over the default one, as in git.
    assert_eq!(
        files(&r),
        ["kept/.claude/settings.json", "notes/.claude/settings.json"],
        "{}",
        r.stdout
    );
    std::fs::write(h.join(".gitconfig"), "[user]\n\tname = x\n").unwrap();
    let r = t.run_env(&["check", "--format", "concise", "-q"], &env);
    assert_eq!(
        files(&r),
        [
            "kept/.claude/settings.json",
            "scratch/.claude/settings.json"
        ],
        "{}",
        r.stdout
    );
    let r = t.run_env(&["check", "--format", "concise", "-q", "--no-ignore"], &env);
    assert_eq!(files(&r).len(), 3, "{}", r.stdout);
}

#[test]
fn text_format_shows_snippet_and_summary() {
    let t = Tree::new();
    t.write(".claude/settings.json", BAD_SETTINGS);
    let r = t.run(&["check", "--ignore", "AG501"]);
    r.code(1);
    assert!(
        r.stdout.contains("AG101 bash-wildcard-allow"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("[.claude/settings.json:3:15]"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(r#"    "allow": ["Bash(*)"]"#),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("help: allow specific commands"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Found 1 error, 0 warnings, 0 notes"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains('\u{1b}'), "no colour when not a TTY");
    let quiet = t.run(&["check", "--ignore", "AG501", "-q"]);
    assert!(!quiet.stdout.contains("Found"), "{}", quiet.stdout);
    let stats = t.run(&["check", "--ignore", "AG501", "--statistics"]);
    assert!(
        stats.stdout.contains("     1  AG101  bash-wildcard-allow"),
        "{}",
        stats.stdout
    );
    let no_color = t.run_env(&["check", "--ignore", "AG501"], &[("NO_COLOR", "1")]);
    assert!(!no_color.stdout.contains('\u{1b}'));
}

#[test]
fn json_format() {
    let t = Tree::new();
    t.write(".claude/settings.json", BAD_SETTINGS);
    let r = t.run(&["check", "--ignore", "AG501", "--format", "json"]);
    r.code(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["summary"]["complete"], true);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "AG101");
    assert_eq!(d["name"], "bash-wildcard-allow");
    assert_eq!(d["family"], "permissions");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["path"], ".claude/settings.json");
    assert_eq!(d["location"]["line"], 3);
    assert_eq!(d["location"]["column"], 15);
    assert_eq!(d["location"]["end_column"], 24);
    assert_eq!(d["fingerprint"].as_str().unwrap().len(), 16);
}

#[test]
fn fingerprints_survive_moved_lines() {
    let t = Tree::new();
    t.write(".claude/settings.json", BAD_SETTINGS);
    let fp = |r: &common::Run| {
        serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["diagnostics"][0]["fingerprint"].clone()
    };
    let before = fp(&t.run(&["check", "--format", "json"]));
    t.write(
        ".claude/settings.json",
        format!("\n\n{BAD_SETTINGS}").replace("\"Bash(*)\"", "\n   \"Bash(*)\""),
    );
    let after = fp(&t.run(&["check", "--format", "json"]));
    assert_eq!(before, after);
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let t = Tree::new();
    t.write(".claude/settings.json", BAD_SETTINGS);
    t.write(
        "docs dir/.mcp.json",
        "{\"mcpServers\": {\"a\": {\"command\": \"npx\", \"args\": [\"-y\", \"pkg\"]}}}",
    );
    t.write(".codex/config.toml", "broken = \n");
    let r = t.run(&["check", "--ignore", "AG501", "--format", "sarif"]);
    r.code(1);
    let log: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    // The official schema has a malformed `]` in two `language` patterns; escape it.
    let text = include_str!("fixtures/sarif-schema-2.1.0.json")
        .replace("[a-zA-Z]{2}]?$", "[a-zA-Z]{2}\\\\]?$");
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // Negative control: the validator does reject a broken log.
    let mut bad = log.clone();
    bad["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(validator.iter_errors(&bad).next().is_some());

    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let loc = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], ".claude/settings.json");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(loc["region"]["startLine"], 3);
    assert_eq!(
        results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "docs%20dir/.mcp.json"
    );
    assert!(results[0]["partialFingerprints"]["agentgate/v1"].is_string());
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ag101 = rules.iter().find(|r| r["id"] == "AG101").unwrap();
    assert_eq!(ag101["properties"]["security-severity"], "8.0");
    assert!(
        ag101["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Why it matters")
    );
    for result in results {
        let idx = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], result["ruleId"]);
    }
}

#[test]
fn sarif_marks_incomplete_scans() {
    let t = Tree::new();
    t.write(".mcp.json", "{}");
    let link = t.path().join(".claude");
    std::fs::create_dir_all(&link).unwrap();
    unreadable_dir_fixture(&t);
    let r = run_unprivileged(&t, &["check", "--format", "sarif"]);
    r.code(2);
    let log: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"], false,
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("scan is incomplete"), "{}", r.stderr);
}

#[test]
fn sarif_names_each_file_it_could_not_check() {
    let t = Tree::new();
    t.write(".agentgate.yaml", "max_file_size: 64\n");
    t.write(".mcp.json", format!("{{\"pad\": \"{}\"}}", "a".repeat(100)));
    t.write("CLAUDE.md", "# ok\n");
    let r = t.run(&["check", "--format", "sarif"]);
    r.code(2);
    let log: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert_eq!(notes.len(), 1, "{}", r.stdout);
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        ".mcp.json"
    );
    // Near miss: a complete scan has none.
    t.write(".mcp.json", "{}");
    let r = t.run(&["check", "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(log["runs"][0]["invocations"][0]["toolExecutionNotifications"].is_null());
}

#[test]
fn github_annotations_and_summary() {
    let t = Tree::new();
    t.write(".claude/settings.json", BAD_SETTINGS);
    let summary = t.path().join("summary.md");
    let r = t.run_env(
        &["check", "--ignore", "AG501", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    r.code(1);
    let first = r.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        "::error title=AG101 bash-wildcard-allow,file=.claude/settings.json,line=3,endLine=3,col=15,endColumn=24::\
         .claude/settings.json:3:15: AG101 `Bash(*)` in permissions.allow pre-approves every shell command%0A\
         help: allow specific commands instead, e.g. \"Bash(npm run test *)\"; put risky ones under `ask`"
    );
    let md = std::fs::read_to_string(summary).unwrap();
    assert!(
        md.contains("| AG101 bash-wildcard-allow | error | `.claude/settings.json:3` |"),
        "{md}"
    );
}

#[test]
fn gitlab_code_quality() {
    let t = Tree::new();
    t.write(
        ".claude/settings.json",
        "{\"permissions\": {\"allow\": [\"Bash\", \"Bash\"]}}",
    );
    let r = t.run(&["check", "--ignore", "AG501", "--format", "gitlab"]);
    r.code(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let issues = v.as_array().unwrap();
    assert_eq!(issues.len(), 2);
    assert_eq!(issues[0]["check_name"], "AG101");
    assert_eq!(issues[0]["severity"], "critical");
    assert_eq!(issues[0]["location"]["path"], ".claude/settings.json");
    assert_eq!(issues[0]["location"]["positions"]["begin"]["line"], 1);
    assert_ne!(
        issues[0]["fingerprint"], issues[1]["fingerprint"],
        "fingerprints are unique"
    );
}

#[test]
fn junit_xml() {
    let t = Tree::new();
    t.write(".claude/settings.json", BAD_SETTINGS);
    let r = t.run(&["check", "--ignore", "AG501", "--format", "junit"]);
    r.code(1);
    assert!(r.stdout.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"agentgate\" tests=\"1\" failures=\"1\""), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("<testsuite name=\".claude/settings.json\" tests=\"1\" failures=\"1\""),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("<failure message=\"`Bash(*)` in permissions.allow"),
        "{}",
        r.stdout
    );
    assert_eq!(
        r.stdout.matches("<testcase").count(),
        r.stdout.matches("</testcase>").count()
    );
    t.write(".claude/settings.json", GOOD_SETTINGS);
    let clean = t.run(&["check", "--ignore", "AG501", "--format", "junit"]);
    clean.code(0);
    assert!(
        clean
            .stdout
            .contains("<testcase name=\"No problems found\""),
        "{}",
        clean.stdout
    );
}

#[test]
fn output_file_is_written_in_place() {
    let t = Tree::new();
    t.write(".claude/settings.json", BAD_SETTINGS);
    let r = t.run(&["check", "--format", "json", "--output", "report.json"]);
    r.code(1);
    assert!(r.stdout.is_empty());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(v["summary"]["errors"], 1);
    // /dev/null stays a character device.
    t.run(&["check", "--output", "/dev/null"]).code(1);
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn closed_stdout_pipe_ends_quietly() {
    let t = Tree::new();
    for i in 0..300 {
        t.write(&format!("p{i}/.claude/settings.json"), BAD_SETTINGS);
    }
    let mut child = std::process::Command::new(common::bin())
        .args(["check", "--format", "text"])
        .current_dir(t.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // like `| head -0`
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn rules_and_explain() {
    let t = Tree::new();
    let r = t.run(&["rules"]);
    r.code(0);
    assert!(
        r.stdout.contains("AG101  bash-wildcard-allow"),
        "{}",
        r.stdout
    );
    let json = t.run(&["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "AG201" && r["family"] == "mcp")
    );
    for key in ["AG102", "ag102", "bypass-permissions-mode"] {
        let e = t.run(&["explain", key]);
        e.code(0);
        for section in [
            "## What it checks",
            "## Why it matters",
            "## Example",
            "## Fix",
        ] {
            assert!(e.stdout.contains(section), "{key}: {section}");
        }
    }
    t.run(&["explain", "AG999"]).code(2);
}

// ---- hostile inputs: a clear diagnostic each, never a panic ----

#[test]
fn binary_and_non_utf8_agent_files() {
    let t = Tree::new();
    t.write(".mcp.json", b"{\"a\": \0\0\0}");
    t.write("CLAUDE.md", b"caf\xe9 latin-1\n");
    t.write("image.png", b"\x89PNG\r\n\0\0\0");
    let r = t.run(&["check", "--format", "concise", "-q"]);
    r.code(1);
    assert!(
        r.stdout
            .contains(".mcp.json:1:1: AG003 error contains NUL bytes"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(
            "CLAUDE.md:1:1: AG003 error not valid UTF-8 (first invalid byte at offset 3)"
        ),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("image.png"));
}

#[test]
fn bom_and_crlf_files_parse_with_correct_columns() {
    let t = Tree::new();
    t.write(
        ".claude/settings.json",
        "\u{feff}{\r\n  \"permissions\": {\"allow\": [\"Bash\"]}\r\n}\r\n",
    );
    let r = t.run(&["check", "--ignore", "AG501", "--format", "concise", "-q"]);
    assert_eq!(
        r.stdout,
        ".claude/settings.json:2:29: AG101 error `Bash` in permissions.allow pre-approves every shell command\n"
    );
}

#[test]
fn deeply_nested_json_is_a_syntax_error() {
    let t = Tree::new();
    t.write(".mcp.json", "[".repeat(100_000));
    let r = t.run(&["check", "--format", "concise", "-q"]);
    r.code(1);
    assert!(
        r.stdout
            .contains(".mcp.json:1:257: AG001 error invalid JSON: nesting deeper than 256 levels"),
        "{}",
        r.stdout
    );
}

#[test]
fn non_utf8_file_name() {
    use std::os::unix::ffi::OsStrExt;
    let t = Tree::new();
    let name = std::ffi::OsStr::from_bytes(b"notes-\xff.md");
    std::fs::write(t.path().join(name), "hello").unwrap();
    t.write(".claude/settings.json", BAD_SETTINGS);
    let r = t.run(&["check", "--format", "concise", "-q"]);
    r.code(1);
    assert!(
        r.stdout
            .contains("notes-\u{fffd}.md:1:1: AG007 note file name is not valid UTF-8"),
        "{}",
        r.stdout
    );
}

#[test]
fn symlinks_loops_dangling_and_escaping() {
    use std::os::unix::fs::symlink;
    let t = Tree::new();
    let outside = Tree::new();
    outside.write("settings.json", BAD_SETTINGS);
    t.write("AGENTS.md", "# Agents\n");
    symlink("AGENTS.md", t.path().join("CLAUDE.md")).unwrap();
    symlink("loop-b", t.path().join("loop-a")).unwrap();
    symlink("loop-a", t.path().join("loop-b")).unwrap();
    symlink("gone.md", t.path().join("GEMINI.md")).unwrap();
    std::fs::create_dir_all(t.path().join(".claude")).unwrap();
    symlink(
        outside.path().join("settings.json"),
        t.path().join(".claude/settings.json"),
    )
    .unwrap();
    symlink(t.path(), t.path().join("self")).unwrap();
    symlink("/etc/hostname", t.path().join("notes.md")).unwrap();
    // An agent file that links out of the repository cannot be checked: incomplete, exit 2.
    let r = t.run(&["check", "--format", "concise", "-q", "--fail-on", "note"]);
    r.code(2);
    let out = &r.stdout;
    assert!(
        out.contains("GEMINI.md:1:1: AG005 warning symbolic link points at nothing (`gone.md`)"),
        "{out}"
    );
    assert!(
        out.contains("loop-a:1:1: AG005 warning symbolic link forms a loop"),
        "{out}"
    );
    assert!(
        out.contains(".claude/settings.json:1:1: AG002 error cannot read: a symbolic link to"),
        "{out}"
    );
    // Any other file linking out is a note.
    assert!(
        out.contains("notes.md:1:1: AG006 note symbolic link to `/etc/hostname`"),
        "{out}"
    );
    assert!(
        !out.contains("AG101"),
        "the escaping link was not followed: {out}"
    );
    // An explicit loop argument is also a diagnostic, not a crash.
    t.run(&["check", "loop-a", "--fail-on", "note"]).code(1);
}

#[test]
fn unreadable_file_is_reported_and_fails() {
    let t = Tree::new();
    t.write(".mcp.json", "{}");
    unreadable_dir_fixture(&t);
    // Incomplete: exit 2, and neither --exit-zero nor deselecting the rule hides it.
    for extra in [&[][..], &["--exit-zero"], &["--select", "secrets"]] {
        let mut args = vec!["check", "--format", "concise"];
        args.extend_from_slice(extra);
        let r = run_unprivileged(&t, &args);
        r.code(2);
        assert!(
            r.stdout
                .contains("Scan incomplete: 2 files could not be checked"),
            "{}",
            r.stdout
        );
        assert!(
            r.stderr.contains("not checked: cannot read"),
            "{}",
            r.stderr
        );
    }
    let r = run_unprivileged(&t, &["check", "--format", "concise"]);
    assert!(r.stdout.contains("AG002 error cannot read"), "{}", r.stdout);
}

/// A directory and an agent file that the (unprivileged) scanner cannot read.
fn unreadable_dir_fixture(t: &Tree) {
    use std::os::unix::fs::PermissionsExt;
    let file = t.write(".cursor/mcp.json", "{}");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    let dir = t.path().join("locked");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(
        t.path().join(".cursor"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
}

/// Root reads everything, so permission tests drop to `nobody` when run as root.
fn run_unprivileged(t: &Tree, args: &[&str]) -> common::Run {
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if !is_root {
        return t.run(args);
    }
    // The temp dir's parents must be traversable by nobody.
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(common::bin())
        .args(args)
        .current_dir(t.path())
        .env_remove("NO_COLOR")
        .output()
        .expect("setpriv (util-linux) is needed to test unreadable files as root");
    common::Run::from(out)
}

#[test]
fn no_output_format_prints_a_literal_credential() {
    let secrets = [
        "ghp_Zq8Rk2mVx7LpT4nWc9YbH3sJd6FgA1eQu5Ko",
        "sk-live-9f8e7d6c5b4a3f2e1d0c",
        "Zx9Kq2Lm7Rt4Wp",
        "k8s7d6f5g4h3j2k1",
    ];
    let t = Tree::new();
    t.write(
        ".mcp.json",
        format!(
            r#"{{"mcpServers": {{
  "gh": {{"command": "gh-mcp@1.0.0", "env": {{"GITHUB_TOKEN": "{}"}}}},
  "api": {{"type": "http", "url": "https://api.example.net/mcp", "headers": {{"Authorization": "Bearer {}"}}}},
  "db": {{"command": "dbhub@1.0.0", "args": ["--readonly", "--dsn=postgres://admin:{}@db.internal/app", "--api-key", "{}"]}}
}}}}"#,
            secrets[0], secrets[1], secrets[2], secrets[3]
        ),
    );
    let summary = t.path().join("summary.md");
    for format in [
        "text", "concise", "json", "sarif", "github", "gitlab", "junit",
    ] {
        let r = t.run_env(
            &["check", "--format", format],
            &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
        );
        r.code(1);
        assert_eq!(
            r.stdout.matches("AG202").count().min(1),
            1,
            "{format}: {}",
            r.stdout
        );
        for s in secrets {
            assert!(
                !r.stdout.contains(s) && !r.stderr.contains(s),
                "{format} printed {s}:\n{}",
                r.stdout
            );
        }
    }
    let md = std::fs::read_to_string(summary).unwrap();
    for s in secrets {
        assert!(!md.contains(s));
    }
    // The text snippet is masked but keeps its shape.
    let text = t.run(&["check"]);
    assert!(
        text.stdout.contains("\"GITHUB_TOKEN\": ****"),
        "{}",
        text.stdout
    );
}

#[test]
fn local_files_tracked_by_git() {
    let t = Tree::new();
    t.git(&["init", "-q"]);
    t.write(".claude/settings.local.json", "{}");
    t.write(".env", "A=1\n");
    t.write(".env.example", "A=\n");
    t.write(".gitignore", ".env\n");
    t.git(&[
        "add",
        "-f",
        ".claude/settings.local.json",
        ".env",
        ".env.example",
        ".gitignore",
    ]);
    let r = t.run(&["check", "--format", "concise", "-q"]);
    r.code(1);
    assert_eq!(
        r.stdout,
        ".claude/settings.local.json:1:1: AG401 error personal Claude Code settings is tracked by git\n\
         .env:1:1: AG008 warning tracked, but an ignore file (.gitignore, .ignore or git's excludes) hides it; checked anyway\n\
         .env:1:1: AG401 error an environment file with credentials is tracked by git\n"
    );
    // Pre-commit mode judges only what is staged now.
    t.git(&[
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@e.com",
        "commit",
        "-qm",
        "x",
    ]);
    t.write("CLAUDE.local.md", "# me\n");
    t.git(&["add", "CLAUDE.local.md"]);
    let staged = t.run(&["check", "--staged", "--format", "concise", "-q"]);
    assert_eq!(
        staged.stdout,
        "CLAUDE.local.md:1:1: AG401 error personal Claude Code instructions is staged for commit\n"
    );
    // Untracked files are fine.
    let u = Tree::new();
    u.git(&["init", "-q"]);
    u.write(".env", "A=1\n");
    u.run(&["check"]).code(0);
}

#[test]
fn baseline_reports_only_new_findings() {
    let t = Tree::new();
    t.write(".claude/settings.json", BAD_SETTINGS);
    t.run(&["baseline", "--ignore", "AG501"]).code(0);
    let b: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(t.path().join(".agentgate-baseline.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(b["version"], 1);
    assert_eq!(b["findings"][0]["code"], "AG101");
    // Known finding, even after its line moved: clean, and said so.
    t.write(".claude/settings.json", format!("\n\n{BAD_SETTINGS}"));
    let r = t.run(&[
        "check",
        "--ignore",
        "AG501",
        "--baseline",
        ".agentgate-baseline.json",
    ]);
    r.code(0);
    assert!(
        r.stdout.contains("1 suppressed finding not shown"),
        "{}",
        r.stdout
    );
    // SARIF still lists it, as suppressed.
    let sarif: serde_json::Value = serde_json::from_str(
        &t.run(&[
            "check",
            "--ignore",
            "AG501",
            "--baseline",
            ".agentgate-baseline.json",
            "--format",
            "sarif",
        ])
        .stdout,
    )
    .unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["suppressions"][0]["kind"],
        "external"
    );
    // A new finding is reported.
    t.write(
        ".mcp.json",
        "{\"mcpServers\": {\"a\": {\"command\": \"npx\", \"args\": [\"-y\", \"pkg\"]}}}",
    );
    let r = t.run(&[
        "check",
        "--ignore",
        "AG501",
        "--baseline",
        ".agentgate-baseline.json",
        "--format",
        "concise",
        "-q",
    ]);
    r.code(1);
    assert!(
        r.stdout.starts_with(".mcp.json:1:") && r.stdout.lines().count() == 1,
        "{}",
        r.stdout
    );
    t.write("broken.json", "{");
    t.run(&["check", "--ignore", "AG501", "--baseline", "broken.json"])
        .code(2);
}

#[test]
fn very_long_lines_render_without_a_snippet() {
    let t = Tree::new();
    // A minified one-liner with a finding past column 65,535 (miette cannot lay that out).
    t.write(".mcp.json", format!("{{\"pad\": \"{}\", \"mcpServers\": {{\"a\": {{\"command\": \"npx\", \"args\": [\"-y\", \"pkg\"]}}}}}}", "a".repeat(70_000)));
    let r = t.run(&["check"]);
    r.code(1);
    assert!(
        r.stdout.contains(".mcp.json: MCP server `a` runs `pkg`"),
        "{}",
        &r.stdout[..r.stdout.len().min(2000)]
    );
    assert!(r.stdout.len() < 5_000, "no 70 KB snippet");
}

#[test]
fn exceptions_are_audited_fast_paths() {
    let t = Tree::new();
    t.write(".claude/settings.json", BAD_SETTINGS);
    t.write(
        ".agentgate.yaml",
        "exceptions:\n  - rule: AG101\n    path: .claude/settings.json\n    reason: sandboxed CI runner only\n    approved_by: security@example.com\n    expires: 2999-01-01\n",
    );
    let r = t.run(&["check", "--ignore", "AG501"]);
    r.code(0);
    assert!(
        r.stdout.contains("1 suppressed finding not shown"),
        "{}",
        r.stdout
    );
    let sarif: serde_json::Value = serde_json::from_str(
        &t.run(&["check", "--ignore", "AG501", "--format", "sarif"])
            .stdout,
    )
    .unwrap();
    let sup = &sarif["runs"][0]["results"][0]["suppressions"][0];
    assert!(
        sup["justification"]
            .as_str()
            .unwrap()
            .contains("sandboxed CI runner only, approved by security@example.com"),
        "{sup}"
    );

    // Expired: the finding is back, and the exception itself is reported.
    t.write(".agentgate.yaml", "exceptions:\n  - rule: bash-wildcard-allow\n    path: .claude/**\n    reason: temporary\n    expires: 2020-01-31\n");
    let r = t.run(&["check", "--ignore", "AG501", "--format", "concise", "-q"]);
    r.code(1);
    assert!(r.stdout.contains(".agentgate.yaml:2:1: AG601 error the exception for bash-wildcard-allow on `.claude/**` expired"), "{}", r.stdout);
    assert!(
        r.stdout.contains(".claude/settings.json:3:15: AG101 error"),
        "{}",
        r.stdout
    );

    // Unused: reported as a note.
    t.write(
        ".agentgate.yaml",
        "exceptions:\n  - rule: AG201\n    path: .mcp.json\n    reason: reviewed\n",
    );
    let r = t.run(&[
        "check",
        "--ignore",
        "AG501",
        "--format",
        "concise",
        "-q",
        "--fail-on",
        "note",
    ]);
    assert!(
        r.stdout
            .contains("AG602 note the exception for AG201 on `.mcp.json` matches no finding"),
        "{}",
        r.stdout
    );

    // No reason: a configuration error pointing at the entry.
    t.write(
        ".agentgate.yaml",
        "exceptions:\n  - rule: AG101\n    path: .claude/settings.json\n",
    );
    let r = t.run(&["check", "--ignore", "AG501"]);
    r.code(2);
    assert!(
        r.stderr.contains("an exception needs a `reason`")
            && r.stderr.contains(".agentgate.yaml:2:"),
        "{}",
        r.stderr
    );
}

#[test]
fn mcp_lockfile_catches_unreviewed_changes() {
    let t = Tree::new();
    let pinned = "{\"mcpServers\": {\"docs\": {\"command\": \"npx\", \"args\": [\"-y\", \"docs-mcp@1.2.3\"], \"env\": {\"DOCS_TOKEN\": \"${DOCS_TOKEN}\"}}}}";
    t.write(".mcp.json", pinned);
    t.run(&["lock"]).code(0);
    let lock = std::fs::read_to_string(t.path().join("agentgate.lock")).unwrap();
    assert!(
        lock.contains("\"name\": \"docs\"") && !lock.contains("DOCS_TOKEN"),
        "{lock}"
    );
    t.run(&["check", "--ignore", "AG501"]).code(0);
    // A changed version without a new lock fails; so does a new server.
    t.write(".mcp.json", pinned.replace("1.2.3", "1.2.4"));
    let r = t.run(&["check", "--ignore", "AG501", "--format", "concise", "-q"]);
    r.code(1);
    assert_eq!(
        r.stdout,
        ".mcp.json:1:17: AG603 error MCP server `docs` changed since agentgate.lock was written\n"
    );
    let with_new = pinned.strip_suffix("}}").unwrap().to_string()
        + ", \"new\": {\"type\": \"http\", \"url\": \"https://x.example.com/mcp\"}}}";
    t.write(".mcp.json", &with_new);
    let r = t.run(&["check", "--ignore", "AG501", "--format", "concise", "-q"]);
    assert!(
        r.stdout
            .contains("AG603 error MCP server `new` is not in agentgate.lock"),
        "{}",
        r.stdout
    );
    // Re-locking after review makes it clean; removing a locked server is reported too.
    t.run(&["lock"]).code(0);
    t.run(&["check", "--ignore", "AG501"]).code(0);
    t.write(".mcp.json", pinned);
    let r = t.run(&["check", "--ignore", "AG501", "--format", "concise", "-q"]);
    assert!(
        r.stdout.contains(
            "agentgate.lock:1:1: AG603 error locked MCP server `new` (.mcp.json) no longer exists"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn policy_packs_layer_and_fail_clearly() {
    let t = Tree::new();
    t.write(
        "packs/a/policy.yaml",
        "extends: ../b\nrequire:\n  context_files: [AGENTS.md]\n",
    );
    t.write(
        "packs/b/policy.yaml",
        "mcp:\n  allow: [\"docs-mcp@1.0.0\"]\n",
    );
    t.write(".agentgate.yaml", "extends: packs/a\nexclude: [packs/**]\n");
    let show = t.run(&["policy", "show"]);
    show.code(0);
    let v: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    assert_eq!(v["require"]["context_files"][0], "AGENTS.md");
    assert_eq!(v["mcp"]["allow"][0], "docs-mcp@1.0.0");
    assert!(
        v["layers"][0].as_str().unwrap().ends_with("packs/b"),
        "the pack extended comes first: {v}"
    );
    let r = t.run(&["check", "--format", "concise", "-q"]);
    r.code(1);
    assert!(
        r.stdout
            .contains("AGENTS.md:1:1: AG604 error AGENTS.md is required"),
        "{}",
        r.stdout
    );
    // A cycle between packs is a configuration error.
    t.write("packs/b/policy.yaml", "extends: ../a\n");
    let r = t.run(&["check"]);
    r.code(2);
    assert!(r.stderr.contains("cycle"), "{}", r.stderr);
    // So is an unknown key, with its position in the pack.
    t.write("packs/b/policy.yaml", "requre: {}\n");
    let r = t.run(&["check"]);
    r.code(2);
    assert!(
        r.stderr.contains("invalid policy pack") && r.stderr.contains("policy.yaml:1:1"),
        "{}",
        r.stderr
    );
}

#[test]
fn rules_knowledge_lists_versions_and_sources() {
    let t = common::Tree::new();
    let r = t.run(&["rules", "--knowledge", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let facts: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let facts = facts.as_array().unwrap();
    assert!(facts.len() >= 10);
    assert!(
        facts
            .iter()
            .all(|f| !f["versions"].as_str().unwrap().is_empty()
                && !f["sources"].as_array().unwrap().is_empty())
    );
    assert!(facts.iter().any(|f| f["agent"] == "Codex"));
    assert!(
        facts
            .iter()
            .any(|f| f["topic"].as_str().unwrap().contains("AG111")
                && f["versions"].as_str().unwrap().starts_with("known as of"))
    );
}
