//! `agentgate init`: the paved road for a new repository. With `--policy DIR` or `--extends
//! REF` it first writes `.agentgate.yaml` naming the pack (so every later `check` applies it),
//! then scaffolds the pack's templates with every placeholder filled in, and offers the hook.

use crate::engine::{self, ScanOptions};
use crate::error::{Outcome, Result};
use crate::sink::note;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The repository (default: the current directory).
    pub path: Option<PathBuf>,
    /// Overwrite files that already exist (and replace a config's `extends:`).
    #[arg(long)]
    pub force: bool,
    /// Use this config file instead of discovering `.agentgate.yaml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The organisation's policy pack directory: written to `.agentgate.yaml` as `extends:`.
    #[arg(long, value_name = "DIR", conflicts_with = "extends")]
    pub policy: Option<PathBuf>,
    /// A pack to extend: a git URL (with `--ref`) or a path; written to `.agentgate.yaml`.
    #[arg(long, value_name = "REF")]
    pub extends: Option<String>,
    /// The git revision of an `--extends` URL (a tag, for reproducible checks).
    #[arg(long = "ref", value_name = "REV", requires = "extends")]
    pub rev: Option<String>,
    /// Install the pre-commit hook too.
    #[arg(long)]
    pub hook: bool,
}

pub fn run(args: &Args) -> Result<Outcome> {
    init(args).map(|()| Outcome::Clean)
}

/// The `extends:` entry for a pack named on the command line, as YAML lines.
fn extends_yaml(args: &Args, root: &Path) -> Option<String> {
    use crate::config::edit::quote;
    if let Some(dir) = &args.policy {
        let abs = crate::fsx::normalize(&std::env::current_dir().unwrap_or_default().join(dir));
        // Inside the repository: relative, so it works in every clone and in CI.
        let shown = super::relative_to(&abs, root).unwrap_or_else(|| abs.display().to_string());
        return Some(format!("extends: {}\n", quote(&shown)));
    }
    let pack = args.extends.as_deref()?;
    let is_git = pack.contains("://") || pack.starts_with("git@") || pack.ends_with(".git");
    Some(if is_git {
        let rev = args
            .rev
            .as_deref()
            .map(|r| format!("  ref: {}\n", quote(r)))
            .unwrap_or_default();
        format!("extends:\n  git: {}\n{rev}", quote(pack))
    } else {
        format!("extends: {}\n", quote(pack))
    })
}

fn init(args: &Args) -> Result<(), crate::error::Error> {
    let opts = ScanOptions {
        paths: args.path.iter().cloned().collect(),
        config: args.config.clone(),
        ..ScanOptions::default()
    };
    // The repository and its config as they are, without loading packs yet.
    let setup = engine::setup(&ScanOptions {
        without_packs: true,
        ..opts.clone()
    })
    .map_err(|e| e.to_string())?;
    let root = setup.roots[0].clone();
    if let Some(entry) = extends_yaml(args, &setup.project_root) {
        let config = &setup.config;
        if !config.extends.is_empty() && !args.force {
            return Err(format!(
                "{} already extends {}; --force replaces it",
                config
                    .path
                    .as_deref()
                    .unwrap_or(Path::new(".agentgate.yaml"))
                    .display(),
                config.extends.join(", ")
            )
            .into());
        }
        let path = super::edit_config(config, &setup.project_root, |text| {
            crate::config::edit::set_block(text, "extends", &entry)
        })?;
        note(&format!("wrote `extends:` to {}", path.display()));
    }
    // Now with the pack, as `check` will load it (a git pack is fetched once and cached).
    let setup = engine::setup(&opts).map_err(|e| e.to_string())?;
    for o in crate::init::run(&root, &setup.config.policy, args.force)? {
        match o {
            crate::init::Outcome::Created(p) => note(&format!("created {p}")),
            crate::init::Outcome::Kept(p) => {
                note(&format!("kept {p} (exists; --force overwrites)"))
            }
            crate::init::Outcome::Refused(p, why) => {
                note(&format!("warning: {p}: not written: {why}"))
            }
        }
    }
    let in_git = crate::source::git::discover(&root).is_ok();
    if args.hook && in_git {
        let done = crate::hook::install(&root, crate::hook::HookKind::PreCommit, false)?;
        note(&match done {
            crate::hook::Installed::Fresh(p) | crate::hook::Installed::Unchanged(p) => {
                format!("installed the pre-commit hook ({})", p.display())
            }
            crate::hook::Installed::Chained { hook, .. } => format!(
                "installed the pre-commit hook ({}); the previous one still runs first",
                hook.display()
            ),
        });
    } else if in_git {
        note("next: `agentgate hook install` checks every commit (or `init --hook`)");
    }
    note("next: review the files, then run `agentgate check` and commit");
    Ok(())
}
