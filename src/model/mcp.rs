//! MCP servers from every agent's files in one shape: name, transport, launcher, env and
//! headers, url, and the interpolation dialect the client applies to its strings.

use crate::classify::{Agent, FileKind};
use crate::syntax::{Node, Value};
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Stdio,
    Http,
    Sse,
    Ws,
    Unknown,
}

/// How a client expands variables in MCP config strings. A reference in the wrong dialect is
/// passed through literally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Claude Code: `${VAR}` and `${VAR:-default}`; bare `$VAR` is never expanded.
    Claude,
    /// Cursor: `${env:VAR}`, `${userHome}`, `${workspaceFolder}`.
    Cursor,
    /// VS Code: `${env:VAR}`, `${input:id}` (declared in `inputs`), predefined variables.
    VsCode,
    /// Gemini CLI / Qwen Code: `$VAR` and `${VAR}`.
    Gemini,
    /// Codex: no interpolation in config.toml; use `env_vars` / `bearer_token_env_var`.
    Codex,
    /// Clients whose dialect is not documented: any reference form is accepted.
    Lenient,
}

impl Dialect {
    pub fn for_kind(kind: FileKind) -> Self {
        match kind {
            FileKind::McpJson
            | FileKind::ClaudeSettings
            | FileKind::ClaudeLocalSettings
            | FileKind::ClaudeAgent => Dialect::Claude,
            FileKind::CursorMcp => Dialect::Cursor,
            FileKind::VscodeMcp | FileKind::VscodeSettings => Dialect::VsCode,
            FileKind::GeminiSettings | FileKind::QwenSettings => Dialect::Gemini,
            FileKind::CodexConfig | FileKind::CodexAgent => Dialect::Codex,
            _ => Dialect::Lenient,
        }
    }

    /// The reference syntax to suggest for an environment variable.
    pub fn env_reference(self, var: &str) -> String {
        match self {
            Dialect::Claude | Dialect::Lenient => format!("${{{var}}}"),
            Dialect::Cursor | Dialect::VsCode => format!("${{env:{var}}}"),
            Dialect::Gemini => format!("${var}"),
            Dialect::Codex => format!("env_vars = [\"{var}\"] (Codex does not expand variables)"),
        }
    }
}

/// A string value and its span in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub value: String,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeyValue {
    pub key: String,
    pub key_span: Range<usize>,
    pub value: Text,
}

#[derive(Debug, Clone)]
pub struct McpServer {
    pub agent: Agent,
    pub name: String,
    pub name_span: Range<usize>,
    pub transport: Transport,
    pub command: Option<Text>,
    pub args: Vec<Text>,
    pub env: Vec<KeyValue>,
    pub headers: Vec<KeyValue>,
    pub url: Option<Text>,
    pub dialect: Dialect,
    /// The whole entry, for client-specific keys (`trust`, `autoApprove`, …).
    pub entry: Node,
}

impl McpServer {
    /// The command line as words with their spans: `command` split on whitespace (some
    /// clients accept `"npx -y pkg"` in one string), then `args`.
    pub fn argv(&self) -> Vec<Text> {
        let mut argv: Vec<Text> = match &self.command {
            Some(c) => c
                .value
                .split_whitespace()
                .map(|w| Text {
                    value: w.to_string(),
                    span: c.span.clone(),
                })
                .collect(),
            None => Vec::new(),
        };
        argv.extend(self.args.iter().cloned());
        argv
    }

    /// The package a runner-launched server fetches (`npx -y pkg@1`, `uvx pkg==1`,
    /// `docker run image:tag`); `None` for a binary started directly.
    pub fn package(&self) -> Option<String> {
        let argv = self.argv();
        let words: Vec<&str> = argv.iter().map(|t| t.value.as_str()).collect();
        let runner = words.iter().position(|w| {
            let base = w.rsplit(['/', '\\']).next().unwrap_or(w);
            matches!(
                base.trim_end_matches(".cmd").trim_end_matches(".exe"),
                "npx" | "bunx" | "uvx" | "pipx" | "docker" | "podman" | "dlx"
            )
        })?;
        words[runner + 1..]
            .iter()
            .find(|w| !w.starts_with('-') && !matches!(**w, "run" | "dlx" | "exec"))
            .map(|w| w.to_string())
    }

    /// A comparable summary for cross-file comparison: launcher words or url.
    pub fn signature(&self) -> String {
        match &self.url {
            Some(u) => u.value.clone(),
            None => self
                .argv()
                .iter()
                .map(|t| t.value.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

/// Is the URL's (or bare host's) host loopback: `localhost`, `127.0.0.0/8`, `::1`?
pub fn is_loopback(url_or_host: &str) -> bool {
    let rest = url_or_host
        .split_once("://")
        .map_or(url_or_host, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = if host.starts_with('[') {
        host.trim_start_matches('[').split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    matches!(
        host.to_ascii_lowercase().as_str(),
        "localhost" | "::1" | "0.0.0.0"
    ) || host.starts_with("127.")
        || host.ends_with(".localhost")
}

/// `scheme://host[:port]` without credentials, path or query, so messages never carry a secret.
pub fn display_url(url: &str) -> String {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or(authority);
    if scheme.is_empty() {
        host.to_string()
    } else {
        format!("{scheme}://{host}")
    }
}

/// Every MCP server declared in a parsed file, in source order.
pub fn servers(kind: FileKind, tree: &Node) -> Vec<McpServer> {
    let agent = kind.agents().first().copied().unwrap_or(Agent::ClaudeCode);
    let dialect = Dialect::for_kind(kind);
    let keys: &[&[&str]] = match kind {
        k if k.mcp_servers_key().is_some() => &[],
        FileKind::ClaudeSettings | FileKind::ClaudeLocalSettings | FileKind::ClaudeAgent => {
            &[&["mcpServers"]]
        }
        FileKind::VscodeSettings => &[&["mcp", "servers"]],
        FileKind::ContinueMcp => &[&["mcpServers"]],
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    if kind == FileKind::OpenCodeConfig {
        out = servers_of(kind, agent, dialect, tree, keys);
        for s in &mut out {
            for kv in s.env.iter_mut().chain(s.headers.iter_mut()) {
                kv.value.value = opencode_references(&kv.value.value);
            }
        }
        return out;
    }
    out.extend(servers_of(kind, agent, dialect, tree, keys));
    out
}

/// OpenCode writes references as `{env:VAR}` and `{file:path}` (no `$`); the model spells
/// them `${VAR}` so every rule reads them as references, not literal values.
fn opencode_references(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.find('{') {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        let dollar = head.ends_with('$');
        match tail.find('}') {
            Some(end) if !dollar => {
                let inner = &tail[1..end];
                match inner.split_once(':') {
                    Some(("env", var)) => out.push_str(&format!("${{{var}}}")),
                    Some(("file", _)) => out.push_str("${OPENCODE_FILE}"),
                    _ => out.push_str(&tail[..=end]),
                }
                rest = &tail[end + 1..];
            }
            _ => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn servers_of(
    kind: FileKind,
    agent: Agent,
    dialect: Dialect,
    tree: &Node,
    keys: &[&[&str]],
) -> Vec<McpServer> {
    let mut out = Vec::new();
    let own_key = kind.mcp_servers_key().map(|k| vec![k]).unwrap_or_default();
    for path in own_key.iter().copied().chain(keys.iter().copied()) {
        let Some(list) = tree.pointer(path) else {
            continue;
        };
        match &list.value {
            Value::Object(members) => {
                for m in members {
                    out.push(server(
                        agent,
                        dialect,
                        m.key.clone(),
                        m.key_span.clone(),
                        &m.value,
                    ));
                }
            }
            // Continue's `mcpServers: [{ name: …, command: … }]`.
            Value::Array(items) => {
                for item in items {
                    let (name, span) = item
                        .get("name")
                        .and_then(|n| Some((n.as_str()?.to_string(), n.span.clone())))
                        .unwrap_or_else(|| (String::new(), item.span.clone()));
                    out.push(server(agent, dialect, name, span, item));
                }
            }
            _ => {}
        }
    }
    out
}

fn server(
    agent: Agent,
    dialect: Dialect,
    name: String,
    name_span: Range<usize>,
    entry: &Node,
) -> McpServer {
    // Zed's older form nests the launcher: `{ "command": { "path", "args", "env" } }`.
    let launcher = entry
        .get("command")
        .filter(|c| c.get("path").is_some())
        .unwrap_or(entry);
    let text = |n: &Node| {
        n.as_str().map(|s| Text {
            value: s.to_string(),
            span: n.span.clone(),
        })
    };
    let mut command = launcher
        .get("command")
        .or_else(|| launcher.get("path"))
        .and_then(text);
    let mut args: Vec<Text> = launcher
        .get("args")
        .map(|a| a.as_array().iter().filter_map(text).collect())
        .unwrap_or_default();
    // OpenCode's `"command": ["npx", "-y", "pkg"]`: the program and its arguments in one list.
    if let Some(list) = launcher.get("command").filter(|c| !c.as_array().is_empty()) {
        let mut words = list.as_array().iter().filter_map(text);
        command = words.next();
        args = words.chain(args).collect();
    }
    let pairs = |n: Option<&Node>| -> Vec<KeyValue> {
        n.map(|n| {
            n.members()
                .iter()
                .filter_map(|m| {
                    Some(KeyValue {
                        key: m.key.clone(),
                        key_span: m.key_span.clone(),
                        value: text(&m.value)?,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
    };
    let mut env = pairs(launcher.get("env"));
    env.extend(pairs(launcher.get("environment")));
    let mut headers = pairs(entry.get("headers"));
    headers.extend(pairs(entry.get("http_headers")));
    let url = ["url", "httpUrl", "serverUrl"]
        .iter()
        .find_map(|k| entry.get(k))
        .and_then(text);
    let transport = match entry.get("type").and_then(Node::as_str) {
        // OpenCode says `local` and `remote`.
        Some("stdio" | "local") => Transport::Stdio,
        Some("http" | "streamable-http" | "streamableHttp" | "remote") => Transport::Http,
        Some("sse") => Transport::Sse,
        Some("ws") => Transport::Ws,
        Some(_) => Transport::Unknown,
        None if entry.get("httpUrl").is_some() => Transport::Http,
        None if url.is_some() && dialect == Dialect::Gemini => Transport::Sse,
        None if url.is_some() => Transport::Http,
        None if command.is_some() => Transport::Stdio,
        None => Transport::Unknown,
    };
    McpServer {
        agent,
        name,
        name_span,
        transport,
        command,
        args,
        env,
        headers,
        url,
        dialect,
        entry: entry.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{json, toml};

    #[test]
    fn one_shape_across_clients() {
        let claude = json::parse(r#"{"mcpServers": {"gh": {"type": "http", "url": "https://api.example.com/mcp", "headers": {"Authorization": "Bearer ${T}"}}, "db": {"command": "npx", "args": ["-y", "dbhub@1.2.3"], "env": {"A": "b"}}}}"#).unwrap();
        let s = servers(FileKind::McpJson, &claude);
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].name.as_str(), s[0].transport, s[0].dialect),
            ("gh", Transport::Http, Dialect::Claude)
        );
        assert_eq!(s[0].headers[0].value.value, "Bearer ${T}");
        assert_eq!(
            s[1].argv()
                .iter()
                .map(|t| t.value.as_str())
                .collect::<Vec<_>>(),
            ["npx", "-y", "dbhub@1.2.3"]
        );
        assert_eq!(s[1].env[0].key, "A");

        let vscode = json::parse(r#"{"inputs": [], "servers": {"p": {"type": "stdio", "command": "npx", "args": ["x"]}}}"#).unwrap();
        assert_eq!(
            servers(FileKind::VscodeMcp, &vscode)[0].dialect,
            Dialect::VsCode
        );

        let codex = toml::parse("[mcp_servers.docs]\ncommand = \"uvx\"\nargs = [\"mcp-docs\"]\n[mcp_servers.docs.env]\nK = \"v\"\n").unwrap();
        let s = servers(FileKind::CodexConfig, &codex);
        assert_eq!(
            (s[0].name.as_str(), s[0].env[0].key.as_str()),
            ("docs", "K")
        );

        let gemini = json::parse(
            r#"{"mcpServers": {"g": {"httpUrl": "https://x.example.com", "trust": true}}}"#,
        )
        .unwrap();
        let s = servers(FileKind::GeminiSettings, &gemini);
        assert_eq!(s[0].transport, Transport::Http);
        assert_eq!(
            s[0].entry.get("trust").map(|n| n.value.clone()),
            Some(Value::Bool(true))
        );

        let zed = json::parse(
            r#"{"context_servers": {"z": {"command": {"path": "npx", "args": ["pkg"]}}}}"#,
        )
        .unwrap();
        assert_eq!(
            servers(FileKind::ZedSettings, &zed)[0]
                .command
                .as_ref()
                .unwrap()
                .value,
            "npx"
        );
    }
}
