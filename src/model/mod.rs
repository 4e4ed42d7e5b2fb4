//! The normalized agent model: every agent's permission grants and MCP servers in one shape,
//! extracted from parsed files, so rules reason about one model instead of fourteen formats.

mod file;
pub mod knowledge;
pub mod mcp;
pub mod permissions;
mod project;

pub use file::FileCtx;
pub use project::Repo;

use crate::classify::FileKind;
use crate::syntax::Node;

/// The model a configuration file names, as a string node: `model` in Claude Code settings,
/// subagent front matter and Codex `config.toml`; `model.name` (or a plain `model`) in Gemini
/// CLI and Qwen Code settings. `None` for other files and for non-string values.
pub fn configured_model(file: &FileCtx) -> Option<&Node> {
    let tree = file.tree()?;
    let node = match file.kind {
        FileKind::ClaudeSettings
        | FileKind::ClaudeLocalSettings
        | FileKind::ClaudeAgent
        | FileKind::CodexConfig => tree.get("model"),
        FileKind::GeminiSettings | FileKind::QwenSettings => tree
            .pointer(&["model", "name"])
            .or_else(|| tree.get("model")),
        _ => None,
    }?;
    node.as_str().is_some().then_some(node)
}
