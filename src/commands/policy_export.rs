//! `agentgate policy export --target T [-o FILE | --check FILE]`: the merged pack as an
//! agent's runtime policy file. The translation is [`crate::policy::export`]; this command
//! gathers its inputs (the pack, the reviewed servers of `agentgate.lock`, the provenance),
//! writes the result through the output boundary, or compares a committed file with it.

use crate::error::{Outcome, Result};
use crate::policy::export::{self, Identity};
use crate::policy::vendor::Target;
use crate::sink;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Which runtime policy file to write.
    #[arg(long, value_enum)]
    pub target: Target,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE", conflicts_with = "check")]
    pub output: Option<PathBuf>,
    /// Compare FILE with what the pack produces: exit 1 (with a diff) when it differs.
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,
    #[command(flatten)]
    pub policy: super::PolicyArgs,
}

pub fn run(args: ExportArgs) -> Result<Outcome> {
    let opts = crate::engine::ScanOptions {
        config: args.policy.config.clone(),
        policy: args.policy.policy.clone(),
        ..crate::engine::ScanOptions::default()
    };
    let setup = crate::engine::setup(&opts)?;
    let policy = &setup.config.policy;
    if policy.is_empty() {
        return Err(
            "no policy pack: name one with `--policy DIR` or `extends:` in .agentgate.yaml".into(),
        );
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let identities = reviewed_servers(&setup.project_root, &policy.mcp.allow);
    let provenance: Vec<String> = policy.layers.iter().map(|l| provenance(l, &cwd)).collect();
    let out = export::export(policy, args.target, &identities, &provenance);
    for u in &out.unexpressed {
        sink::note(&format!("note: not exported: {u}"));
    }
    if let Some(file) = &args.check {
        return check(file, &out.text, &provenance, &cwd);
    }
    match &args.output {
        Some(path) => {
            make_parent(path, &cwd)?;
            sink::file(path, out.text.as_bytes(), &cwd).map_err(|e| format!("cannot write {e}"))?;
            sink::note(&format!(
                "wrote {} ({})",
                path.display(),
                args.target.name()
            ));
        }
        None => sink::stdout(out.text.as_bytes()).map_err(|e| format!("cannot write {e}"))?,
    }
    Ok(Outcome::Clean)
}

/// Creates the missing directories of an output path (`-o claude/managed-settings.json` in a
/// new platform repository) — only where the nearest existing one is a real directory inside
/// the tree, or the path is outside it altogether: never through a symbolic link.
fn make_parent(path: &Path, tree: &Path) -> Result<(), crate::error::Error> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        tree.join(path)
    };
    let Some(parent) = abs.parent() else {
        return Ok(());
    };
    if parent.exists() {
        return Ok(());
    }
    let mut existing = parent;
    while !existing.exists() {
        match existing.parent() {
            Some(p) => existing = p,
            None => break,
        }
    }
    let tree_real = std::fs::canonicalize(tree).unwrap_or_else(|_| tree.to_path_buf());
    let inside = crate::fsx::normalize(&abs).starts_with(crate::fsx::normalize(tree));
    let real = std::fs::canonicalize(existing)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    if inside && !real.starts_with(&tree_real) {
        return Err(format!(
            "cannot write {}: it leads out of {} through a symbolic link",
            path.display(),
            tree.display()
        )
        .into());
    }
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot create {}: {e}", parent.display()).into())
}

/// `--check`: the committed file against the export, provenance lines aside (committing the
/// file next to the pack moves the pack's commit).
fn check(file: &Path, expected: &str, provenance: &[String], cwd: &Path) -> Result<Outcome> {
    let have = crate::fsx::read_confined_text(file, cwd, crate::fsx::SMALL_FILE_CAP)
        .map_err(|e| format!("cannot read {e}"))?;
    for p in provenance {
        sink::note(&format!("pack: {p}"));
    }
    // The file was written through the masking boundary: compare with what was written.
    let written = String::from_utf8_lossy(&crate::mask::sink(expected.as_bytes())).into_owned();
    let (want, have) = (export::comparable(&written), export::comparable(&have));
    if want == have {
        sink::note(&format!("{} matches the policy pack", file.display()));
        return Ok(Outcome::Clean);
    }
    sink::note(&format!(
        "{} differs from what the policy pack produces (pack -, file +); regenerate it with `agentgate policy export … -o {}`",
        file.display(),
        file.display()
    ));
    let diff = crate::policy::template::diff(&want, &have);
    sink::stdout(diff.as_bytes()).map_err(|e| format!("cannot write {e}"))?;
    Ok(Outcome::Findings)
}

/// Where a pack layer came from, the same on every machine: a git pack's URL, ref and
/// commit; a local pack's path (relative to the current directory when below it) and the
/// commit of the repository it is in.
fn provenance(layer: &str, cwd: &Path) -> String {
    if let Some((origin, _)) = layer.split_once(" at /") {
        return origin.to_string(); // URL@ref (commit …): the cache path differs by machine
    }
    let dir = Path::new(layer);
    let cwd_real = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    let shown = match dir.strip_prefix(&cwd_real) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
        Ok(rel) => rel.display().to_string(),
        Err(_) => dir
            .file_name()
            .map_or_else(|| layer.to_string(), |n| n.to_string_lossy().into_owned()),
    };
    match crate::source::git::discover(dir)
        .ok()
        .and_then(|r| r.head_id().ok().map(|id| id.to_string()))
    {
        Some(commit) => format!("{shown} (commit {commit})"),
        None => shown,
    }
}

/// The MCP servers recorded in the project's `agentgate.lock` whose definition is unchanged
/// and that the pack's allowlist admits: the identities a target can pin by command or URL.
fn reviewed_servers(root: &Path, allow: &[String]) -> Vec<Identity> {
    if allow.is_empty() {
        return Vec::new();
    }
    let lock_path = root.join(crate::rules::policy::LOCK_FILE);
    let Ok(text) = crate::fsx::read_confined_text(&lock_path, root, crate::fsx::SMALL_FILE_CAP)
    else {
        return Vec::new();
    };
    let Ok(lock) = serde_json::from_str::<serde_json::Value>(&text) else {
        sink::note("warning: agentgate.lock is not valid JSON; its servers are not exported");
        return Vec::new();
    };
    // (name, hash) sets by file: one lookup per server, whatever the lock's size.
    let mut by_file: std::collections::BTreeMap<
        String,
        std::collections::HashSet<(String, String)>,
    > = std::collections::BTreeMap::new();
    for e in lock["servers"].as_array().into_iter().flatten() {
        if let (Some(f), Some(n), Some(h)) =
            (e["file"].as_str(), e["name"].as_str(), e["hash"].as_str())
        {
            by_file
                .entry(f.to_string())
                .or_default()
                .insert((n.to_string(), h.to_string()));
        }
    }
    let mut out = Vec::new();
    for (file, entries) in by_file {
        let kind = crate::classify::classify(&file);
        let Ok(text) =
            crate::fsx::read_confined_text(&root.join(&file), root, crate::fsx::SMALL_FILE_CAP)
        else {
            continue;
        };
        let ctx = crate::rules::FileCtx::new(file.as_str(), kind, text);
        for server in ctx.mcp_servers() {
            let name = crate::rules::policy::locked_name(&server.name);
            let reviewed = entries.contains(&(name, crate::rules::policy::server_hash(server)));
            if !reviewed {
                continue; // not in the lock, or changed since: not reviewed
            }
            if let Some(a) = crate::rules::policy::allow_entry(allow, server) {
                out.push(Identity {
                    name: server.name.clone(),
                    argv: server.argv().into_iter().map(|t| t.value).collect(),
                    url: server.url.as_ref().map(|u| u.value.clone()),
                    allowed_by: a.clone(),
                });
            }
        }
    }
    out.sort();
    out.dedup();
    out
}
