//! The normalized agent model: every agent's permission grants and MCP servers in one shape,
//! extracted from parsed files, so rules reason about one model instead of fourteen formats.

pub mod mcp;
pub mod permissions;
