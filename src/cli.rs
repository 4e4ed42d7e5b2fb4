//! Command-line interface: parse arguments, run, map the outcome to an exit code
//! (0 clean, 1 findings at or above --fail-on, 2 usage/config/internal error).

use crate::error::{Outcome, Result};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "agentgate",
    version,
    about = "Lint and gate AI-coding-agent configuration: permissions, MCP servers, context files, secrets"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files and directories (default: the current directory).
    Check(crate::commands::check::Args),
    /// Apply the safe fixes for policy drift (managed blocks, required sections and denies).
    Fix(crate::commands::fix::Args),
    /// Scaffold context files and settings for a new repository from the policy's templates.
    Init(crate::commands::init::Args),
    /// Scan git history for secrets: every unique blob once, with the commit that introduced it.
    History(crate::commands::history::Args),
    /// Accept today's findings: write the baseline file and name it in `.agentgate.yaml`.
    Baseline(crate::commands::baseline::Args),
    /// Audited exceptions in `.agentgate.yaml` (the fast path for an accepted finding).
    Exception {
        #[command(subcommand)]
        action: crate::commands::exception::Action,
    },
    /// Show the organisation policy assembled from the `extends:` packs.
    Policy {
        #[command(subcommand)]
        action: crate::commands::policy::Action,
    },
    /// Record every MCP server definition in agentgate.lock (reviewed changes only, afterwards).
    Lock {
        /// The repository (default: the current directory).
        path: Option<PathBuf>,
    },
    /// List every rule.
    Rules {
        /// `table` for people, `json` for tools.
        #[arg(long, value_enum, default_value_t = crate::commands::rules::Format::Table)]
        format: crate::commands::rules::Format,
        /// List the secrets pack's rules (what AG402/AG403 detect) instead.
        #[arg(long)]
        secrets: bool,
        /// List what the knowledge tables know about each agent: the facts, the client
        /// versions they hold for (or were checked against), and their sources.
        #[arg(long, conflicts_with = "secrets")]
        knowledge: bool,
    },
    /// Show the documentation of a rule, by code (AG101) or name (bash-wildcard-allow).
    Explain { rule: String },
    /// Scan many repositories: scorecards, a JSON report and an HTML dashboard (docs/fleet.md).
    Fleet {
        #[command(subcommand)]
        action: crate::fleet::FleetAction,
    },
    /// Install or remove the native git hook.
    Hook {
        #[command(subcommand)]
        action: crate::commands::hook::Action,
    },
    /// Write docs/rules/ from the registry (used by the docs freshness test).
    #[command(hide = true)]
    GenerateDocs {
        #[arg(default_value = "docs/rules")]
        dir: PathBuf,
    },
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    exit(run(cli.command))
}

/// The one place an outcome becomes an exit code: 0 clean, 1 findings, 2 any error (printed
/// here, once, the same way for every command).
fn exit(result: Result<Outcome>) -> ExitCode {
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(e) => {
            crate::commands::print_error(&e);
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> Result<Outcome> {
    match command {
        Command::Check(args) => crate::commands::check::run(&args),
        Command::Fix(args) => crate::commands::fix::run(args),
        Command::Init(args) => crate::commands::init::run(&args),
        Command::Baseline(args) => crate::commands::baseline::run(&args),
        Command::Exception { action } => crate::commands::exception::run(&action),
        Command::Policy { action } => crate::commands::policy::run(action),
        Command::Lock { path } => crate::commands::lock::run(path),
        Command::History(args) => crate::commands::history::run(&args),
        Command::Rules {
            format,
            secrets,
            knowledge,
        } => crate::commands::rules::run(format, secrets, knowledge),
        Command::Explain { rule } => crate::commands::rules::explain(&rule),
        Command::Fleet { action } => crate::fleet::run(action),
        Command::Hook { action } => crate::commands::hook::run(action),
        Command::GenerateDocs { dir } => {
            let n = crate::docs::write(&dir)?;
            crate::sink::note(&format!("wrote {n} files to {}", dir.display()));
            Ok(Outcome::Clean)
        }
    }
}
