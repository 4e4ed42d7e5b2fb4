//! `agentgate fleet usage FILE|DIR…`: read agent usage exports, attribute them to teams and
//! repositories, and write the usage report (JSON, HTML, a text summary) and optionally the
//! normalized rows. See docs/usage.md.

use crate::usage::attribution::{Attributor, Clone};
use crate::usage::export::{Dest, Exporter, RowFormat};
use crate::usage::metrics::{self, UsageReport};
use crate::usage::{self, Options};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct UsageArgs {
    /// Usage exports: files, or directories searched for `.json`, `.jsonl`, `.ndjson` (and
    /// `.gz`) files — e.g. a copy of `~/.claude/projects` or `~/.codex/sessions`.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub common: UsageCommon,
    /// Write the JSON report (schema in docs/usage.md); `-` for standard output.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the self-contained HTML page.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

/// What `fleet usage` and `fleet scan --usage` share.
#[derive(Debug, Default, clap::Args)]
pub struct UsageCommon {
    /// Write every normalized row: CSV when FILE ends in `.csv`, else NDJSON; `-` for
    /// standard output (NDJSON).
    #[arg(long, value_name = "FILE")]
    pub rows: Option<PathBuf>,
    /// The org policy pack whose `attribution:` and `usage:` apply (instead of `--config`'s).
    #[arg(long, value_name = "DIR")]
    pub policy: Option<PathBuf>,
}

/// The org policy: `--policy DIR`, else the config file's `extends:`.
pub fn load_policy(
    config: Option<&Path>,
    policy: Option<&Path>,
) -> Result<crate::policy::Policy, crate::error::Error> {
    if let Some(dir) = policy {
        let pack = crate::policy::PackRef::Path(dir.to_string_lossy().into_owned());
        let cwd = std::env::current_dir().unwrap_or_default();
        return crate::policy::load(&crate::policy::Extends::One(pack), &cwd)
            .map_err(crate::error::Error::from);
    }
    match config {
        Some(c) => {
            let root = c.parent().unwrap_or(Path::new("."));
            crate::config::load(c, root)
                .map(|cfg| cfg.policy)
                .map_err(crate::error::Error::from)
        }
        None => Ok(crate::policy::Policy::default()),
    }
}

/// Reads the exports and builds the report. `clones`: (fleet name, clone directory).
pub fn build(
    inputs: &[PathBuf],
    policy: &crate::policy::Policy,
    clones: &[(String, PathBuf)],
    rows: Option<&Path>,
    now: i64,
) -> Result<UsageReport, crate::error::Error> {
    let files = usage::discover(inputs)?;
    let clones = clones.iter().map(|(n, p)| Clone::at(n, p)).collect();
    let export = match rows {
        None => None,
        Some(p) => {
            let (format, out) = if p.as_os_str() == "-" {
                (RowFormat::Ndjson, Dest::Stdout)
            } else {
                let file = std::fs::File::create(p)
                    .map_err(|e| format!("cannot write {}: {e}", p.display()))?;
                let spill_dir = match p.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                (RowFormat::for_path(p), Dest::File { file, spill_dir })
            };
            Some(
                Exporter::new(format, out)
                    .map_err(|e| format!("cannot write {}: {e}", p.display()))?,
            )
        }
    };
    let opts = Options {
        attribution: Attributor::new(policy.attribution.clone(), clones),
        export,
        now,
    };
    let ingest = usage::ingest(&files, &opts);
    if let Some(e) = &opts.export {
        e.finish()
            .map_err(|e| format!("cannot write the rows: {e}"))?;
    }
    let z = policy.usage.max_spend_z.unwrap_or(metrics::DEFAULT_SPEND_Z);
    Ok(metrics::report(&ingest, now, z))
}

/// One line per problem, then the totals, on standard error.
pub fn summarize(r: &UsageReport) {
    for f in &r.inputs {
        if !f.errors.is_empty() || f.format.is_none() {
            crate::sink::note(&format!(
                "usage: {}: {}{}",
                f.path,
                f.errors.first().map_or("not read", String::as_str),
                if f.skipped_lines > 1 {
                    format!(" ({} lines skipped)", f.skipped_lines)
                } else {
                    String::new()
                }
            ));
        }
    }
    crate::sink::note(&format!(
        "usage: {} rows from {} files; {} tokens, {} rows without a repository",
        r.totals.rows,
        r.inputs.iter().filter(|f| f.format.is_some()).count(),
        r.totals.tokens,
        r.unattributed.repo.rows
    ));
}

/// The text summary (standard output when neither `--json` nor `--html` is given).
pub fn text(r: &UsageReport) -> String {
    use super::usage_html::{pct, tokens, usd};
    let t = &r.totals;
    let mut s = format!(
        "Tokens {} · cost {} · sessions {} · cache hit ratio {} · {} tokens unattributed\n",
        tokens(t.tokens),
        usd(t.cost_usd),
        t.sessions,
        pct(t.cache_hit_ratio),
        tokens(r.unattributed.repo.tokens)
    );
    for (title, groups) in [("Teams", &r.teams), ("Repositories", &r.repos)] {
        s.push_str(&format!("\n{title}:\n"));
        for g in groups.iter().take(20) {
            s.push_str(&format!(
                "  {:<28} {:>9} {:>9} cache {:>4}\n",
                g.key.as_deref().unwrap_or("(unattributed)"),
                tokens(g.metrics.tokens),
                usd(g.metrics.cost_usd),
                pct(g.metrics.cache_hit_ratio)
            ));
        }
    }
    if !r.anomalies.is_empty() {
        s.push_str("\nSpend outliers:\n");
        for a in &r.anomalies {
            s.push_str(&format!(
                "  {} {} vs {}: z {:.1}\n",
                a.repo, a.week, a.basis, a.z
            ));
        }
    }
    s
}

pub fn run(
    args: UsageArgs,
    clones: &[PathBuf],
    config: Option<&Path>,
) -> crate::error::Result<crate::error::Outcome> {
    let to_stdout = [&args.json, &args.html, &args.common.rows]
        .iter()
        .filter(|p| p.as_ref().is_some_and(|p| p.as_os_str() == "-"))
        .count();
    if to_stdout > 1 {
        return Err("only one of --json, --html and --rows can be `-`".into());
    }
    let policy = load_policy(config, args.common.policy.as_deref())?;
    let targets: Vec<(String, PathBuf)> = if clones.is_empty() {
        Vec::new()
    } else {
        super::discover(clones, None)?
            .into_iter()
            .map(|t| (t.name, t.path))
            .collect()
    };
    let now = super::report_time()?;
    let report = build(
        &args.inputs,
        &policy,
        &targets,
        args.common.rows.as_deref(),
        now,
    )?;
    summarize(&report);
    let mut wrote = false;
    if let Some(p) = &args.json {
        super::write_text(
            p,
            &(serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"),
        )?;
        wrote = true;
    }
    if let Some(p) = &args.html {
        super::write_text(p, &super::usage_html::render(&report))?;
        wrote = true;
    }
    if !wrote
        && args
            .common
            .rows
            .as_deref()
            .is_none_or(|p| p.as_os_str() != "-")
    {
        super::write_text(Path::new("-"), &text(&report))?;
    }
    Ok(crate::error::Outcome::Clean)
}
