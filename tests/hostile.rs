//! Hostile repositories, generated at test time: each case runs the real binary with a deadline
//! (killed and failed when it passes) and a memory bound (peak RSS sampled from
//! /proc/<pid>/status VmHWM), and checks the exit code, a clear diagnostic naming the file,
//! and no panic. The bounds are in docs/hardening.md.

mod common;

use common::{BAD_SETTINGS, Tree};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Peak resident memory any case may use (the debug build; release uses less).
const MEMORY_BOUND_MIB: u64 = 256;

struct Bounded {
    code: i32,
    stdout: String,
    stderr: String,
    peak_mib: u64,
    elapsed: Duration,
}

impl Bounded {
    #[track_caller]
    fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code,
            expected,
            "stdout:\n{}\nstderr:\n{}",
            clip(&self.stdout),
            clip(&self.stderr)
        );
        self
    }

    #[track_caller]
    fn has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle) || self.stderr.contains(needle),
            "expected `{needle}` in the output:\nstdout:\n{}\nstderr:\n{}",
            clip(&self.stdout),
            clip(&self.stderr)
        );
        self
    }
}

fn clip(s: &str) -> &str {
    let mut end = s.len().min(4000);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Runs `agentgate ARGS` in `dir`, killed after `deadline`; fails on a timeout, a panic or a
/// peak RSS over [`MEMORY_BOUND_MIB`].
#[track_caller]
fn run_bounded(dir: &Path, args: &[&str], deadline: Duration) -> Bounded {
    let out_dir = tempfile::tempdir().unwrap();
    let (out_path, err_path) = (out_dir.path().join("out"), out_dir.path().join("err"));
    let mut cmd = Command::new(common::bin());
    cmd.args(args);
    if matches!(args.first(), Some(&"check")) && !args.contains(&"--select") {
        cmd.args(["--ignore", "AG501"]);
    }
    for var in [
        "NO_COLOR",
        "GITHUB_STEP_SUMMARY",
        "GITHUB_ACTIONS",
        "GIT_DIR",
    ] {
        cmd.env_remove(var);
    }
    let start = Instant::now();
    let mut child = cmd
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("run agentgate");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let status = loop {
        if let Ok(status) = std::fs::read_to_string(&status_file)
            && let Some(kib) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("agentgate {args:?} still running after {deadline:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let run = Bounded {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&std::fs::read(&out_path).unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&std::fs::read(&err_path).unwrap()).into_owned(),
        peak_mib: peak_kib / 1024,
        elapsed: start.elapsed(),
    };
    assert!(!run.stderr.contains("panicked"), "panic: {}", run.stderr);
    assert!(
        run.peak_mib < MEMORY_BOUND_MIB,
        "agentgate {args:?} peaked at {} MiB (bound {MEMORY_BOUND_MIB} MiB)",
        run.peak_mib
    );
    eprintln!(
        "agentgate {args:?}: exit {}, {:?}, peak {} MiB",
        run.code, run.elapsed, run.peak_mib
    );
    run
}

/// The deadline catches hangs (a blocking read, an endless loop), not slowness: timings are
/// measured by `scripts/bench-hostile.sh` on an idle machine and recorded in
/// docs/hardening.md, never asserted here (a busy CI machine would make them flaky).
const DEADLINE: Duration = Duration::from_secs(120);

/// A credential from the secrets pack's examples (github-pat-classic), split so this file
/// holds no literal one.
fn planted_secret() -> String {
    format!("ghp_{}", "aKw7idBp7Flhhvj8D8DVgLCyLkSUo21qv45K")
}

fn concise(dir: &Path, extra: &[&str]) -> Bounded {
    let mut args = vec!["check", "--format", "concise", "-q", "--fail-on", "note"];
    args.extend_from_slice(extra);
    run_bounded(dir, &args, DEADLINE)
}

#[test]
fn symlink_loops_and_links_out_of_the_root() {
    use std::os::unix::fs::symlink;
    let t = Tree::new();
    let outside = Tree::new();
    outside.write("settings.json", BAD_SETTINGS);
    outside.write(".env", format!("GITHUB_TOKEN={}\n", planted_secret()));
    outside.write("secrets/.mcp.json", BAD_SETTINGS);
    t.write("AGENTS.md", "# Agents\n");
    std::fs::create_dir_all(t.path().join("d/e")).unwrap();
    symlink("../..", t.path().join("d/e/up")).unwrap(); // a directory loop
    symlink("me", t.path().join("me")).unwrap(); // a link to itself
    symlink("loop-b", t.path().join("loop-a")).unwrap();
    symlink("loop-a", t.path().join("loop-b")).unwrap();
    symlink(outside.path().join(".env"), t.path().join(".env")).unwrap();
    symlink(outside.path().join("secrets"), t.path().join("secrets")).unwrap();
    symlink(outside.path(), t.path().join("outside")).unwrap();
    std::fs::create_dir_all(t.path().join(".claude")).unwrap();
    symlink(
        "../../../../../../../../../../../../etc/passwd",
        t.path().join("CLAUDE.md"),
    )
    .unwrap();
    symlink(
        outside.path().join("settings.json"),
        t.path().join(".claude/settings.json"),
    )
    .unwrap();
    // Agent files that link out of the repository cannot be checked: incomplete, exit 2.
    let r = concise(t.path(), &[]);
    r.code(2)
        .has("me:1:1: AG005 warning symbolic link forms a loop")
        .has("loop-a:1:1: AG005 warning symbolic link forms a loop")
        .has(".env:1:1: AG006 note symbolic link to")
        .has("CLAUDE.md:1:1: AG002 error cannot read: a symbolic link to `../../")
        .has(".claude/settings.json:1:1: AG002 error cannot read: a symbolic link")
        .has("secrets:1:1: AG006 note");
    assert!(
        !r.stdout.contains("AG101"),
        "followed a link out: {}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("AG402"),
        "read a secret outside: {}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("root:"),
        "read /etc/passwd: {}",
        r.stdout
    );
    // Explicit arguments that are links out of the tree are not followed either.
    let r = concise(t.path(), &[".env", "secrets", ".claude/settings.json"]);
    r.code(2)
        .has(".env:1:1: AG006 note symbolic link to")
        .has("secrets:1:1: AG006 note")
        .has(".claude/settings.json:1:1: AG002 error");
    assert!(
        !r.stdout.contains("AG101") && !r.stdout.contains("AG402"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains(&planted_secret()));
}

#[test]
fn fifos_are_never_opened() {
    let t = Tree::new();
    t.write(".claude/settings.json", BAD_SETTINGS);
    for name in [".mcp.json", "CLAUDE.md", "notes.txt"] {
        let status = Command::new("mkfifo")
            .arg(t.path().join(name))
            .status()
            .unwrap();
        assert!(status.success());
    }
    std::os::unix::fs::symlink("CLAUDE.md", t.path().join("AGENTS.md")).unwrap();
    // Opening any of them for reading would block forever: the deadline catches that.
    // An agent file that cannot be read makes the scan incomplete: exit 2.
    let r = concise(t.path(), &[]);
    r.code(2)
        .has(".mcp.json:1:1: AG002 error cannot read: a FIFO, never opened; not checked")
        .has("CLAUDE.md:1:1: AG002 error cannot read: a FIFO")
        .has("AGENTS.md:1:1: AG002 error cannot read: a FIFO")
        .has(".claude/settings.json:3:15: AG101");
    assert!(!r.stdout.contains("notes.txt"), "{}", r.stdout);
    // Named on the command line, and with --staged (git stores no FIFO).
    concise(t.path(), &[".mcp.json", "notes.txt"])
        .code(2)
        .has(".mcp.json:1:1: AG002");
    t.git(&["init", "-q"]);
    t.git(&["add", ".claude"]);
    concise(t.path(), &["--staged"]).code(1).has("AG101");
}

#[test]
fn device_files_are_never_opened() {
    use std::os::unix::fs::symlink;
    let t = Tree::new();
    // A link to an endless device is outside the tree; a device node inside it (root only)
    // is not a regular file. Neither is read.
    symlink("/dev/zero", t.path().join(".mcp.json")).unwrap();
    symlink("/dev/urandom", t.path().join("random.txt")).unwrap();
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if is_root {
        std::fs::create_dir_all(t.path().join(".cursor")).unwrap();
        let made = Command::new("mknod")
            .arg(t.path().join(".cursor/mcp.json"))
            .args(["c", "1", "5"])
            .status()
            .unwrap();
        assert!(made.success());
        Command::new("mknod")
            .arg(t.path().join("zero"))
            .args(["c", "1", "5"])
            .status()
            .unwrap();
    }
    let r = concise(t.path(), &[]);
    r.code(2)
        .has(".mcp.json:1:1: AG002 error cannot read: a symbolic link to `/dev/zero`")
        .has("random.txt:1:1: AG006 note symbolic link to `/dev/urandom`");
    if is_root {
        r.has(".cursor/mcp.json:1:1: AG002 error cannot read: a device, never opened");
        assert!(!r.stdout.contains("zero:1:1"), "{}", r.stdout);
    }
}

#[test]
fn sparse_2gb_files_are_skipped_by_the_size_cap() {
    let t = Tree::new();
    for name in ["CLAUDE.md", "data/huge.bin", "logs/huge.log"] {
        let path = t.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(2 << 30).unwrap(); // 2 GiB, no blocks on disk
    }
    t.write(".claude/settings.json", BAD_SETTINGS);
    // An agent file over the cap is an error; other files over the 128 MiB scan limit are
    // reported; either way the scan is incomplete (exit 2), decided without reading a byte.
    let r = concise(t.path(), &[]);
    r.code(2)
        .has("CLAUDE.md:1:1: AG002 error 2147483648 bytes, larger than max_file_size (10485760 bytes)")
        .has("logs/huge.log:1:1: AG004 note 2147483648 bytes, larger than the 134217728-byte scan limit")
        .has("data/huge.bin:1:1: AG004 note")
        .has(".claude/settings.json:3:15: AG101");
    // Named explicitly: the same, not a 2 GiB read.
    concise(t.path(), &["CLAUDE.md"])
        .code(2)
        .has("CLAUDE.md:1:1: AG002");
}

#[test]
fn fifty_megabyte_single_line_file() {
    let t = Tree::new();
    let secret = planted_secret();
    // Minified JavaScript: one 50 MB line with a secrets keyword (`token`) every kilobyte,
    // a credential in the middle and another at the very end. (Before the fix, every keyword
    // hit searched the whole line for its start: quadratic, hours for this file.)
    let chunk = format!(
        "function a(b){{var token=b.t||\"\";return c(token,{{k:1}})}};{}",
        "var x=function(y){return y+1};".repeat(32)
    );
    let mut js = String::with_capacity(50 << 20);
    while js.len() < 25 << 20 {
        js.push_str(&chunk);
    }
    js.push_str(&format!("var t=\"{secret}\";"));
    while js.len() < 50 << 20 {
        js.push_str(&chunk);
    }
    js.push_str(&format!("var u=\"{secret}\";"));
    t.write("dist/app.min.js", &js);
    drop(js);
    // Over the default cap: still scanned for secrets, a piece at a time.
    let r = concise(t.path(), &[]);
    r.code(1).has("dist/app.min.js:1:");
    assert_eq!(r.stdout.matches("AG402").count(), 2, "{}", clip(&r.stdout));
    assert!(!r.stdout.contains(&secret));
    // With the cap raised it is scanned in bounded time and memory, both secrets found.
    t.write(".agentgate.yaml", "max_file_size: 64 MiB\n");
    let r = concise(t.path(), &[]);
    r.code(1).has("dist/app.min.js:1:");
    assert_eq!(r.stdout.matches("AG402").count(), 2, "{}", clip(&r.stdout));
    assert!(!r.stdout.contains(&secret));
    // The text format shows no 50 MB snippet.
    let r = run_bounded(t.path(), &["check"], DEADLINE);
    r.code(1);
    assert!(
        r.stdout.len() < 20_000,
        "{} bytes of output",
        r.stdout.len()
    );
    assert!(!r.stdout.contains(&secret));
}

#[test]
fn one_hundred_thousand_levels_of_nesting() {
    let t = Tree::new();
    let deep_json = "{\"a\":".repeat(100_000) + "1" + &"}".repeat(100_000);
    t.write(".mcp.json", "[".repeat(100_000));
    t.write(".claude/settings.json", &deep_json);
    t.write(
        ".codex/config.toml",
        format!("a = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
    );
    t.write(".aider.conf.yml", format!("a: {}\n", "[".repeat(100_000)));
    t.write(
        ".claude/agents/deep.md",
        format!("---\nname: {}\n---\n# Deep\n", "{a: ".repeat(100_000)),
    );
    t.write(
        "AGENTS.md",
        format!("# Quotes\n\n{}\n", ">".repeat(100_000)),
    );
    t.write(
        "CLAUDE.md",
        // 1,500 levels of list nesting (2.3 MB; the parser costs depth × lines).
        (0..1_500)
            .map(|i| format!("{}- item\n", "  ".repeat(i)))
            .collect::<String>(),
    );
    t.write("data/deep.json", &deep_json); // not an agent file: secrets scan only
    let r = concise(t.path(), &[]);
    r.code(1)
        .has(".mcp.json:1:257: AG001 error invalid JSON: nesting deeper than 256 levels")
        .has(".claude/settings.json:1:1281: AG001 error invalid JSON: nesting deeper than 256")
        .has(".codex/config.toml:1:")
        .has(".aider.conf.yml:1:")
        .has(".claude/agents/deep.md:2:");
    assert_eq!(r.stdout.matches("AG001").count(), 5, "{}", clip(&r.stdout));
}

/// Nine anchors, each nine aliases of the one before: 9^9 (387 million) nodes if expanded.
fn billion_laughs(indent: &str) -> String {
    let mut s = format!(
        "{indent}a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
    );
    for (prev, cur) in "abcdefgh".chars().zip("bcdefghi".chars()) {
        let refs = vec![format!("*{prev}"); 9].join(",");
        s.push_str(&format!("{indent}{cur}: &{cur} [{refs}]\n"));
    }
    s
}

#[test]
fn yaml_alias_bombs() {
    let t = Tree::new();
    t.write(
        ".claude/skills/lol/SKILL.md",
        format!("---\nname: lol\n{}---\n# Skill\n", billion_laughs("")),
    );
    t.write(".aider.conf.yml", billion_laughs(""));
    t.write(".github/workflows/ci.yml", billion_laughs(""));
    let r = concise(t.path(), &[]);
    r.code(1)
        .has(".claude/skills/lol/SKILL.md:")
        .has(".aider.conf.yml:");
    assert_eq!(r.stdout.matches("AG001").count(), 2, "{}", r.stdout);
    // A policy pack: serde-saphyr's alias budget stops the expansion.
    t.write(".agentgate.yaml", "extends: pack\n");
    t.write(
        "pack/policy.yaml",
        format!("forbid:\n  claude_settings:\n{}", billion_laughs("    ")),
    );
    run_bounded(t.path(), &["check"], DEADLINE)
        .code(2)
        .has("invalid policy pack: budget breached");
    // The configuration itself: the bomb where a list of globs belongs.
    let anchors: Vec<String> = billion_laughs("")
        .lines()
        .map(|l| l.split_once(": ").unwrap().1.to_string())
        .collect();
    t.write(
        ".agentgate.yaml",
        format!("exclude: [{}]\n", anchors.join(", ")),
    );
    run_bounded(t.path(), &["check"], DEADLINE)
        .code(2)
        .has("invalid config");
}

#[test]
fn hostile_file_names_and_deep_paths() {
    use std::os::unix::ffi::OsStrExt;
    let t = Tree::new();
    // A directory whose name is not UTF-8, holding a real finding.
    let dir = t.path().join(std::ffi::OsStr::from_bytes(b"pkg-\xff\xfe"));
    std::fs::create_dir_all(dir.join(".claude")).unwrap();
    std::fs::write(dir.join(".claude/settings.json"), BAD_SETTINGS).unwrap();
    // The longest name Linux allows (255 bytes), and a path deeper than PATH_MAX (4096).
    let long = format!("{}.md", "n".repeat(252));
    t.write(&long, "# long\n");
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "for i in $(seq 40); do mkdir {d} && cd -P {d} || exit 1; done; mkdir .claude && printf '%s' '{BAD_SETTINGS}' > .claude/settings.json",
            d = "d".repeat(120)
        ))
        .current_dir(t.path())
        .status()
        .unwrap();
    assert!(status.success());
    let r = concise(t.path(), &[]);
    assert!(matches!(r.code, 1 | 2), "{}", r.stderr);
    r.has("pkg-\u{fffd}\u{fffd}/.claude/settings.json:3:15: AG101")
        .has("pkg-\u{fffd}\u{fffd}/.claude/settings.json:1:1: AG007 note file name is not valid UTF-8");
    // The deep file is checked or reported, never silently lost.
    let deep = r
        .stdout
        .lines()
        .find(|l| l.starts_with("dddd"))
        .unwrap_or_else(|| panic!("the deep file is missing: {}", clip(&r.stdout)));
    assert!(
        deep.contains("AG101") || deep.contains("AG002 error cannot read: File name too long"),
        "{deep}"
    );
    // What could not be read makes the scan incomplete.
    assert_eq!(r.code, if deep.contains("AG002") { 2 } else { 1 });
    assert!(!r.stdout.contains(&long), "{}", clip(&r.stdout));
}

#[test]
fn crlf_and_bom_files_report_the_right_lines() {
    let t = Tree::new();
    let bom = "\u{feff}";
    t.write(
        ".claude/settings.json",
        format!(
            "{bom}{{\r\n  \"permissions\": {{\r\n    \"allow\": [\"Bash(*)\"]\r\n  }}\r\n}}\r\n"
        ),
    );
    t.write(
        ".mcp.json",
        format!(
            "{bom}{{\r\n  \"mcpServers\": {{\r\n    \"gh\": {{\r\n      \"command\": \"gh-mcp@1.0.0\",\r\n      \"env\": {{\"GITHUB_TOKEN\": \"{}\"}}\r\n    }}\r\n  }}\r\n}}\r\n",
            planted_secret()
        ),
    );
    t.write(
        ".claude/agents/reviewer.md",
        format!("{bom}---\r\nname: reviewer\r\ndescription: Reviews code\r\ntools: Bash\r\n---\r\n# Reviewer\r\n"),
    );
    t.write(
        "CLAUDE.md",
        format!("{bom}# Project\r\n\r\nSee @docs/missing.md for more.\r\n"),
    );
    let r = concise(t.path(), &[]);
    r.code(1)
        .has(".claude/settings.json:3:15: AG101")
        .has(".mcp.json:5:")
        .has("CLAUDE.md:3:5:");
    assert!(!r.stdout.contains("AG001"), "{}", r.stdout);
    assert!(!r.stdout.contains(&planted_secret()));
}

#[test]
fn corrupt_git_index() {
    let t = Tree::new();
    t.write(".claude/settings.json", BAD_SETTINGS);
    t.git(&["init", "-q"]);
    t.git(&["add", "-A"]);
    t.git(&["commit", "-qm", "init"]);
    let index = t.path().join(".git/index");
    let good = std::fs::read(&index).unwrap();
    for broken in [
        b"garbage, not an index".to_vec(),
        good[..good.len() / 2].to_vec(),
        Vec::new(),
    ] {
        std::fs::write(&index, &broken).unwrap();
        run_bounded(t.path(), &["check", "--staged"], DEADLINE)
            .code(2)
            .has("cannot read the git repository");
        // A plain check reads the working tree and still works.
        concise(t.path(), &[]).code(1).has("AG101");
        run_bounded(t.path(), &["history"], DEADLINE).code(0);
    }
}

#[test]
fn shallow_clone() {
    let origin = Tree::new();
    origin.write("AGENTS.md", "# Agents\n\nRun `make test`.\n");
    origin.git(&["init", "-q"]);
    origin.git(&["add", "-A"]);
    origin.git(&["commit", "-qm", "one"]);
    for i in 0..3 {
        origin.write(&format!("src/f{i}.rs"), "fn main() {}\n");
        origin.write(".claude/settings.json", BAD_SETTINGS);
        origin.git(&["add", "-A"]);
        origin.git(&["commit", "-qm", &format!("change {i}")]);
    }
    let t = Tree::new();
    let url = format!("file://{}", origin.path().display());
    t.git(&["clone", "-q", "--depth", "1", &url, "c"]);
    let clone = t.path().join("c");
    concise(&clone, &[])
        .code(1)
        .has(".claude/settings.json:3:15: AG101");
    run_bounded(&clone, &["check", "--staged"], DEADLINE).code(0);
    run_bounded(&clone, &["history"], DEADLINE).code(0);
    // The base is not in the shallow history: a clear error, not a crash.
    run_bounded(&clone, &["check", "--diff", "HEAD~2"], DEADLINE)
        .code(2)
        .has("cannot find the base revision `HEAD~2`")
        .has("fetch-depth: 0");
}

#[test]
fn one_hundred_thousand_files_in_one_directory() {
    let t = Tree::new();
    let dir = t.path().join("flat");
    std::fs::create_dir(&dir).unwrap();
    for i in 0..100_000 {
        std::fs::write(dir.join(format!("f{i:06}.txt")), b"x\n").unwrap();
    }
    t.write(".claude/settings.json", BAD_SETTINGS);
    // 1.7 s in a release build, about 5 s in debug (docs/hardening.md).
    let args = ["check", "--format", "concise", "-q"];
    let r = run_bounded(t.path(), &args, DEADLINE);
    r.code(1).has(".claude/settings.json:3:15: AG101");
}

#[test]
fn config_errors_on_huge_lines_print_no_snippet() {
    let t = Tree::new();
    t.write(
        ".agentgate.yaml",
        format!("exclude: {}\n", "[".repeat(200_000)),
    );
    let r = run_bounded(t.path(), &["check"], DEADLINE);
    r.code(2)
        .has("invalid config")
        .has(".agentgate.yaml, line 1)");
    assert!(r.stderr.len() < 2000, "{} bytes on stderr", r.stderr.len());
    // A multi-byte character before the error does not split the snippet mid-character.
    t.write(
        ".agentgate.yaml",
        format!("# {}\nexclude: {{\n", "\u{e9}".repeat(600)),
    );
    run_bounded(t.path(), &["check"], DEADLINE)
        .code(2)
        .has("invalid config");
}
