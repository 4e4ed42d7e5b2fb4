//! Organisation-policy rules: the MCP lockfile, and drift from the packs named by `extends:`
//! (required files, sections and denies, forbidden settings, the MCP allowlist, managed
//! blocks, vendored skills, model policy).

pub use crate::registry::policy::*;

use super::{FileCtx, Repo, RepoEmitter};
use crate::model::mcp::McpServer;

pub const LOCK_FILE: &str = "agentgate.lock";

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
/// A server's name as the lock file records it: masked like any output (a committed name
/// can hold a credential), so the lock is compared on that form too.
pub fn locked_name(name: &str) -> String {
    crate::mask::text(name).into_owned()
}

pub fn inventory(files: &[FileCtx]) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = files
        .iter()
        .flat_map(|f| {
            f.mcp_servers()
                .iter()
                .map(move |s| (f.path.clone(), locked_name(&s.name), server_hash(s)))
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
    // The lock by (file, server), first entry winning, and the servers present: each is one
    // lookup (searching the lists made 20,000 servers quadratic).
    let mut by_server: std::collections::HashMap<(&str, &str), &str> =
        std::collections::HashMap::new();
    for (f, n, h) in &locked {
        by_server
            .entry((f.as_str(), n.as_str()))
            .or_insert(h.as_str());
    }
    let mut present: std::collections::HashSet<(&str, String)> = std::collections::HashSet::new();
    for file in &repo.files {
        for server in file.mcp_servers() {
            let name = locked_name(&server.name);
            let hash = server_hash(server);
            let entry = by_server.get(&(file.path.as_str(), name.as_str()));
            present.insert((file.path.as_str(), name.clone()));
            let message = match entry {
                None => format!("MCP server `{}` is not in agentgate.lock", server.name),
                Some(h) if **h != hash => format!(
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
            if !present.contains(&(f.as_str(), n.clone())) {
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

fn check_required_files(repo: &Repo, emit: &mut RepoEmitter<'_>) {
    let required = !repo.policy.require.context_files.is_empty()
        || repo.policy.templates.values().any(|t| !t.blocks.is_empty());
    let Some(all) = required.then(|| repo.all_paths()).flatten() else {
        return;
    };
    let templated = repo
        .policy
        .templates
        .iter()
        .filter(|(p, t)| !t.blocks.is_empty() && !repo.policy.require.context_files.contains(p))
        .map(|(p, _)| p);
    for file in repo.policy.require.context_files.iter().chain(templated) {
        if all.binary_search_by(|p| p.as_str().cmp(file)).is_err() {
            emit.emit_path(
                &POLICY_MISSING_FILE,
                file,
                format!("{file} is required by the organisation's policy"),
            )
            .help = Some(
                if repo.policy.templates.contains_key(file) {
                    "run `agentgate init` (or `agentgate fix`) to create it from the pack's template"
                } else {
                    "add it, starting from the policy pack's template"
                }
                .into(),
            );
        }
    }
}

pub fn normalize_heading(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn check_required_sections(repo: &Repo, emit: &mut RepoEmitter<'_>) {
    for (path, sections) in &repo.policy.require.sections {
        let Some(file) = repo.file(path) else {
            continue;
        }; // AG604 reports absence
        let headings: std::collections::HashSet<String> = file
            .outline()
            .headings
            .iter()
            .map(|h| normalize_heading(&h.text))
            .collect();
        for section in sections {
            if !headings.contains(&normalize_heading(section)) {
                emit.emit(
                    file,
                    &POLICY_MISSING_SECTION,
                    None,
                    format!(
                        "the section \"{section}\" required by the organisation's policy is missing"
                    ),
                )
                .help = Some("restore it from the policy pack's template".into());
            }
        }
    }
}

fn root_settings(repo: &Repo) -> Vec<&FileCtx> {
    repo.files
        .iter()
        .filter(|f| f.path == ".claude/settings.json" || f.path == ".claude/settings.local.json")
        .collect()
}

fn check_required_deny(repo: &Repo, emit: &mut RepoEmitter<'_>) {
    if repo.policy.require.claude_deny.is_empty() {
        return;
    }
    let settings = root_settings(repo);
    let grants: Vec<_> = settings.iter().flat_map(|f| f.grants().iter()).collect();
    for required in
        crate::model::permissions::uncovered_denies(&grants, &repo.policy.require.claude_deny)
    {
        let message = format!("`{required}` must be in permissions.deny (organisation policy)");
        let d = match settings.first() {
            Some(f) => emit.emit(f, &POLICY_MISSING_DENY, None, message),
            None => emit.emit_path(&POLICY_MISSING_DENY, ".claude/settings.json", message),
        };
        d.help = Some(format!(
            "add \"{required}\" to permissions.deny in .claude/settings.json"
        ));
    }
}

fn check_forbidden(repo: &Repo, emit: &mut RepoEmitter<'_>) {
    if repo.policy.forbid.claude_settings.is_empty() {
        return;
    }
    for file in repo.files.iter().filter(|f| f.kind.is_claude_settings()) {
        let Some(tree) = file.tree() else { continue };
        for (key, forbidden) in &repo.policy.forbid.claude_settings {
            let Some(node) = tree.pointer(&key.split('.').collect::<Vec<_>>()) else {
                continue;
            };
            let actual = node_json(node);
            if forbidden.as_str() == Some("*") || actual == *forbidden {
                emit.emit(
                    file,
                    &POLICY_FORBIDDEN_SETTING,
                    Some(node.span.clone()),
                    format!("`{key}` is forbidden by the organisation's policy"),
                )
                .help = Some(
                    "remove it, or record an exception with a reason and an expiry date".into(),
                );
            }
        }
    }
}

fn node_json(node: &crate::syntax::Node) -> serde_json::Value {
    use crate::syntax::Value;
    match &node.value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => n.parse::<serde_json::Number>().map_or(
            serde_json::Value::String(n.clone()),
            serde_json::Value::Number,
        ),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Array(items) => serde_json::Value::Array(items.iter().map(node_json).collect()),
        Value::Object(m) => serde_json::Value::Object(
            m.iter()
                .map(|m| (m.key.clone(), node_json(&m.value)))
                .collect(),
        ),
    }
}

fn check_allowlist(repo: &Repo, emit: &mut RepoEmitter<'_>) {
    let allow = &repo.policy.mcp.allow;
    if allow.is_empty() {
        return;
    }
    for file in &repo.files {
        for server in file.mcp_servers() {
            let (verdict, target) = match &server.url {
                Some(url) => (
                    allow
                        .iter()
                        .any(|a| a.contains("://") && url.value.starts_with(a.as_str())),
                    url.value.clone(),
                ),
                None => {
                    let Some(spec) = server.package() else {
                        continue;
                    }; // a local binary: not a package
                    let exact = allow.contains(&spec);
                    if !exact {
                        let name = package_name(&spec);
                        if let Some(other) = allow.iter().find(|a| package_name(a) == name) {
                            emit.emit(
                                file,
                                &MCP_NOT_ALLOWLISTED,
                                Some(server.name_span.clone()),
                                format!(
                                    "MCP server `{}` runs `{}`, but the allowlist has `{other}`",
                                    server.name,
                                    crate::mask::printable(&spec)
                                ),
                            )
                            .help = Some(format!("use \"{other}\""));
                            continue;
                        }
                    }
                    (exact, spec)
                }
            };
            if !verdict {
                emit.emit(
                    file,
                    &MCP_NOT_ALLOWLISTED,
                    Some(server.name_span.clone()),
                    format!(
                        "MCP server `{}` (`{}`) is not on the organisation's allowlist",
                        server.name,
                        crate::mask::printable(&if target.contains("://") {
                            crate::model::mcp::display_url(&target)
                        } else {
                            target.clone()
                        })
                    ),
                )
                .help = Some(
                    "use an allowlisted server, or propose this one to the platform team".into(),
                );
            }
        }
    }
}

/// The `mcp.allow` entry a server satisfies exactly (an allowlisted URL prefix, or its
/// package at the allowlisted version); `None` for anything else.
pub fn allow_entry<'a>(allow: &'a [String], server: &McpServer) -> Option<&'a String> {
    match &server.url {
        Some(url) => allow
            .iter()
            .find(|a| a.contains("://") && url.value.starts_with(a.as_str())),
        None => {
            let spec = server.package()?;
            allow.iter().find(|a| **a == spec)
        }
    }
}

fn package_name(spec: &str) -> &str {
    let start = usize::from(spec.starts_with('@'));
    let cut = spec[start..]
        .find(['@', '=', ':'])
        .map_or(spec.len(), |i| i + start);
    &spec[..cut]
}

fn check_managed_blocks(repo: &Repo, emit: &mut RepoEmitter<'_>) {
    use crate::policy::template;
    for (path, tpl) in &repo.policy.templates {
        if tpl.blocks.is_empty() {
            continue;
        }
        // A template may target a file agentgate does not classify (docs/AI.md): read it then,
        // from the working tree (at commit time only agent files are judged).
        let other;
        let file = match repo.file(path) {
            Some(f) => f,
            None => match repo.read_other(path) {
                Some(f) => {
                    other = f;
                    &other
                }
                None => continue, // AG604 reports a missing file
            },
        };
        let found = match template::blocks(&file.text) {
            Ok(found) => found,
            Err((line, message)) => {
                let start = line_start(&file.text, line);
                emit.emit(
                    file,
                    &MANAGED_BLOCK_DRIFT,
                    Some(start..start),
                    format!("managed block markers are broken: {message}"),
                )
                .help = Some("restore the markers from the pack's template".into());
                continue;
            }
        };
        // Both sides indexed by ID once: 5,000 blocks were compared 5,000 times each, and the
        // template parsed again for each.
        let wanted = tpl.contents();
        let mut have: std::collections::HashMap<&str, &template::Block> =
            std::collections::HashMap::new();
        for b in &found {
            have.entry(b.id.as_str()).or_insert(b);
        }
        for id in &tpl.blocks {
            let want = wanted.get(id).copied().unwrap_or("");
            match have.get(id.as_str()).copied() {
                None => {
                    emit.emit(
                        file,
                        &MANAGED_BLOCK_DRIFT,
                        None,
                        format!(
                            "the managed block `{id}` of the organisation's template is missing"
                        ),
                    )
                    .help = Some("run `agentgate fix` to add it from the pack's template".into());
                }
                Some(b) => {
                    let have = &file.text[b.content.clone()];
                    if let Some(at) = template::unfilled(have) {
                        let at = b.content.start + at.start..b.content.start + at.end;
                        emit.emit(
                            file,
                            &MANAGED_BLOCK_DRIFT,
                            Some(at),
                            format!("the managed block `{id}` holds a placeholder that was never filled in"),
                        )
                        .help = Some(
                            "run `agentgate fix`: it fills in the repository's commands".into(),
                        );
                    } else if !template::block_matches(want, have) {
                        let marker =
                            b.whole.start..b.content.start.saturating_sub(1).max(b.whole.start);
                        emit.emit(
                            file,
                            &MANAGED_BLOCK_DRIFT,
                            Some(marker),
                            format!(
                                "the managed block `{id}` differs from the organisation's template"
                            ),
                        )
                        .help = Some(format!(
                            "the pack's version (-) and this file's (+):\n{}run `agentgate fix` to re-sync it, or propose the change to the pack",
                            template::diff(want, have)
                        ));
                    }
                }
            }
        }
    }
}

fn line_start(text: &str, line: u32) -> usize {
    text.split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum()
}

/// `1.10.0` > `1.9.2`: numeric where both parts are numbers, text otherwise.
pub fn version_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |v: &str| -> Vec<String> {
        v.trim_start_matches('v')
            .split(['.', '-', '+'])
            .map(str::to_string)
            .collect()
    };
    let (pa, pb) = (parts(a), parts(b));
    for i in 0..pa.len().max(pb.len()) {
        let (x, y) = (
            pa.get(i).map_or("0", String::as_str),
            pb.get(i).map_or("0", String::as_str),
        );
        let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => x.cmp(y),
        };
        if ord.is_ne() {
            return ord;
        }
    }
    std::cmp::Ordering::Equal
}

/// How a repository's copy of a library skill stands (AG610 and the fleet's skill view).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkillDrift {
    Current,
    /// Older than the library's version.
    Older,
    /// No version in its front matter.
    Unversioned,
    /// The library's version number, different content.
    Modified,
}

pub fn skill_drift(text: &str, lib: &crate::policy::LibrarySkill) -> SkillDrift {
    match crate::policy::skill_version(text) {
        None => SkillDrift::Unversioned,
        Some(v) if version_cmp(&v, &lib.version).is_lt() => SkillDrift::Older,
        Some(_) if crate::policy::skill_hash(text) != lib.hash => SkillDrift::Modified,
        Some(_) => SkillDrift::Current,
    }
}

fn check_skills(repo: &Repo, emit: &mut RepoEmitter<'_>) {
    if repo.policy.skills.is_empty() {
        return;
    }
    for file in repo
        .files
        .iter()
        .filter(|f| f.kind == crate::classify::FileKind::ClaudeSkill)
    {
        let Some(name) = file.path.rsplit('/').nth(1) else {
            continue;
        };
        let Some(lib) = repo.policy.skills.get(name) else {
            continue; // the team's own skill
        };
        let local = crate::policy::skill_version(&file.text);
        let v = local.as_deref().unwrap_or("");
        let (message, help) = match skill_drift(&file.text, lib) {
            SkillDrift::Older => (
                format!(
                    "skill `{name}` is version {v}; the organisation's library has {}",
                    lib.version
                ),
                format!("update it from the library (skills/{name}/ in the policy pack)"),
            ),
            SkillDrift::Unversioned => (
                format!(
                    "skill `{name}` has no version; the organisation's library has {}",
                    lib.version
                ),
                format!("vendor skills/{name}/ from the policy pack (it carries the version)"),
            ),
            SkillDrift::Modified => (
                format!(
                    "skill `{name}` {v} was modified locally: it differs from the library's {}",
                    lib.version
                ),
                format!(
                    "run `agentgate policy contribute skill:{name}` to propose the change to the policy pack (a patch, and a branch when the pack is a local git repository), then vendor the released version"
                ),
            ),
            SkillDrift::Current => continue,
        };
        emit.emit(file, &VENDORED_SKILL_DRIFT, None, message).help = Some(help);
    }
}

fn model_matches(patterns: &[String], model: &str) -> bool {
    let model = model.to_ascii_lowercase();
    patterns
        .iter()
        .any(|p| crate::model::permissions::glob_match(&p.to_ascii_lowercase(), &model))
}

/// The project default model each agent's settings name: (file, value node).
fn default_models(repo: &Repo) -> Vec<(&FileCtx, &crate::syntax::Node)> {
    repo.files
        .iter()
        .filter(|f| f.kind != crate::classify::FileKind::ClaudeAgent)
        .filter_map(|f| Some((f, crate::model::configured_model(f)?)))
        .collect()
}

fn check_models(repo: &Repo, emit: &mut RepoEmitter<'_>) {
    let policy = &repo.policy.models;
    if !policy.forbid_default.is_empty() {
        for (file, node) in default_models(repo) {
            let model = node.as_str().unwrap_or("");
            if model_matches(&policy.forbid_default, model) {
                emit.emit(
                    file,
                    &MODEL_POLICY,
                    Some(node.span.clone()),
                    format!(
                        "the project default model `{}` is forbidden by the organisation's model policy",
                        crate::mask::printable(model)
                    ),
                )
                .help = Some("default to a cheaper tier; pick the expensive model per task instead".into());
            }
        }
    }
    if policy.subagents.is_empty() {
        return;
    }
    for file in repo
        .files
        .iter()
        .filter(|f| f.kind == crate::classify::FileKind::ClaudeAgent)
    {
        let tree = file.tree();
        let stem = file
            .path
            .rsplit('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".md");
        let name = tree
            .and_then(|t| t.get("name"))
            .and_then(|n| n.as_str())
            .unwrap_or(stem);
        let model = tree.and_then(|t| t.get("model"));
        for rule in &policy.subagents {
            if !model_matches(&rule.names, name) {
                continue;
            }
            let allowed = rule.allow.join(", ");
            let (span, message) = match model.and_then(|m| m.as_str().map(|s| (m, s))) {
                Some((_, m))
                    if !m.eq_ignore_ascii_case("inherit") && model_matches(&rule.allow, m) =>
                {
                    break;
                }
                Some((node, m)) => (
                    Some(node.span.clone()),
                    format!(
                        "subagent `{name}` uses `{}`; the model policy allows {allowed} for it",
                        crate::mask::printable(m)
                    ),
                ),
                None => (
                    None,
                    format!(
                        "subagent `{name}` names no model (it inherits the session's); the model policy wants {allowed}"
                    ),
                ),
            };
            emit.emit(file, &MODEL_POLICY, span, message).help = Some(format!(
                "set `model:` in its front matter to one of: {allowed}"
            ));
            break;
        }
    }
}

/// The check behind each rule of this module that is not run by the engine itself.
pub(crate) const CHECKS: &[(&super::Rule, super::Check)] = &[
    (&MCP_LOCK_MISMATCH, super::Check::Repo(check_lock)),
    (
        &POLICY_MISSING_FILE,
        super::Check::Repo(check_required_files),
    ),
    (
        &POLICY_MISSING_SECTION,
        super::Check::Repo(check_required_sections),
    ),
    (
        &POLICY_MISSING_DENY,
        super::Check::Repo(check_required_deny),
    ),
    (
        &POLICY_FORBIDDEN_SETTING,
        super::Check::Repo(check_forbidden),
    ),
    (&MCP_NOT_ALLOWLISTED, super::Check::Repo(check_allowlist)),
    (
        &MANAGED_BLOCK_DRIFT,
        super::Check::Repo(check_managed_blocks),
    ),
    (&VENDORED_SKILL_DRIFT, super::Check::Repo(check_skills)),
    (&MODEL_POLICY, super::Check::Repo(check_models)),
];
