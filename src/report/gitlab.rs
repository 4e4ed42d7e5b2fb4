//! GitLab Code Quality report (a JSON array of Code Climate issues).

use super::Report;
use crate::diagnostic::{Severity, fingerprint};
use serde_json::json;
use std::collections::HashSet;
use std::io::{self, Write};

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut seen = HashSet::new();
    let issues: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| {
            // GitLab collapses duplicate fingerprints: re-salt until unique.
            let mut fp = d.fingerprint.clone();
            let mut salt = 0u32;
            while !seen.insert(fp.clone()) {
                salt += 1;
                fp = fingerprint(&[&d.fingerprint, &salt.to_string()]);
            }
            let (begin, end) = d.span.as_ref().map_or((json!({"line": 1}), json!({"line": 1})), |s| {
                (json!({"line": s.line, "column": s.col}), json!({"line": s.end_line, "column": s.end_col}))
            });
            json!({
                "type": "issue",
                "check_name": d.rule.code,
                "description": format!("{}: {}", d.rule.code, d.message),
                "categories": [if d.rule.family.is_security() { "Security" } else { "Bug Risk" }],
                "severity": match d.severity { Severity::Error => if d.rule.family.is_security() { "critical" } else { "major" }, Severity::Warning => "minor", Severity::Note => "info" },
                "fingerprint": fp,
                "location": { "path": d.path, "positions": { "begin": begin, "end": end } },
                "engine_name": "agentgate",
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
