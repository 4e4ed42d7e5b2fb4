//! GitHub Actions workflow commands (annotations), plus a Markdown job summary appended to
//! `$GITHUB_STEP_SUMMARY` when it is set.

use super::{Report, plural};
use crate::diagnostic::Severity;
use std::io::{self, Write};

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut props = format!(
            "title={},file={}",
            property(&format!("{} {}", d.rule.code, d.rule.name)),
            property(&d.path)
        );
        if let Some(s) = &d.span {
            props.push_str(&format!(",line={},endLine={}", s.line, s.end_line));
            // GitHub rejects columns on multi-line annotations.
            if s.line == s.end_line {
                props.push_str(&format!(",col={},endColumn={}", s.col, s.end_col));
            }
        }
        let mut message = format!(
            "{}:{}:{}: {} {}",
            d.path,
            d.line(),
            d.col(),
            d.rule.code,
            d.message
        );
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        writeln!(out, "::{command} {props}::{}", data(&message))?;
    }
    writeln!(out, "{}", report.summary_line())?;
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        crate::sink::append(std::path::Path::new(&path), summary(report).as_bytes())?;
    }
    Ok(())
}

/// Escaping from actions/toolkit `command.ts`.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The job summary stays well under GitHub's 1 MiB limit.
const SUMMARY_LIMIT: usize = 900 * 1024;

pub fn summary(report: &Report) -> String {
    let (e, w, n) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Note),
    );
    let icon = if e > 0 {
        "❌"
    } else if w > 0 {
        "⚠️"
    } else {
        "✅"
    };
    let mut md = format!("## {icon} agentgate\n\n{}\n\n", report.summary_line());
    if report.diagnostics.is_empty() {
        return md;
    }
    md.push_str(&format!(
        "| errors | warnings | notes |\n|---:|---:|---:|\n| {e} | {w} | {n} |\n\n"
    ));
    md.push_str("| Rule | Severity | Location | Message |\n|---|---|---|---|\n");
    let link_base = match (
        std::env::var("GITHUB_SERVER_URL"),
        std::env::var("GITHUB_REPOSITORY"),
        std::env::var("GITHUB_SHA"),
    ) {
        (Ok(server), Ok(repo), Ok(sha)) => Some(format!("{server}/{repo}/blob/{sha}")),
        _ => None,
    };
    for (shown, d) in report.diagnostics.iter().enumerate() {
        let place = format!("{}:{}", d.path, d.line());
        let place = match &link_base {
            Some(base) => format!(
                "[{}]({base}/{}#L{})",
                cell(&place),
                d.path
                    .replace('%', "%25")
                    .replace(' ', "%20")
                    .replace('(', "%28")
                    .replace(')', "%29"),
                d.line()
            ),
            None => format!("`{}`", cell(&place).replace('`', "'")),
        };
        let row = format!(
            "| {} {} | {} | {} | {} |\n",
            d.rule.code,
            d.rule.name,
            d.severity,
            place,
            cell(&d.message)
        );
        if md.len() + row.len() > SUMMARY_LIMIT {
            let rest = report.diagnostics.len() - shown;
            md.push_str(&format!(
                "\n… and {rest} more finding{} (see the full log or SARIF).\n",
                plural(rest)
            ));
            break;
        }
        md.push_str(&row);
    }
    md.push_str("\n<details><summary>Statistics</summary>\n\n| Count | Rule |\n|---:|---|\n");
    for (count, rule) in report.statistics().values() {
        md.push_str(&format!("| {count} | {} {} |\n", rule.code, rule.name));
    }
    md.push_str("\n</details>\n");
    md
}

/// A Markdown table cell: no column break, no line break, no code span or HTML opened by
/// the repository's text.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
        .replace(['\n', '\r'], " ")
        .replace('`', "\\`")
        .replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escaping() {
        assert_eq!(super::data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(super::property("a:b,c"), "a%3Ab%2Cc");
    }
}
