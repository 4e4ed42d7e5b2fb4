//! `agentgate policy show|update|export|contribute`: the merged organisation policy.

use super::PolicyArgs;
use crate::engine::{self, ScanOptions};
use crate::error::{Outcome, Result};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Print the merged policy (JSON) and the packs it came from.
    Show {
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Fetch the config's git packs now, whatever `policy.refresh` says, and show the result.
    Update {
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Write the pack as an agent's runtime policy file (Claude Code or Copilot managed
    /// settings, Codex requirements.toml), or `--check` a committed one.
    Export(crate::commands::policy_export::ExportArgs),
    /// Propose a team's change (a library skill, a managed block, a deny rule) to the
    /// organisation's pack: a patch, and a branch when the pack is a local git repository.
    Contribute(crate::commands::contribute::ContributeArgs),
}

pub fn run(action: Action) -> Result<Outcome> {
    let policy = match action {
        Action::Show { policy } => policy,
        Action::Update { policy } => {
            crate::policy::fetch::set_refresh(crate::policy::fetch::Refresh::Always);
            policy
        }
        Action::Export(args) => return crate::commands::policy_export::run(args),
        Action::Contribute(args) => return crate::commands::contribute::run(args),
    };
    let opts = ScanOptions {
        config: policy.config,
        policy: policy.policy,
        ..ScanOptions::default()
    };
    let setup = engine::setup(&opts)?;
    let mut value = serde_json::to_value(&setup.config.policy).unwrap_or_default();
    crate::mask::json(&mut value);
    super::clean(crate::sink::stdout(
        (serde_json::to_string_pretty(&value).unwrap_or_default() + "\n").as_bytes(),
    ))
}
