//! The project as repository-level rules see it: every agent file of the run (parsed once),
//! the support files, the policy, and the facts of the tree and of git — index paths, walked
//! paths, staleness — each computed at most once, on first use, so a commit hook pays only for
//! what its rules ask. Rules read these facts here; they never call git or the filesystem.

use super::FileCtx;
use crate::classify::SUPPORT_NAMES;
use crate::config::StaleThresholds;
use std::cell::OnceCell;

/// Everything repository-level rules see: every agent file of the run (already parsed), and
/// the paths git tracks (with `--staged`: the staged changes), honouring the config's excludes.
pub struct Repo {
    pub files: Vec<FileCtx>,
    pub root: std::path::PathBuf,
    /// `Some` in `--staged` mode: the staged paths, which are all a commit gate may judge.
    pub staged: Option<Vec<String>>,
    excludes: crate::source::excludes::Excludes,
    tracked: OnceCell<Option<Vec<String>>>,
    /// The git index's paths, read at most once (for `all_paths` and `tracked`).
    index: OnceCell<Option<Vec<String>>>,
    /// Every file path the walk saw (unsorted), turned into `paths` on first use.
    walked: std::cell::RefCell<Vec<String>>,
    /// Every file path of the checked tree, sorted; built only if a rule asks.
    paths: OnceCell<Vec<String>>,
    /// File name → the first of `paths` with that name (for `same_name`).
    names: OnceCell<std::collections::HashMap<String, usize>>,
    /// Path → index in `files` (for `file`).
    by_path: OnceCell<std::collections::HashMap<String, usize>>,
    /// package.json, Makefiles, justfiles and Taskfiles: where documented commands are defined.
    pub support: Vec<FileCtx>,
    /// The run looked at part of the tree only (explicit files or subdirectories).
    pub partial: bool,
    /// Files were named on the command line (pre-commit's file-list mode): a commit gate.
    pub named_files: bool,
    /// The organisation policy from `extends:` packs (empty without packs).
    pub policy: crate::policy::Policy,
    /// When a context file counts as stale (from the config).
    pub stale_thresholds: StaleThresholds,
    /// Declared client versions (`agents:` in the config): agent and the lowest version.
    pub agents: Vec<(String, Option<crate::config::Version>)>,
}

impl Repo {
    pub fn new(
        mut files: Vec<FileCtx>,
        root: std::path::PathBuf,
        staged: Option<Vec<String>>,
        excludes: crate::source::excludes::Excludes,
    ) -> Self {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Self {
            files,
            root,
            staged,
            excludes,
            tracked: OnceCell::new(),
            index: OnceCell::new(),
            walked: std::cell::RefCell::new(Vec::new()),
            paths: OnceCell::new(),
            names: OnceCell::new(),
            by_path: OnceCell::new(),
            support: Vec::new(),
            partial: false,
            named_files: false,
            policy: Default::default(),
            stale_thresholds: StaleThresholds::default(),
            agents: Vec::new(),
        }
    }

    /// The nearest support file called `name` (or an alias: `makefile` for `Makefile`…) in
    /// `dir` or one of its parents.
    pub fn support_file(&self, dir: &str, name: &str) -> Option<&FileCtx> {
        let aliases = SUPPORT_NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(&[][..], |(_, a)| *a);
        let mut d = Some(dir);
        while let Some(cur) = d {
            let found = self.support.iter().find(|f| {
                let (fd, fname) = f.path.rsplit_once('/').unwrap_or(("", f.path.as_str()));
                fd == cur && aliases.contains(&fname)
            });
            if found.is_some() {
                return found;
            }
            d = if cur.is_empty() {
                None
            } else {
                Some(cur.rsplit_once('/').map_or("", |(p, _)| p))
            };
        }
        None
    }

    /// Git-history staleness for context files (`None` outside git).
    pub fn staleness(
        &self,
        paths: &[String],
    ) -> Option<Vec<Option<crate::source::git::Staleness>>> {
        if self.root.as_os_str().is_empty() {
            return None;
        }
        crate::source::git::staleness(&self.root, paths, 10_000)
    }

    /// The git index's paths, when the caller has read them already.
    pub fn with_index(self, index: Option<Vec<String>>) -> Self {
        if let Some(paths) = index {
            let _ = self.index.set(Some(paths));
        }
        self
    }

    /// The paths a working-tree walk saw (for reference checks).
    pub fn with_walked(self, walked: Vec<String>) -> Self {
        *self.walked.borrow_mut() = walked;
        self
    }

    /// Every file path of the checked tree, sorted: the walk's, or with `--staged` the git
    /// index's (read only when a rule asks, so the commit hook does not pay for it).
    pub fn all_paths(&self) -> Option<&[String]> {
        let paths = self.paths.get_or_init(|| {
            // A staged run or one over some files only (pre-commit passes names) did not see
            // the whole tree: the git index has it.
            let index = (self.staged.is_some() || self.partial)
                .then(|| self.index().map(<[String]>::to_vec))
                .flatten();
            let mut paths = index.unwrap_or_else(|| std::mem::take(&mut *self.walked.borrow_mut()));
            paths.sort_unstable();
            paths
        });
        Some(paths)
    }

    fn index(&self) -> Option<&[String]> {
        self.index
            .get_or_init(|| {
                (!self.root.as_os_str().is_empty())
                    .then(|| crate::source::git::index_paths(&self.root))
                    .flatten()
            })
            .as_deref()
    }

    /// Is `path` a file of the checked tree?
    pub fn has_file(&self, path: &str) -> bool {
        // Some files of a working tree named (pre-commit): one stat instead of the whole index.
        if self.partial && self.staged.is_none() && self.paths.get().is_none() {
            return !path.split('/').any(|c| c == "..") && self.root.join(path).is_file();
        }
        self.all_paths()
            .is_some_and(|all| all.binary_search_by(|p| p.as_str().cmp(path)).is_ok())
    }

    /// The text of a file of the tree that no rule classified (a template's target such as
    /// `docs/AI.md`), read from the working tree, capped and confined; `None` at commit time
    /// (only staged agent files are judged) or when it cannot be read.
    pub fn read_other(&self, path: &str) -> Option<FileCtx> {
        if self.staged.is_some() || !self.has_file(path) {
            return None;
        }
        let text = crate::fsx::read_confined_text(
            &self.root.join(path),
            &self.root,
            crate::fsx::SMALL_FILE_CAP,
        )
        .ok()?;
        Some(FileCtx::new(path, crate::classify::FileKind::Other, text))
    }

    /// Is `dir` a directory of the checked tree (does some file live below it)?
    pub fn has_dir(&self, dir: &str) -> bool {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        self.all_paths().is_some_and(|all| {
            all.get(all.partition_point(|p| p.as_str() < prefix.as_str()))
                .is_some_and(|p| p.starts_with(&prefix))
        })
    }

    /// A file with this name somewhere in the tree (the first in path order), for "did you
    /// mean" hints. Indexed on first use: rules ask once per broken reference.
    pub fn same_name(&self, name: &str) -> Option<&str> {
        let all = self.all_paths()?;
        let names = self.names.get_or_init(|| {
            let mut names = std::collections::HashMap::new();
            for (i, p) in all.iter().enumerate() {
                let name = p.rsplit('/').next().unwrap_or(p);
                names.entry(name.to_string()).or_insert(i);
            }
            names
        });
        names.get(name).map(|&i| all[i].as_str())
    }

    /// The run's agent file at `path`, if there is one.
    pub fn file(&self, path: &str) -> Option<&FileCtx> {
        let by_path = self.by_path.get_or_init(|| {
            let mut by_path = std::collections::HashMap::new();
            for (i, f) in self.files.iter().enumerate() {
                by_path.entry(f.path.clone()).or_insert(i);
            }
            by_path
        });
        by_path.get(path).map(|&i| &self.files[i])
    }

    /// Tracked paths (staged changes with `--staged`), or `None` outside a git repository.
    pub fn tracked(&self) -> Option<&[String]> {
        if let Some(staged) = &self.staged {
            return Some(staged);
        }
        self.tracked
            .get_or_init(|| {
                Some(
                    self.index()?
                        .iter()
                        .filter(|p| !self.excludes.is_excluded(p))
                        .cloned()
                        .collect(),
                )
            })
            .as_deref()
    }
}
