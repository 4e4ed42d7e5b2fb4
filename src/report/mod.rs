//! Reports: the result of a run and one renderer per output format. Renderers read the
//! registry's metadata and the diagnostics; they never run rules.

pub mod concise;
pub mod diagnostic;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod text;

use crate::rules::{RULES, Rule, Selection};
use diagnostic::{Diagnostic, Severity};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::PathBuf;

pub const TOOL_NAME: &str = "agentgate";
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
pub const INFO_URI: &str = "https://github.com/agentgate/agentgate";

/// Everything a renderer needs to know about one run.
pub struct Report {
    /// Sorted by path, line, column, code.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings accepted in a baseline: not reported or counted, but listed in SARIF as suppressed.
    pub suppressed: Vec<Diagnostic>,
    /// Every MCP server of the run as (file, name, definition hash), for `agentgate lock`.
    pub mcp_inventory: Vec<(String, String, String)>,
    /// Text of the files that have diagnostics (for snippets), by project-relative path.
    pub sources: HashMap<String, String>,
    /// Project root: paths in diagnostics are relative to it.
    pub root: PathBuf,
    pub files_scanned: usize,
    pub agent_files: usize,
    /// Files that could not be read: the scan is incomplete when this is non-zero.
    pub unreadable: usize,
    pub selection: Selection,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    pub fn incomplete(&self) -> bool {
        self.unreadable > 0
    }

    pub fn enabled_rules(&self) -> Vec<&'static Rule> {
        RULES
            .iter()
            .copied()
            .filter(|r| self.selection.is_enabled(r))
            .collect()
    }

    /// Diagnostic counts per rule, in code order.
    pub fn statistics(&self) -> BTreeMap<&'static str, (usize, &'static Rule)> {
        let mut stats: BTreeMap<&'static str, (usize, &'static Rule)> = BTreeMap::new();
        for d in &self.diagnostics {
            stats.entry(d.rule.code).or_insert((0, d.rule)).0 += 1;
        }
        stats
    }

    /// The file's text with every redacted range masked, byte length preserved. Besides the
    /// findings' own ranges, every credential the secrets packs find is masked: a snippet shows
    /// neighbouring lines, and the secrets rules may be off, baselined or excepted.
    pub fn redacted_source(&self, path: &str) -> Option<String> {
        let text = self.sources.get(path)?;
        let engines = [
            Some(crate::secrets::Engine::builtin()),
            self.selection.org_secrets.as_deref(),
        ];
        let ranges: Vec<_> = self
            .diagnostics
            .iter()
            .chain(&self.suppressed)
            .filter(|d| d.path == path)
            .flat_map(|d| d.redact.iter().cloned())
            .chain(
                engines
                    .into_iter()
                    .flatten()
                    .flat_map(|e| e.scan(text.as_bytes(), true))
                    .map(|f| f.secret),
            )
            .collect();
        if ranges.is_empty() {
            return Some(text.clone());
        }
        let mut bytes = text.clone().into_bytes();
        for r in ranges {
            let end = r.end.min(bytes.len());
            for b in &mut bytes[r.start.min(end)..end] {
                // Keep line structure; mask everything else with ASCII (valid UTF-8 as a whole).
                if *b != b'\n' {
                    *b = b'*';
                }
            }
        }
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// One-line summary for people.
    pub fn summary_line(&self) -> String {
        let (e, w, n) = (
            self.count(Severity::Error),
            self.count(Severity::Warning),
            self.count(Severity::Note),
        );
        let files = format!(
            "{} agent file{} checked, {} files seen",
            self.agent_files,
            plural(self.agent_files),
            self.files_scanned
        );
        let mut line = if e + w + n == 0 {
            format!("No problems found ({files}).")
        } else {
            format!(
                "Found {e} error{}, {w} warning{}, {n} note{} ({files}).",
                plural(e),
                plural(w),
                plural(n)
            )
        };
        if !self.suppressed.is_empty() {
            line.push_str(&format!(
                " {} suppressed finding{} not shown (baseline or exceptions).",
                self.suppressed.len(),
                plural(self.suppressed.len())
            ));
        }
        if self.incomplete() {
            line.push_str(&format!(
                " Scan incomplete: {} file{} could not be read.",
                self.unreadable,
                plural(self.unreadable)
            ));
        }
        line
    }
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Concise,
    Json,
    Sarif,
    Github,
    Gitlab,
    Junit,
}

#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    pub color: bool,
    pub quiet: bool,
    pub statistics: bool,
    /// Terminal width for the text renderer.
    pub width: usize,
}

pub fn render(
    format: Format,
    report: &Report,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::render(report, opts, out),
        Format::Concise => concise::render(report, opts, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Github => github::render(report, out),
        Format::Gitlab => gitlab::render(report, out),
        Format::Junit => junit::render(report, out),
    }
}

/// `--statistics`: one row per rule instead of the individual findings.
pub fn render_statistics(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for (count, rule) in report.statistics().values() {
        writeln!(
            out,
            "{count:>6}  {:<6} {:<28} {}",
            rule.code, rule.name, rule.severity
        )?;
    }
    Ok(())
}
