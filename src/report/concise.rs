//! `path:line:col: CODE severity message`, one per line: grep- and editor-friendly.

use super::{RenderOptions, Report};
use std::io::{self, Write};

pub fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    if opts.statistics {
        super::render_statistics(report, out)?;
    } else {
        for d in &report.diagnostics {
            writeln!(
                out,
                "{}:{}:{}: {} {} {}",
                crate::escape::line_start(&d.path),
                d.line(),
                d.col(),
                d.rule.code,
                d.severity,
                d.message
            )?;
        }
    }
    if !opts.quiet {
        writeln!(out, "{}", report.summary_line())?;
    }
    Ok(())
}
