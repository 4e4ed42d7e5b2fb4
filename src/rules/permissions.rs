//! Over-broad tool permissions in Claude Code settings, skills and subagents.

use super::{Confidence, Docs, Emitter, Family, FileCtx, Rule};
use crate::classify::FileKind;
use crate::report::diagnostic::Severity;
use crate::syntax::Node;
use std::ops::Range;

pub static BASH_WILDCARD_ALLOW: Rule = Rule {
    code: "AG101",
    name: "bash-wildcard-allow",
    family: Family::Permissions,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "An allow rule pre-approves every shell command",
    docs: Docs {
        what: "Finds `Bash`, `Bash(*)`, `PowerShell` and `PowerShell(*)` (and the equivalent `Bash(:*)`) in \
               `permissions.allow` of `.claude/settings.json` and `.claude/settings.local.json`, and in the \
               `allowed-tools` front matter of skills (`.claude/skills/*/SKILL.md`) and commands \
               (`.claude/commands/*.md`). The same entries in `deny` or `ask` are fine and not reported.",
        why: "Claude Code treats `Bash` and `Bash(*)` as \"every command\". Committed to a repository, such a \
              rule lets the agent run anything without asking — `curl … | sh`, `rm -rf`, `git push --force` — \
              and a prompt injection in any file the agent reads can use it.",
        example: "```json\n{\n  \"permissions\": {\n    \"allow\": [\"Bash(*)\"]\n  }\n}\n```",
        fix: "List the commands the team actually needs, with word boundaries: \
              `\"Bash(npm run test *)\"`, `\"Bash(cargo check)\"`. Put risky commands under `ask`, and keep \
              broad grants in personal, untracked settings if at all.",
        references: &[
            "https://code.claude.com/docs/en/permissions",
            "https://code.claude.com/docs/en/skills",
        ],
    },
    check: Some(check_bash_wildcard),
};

pub static BYPASS_PERMISSIONS_MODE: Rule = Rule {
    code: "AG102",
    name: "bypass-permissions-mode",
    family: Family::Permissions,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A committed file turns off every permission prompt",
    docs: Docs {
        what: "Finds `\"defaultMode\": \"bypassPermissions\"` under `permissions` in `.claude/settings.json` and \
               `.claude/settings.local.json`, and `permissionMode: bypassPermissions` in subagent front \
               matter (`.claude/agents/*.md`).",
        why: "`bypassPermissions` skips every prompt, including writes to protected paths such as `.git` and \
              `.claude`, and \"offers no protection against prompt injection\". Anthropic says to use it only \
              in isolated environments; a repository cannot know that every clone runs in one.",
        example: "```json\n{ \"permissions\": { \"defaultMode\": \"bypassPermissions\" } }\n```",
        fix: "Remove the key (the default mode asks), or use `acceptEdits` or `plan`. People who want \
              bypass mode in a sandbox can pass `--dangerously-skip-permissions` there.",
        references: &["https://code.claude.com/docs/en/permission-modes"],
    },
    check: Some(check_bypass),
};

fn check_bash_wildcard(ctx: &FileCtx<'_>, emit: &mut Emitter<'_>) {
    let Some(tree) = ctx.tree() else { return };
    match ctx.kind {
        FileKind::ClaudeSettings | FileKind::ClaudeLocalSettings => {
            for item in tree
                .pointer(&["permissions", "allow"])
                .map_or(&[][..], Node::as_array)
            {
                if let Some(rule) = item.as_str().filter(|r| grants_every_command(r)) {
                    report_wildcard(emit, item.span.clone(), rule, "permissions.allow");
                }
            }
        }
        FileKind::ClaudeSkill | FileKind::ClaudeCommand => {
            let Some(tools) = tree.get("allowed-tools") else {
                return;
            };
            for (rule, range) in tool_list(ctx.text, tools) {
                if grants_every_command(&rule) {
                    report_wildcard(emit, range, &rule, "allowed-tools");
                }
            }
        }
        _ => {}
    }
}

fn report_wildcard(emit: &mut Emitter<'_>, range: Range<usize>, rule: &str, key: &str) {
    emit.emit(&BASH_WILDCARD_ALLOW, Some(range), format!("`{rule}` in {key} pre-approves every shell command"))
        .help = Some("allow specific commands instead, e.g. \"Bash(npm run test *)\"; put risky ones under `ask`".into());
}

/// `Tool` or `Tool(specifier)` → (tool, specifier).
pub fn parse_rule(rule: &str) -> (&str, Option<&str>) {
    let rule = rule.trim();
    match rule.split_once('(') {
        Some((tool, rest)) if rest.ends_with(')') => (tool.trim(), Some(&rest[..rest.len() - 1])),
        _ => (rule, None),
    }
}

/// `Bash`, `Bash(*)`, `Bash(:*)`, `PowerShell(*)` and the like.
fn grants_every_command(rule: &str) -> bool {
    let (tool, spec) = parse_rule(rule);
    matches!(tool, "Bash" | "PowerShell")
        && spec.is_none_or(|s| s.contains('*') && s.chars().all(|c| matches!(c, '*' | ':' | ' ')))
}

/// `allowed-tools` is a YAML list or one string separated by commas or spaces (outside
/// parentheses). Returns each entry with its byte range in the file.
fn tool_list(text: &str, node: &Node) -> Vec<(String, Range<usize>)> {
    if let Some(items) = Some(node.as_array()).filter(|a| !a.is_empty()) {
        return items
            .iter()
            .filter_map(|i| Some((i.as_str()?.to_string(), i.span.clone())))
            .collect();
    }
    let Some(value) = node.as_str() else {
        return Vec::new();
    };
    let raw = text.get(node.span.clone()).unwrap_or("");
    let mut entries = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in value.char_indices().chain([(value.len(), ',')]) {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' | ' ' if depth <= 0 => {
                let entry = value[start..i].trim();
                if !entry.is_empty() {
                    // Plain and quoted scalars contain the entry verbatim; fall back to the node.
                    let range = raw.find(entry).map_or(node.span.clone(), |p| {
                        node.span.start + p..node.span.start + p + entry.len()
                    });
                    entries.push((entry.to_string(), range));
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    entries
}

fn check_bypass(ctx: &FileCtx<'_>, emit: &mut Emitter<'_>) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::run;

    #[test]
    fn wildcard_allow_is_found_with_exact_position() {
        let text = "{\n  \"permissions\": {\n    \"allow\": [\"Bash(npm test)\", \"Bash(*)\"],\n    \"deny\": [\"Bash\"]\n  }\n}\n";
        let d = run(".claude/settings.json", text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].rule.code, "AG101");
        let s = d[0].span.as_ref().unwrap();
        assert_eq!((s.line, s.col, s.end_col), (3, 33, 42));
    }

    #[test]
    fn near_misses_are_not_reported() {
        for rule in ["Bash(npm *)", "Bash(ls*)", "Bashful", "Read(*)", "bash"] {
            let text =
                format!("{{\"permissions\": {{\"allow\": [\"{rule}\"], \"ask\": [\"Bash(*)\"]}}}}");
            assert!(run(".claude/settings.json", &text).is_empty(), "{rule}");
        }
        // Same content in a file Claude Code does not read as settings.
        assert!(
            run(
                "docs/settings.json",
                "{\"permissions\": {\"allow\": [\"Bash\"]}}"
            )
            .is_empty()
        );
    }

    #[test]
    fn variants_and_skills() {
        for rule in [
            "Bash",
            "Bash(*)",
            "Bash(:*)",
            "PowerShell(*)",
            " Bash( * ) ",
        ] {
            assert!(grants_every_command(rule), "{rule}");
        }
        let skill = "---\nname: x\nallowed-tools: Read, Bash, Bash(git status:*)\n---\nbody\n";
        let d = run(".claude/skills/x/SKILL.md", skill);
        assert_eq!(d.len(), 1, "{d:?}");
        let s = d[0].span.as_ref().unwrap();
        assert_eq!((s.line, s.col, s.end_col), (3, 22, 26));
        let list = "---\nallowed-tools:\n  - Read\n  - \"Bash(git diff *)\"\n---\n";
        assert!(run(".claude/commands/diff.md", list).is_empty());
    }

    #[test]
    fn bypass_mode() {
        let text = "{\"permissions\": {\"defaultMode\": \"bypassPermissions\"}}";
        let d = run(".claude/settings.local.json", text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].rule.code, "AG102");
        assert_eq!(d[0].span.as_ref().unwrap().col, 33);
        let agent = "---\nname: fixer\ndescription: d\npermissionMode: bypassPermissions\n---\n";
        assert_eq!(
            run(".claude/agents/fixer.md", agent)[0]
                .span
                .as_ref()
                .unwrap()
                .line,
            4
        );
        for near in [
            "{\"permissions\": {\"defaultMode\": \"acceptEdits\"}}",
            "{\"defaultMode\": \"bypassPermissions\"}",
        ] {
            assert!(run(".claude/settings.json", near).is_empty(), "{near}");
        }
    }
}
