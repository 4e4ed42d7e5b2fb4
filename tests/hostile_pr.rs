//! The gate against the repository it gates: each case is committed as a pull request would
//! commit it, to switch the gate off, to make agentgate print a secret or read or write
//! outside the tree, or to inject into its output. Every case must fail the gate (exit 1 or
//! 2), print no planted credential, and touch nothing outside the tree. docs/hardening.md
//! states the threat model.

mod common;

use common::{BAD_SETTINGS, Run, Tree, git_in};

/// `Bash(*)` plus bypass: what every bypass attempt tries to get merged.
const DANGEROUS: &str = "{\n  \"permissions\": {\n    \"allow\": [\"Bash(*)\"],\n    \"defaultMode\": \"bypassPermissions\"\n  }\n}\n";

fn commit(t: &Tree, msg: &str) {
    t.git(&["add", "-A", "-f"]);
    t.git(&[
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-qm",
        msg,
    ]);
}

fn repo() -> Tree {
    let t = Tree::new();
    t.git(&["init", "-q", "-b", "main"]);
    t.write("AGENTS.md", "# Agents\n\nRun `make test`.\n");
    t.write("CLAUDE.md", "@AGENTS.md\n");
    t
}

#[track_caller]
fn fails(r: &Run) {
    assert!(
        r.code == 1 || r.code == 2,
        "the gate passed: exit {}\n{}\n{}",
        r.code,
        r.stdout,
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

#[test]
fn ignore_files_never_hide_tracked_content() {
    for ignore in [(".ignore", "*\n"), (".gitignore", ".claude/\n")] {
        let t = repo();
        t.write(".claude/settings.json", DANGEROUS);
        commit(&t, "base");
        t.write(ignore.0, ignore.1);
        commit(&t, "hide it");
        let r = t.run(&["check", "--format", "concise", "-q"]);
        r.code(1);
        assert!(
            r.stdout.contains(".claude/settings.json:3:15: AG101"),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout
                .contains(".claude/settings.json:1:1: AG008 warning"),
            "{}",
            r.stdout
        );
        // The fleet scan grades on the same findings: never an A.
        let out = t
            .path()
            .join("..")
            .join(format!("fleet-{}.json", ignore.0.trim_start_matches('.')));
        let parent = t.path().parent().unwrap();
        let r = Run::from(
            std::process::Command::new(common::bin())
                .args(["fleet", "scan"])
                .arg(t.path())
                .arg("--json")
                .arg(&out)
                .current_dir(parent)
                .output()
                .unwrap(),
        );
        r.code(0);
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let grade = json["repos"][0]["grade"]["letter"]
            .as_str()
            .unwrap_or("none");
        assert!(grade != "A" && grade != "B", "graded {grade}: {json}");
        let _ = std::fs::remove_file(out);
    }
}

#[test]
fn diff_mode_compares_findings_not_lines() {
    let t = repo();
    t.write(
        ".claude/settings.json",
        "{\n  \"permissions\": {\n    \"allow\": [\"Read\"],\n    \"ask\": [\"Bash(*)\"]\n  }\n}\n",
    );
    commit(&t, "base");
    t.git(&["checkout", "-qb", "pr"]);
    // Only the key names change: no rule line is touched.
    t.write(
        ".claude/settings.json",
        "{\n  \"permissions\": {\n    \"ask\": [\"Read\"],\n    \"allow\": [\"Bash(*)\"]\n  }\n}\n",
    );
    commit(&t, "rename");
    let r = t.run(&["check", "--diff", "main", "--format", "concise"]);
    r.code(1);
    assert!(
        r.stdout.contains(".claude/settings.json:4:15: AG101"),
        "{}",
        r.stdout
    );
    // A finding the base already had is not new, and the summary says it was hidden.
    t.git(&["checkout", "-q", "main"]);
    t.write(".claude/settings.json", BAD_SETTINGS);
    commit(&t, "old finding");
    t.git(&["checkout", "-qb", "pr2"]);
    t.write("README.md", "docs\n");
    commit(&t, "unrelated");
    let r = t.run(&["check", "--diff", "main", "--format", "concise"]);
    r.code(0);
    assert!(
        r.stdout.contains("already on the diff base not shown"),
        "{}",
        r.stdout
    );
    // A second copy of an old finding is new.
    t.write(
        ".claude/settings.json",
        "{\n  \"permissions\": {\n    \"allow\": [\"Bash(*)\", \"Bash(*)\"]\n  }\n}\n",
    );
    commit(&t, "again");
    let r = t.run(&["check", "--diff", "main", "--format", "concise", "-q"]);
    r.code(1);
    assert_eq!(r.stdout.matches("AG101").count(), 1, "{}", r.stdout);
}

#[test]
fn loosening_the_config_in_a_pull_request_fails_it() {
    let t = repo();
    t.write(".claude/settings.json", DANGEROUS);
    t.write(".agentgate.yaml", "exclude: [vendor/**]\n");
    commit(&t, "base");
    t.git(&["checkout", "-qb", "pr"]);
    t.write(
        ".agentgate.yaml",
        "exclude: [vendor/**, .claude/**]\nrules:\n  ignore: [AG613]\n  severity:\n    AG102: note\n",
    );
    commit(&t, "switch it off");
    let r = t.run(&["check", "--diff", "main", "--format", "concise", "-q"]);
    r.code(1);
    assert!(
        r.stdout
            .contains(".agentgate.yaml:1:1: AG613 error this change adds `exclude: .claude/**`"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("AG613 error this change adds `rules.ignore: AG613`"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("lowers the severity of AG102 from error to note"),
        "{}",
        r.stdout
    );
    // Near miss: tightening is not reported.
    t.write(".agentgate.yaml", "exclude: []\n");
    commit(&t, "tighten");
    t.run(&[
        "check", "--diff", "main", "--format", "concise", "-q", "--select", "AG613",
    ])
    .code(0);
}

#[test]
fn locked_rules_and_settings_cannot_be_turned_off() {
    let t = repo();
    t.write(".claude/settings.json", DANGEROUS);
    t.write(
        "pack/policy.yaml",
        "locked:\n  rules: [AG101]\n  settings: [exclude]\n",
    );
    t.write(
        ".agentgate.yaml",
        "extends: pack\nrules:\n  ignore: [AG101]\n",
    );
    let r = t.run(&["check"]);
    r.code(2);
    assert!(
        r.stderr.contains("locked by the organisation's policy"),
        "{}",
        r.stderr
    );
    t.write(".agentgate.yaml", "extends: pack\nexclude: [.claude/**]\n");
    let r = t.run(&["check"]);
    r.code(2);
    assert!(r.stderr.contains("`exclude` is locked"), "{}", r.stderr);
    // Nor can a flag, an inline directive or an exception suppress a locked rule.
    t.write(
        ".agentgate.yaml",
        "extends: pack\nexceptions:\n  - rule: AG101\n    path: .claude/settings.json\n    reason: testing\n",
    );
    t.run(&["check", "--ignore", "AG101"]).code(2);
    let r = t.run(&["check", "--format", "concise", "-q"]);
    r.code(1);
    assert!(r.stdout.contains("AG101 error"), "{}", r.stdout);
    // Near miss: an unlocked rule can still be ignored.
    t.write(
        ".agentgate.yaml",
        "extends: pack\nrules:\n  ignore: [AG102]\n",
    );
    let r = t.run(&["check", "--format", "concise", "-q"]);
    r.code(1);
    assert!(!r.stdout.contains("AG102"), "{}", r.stdout);
}

#[test]
fn padding_an_agent_file_past_the_cap_fails() {
    let t = repo();
    let mut padded = DANGEROUS.to_string();
    padded.push_str(&" ".repeat(11 << 20));
    t.write(".claude/settings.json", &padded);
    t.write(
        ".mcp.json",
        format!("{{\"mcpServers\": {{}}}}{}", "\n".repeat(11 << 20)),
    );
    for extra in [&[][..], &["--exit-zero"], &["--select", "secrets"]] {
        let mut args = vec!["check", "--format", "concise"];
        args.extend_from_slice(extra);
        let r = t.run(&args);
        r.code(2);
        assert!(
            r.stderr.contains(".claude/settings.json: not checked"),
            "{}",
            r.stdout
        );
        assert!(r.stderr.contains(".mcp.json: not checked"), "{}", r.stderr);
    }
}

fn token() -> String {
    // A GitHub token shape, assembled so this file holds no literal credential.
    format!("ghp_{}", "Zq8Rk2mVx7LpT4nWc9YbH3sJd6FgA1eQu5Ko")
}

#[test]
fn encodings_and_nul_bytes_hide_no_secret() {
    let t = repo();
    let line = format!("GITHUB_TOKEN={}\n", token());
    let mut utf16 = vec![0xff, 0xfe];
    for u in line.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    t.write("config/utf16.env", &utf16);
    let mut nul = b"\0\0binary-looking\n".to_vec();
    nul.extend_from_slice(line.as_bytes());
    t.write("config/nul.txt", &nul);
    let r = t.run(&["check", "--format", "concise", "-q", "--fail-on", "warning"]);
    r.code(1);
    assert!(
        r.stdout.contains("config/utf16.env:1:14: AG40"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("config/nul.txt:2:14: AG40"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains(&token()), "{}", r.stdout);
}

#[test]
fn history_drops_no_blob() {
    let t = repo();
    let mut big = "x = 1\n".repeat(2 << 20);
    big.push_str(&format!("GITHUB_TOKEN={}\n", token()));
    t.write("data/big.txt", &big);
    let mut bin = vec![0u8, 1, 2, 3, 0];
    bin.extend_from_slice(format!("\nGITHUB_TOKEN={}\n", token()).as_bytes());
    t.write("data/blob.bin", &bin);
    commit(&t, "add");
    std::fs::remove_file(t.path().join("data/big.txt")).unwrap();
    std::fs::remove_file(t.path().join("data/blob.bin")).unwrap();
    commit(&t, "remove");
    let r = t.run(&[
        "history",
        "--format",
        "concise",
        "-q",
        "--fail-on",
        "warning",
    ]);
    r.code(1);
    assert!(
        r.stdout.contains("data/big.txt:2097153:14: AG40"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("data/blob.bin:2:14: AG40"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains(&token()), "{}", r.stdout);
    // A blob missing from the object database makes the history scan incomplete.
    let id =
        String::from_utf8(git_in(t.path(), &["rev-parse", "HEAD~1:data/blob.bin"], &[]).stdout)
            .unwrap();
    let id = id.trim();
    let object = t.path().join(".git/objects").join(&id[..2]).join(&id[2..]);
    std::fs::remove_file(&object).unwrap();
    let r = t.run(&["history", "--format", "concise", "--exit-zero"]);
    r.code(2);
    assert!(r.stderr.contains("not checked"), "{}", r.stderr);
}

/// Credentials planted in every place a value can come from, and every output agentgate
/// writes, searched byte for byte.
#[test]
fn no_output_ever_prints_a_planted_secret() {
    let t = repo();
    let ghp = token();
    let weak = "hunter2pass";
    // A Slack bot token of an unusual layout: no provider rule needs to know it.
    let slack = format!(
        "xoxb-{}-{}-{}",
        "1234567890", "9876543210", "aZ3kQ9mX2pL7vB4nR8tY6wC1"
    );
    t.write(
        ".claude/settings.json",
        format!(
            "{{\n  \"permissions\": {{\n    \"allow\": [\n      \"Bash(curl -H \\\"Authorization: token {ghp}\\\" https://api.github.com/*)\",\n      \"Bash(*)\"\n    ]\n  }},\n  \"env\": {{ \"HTTPS_PROXY\": \"http://user:{weak}@proxy.internal:3128\" }}\n}}\n"
        ),
    );
    t.write(
        ".mcp.json",
        format!(
            "{{\"mcpServers\": {{\"{ghp}\": {{\"command\": \"npx\", \"args\": [\"-y\", \"srv\", \"--token\", \"{ghp}\"], \"env\": {{\"SLACK_BOT_TOKEN\": \"{slack}\"}}}}}}}}\n"
        ),
    );
    t.write(
        ".claude/agents/a.md",
        format!("---\nname: a\ndescription: uses {ghp}\nmodel: {ghp}\n---\nSee @docs/{ghp}.md and [x](./{ghp}).\n"),
    );
    t.write("Makefile", format!("test:\n\techo {ghp}\n"));
    std::os::unix::fs::symlink(format!("/nonexistent/{ghp}"), t.path().join("GEMINI.md")).unwrap();
    t.write(
        ".agentgate.yaml",
        format!(
            "extends: pack\nexceptions:\n  - rule: AG104\n    path: \"{ghp}\"\n    reason: \"{ghp} password={weak}\"\n"
        ),
    );
    t.write(
        "pack/policy.yaml",
        format!("require:\n  claude_deny: [\"Bash(curl {ghp})\"]\nmcp:\n  allow: [\"{ghp}@1\"]\n"),
    );
    commit(&t, "plant");
    let summary = t.path().join("summary.md");
    let mut outputs = Vec::new();
    for format in [
        "text", "concise", "json", "sarif", "github", "gitlab", "junit",
    ] {
        let r = t.run_env(
            &["check", "--format", format, "--fail-on", "note"],
            &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
        );
        fails(&r);
        outputs.push((format!("check {format}"), r.stdout + &r.stderr));
    }
    for args in [
        &["check", "--statistics"][..],
        &["policy", "show"],
        &["fix", "--diff"],
        &["history", "--format", "json"],
        &["baseline", "-o", "b.json"],
        &["lock"],
    ] {
        let r = t.run(args);
        outputs.push((args.join(" "), r.stdout + &r.stderr));
    }
    let fleet_dir = tempfile::tempdir().unwrap();
    let r = Run::from(
        std::process::Command::new(common::bin())
            .args(["fleet", "scan"])
            .arg(t.path())
            .args(["--json", "f.json", "--html", "f.html"])
            .current_dir(fleet_dir.path())
            .output()
            .unwrap(),
    );
    outputs.push(("fleet".into(), r.stdout + &r.stderr));
    for (name, path) in [
        ("step summary", summary.clone()),
        ("baseline", t.path().join("b.json")),
        ("lock", t.path().join("agentgate.lock")),
        ("fleet json", fleet_dir.path().join("f.json")),
        ("fleet html", fleet_dir.path().join("f.html")),
    ] {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(!text.is_empty() || name == "lock", "{name} was not written");
        outputs.push((name.into(), text));
    }
    for (name, out) in &outputs {
        for secret in [&ghp[4..20], weak, &slack[5..30]] {
            assert!(!out.contains(secret), "{name} printed `{secret}`:\n{out}");
        }
    }
}

#[test]
fn symlinked_config_and_pack_files_are_not_followed() {
    let outside = Tree::new();
    outside.write(
        "creds",
        "machine api.github.com password s3cr3t-from-outside\n",
    );
    outside.write(
        "pack/policy.yaml",
        "require:\n  context_files: [AGENTS.md]\n",
    );
    outside.write(
        "skills/evil/SKILL.md",
        "---\nname: evil\nversion: 1\n---\nstolen\n",
    );
    let t = repo();
    std::os::unix::fs::symlink(
        outside.path().join("creds"),
        t.path().join(".agentgate.yaml"),
    )
    .unwrap();
    let r = t.run(&["check"]);
    r.code(2);
    assert!(r.stderr.contains("leads out of"), "{}", r.stderr);
    assert!(!r.stderr.contains("s3cr3t"), "{}", r.stderr);
    std::fs::remove_file(t.path().join(".agentgate.yaml")).unwrap();
    // A pack inside the repository whose policy.yaml or skills lead outside.
    t.write(".agentgate.yaml", "extends: pack\n");
    std::fs::create_dir_all(t.path().join("pack")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("creds"),
        t.path().join("pack/policy.yaml"),
    )
    .unwrap();
    let r = t.run(&["check"]);
    r.code(2);
    assert!(!r.stderr.contains("s3cr3t"), "{}", r.stderr);
    std::fs::remove_file(t.path().join("pack/policy.yaml")).unwrap();
    t.write("pack/policy.yaml", "{}\n");
    std::os::unix::fs::symlink(outside.path().join("skills"), t.path().join("pack/skills"))
        .unwrap();
    let r = t.run(&["init"]);
    assert!(r.code == 2, "{} {}", r.stdout, r.stderr);
    assert!(!t.path().join(".claude/skills/evil").exists());
    // A pack directory that is itself a link out of the repository.
    std::fs::remove_dir_all(t.path().join("pack")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("pack"), t.path().join("pack")).unwrap();
    let r = t.run(&["check"]);
    r.code(2);
    assert!(r.stderr.contains("through a symbolic link"), "{}", r.stderr);
}

#[test]
fn outputs_never_write_through_links_and_never_block() {
    use std::os::unix::fs::symlink;
    let outside = Tree::new();
    let victim = outside.write("victim", "keep\n");
    let t = repo();
    t.write(".claude/settings.json", BAD_SETTINGS);
    symlink(&victim, t.path().join("agentgate.sarif")).unwrap();
    symlink(
        outside.path().join("created"),
        t.path().join("dangling.sarif"),
    )
    .unwrap();
    symlink(outside.path(), t.path().join("out")).unwrap();
    for target in ["agentgate.sarif", "dangling.sarif", "out/x.sarif"] {
        let r = t.run(&["check", "--format", "sarif", "-o", target]);
        r.code(2);
    }
    let r = t.run(&["baseline", "-o", "agentgate.sarif"]);
    r.code(2);
    symlink(&victim, t.path().join("agentgate.lock")).unwrap();
    t.run(&["lock"]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep\n");
    assert!(!outside.path().join("created").exists());
    assert!(!outside.path().join("x.sarif").exists());
    // A hard link is replaced, not written through.
    std::fs::remove_file(t.path().join("agentgate.sarif")).unwrap();
    std::fs::remove_file(t.path().join("agentgate.lock")).unwrap();
    std::fs::hard_link(&victim, t.path().join("agentgate.sarif")).unwrap();
    t.run(&["check", "--format", "sarif", "-o", "agentgate.sarif"])
        .code(1);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep\n");
    // A FIFO without a reader is an error at once, not a hang.
    let fifo = t.path().join("fifo.sarif");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let start = std::time::Instant::now();
    let r = t.run(&["check", "--format", "sarif", "-o", "fifo.sarif"]);
    r.code(2);
    assert!(r.stderr.contains("no reader"), "{}", r.stderr);
    assert!(start.elapsed() < std::time::Duration::from_secs(60));
}

#[test]
fn fix_and_init_never_write_through_hard_links_or_read_fifos() {
    let outside = Tree::new();
    let victim = outside.write("victim.md", "# keep\n");
    let t = Tree::new();
    t.git(&["init", "-q"]);
    t.write(
        "pack/policy.yaml",
        "require:\n  sections:\n    AGENTS.md: [Security]\n",
    );
    t.write(".agentgate.yaml", "extends: pack\n");
    std::fs::hard_link(&victim, t.path().join("AGENTS.md")).unwrap();
    // The hook installs the pack's skills and files; a FIFO Makefile must not hang it.
    assert!(
        std::process::Command::new("mkfifo")
            .arg(t.path().join("Makefile"))
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink("/dev/zero", t.path().join("justfile")).unwrap();
    let r = t.run(&["fix"]);
    assert!(r.code == 0 || r.code == 2, "{} {}", r.stdout, r.stderr);
    let r = t.run(&["init", "--force"]);
    assert!(r.code == 0 || r.code == 2, "{} {}", r.stdout, r.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "# keep\n");
}

#[test]
fn pack_fetches_never_write_into_the_users_repository() {
    // Inside a hook, GIT_DIR names the user's repository. A remote pack fetch (here to a
    // closed port, so it fails) must create its cache repository in the cache, not there.
    let t = repo();
    commit(&t, "base");
    t.write(
        ".agentgate.yaml",
        "extends:\n  git: http://127.0.0.1:9/pack.git\n  ref: main\n",
    );
    let cache = tempfile::tempdir().unwrap();
    let git_dir = t.path().join(".git");
    let before = std::fs::read_to_string(git_dir.join("config")).unwrap();
    let r = t.run_env(
        &["check", "--staged"],
        &[
            ("GIT_DIR", git_dir.to_str().unwrap()),
            ("AGENTGATE_CACHE_DIR", cache.path().to_str().unwrap()),
        ],
    );
    r.code(2);
    assert_eq!(
        std::fs::read_to_string(git_dir.join("config")).unwrap(),
        before
    );
    assert!(!git_dir.join("refs/agentgate").exists());
    let repos: Vec<_> = std::fs::read_dir(cache.path().join("repos"))
        .unwrap()
        .collect();
    assert_eq!(repos.len(), 1, "the cache holds the bare repository");
}

#[test]
fn extends_chains_are_bounded() {
    let t = repo();
    // 8,000 levels: a configuration error, not a stack overflow.
    for i in 0..8000 {
        t.write(
            &format!("p/{i}/policy.yaml"),
            format!("extends: ../{}\n", i + 1),
        );
    }
    t.write("p/8000/policy.yaml", "{}\n");
    t.write(".agentgate.yaml", "extends: p/0\nexclude: [p/**]\n");
    let r = t.run(&["check"]);
    r.code(2);
    assert!(
        r.stderr.contains("more than 32 levels deep"),
        "{}",
        r.stderr
    );
    // Fan-out: 12 levels of two packs each extending the same two: each pack loads once.
    for level in 0..12 {
        for side in ["a", "b"] {
            let next = if level == 11 {
                "{}\n".to_string()
            } else {
                format!("extends: [../../{}/a, ../../{}/b]\n", level + 1, level + 1)
            };
            t.write(&format!("f/{level}/{side}/policy.yaml"), next);
        }
    }
    t.write(
        ".agentgate.yaml",
        "extends: [f/0/a, f/0/b]\nexclude: [p/**, f/**]\n",
    );
    let start = std::time::Instant::now();
    t.run(&["policy", "show"]).code(0);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    // A list of paths is a list of packs, not a git pack.
    t.write("q1/policy.yaml", "require:\n  context_files: [Q1.md]\n");
    t.write("q2/policy.yaml", "require:\n  context_files: [Q2.md]\n");
    t.write(
        ".agentgate.yaml",
        "extends: [q1, q2]\nexclude: [p/**, f/**]\n",
    );
    let r = t.run(&["policy", "show"]);
    r.code(0);
    assert!(
        r.stdout.contains("Q1.md") && r.stdout.contains("Q2.md"),
        "{}",
        r.stdout
    );
    // A syntax error in a pack points at its line.
    t.write("q2/policy.yaml", "require:\n  context_files: [Q2.md\n");
    let r = t.run(&["policy", "show"]);
    r.code(2);
    assert!(!r.stderr.contains("policy.yaml:1:1"), "{}", r.stderr);
}

#[test]
fn output_cannot_be_injected_into() {
    let t = repo();
    let name = ".claude/agents/x\n::error title=pwned::owned.md";
    t.write(
        name,
        "---\nname: x\ndescription: a\npermissionMode: bypassPermissions\n---\nbody\n",
    );
    t.write(
        ".mcp.json",
        "{\"mcpServers\": {\"a\\n::error::injected\\u001b]52;c;ZXZpbA==\\u0007\": {\"command\": \"npx\", \"args\": [\"srv\"]}}}\n",
    );
    let summary = t.path().join("summary.md");
    for format in ["text", "concise", "github"] {
        let r = t.run_env(
            &["check", "--format", format],
            &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
        );
        fails(&r);
        for line in r.stdout.lines().chain(r.stderr.lines()) {
            assert!(!line.starts_with("::error title=pwned"), "{format}: {line}");
            assert!(!line.starts_with("::error::injected"), "{format}: {line}");
        }
        assert!(
            !r.stdout.contains('\u{1b}'),
            "{format}: raw ESC in {:?}",
            r.stdout
        );
    }
    let md = std::fs::read_to_string(&summary).unwrap();
    for line in md.lines().filter(|l| l.starts_with('|')) {
        assert!(line.ends_with('|'), "a table row was broken: {line}");
    }
}

#[test]
fn carriage_returns_give_the_same_line_everywhere() {
    let t = repo();
    t.write(
        ".claude/settings.json",
        "{\r  \"permissions\": {\r    \"allow\": [\"Bash(*)\"]\r  }\r}\r",
    );
    let concise = t.run(&["check", "--format", "concise", "-q"]);
    assert!(
        concise.stdout.contains(".claude/settings.json:3:15: AG101"),
        "{}",
        concise.stdout
    );
    let sarif = t.run(&["check", "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let region = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 3, "{region}");
    let text = t.run(&["check"]);
    assert!(
        text.stdout.contains("settings.json:3:15"),
        "{}",
        text.stdout
    );
}

#[test]
fn an_unreadable_lock_does_not_switch_its_check_off() {
    let outside = Tree::new();
    outside.write("lock", "{\"version\": 1, \"servers\": []}\n");
    let t = repo();
    t.write(
        ".mcp.json",
        "{\"mcpServers\": {\"a\": {\"command\": \"npx\", \"args\": [\"srv@1.0.0\"]}}}\n",
    );
    std::os::unix::fs::symlink(outside.path().join("lock"), t.path().join("agentgate.lock"))
        .unwrap();
    let r = t.run(&["check", "--format", "concise"]);
    r.code(2);
    assert!(
        r.stdout.contains("agentgate.lock:1:1: AG002 error"),
        "{}",
        r.stdout
    );
    std::fs::remove_file(t.path().join("agentgate.lock")).unwrap();
    let mut big = String::from("{\"version\": 1, \"servers\": []}");
    big.push_str(&" ".repeat(11 << 20));
    t.write("agentgate.lock", big);
    t.run(&["check", "--format", "concise"]).code(2);
}

#[test]
fn a_huge_dot_git_file_is_never_read() {
    let t = Tree::new();
    t.write(".claude/settings.json", BAD_SETTINGS);
    let f = std::fs::File::create(t.path().join(".git")).unwrap();
    f.set_len(4 << 30).unwrap(); // 4 GiB, sparse
    let r = t.run(&["check", "--staged"]);
    r.code(2);
    assert!(r.stderr.contains("not a valid `.git` file"), "{}", r.stderr);
    // The plain check still checks the tree, without reading the file (a 256 MiB bound).
    common::run_bounded(
        t.path(),
        &["check", "--format", "concise", "-q"],
        std::time::Duration::from_secs(120),
        256,
    )
    .code(1)
    .has("AG101");
}
