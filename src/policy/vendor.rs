//! The agents' runtime policy files — Claude Code managed settings, GitHub Copilot's
//! enterprise managed settings, Codex `requirements.toml` — as data (`rules/vendor-policy.yaml`):
//! their keys and types, managed-only and fail-closed keys, permission grammars, and how the
//! pack's keys map onto them. `policy export` writes them; the AG620–AG625 rules lint them.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// An export target, named as on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Target {
    ClaudeManagedSettings,
    CopilotManagedSettings,
    CodexRequirements,
}

impl Target {
    pub const ALL: [Target; 3] = [
        Target::ClaudeManagedSettings,
        Target::CopilotManagedSettings,
        Target::CodexRequirements,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::ClaudeManagedSettings => "claude-managed-settings",
            Target::CopilotManagedSettings => "copilot-managed-settings",
            Target::CodexRequirements => "codex-requirements",
        }
    }

    /// This target's entry of `rules/vendor-policy.yaml`.
    pub fn spec(self) -> &'static TargetSpec {
        &KNOWN.targets[self.name()]
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Knowledge {
    pub version: u32,
    pub targets: BTreeMap<String, TargetSpec>,
    pub mapping: Mapping,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    Json,
    Toml,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub client: String,
    pub client_version: String,
    pub sources: Vec<String>,
    pub format: FileFormat,
    /// Unknown keys are reported (a strict client may reject the whole file).
    pub strict_keys: bool,
    /// Dotted key → its type.
    pub keys: BTreeMap<String, KeyType>,
    /// Key → what an invalid value does to everyone the file reaches.
    pub fail_closed: BTreeMap<String, String>,
    pub permission_tools: Vec<String>,
    pub permission_tool_prefixes: Vec<String>,
    /// Keys whose value may be wrapped as `{ "overridable": VALUE }` (an enterprise default
    /// that a team's settings file may replace).
    #[serde(default)]
    pub overridable: Vec<String>,
    pub mcp_entry_keys: Vec<String>,
    pub server_name_pattern: String,
    pub examples: Examples,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum KeyType {
    /// An array whose every item is one of the listed strings.
    Each {
        each: Vec<String>,
    },
    /// One of the listed strings.
    Enum(Vec<String>),
    Named(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    pub valid: Vec<String>,
    /// (file text, the rule code it must produce).
    pub invalid: Vec<(String, String)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    pub copilot_tools: BTreeMap<String, String>,
    pub copilot_domain_from: String,
    /// Copilot managed permission tool → the normalized (Claude Code) tool.
    pub from_copilot_tools: BTreeMap<String, String>,
    /// Copilot's domain selector (`Domain`), normalized to `WebFetch(domain:…)`.
    pub from_copilot_domain: String,
    /// (dotted Claude Code key, value) pairs of `forbid.claude_settings` that forbid bypass.
    pub bypass: Vec<(String, String)>,
    pub codex_without_bypass: BTreeMap<String, Vec<String>>,
}

pub static KNOWN: LazyLock<Knowledge> = LazyLock::new(|| crate::builtin::VENDOR_POLICY.load());

/// Whether the pack forbids bypass mode (`forbid.claude_settings` names it).
pub fn forbids_bypass(policy: &super::Policy) -> bool {
    KNOWN.mapping.bypass.iter().any(|(key, value)| {
        policy
            .forbid
            .claude_settings
            .get(key)
            .and_then(|v| v.as_str())
            .is_some_and(|v| v == value || v == "*")
    })
}

/// The tool of a permission rule: `Bash` of `Bash(npm test)`, `Read` of `Read`.
pub fn rule_tool(rule: &str) -> &str {
    rule.split('(').next().unwrap_or(rule).trim()
}

/// Whether `tool` belongs to the target's permission grammar.
pub fn known_tool(spec: &TargetSpec, tool: &str) -> bool {
    spec.permission_tools.iter().any(|t| t == tool)
        || spec
            .permission_tool_prefixes
            .iter()
            .any(|p| tool.starts_with(p.as_str()))
}

/// A Claude Code permission rule in Copilot's grammar, or `None` when Copilot has no
/// equivalent tool.
pub fn copilot_rule(claude: &str) -> Option<String> {
    let m = &KNOWN.mapping;
    if let Some(host) = claude.strip_prefix(m.copilot_domain_from.as_str()) {
        return Some(format!("Domain({}", host));
    }
    let tool = rule_tool(claude);
    let to = m.copilot_tools.get(tool)?;
    Some(format!("{to}{}", &claude[tool.len()..]))
}

/// A Copilot managed permission rule (`Shell(git push *)`, `Domain(*.example.com)`) as the
/// normalized rule text the permission model parses (`Bash(git push *)`,
/// `WebFetch(domain:*.example.com)`), or `None` when its tool is not Copilot's.
pub fn from_copilot(rule: &str) -> Option<String> {
    let m = &KNOWN.mapping;
    let rule = rule.trim();
    let tool = rule_tool(rule);
    let rest = rule[tool.len()..].trim_start();
    if !(rest.is_empty() || rest.starts_with('(') && rest.ends_with(')')) {
        return None;
    }
    if tool == m.from_copilot_domain {
        return Some(
            match rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
                Some(host) if !host.trim().is_empty() => {
                    format!("WebFetch(domain:{})", host.trim())
                }
                _ => "WebFetch".to_string(),
            },
        );
    }
    let to = m.from_copilot_tools.get(tool)?;
    Some(format!("{to}{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copilot_rules_normalize_both_ways() {
        assert_eq!(
            from_copilot("Shell(git push *)").as_deref(),
            Some("Bash(git push *)")
        );
        assert_eq!(from_copilot("Bash(*)").as_deref(), Some("Bash(*)"));
        assert_eq!(from_copilot("Shell").as_deref(), Some("Bash"));
        assert_eq!(
            from_copilot("Write(./.env)").as_deref(),
            Some("Edit(./.env)")
        );
        assert_eq!(
            from_copilot("Domain(*.example.com)").as_deref(),
            Some("WebFetch(domain:*.example.com)")
        );
        assert_eq!(from_copilot("Domain").as_deref(), Some("WebFetch"));
        assert_eq!(from_copilot("WebFetch(domain:x.example)"), None);
        assert_eq!(from_copilot("Shell x"), None);
        // Out through `copilot_rule` and back: the same normalized rule.
        for claude in [
            "Bash(npm test *)",
            "Read(./.env)",
            "WebFetch(domain:docs.example.com)",
        ] {
            let copilot = copilot_rule(claude).unwrap();
            assert_eq!(from_copilot(&copilot).as_deref(), Some(claude), "{copilot}");
        }
    }

    #[test]
    fn knowledge_loads_and_names_every_target() {
        assert_eq!(KNOWN.version, 1);
        for t in Target::ALL {
            let spec = t.spec();
            assert!(!spec.sources.is_empty(), "{}", t.name());
            assert!(spec.sources.iter().all(|s| s.starts_with("https://")));
            assert!(!spec.client_version.is_empty());
            for key in spec.fail_closed.keys() {
                assert!(spec.keys.contains_key(key), "{}: {key}", t.name());
            }
        }
        assert_eq!(KNOWN.targets.len(), Target::ALL.len());
    }

    #[test]
    fn claude_rules_translate_to_copilot() {
        assert_eq!(
            copilot_rule("Bash(curl *)").as_deref(),
            Some("Shell(curl *)")
        );
        assert_eq!(
            copilot_rule("Read(./.env)").as_deref(),
            Some("Read(./.env)")
        );
        assert_eq!(
            copilot_rule("WebFetch(domain:example.com)").as_deref(),
            Some("Domain(example.com)")
        );
        assert_eq!(copilot_rule("WebSearch"), None);
        assert_eq!(copilot_rule("Bash").as_deref(), Some("Shell"));
    }
}
