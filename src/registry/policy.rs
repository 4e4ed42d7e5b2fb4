//! Rule metadata (policy): codes, names, severities and documentation. No checks here: the
//! registry is a leaf every layer may read.

use super::doc;
use super::{Confidence, Docs, Family, Rule, Severity};

pub static MCP_LOCK_MISMATCH: Rule = Rule {
    code: "AG603",
    name: "mcp-lock-mismatch",
    family: Family::Policy,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "An MCP server was added or changed without updating agentgate.lock",
    docs: Docs {
        what: "When the repository has an `agentgate.lock` (written by `agentgate lock`), compares every MCP server \
               definition in every agent's files with it: a server that is not in the lock, or whose definition \
               changed (transport, command, arguments, URL, env and header *names* — values are not stored), is \
               reported, as is a locked server that no longer exists.",
        why: "Adding or changing an MCP server hands code execution and data to a new party. The lock turns that \
              into a reviewed, visible change: the diff of `agentgate.lock` shows up in the pull request, and an \
              unreviewed edit fails at commit time.",
        example: "A developer adds `\"scraper\": { \"command\": \"npx\", \"args\": [\"-y\", \"web-scraper-mcp@2.0.1\"] }` to \
                  `.mcp.json` without running `agentgate lock`.",
        fix: "Review the server, then run `agentgate lock` and commit `agentgate.lock` with the change.",
        references: &[],
    },
};

pub static POLICY_MISSING_FILE: Rule = Rule {
    code: "AG604",
    name: "policy-missing-file",
    family: Family::Policy,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A context file the organisation's policy requires is missing",
    docs: doc(
        "Checks `require.context_files` of the policy packs named by `extends:` in `.agentgate.yaml`, and that every \
         file the packs have a template with managed blocks for exists.",
        "The platform team's paved road starts every repository with the context its agents need; a missing file means \
         the agent works without the organisation's rules.",
        "```yaml\n# policy.yaml\nrequire:\n  context_files: [AGENTS.md, CLAUDE.md]\n```",
        "Add the file: `agentgate init` or `agentgate fix` creates it from the pack's template.",
    ),
};

pub static POLICY_MISSING_SECTION: Rule = Rule {
    code: "AG605",
    name: "policy-missing-section",
    family: Family::Policy,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A context file lacks a section the organisation's policy requires",
    docs: doc(
        "Checks `require.sections` (headings by file, compared without case and punctuation) of the policy packs.",
        "Sections such as Security or Commands carry the organisation's guardrails; deleting one removes them from every \
         agent session in the repository.",
        "```yaml\nrequire:\n  sections:\n    AGENTS.md: [Commands, Security]\n```",
        "Restore the section (the pack's template has the text).",
    ),
};

pub static POLICY_MISSING_DENY: Rule = Rule {
    code: "AG606",
    name: "policy-missing-deny",
    family: Family::Policy,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "The project's Claude Code settings lack a deny rule the policy requires",
    docs: doc(
        "Merges `.claude/settings.json` and `.claude/settings.local.json` at the repository root and checks that every rule \
         in the policy's `require.claude_deny` is denied (an identical or broader deny counts).",
        "Required denies (`.env` files, secrets directories, `curl`) are the organisation's baseline protection against \
         data leaving through the agent.",
        "```yaml\nrequire:\n  claude_deny: [\"Read(./.env)\", \"Read(./.env.*)\"]\n```",
        "Add the rules to `permissions.deny` in `.claude/settings.json`.",
    ),
};

pub static POLICY_FORBIDDEN_SETTING: Rule = Rule {
    code: "AG607",
    name: "policy-forbidden-setting",
    family: Family::Policy,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A Claude Code setting has a value the policy forbids",
    docs: doc(
        "Checks `forbid.claude_settings` (dotted keys with the forbidden value, or `\"*\"` for any value) against every \
         committed Claude Code settings file.",
        "Some settings are off-limits for the organisation regardless of the team (bypass mode, self-approving MCP \
         servers, an API gateway of its own).",
        "```yaml\nforbid:\n  claude_settings:\n    permissions.defaultMode: bypassPermissions\n    apiKeyHelper: \"*\"\n```",
        "Remove the setting, or ask for an exception with a reason and an expiry date.",
    ),
};

pub static MCP_NOT_ALLOWLISTED: Rule = Rule {
    code: "AG608",
    name: "mcp-not-allowlisted",
    family: Family::Policy,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "An MCP server is not on the organisation's allowlist (or runs another version)",
    docs: doc(
        "When the policy has `mcp.allow`, every MCP server in every agent's files must run an allowlisted package at the \
         allowlisted version (`@scope/name@1.2.3`, `name==1.2.3`, `image:tag`) or connect to an allowlisted URL prefix.",
        "The allowlist is the organisation's reviewed set of servers; anything else has not been assessed for what it can \
         reach and where it sends data.",
        "```yaml\nmcp:\n  allow: [\"@modelcontextprotocol/server-github@2025.4.8\", \"https://api.githubcopilot.com/\"]\n```",
        "Use the allowlisted version, or propose the server to the platform team for the allowlist.",
    ),
};

pub static MANAGED_BLOCK_DRIFT: Rule = Rule {
    code: "AG609",
    name: "managed-block-drift",
    family: Family::Policy,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A managed block of the organisation's template is missing or was edited",
    docs: doc(
        "A pack's `templates/` holds context-file templates; the parts between `<!-- agentgate:begin ID -->` and \
         `<!-- agentgate:end ID -->` are owned by the organisation. Each such block must appear in the repository's \
         file with the pack's content (line endings and trailing blank lines aside); the finding shows the diff.",
        "Managed blocks carry the guardrails every repository shares (security rules, review policy). An edited or \
         deleted block silently removes them from the agent's context, and the repository stops receiving updates.",
        "```markdown\n<!-- agentgate:begin security -->\n- Never read or print `.env` files.\n<!-- agentgate:end security -->\n```",
        "Run `agentgate fix` to re-sync the block (your text outside the markers is kept). To change the block \
         for everyone, propose the change to the policy pack.",
    ),
};

pub static VENDORED_SKILL_DRIFT: Rule = Rule {
    code: "AG610",
    name: "vendored-skill-drift",
    family: Family::Policy,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "A skill copied from the organisation's library is outdated or was modified locally",
    docs: doc(
        "Compares each skill in the repository (`.claude/skills/NAME/SKILL.md`) whose name is in a pack's `skills/` \
         library with it: an older `version:` than the library's, or the same version with different content \
         (hash of SKILL.md, line endings normalized), is reported.",
        "Vendored skills drift: fixes to the library never arrive, and local improvements never reach the other \
         teams. Both are cheap to fix while the difference is small.",
        "The library has `skills/release-notes/SKILL.md` at `version: 1.3.0`; the repository still has 1.1.0.",
        "Copy the library's version into the repository. If you changed the skill on purpose, contribute the change \
         back to the policy pack and vendor the released version.",
    ),
};

pub static CONFIG_WEAKENED: Rule = Rule {
    code: "AG613",
    name: "config-weakened",
    family: Family::Policy,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "The change loosens the repository's own agentgate configuration",
    docs: doc(
        "In diff mode (`check --diff BASE`, the Action on pull requests) the repository's `.agentgate.yaml` is \
         compared with its version at the base. Each loosening is a finding that names it: new `exclude` \
         patterns, new `rules.ignore` entries, a narrower `rules.select`, lower severities, new exceptions, a \
         dropped `extends:` pack, a larger `max_file_size`.",
        "The configuration is part of what a pull request changes. A change that adds `exclude: [\".claude/**\"]` \
         next to a dangerous settings file would otherwise pass the gate it just switched off; reviewers should \
         see the loosening as clearly as the change it enables.",
        "```yaml\n# added in the pull request\nrules:\n  ignore: [AG101]\n```",
        "An error by default: a pull request cannot switch the gate off and pass it. A new exception is only a \
         warning, because exceptions are the audited path (a reason, an approver, an expiry). If the loosening is \
         intended, land it on its own after review, or ask the platform team to change the pack. An organisation \
         can lock the keys with `locked:` in its policy pack so that they cannot be set at all.",
    ),
};

pub static MODEL_POLICY: Rule = Rule {
    code: "AG611",
    name: "model-policy",
    family: Family::Policy,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "A configured model goes against the organisation's model policy",
    docs: doc(
        "Checks the project default model (Claude Code `model` in `.claude/settings.json`, Codex `model` in \
         `.codex/config.toml`, Gemini CLI `model.name`) against `models.forbid_default`, and each Claude Code subagent \
         whose name matches a `models.subagents` entry against its `allow` list (a subagent that names no model, or \
         `inherit`, runs on the session's model and is reported too). Patterns are case-insensitive globs.",
        "Model choice is the largest lever on agent cost: a repository that defaults to the most expensive tier, or \
         runs mechanical subagents (formatting, renames, test runs) on it, multiplies spend without better results.",
        "```yaml\nmodels:\n  forbid_default: [\"*opus*\"]\n  subagents:\n    - match: [\"*format*\", \"*lint*\"]\n      allow: [haiku, \"claude-haiku-*\"]\n```",
        "Pick an allowed model (`\"model\": \"sonnet\"`; `model: haiku` in the subagent's front matter), or record an \
         exception with a reason.",
    ),
};

// The agents' runtime policy files (rules/vendor-policy.yaml): Claude Code managed settings
// (`managed-settings.json`, `managed-settings.d/*.json`), Copilot's enterprise managed settings
// (`copilot/managed-settings.json` in `.github-private`), Codex `requirements.toml`.

const VENDOR_REFERENCES: &[&str] = &[
    "https://code.claude.com/docs/en/settings",
    "https://code.claude.com/docs/en/managed-mcp",
    "https://docs.github.com/en/copilot/reference/enterprise-administrators/enterprise-managed-settings",
    "https://developers.openai.com/codex/enterprise/managed-configuration",
];

pub static VENDOR_POLICY_INVALID: Rule = Rule {
    code: "AG620",
    name: "runtime-policy-invalid",
    family: Family::Policy,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A runtime policy file has a value of the wrong type or outside the allowed values",
    docs: Docs {
        what: "Checks every key of a committed runtime policy file that its client documents — Claude Code managed \
               settings, Copilot enterprise managed settings, Codex `requirements.toml` — against the documented \
               type and values (`rules/vendor-policy.yaml`): booleans, strings, lists of strings, enumerations such \
               as `permissions.disableBypassPermissionsMode: \"disable\"` or Codex's sandbox modes, and the shape of \
               `deniedMcpServers` entries.",
        why: "These files are enforced on every machine the organisation manages, and nobody runs them before \
              rollout. A value of the wrong type is ignored or rejected by the client: `\"disableBypassPermissionsMode\": \
              true` does not disable bypass mode, and an invalid denylist entry lets the server it meant to block run.",
        example: "```json\n{ \"permissions\": { \"disableBypassPermissionsMode\": true } }\n```",
        fix: "Use the documented value (here `\"disable\"`), or regenerate the file with `agentgate policy export`.",
        references: VENDOR_REFERENCES,
    },
};

pub static VENDOR_POLICY_LOCKOUT: Rule = Rule {
    code: "AG621",
    name: "runtime-policy-lockout",
    family: Family::Policy,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A fail-closed key of a runtime policy file is invalid or empty: everyone it reaches is locked out",
    docs: Docs {
        what: "Reports the keys that fail closed (listed per client in `rules/vendor-policy.yaml`) when their value is \
               invalid or empty: an `allowedMcpServers` that is not a list, is empty, or has an entry without exactly \
               one valid `serverName`/`serverCommand`/`serverUrl`; Codex `allowed_approval_policies` or \
               `allowed_sandbox_modes` that are empty or not lists of known values.",
        why: "A fail-closed key that does not parse turns into the most restrictive setting for the whole fleet: an \
              invalid `allowedMcpServers` becomes an empty allowlist and blocks every MCP server for every developer \
              at once (Claude Code before 2.1.154 discarded the whole list for a single bad entry).",
        example: "```json\n{ \"allowedMcpServers\": { \"serverName\": \"github\" } }\n```",
        fix: "Make it a list of valid entries (`[{ \"serverName\": \"github\" }]`). To switch MCP off on purpose, \
              Claude Code documents `managed-mcp.json` with an empty server map instead.",
        references: VENDOR_REFERENCES,
    },
};

pub static VENDOR_RULE_NEVER_MATCHES: Rule = Rule {
    code: "AG623",
    name: "runtime-rule-never-matches",
    family: Family::Policy,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "A rule of a runtime policy file can never match anything",
    docs: Docs {
        what: "Reports entries that the client will never apply: a permission rule whose tool is not in that \
               client's grammar (Claude Code's `Bash(…)` in Copilot's file, where the tool is `Shell(…)`, and the \
               reverse); a `serverName` entry in an `allowedMcpServers` that also has `serverUrl` and \
               `serverCommand` entries (a name then counts for neither remote nor local servers); a Codex \
               `mcp_servers` entry without an `identity` with a `command` or `url`.",
        why: "A deny rule that never matches is a guardrail that is not there; an allow entry that never matches \
              blocks the server it was written for.",
        example: "```json\n// copilot/managed-settings.json\n{ \"permissions\": { \"deny\": [\"Bash(curl *)\"] } }\n```",
        fix: "Write the rule in the client's grammar (`Shell(curl *)`), or regenerate the file with \
              `agentgate policy export`, which translates the pack's rules per client.",
        references: VENDOR_REFERENCES,
    },
};

pub static VENDOR_POLICY_CONTRADICTS_PACK: Rule = Rule {
    code: "AG624",
    name: "runtime-policy-contradicts-pack",
    family: Family::Policy,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A runtime policy file contradicts the organisation's policy pack",
    docs: Docs {
        what: "When the repository has a policy pack (`extends:` or `--policy`), compares each runtime policy file \
               with it: every `require.claude_deny` rule must be denied (in the client's grammar; Claude Code's \
               `managed-settings.d/` drop-ins count with their base file); when the pack forbids bypass mode the \
               file must disable it (Codex: no `never` approval policy, no `danger-full-access` sandbox); and every \
               allowlisted MCP server URL or command must be on the pack's `mcp.allow`.",
        why: "The pack is what the organisation reviewed; the runtime files are what the clients enforce. A file \
              edited by hand drifts from the pack and the gap stays invisible: agentgate checks the repositories \
              against one policy while the agents run under another.",
        example: "```yaml\n# policy.yaml\nrequire:\n  claude_deny: [\"Read(./.env)\"]\n```\n\n```json\n// managed-settings.json\n{ \"permissions\": { \"deny\": [] } }\n```",
        fix: "Regenerate the file with `agentgate policy export --target …`, and keep `agentgate policy export \
              --check FILE` in the platform repository's CI.",
        references: VENDOR_REFERENCES,
    },
};

pub static VENDOR_POLICY_UNKNOWN_KEY: Rule = Rule {
    code: "AG625",
    name: "runtime-policy-unknown-key",
    family: Family::Policy,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "A runtime policy file of a strict client has a key the client does not document",
    docs: Docs {
        what: "For clients that validate their managed settings strictly (Copilot's enterprise managed settings), \
               reports every key that the client's reference does not list — at the top level and inside \
               `permissions` — such as `disableBypassPermissionsMode` at the top level instead of under \
               `permissions`.",
        why: "A key the client does not know is at best ignored (the setting it was meant to be is missing) and at \
              worst gets the whole file rejected, taking every other managed setting with it.",
        example: "```json\n{ \"disableBypassPermissionsMode\": \"disable\" }\n```",
        fix: "Move the key where the reference puts it (`permissions.disableBypassPermissionsMode`) or remove it.",
        references: VENDOR_REFERENCES,
    },
};
