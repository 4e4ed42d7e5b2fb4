//! Helpers shared by the integration tests: temporary trees, running the binary, git.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_agentgate")
}

pub struct Tree {
    pub dir: tempfile::TempDir,
}

impl Tree {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    /// Runs `agentgate ARGS` in the tree with a clean environment.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    /// Trees here are minimal, so the missing-context-file rule (tested on whole trees in
    /// tests/cases) is switched off unless a test selects rules itself.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(bin());
        cmd.args(args).current_dir(self.path()).stdin(Stdio::null());
        for var in [
            "NO_COLOR",
            "GITHUB_STEP_SUMMARY",
            "GITHUB_ACTIONS",
            "COLUMNS",
            "GIT_DIR",
            "GIT_INDEX_FILE",
            "GIT_WORK_TREE",
        ] {
            cmd.env_remove(var);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from(cmd.output().expect("run agentgate"))
    }

    pub fn git(&self, args: &[&str]) {
        self.git_env(args, &[]);
    }

    /// `git` with extra environment (e.g. fixed `GIT_COMMITTER_DATE`); must succeed.
    pub fn git_env(&self, args: &[&str], env: &[(&str, &str)]) {
        let out = self.git_output(args, env);
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `git` with extra environment, whatever the outcome (e.g. a commit a hook blocks).
    pub fn git_output(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        git_in(self.path(), args, env)
    }
}

/// `git` in `dir` with a fixed identity and no signing, whatever the outcome.
pub fn git_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new("git")
        .args([
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.com",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .envs(env.iter().copied())
        .output()
        .expect("git")
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Self {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "panic: {}", self.stderr);
        self
    }
}

pub const BAD_SETTINGS: &str = "{\n  \"permissions\": {\n    \"allow\": [\"Bash(*)\"]\n  }\n}\n";
pub const GOOD_SETTINGS: &str =
    "{\n  \"permissions\": {\n    \"allow\": [\"Bash(npm test)\"]\n  }\n}\n";

/// What [`run_bounded`] saw: the exit code, the output, the peak resident memory and the
/// wall time.
pub struct Bounded {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub peak_mib: u64,
    pub elapsed: std::time::Duration,
}

impl Bounded {
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
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
    pub fn has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle) || self.stderr.contains(needle),
            "expected `{needle}` in the output:\nstdout:\n{}\nstderr:\n{}",
            clip(&self.stdout),
            clip(&self.stderr)
        );
        self
    }

    /// How many lines of standard output contain `needle`.
    pub fn lines_with(&self, needle: &str) -> usize {
        self.stdout.lines().filter(|l| l.contains(needle)).count()
    }
}

/// The first 4,000 bytes of `s`, for assertion messages about large outputs.
pub fn clip(s: &str) -> &str {
    let mut end = s.len().min(4000);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Runs `agentgate ARGS` in `dir`, killed after `deadline`; fails on a timeout, a panic or a peak RSS
/// (`VmHWM`, sampled every 5 ms) of `memory_mib` or more. Output goes to files, so a large
/// report cannot block the child on a full pipe.
#[track_caller]
pub fn run_bounded(
    dir: &Path,
    args: &[&str],
    deadline: std::time::Duration,
    memory_mib: u64,
) -> Bounded {
    use std::time::{Duration, Instant};
    let out_dir = tempfile::tempdir().unwrap();
    let (out_path, err_path) = (out_dir.path().join("out"), out_dir.path().join("err"));
    let mut cmd = Command::new(bin());
    cmd.args(args);
    for var in [
        "NO_COLOR",
        "GITHUB_STEP_SUMMARY",
        "GITHUB_ACTIONS",
        "GIT_DIR",
        "COLUMNS",
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
        run.peak_mib < memory_mib,
        "agentgate {args:?} peaked at {} MiB (bound {memory_mib} MiB)",
        run.peak_mib
    );
    eprintln!(
        "agentgate {args:?}: exit {}, {:?}, peak {} MiB",
        run.code, run.elapsed, run.peak_mib
    );
    run
}

/// Whether an external tool a test needs runs here (`program args…` exits 0). When it does
/// not, the test is skipped with a message, except under CI (env `CI` set), where a missing
/// tool is a failure: CI must never report a skipped test as passed.
pub fn tool_available(program: &str, args: &[&str], install_hint: &str) -> bool {
    let ok = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        skip_unless_ci(&format!("{program} is not available ({install_hint})"));
    }
    ok
}

/// Skips (prints why) outside CI; panics under CI, where nothing may be skipped.
#[track_caller]
pub fn skip_unless_ci(why: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set, so this test must run: {why}"
    );
    eprintln!("skipped: {why}");
}
