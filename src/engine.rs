//! One pass: resolve options and config, pull files from a source, run each file's rules in
//! parallel, and collect a [`Report`]. Each file is read once and parsed at most once.

use crate::classify::FileKind;
use crate::config::{self, Config};
use crate::diagnostic::{Diagnostic, fingerprint};
use crate::error::Error;
use crate::report::Report;
use crate::rules::{Emitter, FileCheck, FileCtx, Repo, RepoEmitter, Rule, Selection, scan};
use crate::source::{self, Item};
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Default, Clone)]
pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    pub staged: bool,
    /// PR mode: only findings on lines changed since the merge base with this revision.
    pub diff: Option<String>,
    pub config: Option<PathBuf>,
    /// A policy pack directory that replaces the config's `extends:`.
    pub policy: Option<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Do not read ignore files at all (tracked files are checked either way).
    pub no_ignore: bool,
    /// `--baseline FILE`: replaces the config's `baseline:`.
    pub baseline: Option<PathBuf>,
    /// Report baselined findings too (`agentgate baseline` rewrites the file).
    pub no_baseline: bool,
    /// Read the config without loading the packs it extends (`init` rewrites `extends:`).
    pub without_packs: bool,
    /// `config` is a central one, layered over the repository's own (`fleet scan --config`).
    pub layer_config: bool,
}

/// What a run works on: the resolved roots, the project root and its configuration.
pub struct Setup {
    pub roots: Vec<PathBuf>,
    pub project_root: PathBuf,
    pub config: Config,
}

/// Resolves the paths, the project root and the configuration (with `--policy` applied).
pub fn setup(opts: &ScanOptions) -> Result<Setup, Error> {
    setup_in(opts, None)
}

/// [`setup`] with the project root fixed to `root` instead of discovered (fleet scans: each
/// clone is its own project, git or not, wherever the current directory is).
pub fn setup_in(opts: &ScanOptions, root: Option<&Path>) -> Result<Setup, Error> {
    if opts.staged {
        // A commit hook never waits for the network when a pack copy is cached.
        crate::policy::fetch::set_refresh(crate::policy::fetch::Refresh::CachedFirst);
    }
    let cwd = std::env::current_dir()
        .map_err(|e| Error::Usage(format!("cannot read the current directory: {e}")))?;
    let paths = if opts.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        opts.paths.clone()
    };
    let mut roots = Vec::with_capacity(paths.len());
    for p in &paths {
        let abs = cwd.join(p);
        if std::fs::symlink_metadata(&abs).is_err() {
            return Err(Error::Usage(format!(
                "{}: no such file or directory",
                p.display()
            )));
        }
        roots.push(resolve_argument(abs));
    }
    let start = if roots[0].is_dir() {
        roots[0].clone()
    } else {
        roots[0]
            .parent()
            .map_or_else(|| roots[0].clone(), Path::to_path_buf)
    };
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let project_root = if let Some(root) = root {
        root.to_path_buf()
    } else if opts.staged {
        source::git::workdir(&start)?
    } else {
        git_root(&start).unwrap_or_else(|| {
            if start.starts_with(&cwd) {
                cwd.clone()
            } else {
                start.clone()
            }
        })
    };

    let mut config = match (&opts.config, config::discover(&start)) {
        (Some(named), Some(found)) if opts.layer_config => {
            let with_packs = opts.policy.is_none() && !opts.without_packs;
            let repo = config::load_with(&found, &project_root, with_packs, true)?;
            let central = config::load_with(&cwd.join(named), &project_root, with_packs, false)?;
            config::layer(repo, central)
        }
        (Some(named), _) => config::load_with(
            &cwd.join(named),
            &project_root,
            opts.policy.is_none() && !opts.without_packs,
            false,
        )?,
        (None, Some(found)) => config::load_with(
            &found,
            &project_root,
            opts.policy.is_none() && !opts.without_packs,
            true,
        )?,
        (None, None) => Config::default(),
    };
    if let Some(pack) = &opts.policy {
        config::override_policy(&mut config, &cwd.join(pack))?;
    }
    Ok(Setup {
        roots,
        project_root,
        config,
    })
}

pub fn run(opts: &ScanOptions) -> Result<Report, Error> {
    run_in(opts, None)
}

/// [`run`] with the project root fixed to `root` (see [`setup_in`]).
pub fn run_in(opts: &ScanOptions, root: Option<&Path>) -> Result<Report, Error> {
    scan_in(opts, root).map(|s| s.report)
}

/// One run's whole result: the report, the configuration it applied and the agent files it
/// parsed, so a consumer (a fleet scorecard) never walks, reads or parses again.
pub struct Scan {
    pub report: Report,
    pub config: Config,
    pub files: Vec<FileCtx>,
}

/// [`run_in`], keeping the configuration and the parsed agent files.
/// Tracked files up to which a working tree is walked on one thread.
const SMALL_TREE: usize = 64;

pub fn scan_in(opts: &ScanOptions, root: Option<&Path>) -> Result<Scan, Error> {
    let Setup {
        roots,
        project_root,
        config,
    } = setup_in(opts, root)?;
    let selection = config::selection(&config, &opts.select, &opts.ignore)?;
    let mut scanner = Scanner::new(&selection, &config)?;
    scanner.partial = roots.len() != 1 || roots[0] != project_root;
    scanner.named_files = roots.iter().any(|r| !r.is_dir());

    if opts.staged {
        let prefixes = prefixes_of(&roots, &project_root);
        let index = source::git::staged(&project_root, &prefixes, &config.excludes, &|item| {
            scanner.visit(item)
        })?;
        scanner.index = Some(index);
    } else {
        let index = source::git::index_paths(&project_root);
        // A repository that tracks a few dozen files is walked on one thread.
        let small = index.as_ref().is_some_and(|i| i.len() <= SMALL_TREE);
        source::walk::walk(
            &roots,
            &project_root,
            &config.excludes,
            scanner.kinds(),
            opts.no_ignore,
            small,
            &|item| scanner.visit(item),
        );
        // Ignore files only prune untracked files: whatever git tracks under the checked
        // directories and the walk did not see is visited now.
        if let Some(index) = index {
            let dirs: Vec<String> = roots
                .iter()
                .filter(|r| r.is_dir())
                .map(|r| {
                    if *r == project_root {
                        String::new()
                    } else {
                        source::relative(r, &project_root).0 + "/"
                    }
                })
                .collect();
            let unseen: Vec<String> = {
                let seen = lock(&scanner.seen);
                let seen: HashSet<&str> = seen.iter().map(String::as_str).collect();
                index
                    .iter()
                    .filter(|p| dirs.iter().any(|d| p.starts_with(d.as_str())))
                    .filter(|p| !seen.contains(p.as_str()))
                    .cloned()
                    .collect()
            };
            if !unseen.is_empty() {
                source::walk::visit_tracked(
                    &unseen,
                    &project_root,
                    &config.excludes,
                    scanner.kinds(),
                    &|item| scanner.visit(item),
                );
            }
            scanner.index = Some(index);
        }
    }
    let partial = scanner.partial;
    let named_files = scanner.named_files;
    let (mut report, files) =
        scanner.finish_with_files(project_root.clone(), opts.staged, selection.clone());
    let mut base_tree = None;
    if let Some(base) = &opts.diff {
        // The base is checked exactly as HEAD is (same config, same rules); a finding is new
        // when the base does not have it. Findings are compared by rule, fingerprint and
        // message, counted: a renamed key, a moved rule or a changed parent key all show.
        let mut scanner = Scanner::new(&selection, &config)?;
        scanner.partial = partial;
        scanner.named_files = named_files;
        let prefixes = prefixes_of(&roots, &project_root);
        let tree: Vec<(String, gix::ObjectId)> = source::git::fork_tree(&project_root, base)?
            .into_iter()
            .filter(|(p, _)| under(p, &prefixes) && !config.excludes.is_excluded(p))
            .collect();
        source::git::visit_tree(&project_root, &tree, &|item| scanner.visit(item))?;
        let paths: Vec<String> = tree.iter().map(|(p, _)| p.clone()).collect();
        *lock(&scanner.seen) = paths.clone();
        scanner.index = Some(paths);
        let before = scanner.finish(project_root.clone(), false, selection.clone());
        keep_new(&mut report, &before);
        weakened_config(&mut report, &config, &tree)?;
        base_tree = Some(tree);
    }
    if let Some(path) = &config.path {
        let rel = source::relative(path, &report.root).0;
        let whole = !partial && !opts.staged && opts.diff.is_none();
        crate::exceptions::apply(&mut report, &config.exceptions, &rel, &selection, whole);
    }
    if !opts.no_baseline {
        apply_baseline(&mut report, opts, &config, base_tree.as_deref())?;
    }
    report.seal();
    Ok(Scan {
        report,
        config,
        files,
    })
}

/// The baseline (`--baseline FILE`, else the config's `baseline:`): its findings move to the
/// suppressed list. In PR mode only entries the diff base's baseline also holds count, so a
/// change cannot accept its own new findings by adding them to the file.
fn apply_baseline(
    report: &mut Report,
    opts: &ScanOptions,
    config: &Config,
    base_tree: Option<&[(String, gix::ObjectId)]>,
) -> Result<(), Error> {
    let root = report.root.clone();
    let (mut baseline, rel) = match (&opts.baseline, &config.baseline) {
        (Some(named), _) => {
            // Named by the user: read where it is, like `--config`.
            let path = std::env::current_dir().unwrap_or_default().join(named);
            let rel = path
                .strip_prefix(&root)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"));
            (crate::baseline::load(&path)?, rel)
        }
        (None, Some(rel)) => {
            let text =
                crate::fsx::read_confined_text(&root.join(rel), &root, crate::baseline::MAX_SIZE)
                    .map_err(|e| Error::Usage(format!("cannot read baseline {rel}: {e}")))?;
            let b = crate::baseline::parse(&text, rel)?;
            (b, Some(rel.clone()))
        }
        (None, None) => return Ok(()),
    };
    if let Some(tree) = base_tree {
        let old = rel
            .as_deref()
            .and_then(|rel| tree.iter().find(|(p, _)| p == rel))
            .map(|(_, id)| {
                let bytes = source::git::read_blob(&root, *id, crate::baseline::MAX_SIZE)?;
                Ok::<_, Error>(
                    crate::baseline::parse(
                        &String::from_utf8_lossy(&bytes),
                        "the diff base's baseline",
                    )
                    .unwrap_or_default(),
                )
            })
            .transpose()?
            .unwrap_or_default();
        let before = baseline.findings.len();
        baseline.findings.retain(|e| old.findings.contains(e));
        let added = before - baseline.findings.len();
        if added > 0 {
            // Visible, not blocking: they only take effect once the change is merged.
            let rule = &crate::rules::policy::CONFIG_WEAKENED;
            let path = rel.clone().unwrap_or_else(|| "the baseline".into());
            report.diagnostics.push(Diagnostic {
                rule,
                severity: crate::rules::Severity::Warning,
                message: format!(
                    "this change adds {added} entr{} to the baseline: the findings they list are not reported after it is merged",
                    if added == 1 { "y" } else { "ies" }
                ),
                fingerprint: fingerprint(&[rule.code, &path, "baseline-entries"]),
                path,
                span: None,
                labels: Vec::new(),
                help: Some("loosening the gate is part of the change: review it as such".into()),
                redact: Vec::new(),
                age: 0,
                secret: None,
            });
        }
    }
    crate::baseline::apply(report, &baseline, rel.as_deref().unwrap_or("the baseline"));
    Ok(())
}

/// The canonical form of a path argument, except that a symbolic link stays a link (its
/// directory resolved): the walk decides whether it may be followed, as for links it finds.
fn resolve_argument(abs: PathBuf) -> PathBuf {
    let is_link = std::fs::symlink_metadata(&abs).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && let (Some(dir), Some(name)) = (abs.parent(), abs.file_name()) {
        return std::fs::canonicalize(dir).map_or_else(|_| abs.clone(), |d| d.join(name));
    }
    std::fs::canonicalize(&abs).unwrap_or(abs)
}

/// PR mode: keeps the findings the base does not have (as a multiset: a second copy of an
/// old finding is new) and counts the others.
fn keep_new(report: &mut Report, base: &Report) {
    use std::collections::HashMap;
    let key = |d: &Diagnostic| (d.rule.code, d.fingerprint.clone(), d.message.clone());
    let mut old: HashMap<_, usize> = HashMap::new();
    for d in &base.diagnostics {
        *old.entry(key(d)).or_default() += 1;
    }
    let before = report.diagnostics.len();
    report.diagnostics.retain(|d| match old.get_mut(&key(d)) {
        Some(n) if *n > 0 => {
            *n -= 1;
            false
        }
        _ => true,
    });
    report.not_new = before - report.diagnostics.len();
    // The base's own incompleteness matters too: a finding hidden there could look old.
    for (path, why) in &base.incomplete {
        report
            .incomplete
            .push((path.clone(), format!("in the diff base: {why}")));
    }
}

/// AG613: how the change loosened the repository's own config (compared with the base's).
fn weakened_config(
    report: &mut Report,
    config: &Config,
    tree: &[(String, gix::ObjectId)],
) -> Result<(), Error> {
    let rule = &crate::rules::policy::CONFIG_WEAKENED;
    // Judged by the base's standards: the changed config cannot switch off or downgrade the
    // rule that reports its own loosening.
    let selection = &Selection::all();
    let root = report.root.clone();
    // The head's config, or the base's at the discovered names when the change deleted it.
    let rel = config
        .path
        .as_ref()
        .map(|p| source::relative(p, &root).0)
        .or_else(|| {
            tree.iter()
                .map(|(p, _)| p)
                .find(|p| config::FILE_NAMES.contains(&p.as_str()))
                .cloned()
        });
    let Some(rel) = rel else { return Ok(()) };
    let base = match tree.iter().find(|(p, _)| *p == rel) {
        Some((_, id)) => {
            let bytes = source::git::read_blob(&root, *id, crate::fsx::SMALL_FILE_CAP)?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            // A base config that no longer parses cannot be compared: judge against none.
            config::parse_without_packs(&root.join(&rel), &text, &root).unwrap_or_default()
        }
        None => Config::default(),
    };
    let found = config::weakenings(&base, config);
    if found.is_empty() {
        return Ok(());
    }
    let mut emit = Emitter::new(&rel, &config.text, selection);
    for (key, message) in found {
        let range = config
            .text
            .find(&format!("{key}:"))
            .or_else(|| config.text.find(key.as_str()))
            .map(|at| at..at + key.len());
        let d = emit.emit(rule, range, format!("this change {message}"));
        d.help = Some("loosening the gate is part of the change: review it as such".into());
        if key == "exceptions" || key == "baseline" {
            // The audited path: visible, not blocking.
            d.severity = d.severity.min(crate::diagnostic::Severity::Warning);
        }
    }
    report.diagnostics.append(&mut emit.out);
    report
        .diagnostics
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(())
}

fn prefixes_of(roots: &[PathBuf], project_root: &Path) -> Vec<String> {
    roots
        .iter()
        .map(|r| {
            if *r == project_root {
                String::new()
            } else {
                source::relative(r, project_root).0
            }
        })
        .collect()
}

fn under(path: &str, prefixes: &[String]) -> bool {
    prefixes.iter().any(|p| {
        p.is_empty()
            || path == p
            || path
                .strip_prefix(p.as_str())
                .is_some_and(|r| r.starts_with('/'))
    })
}

#[derive(Debug, Default, Clone)]
pub struct HistoryOptions {
    pub path: Option<PathBuf>,
    pub since: Option<String>,
    pub all: bool,
    pub config: Option<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

/// Secrets in history: every unique blob reachable from HEAD (or all refs) scanned once, in
/// parallel; each secret reported once, with the commit that first introduced it.
pub fn history(opts: &HistoryOptions) -> Result<Report, Error> {
    let cwd = std::env::current_dir()
        .map_err(|e| Error::Usage(format!("cannot read the current directory: {e}")))?;
    let start = cwd.join(opts.path.clone().unwrap_or_else(|| PathBuf::from(".")));
    let (root, blobs) = source::git::history_blobs(&start, opts.since.as_deref(), opts.all)?;
    let config = match (&opts.config, config::discover(&root)) {
        (Some(named), _) => config::load_with(&cwd.join(named), &root, true, false)?,
        (None, Some(found)) => config::load(&found, &root)?,
        (None, None) => Config::default(),
    };
    let selection = config::selection(&config, &opts.select, &opts.ignore)?;
    let scanner = Scanner::new(&selection, &config)?;
    let blobs: Vec<_> = blobs
        .into_iter()
        .filter(|b| !config.excludes.is_excluded(&b.path))
        .collect();
    source::git::visit_blobs(&root, &blobs, MAX_SCAN_SIZE, &|item, blob| {
        scanner.visit_historic(item, blob)
    })?;
    let mut report = scanner.finish(root, false, selection.clone());
    // The same suppression stage as `check`: an accepted finding is accepted in history too
    // (unused exceptions are not judged: history sees other versions of the files).
    if let Some(path) = &config.path {
        let rel = source::relative(path, &report.root).0;
        crate::exceptions::apply(&mut report, &config.exceptions, &rel, &selection, false);
    }
    // The same secret in several versions of a file: keep the oldest introduction.
    report
        .diagnostics
        .sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint).then(b.age.cmp(&a.age)));
    report
        .diagnostics
        .dedup_by(|a, b| a.fingerprint == b.fingerprint);
    report
        .diagnostics
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report.seal();
    Ok(report)
}

fn git_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// Per-run state shared by the source's worker threads.
struct Scanner<'a> {
    selection: &'a Selection,
    checks: Vec<FileCheck>,
    /// The organisation's secret rules, beside the built-in pack.
    org: Option<std::sync::Arc<crate::secrets::Engine>>,
    /// Checks for every text file (secrets); empty means non-agent files are never opened.
    any_checks: Vec<FileCheck>,
    /// Text of non-agent files that have findings (agent files' text lives in `agent`).
    other_sources: Mutex<Vec<(String, String)>>,
    max_file_size: u64,
    files: AtomicUsize,
    agent_files: AtomicUsize,
    unreadable: AtomicUsize,
    /// What could not be checked, and why: the scan is incomplete when this is not empty.
    incomplete: Mutex<Vec<(String, String)>>,
    found: Mutex<Vec<Diagnostic>>,
    /// Findings an `agentgate:allow` with a reason suppressed.
    allowed: Mutex<Vec<Diagnostic>>,
    /// Every agent file, parsed, for the repository-level pass.
    agent: Mutex<Vec<FileCtx>>,
    /// Paths of staged blobs (`--staged` only).
    staged: Mutex<Vec<String>>,
    /// Every file path seen in a working-tree walk (for reference checks).
    seen: Mutex<Vec<String>>,
    /// Build and script definitions (package.json, Makefile…) for the context rules.
    support: Mutex<Vec<FileCtx>>,
    stale: crate::rules::StaleThresholds,
    /// Only part of the tree is being checked (explicit files or subdirectories).
    partial: bool,
    /// Some of the paths given are files (pre-commit's file-list mode).
    named_files: bool,
    /// The git index's paths, when the run already read it (`--staged`).
    index: Option<Vec<String>>,
    policy: crate::policy::Policy,
    excludes: crate::config::Excludes,
    agents: Vec<(String, Option<crate::config::Version>)>,
    /// The knowledge tables: built-in, plus what the packs' `knowledge/` adds.
    knowledge: std::sync::Arc<crate::model::knowledge::Knowledge>,
    /// The file-kind table with the packs' `knowledge/kinds.yaml` rows (`None`: built-in).
    kinds: Option<crate::classify::Classifier>,
}

/// The run's knowledge tables: the built-in ones extended by the packs' `knowledge/` files,
/// whose examples must be judged as they say (a pack that teaches the gate something else
/// than its author meant is a configuration error, not a silent change of verdicts).
fn knowledge(config: &Config) -> Result<std::sync::Arc<crate::model::knowledge::Knowledge>, Error> {
    let k = crate::model::knowledge::Knowledge::extended(&config.policy.knowledge)
        .map_err(|e| Error::Usage(format!("policy pack knowledge: {e}")))?;
    let problems = crate::rules::knowledge_problems(&k);
    if !problems.is_empty() {
        return Err(Error::Usage(format!(
            "policy pack knowledge: {} example(s) are not judged as recorded:\n  {}",
            problems.len(),
            problems.join("\n  ")
        )));
    }
    Ok(k)
}

/// The packs' `knowledge/kinds.yaml` files (the file-kind table's additions).
fn kinds_packs(config: &Config) -> Vec<(String, String)> {
    config
        .policy
        .knowledge
        .iter()
        .filter(|(file, _)| {
            Path::new(file)
                .file_stem()
                .is_some_and(|s| s == crate::model::knowledge::KINDS)
        })
        .cloned()
        .collect()
}

impl<'a> Scanner<'a> {
    /// How paths are classified in this run.
    fn kinds(&self) -> &crate::classify::Classifier {
        self.kinds
            .as_ref()
            .unwrap_or_else(|| crate::classify::Classifier::builtin())
    }

    fn new(selection: &'a Selection, config: &Config) -> Result<Self, Error> {
        Ok(Self {
            selection,
            checks: crate::rules::file_checks(selection),
            any_checks: crate::rules::any_file_checks(selection),
            org: crate::config::org_secrets(config)?,
            knowledge: knowledge(config)?,
            kinds: crate::classify::Classifier::extended(&kinds_packs(config))
                .map_err(|e| Error::Usage(format!("policy pack knowledge: {e}")))?,
            other_sources: Mutex::new(Vec::new()),
            max_file_size: config.max_file_size,
            files: AtomicUsize::new(0),
            agent_files: AtomicUsize::new(0),
            unreadable: AtomicUsize::new(0),
            incomplete: Mutex::new(Vec::new()),
            found: Mutex::new(Vec::new()),
            allowed: Mutex::new(Vec::new()),
            agent: Mutex::new(Vec::new()),
            staged: Mutex::new(Vec::new()),
            seen: Mutex::new(Vec::new()),
            support: Mutex::new(Vec::new()),
            stale: config.stale,
            partial: false,
            named_files: false,
            index: None,
            policy: config.policy.clone(),
            excludes: config.excludes.clone(),
            agents: config.agents.clone(),
        })
    }

    fn visit(&self, item: Item) {
        match item {
            Item::File { rel, abs } => {
                self.files.fetch_add(1, Ordering::Relaxed);
                lock(&self.seen).push(rel.clone());
                let kind = self.kinds().classify(&rel);
                if !self.wanted(&rel, kind) {
                    return; // No enabled rule reads other files: don't open them.
                }
                match read_bounded(&abs, self.max_file_size) {
                    Ok(bytes) => self.check(&rel, kind, bytes),
                    Err(Bounded::TooLarge(len)) => {
                        if !self.too_large(&rel, kind, len) {
                            self.scan_file(&rel, &abs);
                        }
                    }
                    Err(Bounded::Io(e)) => {
                        self.problem(&rel, &scan::UNREADABLE_FILE, format!("cannot read: {e}"))
                    }
                }
            }
            Item::Blob { rel, data } => {
                self.files.fetch_add(1, Ordering::Relaxed);
                lock(&self.staged).push(rel.clone());
                let kind = self.kinds().classify(&rel);
                if !self.wanted(&rel, kind) {
                    return;
                }
                self.check_bytes(&rel, kind, data);
            }
            Item::Problem { rel, rule, message } => self.problem(&rel, rule, message),
        }
    }

    fn wanted(&self, rel: &str, kind: FileKind) -> bool {
        kind.is_agent_file() || !self.any_checks.is_empty() || crate::rules::is_support_file(rel)
    }

    /// Bytes in memory (a blob): over the cap, an agent file is an error and other files are
    /// scanned for secrets in pieces; nothing is skipped silently.
    fn check_bytes(&self, rel: &str, kind: FileKind, data: Vec<u8>) {
        if data.len() as u64 > self.max_file_size {
            if !self.too_large(rel, kind, data.len() as u64) {
                self.scan_pieces(rel, &data, |_| {});
            }
        } else {
            self.check(rel, kind, data);
        }
    }

    /// A file over `max_file_size`. An agent file is never skipped: it is an error and the
    /// scan is incomplete. Any other file is still scanned for secrets, a piece at a time,
    /// up to [`MAX_SCAN_SIZE`]; beyond that the scan is incomplete. Returns whether the file
    /// was dealt with (false: the caller scans it in pieces).
    fn too_large(&self, rel: &str, kind: FileKind, len: u64) -> bool {
        if kind.is_agent_file() || crate::rules::is_support_file(rel) {
            let message = format!(
                "{len} bytes, larger than max_file_size ({} bytes): an agent file is never skipped; \
                 shrink it or raise max_file_size in .agentgate.yaml",
                self.max_file_size
            );
            self.problem(rel, &scan::UNREADABLE_FILE, message);
            return true;
        }
        if len > MAX_SCAN_SIZE {
            let message = format!(
                "{len} bytes, larger than the {MAX_SCAN_SIZE}-byte scan limit; not scanned for secrets \
                 (exclude it in .agentgate.yaml if that is intended)"
            );
            self.problem(rel, &scan::FILE_TOO_LARGE, message);
            return true;
        }
        self.any_checks.is_empty()
    }

    fn scan_file(&self, rel: &str, abs: &Path) {
        let mut options = std::fs::OpenOptions::new();
        options.read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NONBLOCK);
        }
        match options.open(abs) {
            Ok(f) if f.metadata().is_ok_and(|m| m.is_file()) => {
                let mut reader = std::io::BufReader::with_capacity(1 << 20, f.take(MAX_SCAN_SIZE));
                self.scan_reader(rel, &mut reader);
            }
            Ok(_) => self.problem(
                rel,
                &scan::UNREADABLE_FILE,
                "cannot read: not a regular file".into(),
            ),
            Err(e) => self.problem(rel, &scan::UNREADABLE_FILE, format!("cannot read: {e}")),
        }
    }

    /// Secrets in a large file read from `reader` in pieces of at most `max_file_size`.
    fn scan_reader(&self, rel: &str, reader: &mut dyn Read) {
        let piece = (self.max_file_size as usize).clamp(64 << 10, 8 << 20);
        let mut buf = Vec::with_capacity(piece + PIECE_OVERLAP);
        let mut carry: Vec<u8> = Vec::new();
        let mut offset = 0usize; // of `buf[0]` in the file
        let mut lines = 0u32; // line breaks before `buf[0]`
        let mut found = Vec::new();
        loop {
            buf.clear();
            buf.extend_from_slice(&carry);
            let want = piece.saturating_sub(buf.len()).max(1);
            let mut chunk = Vec::with_capacity(want);
            match (&mut *reader).take(want as u64).read_to_end(&mut chunk) {
                Ok(_) => {}
                Err(e) => {
                    return self.problem(rel, &scan::UNREADABLE_FILE, format!("cannot read: {e}"));
                }
            }
            let done = chunk.is_empty();
            buf.extend_from_slice(&chunk);
            if buf.is_empty() {
                break;
            }
            // Cut after the last line break when there is one, so no secret is split; a
            // piece without one keeps an overlap instead.
            let cut = if done {
                buf.len()
            } else {
                memchr::memrchr(b'\n', &buf)
                    .map_or(buf.len().saturating_sub(PIECE_OVERLAP), |i| i + 1)
            };
            let cut = cut.max(1).min(buf.len());
            let (this, rest) = buf.split_at(cut);
            let text = String::from_utf8_lossy(this);
            let ctx = FileCtx::new(rel, FileKind::Other, text.as_ref());
            let mut emit = Emitter::new(rel, &text, self.selection).with_org(self.org.as_deref());
            for check in &self.any_checks {
                check(&ctx, &mut emit);
            }
            let mut allowed = Vec::new();
            crate::directives::apply_allow(rel, &text, &mut emit.out, &mut allowed, self.selection);
            for (mut d, ok) in emit
                .out
                .into_iter()
                .map(|d| (d, false))
                .chain(allowed.into_iter().map(|d| (d, true)))
            {
                if let Some(span) = &mut d.span {
                    span.start += offset;
                    span.end += offset;
                    span.line += lines;
                    span.end_line += lines;
                }
                d.redact.clear(); // no snippet of a file this large is kept
                if ok {
                    lock(&self.allowed).push(d);
                } else {
                    found.push(d);
                }
            }
            lines += memchr::memchr_iter(b'\n', this).count() as u32;
            offset += this.len();
            carry = rest.to_vec();
            if done && carry.is_empty() {
                break;
            }
            if done {
                // The rest had no line break: it was scanned as the overlap of this piece.
                let text = String::from_utf8_lossy(&carry).into_owned();
                let ctx = FileCtx::new(rel, FileKind::Other, text.as_str());
                let mut emit =
                    Emitter::new(rel, &text, self.selection).with_org(self.org.as_deref());
                for check in &self.any_checks {
                    check(&ctx, &mut emit);
                }
                for mut d in emit.out {
                    if let Some(span) = &mut d.span {
                        span.start += offset;
                        span.end += offset;
                        span.line += lines;
                        span.end_line += lines;
                    }
                    found.push(d);
                }
                break;
            }
        }
        // A secret in an overlap is found twice.
        found.sort_by(|a, b| {
            a.sort_key()
                .cmp(&b.sort_key())
                .then(a.fingerprint.cmp(&b.fingerprint))
        });
        found.dedup_by(|a, b| a.fingerprint == b.fingerprint && a.span == b.span);
        if !found.is_empty() {
            lock(&self.found).append(&mut found);
        }
    }

    /// [`Scanner::scan_reader`] over bytes in memory; `tag` adjusts each finding.
    fn scan_pieces(&self, rel: &str, data: &[u8], tag: impl Fn(&mut Diagnostic)) {
        let before = lock(&self.found).len();
        self.scan_reader(rel, &mut &data[..]);
        let mut found = lock(&self.found);
        for d in &mut found[before..] {
            tag(d);
        }
    }

    /// A blob from history: only the any-file (secrets) checks run, and each finding names
    /// the commit that introduced the blob.
    fn visit_historic(&self, item: Item, blob: &source::git::HistoryBlob) {
        let Item::Blob { rel, data } = item else {
            return self.visit(item);
        };
        self.files.fetch_add(1, Ordering::Relaxed);
        let short = blob.commit.to_hex_with_len(10).to_string();
        let tag = |d: &mut Diagnostic| {
            d.message
                .push_str(&format!(" (introduced in commit {short})"));
            d.age = blob.age;
            d.redact.clear();
        };
        if data.len() as u64 > self.max_file_size {
            // Large blobs are scanned in pieces too: history never drops a blob.
            let mut found = Vec::new();
            {
                let before = lock(&self.found).len();
                self.scan_reader(&rel, &mut &data[..]);
                let mut all = lock(&self.found);
                found.extend(all.drain(before..));
            }
            found.iter_mut().for_each(tag);
            lock(&self.found).append(&mut found);
            return;
        }
        let ctx = FileCtx::new(rel.as_str(), FileKind::Other, decode(data).text);
        let text = &ctx.text;
        let mut emit = Emitter::new(&rel, text, self.selection).with_org(self.org.as_deref());
        for check in &self.any_checks {
            check(&ctx, &mut emit);
        }
        self.allow(&rel, text, &mut emit.out);
        if emit.out.is_empty() {
            return;
        }
        emit.out.iter_mut().for_each(tag);
        // No snippet source: several versions of one path may be in play.
        lock(&self.found).append(&mut emit.out);
    }

    fn check(&self, rel: &str, kind: FileKind, bytes: Vec<u8>) {
        let Decoded { text, problem } = decode(bytes);
        if !kind.is_agent_file() {
            // Every other file is scanned for secrets, binary-looking or not: a NUL byte or
            // a UTF-16 encoding must not hide a credential. The text moves into the context:
            // copying every file of a large tree cost a tenth of a secrets scan.
            let ctx = FileCtx::new(rel, kind, text);
            let text = ctx.text.as_str();
            let mut emit = Emitter::new(rel, text, self.selection).with_org(self.org.as_deref());
            for check in &self.any_checks {
                check(&ctx, &mut emit);
            }
            self.allow(rel, text, &mut emit.out);
            let flagged = !emit.out.is_empty();
            if flagged {
                lock(&self.found).append(&mut emit.out);
            }
            if crate::rules::is_support_file(rel) {
                lock(&self.support).push(ctx);
            } else if flagged && problem.is_none() {
                lock(&self.other_sources).push((ctx.path, ctx.text));
            }
            return;
        }
        self.agent_files.fetch_add(1, Ordering::Relaxed);
        // An agent file in a strange encoding is reported, and still checked as decoded.
        if let Some(problem) = problem {
            self.problem(rel, &scan::INVALID_ENCODING, problem);
        }
        let ctx = FileCtx::new(rel, kind, text).with_knowledge(self.knowledge.clone());
        let text = ctx.text.as_str();
        let mut emit = Emitter::new(rel, text, self.selection).with_org(self.org.as_deref());
        for check in self.checks.iter().chain(&self.any_checks) {
            check(&ctx, &mut emit);
        }
        self.allow(rel, text, &mut emit.out);
        if !emit.out.is_empty() {
            lock(&self.found).append(&mut emit.out);
        }
        lock(&self.agent).push(ctx);
    }

    /// `agentgate:allow` markers in one file's text (see [`crate::directives::apply_allow`]).
    fn allow(&self, rel: &str, text: &str, out: &mut Vec<Diagnostic>) {
        let mut allowed = Vec::new();
        crate::directives::apply_allow(rel, text, out, &mut allowed, self.selection);
        if !allowed.is_empty() {
            lock(&self.allowed).append(&mut allowed);
        }
    }

    fn problem(&self, rel: &str, rule: &'static Rule, message: String) {
        // What could not be checked makes the scan incomplete, whichever rules are selected.
        if std::ptr::eq(rule, &scan::UNREADABLE_FILE) || std::ptr::eq(rule, &scan::FILE_TOO_LARGE) {
            self.unreadable.fetch_add(1, Ordering::Relaxed);
            lock(&self.incomplete).push((rel.to_string(), message.clone()));
        }
        if !self.selection.is_enabled(rule) {
            return;
        }
        let diag = Diagnostic {
            rule,
            severity: self.selection.severity(rule),
            message,
            path: rel.to_string(),
            span: None,
            labels: Vec::new(),
            help: None,
            fingerprint: fingerprint(&[rule.code, rel]),
            redact: Vec::new(),
            age: 0,
            secret: None,
        };
        lock(&self.found).push(diag);
    }

    fn finish(self, root: PathBuf, staged: bool, selection: Selection) -> Report {
        self.finish_with_files(root, staged, selection).0
    }

    /// The report and the run's agent files (parsed once; fleet scorecards read them).
    fn finish_with_files(
        self,
        root: PathBuf,
        staged: bool,
        selection: Selection,
    ) -> (Report, Vec<FileCtx>) {
        let mut diagnostics = self.found.into_inner().unwrap_or_else(|p| p.into_inner());
        let staged_paths =
            staged.then(|| self.staged.into_inner().unwrap_or_else(|p| p.into_inner()));
        let walked = self.seen.into_inner().unwrap_or_else(|p| p.into_inner());
        let mut repo = Repo::new(
            self.agent.into_inner().unwrap_or_else(|p| p.into_inner()),
            root.clone(),
            staged_paths,
            self.excludes,
        )
        .with_walked(walked)
        .with_index(self.index);
        repo.support = self.support.into_inner().unwrap_or_else(|p| p.into_inner());
        repo.stale_thresholds = self.stale;
        repo.partial = self.partial;
        repo.named_files = self.named_files;
        repo.policy = self.policy;
        repo.agents = self.agents;
        let mut emit = RepoEmitter::new(&selection);
        for check in crate::rules::repo_checks(&selection) {
            check(&repo, &mut emit);
        }
        let mut suppressed = self.allowed.into_inner().unwrap_or_else(|p| p.into_inner());
        // Repository rules' findings honour the markers in the files they point into.
        let mut by_path: std::collections::BTreeMap<String, Vec<Diagnostic>> = Default::default();
        for d in emit.out {
            by_path.entry(d.path.clone()).or_default().push(d);
        }
        let texts: std::collections::HashMap<&str, &str> = repo
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.text.as_str()))
            .collect();
        for (path, mut out) in by_path {
            if let Some(text) = texts.get(path.as_str()) {
                crate::directives::apply_allow(&path, text, &mut out, &mut suppressed, &selection);
            }
            diagnostics.append(&mut out);
        }
        for file in &repo.files {
            crate::directives::apply(
                &file.path,
                &file.text,
                &mut diagnostics,
                &mut suppressed,
                &selection,
            );
        }
        diagnostics.sort_by(|a, b| {
            a.sort_key()
                .cmp(&b.sort_key())
                .then_with(|| a.message.cmp(&b.message))
        });
        diagnostics.dedup_by(|a, b| {
            a.fingerprint == b.fingerprint && a.span == b.span && a.message == b.message
        });
        fold_into_policy(&mut diagnostics);
        let flagged: HashSet<&str> = diagnostics.iter().map(|d| d.path.as_str()).collect();
        let others = self
            .other_sources
            .into_inner()
            .unwrap_or_else(|p| p.into_inner());
        let sources = repo
            .files
            .iter()
            .filter(|f| flagged.contains(f.path.as_str()))
            .map(|f| (f.path.clone(), f.text.clone()))
            .chain(
                others
                    .into_iter()
                    .filter(|(path, _)| flagged.contains(path.as_str())),
            )
            .collect();
        let report = Report::new(
            diagnostics,
            suppressed,
            sources,
            root,
            self.files.into_inner(),
            self.agent_files.into_inner(),
            {
                let mut v = self
                    .incomplete
                    .into_inner()
                    .unwrap_or_else(|p| p.into_inner());
                v.sort();
                v.dedup();
                v
            },
            selection,
        );
        (report, repo.files)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub use crate::source::MAX_SCAN_SIZE;
/// Bytes shared by consecutive pieces of a large file without line breaks.
const PIECE_OVERLAP: usize = 4096;

enum Bounded {
    TooLarge(u64),
    Io(std::io::Error),
}

/// A regular file's bytes, or its size when it is over `cap` (checked before a byte is read).
fn read_bounded(path: &Path, cap: u64) -> Result<Vec<u8>, Bounded> {
    match crate::fsx::read_capped(path, cap) {
        Ok(bytes) => Ok(bytes),
        Err(crate::fsx::FsError::TooLarge { .. }) => Err(Bounded::TooLarge(
            std::fs::metadata(path).map_or(cap + 1, |m| m.len()),
        )),
        Err(crate::fsx::FsError::Io { source, .. }) => Err(Bounded::Io(source)),
        Err(e) => Err(Bounded::Io(std::io::Error::other(
            e.to_string()
                .rsplit_once(": ")
                .map_or(e.to_string(), |(_, m)| m.to_string()),
        ))),
    }
}

/// A file's text as agentgate checks it, and what was odd about its encoding.
struct Decoded {
    text: String,
    problem: Option<String>,
}

/// UTF-8 (a BOM dropped), UTF-16 (by BOM, or by the NUL pattern of ASCII text) decoded, and
/// anything else decoded lossily. Nothing is skipped for looking binary. Valid UTF-8 keeps
/// its buffer.
fn decode(mut bytes: Vec<u8>) -> Decoded {
    if bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.drain(..3);
    }
    if let Some(le) = utf16(&bytes) {
        let body = if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
            &bytes[2..]
        } else {
            &bytes[..]
        };
        let units = body.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        return Decoded {
            text: char::decode_utf16(units)
                .map(|r| r.unwrap_or('\u{fffd}'))
                .collect(),
            problem: Some(
                "UTF-16 encoded: checked as decoded, but most agents read only UTF-8".into(),
            ),
        };
    }
    match String::from_utf8(bytes) {
        Ok(text) => Decoded {
            // memchr's search, not `str::contains`' byte-at-a-time one: every file pays it.
            problem: memchr::memchr(0, text.as_bytes())
                .is_some()
                .then(|| "contains NUL bytes: binary content in an agent file".into()),
            text,
        },
        Err(e) => Decoded {
            problem: Some(format!(
                "not valid UTF-8 (first invalid byte at offset {}); checked as decoded lossily",
                e.utf8_error().valid_up_to()
            )),
            text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
        },
    }
}

/// `Some(little_endian)` when `bytes` look like UTF-16: a byte-order mark, or mostly ASCII
/// text whose every other byte is NUL.
fn utf16(bytes: &[u8]) -> Option<bool> {
    if bytes.starts_with(b"\xff\xfe") {
        return Some(true);
    }
    if bytes.starts_with(b"\xfe\xff") {
        return Some(false);
    }
    let head = &bytes[..bytes.len().min(4096) & !1];
    // Text without a NUL (nearly every file) is not UTF-16; memchr says so fastest.
    if head.len() < 8 || memchr::memchr(0, head).is_none() {
        return None;
    }
    let pairs = head.len() / 2;
    let zero_odd = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    let zero_even = head.iter().step_by(2).filter(|b| **b == 0).count();
    if zero_odd * 10 >= pairs * 9 && zero_even * 10 < pairs {
        Some(true)
    } else if zero_even * 10 >= pairs * 9 && zero_odd * 10 < pairs {
        Some(false)
    } else {
        None
    }
}

/// One message per problem: where the organisation's policy and a built-in rule report the same
/// place (a forbidden `bypassPermissions` is also AG102), the policy finding stays and carries
/// the built-in rule's explanation in its help; the built-in finding goes.
fn fold_into_policy(diagnostics: &mut Vec<Diagnostic>) {
    use crate::registry::Family;
    let at = |d: &Diagnostic| d.span.as_ref().map(|s| (d.path.clone(), s.line, s.col));
    // The policy finding's severity per place: a built-in finding folds only into one at least
    // as severe, so the exit code never drops.
    let mut policy: std::collections::HashMap<(String, u32, u32), crate::registry::Severity> =
        std::collections::HashMap::new();
    for d in diagnostics
        .iter()
        .filter(|d| d.rule.family == Family::Policy)
    {
        if let Some(key) = at(d) {
            let s = policy.entry(key).or_insert(d.severity);
            *s = (*s).max(d.severity);
        }
    }
    if policy.is_empty() {
        return;
    }
    let mut folded: Vec<((String, u32, u32), String)> = Vec::new();
    diagnostics.retain(|d| match at(d) {
        Some(key)
            if d.rule.family != Family::Policy
                && policy.get(&key).is_some_and(|s| *s >= d.severity) =>
        {
            folded.push((key, format!("{} {}", d.rule.code, d.message)));
            false
        }
        _ => true,
    });
    for (key, note) in folded {
        if let Some(p) = diagnostics
            .iter_mut()
            .find(|d| d.rule.family == Family::Policy && at(d).as_ref() == Some(&key))
        {
            let help = p.help.take().unwrap_or_default();
            p.help = Some(if help.is_empty() {
                format!("also {note}")
            } else {
                format!("{help}; also {note}")
            });
        }
    }
}

#[cfg(test)]
mod fold_tests {
    use super::*;
    use crate::registry::Severity;
    use crate::report::diagnostic::Span;

    fn diag(rule: &'static crate::registry::Rule, severity: Severity, line: u32) -> Diagnostic {
        Diagnostic {
            rule,
            severity,
            message: format!("{} here", rule.code),
            path: ".claude/settings.json".into(),
            span: Some(Span {
                start: 0,
                end: 1,
                line,
                col: 20,
                end_line: line,
                end_col: 21,
            }),
            labels: Vec::new(),
            help: Some("fix it".into()),
            fingerprint: rule.code.into(),
            redact: Vec::new(),
            age: 0,
            secret: None,
        }
    }

    #[test]
    fn policy_and_built_in_report_once() {
        let forbidden = &crate::registry::policy::POLICY_FORBIDDEN_SETTING;
        let bypass = &crate::registry::permissions::BYPASS_PERMISSIONS_MODE;
        let mut d = vec![
            diag(bypass, Severity::Error, 5),
            diag(forbidden, Severity::Error, 5),
            diag(bypass, Severity::Error, 9),
        ];
        fold_into_policy(&mut d);
        let codes: Vec<(&str, u32)> = d.iter().map(|x| (x.rule.code, x.line())).collect();
        assert_eq!(codes, [("AG607", 5), ("AG102", 9)]);
        assert!(d[0].help.as_deref().unwrap().contains("also AG102"));
        // Never folded into a milder policy finding: the exit code must not drop.
        let mut d = vec![
            diag(bypass, Severity::Error, 5),
            diag(forbidden, Severity::Warning, 5),
        ];
        fold_into_policy(&mut d);
        assert_eq!(d.len(), 2);
    }
}
