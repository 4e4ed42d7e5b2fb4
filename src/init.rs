//! `agentgate init`: the paved road for a new repository. Writes the policy packs' templates
//! (or a built-in AGENTS.md), a CLAUDE.md that imports it, and `.claude/settings.json` with the
//! required deny rules — filling in the build, test and lint commands found in the repository,
//! so the agent starts out knowing how to check its own work. Existing files are never touched.

use crate::policy::Policy;
use crate::scaffold::{Project, render};
use std::path::Path;

const DEFAULT_AGENTS_MD: &str = include_str!("../rules/templates/AGENTS.md");

/// Denied even without a policy: the files agents most often leak.
const DEFAULT_DENY: &[&str] = &["Read(./.env)", "Read(./.env.*)", "Read(./secrets/**)"];

/// The files `init` would write: (repository path, content), templates first.
pub fn scaffold(root: &Path, policy: &Policy) -> Vec<(String, String)> {
    let project = Project::detect(root);
    let mut files: Vec<(String, String)> = policy
        .templates
        .iter()
        .map(|(path, t)| (path.clone(), render(&t.text, &project)))
        .collect();
    let has = |files: &[(String, String)], p: &str| files.iter().any(|(f, _)| f == p);
    if !has(&files, "AGENTS.md") && !has(&files, "CLAUDE.md") {
        files.push(("AGENTS.md".into(), render(DEFAULT_AGENTS_MD, &project)));
    }
    if has(&files, "AGENTS.md") && !has(&files, "CLAUDE.md") {
        // Claude Code reads CLAUDE.md, not AGENTS.md: one import keeps them one text.
        files.push(("CLAUDE.md".into(), "@AGENTS.md\n".into()));
    }
    if !has(&files, ".claude/settings.json") {
        files.push((".claude/settings.json".into(), settings(policy, &project)));
    }
    files
}

fn settings(policy: &Policy, project: &Project) -> String {
    let mut deny: Vec<String> = DEFAULT_DENY.iter().map(|s| s.to_string()).collect();
    for d in &policy.require.claude_deny {
        if !deny.contains(d) {
            deny.push(d.clone());
        }
    }
    // Exact commands only: the agent may run the checks, nothing broader.
    let allow: Vec<String> = project
        .commands
        .iter()
        .filter(|(p, _)| p != "format")
        .map(|(_, c)| format!("Bash({c})"))
        .collect();
    let mut json = serde_json::json!({
        "permissions": { "allow": allow, "deny": deny }
    });
    // Guardrails: the ones agentgate offers by default, then what the policy requires.
    let offered = crate::rules::permissions::guardrails()
        .iter()
        .filter(|g| g.init)
        .map(|g| (g.key.clone(), g.value.clone()));
    let required = policy
        .require
        .claude_settings
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()));
    for (key, value) in offered.chain(required) {
        set_dotted(&mut json, &key, value);
    }
    serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"
}

/// Sets `a.b.c` in a JSON object, creating the objects on the way.
fn set_dotted(json: &mut serde_json::Value, key: &str, value: serde_json::Value) {
    let mut node = json;
    let mut parts = key.split('.').peekable();
    while let Some(part) = parts.next() {
        if !node.is_object() {
            *node = serde_json::json!({});
        }
        let map = node.as_object_mut().expect("made an object above");
        if parts.peek().is_none() {
            map.insert(part.to_string(), value);
            return;
        }
        node = map
            .entry(part.to_string())
            .or_insert_with(|| serde_json::json!({}));
    }
}

/// What happened to each file.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Created(String),
    Kept(String),
    /// Not written: it would land outside the repository (a symlink on the way).
    Refused(String, String),
}

/// Writes the scaffold; existing files are kept unless `force`.
pub fn run(root: &Path, policy: &Policy, force: bool) -> Result<Vec<Outcome>, crate::error::Error> {
    let mut out = Vec::new();
    for (path, text) in scaffold(root, policy) {
        let target = root.join(&path);
        let link = std::fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_symlink());
        if let Err(reason) = crate::fix::writable(root, &path) {
            out.push(Outcome::Refused(path, reason.to_string()));
            continue;
        }
        if link {
            out.push(Outcome::Refused(path, "a symlink; not written".into()));
            continue;
        }
        if std::fs::symlink_metadata(&target).is_ok() && !force {
            out.push(Outcome::Kept(path));
            continue;
        }
        let edit = crate::fix::Edit {
            path: path.clone(),
            before: None,
            after: text,
            changes: Vec::new(),
        };
        crate::fix::apply(root, std::slice::from_ref(&edit))?;
        out.push(Outcome::Created(path));
    }
    Ok(out)
}
