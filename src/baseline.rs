//! Baselines: accept today's findings, report only new ones. Keyed by fingerprint (rule,
//! path and the flagged content — for secrets a hash of the value), so moving lines does
//! not resurrect accepted findings and the file never contains a secret.

use crate::diagnostic::Diagnostic;
use crate::report::Report;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

pub const DEFAULT_FILE: &str = ".agentgate-baseline.json";
/// Baselines are read up to this size.
pub const MAX_SIZE: u64 = 32 * 1024 * 1024;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub fingerprint: String,
    pub code: String,
    pub path: String,
}

pub fn from_report(report: &Report) -> Baseline {
    let mut findings: Vec<Entry> = report
        .diagnostics
        .iter()
        .map(|d| Entry {
            fingerprint: d.fingerprint.clone(),
            code: d.rule.code.to_string(),
            path: d.path.clone(),
        })
        .collect();
    findings.sort();
    findings.dedup();
    Baseline {
        version: 1,
        findings,
    }
}

/// Reads a baseline named on the command line (capped; never a FIFO or a device).
pub fn load(path: &Path) -> Result<Baseline, crate::error::Error> {
    let text = crate::fsx::read_text(path, MAX_SIZE)
        .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    parse(&text, &path.display().to_string())
}

pub fn parse(text: &str, name: &str) -> Result<Baseline, crate::error::Error> {
    let b: Baseline =
        serde_json::from_str(text).map_err(|e| format!("invalid baseline {name}: {e}"))?;
    if b.version != 1 {
        return Err(format!("baseline {name} has version {}, expected 1", b.version).into());
    }
    Ok(b)
}

/// Moves findings that are in the baseline from `report.diagnostics` to `report.suppressed`
/// (next to those exceptions suppressed).
pub fn apply(report: &mut Report, baseline: &Baseline, name: &str) {
    let known: HashSet<(&str, &str)> = baseline
        .findings
        .iter()
        .map(|e| (e.fingerprint.as_str(), e.code.as_str()))
        .collect();
    let (old, new): (Vec<Diagnostic>, Vec<Diagnostic>) = std::mem::take(&mut report.diagnostics)
        .into_iter()
        .partition(|d| {
            !report.selection.is_locked(d.rule)
                && known.contains(&(d.fingerprint.as_str(), d.rule.code))
        });
    report.diagnostics = new;
    report.suppressed.extend(old.into_iter().map(|mut d| {
        d.help = Some(format!("accepted in the baseline {name}"));
        d
    }));
}
