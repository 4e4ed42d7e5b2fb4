//! Org-policy rules that need no pack: the MCP lockfile.

use super::{Confidence, Docs, Family, FileCtx, Repo, RepoEmitter, Rule};
use crate::model::mcp::McpServer;
use crate::report::diagnostic::Severity;

pub const LOCK_FILE: &str = "agentgate.lock";

pub static MCP_LOCK_MISMATCH: Rule = Rule {
    code: "AG603",
    name: "mcp-lock-mismatch",
    family: Family::Policy,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "An MCP server was added or changed without updating agentgate.lock",
    docs: Docs {
        what: "When the repository has an `agentgate.lock` (written by `agentgate lock`), compares every MCP server \
               definition in every agent's files with it: a server that is not in the lock, or whose definition \
               changed (transport, command, arguments, URL, env and header *names* — values are not stored), is \
               reported, as is a locked server that no longer exists.",
        why: "Adding or changing an MCP server hands code execution and data to a new party. The lock turns that \
              into a reviewed, visible change: the diff of `agentgate.lock` shows up in the pull request, and an \
              unreviewed edit fails at commit time.",
        example: "A developer adds `\"scraper\": { \"command\": \"npx\", \"args\": [\"-y\", \"web-scraper-mcp@2.0.1\"] }` to \
                  `.mcp.json` without running `agentgate lock`.",
        fix: "Review the server, then run `agentgate lock` and commit `agentgate.lock` with the change.",
        references: &[],
    },
    check: super::Check::Repo(check_lock),
};

/// A stable hash of what a server runs and where it connects; secret values never enter it.
pub fn server_hash(s: &McpServer) -> String {
    let mut env: Vec<&str> = s.env.iter().map(|kv| kv.key.as_str()).collect();
    env.sort_unstable();
    let mut headers: Vec<&str> = s.headers.iter().map(|kv| kv.key.as_str()).collect();
    headers.sort_unstable();
    let argv: Vec<String> = s.argv().into_iter().map(|t| t.value).collect();
    let canonical = format!(
        "{:?}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
        s.transport,
        argv.join("\u{1}"),
        s.url.as_ref().map_or("", |u| u.value.as_str()),
        env.join(","),
        headers.join(",")
    );
    crate::secrets::hash(&canonical)[..16].to_string()
}

/// (file, server name, hash) for every MCP server of the run, sorted.
pub fn inventory(files: &[FileCtx]) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = files
        .iter()
        .flat_map(|f| {
            f.mcp_servers()
                .iter()
                .map(move |s| (f.path.clone(), s.name.clone(), server_hash(s)))
        })
        .collect();
    out.sort();
    out
}

fn check_lock(repo: &Repo, emit: &mut RepoEmitter<'_>) {
    let Some(lock) = repo.support.iter().find(|f| f.path == LOCK_FILE) else {
        return;
    };
    let Ok(parsed) = serde_json::from_str::<serde_json::Value>(&lock.text) else {
        emit.emit_path(
            &MCP_LOCK_MISMATCH,
            LOCK_FILE,
            "agentgate.lock is not valid JSON; run `agentgate lock`",
        );
        return;
    };
    let locked: Vec<(String, String, String)> = parsed["servers"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| {
                    Some((
                        e["file"].as_str()?.to_string(),
                        e["name"].as_str()?.to_string(),
                        e["hash"].as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    for file in &repo.files {
        for server in file.mcp_servers() {
            let hash = server_hash(server);
            let entry = locked
                .iter()
                .find(|(f, n, _)| *f == file.path && *n == server.name);
            let message = match entry {
                None => format!("MCP server `{}` is not in agentgate.lock", server.name),
                Some((_, _, h)) if *h != hash => format!(
                    "MCP server `{}` changed since agentgate.lock was written",
                    server.name
                ),
                Some(_) => continue,
            };
            emit.emit(
                file,
                &MCP_LOCK_MISMATCH,
                Some(server.name_span.clone()),
                message,
            )
            .help = Some(
                "review the server, then run `agentgate lock` and commit agentgate.lock".into(),
            );
        }
    }
    // Only when the whole tree was seen can a missing server be told from an unchecked file.
    if repo.staged.is_none() && !repo.partial {
        for (f, n, _) in &locked {
            let present = repo
                .files
                .iter()
                .any(|file| file.path == *f && file.mcp_servers().iter().any(|s| s.name == *n));
            if !present {
                emit.emit_path(
                    &MCP_LOCK_MISMATCH,
                    LOCK_FILE,
                    format!("locked MCP server `{n}` ({f}) no longer exists"),
                )
                .help = Some("run `agentgate lock` to record the removal".into());
            }
        }
    }
}
