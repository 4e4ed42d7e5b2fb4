//! Distribution, tested for real: the Action's installer against a fake release served from
//! 127.0.0.1 (good archive, corrupted archive, no release), the version agreeing everywhere it
//! is written, and — given the host wheel `.ci/run` builds (`AGENTGATE_DIST`) — the wheel in a
//! fresh venv, `uvx` and `pipx run` from it, the npm package from its tarballs, and the
//! pre-commit mirror installing that wheel offline. A missing tool or wheel skips a test
//! locally and fails it under CI.

mod common;

use common::{BAD_SETTINGS, Tree};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Instant;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[track_caller]
fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{}", text(&o));
    o
}

/// `KEY=VALUE` lines of a `$GITHUB_OUTPUT` file.
fn outputs(path: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A static file server on 127.0.0.1 for the test's lifetime: GET /PATH serves ROOT/PATH,
/// anything else is a 404. Records every requested path.
struct Server {
    url: String,
    hits: Arc<Mutex<Vec<String>>>,
}

fn serve(root: PathBuf) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(Mutex::new(Vec::new()));
    let log = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // Drain the headers (bounded), then answer and close.
            let mut line = String::new();
            for _ in 0..100 {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            log.lock().unwrap().push(path.clone());
            let file = root.join(path.trim_start_matches('/'));
            let body = (!path.contains(".."))
                .then(|| std::fs::read(&file).ok())
                .flatten();
            let (status, body) = match body {
                Some(b) => ("200 OK", b),
                None => ("404 Not Found", b"not found".to_vec()),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    Server { url, hits }
}

const TARGET: &str = "x86_64-unknown-linux-musl";

/// A release directory `v<version>/` as release.yml publishes it: the archive that
/// packaging/archive.py makes and SHA256SUMS. The archived "binary" is a small script that
/// answers `--version` like agentgate: the installer's job is download, verify and unpack,
/// and gzipping the 50 MB debug build would take a minute of the suite (the real release
/// binary is installed and run by the wheel, npm and pre-commit tests below).
fn fake_release(t: &Tree) -> PathBuf {
    let dir = t.path().join("release").join(format!("v{}", version()));
    let stand_in = t.write(
        "stand-in/agentgate",
        format!(
            "#!/bin/sh\n[ \"$1\" = --version ] && echo 'agentgate {}'\n",
            version()
        ),
    );
    let made = ok(Command::new("python3")
        .arg(root().join("packaging/archive.py"))
        .arg(TARGET)
        .arg(&stand_in)
        .arg(&dir)
        .output()
        .expect("python3"));
    let archive = PathBuf::from(String::from_utf8(made.stdout).unwrap().trim());
    let name = archive.file_name().unwrap().to_str().unwrap().to_string();
    assert_eq!(name, format!("agentgate-{}-{TARGET}.tar.gz", version()));
    let sum = sha256_hex(&std::fs::read(&archive).unwrap());
    // Another asset's line first, as in a real SHA256SUMS.
    std::fs::write(
        dir.join("SHA256SUMS"),
        format!(
            "{}  agentgate-{}-x86_64-pc-windows-msvc.zip\n{sum}  {name}\n",
            "0".repeat(64),
            version()
        ),
    )
    .unwrap();
    archive
}

/// Runs the action's install steps as action.yml wires them: resolve.sh, then install.sh
/// with resolve's outputs. Returns install.sh's output and both steps' `$GITHUB_OUTPUT`
/// (one file, as in a job).
fn action_install(
    t: &Tree,
    base_url: &str,
    env: &[(&str, &str)],
) -> (Output, BTreeMap<String, String>) {
    let out_file = t.path().join(format!("out-{}", rand_suffix()));
    let tool_cache = t.path().join("toolcache");
    let base_env = [
        ("GITHUB_ACTION_PATH", root().to_str().unwrap()),
        ("GITHUB_OUTPUT", out_file.to_str().unwrap()),
        ("RUNNER_OS", "Linux"),
        ("RUNNER_ARCH", "X64"),
        ("RUNNER_TOOL_CACHE", tool_cache.to_str().unwrap()),
        ("AGENTGATE_RELEASE_BASE_URL", base_url),
    ];
    let script = |name: &str, extra: &[(String, String)]| {
        let mut cmd = Command::new("bash");
        cmd.arg(root().join("scripts/action").join(name))
            .current_dir(t.path())
            .stdin(Stdio::null())
            .env_remove("INPUT_VERSION")
            .env_remove("INPUT_BINARY")
            .envs(base_env.iter().copied())
            .envs(env.iter().copied())
            .envs(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        cmd.output().unwrap()
    };
    ok(script("resolve.sh", &[]));
    let resolved = outputs(&out_file);
    let pass: Vec<(String, String)> = [
        ("VERSION", "version"),
        ("TARGET", "target"),
        ("ASSET", "asset"),
        ("URL", "url"),
        ("DIR", "dir"),
    ]
    .iter()
    .map(|(var, key)| (var.to_string(), resolved[*key].clone()))
    .collect();
    let install = script("install.sh", &pass);
    (install, outputs(&out_file))
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn action_tools() -> bool {
    common::tool_available("curl", &["--version"], "apt-get install curl")
        && common::tool_available("python3", &["--version"], "needed by packaging/archive.py")
}

#[test]
fn action_downloads_verifies_and_caches_the_release() {
    if !action_tools() {
        return;
    }
    let t = Tree::new();
    fake_release(&t);
    let server = serve(t.path().join("release"));
    let started = Instant::now();
    let (install, out) = action_install(&t, &server.url, &[]);
    let took = started.elapsed();
    let log = text(&install);
    assert!(install.status.success(), "{log}");
    let bin = PathBuf::from(&out["bin"]);
    assert_eq!(
        bin,
        t.path()
            .join("toolcache/agentgate")
            .join(version())
            .join(TARGET)
            .join("agentgate")
    );
    assert_eq!(out.get("downloaded").map(String::as_str), Some("true"));
    assert!(!out.contains_key("build"), "{out:?}");
    assert!(log.contains("sha256") && log.contains("verified"), "{log}");
    let run = ok(Command::new(&bin).arg("--version").output().unwrap());
    assert_eq!(
        String::from_utf8_lossy(&run.stdout).trim(),
        format!("agentgate {}", version())
    );
    // Cache keyed by the exact version, so a restored cache is never stale.
    assert_eq!(
        out["key"],
        format!("agentgate-release-Linux-X64-{TARGET}-{}", version())
    );
    let asset = format!("/v{}/agentgate-{}-{TARGET}.tar.gz", version(), version());
    assert_eq!(
        *server.hits.lock().unwrap(),
        [format!("/v{}/SHA256SUMS", version()), asset]
    );
    eprintln!("action setup from a 127.0.0.1 release: {took:?}");

    // Second run (the cache restored the directory): no request at all.
    let (again, out) = action_install(&t, &server.url, &[]);
    assert!(again.status.success(), "{}", text(&again));
    assert!(text(&again).contains("from the cache"), "{}", text(&again));
    assert_eq!(out["bin"], bin.to_str().unwrap());
    assert!(!out.contains_key("downloaded"));
    assert_eq!(server.hits.lock().unwrap().len(), 2);
}

#[test]
fn action_rejects_a_corrupted_archive() {
    if !action_tools() {
        return;
    }
    let t = Tree::new();
    let archive = fake_release(&t);
    // One flipped byte after SHA256SUMS was written: the download no longer matches.
    let mut bytes = std::fs::read(&archive).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&archive, bytes).unwrap();
    let server = serve(t.path().join("release"));
    let (install, out) = action_install(&t, &server.url, &[]);
    let log = text(&install);
    assert_eq!(install.status.code(), Some(2), "{log}");
    assert!(
        log.contains("::error title=agentgate::checksum mismatch for agentgate-"),
        "{log}"
    );
    assert!(
        !out.contains_key("bin") && !out.contains_key("build"),
        "{out:?}"
    );
    // Nothing unverified is left where the cache would pick it up.
    assert!(
        !t.path()
            .join("toolcache/agentgate")
            .join(version())
            .join(TARGET)
            .join("agentgate")
            .exists()
    );

    // An asset that SHA256SUMS does not list cannot be verified either.
    std::fs::write(
        archive.parent().unwrap().join("SHA256SUMS"),
        format!("{}  something-else.tar.gz\n", "0".repeat(64)),
    )
    .unwrap();
    let (install, _) = action_install(&t, &server.url, &[]);
    assert_eq!(install.status.code(), Some(2), "{}", text(&install));
    assert!(
        text(&install).contains("is not listed in the release's SHA256SUMS"),
        "{}",
        text(&install)
    );
}

#[test]
fn action_builds_from_source_only_without_a_release_asset() {
    if !action_tools() {
        return;
    }
    let t = Tree::new();
    std::fs::create_dir_all(t.path().join("release")).unwrap();
    let server = serve(t.path().join("release"));
    // No release for this version (404): build, and say so.
    let (install, out) = action_install(&t, &server.url, &[]);
    let log = text(&install);
    assert!(install.status.success(), "{log}");
    assert_eq!(out.get("build").map(String::as_str), Some("true"), "{log}");
    assert!(
        log.contains(&format!(
            "::notice title=agentgate::no release v{} at {}/v{}; building agentgate from source",
            version(),
            server.url,
            version()
        )),
        "{log}"
    );
    // A release without this runner's asset: the same.
    let dir = t.path().join("release").join(format!("v{}", version()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("SHA256SUMS"), "").unwrap();
    let (install, out) = action_install(&t, &server.url, &[]);
    assert_eq!(out.get("build").map(String::as_str), Some("true"));
    assert!(
        text(&install).contains(&format!(
            "release v{} has no asset agentgate-{}-{TARGET}.tar.gz",
            version(),
            version()
        )),
        "{}",
        text(&install)
    );
    // A runner with no prebuilt target, and `version: source`, go straight to the build.
    let hits = server.hits.lock().unwrap().len();
    let (install, out) = action_install(&t, &server.url, &[("RUNNER_OS", "FreeBSD")]);
    assert_eq!(out.get("build").map(String::as_str), Some("true"));
    assert!(text(&install).contains("no prebuilt agentgate for FreeBSD/X64"));
    let (_, out) = action_install(&t, &server.url, &[("INPUT_VERSION", "source")]);
    assert_eq!(out.get("build").map(String::as_str), Some("true"));
    assert_eq!(server.hits.lock().unwrap().len(), hits, "no download tried");
    // A server error is not "no release": it fails instead of silently building.
    let (install, _) = action_install(&t, "http://127.0.0.1:9", &[]);
    assert_eq!(install.status.code(), Some(2), "{}", text(&install));
}

#[test]
fn action_build_step_reuses_a_cached_source_build() {
    let t = Tree::new();
    let src = t.path().join("source-cache");
    std::fs::create_dir_all(src.join("bin")).unwrap();
    std::fs::copy(common::bin(), src.join("bin/agentgate")).unwrap();
    let out_file = t.path().join("out");
    let run = |path: &str| {
        Command::new("bash")
            .arg(root().join("scripts/action/build.sh"))
            .env("SOURCE_DIR", &src)
            .env("GITHUB_OUTPUT", &out_file)
            .env("GITHUB_ACTION_PATH", root())
            .env("PATH", path)
            .output()
            .unwrap()
    };
    let cached = ok(run(&std::env::var("PATH").unwrap()));
    assert!(text(&cached).contains("(cache)"));
    let out = outputs(&out_file);
    assert_eq!(out["bin"], src.join("bin/agentgate").to_str().unwrap());
    assert!(!out.contains_key("built"));
    // Nothing cached and no cargo: a clear error, not a cryptic one.
    std::fs::remove_file(src.join("bin/agentgate")).unwrap();
    let bash_dir = Path::new("/usr/bin:/bin");
    let missing = run(bash_dir.to_str().unwrap());
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
    assert!(text(&missing).contains("cargo is not installed"));
}

#[test]
fn resolve_maps_every_release_target_and_validates_the_version() {
    let t = Tree::new();
    let resolve = |runner_os: &str, arch: &str, version: &str| {
        let out = t
            .path()
            .join(format!("o-{runner_os}-{arch}-{}", rand_suffix()));
        let o = Command::new("bash")
            .arg(root().join("scripts/action/resolve.sh"))
            .env("GITHUB_ACTION_PATH", root())
            .env("GITHUB_OUTPUT", &out)
            .env("RUNNER_OS", runner_os)
            .env("RUNNER_ARCH", arch)
            .env("INPUT_VERSION", version)
            .env("GITHUB_ACTION_REPOSITORY", "my-org/agentgate-fork")
            .env("GITHUB_SERVER_URL", "https://github.example.com")
            .env_remove("AGENTGATE_RELEASE_BASE_URL")
            .output()
            .unwrap();
        (o, outputs(&out))
    };
    let mut targets = Vec::new();
    for (runner_os, arch, ext) in [
        ("Linux", "X64", "tar.gz"),
        ("Linux", "ARM64", "tar.gz"),
        ("macOS", "X64", "tar.gz"),
        ("macOS", "ARM64", "tar.gz"),
        ("Windows", "X64", "zip"),
    ] {
        let (o, out) = resolve(runner_os, arch, "");
        ok(o);
        assert_eq!(out["version"], version());
        assert_eq!(
            out["asset"],
            format!("agentgate-{}-{}.{ext}", version(), out["target"])
        );
        // A fork's (or GHES mirror's) action downloads that repository's releases.
        assert_eq!(
            out["url"],
            format!(
                "https://github.example.com/my-org/agentgate-fork/releases/download/v{}",
                version()
            )
        );
        targets.push(out["target"].clone());
    }
    // The runner targets are exactly the ones the release workflow and npm package build.
    let mut release = release_targets();
    release.sort();
    let mut npm: Vec<String> = serde_json::from_str::<serde_json::Value>(
        &std::fs::read_to_string(root().join("packaging/npm/platforms.json")).unwrap(),
    )
    .unwrap()
    .as_object()
    .unwrap()
    .keys()
    .cloned()
    .collect();
    npm.sort();
    targets.sort();
    assert_eq!(targets, release);
    assert_eq!(npm, release);

    let (_, pinned) = resolve("Linux", "X64", "v9.8.7");
    assert_eq!(pinned["version"], "9.8.7");
    assert_eq!(
        pinned["key"],
        format!("agentgate-release-Linux-X64-{TARGET}-9.8.7")
    );
    let (bad, _) = resolve("Linux", "X64", "latest; rm -rf /");
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad).contains("version must be X.Y.Z"),
        "{}",
        text(&bad)
    );
}

/// The `target:` values of the release workflow's build matrix.
fn release_targets() -> Vec<String> {
    let text = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    let node = agentgate::syntax::yaml::parse(&text, 0).expect("release.yml is valid YAML");
    node.pointer(&["jobs", "build", "strategy", "matrix", "include"])
        .expect("jobs.build.strategy.matrix.include")
        .as_array()
        .iter()
        .map(|entry| entry.get("target").unwrap().as_str().unwrap().to_string())
        .collect()
}

/// Cargo.toml is the one source of the version: pyproject reads it (`dynamic`), the npm
/// generator, the pre-commit mirror generator and the archive namer read it too.
#[test]
fn every_package_takes_its_version_from_cargo_toml() {
    let pyproject = std::fs::read_to_string(root().join("pyproject.toml")).unwrap();
    let pyproject: toml::Table = toml::from_str(&pyproject).unwrap();
    let project = pyproject["project"].as_table().unwrap();
    assert!(
        !project.contains_key("version"),
        "pyproject.toml must not repeat the version"
    );
    assert!(
        project["dynamic"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v.as_str() == Some("version"))
    );
    assert_eq!(
        pyproject["tool"]["maturin"]["bindings"].as_str(),
        Some("bin")
    );
    if !common::tool_available(
        "python3",
        &["--version"],
        "the packaging scripts are Python",
    ) || !common::tool_available("node", &["--version"], "the npm generator runs on node")
    {
        return;
    }
    let out = ok(Command::new("python3")
        .arg(root().join("packaging/version.py"))
        .output()
        .unwrap());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), version());
    let out = ok(Command::new("node")
        .arg(root().join("packaging/npm/build.mjs"))
        .arg("version")
        .output()
        .unwrap());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), version());

    let t = Tree::new();
    ok(Command::new("node")
        .arg(root().join("packaging/npm/build.mjs"))
        .arg("main")
        .arg(t.path())
        .output()
        .unwrap());
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(t.path().join("agentgate/package.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["version"], version());
    let optional = manifest["optionalDependencies"].as_object().unwrap();
    assert_eq!(optional.len(), release_targets().len());
    assert!(optional.values().all(|v| v == version()), "{optional:?}");

    ok(Command::new("python3")
        .arg(root().join("packaging/pre-commit-mirror/generate.py"))
        .arg(t.path().join("mirror"))
        .output()
        .unwrap());
    let mirror: toml::Table =
        toml::from_str(&std::fs::read_to_string(t.path().join("mirror/pyproject.toml")).unwrap())
            .unwrap();
    assert_eq!(
        mirror["project"]["dependencies"].as_array().unwrap()[0].as_str(),
        Some(format!("agentgate=={}", version()).as_str())
    );
    let hooks = std::fs::read_to_string(t.path().join("mirror/.pre-commit-hooks.yaml")).unwrap();
    let hooks = agentgate::syntax::yaml::parse(&hooks, 0).unwrap();
    let hook = &hooks.as_array()[0];
    assert_eq!(hook.get("id").unwrap().as_str(), Some("agentgate"));
    assert_eq!(hook.get("language").unwrap().as_str(), Some("python"));
    // The same hook as the main repository's, but installed from the wheel.
    let main_hooks = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let main_hooks = agentgate::syntax::yaml::parse(&main_hooks, 0).unwrap();
    let from_source = main_hooks
        .as_array()
        .iter()
        .find(|h| h.get("id").and_then(|i| i.as_str()) == Some("agentgate"))
        .unwrap();
    let field = |h: &agentgate::syntax::Node, key: &str| -> Vec<String> {
        let node = h.get(key).unwrap_or_else(|| panic!("hook has no {key}"));
        match node.as_str() {
            Some(s) => vec![s.to_string()],
            None if matches!(node.value, agentgate::syntax::Value::Bool(b) if b) => {
                vec!["true".into()]
            }
            None => node
                .as_array()
                .iter()
                .map(|n| n.as_str().unwrap().to_string())
                .collect(),
        }
    };
    for key in [
        "name",
        "entry",
        "types",
        "require_serial",
        "stages",
        "minimum_pre_commit_version",
    ] {
        assert_eq!(field(hook, key), field(from_source, key), "{key}");
    }
    let readme = std::fs::read_to_string(t.path().join("mirror/README.md")).unwrap();
    assert!(readme.contains(&format!("rev: v{}", version())));
}

/// The host wheel `.ci/run` builds (maturin, release profile): `AGENTGATE_DIST` names its
/// directory, which also holds flit_core (the mirror's build backend) for offline installs.
fn dist() -> Option<(PathBuf, PathBuf)> {
    let Some(dir) = std::env::var_os("AGENTGATE_DIST").map(PathBuf::from) else {
        common::skip_unless_ci("AGENTGATE_DIST is not set (.ci/run builds the host wheel)");
        return None;
    };
    let prefix = format!("agentgate-{}-", version());
    let wheel = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("AGENTGATE_DIST={}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(&prefix) && name.ends_with(".whl")
        })
        .unwrap_or_else(|| panic!("no {prefix}*.whl in {}", dir.display()));
    Some((dir, wheel))
}

/// A tree with one finding (AG101 at line 3, column 15) for the installed binaries to report.
fn bad_tree() -> Tree {
    let t = Tree::new();
    t.write(".claude/settings.json", BAD_SETTINGS);
    t
}

#[track_caller]
fn assert_reports_ag101(o: Output) {
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(".claude/settings.json:3:15: AG101 error"),
        "{}",
        text(&o)
    );
}

/// Offline pip: only the wheels in DIR.
fn offline_pip(cmd: &mut Command, dist: &Path) {
    cmd.env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", dist)
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1");
}

#[test]
fn wheel_installs_into_a_fresh_venv_and_runs() {
    let Some((dist, wheel)) = dist() else { return };
    let t = bad_tree();
    let venv = t.path().join("venv");
    let started = Instant::now();
    ok(Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .expect("python3"));
    let mut pip = Command::new(venv.join("bin/pip"));
    pip.arg("install").arg("--quiet").arg(&wheel);
    offline_pip(&mut pip, &dist);
    ok(pip.output().unwrap());
    eprintln!("venv + pip install of the wheel: {:?}", started.elapsed());
    let bin = venv.join("bin/agentgate");
    let v = ok(Command::new(&bin).arg("--version").output().unwrap());
    assert_eq!(
        String::from_utf8_lossy(&v.stdout).trim(),
        format!("agentgate {}", version())
    );
    assert_reports_ag101(
        Command::new(&bin)
            .args(["check", "--format", "concise", "--select", "AG101", "."])
            .current_dir(t.path())
            .output()
            .unwrap(),
    );
}

#[test]
fn uvx_and_pipx_run_the_wheel() {
    let Some((dist, wheel)) = dist() else { return };
    if !common::tool_available("uv", &["--version"], "pip install uv")
        || !common::tool_available("pipx", &["--version"], "pip install pipx")
    {
        return;
    }
    let t = bad_tree();
    let check = ["check", "--format", "concise", "--select", "AG101", "."];
    let started = Instant::now();
    let uvx = Command::new("uvx")
        .arg("--offline")
        .arg("--from")
        .arg(&wheel)
        .arg("agentgate")
        .args(check)
        .current_dir(t.path())
        .env("UV_CACHE_DIR", t.path().join("uv-cache"))
        .env("UV_TOOL_DIR", t.path().join("uv-tools"))
        .env("UV_PYTHON_DOWNLOADS", "never")
        .env("UV_NO_CONFIG", "1")
        .output()
        .unwrap();
    eprintln!("uvx (cold cache): {:?}", started.elapsed());
    assert_reports_ag101(uvx);

    let started = Instant::now();
    let mut pipx = Command::new("pipx");
    pipx.arg("run")
        .arg("--spec")
        .arg(&wheel)
        .arg("agentgate")
        .args(check)
        .current_dir(t.path())
        .env("PIPX_HOME", t.path().join("pipx-home"))
        .env("PIPX_BIN_DIR", t.path().join("pipx-bin"));
    offline_pip(&mut pipx, &dist);
    let pipx = pipx.output().unwrap();
    eprintln!("pipx run (cold cache): {:?}", started.elapsed());
    assert_reports_ag101(pipx);
}

/// The binary inside the wheel (`agentgate-<v>.data/scripts/agentgate`): the npm package is
/// built from the same release build, not a second compile.
fn binary_from_wheel(wheel: &Path, into: &Path) -> PathBuf {
    let member = format!("agentgate-{}.data/scripts/agentgate", version());
    let mut zip = Command::new("unzip")
        .arg("-p")
        .arg(wheel)
        .arg(&member)
        .stdout(Stdio::piped())
        .spawn()
        .expect("unzip");
    let mut bytes = Vec::new();
    zip.stdout.take().unwrap().read_to_end(&mut bytes).unwrap();
    assert!(
        zip.wait().unwrap().success() && !bytes.is_empty(),
        "{member}"
    );
    let path = into.join("agentgate");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn npm_package_runs_from_its_tarballs() {
    let Some((_, wheel)) = dist() else { return };
    if !common::tool_available("npm", &["--version"], "apt-get install npm")
        || !common::tool_available("unzip", &["-v"], "apt-get install unzip")
    {
        return;
    }
    let t = bad_tree();
    let pkgs = t.path().join("npm");
    let unpacked = t.path().join("wheel-bin");
    std::fs::create_dir_all(&pkgs).unwrap();
    std::fs::create_dir_all(&unpacked).unwrap();
    let binary = binary_from_wheel(&wheel, &unpacked);
    let node_target = match std::env::consts::ARCH {
        "aarch64" => "aarch64-unknown-linux-musl",
        _ => "x86_64-unknown-linux-musl",
    };
    let build = |args: &[&str]| {
        ok(Command::new("node")
            .arg(root().join("packaging/npm/build.mjs"))
            .args(args)
            .output()
            .unwrap())
    };
    let main = build(&["main", pkgs.to_str().unwrap()]);
    let platform = build(&[
        "platform",
        node_target,
        binary.to_str().unwrap(),
        pkgs.to_str().unwrap(),
    ]);
    let dirs = [main, platform].map(|o| String::from_utf8(o.stdout).unwrap().trim().to_string());
    let cache = t.path().join("npm-cache");
    let started = Instant::now();
    let packed = ok(Command::new("npm")
        .args(["pack", "--silent", "--pack-destination"])
        .arg(&pkgs)
        .args(&dirs)
        .arg("--cache")
        .arg(&cache)
        .output()
        .unwrap());
    let tarballs: Vec<PathBuf> = String::from_utf8(packed.stdout)
        .unwrap()
        .lines()
        .map(|name| pkgs.join(name.trim()))
        .collect();
    assert_eq!(
        tarballs
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect::<Vec<_>>(),
        [
            format!("agentgate-{}.tgz", version()),
            format!(
                "agentgate-cli-linux-{}-{}.tgz",
                if node_target.starts_with("aarch64") {
                    "arm64"
                } else {
                    "x64"
                },
                version()
            )
        ]
    );
    eprintln!("npm pack (both packages): {:?}", started.elapsed());
    // `npx` straight from the tarballs, offline: the other platforms' optional packages are
    // not in the cache and are skipped, this machine's is used.
    let started = Instant::now();
    let mut npx = Command::new("npx");
    npx.args(["--yes", "--offline", "--cache"]).arg(&cache);
    for tarball in &tarballs {
        npx.arg("--package").arg(tarball);
    }
    let npx = npx
        .args([
            "--",
            "agentgate",
            "check",
            "--format",
            "concise",
            "--select",
            "AG101",
            ".",
        ])
        .current_dir(t.path())
        .env_remove("AGENTGATE_BINARY_PATH")
        .output()
        .unwrap();
    eprintln!("npx from the tarballs (cold): {:?}", started.elapsed());
    assert_reports_ag101(npx);

    // Installed in a project: the launcher finds the platform package in node_modules; without
    // it, a clear error rather than a crash.
    let project = t.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("package.json"),
        "{\"name\": \"p\", \"private\": true}\n",
    )
    .unwrap();
    let npm_install = |tarballs: &[PathBuf]| {
        ok(Command::new("npm")
            .args(["install", "--offline", "--no-audit", "--no-fund"])
            .args(["--loglevel=error", "--cache"])
            .arg(&cache)
            .args(tarballs)
            .current_dir(&project)
            .output()
            .unwrap())
    };
    npm_install(&tarballs[..1]);
    let launcher = project.join("node_modules/.bin/agentgate");
    let lonely = Command::new(&launcher)
        .arg("--version")
        .env_remove("AGENTGATE_BINARY_PATH")
        .output()
        .unwrap();
    assert_eq!(lonely.status.code(), Some(2), "{}", text(&lonely));
    assert!(
        text(&lonely).contains("is not installed. npm installs it as an optional dependency"),
        "{}",
        text(&lonely)
    );
    npm_install(&tarballs);
    let v = ok(Command::new(&launcher).arg("--version").output().unwrap());
    assert_eq!(
        String::from_utf8_lossy(&v.stdout).trim(),
        format!("agentgate {}", version())
    );
    // The binary's exit code comes through the launcher (2: usage error).
    let usage = Command::new(&launcher)
        .arg("--no-such-flag")
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2), "{}", text(&usage));
}

#[test]
fn pre_commit_mirror_installs_the_wheel_offline() {
    let Some((dist, _)) = dist() else { return };
    if !common::tool_available("pre-commit", &["--version"], "pip install pre-commit") {
        return;
    }
    let t = bad_tree();
    let mirror = t.path().join("mirror");
    ok(Command::new("python3")
        .arg(root().join("packaging/pre-commit-mirror/generate.py"))
        .arg(&mirror)
        .output()
        .unwrap());
    ok(common::git_in(&mirror, &["init", "-q"], &[]));
    ok(common::git_in(&mirror, &["add", "-A"], &[]));
    ok(common::git_in(&mirror, &["commit", "-qm", "mirror"], &[]));
    let rev =
        String::from_utf8(ok(common::git_in(&mirror, &["rev-parse", "HEAD"], &[])).stdout).unwrap();
    // The configuration a team commits (README), with the mirror at a local path.
    t.write(
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: agentgate\n",
            mirror.display(),
            rev.trim()
        ),
    );
    ok(common::git_in(t.path(), &["init", "-q"], &[]));
    ok(common::git_in(t.path(), &["add", "."], &[]));
    let home = t.path().join("pre-commit-home");
    let pre_commit = || {
        let mut cmd = Command::new("pre-commit");
        cmd.args(["run", "agentgate", "--files", ".claude/settings.json"])
            .current_dir(t.path())
            .env("PRE_COMMIT_HOME", &home)
            // No agentgate on PATH: the hook can only run the one installed from the wheel.
            .env("PATH", path_without_agentgate());
        offline_pip(&mut cmd, &dist);
        cmd.output().unwrap()
    };
    let started = Instant::now();
    let run = pre_commit();
    eprintln!(
        "pre-commit hook install + first run (offline): {:?}",
        started.elapsed()
    );
    let out = text(&run);
    assert_eq!(run.status.code(), Some(1), "{out}");
    assert!(out.contains("AG101 bash-wildcard-allow"), "{out}");
    assert!(out.contains(".claude/settings.json:3:15"), "{out}");
    // The wheel's binary, in pre-commit's environment for the mirror.
    let installed: Vec<PathBuf> = walk(&home)
        .into_iter()
        .filter(|p| p.ends_with("bin/agentgate"))
        .collect();
    assert_eq!(installed.len(), 1, "{installed:?}");
    let v = ok(Command::new(&installed[0])
        .arg("--version")
        .output()
        .unwrap());
    assert_eq!(
        String::from_utf8_lossy(&v.stdout).trim(),
        format!("agentgate {}", version())
    );
    // Installed once: the next run reuses the environment.
    let started = Instant::now();
    let again = pre_commit();
    eprintln!(
        "pre-commit, environment already installed: {:?}",
        started.elapsed()
    );
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    assert!(
        !text(&again).contains("Installing environment"),
        "{}",
        text(&again)
    );
}

/// PATH minus directories holding an `agentgate` (the build's own target dir, a cargo install).
fn path_without_agentgate() -> String {
    let path = std::env::var("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .filter(|d| !d.join("agentgate").exists())
        .map(|d| d.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(":")
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}
