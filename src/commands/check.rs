//! `agentgate check`: one engine run over the tree, the staged index (`--staged`) or a pull
//! request's changes (`--diff BASE`), rendered in the asked format.

use super::{OutputArgs, RuleArgs, deliver};
use crate::engine::{self, ScanOptions};
use crate::error::{Outcome, Result};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or directories to check.
    pub paths: Vec<PathBuf>,
    /// Check what is staged in the git index (what the next commit will contain).
    #[arg(long, conflicts_with = "diff")]
    pub staged: bool,
    /// PR mode: report only findings on lines changed since HEAD forked from BASE.
    #[arg(long, value_name = "BASE")]
    pub diff: Option<String>,
    /// Apply the safe policy fixes first (see `agentgate fix`), then check.
    #[arg(long, conflicts_with = "staged")]
    pub fix: bool,
    /// Do not read .gitignore, .ignore or git's excludes (tracked files are checked anyway).
    #[arg(long)]
    pub no_ignore: bool,
    /// Report only findings that are not in this baseline (default: the config's `baseline:`).
    #[arg(long, value_name = "FILE", conflicts_with = "no_baseline")]
    pub baseline: Option<PathBuf>,
    /// Report baselined findings too.
    #[arg(long)]
    pub no_baseline: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run(args: &Args) -> Result<Outcome> {
    let opts = ScanOptions {
        paths: args.paths.clone(),
        staged: args.staged,
        diff: args.diff.clone(),
        config: args.rules.config.clone(),
        policy: args.rules.policy.clone(),
        select: args.rules.select.clone(),
        ignore: args.rules.ignore.clone(),
        no_ignore: args.no_ignore,
        baseline: args.baseline.clone(),
        no_baseline: args.no_baseline,
        without_packs: false,
        layer_config: false,
    };
    if args.fix {
        super::fix::run_fix(&opts, false)?;
    }
    deliver(engine::run(&opts)?, &args.out)
}
