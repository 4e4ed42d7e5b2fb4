//! Agent usage exports, offline: OpenTelemetry (Claude Code, as an OpenTelemetry Collector's
//! file exporter writes it), Anthropic Admin API usage and cost pages, the Claude Code
//! Analytics API, Claude Code session transcripts, Codex rollouts and Copilot usage NDJSON.
//!
//! Every file is streamed (line by line, or value by value for pretty-printed API pages),
//! gzip or not, its format detected from its first value. Each source module turns what it
//! reads into normalized [`Row`]s; [`FileCtx::emit`] attributes a row to a team and
//! repository ([`attribution`]), optionally writes it out ([`export`], in input order) and adds it to the
//! aggregate ([`aggregate`]) — nothing per row is kept. Files are read in parallel, each into
//! its own aggregate, merged at the end. [`metrics`] turns the aggregate into the report.
//! Field mappings and formulas: docs/usage.md.

pub mod admin;
pub mod aggregate;
pub mod analytics;
pub mod attribution;
pub mod codex;
pub mod copilot;
pub mod export;
pub mod json;
pub mod metrics;
pub mod otel;
pub mod reader;
pub mod thresholds;
pub mod time;
pub mod transcript;

use aggregate::Agg;
use attribution::{Attributor, Hints};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The hash maps of the ingest: keyed by small integers and short strings, looked up several
/// times per row, so a fast (non-cryptographic, per-process seeded) hasher.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// An interned string: an index into a file's (or the merged) [`Interner`].
pub type Sym = u32;

/// Strings seen while reading, stored once. Rows and aggregation keys hold [`Sym`]s.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    map: FastMap<Box<str>, Sym>,
    strings: Vec<Box<str>>,
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&id) = self.map.get(s) {
            return id;
        }
        let id = self.strings.len() as Sym;
        self.strings.push(s.into());
        self.map.insert(s.into(), id);
        id
    }

    pub fn get(&self, id: Sym) -> &str {
        &self.strings[id as usize]
    }

    pub fn len(&self) -> usize {
        self.strings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }
}

/// Where a row came from. The order is the precedence when two sources describe the same
/// session (see [`aggregate`]): a lower value wins.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// `claude_code.api_request` log events (one per API request, with cost).
    #[default]
    OtelLog,
    /// `claude_code.token.usage` / `cost.usage` / `session.count` … metric datapoints.
    OtelMetric,
    /// `~/.claude/projects/*/*.jsonl` assistant messages.
    Transcript,
    /// Codex `token_count` events.
    Codex,
    /// Admin API `usage_report/messages` results.
    AdminMessages,
    /// Admin API `cost_report` results.
    AdminCost,
    /// Admin API `usage_report/claude_code` (Claude Code Analytics) records.
    Analytics,
    /// GitHub Copilot usage metrics (user-level NDJSON).
    Copilot,
}

impl Source {
    pub const ALL: [Source; 8] = [
        Source::OtelLog,
        Source::OtelMetric,
        Source::Transcript,
        Source::Codex,
        Source::AdminMessages,
        Source::AdminCost,
        Source::Analytics,
        Source::Copilot,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::OtelLog => "otel_log",
            Source::OtelMetric => "otel_metric",
            Source::Transcript => "transcript",
            Source::Codex => "codex",
            Source::AdminMessages => "admin_messages",
            Source::AdminCost => "admin_cost",
            Source::Analytics => "analytics",
            Source::Copilot => "copilot",
        }
    }

    /// Sources that count commits and pull requests (tokens per commit use their tokens).
    pub fn reports_commits(self) -> bool {
        matches!(
            self,
            Source::OtelLog | Source::OtelMetric | Source::Analytics
        )
    }
}

/// Who issued a request: the main conversation, a subagent, or an auxiliary subsystem
/// (compaction, titles …). `Unknown` when the source does not say.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Query {
    Main,
    Subagent,
    Auxiliary,
    #[default]
    Unknown,
}

impl Query {
    pub fn as_str(self) -> &'static str {
        match self {
            Query::Main => "main",
            Query::Subagent => "subagent",
            Query::Auxiliary => "auxiliary",
            Query::Unknown => "unknown",
        }
    }

    /// Claude Code's `query_source`: the metric category (`main`, `subagent`, `auxiliary`) or,
    /// on events, the subsystem (`repl_main_thread`, `compact`, or a subagent's name).
    pub fn from_claude(value: &str) -> Query {
        match value {
            "main" | "repl_main_thread" => Query::Main,
            "auxiliary" | "compact" => Query::Auxiliary,
            "" => Query::Unknown,
            _ => Query::Subagent,
        }
    }
}

/// One normalized usage record. `None` means the source does not report the field (never
/// read as zero: a Copilot row has no cache fields, so it does not enter the cache ratio).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub source: Source,
    /// Seconds since the epoch: the event time or the start of the report bucket.
    pub time: i64,
    pub session: Option<Sym>,
    pub model: Option<Sym>,
    pub query: Query,
    pub user: Option<Sym>,
    pub hints: Hints,
    /// Input tokens not read from or written to the cache.
    pub input: Option<u64>,
    pub output: Option<u64>,
    pub cache_read: Option<u64>,
    pub cache_creation: Option<u64>,
    /// Cost in millionths of a US dollar (exact sums, whatever the order files merge in).
    pub cost_micros: Option<i64>,
    /// Sessions this row stands for, when the source counts them itself (Analytics,
    /// Copilot, a session counter without `session.id`).
    pub sessions: Option<u64>,
    /// Whether this row's tokens belong to the `sessions` population of its source.
    pub session_scope: bool,
    pub commits: Option<u64>,
    pub pull_requests: Option<u64>,
}

/// USD (a float from an export) → micro-dollars.
pub fn micros(usd: f64) -> Option<i64> {
    (usd.is_finite()).then(|| (usd * 1e6).round() as i64)
}

/// The file formats `fleet usage` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    OtlpMetrics,
    OtlpLogs,
    AdminMessages,
    AdminCost,
    ClaudeCodeAnalytics,
    ClaudeTranscript,
    CodexRollout,
    CopilotUsage,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::OtlpMetrics => "otlp_metrics",
            Format::OtlpLogs => "otlp_logs",
            Format::AdminMessages => "admin_usage_messages",
            Format::AdminCost => "admin_cost_report",
            Format::ClaudeCodeAnalytics => "claude_code_analytics",
            Format::ClaudeTranscript => "claude_transcript",
            Format::CodexRollout => "codex_rollout",
            Format::CopilotUsage => "copilot_usage",
        }
    }
}

/// What to read and how to attribute it.
#[derive(Debug, Default)]
pub struct Options {
    pub attribution: Attributor,
    /// Write each normalized row here (CSV or NDJSON).
    pub export: Option<export::Exporter>,
    /// Report time (seconds): only used to label the report.
    pub now: i64,
}

/// Per file: what was read and what went wrong (bad lines are counted and the first few
/// described with their line and column, never silently dropped).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InputFile {
    pub path: String,
    pub format: Option<Format>,
    pub rows: u64,
    pub skipped_lines: u64,
    pub errors: Vec<String>,
}

/// At most this many errors are described per file (all are counted).
pub const MAX_ERRORS: usize = 5;

/// The reading state of one file: its strings, its aggregate, and its row buffer for export.
pub struct FileCtx<'a> {
    pub strings: Interner,
    pub agg: Agg,
    pub file: InputFile,
    opts: &'a Options,
    /// Attribution per distinct hints: (team, repository, how the repository was found).
    resolved: FastMap<Hints, (Option<Sym>, Option<Sym>, attribution::Via)>,
    /// This file's share of the row export (`--rows`).
    part: Option<export::Part>,
}

impl<'a> FileCtx<'a> {
    /// `index`: the file's place in the input list (the order of the exported rows).
    pub fn new(path: &str, index: usize, opts: &'a Options) -> Self {
        FileCtx {
            strings: Interner::default(),
            agg: Agg::default(),
            file: InputFile {
                path: crate::mask::printable(path),
                ..InputFile::default()
            },
            opts,
            resolved: FastMap::default(),
            part: opts.export.as_ref().map(|e| e.part(index)),
        }
    }

    pub fn sym(&mut self, s: &str) -> Sym {
        self.strings.intern(s)
    }

    /// An interned non-empty string, else `None`.
    pub fn opt(&mut self, s: Option<&str>) -> Option<Sym> {
        s.filter(|s| !s.is_empty()).map(|s| self.strings.intern(s))
    }

    pub fn options(&self) -> &'a Options {
        self.opts
    }

    /// A line or value that could not be read: counted, and described if among the first.
    pub fn bad(&mut self, message: String) {
        self.file.skipped_lines += 1;
        if self.file.errors.len() < MAX_ERRORS {
            self.file.errors.push(crate::mask::printable(&message));
        }
    }

    /// Attributes, exports and aggregates one row.
    pub fn emit(&mut self, row: Row) {
        self.file.rows += 1;
        let (team, repo, via) = match self.resolved.get(&row.hints) {
            Some(&r) => r,
            None => {
                let r = self.opts.attribution.resolve(&row.hints, &self.strings);
                let team = r.team.as_deref().map(|t| self.strings.intern(t));
                let repo = r.repo.as_deref().map(|t| self.strings.intern(t));
                self.resolved.insert(row.hints.clone(), (team, repo, r.via));
                (team, repo, r.via)
            }
        };
        if let (Some(exporter), Some(part)) = (&self.opts.export, &mut self.part) {
            exporter.write(part, &row, team, repo, &self.strings);
        }
        self.agg.add(&row, team, repo, via);
    }

    fn finish(mut self) -> (InputFile, Interner, Agg) {
        if let (Some(exporter), Some(part)) = (&self.opts.export, self.part.take()) {
            exporter.close(part);
        }
        (self.file, self.strings, self.agg)
    }
}

/// The files under each path: a file as given, a directory searched (recursively, not
/// following links) for `.json`, `.jsonl`, `.ndjson` and their `.gz` forms.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("cannot open {}: {e}", p.display()))?;
        if meta.is_file() {
            out.push(p.clone());
            continue;
        }
        let walk = ignore::WalkBuilder::new(p)
            .standard_filters(false)
            .hidden(false)
            .follow_links(false)
            .build();
        for entry in walk {
            let entry = entry.map_err(|e| format!("cannot list {}: {e}", p.display()))?;
            if entry.file_type().is_some_and(|t| t.is_file())
                && reader::looks_like_export(entry.path())
            {
                out.push(entry.into_path());
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Everything read: the per-file accounts, the merged strings and the merged aggregate.
pub struct Ingest {
    pub files: Vec<InputFile>,
    pub strings: Interner,
    pub agg: Agg,
}

/// Reads every file (in parallel, one aggregate each) and merges them, in file order so the
/// result does not depend on scheduling. A file that cannot be opened or recognised is
/// recorded in its [`InputFile`], never fatal.
pub fn ingest(files: &[PathBuf], opts: &Options) -> Ingest {
    let parts: Vec<(InputFile, Interner, Agg)> = files
        .par_iter()
        .enumerate()
        .map(|(i, path)| read_file(path, i, opts))
        .collect();
    let mut strings = Interner::default();
    let mut agg = Agg::default();
    let mut out = Vec::with_capacity(parts.len());
    for (file, local, part) in parts {
        let map: Vec<Sym> = (0..local.len() as Sym)
            .map(|i| strings.intern(local.get(i)))
            .collect();
        agg.merge(part, &map);
        out.push(file);
    }
    agg.finish();
    Ingest {
        files: out,
        strings,
        agg,
    }
}

fn read_file(path: &Path, index: usize, opts: &Options) -> (InputFile, Interner, Agg) {
    let mut ctx = FileCtx::new(&path.display().to_string(), index, opts);
    if let Err(e) = reader::read(path, &mut ctx) {
        ctx.file.errors.push(crate::mask::printable(&e.to_string()));
    }
    ctx.finish()
}

/// Reads text that is already in memory (tests, fixtures).
pub fn ingest_bytes(name: &str, bytes: &[u8], opts: &Options) -> Ingest {
    let mut ctx = FileCtx::new(name, 0, opts);
    if let Err(e) = reader::read_from(
        Box::new(std::io::Cursor::new(bytes.to_vec())),
        name,
        &mut ctx,
    ) {
        ctx.file.errors.push(e.to_string());
    }
    let (file, strings, agg) = ctx.finish();
    let mut merged = Interner::default();
    let map: Vec<Sym> = (0..strings.len() as Sym)
        .map(|i| merged.intern(strings.get(i)))
        .collect();
    let mut total = Agg::default();
    total.merge(agg, &map);
    total.finish();
    Ingest {
        files: vec![file],
        strings: merged,
        agg: total,
    }
}
