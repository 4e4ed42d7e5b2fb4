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
use crate::report::diagnostic::{Diagnostic, Label, Severity, Span, fingerprint};
use crate::syntax::{self, LineIndex, Node, SyntaxError};
use serde::Serialize;
use std::cell::OnceCell;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Scan,
    Syntax,
    Permissions,
    Mcp,
    Hooks,
    Secrets,
    Context,
    Policy,
}

impl Family {
    pub const ALL: &[Family] = &[
        Family::Scan,
        Family::Syntax,
        Family::Permissions,
        Family::Mcp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Family::Scan => "scan",
            Family::Syntax => "syntax",
            Family::Permissions => "permissions",
            Family::Mcp => "mcp",
            Family::Hooks => "hooks",
            Family::Secrets => "secrets",
            Family::Context => "context",
            Family::Policy => "policy",
        }
    }

    /// Security families get SARIF `security-severity` and the `security` tag.
    pub fn is_security(self) -> bool {
        matches!(
            self,
            Family::Permissions | Family::Mcp | Family::Hooks | Family::Secrets
        )
    }
}

/// How sure a finding is: `exact` findings follow from the documented format alone;
/// `heuristic` ones are judgement calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Exact,
    Heuristic,
}

/// Documentation with fixed sections; rendered by `explain`, docs/rules and SARIF help.
#[derive(Debug)]
pub struct Docs {
    pub what: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    pub fix: &'static str,
    pub references: &'static [&'static str],
}

pub type FileCheck = fn(&FileCtx, &mut Emitter<'_>);
pub type RepoCheck = fn(&Repo, &mut RepoEmitter<'_>);

/// How a rule runs.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// Emitted by the engine itself (I/O and encoding problems).
    Engine,
    /// Once per agent file, in parallel.
    File(FileCheck),
    /// Once per text file of any kind (secrets), after the agent-file checks.
    AnyFile(FileCheck),
    /// Once per run, over every agent file (cross-file and repository rules).
    Repo(RepoCheck),
}

#[derive(Debug)]
pub struct Rule {
    /// Stable and never reused, e.g. `AG101`.
    pub code: &'static str,
    /// Kebab-case, e.g. `bash-wildcard-allow`.
    pub name: &'static str,
    pub family: Family,
    pub severity: Severity,
    pub confidence: Confidence,
    /// One line, shown in `agentgate rules` and as SARIF `shortDescription`.
    pub summary: &'static str,
    pub docs: Docs,
    pub check: Check,
}

impl Rule {
    /// SARIF `security-severity` for security rules, by default severity.
    pub fn security_severity(&self) -> Option<&'static str> {
        self.family.is_security().then_some(match self.severity {
            Severity::Error => "8.0",
            Severity::Warning => "5.0",
            Severity::Note => "2.0",
        })
    }

    /// The docs as Markdown: `explain`, docs/rules and SARIF `help.markdown` all use this.
    pub fn markdown(&self) -> String {
        let d = &self.docs;
        let mut out = format!(
            "# {} `{}`\n\n{}\n\n| family | default severity | confidence |\n|---|---|---|\n| {} | {} | {} |\n\n\
             ## What it checks\n\n{}\n\n## Why it matters\n\n{}\n\n## Example\n\n{}\n\n## Fix\n\n{}\n",
            self.code,
            self.name,
            self.summary,
            self.family.as_str(),
            self.severity,
            match self.confidence {
                Confidence::Exact => "exact",
                Confidence::Heuristic => "heuristic",
            },
            d.what.trim(),
            d.why.trim(),
            d.example.trim(),
            d.fix.trim()
        );
        if !d.references.is_empty() {
            out.push_str("\n## References\n\n");
            for r in d.references {
                out.push_str(&format!("- {r}\n"));
            }
        }
        out
    }
}

/// Every rule, in code order. Adding a rule = one static + one row here.
pub static RULES: &[&Rule] = &[
    &scan::SYNTAX_ERROR,
    &scan::UNREADABLE_FILE,
    &scan::INVALID_ENCODING,
    &scan::FILE_TOO_LARGE,
    &scan::BROKEN_SYMLINK,
    &scan::SYMLINK_OUTSIDE_ROOT,
    &scan::NON_UTF8_PATH,
    &scan::IGNORED_TRACKED_FILE,
    &permissions::BASH_WILDCARD_ALLOW,
    &permissions::BYPASS_PERMISSIONS_MODE,
    &permissions::EXEC_WRAPPER_ALLOW,
    &permissions::NETWORK_TOOL_ALLOW,
    &permissions::DESTRUCTIVE_ALLOW,
    &permissions::BROAD_DIRECTORY_ACCESS,
    &permissions::INEFFECTIVE_PERMISSION_RULE,
    &permissions::SHADOWED_ALLOW,
    &permissions::CODEX_FULL_ACCESS,
    &permissions::AUTO_APPROVE_ALL,
    &mcp::MCP_UNPINNED_NPX,
    &mcp::MCP_LITERAL_CREDENTIAL,
    &mcp::MCP_WRONG_INTERPOLATION,
    &mcp::MCP_INSECURE_HTTP,
    &mcp::MCP_FILESYSTEM_ROOT,
    &mcp::MCP_DATABASE_WRITE,
    &mcp::MCP_SHELL_COMMAND,
    &mcp::MCP_SERVER_TRUSTED,
    &mcp::MCP_AUTO_APPROVED_TOOLS,
    &mcp::MCP_SERVER_CONFLICT,
    &hooks::HOOK_DOWNLOAD_EXEC,
    &hooks::HOOK_EXFILTRATION,
    &hooks::CREDENTIAL_HELPER,
    &hooks::ENDPOINT_OVERRIDE,
    &hooks::TLS_VERIFICATION_DISABLED,
    &secrets::LOCAL_FILE_COMMITTED,
    &secrets::LEAKED_SECRET,
    &secrets::POSSIBLE_SECRET,
    &context::MISSING_CONTEXT_FILE,
    &context::BROKEN_REFERENCE,
    &context::INVISIBLE_UNICODE,
    &context::PROMPT_INJECTION,
    &context::INVALID_METADATA,
    &context::CONTEXT_TOO_LARGE,
    &context::VOLATILE_CONTEXT,
    &context::UNKNOWN_COMMAND,
    &context::STALE_CONTEXT_FILE,
    &context::DEAD_PATTERN,
    &context::IMPORT_PROBLEM,
    &context::DIVERGENT_CONTEXT,
    &crate::exceptions::EXPIRED_EXCEPTION,
    &crate::exceptions::UNUSED_EXCEPTION,
    &policy::MCP_LOCK_MISMATCH,
    &policy::POLICY_MISSING_FILE,
    &policy::POLICY_MISSING_SECTION,
    &policy::POLICY_MISSING_DENY,
    &policy::POLICY_FORBIDDEN_SETTING,
    &policy::MCP_NOT_ALLOWLISTED,
    &policy::MANAGED_BLOCK_DRIFT,
    &policy::VENDORED_SKILL_DRIFT,
    &policy::MODEL_POLICY,
    &crate::directives::BAD_IGNORE_DIRECTIVE,
    &policy::CONFIG_WEAKENED,
];

/// Finds a rule by code (`AG101`, case-insensitive) or name (`bash-wildcard-allow`).
pub fn lookup(key: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name == key)
}

/// Which rules run and at what severity, resolved once from CLI flags and config.
#[derive(Debug, Clone)]
pub struct Selection {
    enabled: Vec<bool>,
    severity: Vec<Severity>,
    /// Locked by the organisation's policy: always run, never suppressed.
    locked: Vec<bool>,
    /// The organisation's own secret rules (policy packs' `rules/*.yaml`), run beside the
    /// built-in pack by AG402/AG403.
    pub org_secrets: Option<std::sync::Arc<crate::secrets::Engine>>,
}

impl Selection {
    /// Selectors: `all`, a code, a name, a family (`permissions`) or a code prefix (`AG1`).
    pub fn new(
        select: &[String],
        ignore: &[String],
        overrides: &[(String, Severity)],
    ) -> Result<Self, String> {
        let mut enabled = vec![select.is_empty(); RULES.len()];
        for s in select {
            for i in matching(s)? {
                enabled[i] = true;
            }
        }
        for s in ignore {
            for i in matching(s)? {
                enabled[i] = false;
            }
        }
        let mut severity: Vec<Severity> = RULES.iter().map(|r| r.severity).collect();
        for (s, sev) in overrides {
            for i in matching(s)? {
                severity[i] = *sev;
            }
        }
        Ok(Self {
            enabled,
            locked: vec![false; RULES.len()],
            severity,
            org_secrets: None,
        })
    }

    /// Locks the rules `selectors` match (the policy's `locked.rules`): they run whatever
    /// was selected, at no less than their default severity, and nothing suppresses them.
    pub fn lock(&mut self, selectors: &[String]) -> Result<(), String> {
        for s in selectors {
            for i in matching(s)? {
                self.locked[i] = true;
                self.enabled[i] = true;
                self.severity[i] = self.severity[i].max(RULES[i].severity);
            }
        }
        Ok(())
    }

    pub fn is_locked(&self, rule: &Rule) -> bool {
        index(rule).is_some_and(|i| self.locked[i])
    }

    /// The locked rules a selector would reach (for error messages).
    pub fn locked_by(&self, selector: &str) -> Vec<&'static str> {
        matching(selector)
            .unwrap_or_default()
            .into_iter()
            .filter(|&i| self.locked[i])
            .map(|i| RULES[i].code)
            .collect()
    }

    pub fn all() -> Self {
        Self::new(&[], &[], &[]).expect("empty selection is valid")
    }

    pub fn is_enabled(&self, rule: &Rule) -> bool {
        index(rule).is_some_and(|i| self.enabled[i])
    }

    pub fn severity(&self, rule: &Rule) -> Severity {
        index(rule).map_or(rule.severity, |i| self.severity[i])
    }

    pub fn file_checks(&self) -> Vec<FileCheck> {
        self.enabled_rules()
            .filter_map(|r| {
                if let Check::File(f) = r.check {
                    Some(f)
                } else {
                    None
                }
            })
            .collect()
    }

    pub fn any_file_checks(&self) -> Vec<FileCheck> {
        self.enabled_rules()
            .filter_map(|r| {
                if let Check::AnyFile(f) = r.check {
                    Some(f)
                } else {
                    None
                }
            })
            .collect()
    }

    pub fn repo_checks(&self) -> Vec<RepoCheck> {
        self.enabled_rules()
            .filter_map(|r| {
                if let Check::Repo(f) = r.check {
                    Some(f)
                } else {
                    None
                }
            })
            .collect()
    }

    fn enabled_rules(&self) -> impl Iterator<Item = &'static Rule> + '_ {
        RULES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.enabled[*i])
            .map(|(_, r)| *r)
    }
}

fn index(rule: &Rule) -> Option<usize> {
    RULES.iter().position(|r| std::ptr::eq(*r, rule))
}

fn matching(selector: &str) -> Result<Vec<usize>, String> {
    let s = selector.trim();
    let hits: Vec<usize> = RULES
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            s.eq_ignore_ascii_case("all")
                || r.name == s
                || r.family.as_str() == s
                || (s.len() >= 3
                    && r.code.len() >= s.len()
                    && r.code[..s.len()].eq_ignore_ascii_case(s))
        })
        .map(|(i, _)| i)
        .collect();
    if hits.is_empty() {
        return Err(format!(
            "unknown rule selector `{s}` (expected a code like AG101, a rule name, a family or `all`)"
        ));
    }
    Ok(hits)
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
        self.selection.org_secrets.as_deref()
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
    for check in selection
        .file_checks()
        .into_iter()
        .chain(selection.any_file_checks())
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
    for check in selection.repo_checks() {
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
