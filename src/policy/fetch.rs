//! Policy packs from git. A local repository (a path or `file://`) is read directly with gix,
//! offline; a remote one is fetched (`--depth 1`) by the system git into a bare repository in
//! the cache, restricted to network transports. Either way the pack's tree at the resolved
//! commit is written once to `<cache>/packs/<url-hash>-<commit>/` and read from there, so the
//! same commit is never extracted twice and an unchanged pack costs one ref lookup.

use super::GitPack;
use std::path::{Path, PathBuf};
use std::process::Command;

/// When a remote pack is fetched again (issue: offline-first packs). Set once per run by
/// the command: the commit hook never touches the network when a copy is cached, `check`
/// only after the TTL, `policy update` always.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    /// Fetch when the cached copy is older than this many seconds.
    After(u64),
    /// Use the cached copy whatever its age; fetch only when there is none.
    CachedFirst,
    /// Fetch now.
    Always,
}

static REFRESH: std::sync::Mutex<Refresh> = std::sync::Mutex::new(Refresh::After(DEFAULT_TTL));

/// A day: a pack changes by release, not by commit.
pub const DEFAULT_TTL: u64 = 24 * 3600;

pub fn set_refresh(r: Refresh) {
    *REFRESH.lock().unwrap_or_else(|p| p.into_inner()) = r;
}

/// The config's `policy.refresh`: applies unless the command chose a mode of its own.
pub fn set_ttl(secs: u64) {
    let mut r = REFRESH.lock().unwrap_or_else(|p| p.into_inner());
    if matches!(*r, Refresh::After(_)) {
        *r = Refresh::After(secs);
    }
}

fn refresh() -> Refresh {
    *REFRESH.lock().unwrap_or_else(|p| p.into_inner())
}

/// Total bytes a pack checkout may write: packs are YAML and Markdown, not assets.
const MAX_PACK_BYTES: u64 = 64 * 1024 * 1024;

/// The pack directory for `pack`, checked out into the cache if needed, and the commit.
pub fn checkout(pack: &GitPack, base: &Path) -> Result<(PathBuf, String), crate::error::Error> {
    let rev = pack.rev.as_deref().unwrap_or("HEAD");
    let cache = cache_dir()?;
    let key = crate::diagnostic::fingerprint(&[&pack.git]);
    let (repo_dir, spec) = match local_repo(&pack.git, base) {
        Some(path) => (path, rev.to_string()),
        None => fetch(
            &pack.git,
            rev,
            &cache.join("repos").join(format!("{key}.git")),
        )?,
    };
    let what = format!("policy pack {}@{rev}", pack.git);
    let repo = gix::open(&repo_dir).map_err(|e| format!("{what}: not a git repository: {e}"))?;
    let commit = repo
        .rev_parse_single(spec.as_str())
        .map_err(|e| format!("{what}: cannot resolve `{rev}`: {e}"))?
        .object()
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| format!("{what}: `{rev}` is not a commit: {e}"))?;
    let dest = cache
        .join("packs")
        .join(format!("{key}-{}", commit.id.to_hex_with_len(16)));
    if !dest.is_dir() {
        let tree = commit.tree_id().map_err(|e| format!("{what}: {e}"))?;
        let tmp = dest.with_extension(format!("tmp{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let mut budget = MAX_PACK_BYTES;
        write_tree(&repo, tree.detach(), &tmp, 0, &mut budget)
            .map_err(|e| format!("{what}: cannot check out: {e}"))?;
        // Another process may have won the race: its copy is identical.
        if std::fs::rename(&tmp, &dest).is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
        }
    }
    let sub = pack.path.as_deref().unwrap_or("").trim_matches('/');
    if sub.split('/').any(|c| c == "..") {
        return Err(format!("{what}: `path` must stay inside the repository").into());
    }
    let dir = if sub.is_empty() { dest } else { dest.join(sub) };
    Ok((dir, commit.id.to_hex_with_len(12).to_string()))
}

/// Where packs are cached: `$AGENTGATE_CACHE_DIR`, else the user cache directory.
fn cache_dir() -> Result<PathBuf, crate::error::Error> {
    let dir = std::env::var_os("AGENTGATE_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("agentgate")))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/agentgate")))
        .ok_or("no cache directory: set AGENTGATE_CACHE_DIR or HOME")?;
    std::fs::create_dir_all(dir.join("packs"))
        .map_err(|e| format!("cannot create the pack cache {}: {e}", dir.display()))?;
    Ok(dir)
}

/// The system `git` with the environment a git hook leaves behind removed: inside a hook
/// GIT_DIR, GIT_INDEX_FILE and friends point at the user's repository, and without clearing
/// them a command meant for another repository would write there.
pub fn git_command() -> Command {
    let mut cmd = Command::new("git");
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_COMMON_DIR",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_NAMESPACE",
        "GIT_PREFIX",
        "GIT_QUARANTINE_PATH",
        "GIT_CONFIG_PARAMETERS",
        "GIT_CONFIG_COUNT",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("GIT_TERMINAL_PROMPT", "0");
    cmd
}

/// A repository on this machine: `file://…` or a path (relative to the config's directory).
fn local_repo(url: &str, base: &Path) -> Option<PathBuf> {
    if let Some(path) = url.strip_prefix("file://") {
        return Some(PathBuf::from(path));
    }
    let scp_like = url
        .find(':')
        .is_some_and(|colon| !url[..colon].contains('/') && colon > 1);
    (!url.contains("://") && !scp_like).then(|| base.join(url))
}

/// Fetches `rev` of a remote repository into a bare cache repository; returns it and the
/// local ref to resolve. Offline, a ref fetched before is used with a warning.
fn fetch(url: &str, rev: &str, bare: &Path) -> Result<(PathBuf, String), crate::error::Error> {
    let allowed = ["https://", "http://", "ssh://", "git://"]
        .iter()
        .any(|p| url.starts_with(p))
        || (url.contains('@') && url.contains(':') && !url.contains("::"));
    if !allowed || url.starts_with('-') {
        return Err(format!(
            "policy pack {url}: only https, ssh, git and local repositories are supported"
        )
        .into());
    }
    let local_ref = format!("refs/agentgate/{}", crate::diagnostic::fingerprint(&[rev]));
    let stamp = bare.join(format!(
        "agentgate-fetched-{}",
        crate::diagnostic::fingerprint(&[rev])
    ));
    let cached = || {
        gix::open(bare)
            .ok()
            .is_some_and(|r| r.find_reference(local_ref.as_str()).is_ok())
    };
    let age = std::fs::metadata(&stamp)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .map(|d| d.as_secs());
    let fresh = match refresh() {
        Refresh::Always => false,
        Refresh::CachedFirst => true,
        Refresh::After(ttl) => age.is_some_and(|a| a < ttl),
    };
    if fresh && cached() {
        return Ok((bare.to_path_buf(), local_ref)); // no network within the TTL
    }
    // Inside a git hook GIT_DIR, GIT_INDEX_FILE and friends point at the user's repository:
    // without clearing them, `git fetch` would write its refs there (in a linked worktree,
    // into the shared repository) instead of into the cache.
    let git = |args: &[&str]| {
        let mut cmd = git_command();
        cmd.args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_ALLOW_PROTOCOL", "https:http:ssh:git")
            .stdin(std::process::Stdio::null())
            .output()
    };
    if !bare.join("HEAD").exists() {
        let status = git(&["init", "--bare", "--quiet", &bare.to_string_lossy()])
            .map_err(|e| format!("policy pack {url}: cannot run git: {e}"))?;
        if !status.status.success() {
            return Err(format!(
                "policy pack {url}: cannot create the cache repository {}",
                bare.display()
            )
            .into());
        }
    }
    let refspec = format!("+{rev}:{local_ref}");
    let git_dir = format!("--git-dir={}", bare.display());
    let out = git(&[
        &git_dir,
        "-c",
        "protocol.ext.allow=never",
        "fetch",
        "--quiet",
        "--depth",
        "1",
        "--no-tags",
        "--",
        url,
        &refspec,
    ])
    .map_err(|e| format!("policy pack {url}: cannot run git: {e}"))?;
    if !out.status.success() {
        let reason = String::from_utf8_lossy(&out.stderr).trim().to_string();
        if !cached() {
            return Err(format!("policy pack {url}@{rev}: fetch failed: {reason}").into());
        }
        crate::sink::note(&format!(
            "warning: policy pack {url}@{rev}: fetch failed, using the cached copy"
        ));
    } else {
        let _ = std::fs::write(&stamp, b"");
    }
    Ok((bare.to_path_buf(), local_ref))
}

/// Writes a git tree to `dir`: regular files and directories only (no symlinks, no
/// submodules), names that stay inside `dir`, within a byte budget.
fn write_tree(
    repo: &gix::Repository,
    tree: gix::ObjectId,
    dir: &Path,
    depth: usize,
    budget: &mut u64,
) -> Result<(), crate::error::Error> {
    if depth > 16 {
        return Err("tree nested too deeply".into());
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let tree = repo
        .find_object(tree)
        .map_err(|e| e.to_string())?
        .try_into_tree()
        .map_err(|e| e.to_string())?;
    for entry in tree.iter() {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.filename().to_string();
        if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
            return Err(format!("unsafe file name `{name}` in the pack").into());
        }
        let mode = entry.mode();
        let path = dir.join(&name);
        if mode.is_tree() {
            write_tree(repo, entry.oid().to_owned(), &path, depth + 1, budget)?;
        } else if mode.is_blob() {
            let blob = repo.find_object(entry.oid()).map_err(|e| e.to_string())?;
            let size = blob.data.len() as u64;
            *budget = budget
                .checked_sub(size)
                .ok_or("the pack is larger than 64 MiB")?;
            std::fs::write(&path, &blob.data).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_local_from_remote() {
        let base = Path::new("/cfg");
        assert_eq!(
            local_repo("../packs", base),
            Some(PathBuf::from("/cfg/../packs"))
        );
        assert_eq!(
            local_repo("file:///srv/pack.git", base),
            Some(PathBuf::from("/srv/pack.git"))
        );
        assert_eq!(local_repo("https://git.example.com/p.git", base), None);
        assert_eq!(local_repo("git@github.com:org/pack.git", base), None);
    }

    #[test]
    fn refuses_command_transports() {
        let dir = tempfile::tempdir().unwrap();
        for url in ["ext::sh -c touch% /tmp/x", "-oProxyCommand=x", "fd::3"] {
            let e = fetch(url, "HEAD", &dir.path().join("b.git")).unwrap_err();
            assert!(e.to_string().contains("only https"), "{url}: {e}");
        }
    }
}
