//! JUnit XML: one test suite per file, one failing test case per finding.

use super::Report;
use std::collections::BTreeMap;
use std::io::{self, Write};

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut by_file: BTreeMap<&str, Vec<&crate::diagnostic::Diagnostic>> = BTreeMap::new();
    for d in &report.diagnostics {
        by_file.entry(&d.path).or_default().push(d);
    }
    let total = report.diagnostics.len();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="agentgate" tests="{}" failures="{total}" errors="0">"#,
        total.max(1)
    )?;
    if by_file.is_empty() {
        writeln!(
            out,
            r#"  <testsuite name="agentgate" tests="1" failures="0" errors="0" skipped="0">"#
        )?;
        writeln!(
            out,
            r#"    <testcase name="No problems found" classname="agentgate"/>"#
        )?;
        writeln!(out, "  </testsuite>")?;
    }
    for (path, diags) in by_file {
        let n = diags.len();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{n}" failures="{n}" errors="0" skipped="0">"#,
            crate::escape::html(path)
        )?;
        for d in diags {
            writeln!(
                out,
                r#"    <testcase name="agentgate.{}.{}" classname="{}" file="{}" line="{}">"#,
                d.rule.code,
                d.rule.name,
                crate::escape::html(path.rsplit_once('.').map_or(path, |(stem, _)| stem)),
                crate::escape::html(path),
                d.line()
            )?;
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}:{}:{}: {} {}</failure>"#,
                crate::escape::html(&d.message),
                d.severity,
                crate::escape::html(path),
                d.line(),
                d.col(),
                d.rule.code,
                crate::escape::html(&d.message)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
