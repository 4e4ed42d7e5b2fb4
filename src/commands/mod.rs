//! Subcommands with more than a few lines of their own, one file each. Each owns its clap
//! arguments; `cli` parses and dispatches.

pub mod baseline;
pub mod check;
pub mod contribute;
pub mod exception;
pub mod fix;
pub mod history;
pub mod hook;
pub mod init;
pub mod lock;
pub mod policy;
pub mod policy_export;
pub mod rules;

use crate::diagnostic::Severity;
use crate::error::{Outcome, Result};
use crate::report::{self, Format, RenderOptions};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct PolicyArgs {
    /// Use this config file instead of discovering `.agentgate.yaml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Use this policy pack directory instead of the config's `extends:`.
    #[arg(long, value_name = "DIR")]
    pub policy: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// Only these rules: codes, names, families, code prefixes or `all` (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Skip these rules (comma-separated, same forms as --select).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Use this config file instead of discovering `.agentgate.yaml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Use this policy pack directory instead of the config's `extends:` (CI pins the policy).
    #[arg(long, value_name = "DIR")]
    pub policy: Option<PathBuf>,
}

/// Writes `.agentgate.yaml` edited by `edit` (the discovered config, or a new one at the
/// project root), after checking that the result still parses. Returns the file written.
pub(crate) fn edit_config(
    config: &crate::config::Config,
    project_root: &Path,
    edit: impl FnOnce(&str) -> String,
) -> Result<PathBuf, crate::error::Error> {
    let path = config
        .path
        .clone()
        .unwrap_or_else(|| project_root.join(crate::config::FILE_NAMES[0]));
    let text = edit(&config.text);
    crate::config::parse_without_packs(&path, &text, project_root)
        .map_err(|e| format!("the edited {} would not parse: {e}", path.display()))?;
    crate::sink::file(&path, text.as_bytes(), project_root)
        .map_err(|e| format!("cannot write {e}"))?;
    Ok(path)
}

/// `path` relative to `dir`, with `/` separators, when it is inside it.
pub(crate) fn relative_to(path: &Path, dir: &Path) -> Option<String> {
    let path = crate::fsx::normalize(path);
    let rel = path.strip_prefix(crate::fsx::normalize(dir)).ok()?;
    Some(rel.to_string_lossy().replace('\\', "/"))
}

/// The one way an error reaches stderr: a configuration error (with its snippet and help) as
/// miette renders it (colour only on a terminal), any other as one `error:` line; both through the
/// masking and escaping boundary.
pub fn print_error(e: &crate::error::Error) {
    if let crate::error::Error::Spanned(_) = e {
        let theme = if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
            miette::GraphicalTheme::unicode()
        } else {
            miette::GraphicalTheme::unicode_nocolor()
        };
        let mut out = String::new();
        let handler = miette::GraphicalReportHandler::new_themed(theme).with_links(false);
        if handler.render_report(&mut out, e).is_ok() {
            crate::sink::stderr_block(&out);
            return;
        }
    }
    crate::sink::note(&format!("error: {e}"));
}

#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE instead of standard output (written in place).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity that makes the run fail (exit 1).
    #[arg(long, value_enum, default_value_t = Severity::Error)]
    pub fail_on: Severity,
    /// Exit 0 even when there are findings (errors running the scan still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Never use colour (also: the NO_COLOR environment variable).
    #[arg(long)]
    pub no_color: bool,
    /// Print findings only, without the summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print a count per rule instead of each finding (text and concise formats).
    #[arg(long)]
    pub statistics: bool,
}

/// Renders a run's report as asked and maps it to the exit code.
pub(crate) fn deliver(report: crate::report::Report, args: &OutputArgs) -> Result<Outcome> {
    let no_color = args.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let render_opts = RenderOptions {
        color: !no_color && args.output.is_none() && std::io::stdout().is_terminal(),
        quiet: args.quiet,
        statistics: args.statistics,
        width: std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(100),
    };
    let mut rendered = Vec::new();
    report::render(args.format, &report, &render_opts, &mut rendered)
        .map_err(|e| format!("cannot render the report: {e}"))?;
    let written = match &args.output {
        // A FIFO or device is written in place; a regular file is replaced; a symbolic link
        // inside the repository is never followed.
        Some(path) => crate::sink::file(path, &rendered, &report.root).map_err(|e| e.to_string()),
        None => crate::sink::stdout(&rendered).map_err(|e| e.to_string()),
    };
    written.map_err(|e| format!("cannot write the report: {e}"))?;
    if report.is_incomplete() {
        // A scan that could not see everything never passes, whatever else was asked.
        for (path, why) in &report.incomplete {
            crate::sink::note(&format!("error: {path}: not checked: {why}"));
        }
        return Err(format!(
            "the scan is incomplete: {} file(s) could not be checked",
            report.incomplete.len()
        )
        .into());
    }
    let failing = report
        .diagnostics
        .iter()
        .any(|d| d.severity >= args.fail_on);
    Ok(Outcome::failing(failing && !args.exit_zero))
}

/// A command that only writes output: clean unless the write failed.
pub(crate) fn clean(result: std::io::Result<()>) -> Result<Outcome> {
    result.map_err(|e| format!("cannot write: {e}"))?;
    Ok(Outcome::Clean)
}
