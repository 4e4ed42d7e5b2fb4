//! `agentgate history`: the secrets rules over every blob of the git history, once each.

use super::{OutputArgs, RuleArgs, deliver};
use crate::engine;
use crate::error::{Outcome, Result};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A directory inside the repository (default: the current directory).
    pub path: Option<PathBuf>,
    /// Only commits not reachable from REV (e.g. the pushed range: `--since origin/main`).
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
    /// Walk every ref, not just HEAD.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run(args: &Args) -> Result<Outcome> {
    // History is about secrets; other rule families judge the current configuration.
    let select = if args.rules.select.is_empty() {
        vec!["secrets".to_string()]
    } else {
        args.rules.select.clone()
    };
    let opts = engine::HistoryOptions {
        path: args.path.clone(),
        since: args.since.clone(),
        all: args.all,
        config: args.rules.config.clone(),
        select,
        ignore: args.rules.ignore.clone(),
    };
    deliver(engine::history(&opts)?, &args.out)
}
