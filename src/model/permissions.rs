//! Permission rules: Claude Code's grammar parsed exactly (`Tool`, `Tool(specifier)`,
//! `mcp__server__tool`), and every agent's allow/ask/deny lists normalized into [`Grant`]s.

use crate::classify::{Agent, FileKind};
use crate::syntax::Node;
use std::ops::Range;

/// Which list a rule sits in. Evaluation order is deny → ask → allow; only `Allow`
/// pre-approves anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Allow,
    Ask,
    Deny,
}

/// One parsed permission rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionRule {
    pub tool: String,
    pub specifier: Option<String>,
}

impl PermissionRule {
    /// `Tool` or `Tool(specifier)`; whitespace around the tool name is ignored.
    pub fn parse(rule: &str) -> Self {
        let rule = rule.trim();
        match rule.split_once('(') {
            Some((tool, rest)) if rest.ends_with(')') => Self {
                tool: tool.trim().to_string(),
                specifier: Some(rest[..rest.len() - 1].to_string()),
            },
            _ => Self {
                tool: rule.to_string(),
                specifier: None,
            },
        }
    }

    pub fn is_shell(&self) -> bool {
        matches!(self.tool.as_str(), "Bash" | "PowerShell")
    }

    /// The specifier of a shell rule as a command pattern, with the legacy trailing `:*`
    /// normalized to ` *` (`npm run test:*` ≡ `npm run test *`).
    pub fn command_pattern(&self) -> Option<String> {
        let spec = self.specifier.as_deref()?.trim();
        Some(match spec.strip_suffix(":*") {
            Some(head) => format!("{head} *"),
            None => spec.to_string(),
        })
    }

    /// `Bash`, `Bash(*)`, `Bash(:*)`, `PowerShell(*)`: every command.
    pub fn is_every_command(&self) -> bool {
        self.is_shell()
            && self
                .specifier
                .as_deref()
                .is_none_or(|s| s.contains('*') && s.chars().all(|c| matches!(c, '*' | ':' | ' ')))
    }

    /// The first word of a shell rule's command pattern (`npx` for `Bash(npx -y *)`),
    /// with a leading `sudo`/env-assignment kept as-is.
    pub fn program(&self) -> Option<String> {
        let pattern = self.command_pattern()?;
        pattern
            .split_whitespace()
            .next()
            .map(|w| w.trim_end_matches('*').to_string())
            .filter(|w| !w.is_empty())
    }

    /// Does this (deny/ask) rule cover every command `other` (an allow) could approve?
    /// Exact for literal allow rules; for wildcard allows it treats `*` in the allow as text,
    /// which errs towards "not shadowed".
    pub fn covers(&self, other: &PermissionRule) -> bool {
        if self.tool != other.tool {
            return false;
        }
        let Some(mine) = self.specifier.as_deref() else {
            return true;
        };
        if mine.trim() == "*" {
            return true;
        }
        match (
            self.is_shell(),
            self.command_pattern(),
            other.command_pattern(),
        ) {
            (true, Some(p), Some(o)) => glob_match(&p, &o),
            _ => other.specifier.as_deref() == Some(mine),
        }
    }
}

/// `*` matches any run of characters (including spaces), everything else literally.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&b| b == b'*')
}

/// One permission entry found in a file, with where it sits.
#[derive(Debug, Clone)]
pub struct Grant {
    pub agent: Agent,
    pub list: List,
    pub rule: PermissionRule,
    /// The entry as written.
    pub text: String,
    pub span: Range<usize>,
    /// Where it came from, e.g. `permissions.allow` or `allowed-tools`.
    pub key: &'static str,
}

/// Claude Code permission entries of a settings file, skill, command or subagent.
pub fn claude_grants(kind: FileKind, text: &str, tree: &Node) -> Vec<Grant> {
    let mut out = Vec::new();
    match kind {
        FileKind::ClaudeSettings | FileKind::ClaudeLocalSettings => {
            for (list, key, name) in [
                (List::Allow, "permissions.allow", "allow"),
                (List::Ask, "permissions.ask", "ask"),
                (List::Deny, "permissions.deny", "deny"),
            ] {
                for item in tree
                    .pointer(&["permissions", name])
                    .map_or(&[][..], Node::as_array)
                {
                    if let Some(s) = item.as_str() {
                        out.push(grant(
                            list,
                            PermissionRule::parse(s),
                            s.to_string(),
                            item.span.clone(),
                            key,
                        ));
                    }
                }
            }
        }
        // Skills and commands pre-approve their `allowed-tools` while they run.
        FileKind::ClaudeSkill | FileKind::ClaudeCommand => {
            if let Some(tools) = tree.get("allowed-tools") {
                for (entry, span) in tool_list(text, tools) {
                    out.push(grant(
                        List::Allow,
                        PermissionRule::parse(&entry),
                        entry,
                        span,
                        "allowed-tools",
                    ));
                }
            }
        }
        _ => {}
    }
    out
}

fn grant(
    list: List,
    rule: PermissionRule,
    text: String,
    span: Range<usize>,
    key: &'static str,
) -> Grant {
    Grant {
        agent: Agent::ClaudeCode,
        list,
        rule,
        text,
        span,
        key,
    }
}

/// `allowed-tools` is a YAML list or one string separated by commas or spaces (outside
/// parentheses). Returns each entry with its byte range in the file.
pub fn tool_list(text: &str, node: &Node) -> Vec<(String, Range<usize>)> {
    if !node.as_array().is_empty() {
        return node
            .as_array()
            .iter()
            .filter_map(|i| Some((i.as_str()?.to_string(), i.span.clone())))
            .collect();
    }
    let Some(value) = node.as_str() else {
        return Vec::new();
    };
    let raw = text.get(node.span.clone()).unwrap_or("");
    let mut entries = Vec::new();
    let (mut depth, mut start, mut search_from) = (0i32, 0usize, 0usize);
    for (i, c) in value.char_indices().chain([(value.len(), ',')]) {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' | ' ' if depth <= 0 => {
                let entry = value[start..i].trim();
                if !entry.is_empty() {
                    // Plain and quoted scalars contain the entry verbatim; fall back to the node.
                    let range = match raw[search_from.min(raw.len())..].find(entry) {
                        Some(p) => {
                            let at = search_from + p;
                            search_from = at + entry.len();
                            node.span.start + at..node.span.start + at + entry.len()
                        }
                        None => node.span.clone(),
                    };
                    entries.push((entry.to_string(), range));
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    entries
}

/// Why a directory grant (or a server root) is too broad, if it is: the filesystem root,
/// home, system directories, or a relative path that climbs out of the repository.
pub fn broad_path(dir: &str) -> Option<&'static str> {
    let d = dir.trim().trim_end_matches(['/', '\\']);
    let lower = d.to_ascii_lowercase();
    if d.is_empty() || d == "/" || d == "//" || (d.len() == 2 && d.ends_with(':')) {
        return Some("the filesystem root");
    }
    if d == "~" || d == "$HOME" || d == "${HOME}" || d == "%USERPROFILE%" || d == "${userHome}" {
        return Some("the home directory");
    }
    if d.starts_with("~/") || d.starts_with("$HOME/") || d.starts_with("${HOME}/") {
        return Some("a path in the home directory");
    }
    let abs = d.trim_start_matches('/');
    if d.starts_with('/')
        && ["home", "users", "root", "etc", "var", "usr"]
            .iter()
            .any(|p| abs.to_ascii_lowercase() == *p)
    {
        return Some("a system or home directory");
    }
    if lower.starts_with("/home/")
        || lower.starts_with("/users/")
        || lower.starts_with("//home/")
        || lower.starts_with("//users/")
        || lower.starts_with("c:\\users")
    {
        return Some("a path in a home directory");
    }
    if d.split(['/', '\\']).next() == Some("..") {
        return Some("a directory outside the repository");
    }
    None
}

/// The `required` rules that no deny in `grants` covers (an identical or broader deny counts).
pub fn uncovered_denies<'a>(grants: &[&Grant], required: &'a [String]) -> Vec<&'a String> {
    let denies: Vec<&PermissionRule> = grants
        .iter()
        .filter(|g| g.list == List::Deny)
        .map(|g| &g.rule)
        .collect();
    required
        .iter()
        .filter(|r| {
            let want = PermissionRule::parse(r);
            !denies.iter().any(|d| **d == want || d.covers(&want))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        let r = PermissionRule::parse(" Bash(npm run test:*) ");
        assert_eq!(r.tool, "Bash");
        assert_eq!(r.command_pattern().as_deref(), Some("npm run test *"));
        assert_eq!(r.program().as_deref(), Some("npm"));
        assert!(PermissionRule::parse("Bash").is_every_command());
        assert!(PermissionRule::parse("Bash(*)").is_every_command());
        assert!(!PermissionRule::parse("Bash(ls*)").is_every_command());
        let mcp = PermissionRule::parse("mcp__github__get_issue");
        assert_eq!(
            (mcp.tool.as_str(), mcp.specifier),
            ("mcp__github__get_issue", None)
        );
        let web = PermissionRule::parse("WebFetch(domain:docs.example.com)");
        assert_eq!(web.specifier.as_deref(), Some("domain:docs.example.com"));
    }

    #[test]
    fn coverage_for_shadowing() {
        let deny = PermissionRule::parse("Bash(git push *)");
        assert!(deny.covers(&PermissionRule::parse("Bash(git push --force origin main)")));
        assert!(deny.covers(&PermissionRule::parse("Bash(git push:*)")));
        assert!(!deny.covers(&PermissionRule::parse("Bash(git status)")));
        assert!(PermissionRule::parse("Bash").covers(&PermissionRule::parse("Bash(ls)")));
        assert!(
            !PermissionRule::parse("Read(./.env)").covers(&PermissionRule::parse("Read(src/**)"))
        );
        assert!(glob_match("a*c", "abbbc"));
        assert!(!glob_match("a*c", "abbbd"));
    }
}
