//! `agentgate baseline`: accept today's findings. Writes the baseline file and, the first
//! time, names it in `.agentgate.yaml` (`baseline:`), so `check` in every mode — the hook,
//! pre-commit, the Action, `fleet` — reports only new findings.

use crate::engine::{self, ScanOptions};
use crate::error::{Outcome, Result};
use crate::sink::note;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or directories to check.
    pub paths: Vec<PathBuf>,
    /// Where to write the baseline (default: the config's `baseline:`, else
    /// `.agentgate-baseline.json` at the project root).
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub rules: super::RuleArgs,
}

pub fn run(args: &Args) -> Result<Outcome> {
    let opts = ScanOptions {
        paths: args.paths.clone(),
        config: args.rules.config.clone(),
        policy: args.rules.policy.clone(),
        select: args.rules.select.clone(),
        ignore: args.rules.ignore.clone(),
        no_baseline: true,
        ..ScanOptions::default()
    };
    write(&opts, args.output.as_deref()).map(|()| Outcome::Clean)
}

fn write(opts: &ScanOptions, output: Option<&std::path::Path>) -> Result<(), crate::error::Error> {
    let setup = engine::setup(opts)?;
    let root = setup.project_root.clone();
    let output = match (output, &setup.config.baseline) {
        (Some(o), _) => std::env::current_dir().unwrap_or_default().join(o),
        (None, Some(rel)) => root.join(rel),
        (None, None) => root.join(crate::baseline::DEFAULT_FILE),
    };
    let report = engine::run(opts).map_err(|e| e.to_string())?;
    if !report.incomplete.is_empty() {
        // Accepting findings from a scan that could not see everything would accept blind.
        return Err(format!(
            "the scan was incomplete ({} file(s) could not be checked); no baseline written",
            report.incomplete.len()
        )
        .into());
    }
    let b = crate::baseline::from_report(&report);
    let json = serde_json::to_string_pretty(&b).unwrap_or_default() + "\n";
    crate::sink::file(&output, json.as_bytes(), &root).map_err(|e| format!("cannot write {e}"))?;
    note(&format!(
        "wrote {} finding(s) to {}",
        b.findings.len(),
        output.display()
    ));
    let Some(rel) = super::relative_to(&output, &root) else {
        note("the baseline is outside the repository: pass it with `check --baseline FILE`");
        return Ok(());
    };
    match &setup.config.baseline {
        Some(named) if *named == rel => {}
        Some(named) => note(&format!(
            "warning: .agentgate.yaml names `baseline: {named}`; `check` keeps using that file"
        )),
        None => {
            let dir = setup
                .config
                .path
                .as_deref()
                .and_then(std::path::Path::parent)
                .unwrap_or(&root);
            let value = super::relative_to(&output, dir).unwrap_or(rel);
            let path = super::edit_config(&setup.config, &root, |text| {
                crate::config::edit::set_key(text, "baseline", &value)
            })?;
            note(&format!(
                "set `baseline: {value}` in {}: `check`, the hooks and the Action now report only new findings",
                path.display()
            ));
        }
    }
    Ok(())
}
