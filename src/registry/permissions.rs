//! Rule metadata (permissions): codes, names, severities and documentation. No checks here: the
//! registry is a leaf every layer may read.

use super::{Confidence, Docs, Family, Rule, Severity};

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
               (`.claude/commands/*.md`). The same rules in other agents' grammars are read through the normalized \
               permission model: `Shell`, `Shell(*)` and its alias `Bash(*)` in the `permissions.allow` of GitHub \
               Copilot's enterprise managed settings (`copilot/managed-settings.json`), and OpenCode's \
               `\"bash\": \"allow\"`. The same entries in `deny` or `ask` are fine and not reported.",
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
            "https://docs.github.com/en/copilot/reference/enterprise-administrators/enterprise-managed-settings",
        ],
    },
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
};

pub static EXEC_WRAPPER_ALLOW: Rule = Rule {
    code: "AG103",
    name: "exec-wrapper-allow",
    family: Family::Permissions,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "An allow rule pre-approves a program that runs arbitrary code",
    docs: Docs {
        what: "Finds allow rules whose command runs whatever its arguments say: package runners (`npx`, `bunx`, \
               `uvx`, `pipx run`, `pnpm dlx`, `npm exec`), interpreters and shells (`python`, `node`, `sh`, `bash`, \
               `perl`, `ruby`, `pwsh`), privilege and exec wrappers (`sudo`, `env`, `xargs`, `eval`), and container or \
               environment runners (`docker run`, `docker exec`, `devbox run`, `mise exec`, `direnv exec`) — when the \
               arguments are left open (`Bash(npx *)`, `Bash(python:*)`). A fixed command such as \
               `Bash(python scripts/lint.py)` is fine. Checked in settings `permissions.allow` and skill/command \
               `allowed-tools`.",
        why: "Claude Code strips only harmless wrappers (`timeout`, `nice`, …) before matching; `npx`, `docker exec` and \
              friends are not stripped, so `Bash(npx *)` is `Bash(*)` with extra steps: `npx -y any-package` or \
              `python -c '…'` runs anything without a prompt.",
        example: "```json\n{ \"permissions\": { \"allow\": [\"Bash(npx *)\", \"Bash(python *)\"] } }\n```",
        fix: "Allow the specific commands the project needs (`Bash(npx prettier --check *)`, \
              `Bash(python -m pytest *)`), or move the wrapper to `ask`.",
        references: &["https://code.claude.com/docs/en/permissions"],
    },
};

pub static NETWORK_TOOL_ALLOW: Rule = Rule {
    code: "AG104",
    name: "network-tool-allow",
    family: Family::Permissions,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "An allow rule pre-approves a network tool or unrestricted web fetches",
    docs: Docs {
        what: "Finds allow rules for `curl`, `wget`, `nc`/`ncat`/`socat`, `ssh`, `scp`, `sftp`, `rsync`, `telnet`, \
               `ftp`, and bare `WebFetch` or `WebFetch(domain:*)` — and the same in GitHub Copilot's managed \
               permission rules (`Shell(curl *)`, a bare `Domain` or `Domain(*)`), read through the normalized \
               permission model.",
        why: "A pre-approved network tool is an exfiltration channel: a prompt injection can send source code or \
              secrets anywhere without a prompt. Claude Code's documentation calls URL-constraining Bash rules \
              fragile; `WebFetch(domain:…)` is the supported way to allow specific sites.",
        example: "```json\n{ \"permissions\": { \"allow\": [\"Bash(curl *)\", \"WebFetch\"] } }\n```",
        fix: "Allow specific domains with `WebFetch(domain:docs.example.com)` and deny `Bash(curl *)` / \
              `Bash(wget *)`; keep other network tools under `ask`. In Copilot managed settings, allow \
              `Domain(docs.example.com)` and deny `Shell(curl *)`.",
        references: &[
            "https://code.claude.com/docs/en/permissions",
            "https://docs.github.com/en/copilot/reference/enterprise-administrators/enterprise-managed-settings",
        ],
    },
};

pub static DESTRUCTIVE_ALLOW: Rule = Rule {
    code: "AG105",
    name: "destructive-allow",
    family: Family::Permissions,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "An allow rule pre-approves deleting, publishing or deploying",
    docs: Docs {
        what: "Finds allow rules that cover `rm`, `git push`, `git reset --hard`, `git clean`, package publishing \
               (`npm publish`, `cargo publish`, `twine upload`, `gem push`, …), infrastructure changes \
               (`terraform apply|destroy`, `pulumi up|destroy`, `kubectl`, `helm`), cloud CLIs (`aws`, `gcloud`, \
               `az`), `docker push`, `gh release`, `dd`, `mkfs` and `shred` — whether named directly or through a \
               broader pattern such as `Bash(git *)`.",
        why: "These actions cannot be undone by reverting a commit. Pre-approving them lets a confused or \
              prompt-injected agent delete work, publish a release or change production without a human \
              confirming it.",
        example: "```json\n{ \"permissions\": { \"allow\": [\"Bash(git *)\", \"Bash(rm -rf *)\"] } }\n```",
        fix: "Allow the read-only or local subcommands you need (`Bash(git status)`, `Bash(git diff *)`) and put \
              the irreversible ones under `ask`.",
        references: &["https://code.claude.com/docs/en/permissions"],
    },
};

pub static BROAD_DIRECTORY_ACCESS: Rule = Rule {
    code: "AG106",
    name: "broad-directory-access",
    family: Family::Permissions,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "Extra directories or writable roots reach the filesystem root, home, or outside the repository",
    docs: Docs {
        what: "Checks Claude Code `permissions.additionalDirectories` and Codex `sandbox_workspace_write.writable_roots` \
               for `/`, `//`, `~`, `$HOME`, home directories (`/home`, `/Users`, `C:\\Users`), drive roots, and relative \
               paths that climb out of the repository (`..`). Temporary directories (`/tmp`, `/var/tmp`) are fine.",
        why: "These settings widen what the agent may read or write without asking. From a shared repository they \
              hand every developer's SSH keys, cloud credentials and other projects to the agent.",
        example: "```json\n{ \"permissions\": { \"additionalDirectories\": [\"~/\"] } }\n```",
        fix: "List the specific sibling directories the project needs, or leave the setting to personal \
              (untracked) settings.",
        references: &[
            "https://code.claude.com/docs/en/permissions",
            "https://developers.openai.com/codex/config-reference",
        ],
    },
};

pub static INEFFECTIVE_PERMISSION_RULE: Rule = Rule {
    code: "AG107",
    name: "ineffective-permission-rule",
    family: Family::Permissions,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "A permission rule is accepted but never enforced",
    docs: Docs {
        what: "Finds Claude Code permission rules that do nothing: path rules on tools whose paths are never \
               consulted (`Write(…)`, `Glob(…)`, `NotebookEdit(…)`, `MultiEdit(…)` — only `Read` and `Edit` paths \
               are), parameter rules on a primary field (`Bash(command:…)`, `Read(file_path:…)`, `WebFetch(url:…)`), \
               parameter rules in `allow`, unanchored allow globs (`*`, `B*`, `mcp__*`), a `:*` that is not at the end \
               (`Bash(git:* push)`), and unknown tool names.",
        why: "Each looks like a guardrail in review but is skipped (with at most a start-up warning). A \
              `Write(./.env)` deny protects nothing; the team believes it does.",
        example: "```json\n{ \"permissions\": { \"deny\": [\"Write(./secrets/**)\"], \"allow\": [\"mcp__*\"] } }\n```",
        fix: "Use `Edit(…)` for write protection (a `Read` deny also blocks edits), put parameters only in `deny`/`ask`, \
              anchor MCP allows at a server (`mcp__github__*`), and move `:*` to the end.",
        references: &["https://code.claude.com/docs/en/permissions"],
    },
};

pub static SHADOWED_ALLOW: Rule = Rule {
    code: "AG108",
    name: "shadowed-allow",
    family: Family::Permissions,
    severity: Severity::Note,
    confidence: Confidence::Exact,
    summary: "An allow rule never applies because a deny or ask rule matches first",
    docs: Docs {
        what: "Merges the committed Claude Code settings of each `.claude/` directory (`settings.json` and \
               `settings.local.json`) into one effective policy and reports allow rules fully covered by a deny or \
               ask rule. Claude Code evaluates deny, then ask, then allow; the first match wins. Deny and ask patterns with a `*` \
               inside (`Bash(git * --force)`) are compared with each allow rule within a work budget (about 16 million \
               steps); past it, one note says how many allow rules were not checked.",
        why: "A dead allow rule misleads readers about what the agent may do, and usually means two people \
              disagreed about a command without noticing.",
        example: "```json\n{ \"permissions\": { \"deny\": [\"Bash(git push *)\"], \"allow\": [\"Bash(git push origin main)\"] } }\n```",
        fix: "Delete the allow rule, or narrow the deny/ask rule if the allow was intended.",
        references: &["https://code.claude.com/docs/en/permissions"],
    },
};

pub static CODEX_FULL_ACCESS: Rule = Rule {
    code: "AG109",
    name: "codex-full-access",
    family: Family::Permissions,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "Codex runs without a sandbox (and possibly without approvals)",
    docs: Docs {
        what: "Finds `sandbox_mode = \"danger-full-access\"` in `.codex/config.toml` (top level or in a profile). Combined \
               with `approval_policy = \"never\"` in the same scope it is the critical pair: every command runs \
               unsandboxed and unasked.",
        why: "`danger-full-access` removes the filesystem and network sandbox; with `never` nothing stops a \
              prompt-injected command. Committed to a repository, it applies to everyone who trusts the project.",
        example: "```toml\napproval_policy = \"never\"\nsandbox_mode = \"danger-full-access\"\n```",
        fix: "Use `sandbox_mode = \"workspace-write\"` (optionally with `network_access` in \
              `[sandbox_workspace_write]`) and `approval_policy = \"on-request\"`.",
        references: &["https://developers.openai.com/codex/config-reference"],
    },
};

pub static AUTO_APPROVE_ALL: Rule = Rule {
    code: "AG110",
    name: "auto-approve-all",
    family: Family::Permissions,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "An agent is set to approve tool calls without asking",
    docs: Docs {
        what: "Finds the \"YOLO\" switches of the other agents: VS Code / Copilot `chat.tools.global.autoApprove` and \
               `chat.tools.autoApprove` set to `true`, terminal auto-approve entries that approve every command (`/.*/`) \
               or a shell, downloader or deleter, `chat.tools.terminal.ignoreDefaultAutoApproveRules: true`, \
               `chat.tools.urls.autoApprove` for `*`; Gemini CLI / Qwen Code `tools.autoAccept: true`; Aider \
               `yes-always: true`.",
        why: "VS Code documents global auto-approve as disabling \"critical security protections\". Each of these \
              turns every prompt injection into an executed action.",
        example: "```json\n{ \"chat.tools.global.autoApprove\": true }\n```",
        fix: "Remove the setting from the repository; approve specific, safe commands \
              (`\"chat.tools.terminal.autoApprove\": { \"npm test\": true }`).",
        references: &[
            "https://code.visualstudio.com/docs/copilot/chat/chat-tools",
            "https://aider.chat/docs/config/options.html",
        ],
    },
};

pub static CODEX_SANDBOX_NETWORK: Rule = Rule {
    code: "AG211",
    name: "codex-sandbox-network",
    family: Family::Permissions,
    severity: Severity::Warning,
    confidence: Confidence::Exact,
    summary: "Codex's workspace sandbox is given network access",
    docs: Docs {
        what: "Finds `network_access = true` under `[sandbox_workspace_write]` in a project `.codex/config.toml` or a \
               custom agent (`.codex/agents/*.toml`).",
        why: "The workspace-write sandbox blocks the network by default, so a prompt-injected command cannot send \
              the workspace anywhere. Turning it on for the repository reopens that channel for every command the \
              agent runs without asking.",
        example: "```toml\n[sandbox_workspace_write]\nnetwork_access = true\n```",
        fix: "Leave it off; allow the specific hosts through the network proxy settings, or let a developer enable \
              it per run (`-c sandbox_workspace_write.network_access=true`).",
        references: &[
            "https://developers.openai.com/codex/agent-approvals-security",
            "https://developers.openai.com/codex/config-reference",
        ],
    },
};

pub static REQUIRED_GUARDRAIL: Rule = Rule {
    code: "AG212",
    name: "required-guardrail-missing",
    family: Family::Permissions,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A guardrail setting the organisation's policy requires is not set in the project settings",
    docs: Docs {
        what: "With `require.claude_settings` in a policy pack (for example \
               `permissions.blockWritesOutsideWorkingDirectories: true`), checks that `.claude/settings.json` or \
               `.claude/settings.local.json` at the repository root sets each key to that value. The guardrails \
               agentgate knows, with the Claude Code release that added each, are in rules/guardrails.yaml.",
        why: "Recent Claude Code releases added project-level protections that hold in every permission mode \
              (writes and reads outside the working directories refused, prompts turned into denials). A paved \
              road that requires them keeps every repository on the same floor.",
        example: "```yaml\n# policy pack\nrequire:\n  claude_settings:\n    permissions.blockWritesOutsideWorkingDirectories: true\n```",
        fix: "Set the key in `.claude/settings.json` (`agentgate init` writes the ones it offers), and make sure \
              developers run a Claude Code release that knows it.",
        references: &[
            "https://code.claude.com/docs/en/settings",
            "https://code.claude.com/docs/en/permissions",
        ],
    },
};
