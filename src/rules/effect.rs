//! Configuration a client accepts and then ignores: each finding names what the client does
//! instead and the versions affected. The knowledge is rules/no-effect.yaml; this file holds
//! the mechanisms.

pub use crate::registry::effect::*;

use super::{Emitter, FileCtx};
use crate::classify::{FileKind, classify};
use crate::model::permissions::List;
use crate::syntax::{Node, Value};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Knowledge {
    #[allow(dead_code)]
    version: u32,
    discarded_settings: Discarded,
    unenforced_path_rules: PathRules,
    project_scope_ignored: ProjectScope,
    codex_project_ignored: CodexIgnored,
    hook_matchers: HookMatchers,
    claude_tools: Vec<String>,
    servers_key: ServersKey,
    remote_type: RemoteType,
    #[cfg_attr(not(test), allow(dead_code))]
    examples: Vec<Example>,
}

/// What every section records about its fact (shown in help lines and `explain`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Discarded {
    agent: String,
    versions: String,
    #[allow(dead_code)]
    sources: Vec<String>,
    does_instead: String,
    default_modes: Vec<String>,
    hook_types: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathRules {
    agent: String,
    versions: String,
    #[allow(dead_code)]
    sources: Vec<String>,
    does_instead: String,
    tools: Vec<PathTool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathTool {
    tool: String,
    covered_by: String,
    client_warns: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectScope {
    agent: String,
    versions: String,
    #[allow(dead_code)]
    sources: Vec<String>,
    does_instead: String,
    managed_only: Vec<String>,
    user_or_managed: Vec<String>,
    not_shared: Vec<String>,
    ignored_default_modes: Vec<IgnoredMode>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoredMode {
    mode: String,
    falls_back_to: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodexIgnored {
    agent: String,
    versions: String,
    /// The first release that drops the keys: a declared range (`agents:`) that starts
    /// before it includes releases that honour them.
    since: String,
    /// What releases before `since` do with the keys.
    before: String,
    #[allow(dead_code)]
    sources: Vec<String>,
    does_instead: String,
    keys: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HookMatchers {
    agent: String,
    versions: String,
    #[allow(dead_code)]
    sources: Vec<String>,
    does_instead: String,
    tool_events: Vec<String>,
    value_events: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServersKey {
    #[allow(dead_code)]
    sources: Vec<String>,
    does_instead: String,
    files: Vec<ServersKeyFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServersKeyFile {
    file: String,
    agent: String,
    expects: String,
    wrong: Vec<String>,
    versions: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RemoteType {
    #[allow(dead_code)]
    sources: Vec<String>,
    files: Vec<RemoteTypeFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RemoteTypeFile {
    file: String,
    agent: String,
    types: Vec<String>,
    does_instead: String,
    versions: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(not(test), allow(dead_code))]
struct Example {
    file: String,
    text: String,
    fires: String,
}

static KNOWN: LazyLock<Knowledge> = LazyLock::new(|| crate::builtin::NO_EFFECT.load());

/// What rules/no-effect.yaml knows, per fact: (agent, topic, versions, sources).
pub(crate) fn knowledge() -> Vec<super::Knowledge> {
    let k = &*KNOWN;
    let entry = |agent: &str, topic: &str, versions: &str, sources: &[String]| super::Knowledge {
        agent: agent.to_string(),
        topic: topic.to_string(),
        versions: versions.to_string(),
        sources: sources.to_vec(),
    };
    let mut out = vec![
        entry(
            &k.discarded_settings.agent,
            "settings files discarded whole (AG701)",
            &k.discarded_settings.versions,
            &k.discarded_settings.sources,
        ),
        entry(
            &k.unenforced_path_rules.agent,
            "path rules never consulted (AG702)",
            &k.unenforced_path_rules.versions,
            &k.unenforced_path_rules.sources,
        ),
        entry(
            &k.project_scope_ignored.agent,
            "keys ignored in project settings (AG703)",
            &k.project_scope_ignored.versions,
            &k.project_scope_ignored.sources,
        ),
        entry(
            &k.codex_project_ignored.agent,
            "project config keys ignored (AG704)",
            &k.codex_project_ignored.versions,
            &k.codex_project_ignored.sources,
        ),
        entry(
            &k.hook_matchers.agent,
            "exact hook matchers (AG705)",
            &k.hook_matchers.versions,
            &k.hook_matchers.sources,
        ),
    ];
    for f in &k.servers_key.files {
        out.push(entry(
            &f.agent,
            &format!("MCP root key in {} (AG706)", f.file),
            &f.versions,
            &k.servers_key.sources,
        ));
    }
    for f in &k.remote_type.files {
        out.push(entry(
            &f.agent,
            &format!("remote server type in {} (AG707)", f.file),
            &f.versions,
            &k.remote_type.sources,
        ));
    }
    out
}

/// Claude Code's tool names (rules/no-effect.yaml `claude_tools`).
pub(crate) fn is_claude_tool(name: &str) -> bool {
    KNOWN.claude_tools.iter().any(|t| t == name)
}

fn tree_of(ctx: &FileCtx) -> Option<&Node> {
    ctx.tree()
}

// ---- AG701 ----

fn check_discarded(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    if !ctx.kind.is_claude_settings() {
        return;
    }
    let k = &KNOWN.discarded_settings;
    let denies = ctx.grants().iter().filter(|g| g.list == List::Deny).count();
    let lost = match denies {
        0 => String::new(),
        1 => " and the deny rule in it".to_string(),
        n => format!(" and the {n} deny rules in it"),
    };
    let help = format!("{} {}: {}", k.agent, k.versions, k.does_instead);
    if let Some(e) = crate::syntax::json::strict_violation(&ctx.text) {
        let what = match ctx.text.get(e.span.start..) {
            Some(rest) if rest.starts_with("//") || rest.starts_with("/*") => "a comment",
            _ => "not strict JSON (a trailing comma?)",
        };
        emit.emit(
            &SETTINGS_DISCARDED,
            Some(e.span.start..e.span.end.max(e.span.start + 1)),
            format!(
                "{what}: Claude Code reads settings as strict JSON and skips this whole file{lost}"
            ),
        )
        .help = Some(help.clone());
    }
    let Some(tree) = tree_of(ctx) else { return };
    if let Some(mode) = tree.pointer(&["permissions", "defaultMode"]) {
        let valid = mode
            .as_str()
            .is_some_and(|m| k.default_modes.iter().any(|v| v == m));
        if !valid {
            emit.emit(
                &SETTINGS_DISCARDED,
                Some(mode.span.clone()),
                format!(
                    "`permissions.defaultMode` must be one of {}: Claude Code skips this whole file{lost}",
                    k.default_modes.join(", ")
                ),
            )
            .help = Some(help.clone());
        }
    }
    for event in tree.get("hooks").map_or(&[][..], Node::members) {
        for group in event.value.as_array() {
            for handler in group.get("hooks").map_or(&[][..], Node::as_array) {
                let Some(t) = handler.get("type") else {
                    continue;
                };
                if !t
                    .as_str()
                    .is_some_and(|v| k.hook_types.iter().any(|h| h == v))
                {
                    emit.emit(
                        &SETTINGS_DISCARDED,
                        Some(t.span.clone()),
                        format!(
                            "hook `type` must be one of {}: Claude Code skips this whole file{lost}",
                            k.hook_types.join(", ")
                        ),
                    )
                    .help = Some(help.clone());
                }
            }
        }
    }
}

// ---- AG702 ----

/// The enforced tool to write a path rule on instead, when `tool(spec)` is a path rule
/// Claude Code never consults.
pub(crate) fn unenforced_path_tool(tool: &str, spec: Option<&str>) -> Option<&'static str> {
    let spec = spec?.trim();
    // `Write(file_path:…)` is a parameter rule (AG107 judges it); `Write(*)` is every call.
    if spec.is_empty() || spec == "*" || spec.contains(':') {
        return None;
    }
    KNOWN
        .unenforced_path_rules
        .tools
        .iter()
        .find(|t| t.tool == tool)
        .map(|t| t.covered_by.as_str())
}

fn check_unenforced(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    let k = &KNOWN.unenforced_path_rules;
    for g in ctx.grants() {
        let spec = g.rule.specifier.as_deref();
        let Some(instead) = unenforced_path_tool(&g.rule.tool, spec) else {
            continue;
        };
        let warns = k
            .tools
            .iter()
            .any(|t| t.tool == g.rule.tool && t.client_warns);
        let protects = match g.list {
            List::Deny | List::Ask => ", so it protects nothing",
            _ => "",
        };
        emit.emit(
            &UNENFORCED_PATH_RULE,
            Some(g.span.clone()),
            format!(
                "`{}` in {} is never consulted: only `Read` and `Edit` path rules are{protects}{}",
                g.text,
                g.key,
                if warns {
                    ""
                } else {
                    " (and the client does not warn)"
                }
            ),
        )
        .help = Some(format!(
            "write it as `{instead}({})`; {} {}: {}",
            spec.unwrap_or_default().trim(),
            k.agent,
            k.versions,
            k.does_instead
        ));
    }
}

// ---- AG703 ----

fn member_at<'a>(tree: &'a Node, dotted: &str) -> Option<&'a crate::syntax::Member> {
    let keys: Vec<&str> = dotted.split('.').collect();
    let (last, parents) = keys.split_last()?;
    tree.pointer(parents)?.member(last)
}

fn check_project_scope(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    if !ctx.kind.is_claude_settings() {
        return;
    }
    let Some(tree) = tree_of(ctx) else { return };
    let k = &KNOWN.project_scope_ignored;
    let shared = ctx.kind == FileKind::ClaudeSettings;
    let lists: [(&[String], &str, bool); 3] = [
        (&k.managed_only, "is read only from managed settings", true),
        (
            &k.user_or_managed,
            "is read only from user or managed settings",
            true,
        ),
        (
            &k.not_shared,
            "is not read from the shared project file",
            shared,
        ),
    ];
    for (keys, why, applies) in lists {
        if !applies {
            continue;
        }
        for key in keys {
            if let Some(m) = member_at(tree, key) {
                emit.emit(
                    &PROJECT_SCOPE_IGNORED,
                    Some(m.key_span.clone()),
                    format!("`{key}` {why}: {} {}", k.agent, k.does_instead),
                )
                .help = Some(format!("{} {}", k.agent, k.versions));
            }
        }
    }
    if let Some(mode) = tree.pointer(&["permissions", "defaultMode"])
        && let Some(m) = k
            .ignored_default_modes
            .iter()
            .find(|m| mode.as_str() == Some(m.mode.as_str()))
    {
        emit.emit(
                &PROJECT_SCOPE_IGNORED,
                Some(mode.span.clone()),
                format!(
                    "`defaultMode: \"{}\"` does not take effect from project or local settings: {} starts in `{}`",
                    m.mode, k.agent, m.falls_back_to
                ),
            )
            .help = Some(format!(
                "set it in ~/.claude/settings.json or pass --permission-mode; {} {}",
                k.agent, k.versions
            ));
    }
}

// ---- AG704 ----

/// Version-aware: with no declared Codex range, or one that starts at or after `since`, the
/// keys do nothing (a warning: move them). A declared range that starts before `since`
/// includes releases that honour them and send every request, with the API key, where the
/// project says: an error, and the message names the releases.
fn check_codex(repo: &super::Repo, emit: &mut super::RepoEmitter<'_>) {
    let k = &KNOWN.codex_project_ignored;
    let declared = repo
        .agents
        .iter()
        .find(|(a, _)| *a == k.agent)
        .and_then(|(_, low)| low.as_ref());
    let older = match (declared, crate::config::Version::parse(&k.since)) {
        (Some(low), Some(since)) if *low < since => Some(
            low.0
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join("."),
        ),
        _ => None,
    };
    for ctx in repo
        .files
        .iter()
        .filter(|f| f.kind == FileKind::CodexConfig)
    {
        let Some(tree) = tree_of(ctx) else { continue };
        for key in &k.keys {
            let Some(m) = tree.member(key) else { continue };
            let message = match &older {
                None => format!(
                    "`{key}` in a project .codex/config.toml: {} {}",
                    k.agent, k.does_instead
                ),
                Some(low) => format!(
                    "`{key}` in a project .codex/config.toml: the declared codex range starts at {low}, and {} releases before {} {}",
                    k.agent, k.since, k.before
                ),
            };
            let d = emit.emit(
                ctx,
                &CODEX_PROJECT_KEY_IGNORED,
                Some(m.key_span.clone()),
                message,
            );
            // A severity the configuration set for AG704 is kept.
            if older.is_some() && d.severity == CODEX_PROJECT_KEY_IGNORED.severity {
                d.severity = crate::registry::Severity::Error;
            }
            d.help = Some(format!(
                "move it to ~/.codex/config.toml; {} {}",
                k.agent, k.versions
            ));
        }
    }
}

// ---- AG705 ----

/// Does `matcher` use the exact-name form (letters, digits, `_`, `-`, space, `,`, `|`)?
fn is_exact_matcher(matcher: &str) -> bool {
    matcher
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' ' | ',' | '|'))
}

fn check_hook_matchers(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    if !ctx.kind.is_claude_settings() {
        return;
    }
    let Some(tree) = tree_of(ctx) else { return };
    let k = &KNOWN.hook_matchers;
    for event in tree.get("hooks").map_or(&[][..], Node::members) {
        let tool_event = k.tool_events.contains(&event.key);
        let values = k.value_events.get(&event.key);
        if !tool_event && values.is_none() {
            continue;
        }
        for group in event.value.as_array() {
            let Some(node) = group.get("matcher") else {
                continue;
            };
            let Some(matcher) = node.as_str() else {
                continue;
            };
            let m = matcher.trim();
            if m.is_empty() || m == "*" || !is_exact_matcher(m) {
                continue;
            }
            let names: Vec<&str> = m
                .split(['|', ','])
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .collect();
            let unknown: Vec<&str> = names
                .iter()
                .copied()
                .filter(|n| match values {
                    Some(values) => !values.iter().any(|v| v == n),
                    None => !(is_claude_tool(n) || n.starts_with("mcp__")),
                })
                .collect();
            let Some(first) = unknown.first() else {
                continue;
            };
            let candidates: Vec<&str> = match values {
                Some(values) => values.iter().map(String::as_str).collect(),
                None => KNOWN.claude_tools.iter().map(String::as_str).collect(),
            };
            let hint = candidates
                .iter()
                .find(|c| c.eq_ignore_ascii_case(first))
                .map(|c| format!("did you mean `{c}`? "))
                .unwrap_or_default();
            let whole = if unknown.len() == names.len() {
                "so the hook never runs"
            } else {
                "so that part of the matcher never matches"
            };
            emit.emit(
                &HOOK_MATCHER_NEVER_FIRES,
                Some(node.span.clone()),
                format!(
                    "{} matcher `{}` names `{first}`, {}: names are exact and case-sensitive, {whole}",
                    event.key,
                    crate::mask::printable(m),
                    if values.is_some() {
                        format!("which is not a value of this {} event", k.agent)
                    } else {
                        format!("which is no {} tool", k.agent)
                    },
                ),
            )
            .help = Some(format!(
                "{hint}{} {}: {}",
                k.agent, k.versions, k.does_instead
            ));
        }
    }
}

// ---- AG706 ----

fn check_servers_key(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    let Some(tree) = tree_of(ctx) else { return };
    if !matches!(tree.value, Value::Object(_)) {
        return;
    }
    let k = &KNOWN.servers_key;
    for f in k.files.iter().filter(|f| classify(&f.file) == ctx.kind) {
        for wrong in &f.wrong {
            let Some(m) = tree.member(wrong) else {
                continue;
            };
            // VS Code `settings.json`-style nesting is handled by its own kind; here only the
            // file's root key counts, and a file that also has the right key is half right.
            let n = m.value.members().len();
            emit.emit(
                &WRONG_SERVERS_KEY,
                Some(m.key_span.clone()),
                format!(
                    "{} does not read `{wrong}` in {} (it reads {}): {} ({n} server{})",
                    f.agent,
                    f.file,
                    f.expects,
                    k.does_instead,
                    if n == 1 { "" } else { "s" }
                ),
            )
            .help = Some(format!("{} {}", f.agent, f.versions));
        }
    }
}

// ---- AG707 ----

fn check_remote_type(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    let k = &KNOWN.remote_type;
    let Some(f) = k.files.iter().find(|f| classify(&f.file) == ctx.kind) else {
        return;
    };
    for s in ctx.mcp_servers() {
        if s.url.is_none() || s.command.is_some() || s.entry.get("type").is_some() {
            continue;
        }
        emit.emit(
            &REMOTE_SERVER_NO_TYPE,
            Some(s.name_span.clone()),
            format!(
                "MCP server `{}` has a `url` but no `type`: {} {}",
                s.name, f.agent, f.does_instead
            ),
        )
        .help = Some(format!(
            "add \"type\": \"{}\"; {} {}",
            f.types.first().map_or("http", String::as_str),
            f.agent,
            f.versions
        ));
    }
}

pub(crate) const CHECKS: &[(&super::Rule, super::Check)] = &[
    (&SETTINGS_DISCARDED, super::Check::File(check_discarded)),
    (&UNENFORCED_PATH_RULE, super::Check::File(check_unenforced)),
    (
        &PROJECT_SCOPE_IGNORED,
        super::Check::File(check_project_scope),
    ),
    (&CODEX_PROJECT_KEY_IGNORED, super::Check::Repo(check_codex)),
    (
        &HOOK_MATCHER_NEVER_FIRES,
        super::Check::File(check_hook_matchers),
    ),
    (&WRONG_SERVERS_KEY, super::Check::File(check_servers_key)),
    (
        &REMOTE_SERVER_NO_TYPE,
        super::Check::File(check_remote_type),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::run;

    #[test]
    fn knowledge_examples_fire_where_they_say() {
        assert!(KNOWN.examples.len() >= 20);
        let mut failures = Vec::new();
        for ex in &KNOWN.examples {
            let got: Vec<String> = run(&ex.file, &ex.text)
                .iter()
                .filter(|d| d.rule.code.starts_with("AG7"))
                .map(|d| format!("{} {}:{}", d.rule.code, d.line(), d.col()))
                .collect();
            let ok = match ex.fires.as_str() {
                "none" => got.is_empty(),
                want => got.first().map(String::as_str) == Some(want),
            };
            if !ok {
                failures.push(format!(
                    "{} {:?}: want {}, got {got:?}",
                    ex.file, ex.text, ex.fires
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn every_fact_names_its_versions_and_sources() {
        let k = &*KNOWN;
        for (versions, sources) in [
            (
                &k.discarded_settings.versions,
                &k.discarded_settings.sources,
            ),
            (
                &k.unenforced_path_rules.versions,
                &k.unenforced_path_rules.sources,
            ),
            (
                &k.project_scope_ignored.versions,
                &k.project_scope_ignored.sources,
            ),
            (
                &k.codex_project_ignored.versions,
                &k.codex_project_ignored.sources,
            ),
            (&k.hook_matchers.versions, &k.hook_matchers.sources),
        ] {
            assert!(!versions.is_empty());
            assert!(!sources.is_empty() && sources.iter().all(|s| s.starts_with("https://")));
        }
        for f in &k.servers_key.files {
            assert_ne!(classify(&f.file), FileKind::Other, "{}", f.file);
        }
        for f in &k.remote_type.files {
            assert_ne!(classify(&f.file), FileKind::Other, "{}", f.file);
        }
    }
}
