//! `agentgate fix`: the safe fixes for policy drift (managed blocks, required sections and
//! denies), written or shown as a diff.

use super::PolicyArgs;
use crate::engine::{self, ScanOptions};
use crate::error::{Outcome, Result};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The repository (default: the current directory).
    pub path: Option<PathBuf>,
    /// Print the edits as a unified diff instead of writing them (exit 1 if there are any).
    #[arg(long)]
    pub diff: bool,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

pub fn run(args: Args) -> Result<Outcome> {
    let opts = ScanOptions {
        paths: args.path.into_iter().collect(),
        config: args.policy.config,
        policy: args.policy.policy,
        ..ScanOptions::default()
    };
    let changed = run_fix(&opts, args.diff)?;
    Ok(Outcome::failing(args.diff && changed > 0))
}

/// Plans the policy fixes and writes them (or, with `preview`, prints their diff).
/// Returns how many files change.
pub(crate) fn run_fix(opts: &ScanOptions, preview: bool) -> Result<usize> {
    let setup = engine::setup(opts)?;
    let root = &setup.project_root;
    let (edits, skipped) = crate::fix::plan(root, &setup.config.policy);
    for s in &skipped {
        crate::sink::note(&format!("warning: {}: not fixed: {}", s.path, s.reason));
    }
    if preview {
        crate::sink::stdout(crate::fix::unified(&edits).as_bytes())?;
        return Ok(edits.len());
    }
    crate::fix::apply(root, &edits)?;
    for e in &edits {
        for c in &e.changes {
            crate::sink::note(&format!("fixed {}: {c}", e.path));
        }
    }
    Ok(edits.len())
}
