//! The rule registry: every rule's stable code, kebab name, family, default severity,
//! confidence and documentation — the one table every surface reads (`--select`, `rules`,
//! `explain`, docs/rules, SARIF `tool.driver.rules`, GitLab `check_name`) — and the selection
//! of rules a run enables. Metadata only: the checks live in `rules/` and point here, so
//! every layer may read the registry.

pub mod context;
pub mod effect;
pub mod hooks;
pub mod mcp;
pub mod permissions;
pub mod policy;
pub mod scan;
pub mod schema;
pub mod secrets;
pub mod suppress;

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Docs with the four required sections and no references.
pub(crate) const fn doc(
    what: &'static str,
    why: &'static str,
    example: &'static str,
    fix: &'static str,
) -> Docs {
    Docs {
        what,
        why,
        example,
        fix,
        references: &[],
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Scan,
    Syntax,
    Permissions,
    Mcp,
    Hooks,
    Secrets,
    Context,
    Policy,
    /// Configuration the client accepts and then ignores.
    #[serde(rename = "no-effect")]
    Effect,
}

impl Family {
    pub const ALL: &[Family] = &[
        Family::Scan,
        Family::Syntax,
        Family::Permissions,
        Family::Mcp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Family::Scan => "scan",
            Family::Syntax => "syntax",
            Family::Permissions => "permissions",
            Family::Mcp => "mcp",
            Family::Hooks => "hooks",
            Family::Secrets => "secrets",
            Family::Context => "context",
            Family::Policy => "policy",
            Family::Effect => "no-effect",
        }
    }

    /// Security families get SARIF `security-severity` and the `security` tag.
    pub fn is_security(self) -> bool {
        matches!(
            self,
            Family::Permissions | Family::Mcp | Family::Hooks | Family::Secrets
        )
    }
}

/// How sure a finding is: `exact` findings follow from the documented format alone;
/// `heuristic` ones are judgement calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Exact,
    Heuristic,
}

/// Documentation with fixed sections; rendered by `explain`, docs/rules and SARIF help.
#[derive(Debug)]
pub struct Docs {
    pub what: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    pub fix: &'static str,
    pub references: &'static [&'static str],
}

#[derive(Debug)]
pub struct Rule {
    /// Stable and never reused, e.g. `AG101`.
    pub code: &'static str,
    /// Kebab-case, e.g. `bash-wildcard-allow`.
    pub name: &'static str,
    pub family: Family,
    pub severity: Severity,
    pub confidence: Confidence,
    /// One line, shown in `agentgate rules` and as SARIF `shortDescription`.
    pub summary: &'static str,
    pub docs: Docs,
}

impl Rule {
    /// SARIF `security-severity` for security rules, by default severity.
    pub fn security_severity(&self) -> Option<&'static str> {
        self.family.is_security().then_some(match self.severity {
            Severity::Error => "8.0",
            Severity::Warning => "5.0",
            Severity::Note => "2.0",
        })
    }

    /// The docs as Markdown: `explain`, docs/rules and SARIF `help.markdown` all use this.
    pub fn markdown(&self) -> String {
        let d = &self.docs;
        let mut out = format!(
            "# {} `{}`\n\n{}\n\n| family | default severity | confidence |\n|---|---|---|\n| {} | {} | {} |\n\n\
             ## What it checks\n\n{}\n\n## Why it matters\n\n{}\n\n## Example\n\n{}\n\n## Fix\n\n{}\n",
            self.code,
            self.name,
            self.summary,
            self.family.as_str(),
            self.severity,
            match self.confidence {
                Confidence::Exact => "exact",
                Confidence::Heuristic => "heuristic",
            },
            d.what.trim(),
            d.why.trim(),
            d.example.trim(),
            d.fix.trim()
        );
        if !d.references.is_empty() {
            out.push_str("\n## References\n\n");
            for r in d.references {
                out.push_str(&format!("- {r}\n"));
            }
        }
        out
    }
}

/// Every rule, in code order. Adding a rule = one static + one row here.
pub static RULES: &[&Rule] = &[
    &scan::SYNTAX_ERROR,
    &scan::UNREADABLE_FILE,
    &scan::INVALID_ENCODING,
    &scan::FILE_TOO_LARGE,
    &scan::BROKEN_SYMLINK,
    &scan::SYMLINK_OUTSIDE_ROOT,
    &scan::NON_UTF8_PATH,
    &scan::IGNORED_TRACKED_FILE,
    &permissions::BASH_WILDCARD_ALLOW,
    &permissions::BYPASS_PERMISSIONS_MODE,
    &permissions::EXEC_WRAPPER_ALLOW,
    &permissions::NETWORK_TOOL_ALLOW,
    &permissions::DESTRUCTIVE_ALLOW,
    &permissions::BROAD_DIRECTORY_ACCESS,
    &permissions::INEFFECTIVE_PERMISSION_RULE,
    &permissions::SHADOWED_ALLOW,
    &permissions::CODEX_FULL_ACCESS,
    &permissions::AUTO_APPROVE_ALL,
    &schema::UNKNOWN_KEY,
    &schema::WRONG_TYPE,
    &mcp::MCP_UNPINNED_NPX,
    &mcp::MCP_LITERAL_CREDENTIAL,
    &mcp::MCP_WRONG_INTERPOLATION,
    &mcp::MCP_INSECURE_HTTP,
    &mcp::MCP_FILESYSTEM_ROOT,
    &mcp::MCP_DATABASE_WRITE,
    &mcp::MCP_SHELL_COMMAND,
    &mcp::MCP_SERVER_TRUSTED,
    &mcp::MCP_AUTO_APPROVED_TOOLS,
    &mcp::MCP_SERVER_CONFLICT,
    &permissions::CODEX_SANDBOX_NETWORK,
    &permissions::REQUIRED_GUARDRAIL,
    &hooks::HOOK_DOWNLOAD_EXEC,
    &hooks::HOOK_EXFILTRATION,
    &hooks::CREDENTIAL_HELPER,
    &hooks::ENDPOINT_OVERRIDE,
    &hooks::TLS_VERIFICATION_DISABLED,
    &hooks::SKILL_INLINE_SHELL,
    &hooks::HTTP_HOOK_CREDENTIALS,
    &hooks::PROTECTION_DISABLED_ENV,
    &hooks::PROMPT_CACHING_DISABLED,
    &hooks::SUBAGENT_MODEL_OVERRIDE,
    &secrets::LOCAL_FILE_COMMITTED,
    &secrets::LEAKED_SECRET,
    &secrets::POSSIBLE_SECRET,
    &context::MISSING_CONTEXT_FILE,
    &context::BROKEN_REFERENCE,
    &context::INVISIBLE_UNICODE,
    &context::PROMPT_INJECTION,
    &context::INVALID_METADATA,
    &context::CONTEXT_TOO_LARGE,
    &context::VOLATILE_CONTEXT,
    &context::UNKNOWN_COMMAND,
    &context::STALE_CONTEXT_FILE,
    &context::DEAD_PATTERN,
    &context::IMPORT_PROBLEM,
    &context::DIVERGENT_CONTEXT,
    &suppress::EXPIRED_EXCEPTION,
    &suppress::UNUSED_EXCEPTION,
    &policy::MCP_LOCK_MISMATCH,
    &policy::POLICY_MISSING_FILE,
    &policy::POLICY_MISSING_SECTION,
    &policy::POLICY_MISSING_DENY,
    &policy::POLICY_FORBIDDEN_SETTING,
    &policy::MCP_NOT_ALLOWLISTED,
    &policy::MANAGED_BLOCK_DRIFT,
    &policy::VENDORED_SKILL_DRIFT,
    &policy::MODEL_POLICY,
    &suppress::BAD_IGNORE_DIRECTIVE,
    &policy::CONFIG_WEAKENED,
    &policy::VENDOR_POLICY_INVALID,
    &policy::VENDOR_POLICY_LOCKOUT,
    &policy::VENDOR_RULE_NEVER_MATCHES,
    &policy::VENDOR_POLICY_CONTRADICTS_PACK,
    &policy::VENDOR_POLICY_UNKNOWN_KEY,
    &effect::SETTINGS_DISCARDED,
    &effect::UNENFORCED_PATH_RULE,
    &effect::PROJECT_SCOPE_IGNORED,
    &effect::CODEX_PROJECT_KEY_IGNORED,
    &effect::HOOK_MATCHER_NEVER_FIRES,
    &effect::WRONG_SERVERS_KEY,
    &effect::REMOTE_SERVER_NO_TYPE,
];

/// Finds a rule by code (`AG101`, case-insensitive) or name (`bash-wildcard-allow`).
pub fn lookup(key: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name == key)
}

/// Which rules run and at what severity, resolved once from CLI flags and config.
#[derive(Debug, Clone)]
pub struct Selection {
    enabled: Vec<bool>,
    severity: Vec<Severity>,
    /// Locked by the organisation's policy: always run, never suppressed.
    locked: Vec<bool>,
}

impl Selection {
    /// Selectors: `all`, a code, a name, a family (`permissions`) or a code prefix (`AG1`).
    pub fn new(
        select: &[String],
        ignore: &[String],
        overrides: &[(String, Severity)],
    ) -> Result<Self, crate::error::Error> {
        let mut enabled = vec![select.is_empty(); RULES.len()];
        for s in select {
            for i in matching(s)? {
                enabled[i] = true;
            }
        }
        for s in ignore {
            for i in matching(s)? {
                enabled[i] = false;
            }
        }
        let mut severity: Vec<Severity> = RULES.iter().map(|r| r.severity).collect();
        for (s, sev) in overrides {
            for i in matching(s)? {
                severity[i] = *sev;
            }
        }
        Ok(Self {
            enabled,
            locked: vec![false; RULES.len()],
            severity,
        })
    }

    /// Locks the rules `selectors` match (the policy's `locked.rules`): they run whatever
    /// was selected, at no less than their default severity, and nothing suppresses them.
    pub fn lock(&mut self, selectors: &[String]) -> Result<(), crate::error::Error> {
        for s in selectors {
            for i in matching(s)? {
                self.locked[i] = true;
                self.enabled[i] = true;
                self.severity[i] = self.severity[i].max(RULES[i].severity);
            }
        }
        Ok(())
    }

    pub fn is_locked(&self, rule: &Rule) -> bool {
        index(rule).is_some_and(|i| self.locked[i])
    }

    /// The locked rules a selector would reach (for error messages).
    pub fn locked_by(&self, selector: &str) -> Vec<&'static str> {
        matching(selector)
            .unwrap_or_default()
            .into_iter()
            .filter(|&i| self.locked[i])
            .map(|i| RULES[i].code)
            .collect()
    }

    pub fn all() -> Self {
        Self::new(&[], &[], &[]).expect("empty selection is valid")
    }

    pub fn is_enabled(&self, rule: &Rule) -> bool {
        index(rule).is_some_and(|i| self.enabled[i])
    }

    pub fn severity(&self, rule: &Rule) -> Severity {
        index(rule).map_or(rule.severity, |i| self.severity[i])
    }

    pub fn enabled_rules(&self) -> impl Iterator<Item = &'static Rule> + '_ {
        RULES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.enabled[*i])
            .map(|(_, r)| *r)
    }
}

fn index(rule: &Rule) -> Option<usize> {
    RULES.iter().position(|r| std::ptr::eq(*r, rule))
}

fn matching(selector: &str) -> Result<Vec<usize>, crate::error::Error> {
    let s = selector.trim();
    let hits: Vec<usize> = RULES
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            s.eq_ignore_ascii_case("all")
                || r.name == s
                || r.family.as_str() == s
                || (s.len() >= 3
                    && r.code.len() >= s.len()
                    && r.code[..s.len()].eq_ignore_ascii_case(s))
        })
        .map(|(i, _)| i)
        .collect();
    if hits.is_empty() {
        return Err(format!(
            "unknown rule selector `{s}` (expected a code like AG101, a rule name, a family or `all`)"
        ).into());
    }
    Ok(hits)
}
