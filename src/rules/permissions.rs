//! Over-broad tool permissions in Claude Code settings, skills and subagents, OpenCode
//! configuration and Copilot managed settings: every agent's rules read through the
//! normalized permission model (`FileCtx::grants`).

pub use crate::registry::permissions::*;

use super::{Emitter, FileCtx};
use crate::classify::FileKind;
use crate::model::knowledge::Knowledge;
use crate::model::permissions::{Grant, List, broad_path, first_covering, glob_match};
use crate::syntax::Node;

// ---- checks ----

/// An example rule for a help line, in the grant's own grammar (`Shell(…)`, `Domain(…)` for
/// Copilot), so the fix can be pasted where the finding is.
fn spelled(g: &Grant, claude: &str) -> String {
    match g.agent {
        crate::classify::Agent::Copilot => {
            crate::policy::vendor::copilot_rule(claude).unwrap_or_else(|| claude.to_string())
        }
        _ => claude.to_string(),
    }
}

/// Allow grants that are not already "every command" (AG101 covers those).
fn allow_grants(ctx: &FileCtx) -> impl Iterator<Item = &Grant> {
    ctx.grants().iter().filter(|g| g.list == List::Allow)
}

fn check_bash_wildcard(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    for g in allow_grants(ctx).filter(|g| g.rule.is_every_command()) {
        emit.emit(
            &BASH_WILDCARD_ALLOW,
            Some(g.span.clone()),
            format!("`{}` in {} pre-approves every shell command", g.text, g.key),
        )
        .help = Some(format!(
            "allow specific commands instead, e.g. \"{}\"; put risky ones under `ask`",
            spelled(g, "Bash(npm run test *)")
        ));
    }
}

/// Does an allow rule's command pattern cover `prefix` followed by arbitrary arguments?
fn covers_open(pattern: &str, prefix: &str) -> bool {
    // Every text tried starts with `prefix `, so the pattern's literal start must agree with
    // that: most rules are told apart here, without building the texts (20,000 allow rules
    // times the lists below).
    let head = pattern.split('*').next().unwrap_or("").as_bytes();
    let lead = prefix.as_bytes();
    let n = head.len().min(lead.len());
    if head[..n] != lead[..n] || head.len() > lead.len() && head[lead.len()] != b' ' {
        return false;
    }
    ["evil-cmd --x", "-y evil-cmd", "-c evil-cmd", "-e evil-cmd"]
        .iter()
        .any(|rest| glob_match(pattern, &format!("{prefix} {rest}")))
}

fn shell_pattern(g: &Grant) -> Option<String> {
    (g.rule.is_shell() && !g.rule.is_every_command())
        .then(|| g.rule.command_pattern())
        .flatten()
}

fn check_exec_wrapper(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    for g in allow_grants(ctx) {
        let Some(pattern) = shell_pattern(g) else {
            continue;
        };
        if let Some(w) = ctx
            .knowledge()
            .commands
            .exec_wrappers
            .iter()
            .find(|w| covers_open(&pattern, w))
        {
            emit.emit(
                &EXEC_WRAPPER_ALLOW,
                Some(g.span.clone()),
                format!(
                    "`{}` in {} lets `{w}` run arbitrary code without a prompt",
                    g.text, g.key
                ),
            )
            .help = Some(format!(
                "allow the exact command instead, e.g. \"{}\", or move it to `ask`",
                spelled(g, &format!("Bash({w} <tool> <fixed args>)"))
            ));
        }
    }
}

/// What makes a concrete command risky to run unasked: a network tool, a destructive
/// command or an exec wrapper (the lists behind AG103–AG105).
pub(crate) fn risky_command<'k>(k: &'k Knowledge, cmd: &str) -> Option<&'k str> {
    let cmd = cmd.trim();
    let starts = |p: &str| {
        cmd == p
            || cmd
                .strip_prefix(p)
                .is_some_and(|rest| rest.starts_with(char::is_whitespace))
    };
    let c = &k.commands;
    c.network_tools
        .iter()
        .chain(c.destructive.iter())
        .chain(c.exec_wrappers.iter())
        .find(|p| starts(p) && !k.read_only_subcommand(cmd, p))
}

fn names_program(pattern: &str, program: &str) -> bool {
    pattern == program
        || pattern
            .strip_prefix(program)
            .is_some_and(|rest| rest.starts_with(' '))
        || covers_open(pattern, program)
}

fn check_network(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    for g in allow_grants(ctx) {
        let hit = match shell_pattern(g) {
            Some(pattern) => ctx
                .knowledge()
                .commands
                .network_tools
                .iter()
                .find(|t| names_program(&pattern, t))
                .map(|t| format!("`{t}`")),
            None if g.rule.tool == "WebFetch" => {
                let open = g
                    .rule
                    .specifier
                    .as_deref()
                    .is_none_or(|s| matches!(s.trim(), "*" | "domain:*"));
                open.then(|| "every web fetch".to_string())
            }
            None => None,
        };
        if let Some(what) = hit {
            emit.emit(
                &NETWORK_TOOL_ALLOW,
                Some(g.span.clone()),
                format!(
                    "`{}` in {} pre-approves {what}: a ready exfiltration channel",
                    g.text, g.key
                ),
            )
            .help = Some(format!(
                "allow specific sites with \"{}\" and keep network tools under `ask` or `deny`",
                spelled(g, "WebFetch(domain:docs.example.com)")
            ));
        }
    }
}

fn check_destructive(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    for g in allow_grants(ctx) {
        let Some(pattern) = shell_pattern(g) else {
            continue;
        };
        let k = ctx.knowledge();
        if let Some(cmd) = k
            .commands
            .destructive
            .iter()
            .find(|c| names_program(&pattern, c) && !k.read_only_subcommand(&pattern, c))
        {
            emit.emit(
                &DESTRUCTIVE_ALLOW,
                Some(g.span.clone()),
                format!(
                    "`{}` in {} pre-approves `{cmd}`, which cannot be undone",
                    g.text, g.key
                ),
            )
            .help = Some(format!(
                "move \"{}\" to `ask`; allow only read-only or local commands",
                spelled(g, &format!("Bash({cmd} *)"))
            ));
        }
    }
}

fn check_bypass(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    let Some(tree) = ctx.tree() else { return };
    let (node, key) = match ctx.kind {
        k if k.is_claude_settings() => (
            tree.pointer(&["permissions", "defaultMode"]),
            "permissions.defaultMode",
        ),
        FileKind::ClaudeAgent => (tree.get("permissionMode"), "permissionMode"),
        _ => return,
    };
    if let Some(node) = node.filter(|n| n.as_str() == Some("bypassPermissions")) {
        emit.emit(
            &BYPASS_PERMISSIONS_MODE,
            Some(node.span.clone()),
            format!("{key} is `bypassPermissions`: every permission prompt is skipped"),
        )
        .help = Some("remove it (the default mode asks) or use \"acceptEdits\" / \"plan\"".into());
    }
}

fn check_directories(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    let Some(tree) = ctx.tree() else { return };
    let (list, key) = match ctx.kind {
        k if k.is_claude_settings() => (
            tree.pointer(&["permissions", "additionalDirectories"]),
            "permissions.additionalDirectories",
        ),
        FileKind::CodexConfig => (
            tree.pointer(&["sandbox_workspace_write", "writable_roots"]),
            "sandbox_workspace_write.writable_roots",
        ),
        _ => return,
    };
    for item in list.map_or(&[][..], Node::as_array) {
        if let Some(why) = item.as_str().and_then(broad_path) {
            emit.emit(
                &BROAD_DIRECTORY_ACCESS,
                Some(item.span.clone()),
                format!(
                    "{key} grants {why} (`{}`)",
                    item.as_str().unwrap_or_default()
                ),
            )
            .help = Some(
                "name the specific directory the project needs, inside or beside the repository"
                    .into(),
            );
        }
    }
}

fn ineffective(g: &Grant) -> Option<String> {
    let r = &g.rule;
    let spec = r.specifier.as_deref().map(str::trim);
    if r.tool.starts_with("mcp__") {
        // In allow, a glob is honoured only after a literal `mcp__<server>__` prefix.
        let parts: Vec<&str> = r.tool.splitn(3, "__").collect();
        let server_has_glob = parts.get(1).is_some_and(|s| s.contains('*'));
        return (g.list == List::Allow && server_has_glob).then(|| {
            "an allow glob must follow a literal `mcp__<server>__` prefix; this one is skipped"
                .into()
        });
    }
    if g.list == List::Allow && r.tool.contains('*') {
        return Some("unanchored globs in allow are skipped with a warning".into());
    }
    if !super::effect::is_claude_tool(&r.tool) && !r.tool.contains('*') {
        return Some(format!(
            "`{}` is not a Claude Code tool name, so the rule matches nothing",
            r.tool
        ));
    }
    let spec = spec?;
    // Path rules on tools that never consult them are AG702's (one message per problem).
    if super::effect::unenforced_path_tool(&r.tool, Some(spec)).is_some() {
        return None;
    }
    if let Some((param, _)) = spec.split_once(':') {
        let primary = matches!(
            (r.tool.as_str(), param),
            ("Bash" | "PowerShell", "command")
                | ("Read" | "Edit" | "Write", "file_path")
                | ("WebFetch", "url")
        );
        if primary {
            return Some(format!(
                "`{param}:` targets the primary field of `{}`, which parameter rules ignore",
                r.tool
            ));
        }
        // `Skill(plugin:skill)` and `SlashCommand(/plugin:cmd)` name a plugin's skill or
        // command: the colon is part of the name, not a parameter.
        let is_param = !param.contains(' ')
            && param.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !matches!(
                r.tool.as_str(),
                "WebFetch" | "Bash" | "PowerShell" | "Skill" | "SlashCommand"
            );
        if g.list == List::Allow && (is_param || (r.is_shell() && param == "run_in_background")) {
            return Some("parameter rules only work in `deny` and `ask`".into());
        }
    }
    if r.is_shell() && spec.contains(":*") && !spec.ends_with(":*") {
        return Some("`:*` is a wildcard only at the end; here it is matched literally".into());
    }
    None
}

fn check_ineffective(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    for g in ctx.grants() {
        if let Some(why) = ineffective(g) {
            emit.emit(
                &INEFFECTIVE_PERMISSION_RULE,
                Some(g.span.clone()),
                format!("`{}` in {} has no effect: {why}", g.text, g.key),
            )
            .help = Some(
                "rewrite it in the documented grammar (Tool(specifier), mcp__server__tool) or remove it".into(),
            );
        }
    }
}

fn check_shadowed(repo: &super::Repo, emit: &mut super::RepoEmitter<'_>) {
    // One effective policy per `.claude/` directory: settings.json + settings.local.json.
    let mut by_dir: std::collections::BTreeMap<&str, Vec<&FileCtx>> =
        std::collections::BTreeMap::new();
    for f in repo.files.iter().filter(|f| f.kind.is_claude_settings()) {
        by_dir
            .entry(f.path.rsplit_once('/').map_or("", |(d, _)| d))
            .or_default()
            .push(f);
    }
    for files in by_dir.values() {
        let in_list = |list: fn(&Grant) -> bool| -> Vec<(&FileCtx, &Grant)> {
            files
                .iter()
                .flat_map(|f| f.grants().iter().map(move |g| (*f, g)))
                .filter(|(_, g)| list(g))
                .collect()
        };
        let blockers = in_list(|g| g.list != List::Allow);
        let allows = in_list(|g| g.list == List::Allow);
        let coverage = first_covering(
            &blockers.iter().map(|(_, g)| &g.rule).collect::<Vec<_>>(),
            &allows.iter().map(|(_, g)| &g.rule).collect::<Vec<_>>(),
        );
        for ((f, allow), first) in allows.iter().zip(&coverage.first) {
            let Some((bf, b)) = first.map(|i| blockers[i]) else {
                continue;
            };
            let list = if b.list == List::Deny { "deny" } else { "ask" };
            let place = if std::ptr::eq(bf, *f) {
                String::new()
            } else {
                format!(" in {}", bf.path)
            };
            emit.emit(
                f,
                &SHADOWED_ALLOW,
                Some(allow.span.clone()),
                format!(
                    "`{}` never applies: `{}` in permissions.{list}{place} matches first",
                    allow.text, b.text
                ),
            )
            .help = Some(format!(
                "remove the allow rule, or narrow `{}` if the command should run unasked",
                b.text
            ));
        }
        if let Some(&q) = coverage.unchecked.first() {
            let (f, allow) = allows[q];
            emit.emit(
                f,
                &SHADOWED_ALLOW,
                Some(allow.span.clone()),
                format!(
                    "shadowing was not checked for {} allow rules from here on: too many deny/ask patterns with `*` inside to compare with each",
                    coverage.unchecked.len()
                ),
            )
            .help = Some("shorten the deny and ask lists; patterns like \"Bash(git push *)\" are checked at any size".into());
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct GuardrailFile {
    #[allow(dead_code)]
    version: u32,
    guardrails: Vec<Guardrail>,
}

/// A protection Claude Code added to project settings (rules/guardrails.yaml).
#[derive(serde::Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Guardrail {
    pub key: String,
    pub value: serde_json::Value,
    pub since: String,
    pub what: String,
    /// Written by `agentgate init`.
    pub init: bool,
    pub sources: Vec<String>,
}

static GUARDRAIL_LIST: std::sync::LazyLock<Vec<Guardrail>> = std::sync::LazyLock::new(|| {
    crate::builtin::GUARDRAILS
        .load::<GuardrailFile>()
        .guardrails
});

/// The guardrail settings agentgate knows.
pub fn guardrails() -> &'static [Guardrail] {
    &GUARDRAIL_LIST
}

/// Does `node` hold the JSON value `want` (booleans, strings and numbers)?
fn node_is(node: &Node, want: &serde_json::Value) -> bool {
    use crate::syntax::Value;
    match (&node.value, want) {
        (Value::Bool(a), serde_json::Value::Bool(b)) => a == b,
        (Value::String(a), serde_json::Value::String(b)) => a == b,
        (Value::Number(a), serde_json::Value::Number(b)) => a.parse::<f64>().ok() == b.as_f64(),
        (Value::Null, serde_json::Value::Null) => true,
        _ => false,
    }
}

fn check_required_guardrails(repo: &super::Repo, emit: &mut super::RepoEmitter<'_>) {
    let required = &repo.policy.require.claude_settings;
    if required.is_empty() {
        return;
    }
    let settings: Vec<&FileCtx> = repo
        .files
        .iter()
        .filter(|f| f.path == ".claude/settings.json" || f.path == ".claude/settings.local.json")
        .collect();
    for (key, want) in required {
        let path: Vec<&str> = key.split('.').collect();
        let set = settings.iter().any(|f| {
            f.tree()
                .and_then(|t| t.pointer(&path))
                .is_some_and(|n| node_is(n, want))
        });
        if set {
            continue;
        }
        let known = guardrails().iter().find(|g| g.key == *key);
        // Version-aware: a declared range that starts before the release that added the
        // guardrail includes clients that ignore it even when it is set.
        let declared = repo
            .agents
            .iter()
            .find(|(a, _)| a == "Claude Code")
            .and_then(|(_, low)| low.as_ref());
        let since = known.map_or(String::new(), |g| {
            let older = match (declared, crate::config::Version::parse(&g.since)) {
                (Some(low), Some(since)) if *low < since => format!(
                    "; the declared claude-code range starts at {}, whose releases before {} ignore it",
                    low.0.iter().map(u64::to_string).collect::<Vec<_>>().join("."),
                    g.since
                ),
                _ => String::new(),
            };
            format!(" (Claude Code {}+: {}{older})", g.since, g.what)
        });
        let message = format!("`{key}` must be {want} (organisation policy){since}");
        // At the value when the key is set to something else, else on the file.
        let wrong = settings.iter().find_map(|f| {
            f.tree()
                .and_then(|t| t.pointer(&path))
                .map(|n| (*f, n.span.clone()))
        });
        let d = match (wrong, settings.first()) {
            (Some((f, span)), _) => emit.emit(f, &REQUIRED_GUARDRAIL, Some(span), message),
            (None, Some(f)) => emit.emit(f, &REQUIRED_GUARDRAIL, None, message),
            (None, None) => emit.emit_path(&REQUIRED_GUARDRAIL, ".claude/settings.json", message),
        };
        d.help = Some(format!("set \"{key}\": {want} in .claude/settings.json"));
    }
}

fn check_codex_network(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    if !matches!(ctx.kind, FileKind::CodexConfig | FileKind::CodexAgent) {
        return;
    }
    let Some(tree) = ctx.tree() else { return };
    if let Some(m) = tree
        .get("sandbox_workspace_write")
        .and_then(|t| t.member("network_access"))
        .filter(|m| matches!(m.value.value, crate::syntax::Value::Bool(true)))
    {
        emit.emit(
            &CODEX_SANDBOX_NETWORK,
            Some(m.key_span.clone()),
            "`network_access = true` lets every sandboxed command Codex runs without asking reach the network",
        )
        .help = Some(
            "leave it off in the repository; enable it per run with -c sandbox_workspace_write.network_access=true".into(),
        );
    }
}

fn check_codex(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    // A custom agent (`.codex/agents/*.toml`) sets `sandbox_mode` for its own threads.
    if !matches!(ctx.kind, FileKind::CodexConfig | FileKind::CodexAgent) {
        return;
    }
    let Some(tree) = ctx.tree() else { return };
    let top_policy = tree.get("approval_policy").and_then(Node::as_str);
    let mut scopes = vec![(tree, "")];
    scopes.extend(
        tree.get("profiles")
            .map_or(&[][..], Node::members)
            .iter()
            .map(|m| (&m.value, m.key.as_str())),
    );
    for (scope, profile) in scopes {
        let Some(sandbox) = scope
            .get("sandbox_mode")
            .filter(|n| n.as_str() == Some("danger-full-access"))
        else {
            continue;
        };
        let policy = scope
            .get("approval_policy")
            .and_then(Node::as_str)
            .or(top_policy);
        let within = if profile.is_empty() {
            String::new()
        } else {
            format!(" in profile `{profile}`")
        };
        let message = if policy == Some("never") {
            format!(
                "sandbox_mode = \"danger-full-access\" with approval_policy = \"never\"{within}: every command runs unsandboxed and unasked"
            )
        } else {
            format!("sandbox_mode = \"danger-full-access\"{within} turns off Codex's sandbox")
        };
        emit.emit(&CODEX_FULL_ACCESS, Some(sandbox.span.clone()), message)
            .help = Some(
            "use sandbox_mode = \"workspace-write\" and approval_policy = \"on-request\"".into(),
        );
    }
}

/// A dotted VS Code setting, written flat (`"a.b.c": …`) or nested.
fn setting<'n>(tree: &'n Node, dotted: &str) -> Option<&'n Node> {
    tree.get(dotted)
        .or_else(|| tree.pointer(&dotted.split('.').collect::<Vec<_>>()))
}

fn check_auto_approve(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    let Some(tree) = ctx.tree() else { return };
    let is_true = |n: &&Node| n.value == crate::syntax::Value::Bool(true);
    let mut hits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    match ctx.kind {
        FileKind::VscodeSettings => {
            for key in [
                "chat.tools.global.autoApprove",
                "chat.tools.autoApprove",
                "chat.tools.terminal.ignoreDefaultAutoApproveRules",
            ] {
                if let Some(n) = setting(tree, key).filter(is_true) {
                    hits.push((n.span.clone(), format!("`{key}: true`")));
                }
            }
            for m in setting(tree, "chat.tools.terminal.autoApprove").map_or(&[][..], Node::members)
            {
                let approves = m.value.value == crate::syntax::Value::Bool(true)
                    || m.value.get("approve").is_some_and(|n| is_true(&n));
                let pattern = m.key.trim();
                let everything = pattern.starts_with('/')
                    && ["/.*/", "/.+/", "/^.*$/", "/.*/i", "/^/"].contains(&pattern);
                let risky = ctx
                    .knowledge()
                    .commands
                    .risky_terminal
                    .iter()
                    .any(|r| pattern == r || pattern.starts_with(&format!("{r} ")));
                if approves && (everything || risky) {
                    hits.push((
                        m.key_span.clone(),
                        format!("terminal auto-approve for `{pattern}`"),
                    ));
                }
            }
            for m in setting(tree, "chat.tools.urls.autoApprove").map_or(&[][..], Node::members) {
                if matches!(m.key.trim(), "*" | "https://*" | "http://*")
                    && !matches!(m.value.value, crate::syntax::Value::Bool(false))
                {
                    hits.push((
                        m.key_span.clone(),
                        format!("URL auto-approve for `{}`", m.key),
                    ));
                }
            }
        }
        FileKind::GeminiSettings | FileKind::QwenSettings => {
            for path in [&["tools", "autoAccept"][..], &["autoAccept"][..]] {
                if let Some(n) = tree.pointer(path).filter(is_true) {
                    hits.push((n.span.clone(), format!("`{}: true`", path.join("."))));
                }
            }
        }
        FileKind::AiderConfig => {
            if let Some(n) = tree.get("yes-always").filter(is_true) {
                hits.push((n.span.clone(), "`yes-always: true`".into()));
            }
        }
        _ => {}
    }
    for (span, what) in hits {
        emit.emit(
            &AUTO_APPROVE_ALL,
            Some(span),
            format!("{what} lets the agent act without asking"),
        )
        .help =
            Some("remove it from the repository; approve specific safe commands instead".into());
    }
}

/// The check behind each rule of this module that is not run by the engine itself.
pub(crate) const CHECKS: &[(&super::Rule, super::Check)] = &[
    (
        &BASH_WILDCARD_ALLOW,
        super::Check::File(check_bash_wildcard),
    ),
    (&BYPASS_PERMISSIONS_MODE, super::Check::File(check_bypass)),
    (&EXEC_WRAPPER_ALLOW, super::Check::File(check_exec_wrapper)),
    (&NETWORK_TOOL_ALLOW, super::Check::File(check_network)),
    (&DESTRUCTIVE_ALLOW, super::Check::File(check_destructive)),
    (
        &BROAD_DIRECTORY_ACCESS,
        super::Check::File(check_directories),
    ),
    (
        &INEFFECTIVE_PERMISSION_RULE,
        super::Check::File(check_ineffective),
    ),
    (&SHADOWED_ALLOW, super::Check::Repo(check_shadowed)),
    (&CODEX_FULL_ACCESS, super::Check::File(check_codex)),
    (&AUTO_APPROVE_ALL, super::Check::File(check_auto_approve)),
    (
        &CODEX_SANDBOX_NETWORK,
        super::Check::File(check_codex_network),
    ),
    (
        &REQUIRED_GUARDRAIL,
        super::Check::Repo(check_required_guardrails),
    ),
];

#[cfg(test)]
mod tests {
    use crate::rules::test_support::run;

    fn codes(path: &str, text: &str) -> Vec<(&'static str, u32, u32)> {
        run(path, text)
            .iter()
            .map(|d| (d.rule.code, d.line(), d.col()))
            .collect()
    }

    #[test]
    fn wildcard_allow_is_found_with_exact_position() {
        let text = "{\n  \"permissions\": {\n    \"allow\": [\"Bash(npm test)\", \"Bash(*)\"],\n    \"deny\": [\"Bash\"]\n  }\n}\n";
        let d: Vec<_> = run(".claude/settings.json", text)
            .into_iter()
            .filter(|d| d.rule.code != "AG108")
            .collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].rule.code, "AG101");
        let s = d[0].span.as_ref().unwrap();
        assert_eq!((s.line, s.col, s.end_col), (3, 33, 42));
    }

    #[test]
    fn near_misses_are_not_reported() {
        for rule in [
            "Bash(npm run test *)",
            "Bash(ls*)",
            "Read(*)",
            "Bash(python scripts/lint.py)",
            "Bash(git status)",
            "WebFetch(domain:docs.rs)",
        ] {
            let text =
                format!("{{\"permissions\": {{\"allow\": [\"{rule}\"], \"ask\": [\"Bash(*)\"]}}}}");
            assert!(
                run(".claude/settings.json", &text)
                    .iter()
                    .all(|d| d.rule.code == "AG108"),
                "{rule}"
            );
        }
        assert!(
            run(
                "docs/settings.json",
                "{\"permissions\": {\"allow\": [\"Bash\"]}}"
            )
            .is_empty()
        );
    }

    #[test]
    fn skills_allowed_tools() {
        let skill = "---\nname: x\ndescription: d\nallowed-tools: Read, Bash, Bash(git status:*)\n---\nbody\n";
        assert_eq!(
            codes(".claude/skills/x/SKILL.md", skill),
            [("AG101", 4, 22)]
        );
        let list = "---\nallowed-tools:\n  - Read\n  - \"Bash(git diff *)\"\n---\n";
        assert!(run(".claude/commands/diff.md", list).is_empty());
    }

    #[test]
    fn wrappers_network_destructive() {
        let text = r#"{"permissions": {"allow": ["Bash(npx *)", "Bash(python:*)", "Bash(curl *)", "WebFetch", "Bash(git *)", "Bash(rm -rf build)", "Bash(docker run *)"]}}"#;
        let mut got: Vec<&str> = run(".claude/settings.json", text)
            .iter()
            .map(|d| d.rule.code)
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                "AG103", "AG103", "AG103", "AG104", "AG104", "AG105", "AG105"
            ]
        );
        let fine = r#"{"permissions": {"allow": ["Bash(npx prettier --check *)", "Bash(python -m pytest *)", "Bash(git status)", "Bash(git diff *)", "WebFetch(domain:docs.rs)", "Bash(rmdir-helper)"]}}"#;
        assert!(
            run(".claude/settings.json", fine).is_empty(),
            "{:?}",
            run(".claude/settings.json", fine)
        );
    }

    #[test]
    fn deny_and_ask_are_never_grants() {
        // Property: whatever dangerous entry sits in deny/ask, no grant rule fires.
        let dangerous = [
            "Bash",
            "Bash(*)",
            "Bash(npx *)",
            "Bash(python *)",
            "Bash(sudo *)",
            "Bash(curl *)",
            "WebFetch",
            "Bash(rm *)",
            "Bash(git push *)",
            "PowerShell(*)",
            "Bash(docker run *)",
        ];
        for list in ["deny", "ask"] {
            for entry in dangerous {
                let text = format!("{{\"permissions\": {{\"{list}\": [\"{entry}\"]}}}}");
                let grants: Vec<_> = run(".claude/settings.json", &text)
                    .into_iter()
                    .filter(|d| matches!(d.rule.code, "AG101" | "AG103" | "AG104" | "AG105"))
                    .collect();
                assert!(grants.is_empty(), "{list} {entry}: {grants:?}");
            }
        }
    }

    #[test]
    fn bypass_mode() {
        let text = "{\"permissions\": {\"defaultMode\": \"bypassPermissions\"}}";
        assert_eq!(
            codes(".claude/settings.local.json", text),
            [("AG102", 1, 33)]
        );
        let agent = "---\nname: fixer\ndescription: d\npermissionMode: bypassPermissions\n---\n";
        assert_eq!(codes(".claude/agents/fixer.md", agent), [("AG102", 4, 17)]);
        for near in [
            "{\"permissions\": {\"defaultMode\": \"acceptEdits\"}}",
            "{\"defaultMode\": \"bypassPermissions\"}",
        ] {
            assert!(run(".claude/settings.json", near).is_empty(), "{near}");
        }
    }

    #[test]
    fn directories() {
        let text = r#"{"permissions": {"additionalDirectories": ["~/", "../shared-lib", "/", "./docs", "/tmp/build", "//Users/a/src"]}}"#;
        let got: Vec<_> = codes(".claude/settings.json", text)
            .iter()
            .map(|c| c.2)
            .collect();
        assert_eq!(
            got,
            [44, 50, 67, 96],
            "~/, ../shared-lib, / and //Users/a/src"
        );
        let codex = "[sandbox_workspace_write]\nwritable_roots = [\"/tmp\", \"~\"]\n";
        assert_eq!(codes(".codex/config.toml", codex), [("AG106", 2, 27)]);
    }

    #[test]
    fn guardrails_name_versions_and_sources() {
        let g = super::guardrails();
        assert!(g.len() >= 3);
        for x in g {
            assert!(x.key.starts_with("permissions."), "{}", x.key);
            assert!(x.since.chars().next().is_some_and(|c| c.is_ascii_digit()));
            assert!(!x.sources.is_empty() && x.sources.iter().all(|s| s.starts_with("https://")));
        }
        assert!(
            g.iter()
                .any(|x| x.key == "permissions.denyInsteadOfPrompting")
        );
    }

    #[test]
    fn ineffective_rules() {
        let text = r#"{"permissions": {"deny": ["Edit(file_path:./.env)", "Bash(command:rm *)", "Read(./.env)", "Bash(git:* push)"], "allow": ["mcp__*", "mcp__gh__*", "Agent(model:opus)", "Reed(src/**)"]}}"#;
        let d = run(".claude/settings.json", text);
        let mut flagged: Vec<&str> = d
            .iter()
            .filter(|d| d.rule.code == "AG107")
            .map(|d| d.message.split('`').nth(1).unwrap())
            .collect();
        flagged.sort();
        assert_eq!(
            flagged,
            [
                "Agent(model:opus)",
                "Bash(command:rm *)",
                "Bash(git:* push)",
                "Edit(file_path:./.env)",
                "Reed(src/**)",
                "mcp__*"
            ]
        );
    }

    #[test]
    fn shadowed_allow_across_scopes() {
        use crate::rules::{Repo, RepoEmitter, Selection};
        let shared = crate::rules::FileCtx::new(
            ".claude/settings.json",
            crate::classify::FileKind::ClaudeSettings,
            r#"{"permissions": {"deny": ["Bash(git push *)"]}}"#,
        );
        let local = crate::rules::FileCtx::new(
            ".claude/settings.local.json",
            crate::classify::FileKind::ClaudeLocalSettings,
            r#"{"permissions": {"allow": ["Bash(git push origin main)", "Bash(git status)"]}}"#,
        );
        let repo = Repo::new(
            vec![shared, local],
            Default::default(),
            None,
            Default::default(),
        );
        let sel = Selection::all();
        let mut emit = RepoEmitter::new(&sel);
        super::check_shadowed(&repo, &mut emit);
        assert_eq!(emit.out.len(), 1);
        assert_eq!(emit.out[0].path, ".claude/settings.local.json");
        assert!(
            emit.out[0].message.contains("in .claude/settings.json"),
            "{}",
            emit.out[0].message
        );
    }

    #[test]
    fn codex_and_auto_approve() {
        let pair = "approval_policy = \"never\"\nsandbox_mode = \"danger-full-access\"\n";
        let d = run(".codex/config.toml", pair);
        assert_eq!((d[0].rule.code, d[0].line()), ("AG109", 2));
        assert!(d[0].message.contains("unasked"));
        assert!(
            run(
                ".codex/config.toml",
                "approval_policy = \"never\"\nsandbox_mode = \"workspace-write\"\n"
            )
            .is_empty()
        );
        let profile = "[profiles.yolo]\nsandbox_mode = \"danger-full-access\"\n";
        assert!(
            run(".codex/config.toml", profile)[0]
                .message
                .contains("profile `yolo`")
        );

        let vs = r#"{"chat.tools.global.autoApprove": true, "chat.tools.terminal.autoApprove": {"npm test": true, "rm": true, "/.*/": true}}"#;
        assert_eq!(codes(".vscode/settings.json", vs).len(), 3);
        assert!(run(".vscode/settings.json", r#"{"chat.tools.global.autoApprove": false, "chat.tools.terminal.autoApprove": {"npm test": true, "rm": false}}"#).is_empty());
        assert_eq!(
            codes(".aider.conf.yml", "yes-always: true\n"),
            [("AG110", 1, 13)]
        );
        assert_eq!(
            codes(
                ".gemini/settings.json",
                r#"{"tools": {"autoAccept": true}}"#
            )
            .len(),
            1
        );
    }
}
