//! Reports: the result of a run and one renderer per output format. Renderers read the
//! registry's metadata and the diagnostics; they never run rules.

// Moved below the rules (every layer masks and escapes); re-exported for old paths.
pub use crate::{diagnostic, escape, mask, sink};

pub mod concise;
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
    /// Text of the files that have diagnostics (for snippets), by project-relative path.
    /// Raw: only [`Report::redacted_source`] may hand it out.
    sources: HashMap<String, String>,
    /// `--diff`: findings the base already had, not shown.
    pub not_new: usize,
    /// Snippet texts built so far.
    snippets: std::sync::Mutex<HashMap<String, std::sync::Arc<str>>>,
    /// Project root: paths in diagnostics are relative to it.
    pub root: PathBuf,
    pub files_scanned: usize,
    pub agent_files: usize,
    /// What could not be checked (path, why): the scan is incomplete when this is not empty,
    /// whatever rules were selected, and the run exits 2.
    pub incomplete: Vec<(String, String)>,
    pub selection: Selection,
}

impl Report {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        diagnostics: Vec<Diagnostic>,
        suppressed: Vec<Diagnostic>,
        sources: HashMap<String, String>,
        root: PathBuf,
        files_scanned: usize,
        agent_files: usize,
        incomplete: Vec<(String, String)>,
        selection: Selection,
    ) -> Self {
        Self {
            diagnostics,
            suppressed,
            sources,
            not_new: 0,
            snippets: Default::default(),
            root,
            files_scanned,
            agent_files,
            incomplete,
            selection,
        }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    pub fn is_incomplete(&self) -> bool {
        !self.incomplete.is_empty()
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

    /// The file's text for snippets, built on first use (only the text renderer asks, and
    /// only for findings whose line fits a snippet). Only the lines around the file's
    /// findings are kept, masked and escaped ([`mask::blank`], [`escape::snippet`], plus
    /// the findings' own redacted ranges); every other byte is blanked, line breaks kept,
    /// so spans and line numbers stay valid and nothing else of the file can be shown.
    pub fn redacted_source(&self, path: &str) -> Option<std::sync::Arc<str>> {
        let mut cache = self.snippets.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(done) = cache.get(path) {
            return Some(done.clone());
        }
        let text = self.sources.get(path)?;
        let built: std::sync::Arc<str> = snippet_text(
            text,
            self.diagnostics
                .iter()
                .chain(&self.suppressed)
                .filter(|d| d.path == path),
        )
        .into();
        cache.insert(path.to_string(), built.clone());
        Some(built)
    }

    /// Masks and escapes every string a renderer may print, once, when the run ends: each
    /// diagnostic's message, help, labels and path ([`mask::text`], [`escape::line`]).
    /// Snippet sources are masked when first shown ([`Report::redacted_source`]).
    pub fn seal(&mut self) {
        for (path, why) in &mut self.incomplete {
            *path = seal_path(path);
            *why = seal_text(why);
        }
        let sources = std::mem::take(&mut self.sources);
        self.sources = sources
            .into_iter()
            .map(|(path, text)| (seal_path(&path), text))
            .collect();
        for d in self
            .diagnostics
            .iter_mut()
            .chain(self.suppressed.iter_mut())
        {
            seal_diagnostic(d);
        }
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
            let mut by: Vec<(&str, usize)> = Vec::new();
            for d in &self.suppressed {
                let kind = suppression_kind(d).label();
                match by.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, n)) => *n += 1,
                    None => by.push((kind, 1)),
                }
            }
            by.sort();
            let parts: Vec<String> = by.iter().map(|(k, n)| format!("{n} {k}")).collect();
            line.push_str(&format!(
                " {} suppressed finding{} not shown ({}).",
                self.suppressed.len(),
                plural(self.suppressed.len()),
                parts.join(", ")
            ));
        }
        if self.not_new > 0 {
            line.push_str(&format!(
                " {} finding{} already on the diff base not shown.",
                self.not_new,
                plural(self.not_new)
            ));
        }
        if self.is_incomplete() {
            let n = self.incomplete.len();
            line.push_str(&format!(
                " Scan incomplete: {n} file{} could not be checked.",
                plural(n)
            ));
        }
        line
    }
}

/// How a suppressed finding was accepted (from the justification its help carries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suppression {
    Baseline,
    Exception,
    InSource,
}

impl Suppression {
    pub fn label(self) -> &'static str {
        match self {
            Self::Baseline => "baseline",
            Self::Exception => "exceptions",
            Self::InSource => "in-source",
        }
    }
}

pub fn suppression_kind(d: &Diagnostic) -> Suppression {
    match d.help.as_deref().unwrap_or("") {
        h if h.starts_with("ignored in-source") => Suppression::InSource,
        h if h.starts_with("excepted") => Suppression::Exception,
        _ => Suppression::Baseline,
    }
}

/// Lines longer than this are never shown in a snippet (the text renderer's limit).
pub const MAX_SNIPPET_LINE: usize = 1000;

/// Lines a snippet may show around a finding (miette shows one on either side).
const SNIPPET_CONTEXT_LINES: usize = 2;

fn snippet_text<'a>(text: &str, diags: impl Iterator<Item = &'a Diagnostic>) -> String {
    let bytes = text.as_bytes();
    let mut windows: Vec<std::ops::Range<usize>> = Vec::new();
    let mut redact = Vec::new();
    for d in diags {
        redact.extend(d.redact.iter().cloned());
        let spans = d.span.iter().chain(d.labels.iter().map(|l| &l.span));
        for span in spans {
            let mut start = span.start.min(bytes.len());
            for _ in 0..=SNIPPET_CONTEXT_LINES {
                start = memchr::memrchr(b'\n', &bytes[..start.saturating_sub(1).min(start)])
                    .map_or(0, |i| i + 1);
                if start == 0 {
                    break;
                }
            }
            let mut end = span.end.min(bytes.len());
            for _ in 0..=SNIPPET_CONTEXT_LINES {
                end = memchr::memchr(b'\n', &bytes[end.min(bytes.len())..])
                    .map_or(bytes.len(), |i| end + i + 1);
                if end >= bytes.len() {
                    break;
                }
            }
            windows.push(start..end.min(bytes.len()));
        }
    }
    windows.sort_by_key(|w| w.start);
    let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
    for w in windows {
        match merged.last_mut() {
            Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
            _ => merged.push(w),
        }
    }
    // Blank everything, then copy each window in, masked.
    let mut out: Vec<u8> = bytes
        .iter()
        .map(|&b| if b == b'\n' { b'\n' } else { b' ' })
        .collect();
    for w in merged {
        // A window holding a line too long to show (minified files) stays blank: no
        // renderer shows it, and masking megabytes for nothing is a way to stall the run.
        if bytes[w.clone()]
            .split(|&b| b == b'\n')
            .any(|line| line.len() > MAX_SNIPPET_LINE)
        {
            continue;
        }
        let mut window = bytes[w.clone()].to_vec();
        for r in &redact {
            let (s, e) = (r.start.max(w.start), r.end.min(w.end));
            for b in window
                .iter_mut()
                .take(e.saturating_sub(w.start))
                .skip(s.saturating_sub(w.start))
            {
                if *b != b'\n' {
                    *b = b'*';
                }
            }
        }
        let window = String::from_utf8_lossy(&window);
        let shown = escape::snippet(&mask::blank(&window)).into_owned();
        if shown.len() == w.len() {
            out[w].copy_from_slice(shown.as_bytes());
        }
        // A window cut inside a multi-byte character (not a line boundary: cannot happen)
        // would change length: it stays blank rather than misplace a span.
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn seal_path(p: &str) -> String {
    escape::line(&mask::path(p)).into_owned()
}

fn seal_text(s: &str) -> String {
    escape::line(&mask::text(s)).into_owned()
}

fn seal_diagnostic(d: &mut Diagnostic) {
    d.path = seal_path(&d.path);
    d.message = seal_text(&d.message);
    if let Some(h) = &d.help {
        d.help = Some(escape::block(&mask::text(h)).into_owned());
    }
    for l in &mut d.labels {
        l.text = seal_text(&l.text);
    }
}

pub use crate::diagnostic::plural;

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
            rule.code,
            rule.name,
            // The severity this run gives it (config and packs), not the default.
            report.selection.severity(rule)
        )?;
    }
    Ok(())
}
