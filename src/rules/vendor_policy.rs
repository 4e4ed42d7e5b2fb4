//! Runtime policy files (policy family, AG620–AG625): Claude Code managed settings, Copilot's
//! enterprise managed settings and Codex `requirements.toml`, wherever they are committed.
//! What each client accepts is data (`rules/vendor-policy.yaml`, via `policy::vendor`); this
//! module holds the mechanisms: one walk of the file that finds every problem, each rule
//! reporting its own.

pub use crate::registry::policy::*;

use super::{Emitter, FileCtx, Repo, RepoEmitter, Rule};
use crate::classify::FileKind;
use crate::policy::vendor::{self, KNOWN, KeyType, Target, TargetSpec};
use crate::syntax::{Member, Node, Value};
use std::collections::BTreeMap;
use std::ops::Range;

/// The runtime policy file kind of a classified file.
pub fn target_of(kind: FileKind) -> Option<Target> {
    match kind {
        FileKind::ClaudeManagedSettings => Some(Target::ClaudeManagedSettings),
        FileKind::CopilotManagedSettings => Some(Target::CopilotManagedSettings),
        FileKind::CodexRequirements => Some(Target::CodexRequirements),
        _ => None,
    }
}

struct Problem {
    rule: &'static Rule,
    span: Range<usize>,
    message: String,
    help: String,
}

fn problem(
    out: &mut Vec<Problem>,
    rule: &'static Rule,
    span: Range<usize>,
    message: String,
    help: impl Into<String>,
) {
    out.push(Problem {
        rule,
        span,
        message,
        help: help.into(),
    });
}

/// Every problem of one runtime policy file (AG620, AG621, AG623, AG625).
fn problems(target: Target, tree: &Node) -> Vec<Problem> {
    let spec = target.spec();
    let mut out = Vec::new();
    match &tree.value {
        Value::Object(members) => walk(target, spec, members, "", &mut out),
        _ => problem(
            &mut out,
            &VENDOR_POLICY_INVALID,
            tree.span.clone(),
            format!("{} must be an object of settings", target.name()),
            "start from `agentgate policy export`",
        ),
    }
    out
}

fn walk(
    target: Target,
    spec: &TargetSpec,
    members: &[Member],
    prefix: &str,
    out: &mut Vec<Problem>,
) {
    for m in members {
        let key = if prefix.is_empty() {
            m.key.clone()
        } else {
            format!("{prefix}.{}", m.key)
        };
        let Some(ty) = spec.keys.get(&key) else {
            if spec.strict_keys {
                problem(
                    out,
                    &VENDOR_POLICY_UNKNOWN_KEY,
                    m.key_span.clone(),
                    format!("`{key}` is not a key {} documents", spec.client),
                    format!("documented keys: {}", documented(spec, prefix)),
                );
            }
            continue;
        };
        // `{ "overridable": VALUE }`: an enterprise default that team files may replace.
        let value = match m.value.members() {
            [only] if only.key == "overridable" && spec.overridable.contains(&key) => &only.value,
            _ => &m.value,
        };
        check_value(target, spec, &key, ty, value, out);
        let nested = format!("{key}.");
        if let Value::Object(inner) = &value.value
            && spec.keys.keys().any(|k| k.starts_with(&nested))
        {
            walk(target, spec, inner, &key, out);
        }
    }
}

/// The documented keys at one level, for the help of an unknown key.
fn documented(spec: &TargetSpec, prefix: &str) -> String {
    let keys: Vec<&str> = spec
        .keys
        .keys()
        .filter_map(|k| match prefix {
            "" => (!k.contains('.')).then_some(k.as_str()),
            p => k
                .strip_prefix(p)
                .and_then(|r| r.strip_prefix('.'))
                .filter(|r| !r.contains('.')),
        })
        .collect();
    keys.join(", ")
}

fn type_name(ty: &KeyType) -> String {
    match ty {
        KeyType::Named(n) => match n.as_str() {
            "strings" => "a list of strings".into(),
            "object-array" => "a list of objects".into(),
            "mcp-entries" => "a list of server entries".into(),
            other => format!("a {other}"),
        },
        KeyType::Enum(v) => format!("one of {}", quoted(v)),
        KeyType::Each { each } => format!("a list of {}", quoted(each)),
    }
}

fn quoted(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_value(
    target: Target,
    spec: &TargetSpec,
    key: &str,
    ty: &KeyType,
    node: &Node,
    out: &mut Vec<Problem>,
) {
    let fail_closed = spec.fail_closed.get(key);
    let rule = if fail_closed.is_some() {
        &VENDOR_POLICY_LOCKOUT
    } else {
        &VENDOR_POLICY_INVALID
    };
    let consequence = fail_closed.map_or(String::new(), |c| format!(": {c}"));
    let bad = |out: &mut Vec<Problem>| {
        problem(
            out,
            rule,
            node.span.clone(),
            format!("`{key}` must be {}{consequence}", type_name(ty)),
            format!("see {}", spec.sources[0]),
        )
    };
    match (ty, &node.value) {
        (KeyType::Named(n), v) => match (n.as_str(), v) {
            ("any", _)
            | ("bool", Value::Bool(_))
            | ("string", Value::String(_))
            | ("number", Value::Number(_))
            | ("object", Value::Object(_)) => {}
            ("strings", Value::Array(items)) if items.iter().all(|i| i.as_str().is_some()) => {
                if key.starts_with("permissions.") && !spec.permission_tools.is_empty() {
                    permission_rules(spec, key, items, out);
                }
            }
            ("object-array", Value::Array(items))
                if items.iter().all(|i| matches!(i.value, Value::Object(_))) => {}
            ("mcp-entries", _) => mcp_entries(spec, key, node, fail_closed.is_some(), out),
            _ => bad(out),
        },
        (KeyType::Enum(values), Value::String(s)) if values.contains(s) => {}
        (KeyType::Enum(_), _) => bad(out),
        (KeyType::Each { each }, Value::Array(items)) => {
            if items.is_empty() && fail_closed.is_some() {
                problem(
                    out,
                    rule,
                    node.span.clone(),
                    format!("`{key}` is empty{consequence}"),
                    format!("list the values to allow: {}", quoted(each)),
                );
            }
            for item in items {
                if !item.as_str().is_some_and(|s| each.contains(&s.to_string())) {
                    problem(
                        out,
                        rule,
                        item.span.clone(),
                        format!("`{key}` takes {}{consequence}", quoted(each)),
                        format!("see {}", spec.sources[0]),
                    );
                }
            }
        }
        (KeyType::Each { .. }, _) => bad(out),
    }
    if target == Target::CodexRequirements && key == "mcp_servers" {
        codex_servers(node, out);
    }
}

/// Permission rules whose tool is not in the client's grammar never match (AG623).
fn permission_rules(spec: &TargetSpec, key: &str, items: &[Node], out: &mut Vec<Problem>) {
    for item in items {
        let rule = item.as_str().unwrap_or("");
        let tool = vendor::rule_tool(rule);
        if vendor::known_tool(spec, tool) {
            continue;
        }
        let translated = vendor::copilot_rule(rule)
            .filter(|_| spec.permission_tools.iter().any(|t| t == "Shell"));
        problem(
            out,
            &VENDOR_RULE_NEVER_MATCHES,
            item.span.clone(),
            format!(
                "`{}` in {key} is not a {} permission rule (its tools: {}); it never matches",
                crate::mask::printable(rule),
                spec.client,
                spec.permission_tools.join(", ")
            ),
            match translated {
                Some(t) => format!("write it as \"{}\"", crate::mask::printable(&t)),
                None => "write it in the client's grammar, or regenerate the file with `agentgate policy export`".into(),
            },
        );
    }
}

/// `allowedMcpServers` / `deniedMcpServers`: a list of objects with exactly one matching key.
fn mcp_entries(
    spec: &TargetSpec,
    key: &str,
    node: &Node,
    fail_closed: bool,
    out: &mut Vec<Problem>,
) {
    let rule = if fail_closed {
        &VENDOR_POLICY_LOCKOUT
    } else {
        &VENDOR_POLICY_INVALID
    };
    let consequence = spec
        .fail_closed
        .get(key)
        .map_or("the entry is dropped".to_string(), String::clone);
    let help = format!(
        "each entry is an object with one of {}",
        spec.mcp_entry_keys.join(", ")
    );
    let Value::Array(items) = &node.value else {
        problem(
            out,
            rule,
            node.span.clone(),
            format!("`{key}` must be a list of server entries: {consequence}"),
            help,
        );
        return;
    };
    if items.is_empty() && fail_closed {
        problem(
            out,
            rule,
            node.span.clone(),
            format!("`{key}` is empty: {consequence}"),
            "list the approved servers; leave the key out to allow every server",
        );
    }
    let name_pattern = regex::Regex::new(&spec.server_name_pattern).ok();
    let mut kinds: Vec<(&str, Range<usize>)> = Vec::new();
    for item in items {
        let valid = match &item.value {
            Value::Object(ms) if ms.len() == 1 => {
                let m = &ms[0];
                let ok = match (m.key.as_str(), &m.value.value) {
                    ("serverName", Value::String(s)) => {
                        name_pattern.as_ref().is_none_or(|p| p.is_match(s))
                    }
                    ("serverUrl", Value::String(s)) => !s.is_empty(),
                    ("serverCommand", Value::Array(a)) => {
                        !a.is_empty() && a.iter().all(|x| x.as_str().is_some())
                    }
                    _ => false,
                };
                if ok {
                    kinds.push((
                        match m.key.as_str() {
                            "serverName" => "serverName",
                            "serverUrl" => "serverUrl",
                            _ => "serverCommand",
                        },
                        item.span.clone(),
                    ));
                }
                ok
            }
            _ => false,
        };
        if !valid {
            problem(
                out,
                rule,
                item.span.clone(),
                format!("an entry of `{key}` is not valid: {consequence}"),
                help.clone(),
            );
        }
    }
    // A name counts for remote servers only without serverUrl entries, and for local ones only
    // without serverCommand entries: with both, a name entry never allows anything.
    let has = |k: &str| kinds.iter().any(|(x, _)| *x == k);
    if key == "allowedMcpServers" && has("serverUrl") && has("serverCommand") {
        for (_, span) in kinds.iter().filter(|(k, _)| *k == "serverName") {
            problem(
                out,
                &VENDOR_RULE_NEVER_MATCHES,
                span.clone(),
                "this serverName entry never matches: the list also has serverUrl and serverCommand entries, so servers are matched by URL or command only".into(),
                "replace it with the server's serverUrl or serverCommand",
            );
        }
    }
}

/// Codex enables an allowlisted server only when its name and identity match: an entry with
/// no identity never matches (AG623).
fn codex_servers(node: &Node, out: &mut Vec<Problem>) {
    let Value::Object(servers) = &node.value else {
        return;
    };
    for s in servers {
        let identity = s.value.get("identity");
        let ok = identity.is_some_and(|i| {
            i.get("command").and_then(Node::as_str).is_some()
                || i.get("url").and_then(Node::as_str).is_some()
        });
        if !ok {
            problem(
                out,
                &VENDOR_RULE_NEVER_MATCHES,
                s.key_span.clone(),
                format!(
                    "MCP server `{}` has no identity (`command` or `url`); Codex never enables it",
                    crate::mask::printable(&s.key)
                ),
                format!(
                    "add [mcp_servers.{}.identity] with command = \"…\" or url = \"…\"",
                    crate::mask::printable(&s.key)
                ),
            );
        }
    }
}

fn emit_rule(ctx: &FileCtx, emit: &mut Emitter<'_>, rule: &'static Rule) {
    let (Some(target), Some(tree)) = (target_of(ctx.kind), ctx.tree()) else {
        return; // not a runtime policy file, or a syntax error (AG001 reports it)
    };
    for p in problems(target, tree)
        .into_iter()
        .filter(|p| std::ptr::eq(p.rule, rule))
    {
        emit.emit(rule, Some(p.span), p.message).help = Some(p.help);
    }
}

fn check_invalid(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    emit_rule(ctx, emit, &VENDOR_POLICY_INVALID);
}

fn check_lockout(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    emit_rule(ctx, emit, &VENDOR_POLICY_LOCKOUT);
}

fn check_never_matches(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    emit_rule(ctx, emit, &VENDOR_RULE_NEVER_MATCHES);
}

fn check_unknown_key(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    emit_rule(ctx, emit, &VENDOR_POLICY_UNKNOWN_KEY);
}

/// The files that form one runtime policy: Claude Code's `managed-settings.json` with the
/// `managed-settings.d/` drop-ins beside it; every other file on its own.
fn group_key(target: Target, path: &str) -> String {
    if target == Target::ClaudeManagedSettings {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        let base = dir
            .strip_suffix("managed-settings.d")
            .map(|d| d.trim_end_matches('/'))
            .unwrap_or(dir);
        return base.to_string();
    }
    path.to_string()
}

/// AG624: the runtime policy files against the organisation's pack.
fn check_pack(repo: &Repo, emit: &mut RepoEmitter<'_>) {
    let policy = &repo.policy;
    if policy.is_empty() {
        return;
    }
    let mut groups: BTreeMap<(Target, String), Vec<&FileCtx>> = BTreeMap::new();
    for f in &repo.files {
        if let (Some(t), Some(_)) = (target_of(f.kind), f.tree()) {
            groups
                .entry((t, group_key(t, &f.path)))
                .or_default()
                .push(f);
        }
    }
    for ((target, _), files) in groups {
        // Findings about what is missing go to the base file (or the first drop-in).
        let primary = files
            .iter()
            .copied()
            .find(|f| !f.path.contains("managed-settings.d/"))
            .unwrap_or(files[0]);
        let trees: Vec<(&FileCtx, &Node)> =
            files.iter().filter_map(|f| Some((*f, f.tree()?))).collect();
        match target {
            Target::CodexRequirements => codex_against_pack(repo, primary, emit),
            _ => settings_against_pack(repo, target, primary, &trees, emit),
        }
    }
}

fn settings_against_pack(
    repo: &Repo,
    target: Target,
    primary: &FileCtx,
    trees: &[(&FileCtx, &Node)],
    emit: &mut RepoEmitter<'_>,
) {
    let policy = &repo.policy;
    // Findings about what is missing point at the key, never at the whole list: a finding's
    // fingerprint reads its span, and the list may be megabytes long.
    let deny_key = primary
        .tree()
        .and_then(|t| t.get("permissions"))
        .and_then(|p| p.member("deny"))
        .map(|m| m.key_span.clone());
    let permissions_key = primary
        .tree()
        .and_then(|t| t.member("permissions"))
        .map(|m| m.key_span.clone());
    let grants: Vec<_> = trees.iter().flat_map(|(f, _)| f.grants().iter()).collect();
    let missing: Vec<String> = if target == Target::ClaudeManagedSettings {
        crate::model::permissions::uncovered_denies(&grants, &policy.require.claude_deny)
            .into_iter()
            .cloned()
            .collect()
    } else {
        // Copilot's rules are normalized grants too: a required deny is covered by an
        // identical or broader deny in either spelling (`Shell(curl *)`, `Bash(curl *)`,
        // `Shell`). Required rules are compared in the same normal form and named in
        // Copilot's grammar.
        let (copilot, normal): (Vec<String>, Vec<String>) = policy
            .require
            .claude_deny
            .iter()
            .filter_map(|r| {
                let c = vendor::copilot_rule(r)?;
                let n = vendor::from_copilot(&c)?;
                Some((c, n))
            })
            .unzip();
        let uncovered = crate::model::permissions::uncovered_denies(&grants, &normal);
        copilot
            .into_iter()
            .zip(&normal)
            .filter(|(_, n)| uncovered.contains(n))
            .map(|(c, _)| c)
            .collect()
    };
    for rule in missing {
        emit.emit(
            primary,
            &VENDOR_POLICY_CONTRADICTS_PACK,
            deny_key.clone(),
            format!(
                "`{}` is required by the policy pack (require.claude_deny) but is not in permissions.deny",
                crate::mask::printable(&rule)
            ),
        )
        .help = Some(format!("add \"{}\" to permissions.deny, or regenerate the file with `agentgate policy export --target {}`", crate::mask::printable(&rule), target.name()));
    }
    if vendor::forbids_bypass(policy) {
        let disabled = trees.iter().any(|(_, t)| {
            t.pointer(&["permissions", "disableBypassPermissionsMode"])
                .and_then(Node::as_str)
                == Some("disable")
        });
        if !disabled {
            emit.emit(
                primary,
                &VENDOR_POLICY_CONTRADICTS_PACK,
                permissions_key,
                "the policy pack forbids bypass mode, but this file does not disable it"
                    .to_string(),
            )
            .help = Some("set permissions.disableBypassPermissionsMode to \"disable\"".into());
        }
        for (f, t) in trees {
            if let Some(n) = t
                .pointer(&["permissions", "defaultMode"])
                .filter(|n| n.as_str() == Some("bypassPermissions"))
            {
                emit.emit(
                    f,
                    &VENDOR_POLICY_CONTRADICTS_PACK,
                    Some(n.span.clone()),
                    "permissions.defaultMode is bypassPermissions, which the policy pack forbids"
                        .to_string(),
                )
                .help = Some("remove it".into());
            }
        }
    }
    let allow = &policy.mcp.allow;
    if allow.is_empty() {
        return;
    }
    for (f, t) in trees {
        for entry in t.get("allowedMcpServers").map_or(&[][..], Node::as_array) {
            let (covered, what) = if let Some(url) = entry.get("serverUrl").and_then(Node::as_str) {
                let prefix = url.trim_end_matches('*');
                (
                    allow
                        .iter()
                        .any(|a| a.contains("://") && prefix.starts_with(a.as_str())),
                    "URL",
                )
            } else if let Some(cmd) = entry.get("serverCommand") {
                (
                    cmd.as_array()
                        .iter()
                        .filter_map(Node::as_str)
                        .any(|w| allow.iter().any(|a| !a.contains("://") && a == w)),
                    "command",
                )
            } else {
                continue; // a name says nothing about what runs
            };
            if !covered {
                emit.emit(
                    f,
                    &VENDOR_POLICY_CONTRADICTS_PACK,
                    Some(entry.span.clone()),
                    format!("this allowedMcpServers entry admits a server {what} that is not on the policy pack's mcp.allow"),
                )
                .help = Some("add the server to the pack's mcp.allow after review, or remove the entry".into());
            }
        }
    }
}

fn codex_against_pack(repo: &Repo, file: &FileCtx, emit: &mut RepoEmitter<'_>) {
    let policy = &repo.policy;
    let Some(tree) = file.tree() else { return };
    if vendor::forbids_bypass(policy) {
        for (key, allowed) in &KNOWN.mapping.codex_without_bypass {
            match tree.get(key) {
                None => {
                    emit.emit(
                        file,
                        &VENDOR_POLICY_CONTRADICTS_PACK,
                        None,
                        format!(
                            "the policy pack forbids bypass mode, but `{key}` is not constrained"
                        ),
                    )
                    .help = Some(format!("set {key} = [{}]", quoted(allowed)));
                }
                Some(list) => {
                    for item in list.as_array() {
                        if let Some(v) = item.as_str().filter(|v| !allowed.contains(&v.to_string()))
                        {
                            emit.emit(
                                file,
                                &VENDOR_POLICY_CONTRADICTS_PACK,
                                Some(item.span.clone()),
                                format!(
                                    "`{v}` in {key} is bypass mode, which the policy pack forbids"
                                ),
                            )
                            .help = Some(format!("allow only {}", quoted(allowed)));
                        }
                    }
                }
            }
        }
    }
    let allow = &policy.mcp.allow;
    if allow.is_empty() {
        return;
    }
    let Some(Value::Object(servers)) = tree.get("mcp_servers").map(|n| &n.value) else {
        return;
    };
    for s in servers {
        if let Some(url) = s.value.pointer(&["identity", "url"]).and_then(Node::as_str)
            && !allow
                .iter()
                .any(|a| a.contains("://") && url.starts_with(a.as_str()))
        {
            emit.emit(
                file,
                &VENDOR_POLICY_CONTRADICTS_PACK,
                Some(s.key_span.clone()),
                format!(
                    "MCP server `{}` connects to a URL that is not on the policy pack's mcp.allow",
                    crate::mask::printable(&s.key)
                ),
            )
            .help = Some("add it to the pack's mcp.allow after review, or remove the entry".into());
        }
    }
}

pub(crate) const CHECKS: &[(&Rule, super::Check)] = &[
    (&VENDOR_POLICY_INVALID, super::Check::File(check_invalid)),
    (&VENDOR_POLICY_LOCKOUT, super::Check::File(check_lockout)),
    (
        &VENDOR_RULE_NEVER_MATCHES,
        super::Check::File(check_never_matches),
    ),
    (
        &VENDOR_POLICY_CONTRADICTS_PACK,
        super::Check::Repo(check_pack),
    ),
    (
        &VENDOR_POLICY_UNKNOWN_KEY,
        super::Check::File(check_unknown_key),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The examples of rules/vendor-policy.yaml: valid ones have no problem, invalid ones
    /// the named rule.
    #[test]
    fn vendor_policy_examples() {
        for target in Target::ALL {
            let spec = target.spec();
            let parse = |text: &str| match spec.format {
                vendor::FileFormat::Json => crate::syntax::json::parse(text).unwrap(),
                vendor::FileFormat::Toml => crate::syntax::toml::parse(text).unwrap(),
            };
            for text in &spec.examples.valid {
                let found: Vec<&str> = problems(target, &parse(text))
                    .iter()
                    .map(|p| p.rule.code)
                    .collect();
                assert!(found.is_empty(), "{}: {text}: {found:?}", target.name());
            }
            for (text, code) in &spec.examples.invalid {
                let found: Vec<&str> = problems(target, &parse(text))
                    .iter()
                    .map(|p| p.rule.code)
                    .collect();
                assert!(
                    found.contains(&code.as_str()),
                    "{}: {text}: {found:?}",
                    target.name()
                );
            }
        }
    }
}
