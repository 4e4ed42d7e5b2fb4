//! Safety guarantees, each tested on a repository built to break it: agentgate never executes
//! anything from the scanned repository, never writes outside the paths it is told to, and
//! never prints a secret, in any format or command. (Symbolic links out of the root: see
//! tests/hostile.rs.)

mod common;

use common::{BAD_SETTINGS, Tree};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FORMATS: &[&str] = &[
    "text", "concise", "json", "sarif", "github", "gitlab", "junit",
];

/// A repository where every place that could run a command would `touch MARKER` (an
/// absolute path outside the repository).
fn booby_trapped_repo(marker: &Path) -> Tree {
    let t = Tree::new();
    let touch = format!("touch {}", marker.display());
    t.write("AGENTS.md", "# Agents\n\nRun `npm test` and `make all`.\n");
    t.write(
        "package.json",
        format!(
            r#"{{"name": "x", "scripts": {{"test": "{touch}", "prepare": "{touch}", "postinstall": "{touch}", "lint": "{touch}"}}}}"#
        ),
    );
    t.write("Makefile", format!("all:\n\t{touch}\ntest:\n\t{touch}\n"));
    t.write("justfile", format!("test:\n    {touch}\n"));
    t.write(
        ".mcp.json",
        format!(
            r#"{{"mcpServers": {{"evil": {{"command": "sh", "args": ["-c", "{touch}"]}}, "npx": {{"command": "npx", "args": ["-y", "evil-mcp@1.0.0"]}}}}}}"#
        ),
    );
    t.write(
        ".claude/settings.json",
        format!(
            r#"{{"hooks": {{"PreToolUse": [{{"matcher": "Bash", "hooks": [{{"type": "command", "command": "{touch}"}}]}}]}}, "statusLine": {{"type": "command", "command": "{touch}"}}, "apiKeyHelper": "{touch}"}}"#
        ),
    );
    t.write(".envrc", format!("{touch}\n"));
    t.write("scripts/setup.sh", format!("#!/bin/sh\n{touch}\n"));
    t.git(&["init", "-q"]);
    t.git(&["add", "-A"]);
    t.git(&["commit", "-qm", "init"]);
    t.write(".claude/settings.local.json", BAD_SETTINGS);
    t.git(&["add", "-A"]);
    // Only now (git itself would run these): hooks, and config that makes git run commands
    // on status, diff, checkout or add.
    for hook in [
        "pre-commit",
        "post-checkout",
        "post-index-change",
        "pre-push",
        "fsmonitor-watchman",
        "reference-transaction",
    ] {
        let path = t.write(
            &format!(".git/hooks/{hook}"),
            format!("#!/bin/sh\n{touch}\n"),
        );
        make_executable(&path);
    }
    for (key, value) in [
        ("core.fsmonitor", touch.as_str()),
        ("core.pager", touch.as_str()),
        ("core.editor", touch.as_str()),
        ("diff.external", touch.as_str()),
        ("filter.evil.clean", touch.as_str()),
        ("filter.evil.smudge", touch.as_str()),
        ("filter.evil.process", touch.as_str()),
        ("core.sshCommand", touch.as_str()),
        ("credential.helper", touch.as_str()),
    ] {
        t.git(&["config", key, value]);
    }
    t.write(".gitattributes", "* filter=evil diff=evil\n");
    t
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn never_executes_anything_from_the_repository() {
    let outside = Tree::new();
    let marker = outside.path().join("MARKER");
    let t = booby_trapped_repo(&marker);
    let runs: &[&[&str]] = &[
        &["check"],
        &["check", "--staged"],
        &["check", "--diff", "HEAD"],
        &[
            "check",
            "package.json",
            "Makefile",
            ".mcp.json",
            ".claude/settings.json",
        ],
        &["check", "--format", "sarif"],
        &["history"],
        &["history", "--all"],
        &["baseline", "-o", "../baseline-outside.json"],
        &["lock"],
        &["policy", "show"],
        &["hook", "install"],
    ];
    for args in runs {
        let r = t.run(args);
        assert!(
            matches!(r.code, 0..=2) && !r.stderr.contains("panicked"),
            "{args:?}: {} {}",
            r.code,
            r.stderr
        );
        assert!(
            !marker.exists(),
            "agentgate {args:?} ran a command from the repository"
        );
    }
    // The installed hook runs agentgate and nothing from the repository: run it as git would
    // (with the trapped hooks it replaced moved aside as `.legacy`, which is the user's own).
    std::fs::remove_file(t.path().join(".git/hooks/pre-commit.legacy")).unwrap();
    let hook = std::fs::read_to_string(t.path().join(".git/hooks/pre-commit")).unwrap();
    assert!(hook.contains("check --staged"), "{hook}");
    for word in ["npm", "make", "package.json", "sh -c", ".envrc", "scripts/"] {
        assert!(!hook.contains(word), "the hook mentions `{word}`:\n{hook}");
    }
    let out = std::process::Command::new(t.path().join(".git/hooks/pre-commit"))
        .current_dir(t.path())
        .env("AGENTGATE_BIN", common::bin())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the staged settings have AG101");
    assert!(
        !marker.exists(),
        "the installed hook ran a command from the repository"
    );
}

/// Every file under `root` (including `.git/`): kind and content hash.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, String> {
    use sha2::Digest;
    use std::os::unix::fs::FileTypeExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let ft = entry.file_type().unwrap();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            let value = if ft.is_dir() {
                stack.push(path);
                "dir".to_string()
            } else if ft.is_symlink() {
                format!("link {:?}", std::fs::read_link(&path).unwrap())
            } else if ft.is_fifo() {
                "fifo".to_string()
            } else {
                let bytes = std::fs::read(&path).unwrap();
                format!("{:x}", sha2::Sha256::digest(&bytes))
            };
            out.insert(rel, value);
        }
    }
    out
}

/// Paths whose entry differs between two snapshots.
fn changed(before: &BTreeMap<PathBuf, String>, after: &BTreeMap<PathBuf, String>) -> Vec<String> {
    let mut keys: Vec<&PathBuf> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| k.to_string_lossy().into_owned())
        .collect()
}

#[test]
fn writes_only_the_requested_files() {
    let outside = Tree::new();
    let t = booby_trapped_repo(&outside.path().join("MARKER"));
    let out_dir = Tree::new();
    let cases: &[(&[&str], &[&str])] = &[
        (&["check"], &[]),
        (&["check", "--staged"], &[]),
        (&["check", "--diff", "HEAD"], &[]),
        (&["history", "--all"], &[]),
        (&["policy", "show"], &[]),
        (&["rules"], &[]),
        (&["explain", "AG101"], &[]),
        (
            &["check", "--format", "json", "--output", "report.json"],
            &["report.json"],
        ),
        (&["check", "-o", "out/sarif.json", "--format", "sarif"], &[]), // no such dir: exit 2
        // The first baseline also names itself in a new .agentgate.yaml.
        (
            &["baseline"],
            &[".agentgate-baseline.json", ".agentgate.yaml"],
        ),
        (
            &["baseline", "-o", "custom-baseline.json"],
            &["custom-baseline.json"],
        ),
        (&["lock"], &["agentgate.lock"]),
        (&["fix", "--diff"], &[]),
        (&["fix"], &[]),
        (&["check", "--fix"], &[]),
        (
            &["hook", "install"],
            &[".git/hooks/pre-commit", ".git/hooks/pre-commit.legacy"],
        ),
    ];
    for (args, expected) in cases {
        let before = snapshot(t.path());
        let outside_before = snapshot(out_dir.path());
        t.run(args);
        let mut got = changed(&before, &snapshot(t.path()));
        got.retain(|p| !p.ends_with(".git/index.lock"));
        let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(got, want, "agentgate {args:?} changed other files");
        assert!(changed(&outside_before, &snapshot(out_dir.path())).is_empty());
    }
    // An output path outside the repository is written there, and only there.
    let report = out_dir.path().join("report.sarif");
    let before = snapshot(t.path());
    let to = report.to_str().unwrap();
    t.run(&["check", "--no-baseline", "--format", "sarif", "-o", to])
        .code(1);
    assert!(changed(&before, &snapshot(t.path())).is_empty());
    assert!(std::fs::read_to_string(&report).unwrap().contains("AG101"));
}

#[test]
fn output_into_a_fifo_writes_through_it() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let t = Tree::new();
    t.write(".claude/settings.json", BAD_SETTINGS);
    let fifo = t.path().join("report.fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut s = String::new();
            std::fs::File::open(&fifo)
                .unwrap()
                .read_to_string(&mut s)
                .unwrap();
            s
        })
    };
    t.run(&["check", "--format", "concise", "-o", "report.fifo"])
        .code(1);
    let got = reader.join().unwrap();
    assert!(got.contains(".claude/settings.json:3:15: AG101"), "{got}");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo(),
        "the FIFO was replaced by a file"
    );
}

/// Real-looking credentials: the first example of each of `n` exact rules of the pack, as
/// (line to plant, the secret value the engine finds in it).
fn pack_secrets(n: usize) -> Vec<(String, String)> {
    let engine = agentgate::secrets::Engine::builtin_with_examples();
    let mut out = Vec::new();
    for (i, rule) in engine.rules().enumerate() {
        if rule.confidence != agentgate::rules::Confidence::Exact || out.len() >= n {
            continue;
        }
        let Some(example) = rule.examples.first() else {
            continue;
        };
        if let Some(f) = engine
            .scan(example.as_bytes(), true)
            .into_iter()
            .find(|f| f.rule == i)
        {
            // Short values (a 4-digit PIN) would match unrelated text; keep distinctive ones.
            let secret = example[f.secret.clone()].to_string();
            if secret.len() >= 16 && !example.contains('\n') {
                out.push((example.clone(), secret));
            }
        }
    }
    assert!(out.len() >= n / 2, "only {} usable examples", out.len());
    out
}

#[track_caller]
fn assert_no_secret(what: &str, text: &str, secrets: &[(String, String)]) {
    for (_, s) in secrets {
        assert!(
            !text.contains(s.as_str()),
            "{what} printed a secret ({} chars)",
            s.len()
        );
    }
}

#[test]
fn never_prints_a_secret() {
    let secrets = pack_secrets(40);
    let t = Tree::new();
    let env: String = secrets
        .iter()
        .map(|(line, _)| format!("{line}\n"))
        .collect();
    t.write("AGENTS.md", "# Agents\n");
    t.write("config/.env", &env);
    // Also in an agent file, where the snippet and other rules see them.
    let mcp_env: Vec<String> = secrets
        .iter()
        .enumerate()
        .map(|(i, (_, s))| format!("\"K{i}\": \"{s}\""))
        .collect();
    t.write(
        ".mcp.json",
        format!(
            "{{\"mcpServers\": {{\"x\": {{\"command\": \"x-mcp@1.0.0\", \"env\": {{{}}}}}}}}}\n",
            mcp_env.join(", ")
        ),
    );
    t.git(&["init", "-q"]);
    t.git(&["add", "-A"]);
    t.git(&["commit", "-qm", "leak"]);
    // Gone from the tree, still in history.
    std::fs::remove_file(t.path().join("config/.env")).unwrap();
    t.git(&["commit", "-qam", "remove"]);
    t.write("config/.env", &env);
    t.git(&["add", "-A"]);

    let summary = t.path().join("summary.md");
    let env_vars = [("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())];
    for format in FORMATS {
        for cmd in [
            &["check", "--format", format][..],
            &["check", "--staged", "--format", format],
            &["check", "--statistics", "--format", format],
            &["history", "--all", "--format", format],
        ] {
            let r = t.run_env(cmd, &env_vars);
            r.code(1);
            assert!(
                r.stdout.contains("AG402")
                    || r.stdout.contains("leaked-secret")
                    || cmd.contains(&"--statistics"),
                "{cmd:?} reported no secret: {}",
                r.stdout
            );
            assert_no_secret(&format!("{cmd:?} stdout"), &r.stdout, &secrets);
            assert_no_secret(&format!("{cmd:?} stderr"), &r.stderr, &secrets);
        }
        // Into a file, too.
        t.run(&["check", "--format", format, "-o", "report.out"])
            .code(1);
        let written = std::fs::read_to_string(t.path().join("report.out")).unwrap();
        assert_no_secret(&format!("{format} -o"), &written, &secrets);
    }
    if let Ok(md) = std::fs::read_to_string(&summary) {
        assert_no_secret("the GitHub step summary", &md, &secrets);
    }
    t.run(&["baseline", "-o", "baseline.json"]).code(0);
    let baseline = std::fs::read_to_string(t.path().join("baseline.json")).unwrap();
    assert!(baseline.contains("AG402"), "{baseline}");
    assert_no_secret("the baseline file", &baseline, &secrets);
    let with_baseline = t.run(&["check", "--baseline", "baseline.json"]);
    assert_no_secret("check --baseline", &with_baseline.stdout, &secrets);
    t.run(&["lock"]).code(0);
    let lock = std::fs::read_to_string(t.path().join("agentgate.lock")).unwrap();
    assert_no_secret("agentgate.lock", &lock, &secrets);
    for code in ["AG402", "AG202", "leaked-secret"] {
        let r = t.run(&["explain", code]);
        assert_no_secret("explain", &r.stdout, &secrets);
    }
}
