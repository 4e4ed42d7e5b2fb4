//! Permission rules: Claude Code's grammar parsed exactly (`Tool`, `Tool(specifier)`,
//! `mcp__server__tool`), and every agent's allow/ask/deny lists normalized into [`Grant`]s:
//! OpenCode's `permission` maps and GitHub Copilot's managed permission rules (`Shell(…)`,
//! `Read(…)`, `Edit(…)`, `Domain(…)`; the mapping is data in rules/vendor-policy.yaml) become
//! the same rules, so one set of checks reads every agent.

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
///
/// Linear in `pattern` and `text`: the literal pieces between stars are matched leftmost
/// first (exact for globs whose only wildcard is `*`), each with a linear substring search —
/// a backtracking matcher is quadratic on `*aaaa…b` against `aaaa…`.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    // `str` searches (the standard library's, optimised even in a debug build): a byte at
    // a time, and the substring search is two-way, linear in the worst case.
    let (Some(first), Some(last)) = (pattern.find('*'), pattern.rfind('*')) else {
        return pattern == text;
    };
    let (head, tail) = (&pattern[..first], &pattern[last + 1..]);
    if text.len() < head.len() + tail.len() || !text.starts_with(head) || !text.ends_with(tail) {
        return false;
    }
    let mut rest = &text[head.len()..text.len() - tail.len()];
    for piece in pattern[first..last].split('*').filter(|s| !s.is_empty()) {
        match rest.find(piece) {
            Some(i) => rest = &rest[i + piece.len()..],
            None => return false,
        }
    }
    true
}

/// Work allowed for deny/ask patterns with a `*` inside (`git * --force`), which no index
/// answers: each is compared with each allow rule. Counted in pairs plus bytes compared;
/// about a second in a debug build.
pub const PAIR_BUDGET: usize = 1 << 24;

/// The answer of [`first_covering`].
#[derive(Debug, Default)]
pub struct Coverage {
    /// For each allow rule, the index of the first blocker that covers it.
    pub first: Vec<Option<usize>>,
    /// Allow rules (indices) that [`PAIR_BUDGET`] left unfinished: a blocker with a `*`
    /// inside, before `first`, might cover them too.
    pub unchecked: Vec<usize>,
}

/// For each of `allows`, the first of `blockers` (deny and ask rules, in evaluation order)
/// that covers it — `blockers.iter().position(|b| b.covers(a))` — without comparing every
/// pair, so that 20,000 allow rules against 20,000 deny rules stay fast. Rules without `*`
/// are looked up in hash maps; patterns whose stars sit at one end only (`git push *`,
/// `* --force`: nearly every real rule) in one sorted sweep each. Patterns with a `*` inside
/// are compared pair by pair within [`PAIR_BUDGET`] (matching many such globs against many
/// texts is as hard as orthogonal vectors: no index makes it subquadratic).
pub fn first_covering(blockers: &[&PermissionRule], allows: &[&PermissionRule]) -> Coverage {
    use std::collections::HashMap;
    // Shell patterns only ever belong to `Bash` or `PowerShell`: the sweeps key them by that.
    let shell_id = |tool: &str| u8::from(tool == "PowerShell");
    let mut any: HashMap<&str, usize> = HashMap::new();
    let mut exact: HashMap<(&str, &str), usize> = HashMap::new();
    let mut prefixes: Vec<Sweep> = Vec::new();
    let mut suffixes: Vec<Sweep> = Vec::new();
    let mut general: Vec<(usize, u8, String)> = Vec::new();
    let patterns: Vec<Option<String>> = blockers
        .iter()
        .map(|b| b.is_shell().then(|| b.command_pattern()).flatten())
        .collect();
    for (i, (b, pattern)) in blockers.iter().zip(&patterns).enumerate() {
        let Some(spec) = b.specifier.as_deref().filter(|s| s.trim() != "*") else {
            any.entry(b.tool.as_str()).or_insert(i);
            continue;
        };
        let Some(p) = pattern else {
            exact.entry((b.tool.as_str(), spec)).or_insert(i);
            continue;
        };
        let tool = shell_id(&b.tool);
        let head = p.trim_end_matches('*');
        if !p.contains('*') {
            exact.entry((b.tool.as_str(), p.as_str())).or_insert(i);
        } else if !head.contains('*') {
            prefixes.push(Sweep::key(tool, head.as_bytes().to_vec(), i));
        } else if let Some(tail) = p.strip_prefix('*').map(|t| t.trim_start_matches('*'))
            && !tail.contains('*')
        {
            suffixes.push(Sweep::key(tool, tail.bytes().rev().collect(), i));
        } else {
            general.push((i, tool, p.clone()));
        }
    }
    let mut out = Coverage {
        first: vec![None; allows.len()],
        unchecked: Vec::new(),
    };
    let texts: Vec<Option<String>> = allows
        .iter()
        .map(|a| a.is_shell().then(|| a.command_pattern()).flatten())
        .collect();
    for (q, (a, text)) in allows.iter().zip(&texts).enumerate() {
        let mut best = any.get(a.tool.as_str()).copied();
        let key = match text {
            Some(t) => Some(t.as_str()),
            None if !a.is_shell() => a.specifier.as_deref(),
            None => None,
        };
        if let Some(&i) = key.and_then(|k| exact.get(&(a.tool.as_str(), k))) {
            lower(&mut best, i);
        }
        out.first[q] = best;
        if let Some(t) = text {
            let tool = shell_id(&a.tool);
            prefixes.push(Sweep::query(tool, t.as_bytes().to_vec(), q));
            suffixes.push(Sweep::query(tool, t.bytes().rev().collect(), q));
        }
    }
    sweep(prefixes, &mut out.first);
    sweep(suffixes, &mut out.first);
    if general.is_empty() {
        return out;
    }
    let mut budget = PAIR_BUDGET;
    for (q, text) in texts.iter().enumerate() {
        let Some(text) = text else { continue };
        let tool = shell_id(&allows[q].tool);
        for (i, _, pattern) in general.iter().filter(|g| g.1 == tool) {
            if out.first[q].is_some_and(|best| best < *i) {
                break;
            }
            let cost = 1 + pattern.len() + text.len();
            if budget < cost {
                out.unchecked.push(q);
                break;
            }
            budget -= cost;
            if glob_match(pattern, text) {
                out.first[q] = Some(*i);
                break;
            }
        }
    }
    out
}

fn lower(slot: &mut Option<usize>, i: usize) {
    *slot = Some(slot.map_or(i, |b| b.min(i)));
}

/// A blocker's literal end (a key) or an allow's command text (a query) in a sorted sweep.
struct Sweep {
    tool: u8,
    bytes: Vec<u8>,
    query: bool,
    /// The blocker's index, or the query's.
    id: usize,
}

impl Sweep {
    fn key(tool: u8, bytes: Vec<u8>, id: usize) -> Self {
        Self {
            tool,
            bytes,
            query: false,
            id,
        }
    }

    fn query(tool: u8, bytes: Vec<u8>, id: usize) -> Self {
        Self {
            tool,
            bytes,
            query: true,
            id,
        }
    }
}

/// Lowers `first[query]` to the smallest key index among the keys that are a prefix of the
/// query. Sorted, every key that is a prefix of a string comes before it and everything in
/// between starts with it, so a stack of nested keys holds exactly a query's prefixes when
/// the sweep reaches it: O(n log n) comparisons, each pop paid for by its push.
fn sweep(mut items: Vec<Sweep>, first: &mut [Option<usize>]) {
    items.sort_unstable_by(|a, b| (a.tool, &a.bytes, a.query).cmp(&(b.tool, &b.bytes, b.query)));
    // (tool, key, smallest index of this key and the keys below it)
    let mut stack: Vec<(u8, &[u8], usize)> = Vec::new();
    for item in &items {
        while let Some(&(tool, key, _)) = stack.last() {
            if tool == item.tool && item.bytes.starts_with(key) {
                break;
            }
            stack.pop();
        }
        let below = stack.last().map(|&(_, _, min)| min);
        if item.query {
            if let Some(min) = below {
                lower(&mut first[item.id], min);
            }
        } else {
            stack.push((
                item.tool,
                &item.bytes,
                below.map_or(item.id, |m| m.min(item.id)),
            ));
        }
    }
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
        FileKind::ClaudeSettings
        | FileKind::ClaudeLocalSettings
        | FileKind::ClaudeManagedSettings => {
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
        // OpenCode: `permission: { bash: "allow" | { "git *": "allow" }, edit: …, webfetch: … }`
        // at the top of opencode.json, per agent under `agent.<name>.permission`, and in an
        // agent file's front matter.
        FileKind::OpenCodeConfig => {
            opencode_grants(tree.get("permission"), &mut out);
            for agent in tree.get("agent").map_or(&[][..], Node::members) {
                opencode_grants(agent.value.get("permission"), &mut out);
            }
        }
        FileKind::OpenCodeAgent => opencode_grants(tree.get("permission"), &mut out),
        // Copilot enterprise managed settings: `permissions.allow/ask/deny` in Copilot's
        // grammar. A rule whose tool is not Copilot's is no grant (AG623 reports it).
        FileKind::CopilotManagedSettings => {
            for (list, key, name) in [
                (List::Allow, "permissions.allow", "allow"),
                (List::Ask, "permissions.ask", "ask"),
                (List::Deny, "permissions.deny", "deny"),
            ] {
                // `{ "overridable": [...] }`: the enterprise default, still in force.
                let entries = tree
                    .pointer(&["permissions", name])
                    .map(|n| n.get("overridable").unwrap_or(n));
                for item in entries.map_or(&[][..], Node::as_array) {
                    let Some(s) = item.as_str() else { continue };
                    let Some(normal) = crate::policy::vendor::from_copilot(s) else {
                        continue;
                    };
                    let mut g = grant(
                        list,
                        PermissionRule::parse(&normal),
                        s.to_string(),
                        item.span.clone(),
                        key,
                    );
                    g.agent = Agent::Copilot;
                    out.push(g);
                }
            }
        }
        // Skills and commands pre-approve their `allowed-tools` while they run (Agent Skills
        // spec field; Claude Code and Copilot honour it).
        FileKind::ClaudeSkill
        | FileKind::ClaudeCommand
        | FileKind::AgentsSkill
        | FileKind::CopilotSkill => {
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

/// OpenCode permission tools and the Claude Code tool with the same meaning.
const OPENCODE_TOOLS: &[(&str, &str)] = &[
    ("bash", "Bash"),
    ("edit", "Edit"),
    ("webfetch", "WebFetch"),
    ("read", "Read"),
];

fn opencode_list(action: &str) -> Option<List> {
    match action {
        "allow" => Some(List::Allow),
        "ask" => Some(List::Ask),
        "deny" => Some(List::Deny),
        _ => None,
    }
}

fn opencode_grants(permission: Option<&Node>, out: &mut Vec<Grant>) {
    let start = out.len();
    opencode_rules(permission, out);
    for g in &mut out[start..] {
        g.agent = Agent::OpenCode;
    }
}

fn opencode_rules(permission: Option<&Node>, out: &mut Vec<Grant>) {
    let Some(permission) = permission else { return };
    // `"permission": "allow"`: every tool, every input.
    let every = |action: &Node, out: &mut Vec<Grant>, tools: &[(&str, &str)]| {
        if let Some(list) = action.as_str().and_then(opencode_list) {
            for (name, tool) in tools {
                out.push(grant(
                    list,
                    PermissionRule::parse(tool),
                    format!("{name}: {}", action.as_str().unwrap_or_default()),
                    action.span.clone(),
                    "permission",
                ));
            }
        }
    };
    if permission.as_str().is_some() {
        every(permission, out, OPENCODE_TOOLS);
        return;
    }
    for m in permission.members() {
        let Some((name, tool)) = OPENCODE_TOOLS.iter().find(|(n, _)| *n == m.key) else {
            continue;
        };
        if m.value.as_str().is_some() {
            every(&m.value, out, &[(name, tool)]);
            continue;
        }
        // Patterns: `"*"` is every input; OpenCode globs use `*` like Claude Code rules.
        for p in m.value.members() {
            let Some(list) = p.value.as_str().and_then(opencode_list) else {
                continue;
            };
            let rule = if p.key.trim() == "*" {
                PermissionRule::parse(tool)
            } else {
                PermissionRule::parse(&format!("{tool}({})", p.key))
            };
            out.push(grant(
                list,
                rule,
                format!(
                    "{name}: \"{}\": {}",
                    p.key,
                    p.value.as_str().unwrap_or_default()
                ),
                p.key_span.clone(),
                "permission",
            ));
        }
    }
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
/// One the pair budget left unfinished counts as uncovered: reporting a required deny as
/// missing is the safe side.
pub fn uncovered_denies<'a>(grants: &[&Grant], required: &'a [String]) -> Vec<&'a String> {
    let denies: Vec<&PermissionRule> = grants
        .iter()
        .filter(|g| g.list == List::Deny)
        .map(|g| &g.rule)
        .collect();
    let wanted: Vec<PermissionRule> = required.iter().map(|r| PermissionRule::parse(r)).collect();
    // An identical deny always covers itself, so `covers` alone decides.
    let mut coverage = first_covering(&denies, &wanted.iter().collect::<Vec<_>>());
    for &i in &coverage.unchecked {
        coverage.first[i] = None;
    }
    required
        .iter()
        .zip(&coverage.first)
        .filter(|(_, first)| first.is_none())
        .map(|(r, _)| r)
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

    /// The backtracking matcher `glob_match` replaced: the reference for its semantics.
    fn reference_glob(pattern: &str, text: &str) -> bool {
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

    use crate::TestRng as Rng;

    fn word(rng: &mut Rng, alphabet: &[u8], max: usize) -> String {
        let len = rng.below(max + 1);
        (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())] as char)
            .collect()
    }

    #[test]
    fn linear_glob_matches_the_backtracking_one() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..200_000 {
            let p = word(&mut rng, b"ab*", 7);
            let t = word(&mut rng, b"ab*", 8);
            assert_eq!(glob_match(&p, &t), reference_glob(&p, &t), "{p:?} {t:?}");
        }
        // The backtracking matcher's worst case, answered at once.
        let text = "a".repeat(200_000);
        assert!(!glob_match(&format!("*{}b", "a".repeat(100_000)), &text));
        assert!(glob_match(&format!("{}*a*a", "a".repeat(1000)), &text));
    }

    fn random_rule(rng: &mut Rng) -> PermissionRule {
        let tool = ["Bash", "PowerShell", "Read", "WebFetch"][rng.below(4)];
        let text = match rng.below(8) {
            0 => tool.to_string(),
            1 => format!("{tool}(*)"),
            2 => format!("{tool}( * )"),
            3 => format!("{tool}({}:*)", word(rng, b"ab ", 4)),
            _ => format!("{tool}({})", word(rng, b"ab *", 6)),
        };
        PermissionRule::parse(&text)
    }

    #[test]
    fn index_answers_what_comparing_every_pair_does() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for round in 0..3_000 {
            let blockers: Vec<PermissionRule> =
                (0..rng.below(12)).map(|_| random_rule(&mut rng)).collect();
            let allows: Vec<PermissionRule> =
                (0..rng.below(12)).map(|_| random_rule(&mut rng)).collect();
            let b: Vec<&PermissionRule> = blockers.iter().collect();
            let a: Vec<&PermissionRule> = allows.iter().collect();
            let got = first_covering(&b, &a);
            assert!(got.unchecked.is_empty());
            for (q, allow) in allows.iter().enumerate() {
                let want = blockers.iter().position(|d| d.covers(allow));
                assert_eq!(
                    got.first[q], want,
                    "round {round}: {allow:?} in {blockers:?}"
                );
            }
        }
    }

    #[test]
    fn twenty_thousand_rules_each_way() {
        let denies: Vec<PermissionRule> = (0..20_000)
            .map(|i| match i % 3 {
                0 => PermissionRule::parse(&format!("Bash(tool{i} --danger *)")),
                1 => PermissionRule::parse(&format!("Bash(tool{i} --exact)")),
                _ => PermissionRule::parse(&format!("Bash(* --force{i})")),
            })
            .collect();
        let mut allows: Vec<PermissionRule> = (0..20_000)
            .map(|i| PermissionRule::parse(&format!("Bash(tool{i} --run)")))
            .collect();
        allows.push(PermissionRule::parse("Bash(tool3 --danger now)"));
        allows.push(PermissionRule::parse("Bash(tool4 --exact)"));
        allows.push(PermissionRule::parse("Bash(git push --force5)"));
        let b: Vec<&PermissionRule> = denies.iter().collect();
        let a: Vec<&PermissionRule> = allows.iter().collect();
        let got = first_covering(&b, &a);
        let hits: Vec<(usize, usize)> = got
            .first
            .iter()
            .enumerate()
            .filter_map(|(q, f)| Some((q, (*f)?)))
            .collect();
        assert_eq!(hits, [(20_000, 3), (20_001, 4), (20_002, 5)]);
    }

    #[test]
    fn patterns_with_a_star_inside_stay_within_the_budget() {
        let denies: Vec<PermissionRule> = (0..5_000)
            .map(|i| PermissionRule::parse(&format!("Bash(git * --x{i})")))
            .collect();
        let mut allows: Vec<PermissionRule> = vec![PermissionRule::parse("Bash(git a --x7)")];
        allows.extend((0..5_000).map(|i| PermissionRule::parse(&format!("Bash(git y{i})"))));
        let b: Vec<&PermissionRule> = denies.iter().collect();
        let a: Vec<&PermissionRule> = allows.iter().collect();
        let got = first_covering(&b, &a);
        assert_eq!(got.first[0], Some(7));
        // 25 million pairs do not fit: the rest is reported as unchecked, never guessed.
        assert!(!got.unchecked.is_empty());
        assert!(got.unchecked.iter().all(|&q| got.first[q].is_none()));
        let required = ["Bash(git b --x9)".to_string(), "Bash(rm *)".to_string()];
        let grants: Vec<Grant> = denies
            .iter()
            .map(|r| {
                grant(
                    List::Deny,
                    r.clone(),
                    String::new(),
                    0..0,
                    "permissions.deny",
                )
            })
            .collect();
        let refs: Vec<&Grant> = grants.iter().collect();
        assert_eq!(uncovered_denies(&refs, &required), [&required[1]]);
    }
}
