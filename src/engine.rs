//! One pass: resolve options and config, pull files from a source, run each file's rules in
//! parallel, and collect a [`Report`]. Each file is read once and parsed at most once.

use crate::classify::{FileKind, classify};
use crate::config::{self, Config, ConfigError};
use crate::report::Report;
use crate::report::diagnostic::{Diagnostic, fingerprint};
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
    pub config: Option<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum EngineError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] Box<ConfigError>),
    #[error(transparent)]
    Git(#[from] source::git::GitError),
}

pub fn run(opts: &ScanOptions) -> Result<Report, EngineError> {
    let cwd = std::env::current_dir()
        .map_err(|e| EngineError::Usage(format!("cannot read the current directory: {e}")))?;
    let paths = if opts.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        opts.paths.clone()
    };
    let mut roots = Vec::with_capacity(paths.len());
    for p in &paths {
        let abs = cwd.join(p);
        if std::fs::symlink_metadata(&abs).is_err() {
            return Err(EngineError::Usage(format!(
                "{}: no such file or directory",
                p.display()
            )));
        }
        roots.push(std::fs::canonicalize(&abs).unwrap_or(abs));
    }
    let start = if roots[0].is_dir() {
        roots[0].clone()
    } else {
        roots[0]
            .parent()
            .map_or_else(|| roots[0].clone(), Path::to_path_buf)
    };
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let project_root = if opts.staged {
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

    let config = match opts
        .config
        .as_ref()
        .map(|p| cwd.join(p))
        .or_else(|| config::discover(&start))
    {
        Some(path) => config::load(&path, &project_root)?,
        None => Config::default(),
    };
    let selection =
        config::selection(&config, &opts.select, &opts.ignore).map_err(EngineError::Usage)?;
    let scanner = Scanner::new(&selection, &config);

    if opts.staged {
        let prefixes: Vec<String> = roots
            .iter()
            .map(|r| {
                if *r == project_root {
                    String::new()
                } else {
                    source::relative(r, &project_root).0
                }
            })
            .collect();
        source::git::staged(&project_root, &prefixes, &config.excludes, &|item| {
            scanner.visit(item)
        })?;
    } else {
        source::walk::walk(&roots, &project_root, &config.excludes, &|item| {
            scanner.visit(item)
        });
    }
    Ok(scanner.finish(project_root, opts.staged, selection.clone()))
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
    max_file_size: u64,
    files: AtomicUsize,
    agent_files: AtomicUsize,
    unreadable: AtomicUsize,
    found: Mutex<Vec<Diagnostic>>,
    /// Every agent file, parsed, for the repository-level pass.
    agent: Mutex<Vec<FileCtx>>,
    /// Paths of staged blobs (`--staged` only).
    staged: Mutex<Vec<String>>,
    excludes: crate::config::Excludes,
}

impl<'a> Scanner<'a> {
    fn new(selection: &'a Selection, config: &Config) -> Self {
        Self {
            selection,
            checks: selection.file_checks(),
            max_file_size: config.max_file_size,
            files: AtomicUsize::new(0),
            agent_files: AtomicUsize::new(0),
            unreadable: AtomicUsize::new(0),
            found: Mutex::new(Vec::new()),
            agent: Mutex::new(Vec::new()),
            staged: Mutex::new(Vec::new()),
            excludes: config.excludes.clone(),
        }
    }

    fn visit(&self, item: Item) {
        match item {
            Item::File { rel, abs } => {
                self.files.fetch_add(1, Ordering::Relaxed);
                let kind = classify(&rel);
                if !kind.is_agent_file() {
                    return; // No rule reads other files yet: don't open them.
                }
                match read_capped(&abs, self.max_file_size) {
                    Ok(Some(bytes)) => self.check(&rel, kind, &bytes),
                    Ok(None) => self.problem(&rel, &scan::FILE_TOO_LARGE, self.too_large()),
                    Err(e) => {
                        self.problem(&rel, &scan::UNREADABLE_FILE, format!("cannot read: {e}"))
                    }
                }
            }
            Item::Blob { rel, data } => {
                self.files.fetch_add(1, Ordering::Relaxed);
                lock(&self.staged).push(rel.clone());
                let kind = classify(&rel);
                if !kind.is_agent_file() {
                    return;
                }
                if data.len() as u64 > self.max_file_size {
                    self.problem(&rel, &scan::FILE_TOO_LARGE, self.too_large());
                } else {
                    self.check(&rel, kind, &data);
                }
            }
            Item::Problem { rel, rule, message } => self.problem(&rel, rule, message),
        }
    }

    fn too_large(&self) -> String {
        format!(
            "larger than max_file_size ({} bytes); not checked",
            self.max_file_size
        )
    }

    fn check(&self, rel: &str, kind: FileKind, bytes: &[u8]) {
        self.agent_files.fetch_add(1, Ordering::Relaxed);
        let head = &bytes[..bytes.len().min(8192)];
        let text = match std::str::from_utf8(bytes) {
            Ok(text) if !head.contains(&0) => text,
            Ok(_) => {
                return self.problem(
                    rel,
                    &scan::INVALID_ENCODING,
                    "contains NUL bytes: binary content in an agent file".into(),
                );
            }
            Err(e) => {
                let message = format!(
                    "not valid UTF-8 (first invalid byte at offset {})",
                    e.valid_up_to()
                );
                return self.problem(rel, &scan::INVALID_ENCODING, message);
            }
        };
        // A BOM is invisible to editors; columns are counted after it.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let ctx = FileCtx::new(rel, kind, text);
        let mut emit = Emitter::new(rel, text, self.selection);
        for check in &self.checks {
            check(&ctx, &mut emit);
        }
        if !emit.out.is_empty() {
            lock(&self.found).append(&mut emit.out);
        }
        lock(&self.agent).push(ctx);
    }

    fn problem(&self, rel: &str, rule: &'static Rule, message: String) {
        if std::ptr::eq(rule, &scan::UNREADABLE_FILE) {
            self.unreadable.fetch_add(1, Ordering::Relaxed);
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
        };
        lock(&self.found).push(diag);
    }

    fn finish(self, root: PathBuf, staged: bool, selection: Selection) -> Report {
        let mut diagnostics = self.found.into_inner().unwrap_or_else(|p| p.into_inner());
        let staged_paths =
            staged.then(|| self.staged.into_inner().unwrap_or_else(|p| p.into_inner()));
        let repo = Repo::new(
            self.agent.into_inner().unwrap_or_else(|p| p.into_inner()),
            root.clone(),
            staged_paths,
            self.excludes,
        );
        let mut emit = RepoEmitter::new(&selection);
        for check in selection.repo_checks() {
            check(&repo, &mut emit);
        }
        diagnostics.append(&mut emit.out);
        diagnostics.sort_by(|a, b| {
            a.sort_key()
                .cmp(&b.sort_key())
                .then_with(|| a.message.cmp(&b.message))
        });
        diagnostics.dedup_by(|a, b| {
            a.fingerprint == b.fingerprint && a.span == b.span && a.message == b.message
        });
        let flagged: HashSet<&str> = diagnostics.iter().map(|d| d.path.as_str()).collect();
        let sources = repo
            .files
            .into_iter()
            .filter(|f| flagged.contains(f.path.as_str()))
            .map(|f| (f.path, f.text))
            .collect();
        Report {
            diagnostics,
            sources,
            root,
            files_scanned: self.files.into_inner(),
            agent_files: self.agent_files.into_inner(),
            unreadable: self.unreadable.into_inner(),
            selection,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// `Ok(None)` when the file is over the cap (checked before reading a byte).
fn read_capped(path: &Path, cap: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > cap {
        return Ok(None);
    }
    let mut buf = Vec::with_capacity(len as usize);
    // `take` guards against a file that grows while we read it.
    file.by_ref().take(cap + 1).read_to_end(&mut buf)?;
    Ok((buf.len() as u64 <= cap).then_some(buf))
}
