//! The rule registry: the single table every surface reads (`--select`, `rules`, `explain`,
//! docs/rules, SARIF `tool.driver.rules`, GitLab `check_name`), plus the context rules run in.

pub(crate) mod context;
mod effect;
mod hooks;
mod knowledge;
pub mod mcp;
pub mod permissions;
pub mod policy;
pub mod scan;
pub mod schema;
pub(crate) mod secrets;
pub mod vendor_policy;

use crate::diagnostic::{Diagnostic, Label, Span, fingerprint};
pub use crate::registry::{Confidence, Docs, Family, RULES, Rule, Selection, Severity, lookup};
use crate::syntax::LineIndex;
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

/// One fact agentgate's knowledge tables hold about a client: `rules --knowledge` prints them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Knowledge {
    pub agent: String,
    pub topic: String,
    /// The versions the fact holds for, or the version it was checked against.
    pub versions: String,
    pub sources: Vec<String>,
}

/// Every knowledge table's facts with their versions and sources.
pub fn knowledge() -> Vec<Knowledge> {
    let mut out = schema::knowledge();
    out.extend(effect::knowledge());
    out.extend(knowledge::facts());
    out.extend(permissions::guardrails().iter().map(|g| Knowledge {
        agent: "Claude Code".into(),
        topic: format!("guardrail {} (AG212, init)", g.key),
        versions: format!(">={}", g.since),
        sources: g.sources.clone(),
    }));
    out.sort_by(|a, b| a.agent.cmp(&b.agent).then(a.topic.cmp(&b.topic)));
    out
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
        effect::CHECKS,
        schema::CHECKS,
        vendor_policy::CHECKS,
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

pub use crate::model::FileCtx;

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
                crate::mask::fingerprint_subject(s)
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
    check_one_with(
        path,
        text,
        selection,
        &crate::model::knowledge::Knowledge::builtin(),
    )
}

/// [`check_one`] with these knowledge tables.
pub fn check_one_with(
    path: &str,
    text: &str,
    selection: &Selection,
    knowledge: &std::sync::Arc<crate::model::knowledge::Knowledge>,
) -> Vec<Diagnostic> {
    let ctx = FileCtx::new(path, crate::classify::classify(path), text)
        .with_knowledge(std::sync::Arc::clone(knowledge));
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

pub use crate::classify::{SUPPORT_NAMES, is_support_file};
pub use crate::config::StaleThresholds;
pub use crate::model::Repo;
pub use knowledge::knowledge_problems;

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
