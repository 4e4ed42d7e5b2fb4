//! `agentgate hook install|uninstall`: a native git hook that runs the staged check (or, for
//! pre-push, the pushed commits), found the way git finds hooks, chaining a foreign hook.

use std::path::{Path, PathBuf};

/// First line after the shebang of every hook agentgate writes; how it recognises its own.
pub const MARKER: &str = "# installed by agentgate";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HookKind {
    PreCommit,
    PrePush,
}

impl HookKind {
    fn file_name(self) -> &'static str {
        match self {
            HookKind::PreCommit => "pre-commit",
            HookKind::PrePush => "pre-push",
        }
    }
}

/// What an install did, for the message to the user.
#[derive(Debug, PartialEq, Eq)]
pub enum Installed {
    Fresh(PathBuf),
    Unchanged(PathBuf),
    Chained { hook: PathBuf, legacy: PathBuf },
}

/// The hooks directory as git resolves it: `core.hooksPath` (relative to the work tree) if
/// set, else `hooks/` in the common git dir (shared by linked worktrees).
pub fn hooks_dir(start: &Path) -> Result<(PathBuf, bool), crate::error::Error> {
    let repo = crate::source::git::discover(start).map_err(|e| e.to_string())?;
    let custom = repo
        .config_snapshot()
        .trusted_path("core.hooksPath")
        .ok()
        .flatten();
    match custom {
        Some(p) if p.is_absolute() => Ok((p, true)),
        Some(p) => Ok((
            repo.workdir().unwrap_or_else(|| repo.git_dir()).join(p),
            true,
        )),
        None => Ok((repo.common_dir().join("hooks"), false)),
    }
}

fn script(kind: HookKind) -> String {
    let name = kind.file_name();
    let run = match kind {
        HookKind::PreCommit => "\"$agentgate\" check --staged".to_string(),
        // For each pushed ref: secrets in the commits the remote does not have yet, and the
        // configuration as it will be after the push.
        HookKind::PrePush => "status=0\n\
             while read -r local_ref local_sha remote_ref remote_sha; do\n\
             \x20 [ \"$local_sha\" = 0000000000000000000000000000000000000000 ] && continue\n\
             \x20 if [ \"$remote_sha\" = 0000000000000000000000000000000000000000 ]; then\n\
             \x20   \"$agentgate\" history --all --quiet || status=$?\n\
             \x20 else\n\
             \x20   \"$agentgate\" history --since \"$remote_sha\" --quiet || status=$?\n\
             \x20 fi\n\
             done\n\
             \"$agentgate\" check --quiet || status=$?\n\
             (exit $status)"
            .to_string(),
    };
    format!(
        "#!/bin/sh\n{MARKER} {version}; `agentgate hook uninstall` removes it.\n\
         # Runs the {name} hook that was here before, then agentgate.\n\
         legacy=\"$(dirname \"$0\")/{name}.legacy\"\n\
         if [ -x \"$legacy\" ]; then \"$legacy\" \"$@\" || exit $?; fi\n\
         agentgate=\"${{AGENTGATE_BIN:-agentgate}}\"\n\
         if ! command -v \"$agentgate\" >/dev/null 2>&1; then\n\
         \x20 echo \"agentgate: '$agentgate' not found; install it (cargo install agentgate) or set AGENTGATE_BIN\" >&2\n\
         \x20 exit 1\n\
         fi\n\
         {run}\n\
         status=$?\n\
         if [ \"$status\" -eq 1 ]; then\n\
         \x20 echo >&2\n\
         \x20 echo \"agentgate blocked this {name}. Fix the findings above, or accept one with an audited exception:\" >&2\n\
         \x20 echo \"  agentgate exception add CODE --path PATH --reason '...' [--expires 90d] [--approved-by WHO]\" >&2\n\
         \x20 echo \"Findings that predate agentgate: 'agentgate baseline'. What a rule means: 'agentgate explain CODE'.\" >&2\n\
         \x20 echo \"'git {verb} --no-verify' skips hooks, but CI runs the same check.\" >&2\n\
         fi\n\
         exit $status\n",
        version = env!("CARGO_PKG_VERSION"),
        verb = if kind == HookKind::PreCommit {
            "commit"
        } else {
            "push"
        },
    )
}

pub fn install(
    start: &Path,
    kind: HookKind,
    force: bool,
) -> Result<Installed, crate::error::Error> {
    let (dir, custom) = hooks_dir(start)?;
    if custom && !force {
        return Err(format!(
            "core.hooksPath is set ({}), so another tool (husky, lefthook, a company hook) manages hooks.\n\
             Add `agentgate check --staged` to that tool's pre-commit hook (README: \"At commit time\"), \
             or rerun with --force to install into {} anyway.",
            dir.display(),
            dir.display()
        ).into());
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let hook = dir.join(kind.file_name());
    let content = script(kind);
    let mut result = Installed::Fresh(hook.clone());
    match std::fs::read_to_string(&hook) {
        Ok(existing) if existing == content => return Ok(Installed::Unchanged(hook)),
        Ok(existing) if existing.contains(MARKER) => {} // an older agentgate hook: replace it
        Ok(_) => {
            let legacy = dir.join(format!("{}.legacy", kind.file_name()));
            if legacy.exists() && !force {
                return Err(format!(
                    "{} exists and so does {}; rerun with --force to replace the hook (the .legacy one is kept)",
                    hook.display(),
                    legacy.display()
                ).into());
            }
            if !legacy.exists() {
                std::fs::rename(&hook, &legacy)
                    .map_err(|e| format!("cannot move the existing hook aside: {e}"))?;
            }
            result = Installed::Chained {
                hook: hook.clone(),
                legacy,
            };
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("cannot read {}: {e}", hook.display()).into()),
    }
    std::fs::write(&hook, content).map_err(|e| format!("cannot write {}: {e}", hook.display()))?;
    make_executable(&hook)?;
    Ok(result)
}

/// Removes agentgate's hook and restores a chained `.legacy` one. Foreign hooks are left alone.
pub fn uninstall(start: &Path, kind: HookKind) -> Result<String, crate::error::Error> {
    let (dir, _) = hooks_dir(start)?;
    let hook = dir.join(kind.file_name());
    let legacy = dir.join(format!("{}.legacy", kind.file_name()));
    match std::fs::read_to_string(&hook) {
        Ok(existing) if existing.contains(MARKER) => {
            std::fs::remove_file(&hook).map_err(|e| e.to_string())?;
            if legacy.exists() {
                std::fs::rename(&legacy, &hook).map_err(|e| e.to_string())?;
                return Ok(format!(
                    "removed agentgate's {} hook and restored the previous one",
                    kind.file_name()
                ));
            }
            Ok(format!("removed agentgate's {} hook", kind.file_name()))
        }
        Ok(_) => Err(format!(
            "{} was not installed by agentgate; left unchanged",
            hook.display()
        )
        .into()),
        Err(_) => Ok(format!("no {} hook to remove", kind.file_name())),
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), crate::error::Error> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| e.to_string().into())
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<(), crate::error::Error> {
    Ok(())
}
