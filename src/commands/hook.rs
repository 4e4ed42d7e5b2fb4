//! `agentgate hook install|uninstall`: the native git hook.

use crate::error::{Outcome, Result};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Install a hook that runs `agentgate check --staged` (pre-push: the pushed commits).
    Install {
        #[arg(long, value_enum, default_value_t = crate::hook::HookKind::PreCommit)]
        hook: crate::hook::HookKind,
        /// Install even when core.hooksPath is set, or replace a chained hook.
        #[arg(long)]
        force: bool,
    },
    /// Remove agentgate's hook and restore the one it chained.
    Uninstall {
        #[arg(long, value_enum, default_value_t = crate::hook::HookKind::PreCommit)]
        hook: crate::hook::HookKind,
    },
}

pub fn run(action: Action) -> Result<Outcome> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let result = match action {
        Action::Install { hook, force } => {
            crate::hook::install(&cwd, hook, force).map(|done| match done {
                crate::hook::Installed::Fresh(p) => format!("installed {}", p.display()),
                crate::hook::Installed::Unchanged(p) => {
                    format!("{} is already installed; nothing changed", p.display())
                }
                crate::hook::Installed::Chained { hook, legacy } => {
                    format!(
                        "installed {}; the previous hook was moved to {} and still runs first",
                        hook.display(),
                        legacy.display()
                    )
                }
            })
        }
        Action::Uninstall { hook } => crate::hook::uninstall(&cwd, hook),
    };
    crate::sink::note(&result?);
    Ok(Outcome::Clean)
}
