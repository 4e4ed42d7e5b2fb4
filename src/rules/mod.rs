//! The rule registry: the single table every surface reads (`--select`, `rules`, `explain`,
//! docs/rules, SARIF `tool.driver.rules`, GitLab `check_name`), plus the context rules run in.

pub(crate) mod context;
mod hooks;
mod mcp;
mod permissions;
pub mod policy;
pub mod scan;
pub(crate) mod secrets;

use crate::classify::FileKind;
use crate::model::mcp::McpServer;
use crate::model::permissions::Grant;
pub use crate::registry::{Confidence, Docs, Family, RULES, Rule, Selection, Severity, lookup};
use crate::report::diagnostic::{Diagnostic, Label, Span, fingerprint};
use crate::syntax::{self, LineIndex, Node, SyntaxError};
use std::cell::OnceCell;
use std::ops::Range;

pub type FileCheck = fn(&FileCtx, &mut Emitter<'_>);
pub type RepoCheck = fn(&Repo, &mut RepoEmitter<'_>);

/// How a rule runs.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// Once per agent file, in parallel.
    File(FileCheck),
    /// Once per text file of any kind (secrets), after the agent-file checks.
    AnyFile(FileCheck),
    /// Once per run, over every agent file (cross-file and repository rules).
    Repo(RepoCheck),
}

/// The check behind every rule that has one (the engine itself reports the others).
fn checks() -> impl Iterator<Item = (&'static Rule, Check)> {
    [
        scan::CHECKS,
        permissions::CHECKS,
        mcp::CHECKS,
        hooks::CHECKS,
        secrets::CHECKS,
        context::CHECKS,
        policy::CHECKS,
    ]
    .into_iter()
    .flatten()
    .map(|(r, c)| (*r, *c))
}

fn enabled_checks(selection: &Selection) -> impl Iterator<Item = Check> + '_ {
    checks()
        .filter(|(r, _)| selection.is_enabled(r))
        .map(|(_, c)| c)
}

/// The per-file checks `selection` enables.
pub fn file_checks(selection: &Selection) -> Vec<FileCheck> {
    enabled_checks(selection)
        .filter_map(|c| {
            if let Check::File(f) = c {
                Some(f)
            } else {
                None
            }
        })
        .collect()
}

/// The checks for every text file (secrets) `selection` enables.
pub fn any_file_checks(selection: &Selection) -> Vec<FileCheck> {
    enabled_checks(selection)
        .filter_map(|c| {
            if let Check::AnyFile(f) = c {
                Some(f)
            } else {
                None
            }
        })
        .collect()
}

/// The repository-level checks `selection` enables.
pub fn repo_checks(selection: &Selection) -> Vec<RepoCheck> {
    enabled_checks(selection)
        .filter_map(|c| {
            if let Check::Repo(f) = c {
                Some(f)
            } else {
                None
            }
        })
        .collect()
}

/// Does `rule` run once per repository (its findings may concern several files)?
pub fn is_repo_rule(rule: &Rule) -> bool {
    checks().any(|(r, c)| std::ptr::eq(r, rule) && matches!(c, Check::Repo(_)))
}

/// One file as rules see it: its kind, text, and lazily built views (each built at most once):
/// the parsed tree, its MCP servers and its permission grants.
pub struct FileCtx {
    pub path: String,
    pub kind: FileKind,
    pub text: String,
    tree: OnceCell<Result<Option<Node>, SyntaxError>>,
    servers: OnceCell<Vec<McpServer>>,
    grants: OnceCell<Vec<Grant>>,
    outline: OnceCell<syntax::markdown::Outline>,
    /// Line starts, shared by every repository-level finding in this file.
    lines: OnceCell<LineIndex>,
}

impl FileCtx {
    pub fn new(path: impl Into<String>, kind: FileKind, text: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            kind,
            text: text.into(),
            tree: OnceCell::new(),
            servers: OnceCell::new(),
            grants: OnceCell::new(),
            outline: OnceCell::new(),
            lines: OnceCell::new(),
        }
    }

    /// The file's line index, built on first use.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// The structured content: the whole document for JSON/TOML/YAML, the front matter for
    /// Markdown. `Ok(None)` when the kind has no structure (or no front matter).
    pub fn parsed(&self) -> &Result<Option<Node>, SyntaxError> {
        self.tree.get_or_init(|| {
            use crate::classify::Format;
            let text = self.text.as_str();
            match self.kind.format() {
                Format::Jsonc => syntax::json::parse(text).map(Some),
                Format::Toml => syntax::toml::parse(text).map(Some),
                Format::Yaml => syntax::yaml::parse(text, 0).map(Some),
                Format::Markdown if self.kind.has_front_matter() => {
                    match syntax::yaml::front_matter(text)? {
                        Some(fm) => syntax::yaml::parse(fm.text, fm.start).map(Some),
                        None => Ok(None),
                    }
                }
                Format::Markdown | Format::Text => Ok(None),
            }
        })
    }

    /// The tree, or `None` when there is none or it failed to parse (reported by AG001).
    pub fn tree(&self) -> Option<&Node> {
        self.parsed().as_ref().ok().and_then(Option::as_ref)
    }

    /// The Markdown structure after any front matter (headings, links, code, imports).
    pub fn outline(&self) -> &syntax::markdown::Outline {
        self.outline.get_or_init(|| {
            let body = syntax::yaml::front_matter(&self.text)
                .ok()
                .flatten()
                .map_or(0, |fm| fm.body_start);
            syntax::markdown::parse(&self.text, body)
        })
    }

    /// MCP servers declared in this file (any agent).
    pub fn mcp_servers(&self) -> &[McpServer] {
        self.servers.get_or_init(|| {
            self.tree()
                .map(|t| crate::model::mcp::servers(self.kind, t))
                .unwrap_or_default()
        })
    }

    /// Claude Code permission entries in this file (settings lists, `allowed-tools`).
    pub fn grants(&self) -> &[Grant] {
        self.grants.get_or_init(|| {
            self.tree()
                .map(|t| crate::model::permissions::claude_grants(self.kind, &self.text, t))
                .unwrap_or_default()
        })
    }
}

/// Collects diagnostics for one file, resolving byte ranges to lines and columns.
pub struct Emitter<'a> {
    path: &'a str,
    text: &'a str,
    selection: &'a Selection,
    lines: OnceCell<LineIndex>,
    /// The file's own index, when the caller has one (repository rules emit one finding at a
    /// time; building the index per finding made them quadratic in the file's size).
    shared_lines: Option<&'a LineIndex>,
    org: Option<&'a crate::secrets::Engine>,
    pub out: Vec<Diagnostic>,
}

impl<'a> Emitter<'a> {
    pub fn new(path: &'a str, text: &'a str, selection: &'a Selection) -> Self {
        Self {
            path,
            text,
            selection,
            lines: OnceCell::new(),
            shared_lines: None,
            org: None,
            out: Vec::new(),
        }
    }

    /// An emitter for `file` that resolves positions with the file's shared line index.
    fn for_file(file: &'a FileCtx, selection: &'a Selection) -> Self {
        Self {
            shared_lines: Some(file.lines()),
            ..Self::new(&file.path, &file.text, selection)
        }
    }

    pub fn span(&self, range: Range<usize>) -> Span {
        let lines = self
            .shared_lines
            .unwrap_or_else(|| self.lines.get_or_init(|| LineIndex::new(self.text)));
        // An empty range (a parse error "here") is widened to the character it points at,
        // so every renderer can underline something.
        let range = match self
            .text
            .get(range.start..)
            .and_then(|rest| rest.chars().next())
        {
            Some(c) if range.end <= range.start && c != '\n' => {
                range.start..range.start + c.len_utf8()
            }
            _ => range,
        };
        let (line, col) = lines.line_col(self.text, range.start);
        let (end_line, end_col) = lines.line_col(self.text, range.end.max(range.start));
        Span {
            start: range.start,
            end: range.end.max(range.start),
            line,
            col,
            end_line,
            end_col,
        }
    }

    /// Reports `rule` at `range` (or the whole file). The fingerprint uses the spanned text
    /// with whitespace removed, so it survives moved lines and reformatting.
    pub fn emit(
        &mut self,
        rule: &'static Rule,
        range: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        // Never the raw text where it holds a credential: a fingerprint is printed.
        let subject: String = range
            .as_ref()
            .and_then(|r| self.text.get(r.clone()))
            .map(|s| {
                crate::report::mask::fingerprint_subject(s)
                    .split_whitespace()
                    .collect()
            })
            .unwrap_or_default();
        let diag = Diagnostic {
            rule,
            severity: self.selection.severity(rule),
            message: message.into(),
            path: self.path.to_string(),
            span: range.map(|r| self.span(r)),
            labels: Vec::new(),
            help: None,
            fingerprint: fingerprint(&[rule.code, self.path, &subject]),
            redact: Vec::new(),
            age: 0,
            secret: None,
        };
        self.out.push(diag);
        self.out.last_mut().expect("just pushed")
    }

    pub fn label(&self, range: Range<usize>, text: impl Into<String>) -> Label {
        Label {
            span: self.span(range),
            text: text.into(),
        }
    }

    pub fn org_secrets(&self) -> Option<&'a crate::secrets::Engine> {
        self.org
    }

    /// The organisation's secret rules, run beside the built-in pack.
    pub fn with_org(mut self, org: Option<&'a crate::secrets::Engine>) -> Self {
        self.org = org;
        self
    }

    pub fn enabled(&self, rule: &Rule) -> bool {
        self.selection.is_enabled(rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_consistent() {
        let mut codes = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for r in RULES {
            assert!(codes.insert(r.code), "duplicate code {}", r.code);
            assert!(names.insert(r.name), "duplicate name {}", r.name);
            assert!(r.code.starts_with("AG") && r.code.len() == 5, "{}", r.code);
            assert!(
                r.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                r.name
            );
            for section in [
                r.docs.what,
                r.docs.why,
                r.docs.example,
                r.docs.fix,
                r.summary,
            ] {
                assert!(
                    !section.trim().is_empty(),
                    "{} has an empty doc section",
                    r.code
                );
            }
        }
        let mut sorted: Vec<_> = RULES.iter().map(|r| r.code).collect();
        sorted.sort();
        assert_eq!(
            sorted,
            RULES.iter().map(|r| r.code).collect::<Vec<_>>(),
            "RULES is in code order"
        );
    }

    #[test]
    fn selectors() {
        let sel = Selection::new(&["permissions".into()], &["AG102".into()], &[]).unwrap();
        assert!(sel.is_enabled(&permissions::BASH_WILDCARD_ALLOW));
        assert!(!sel.is_enabled(&permissions::BYPASS_PERMISSIONS_MODE));
        assert!(!sel.is_enabled(&mcp::MCP_UNPINNED_NPX));
        let sel = Selection::new(
            &[],
            &["AG2".into()],
            &[("bash-wildcard-allow".into(), Severity::Note)],
        )
        .unwrap();
        assert!(!sel.is_enabled(&mcp::MCP_UNPINNED_NPX));
        assert_eq!(
            sel.severity(&permissions::BASH_WILDCARD_ALLOW),
            Severity::Note
        );
        assert!(Selection::new(&["AG999".into()], &[], &[]).is_err());
        assert!(Selection::new(&["A".into()], &[], &[]).is_err());
        assert_eq!(lookup("ag101").unwrap().name, "bash-wildcard-allow");
    }
}

/// Every file and repository rule of `selection` on one in-memory file, as the engine runs
/// them (no other files: the unit tests and the fuzzer use it).
#[doc(hidden)]
pub fn check_one(path: &str, text: &str, selection: &Selection) -> Vec<Diagnostic> {
    let ctx = FileCtx::new(path, crate::classify::classify(path), text);
    let mut emit = Emitter::new(path, text, selection);
    for check in file_checks(selection)
        .into_iter()
        .chain(any_file_checks(selection))
    {
        check(&ctx, &mut emit);
    }
    let mut out = emit.out;
    let repo = Repo::new(
        vec![ctx],
        std::path::PathBuf::new(),
        None,
        Default::default(),
    );
    let mut repo_emit = RepoEmitter::new(selection);
    for check in repo_checks(selection) {
        check(&repo, &mut repo_emit);
    }
    out.extend(repo_emit.out);
    out
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    pub fn run(path: &str, text: &str) -> Vec<Diagnostic> {
        // A one-file "repository" has no context file; that rule is tested on whole trees.
        let selection = Selection::new(&[], &["AG501".into()], &[]).expect("valid");
        check_one(path, text, &selection)
    }
}

/// Everything repository-level rules see: every agent file of the run (already parsed), and
/// the paths git tracks (with `--staged`: the staged changes), honouring the config's excludes.
pub struct Repo {
    pub files: Vec<FileCtx>,
    pub root: std::path::PathBuf,
    /// `Some` in `--staged` mode: the staged paths, which are all a commit gate may judge.
    pub staged: Option<Vec<String>>,
    excludes: crate::config::Excludes,
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
}

/// `context.stale_*` in `.agentgate.yaml`.
#[derive(Debug, Clone, Copy)]
pub struct StaleThresholds {
    pub commits: usize,
    pub files: usize,
    pub days: i64,
    /// `context.require_per_package`: every workspace package needs its own context file.
    pub per_package: bool,
}

impl Default for StaleThresholds {
    fn default() -> Self {
        Self {
            commits: 50,
            files: 200,
            days: 30,
            per_package: false,
        }
    }
}

/// Files whose text the context rules need although no agent reads them.
pub fn is_support_file(path: &str) -> bool {
    !path.contains("node_modules/")
        && SUPPORT_NAMES
            .iter()
            .flat_map(|(_, names)| names.iter())
            .any(|n| path.rsplit('/').next() == Some(*n))
}

const SUPPORT_NAMES: &[(&str, &[&str])] = &[
    ("package.json", &["package.json"]),
    ("Makefile", &["Makefile", "makefile", "GNUmakefile"]),
    ("justfile", &["justfile", "Justfile", ".justfile"]),
    ("Taskfile.yml", &["Taskfile.yml", "Taskfile.yaml"]),
    ("Cargo.toml", &["Cargo.toml"]),
    ("pnpm-workspace.yaml", &["pnpm-workspace.yaml"]),
    ("go.work", &["go.work"]),
    ("agentgate.lock", &["agentgate.lock"]),
];

impl Repo {
    pub fn new(
        mut files: Vec<FileCtx>,
        root: std::path::PathBuf,
        staged: Option<Vec<String>>,
        excludes: crate::config::Excludes,
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

/// Collects repository-level diagnostics, placed in whichever file they concern.
pub struct RepoEmitter<'a> {
    selection: &'a Selection,
    pub out: Vec<Diagnostic>,
}

impl<'a> RepoEmitter<'a> {
    pub fn new(selection: &'a Selection) -> Self {
        Self {
            selection,
            out: Vec::new(),
        }
    }

    pub fn emit(
        &mut self,
        file: &FileCtx,
        rule: &'static Rule,
        range: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let mut one = Emitter::for_file(file, self.selection);
        one.emit(rule, range, message);
        self.out.append(&mut one.out);
        self.out.last_mut().expect("just pushed")
    }

    /// A finding about a whole file that has no parsed context (e.g. a tracked `.env`).
    pub fn emit_path(
        &mut self,
        rule: &'static Rule,
        path: &str,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let mut one = Emitter::new(path, "", self.selection);
        one.emit(rule, None, message);
        self.out.append(&mut one.out);
        self.out.last_mut().expect("just pushed")
    }
}
