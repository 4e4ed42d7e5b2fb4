//! Fleet scans: many local clones scanned in parallel into per-repository scorecards, an
//! organisation summary, and renderers (JSON, Markdown, one self-contained HTML dashboard).
//! Shards of a fleet scanned by separate CI jobs merge into the same report as one full scan.
//! See docs/fleet.md.

pub mod card;
pub mod diff;
pub mod grade;
pub mod html;
pub mod markdown;
pub mod model;
mod style;
pub mod usage_cmd;
pub mod usage_html;
pub mod usage_join;

use crate::error::Outcome;
use model::{FleetReport, RepoCard, SCHEMA_VERSION, Shard, Status};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, clap::Subcommand)]
pub enum FleetAction {
    /// Scan many local clones (the subdirectories of each DIR, or a list) into scorecards.
    Scan(ScanArgs),
    /// Combine shard reports (JSON) into one.
    Merge(MergeArgs),
    /// Show what got better or worse between two fleet reports (exit 1 if anything worse).
    Diff { old: PathBuf, new: PathBuf },
    /// Read agent usage exports (OpenTelemetry, Admin API, transcripts, Codex, Copilot) and
    /// report tokens, cost and cache use by team, repository, user and model (docs/usage.md).
    Usage {
        #[command(flatten)]
        args: usage_cmd::UsageArgs,
        /// Directories of fleet clones: transcripts and rollouts are matched to them.
        #[arg(long, value_name = "DIR")]
        clones: Vec<PathBuf>,
        /// A config whose `extends:` names the org pack (`attribution:`, `usage:`).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Directories whose subdirectories are repository clones (a clone itself also works).
    pub dirs: Vec<PathBuf>,
    /// A file listing repository paths, one per line (`#` comments; relative to the file).
    #[arg(long, value_name = "FILE")]
    pub repos_file: Option<PathBuf>,
    /// One policy for all repositories, instead of each repository's own `.agentgate.yaml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Scan only shard I of N (1-based; stable assignment by repository name).
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Print the names of the repositories this run would scan (after --shard) and exit:
    /// a CI shard job clones only those.
    #[arg(long)]
    pub list: bool,
    /// Usage exports to join to the scorecards (files or directories, as for `fleet usage`);
    /// attribution and `usage:` thresholds come from `--config`'s pack.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub usage: Vec<PathBuf>,
    #[command(flatten)]
    pub out: OutArgs,
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Shard reports written by `fleet scan --json`.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub out: OutArgs,
}

#[derive(Debug, clap::Args)]
pub struct OutArgs {
    /// Write the JSON report (schema in docs/fleet.md); `-` for standard output.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the self-contained HTML dashboard.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write the Markdown summary (default: to standard output when no other output is set).
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Earlier fleet reports (JSON): the dashboard's trend.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub history: Vec<PathBuf>,
}

impl OutArgs {
    /// The trend: each `--history` report, then `report`, by date.
    fn trend(&self, report: &FleetReport) -> Result<Vec<model::TrendPoint>, crate::error::Error> {
        if self.history.is_empty() {
            return Ok(Vec::new());
        }
        let mut points = self
            .history
            .iter()
            .map(|p| load(p).map(|r| model::TrendPoint::of(&r)))
            .collect::<Result<Vec<_>, _>>()?;
        points.push(model::TrendPoint::of(report));
        points.sort_by(|a, b| a.generated_at.cmp(&b.generated_at));
        Ok(points)
    }
}

/// `I/N` with 1 ≤ I ≤ N.
pub fn parse_shard(s: &str) -> Result<Shard, crate::error::Error> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}`: expected I/N, e.g. 1/4"))?;
    let index: u32 = i
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: I must be a number"))?;
    let count: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: N must be a number"))?;
    if count == 0 || index == 0 || index > count {
        return Err(format!("`{s}`: need 1 ≤ I ≤ N and N ≥ 1").into());
    }
    Ok(Shard { index, count })
}

/// The shard (1-based) a repository belongs to: FNV-1a of its name, mod N. Stable across
/// machines, runs and fleet growth (adding a repository never moves the others).
pub fn shard_of(name: &str, count: u32) -> u32 {
    (crate::diagnostic::fnv1a(name.bytes()) % u64::from(count.max(1))) as u32 + 1
}

/// A repository to scan: its name in the report and where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    pub name: String,
    pub path: PathBuf,
}

/// The repositories of `dirs` (each subdirectory that is not hidden; a DIR that is itself a
/// clone counts as one) and of `repos_file`, sorted by name.
pub fn discover(
    dirs: &[PathBuf],
    repos_file: Option<&Path>,
) -> Result<Vec<Target>, crate::error::Error> {
    let mut out = Vec::new();
    for dir in dirs {
        if dir.join(".git").exists() {
            out.push(Target {
                name: base_name(dir),
                path: dir.clone(),
            });
            continue;
        }
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        let prefix = if dirs.len() > 1 {
            format!("{}/", base_name(dir))
        } else {
            String::new()
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_dir = std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir());
            if name.starts_with('.') || !is_dir {
                continue;
            }
            out.push(Target {
                name: format!("{prefix}{name}"),
                path: entry.path(),
            });
        }
    }
    if let Some(file) = repos_file {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let base = file.parent().unwrap_or(Path::new("."));
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let name = line.trim_end_matches('/').to_string();
            out.push(Target {
                path: base.join(&name),
                name,
            });
        }
    }
    out.sort();
    for pair in out.windows(2) {
        if pair[0].name == pair[1].name {
            return Err(format!(
                "two repositories are both named `{}` ({} and {})",
                pair[0].name,
                pair[0].path.display(),
                pair[1].path.display()
            )
            .into());
        }
    }
    Ok(out)
}

fn base_name(dir: &Path) -> String {
    std::fs::canonicalize(dir)
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| dir.display().to_string())
}

/// Scans `targets` in parallel (rayon); a repository that fails becomes a failed scorecard.
pub fn scan(
    targets: &[Target],
    config: Option<&Path>,
    progress: bool,
    today: i64,
) -> Vec<RepoCard> {
    let done = AtomicUsize::new(0);
    let line = Mutex::new(());
    let total = targets.len();
    let mut cards: Vec<RepoCard> = targets
        .par_iter()
        .map(|t| {
            let card = scan_one(t, config, today);
            if progress {
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                let _guard = line.lock();
                let width = 30;
                let filled = n * width / total.max(1);
                eprint!(
                    "\r\x1b[2Kfleet [{}{}] {n}/{total} {}",
                    "#".repeat(filled),
                    "-".repeat(width - filled),
                    crate::escape::line(&crate::mask::path(&t.name))
                );
                let _ = std::io::stderr().flush();
            }
            card
        })
        .collect();
    if progress {
        eprint!("\r\x1b[2K");
    }
    cards.sort_by(|a, b| a.name.cmp(&b.name));
    cards
}

fn scan_one(t: &Target, config: Option<&Path>, today: i64) -> RepoCard {
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        card::build(&t.name, &t.path, config, today)
    }));
    let reason = match run {
        Ok(Ok(card)) => return card,
        Ok(Err(reason)) => reason.to_string(),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            format!("internal error while scanning: {what}")
        }
    };
    RepoCard {
        name: t.name.clone(),
        path: t.path.display().to_string(),
        status: Status::Failed,
        error: Some(reason.trim().to_string()),
        ..RepoCard::default()
    }
}

/// Seconds since 1970 for the report: `SOURCE_DATE_EPOCH` when set (reproducible builds and
/// tests), else now.
pub fn report_time() -> Result<i64, crate::error::Error> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .map_err(|_| format!("SOURCE_DATE_EPOCH `{v}` is not a number of seconds").into()),
        _ => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)),
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(secs: i64) -> String {
    let day = crate::source::git::date(secs);
    let s = secs.rem_euclid(86_400);
    format!("{day}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

pub fn report(repos: Vec<RepoCard>, shard: Option<Shard>, secs: i64) -> FleetReport {
    let summary = model::summarize(&repos);
    FleetReport {
        schema_version: SCHEMA_VERSION,
        generated_at: rfc3339(secs),
        agentgate_version: crate::report::TOOL_VERSION.to_string(),
        shard,
        repos,
        summary,
        trend: Vec::new(),
        usage: None,
    }
}

/// Combines shard reports: repositories are unioned (a name in two inputs is an error) and
/// the summary recomputed.
pub fn merge(inputs: Vec<FleetReport>, secs: i64) -> Result<FleetReport, crate::error::Error> {
    let mut repos: Vec<RepoCard> = Vec::new();
    // Shards scanned with the same `--usage` exports carry the same fleet-wide usage: it is
    // kept (each card already has its own). Different usage per shard cannot be summed
    // without the rows: refused rather than shown half.
    let usages: Vec<serde_json::Value> = inputs
        .iter()
        .filter_map(|r| r.usage.as_ref())
        .filter_map(|u| serde_json::to_value(u).ok())
        .collect();
    if usages.windows(2).any(|w| w[0] != w[1]) {
        return Err(
            "the inputs carry different usage data (scanned with different --usage exports): \
             scan every shard with the same exports, or join usage after merging with `fleet usage`"
                .into(),
        );
    }
    let usage = inputs.iter().find_map(|r| r.usage.clone());
    for r in inputs {
        repos.extend(r.repos);
    }
    repos.sort_by(|a, b| a.name.cmp(&b.name));
    for pair in repos.windows(2) {
        if pair[0].name == pair[1].name {
            return Err(format!(
                "repository `{}` is in more than one input (overlapping shards?)",
                pair[0].name
            )
            .into());
        }
    }
    let mut merged = report(repos, None, secs);
    merged.usage = usage;
    Ok(merged)
}

pub fn load(path: &Path) -> Result<FleetReport, crate::error::Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not valid JSON: {e}", path.display()))?;
    match value.get("schema_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(SCHEMA_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "{}: schema_version {v} is not supported (this agentgate reads {SCHEMA_VERSION})",
                path.display()
            )
            .into());
        }
        None => {
            return Err(format!(
                "{}: not an agentgate fleet report (no schema_version)",
                path.display()
            )
            .into());
        }
    }
    serde_json::from_value(value).map_err(|e| format!("{}: {e}", path.display()).into())
}

pub fn to_json(report: &FleetReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default() + "\n"
}

/// Writes every requested output; Markdown to standard output when nothing was requested.
fn write_outputs(report: &FleetReport, out: &OutArgs) -> Result<(), crate::error::Error> {
    // Every string of every card through the masking boundary before any page is built: a
    // repository name, a server, a model or a path can hold a credential.
    let masked = serde_json::to_value(report)
        .ok()
        .map(|mut v| {
            crate::mask::json(&mut v);
            v
        })
        .and_then(|v| serde_json::from_value::<FleetReport>(v).ok());
    let report = masked.as_ref().unwrap_or(report);
    let mut outputs: Vec<(&Path, String)> = Vec::new();
    if let Some(p) = &out.json {
        outputs.push((p, to_json(report)));
    }
    if let Some(p) = &out.html {
        outputs.push((p, html::render(report)));
    }
    if let Some(p) = &out.markdown {
        outputs.push((p, markdown::render(report)));
    }
    if outputs.is_empty() {
        outputs.push((Path::new("-"), markdown::render(report)));
    }
    for (path, text) in outputs {
        write_text(path, &text)?;
    }
    Ok(())
}

/// Writes `text` to `path` (`-`: standard output; a closed pipe is not an error).
pub(crate) fn write_text(path: &Path, text: &str) -> Result<(), crate::error::Error> {
    if path.as_os_str() == "-" {
        crate::sink::stdout(text.as_bytes())
            .map_err(|e| format!("cannot write to standard output: {e}").into())
    } else {
        let cwd = std::env::current_dir().unwrap_or_default();
        crate::sink::file(path, text.as_bytes(), &cwd)
            .map_err(|e| format!("cannot write {e}").into())
    }
}

impl OutArgs {
    /// Usage errors are found before anything is scanned or written.
    fn validate(&self) -> Result<(), crate::error::Error> {
        let to_stdout = [&self.json, &self.html, &self.markdown]
            .iter()
            .filter(|p| p.as_ref().is_some_and(|p| p.as_os_str() == "-"))
            .count();
        if to_stdout > 1 {
            return Err("only one of --json, --html and --markdown can be `-`".into());
        }
        Ok(())
    }
}

/// `agentgate fleet …`: clean when the report was written (failed repositories are recorded
/// in it), findings when `diff` finds something worse.
pub fn run(action: FleetAction) -> crate::error::Result<Outcome> {
    let secs = report_time()?;
    match action {
        FleetAction::Scan(args) => {
            args.out.validate()?;
            if args.dirs.is_empty() && args.repos_file.is_none() {
                return Err("give directories of clones or --repos-file FILE".into());
            }
            let config = match &args.config {
                Some(c) => Some(
                    std::fs::canonicalize(c)
                        .map_err(|e| format!("cannot open config {}: {e}", c.display()))?,
                ),
                None => None,
            };
            let mut targets = discover(&args.dirs, args.repos_file.as_deref())?;
            // Usage is attributed over the whole fleet, whichever shard this is: every shard
            // then carries the same fleet-wide usage, and `merge` keeps it.
            let clones: Vec<(String, PathBuf)> = targets
                .iter()
                .map(|t| (t.name.clone(), t.path.clone()))
                .collect();
            if let Some(s) = args.shard {
                targets.retain(|t| shard_of(&t.name, s.count) == s.index);
            }
            if args.list {
                let names: String = targets.iter().map(|t| format!("{}\n", t.name)).collect();
                let mut o = std::io::stdout().lock();
                let _ = o.write_all(names.as_bytes()).and_then(|()| o.flush());
                return Ok(Outcome::Clean);
            }
            let progress = std::io::stderr().is_terminal();
            let mut cards = scan(
                &targets,
                config.as_deref(),
                progress,
                secs.div_euclid(86_400),
            );
            let usage = if args.usage.is_empty() {
                None
            } else {
                let policy = usage_cmd::load_policy(config.as_deref(), None)?;
                let u = usage_cmd::build(&args.usage, &policy, &clones, None, secs)?;
                usage_cmd::summarize(&u);
                usage_join::join(&mut cards, &u, &policy.usage);
                Some(u)
            };
            let mut report = report(cards, args.shard, secs);
            report.usage = usage;
            report.trend = args.out.trend(&report)?;
            write_outputs(&report, &args.out)?;
            let s = &report.summary;
            eprintln!(
                "fleet: {} repositories scanned, {} failed{}",
                s.scanned,
                s.failed,
                args.shard
                    .map(|s| format!(" (shard {}/{})", s.index, s.count))
                    .unwrap_or_default()
            );
            Ok(Outcome::Clean)
        }
        FleetAction::Merge(args) => {
            args.out.validate()?;
            let inputs = args
                .inputs
                .iter()
                .map(|p| load(p))
                .collect::<Result<Vec<_>, _>>()?;
            let mut report = merge(inputs, secs)?;
            report.trend = args.out.trend(&report)?;
            write_outputs(&report, &args.out)?;
            Ok(Outcome::Clean)
        }
        FleetAction::Usage {
            args,
            clones,
            config,
        } => usage_cmd::run(args, &clones, config.as_deref()),
        FleetAction::Diff { old, new } => {
            let (old, new) = (load(&old)?, load(&new)?);
            let d = diff::diff(&old, &new);
            let text = diff::render(&d);
            let mut o = std::io::stdout().lock();
            let _ = o.write_all(text.as_bytes()).and_then(|()| o.flush());
            Ok(Outcome::failing(d.worse > 0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_parsing() {
        assert_eq!(parse_shard("1/3").unwrap(), Shard { index: 1, count: 3 });
        assert_eq!(parse_shard("3/3").unwrap(), Shard { index: 3, count: 3 });
        for bad in ["0/3", "4/3", "1/0", "x/2", "1", "1/2/3"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shard_assignment_is_stable_and_covers_all() {
        // Fixed values: changing the hash would move every repository between CI jobs.
        assert_eq!(shard_of("alpha", 3), shard_of("alpha", 3));
        let got: Vec<u32> = ["alpha", "beta", "gamma", "delta", "org/api"]
            .iter()
            .map(|n| shard_of(n, 4))
            .collect();
        assert_eq!(got, [4, 4, 3, 2, 3]);
        let names: Vec<String> = (0..200).map(|i| format!("repo-{i:03}")).collect();
        let mut per = [0usize; 4];
        for n in &names {
            let s = shard_of(n, 4);
            assert!((1..=4).contains(&s));
            per[s as usize - 1] += 1;
        }
        assert_eq!(per.iter().sum::<usize>(), 200);
        assert!(per.iter().all(|&n| n > 30), "{per:?}");
        assert_eq!(shard_of("anything", 1), 1);
    }

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_772_409_600 + 3_723), "2026-03-02T01:02:03Z");
    }
}
