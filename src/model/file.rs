//! One file as the rules see it, with its views built once on first use.

use crate::classify::FileKind;
use crate::model::knowledge::Knowledge;
use crate::model::mcp::McpServer;
use crate::model::permissions::Grant;
use crate::syntax::{self, LineIndex, Node, SyntaxError};
use std::cell::OnceCell;
use std::sync::Arc;

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
    /// The knowledge tables the rules judge this file with (built-in plus the packs').
    knowledge: Arc<Knowledge>,
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
            knowledge: Knowledge::builtin(),
        }
    }

    /// The same file judged with `knowledge` (the run's tables, when packs extend them).
    pub fn with_knowledge(mut self, knowledge: Arc<Knowledge>) -> Self {
        self.knowledge = knowledge;
        self
    }

    /// The knowledge tables (commands, hooks, injection phrases, database servers).
    pub fn knowledge(&self) -> &Knowledge {
        &self.knowledge
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
