//! Versioned JSON output; the schema is documented in docs/json-output.md.

use super::{Report, TOOL_NAME, TOOL_VERSION};
use crate::diagnostic::Severity;
use serde_json::{Value, json};
use std::io::{self, Write};

/// Bumped on any incompatible change to the shape below.
pub const SCHEMA_VERSION: u32 = 1;

pub fn to_value(report: &Report) -> Value {
    let diagnostics: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            json!({
                "code": d.rule.code,
                "name": d.rule.name,
                "family": d.rule.family,
                "severity": d.severity,
                "confidence": d.rule.confidence,
                "message": d.message,
                "path": d.path,
                "location": d.span.as_ref().map(|s| json!({
                    "line": s.line, "column": s.col, "end_line": s.end_line, "end_column": s.end_col,
                })),
                "labels": d.labels.iter().map(|l| json!({
                    "message": l.text, "line": l.span.line, "column": l.span.col,
                    "end_line": l.span.end_line, "end_column": l.span.end_col,
                })).collect::<Vec<_>>(),
                "help": d.help,
                "fingerprint": d.fingerprint,
                "secret": d.secret,
            })
        })
        .collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "tool": { "name": TOOL_NAME, "version": TOOL_VERSION },
        "summary": {
            "files_scanned": report.files_scanned,
            "agent_files": report.agent_files,
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "notes": report.count(Severity::Note),
            "unreadable_files": report.incomplete.len(),
            "complete": !report.is_incomplete(),
            "incomplete": report.incomplete.iter().map(|(path, why)| json!({"path": path, "reason": why})).collect::<Vec<_>>(),
        },
        "diagnostics": diagnostics,
    })
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(report))?;
    writeln!(out)
}
