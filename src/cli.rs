//! Command-line interface: parse arguments, run, map the outcome to an exit code
//! (0 clean, 1 findings at or above --fail-on, 2 usage/config/internal error).

use crate::diagnostic::Severity;
use crate::engine::{self, ScanOptions};
use crate::error::{Outcome, Result};
use crate::report::{self, Format, RenderOptions};
use crate::rules::{self, RULES};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "agentgate",
    version,
    about = "Lint and gate AI-coding-agent configuration: permissions, MCP servers, context files, secrets"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files and directories (default: the current directory).
    Check(CheckArgs),
    /// Apply the safe fixes for policy drift (managed blocks, required sections and denies).
    Fix(FixArgs),
    /// Scaffold context files and settings for a new repository from the policy's templates.
    Init(crate::commands::init::Args),
    /// Scan git history for secrets: every unique blob once, with the commit that introduced it.
    History(HistoryArgs),
    /// Accept today's findings: write the baseline file and name it in `.agentgate.yaml`.
    Baseline(crate::commands::baseline::Args),
    /// Audited exceptions in `.agentgate.yaml` (the fast path for an accepted finding).
    Exception {
        #[command(subcommand)]
        action: crate::commands::exception::Action,
    },
    /// Show the organisation policy assembled from the `extends:` packs.
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
    /// Record every MCP server definition in agentgate.lock (reviewed changes only, afterwards).
    Lock {
        /// The repository (default: the current directory).
        path: Option<PathBuf>,
    },
    /// List every rule.
    Rules {
        /// `table` for people, `json` for tools.
        #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
        format: RulesFormat,
        /// List the secrets pack's rules (what AG402/AG403 detect) instead.
        #[arg(long)]
        secrets: bool,
        /// List what the knowledge tables know about each agent: the facts, the client
        /// versions they hold for (or were checked against), and their sources.
        #[arg(long, conflicts_with = "secrets")]
        knowledge: bool,
    },
    /// Show the documentation of a rule, by code (AG101) or name (bash-wildcard-allow).
    Explain { rule: String },
    /// Scan many repositories: scorecards, a JSON report and an HTML dashboard (docs/fleet.md).
    Fleet {
        #[command(subcommand)]
        action: crate::fleet::FleetAction,
    },
    /// Install or remove the native git hook.
    Hook {
        #[command(subcommand)]
        action: HookAction,
    },
    /// Write docs/rules/ from the registry (used by the docs freshness test).
    #[command(hide = true)]
    GenerateDocs {
        #[arg(default_value = "docs/rules")]
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyAction {
    /// Print the merged policy (JSON) and the packs it came from.
    Show {
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Fetch the config's git packs now, whatever `policy.refresh` says, and show the result.
    Update {
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Write the pack as an agent's runtime policy file (Claude Code or Copilot managed
    /// settings, Codex requirements.toml), or `--check` a committed one.
    Export(crate::commands::policy_export::ExportArgs),
    /// Propose a team's change (a library skill, a managed block, a deny rule) to the
    /// organisation's pack: a patch, and a branch when the pack is a local git repository.
    Contribute(crate::commands::contribute::ContributeArgs),
}

#[derive(Debug, Subcommand)]
pub enum HookAction {
    /// Install a hook that runs `agentgate check --staged` (pre-push: the pushed commits).
    Install {
        #[arg(long, value_enum, default_value_t = crate::hook::HookKind::PreCommit)]
        hook: crate::hook::HookKind,
        /// Install even when core.hooksPath is set, or replace a chained hook.
        #[arg(long)]
        force: bool,
    },
    /// Remove agentgate's hook and restore the one it chained.
    Uninstall {
        #[arg(long, value_enum, default_value_t = crate::hook::HookKind::PreCommit)]
        hook: crate::hook::HookKind,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check.
    pub paths: Vec<PathBuf>,
    /// Check what is staged in the git index (what the next commit will contain).
    #[arg(long, conflicts_with = "diff")]
    pub staged: bool,
    /// PR mode: report only findings on lines changed since HEAD forked from BASE.
    #[arg(long, value_name = "BASE")]
    pub diff: Option<String>,
    /// Apply the safe policy fixes first (see `agentgate fix`), then check.
    #[arg(long, conflicts_with = "staged")]
    pub fix: bool,
    /// Do not read .gitignore, .ignore or git's excludes (tracked files are checked anyway).
    #[arg(long)]
    pub no_ignore: bool,
    /// Report only findings that are not in this baseline (default: the config's `baseline:`).
    #[arg(long, value_name = "FILE", conflicts_with = "no_baseline")]
    pub baseline: Option<PathBuf>,
    /// Report baselined findings too.
    #[arg(long)]
    pub no_baseline: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, clap::Args)]
pub struct FixArgs {
    /// The repository (default: the current directory).
    pub path: Option<PathBuf>,
    /// Print the edits as a unified diff instead of writing them (exit 1 if there are any).
    #[arg(long)]
    pub diff: bool,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

pub use crate::commands::PolicyArgs;

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// A directory inside the repository (default: the current directory).
    pub path: Option<PathBuf>,
    /// Only commits not reachable from REV (e.g. the pushed range: `--since origin/main`).
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
    /// Walk every ref, not just HEAD.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub use crate::commands::RuleArgs;

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

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    exit(run(cli.command))
}

/// The one place an outcome becomes an exit code: 0 clean, 1 findings, 2 any error (printed
/// here, once, the same way for every command).
fn exit(result: Result<Outcome>) -> ExitCode {
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(e) => {
            crate::commands::print_error(&e);
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> Result<Outcome> {
    match command {
        Command::Check(args) => {
            let opts = ScanOptions {
                paths: args.paths.clone(),
                staged: args.staged,
                diff: args.diff.clone(),
                config: args.rules.config.clone(),
                policy: args.rules.policy.clone(),
                select: args.rules.select.clone(),
                ignore: args.rules.ignore.clone(),
                no_ignore: args.no_ignore,
                baseline: args.baseline.clone(),
                no_baseline: args.no_baseline,
                without_packs: false,
                layer_config: false,
            };
            if args.fix {
                run_fix(&opts, false)?;
            }
            deliver(engine::run(&opts)?, &args.out)
        }
        Command::Fix(args) => {
            let opts = ScanOptions {
                paths: args.path.into_iter().collect(),
                config: args.policy.config,
                policy: args.policy.policy,
                ..ScanOptions::default()
            };
            let changed = run_fix(&opts, args.diff)?;
            Ok(Outcome::failing(args.diff && changed > 0))
        }
        Command::Init(args) => crate::commands::init::run(&args),
        Command::Baseline(args) => crate::commands::baseline::run(&args),
        Command::Exception { action } => crate::commands::exception::run(&action),
        Command::Policy { action } => {
            let policy = match action {
                PolicyAction::Show { policy } => policy,
                PolicyAction::Update { policy } => {
                    crate::policy::fetch::set_refresh(crate::policy::fetch::Refresh::Always);
                    policy
                }
                PolicyAction::Export(args) => return crate::commands::policy_export::run(args),
                PolicyAction::Contribute(args) => return crate::commands::contribute::run(args),
            };
            let opts = ScanOptions {
                config: policy.config,
                policy: policy.policy,
                ..ScanOptions::default()
            };
            let setup = engine::setup(&opts)?;
            let mut value = serde_json::to_value(&setup.config.policy).unwrap_or_default();
            crate::mask::json(&mut value);
            clean(write_stdout(
                (serde_json::to_string_pretty(&value).unwrap_or_default() + "\n").as_bytes(),
            ))
        }
        Command::Lock { path } => crate::commands::lock::run(path),
        Command::History(args) => {
            // History is about secrets; other rule families judge the current configuration.
            let select = if args.rules.select.is_empty() {
                vec!["secrets".to_string()]
            } else {
                args.rules.select.clone()
            };
            let opts = engine::HistoryOptions {
                path: args.path.clone(),
                since: args.since.clone(),
                all: args.all,
                config: args.rules.config.clone(),
                select,
                ignore: args.rules.ignore.clone(),
            };
            deliver(engine::history(&opts)?, &args.out)
        }
        Command::Rules {
            format,
            knowledge: true,
            ..
        } => clean(print_knowledge(format)),
        Command::Rules {
            format,
            secrets: false,
            ..
        } => clean(print_rules(format)),
        Command::Rules {
            format,
            secrets: true,
            ..
        } => clean(print_secret_rules(format)),
        Command::Explain { rule } => match rules::lookup(&rule) {
            Some(r) => clean(write_stdout(r.markdown().as_bytes())),
            None if crate::secrets::Engine::builtin().explain(&rule).is_some() => {
                let text = crate::secrets::Engine::builtin()
                    .explain(&rule)
                    .unwrap_or_default();
                clean(write_stdout(text.as_bytes()))
            }
            None => Err(format!(
                "unknown rule `{rule}`; `agentgate rules` lists them (`agentgate rules --secrets` the secrets pack)"
            )
            .into()),
        },
        Command::Fleet { action } => crate::fleet::run(action),
        Command::Hook { action } => {
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            let result = match action {
                HookAction::Install { hook, force } => crate::hook::install(&cwd, hook, force).map(|done| match done {
                    crate::hook::Installed::Fresh(p) => format!("installed {}", p.display()),
                    crate::hook::Installed::Unchanged(p) => format!("{} is already installed; nothing changed", p.display()),
                    crate::hook::Installed::Chained { hook, legacy } => {
                        format!("installed {}; the previous hook was moved to {} and still runs first", hook.display(), legacy.display())
                    }
                }),
                HookAction::Uninstall { hook } => crate::hook::uninstall(&cwd, hook),
            };
            crate::sink::note(&result?);
            Ok(Outcome::Clean)
        }
        Command::GenerateDocs { dir } => {
            let n = crate::docs::write(&dir)?;
            crate::docs::write_secrets_json(Path::new("rules"))?;
            crate::sink::note(&format!("wrote {n} files to {}", dir.display()));
            Ok(Outcome::Clean)
        }
    }
}

/// Plans the policy fixes and writes them (or, with `preview`, prints their diff).
/// Returns how many files change.
fn run_fix(opts: &ScanOptions, preview: bool) -> Result<usize> {
    let setup = engine::setup(opts)?;
    let root = &setup.project_root;
    let (edits, skipped) = crate::fix::plan(root, &setup.config.policy);
    for s in &skipped {
        crate::sink::note(&format!("warning: {}: not fixed: {}", s.path, s.reason));
    }
    if preview {
        write_stdout(crate::fix::unified(&edits).as_bytes())?;
        return Ok(edits.len());
    }
    crate::fix::apply(root, &edits)?;
    for e in &edits {
        for c in &e.changes {
            crate::sink::note(&format!("fixed {}: {c}", e.path));
        }
    }
    Ok(edits.len())
}

/// Renders a run's report as asked and maps it to the exit code.
fn deliver(report: crate::report::Report, args: &OutputArgs) -> Result<Outcome> {
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

fn print_knowledge(format: RulesFormat) -> std::io::Result<()> {
    let facts = crate::rules::knowledge();
    let text = match format {
        RulesFormat::Json => serde_json::to_string_pretty(&facts)? + "\n",
        RulesFormat::Table => {
            let mut s = format!("{:<14} {:<72} {}\n", "AGENT", "FACT", "VERSIONS / SOURCES");
            for f in &facts {
                s.push_str(&format!("{:<14} {:<72} {}\n", f.agent, f.topic, f.versions));
                for src in &f.sources {
                    s.push_str(&format!("{:<14} {:<72}   {src}\n", "", ""));
                }
            }
            s
        }
    };
    write_stdout(text.as_bytes())
}

fn print_rules(format: RulesFormat) -> std::io::Result<()> {
    let text = match format {
        RulesFormat::Json => {
            let rules: Vec<_> = RULES
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code, "name": r.name, "family": r.family, "severity": r.severity,
                        "confidence": r.confidence, "summary": r.summary,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&rules)? + "\n"
        }
        RulesFormat::Table => {
            let mut s = format!(
                "{:<6} {:<26} {:<12} {:<8} {:<10} {}\n",
                "CODE", "NAME", "FAMILY", "SEVERITY", "CONFIDENCE", "SUMMARY"
            );
            for r in RULES {
                let confidence = serde_json::to_value(r.confidence)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default();
                s.push_str(&format!(
                    "{:<6} {:<26} {:<12} {:<8} {:<10} {}\n",
                    r.code,
                    r.name,
                    r.family.as_str(),
                    r.severity,
                    confidence,
                    r.summary
                ));
            }
            s
        }
    };
    write_stdout(text.as_bytes())
}

fn print_secret_rules(format: RulesFormat) -> std::io::Result<()> {
    let engine = crate::secrets::Engine::builtin();
    let text = match format {
        RulesFormat::Json => {
            let rules: Vec<_> = engine
                .rules
                .iter()
                .map(|r| serde_json::json!({"id": r.id, "name": r.name, "provider": r.provider, "category": r.category, "confidence": r.confidence}))
                .collect();
            serde_json::to_string_pretty(&rules)? + "\n"
        }
        RulesFormat::Table => {
            let mut s = format!(
                "{:<40} {:<14} {:<10} {}\n",
                "ID", "CATEGORY", "CONFIDENCE", "NAME"
            );
            for r in &engine.rules {
                let confidence = if r.confidence == rules::Confidence::Exact {
                    "exact"
                } else {
                    "heuristic"
                };
                s.push_str(&format!(
                    "{:<40} {:<14} {:<10} {}\n",
                    r.id, r.category, confidence, r.name
                ));
            }
            s.push_str(&format!("{} rules\n", engine.rules.len()));
            s
        }
    };
    write_stdout(text.as_bytes())
}

fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    crate::sink::stdout(bytes)
}

/// A command that only writes output: clean unless the write failed.
fn clean(result: std::io::Result<()>) -> Result<Outcome> {
    result.map_err(|e| format!("cannot write: {e}"))?;
    Ok(Outcome::Clean)
}
