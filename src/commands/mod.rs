//! Subcommands with more than a few lines of their own, one file each. Each owns its clap
//! arguments; `cli` parses and dispatches.

pub mod baseline;
pub mod contribute;
pub mod exception;
pub mod init;
pub mod lock;
pub mod policy_export;

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
    if let crate::error::Error::Config(_) = e {
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
