//! Over-broad tool permissions in Claude Code settings, skills and subagents.

use super::{Confidence, Docs, Emitter, Family, FileCtx, Rule};
use crate::classify::FileKind;
use crate::model::permissions::{Grant, List, broad_path, first_covering, glob_match};
use crate::report::diagnostic::Severity;
use crate::syntax::Node;

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
    check: super::Check::File(check_bash_wildcard),
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
    check: super::Check::File(check_bypass),
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
    check: super::Check::File(check_exec_wrapper),
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
               `ftp`, and bare `WebFetch` or `WebFetch(domain:*)`.",
        why: "A pre-approved network tool is an exfiltration channel: a prompt injection can send source code or \
              secrets anywhere without a prompt. Claude Code's documentation calls URL-constraining Bash rules \
              fragile; `WebFetch(domain:…)` is the supported way to allow specific sites.",
        example: "```json\n{ \"permissions\": { \"allow\": [\"Bash(curl *)\", \"WebFetch\"] } }\n```",
        fix: "Allow specific domains with `WebFetch(domain:docs.example.com)` and deny `Bash(curl *)` / \
              `Bash(wget *)`; keep other network tools under `ask`.",
        references: &["https://code.claude.com/docs/en/permissions"],
    },
    check: super::Check::File(check_network),
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
    check: super::Check::File(check_destructive),
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
    check: super::Check::File(check_directories),
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
    check: super::Check::File(check_ineffective),
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
    check: super::Check::Repo(check_shadowed),
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
    check: super::Check::File(check_codex),
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
    check: super::Check::File(check_auto_approve),
};

// ---- checks ----

/// Allow grants that are not already "every command" (AG101 covers those).
fn allow_grants(ctx: &FileCtx) -> impl Iterator<Item = &Grant> {
    ctx.grants().iter().filter(|g| g.list == List::Allow)
}

fn check_bash_wildcard(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    for g in allow_grants(ctx).filter(|g| g.rule.is_every_command()) {
        emit.emit(&BASH_WILDCARD_ALLOW, Some(g.span.clone()), format!("`{}` in {} pre-approves every shell command", g.text, g.key))
            .help = Some("allow specific commands instead, e.g. \"Bash(npm run test *)\"; put risky ones under `ask`".into());
    }
}

/// Wrappers that run whatever follows; the second element is an optional subcommand.
const WRAPPERS: &[&str] = &[
    "npx",
    "bunx",
    "uvx",
    "pipx run",
    "pnpm dlx",
    "pnpm exec",
    "yarn dlx",
    "npm exec",
    "bun x",
    "uv run",
    "uv tool run",
    "deno run",
    "python",
    "python3",
    "node",
    "sh",
    "bash",
    "zsh",
    "fish",
    "dash",
    "ksh",
    "perl",
    "ruby",
    "php",
    "pwsh",
    "powershell",
    "cmd",
    "osascript",
    "eval",
    "exec",
    "env",
    "sudo",
    "doas",
    "su",
    "xargs",
    "docker run",
    "docker exec",
    "podman run",
    "podman exec",
    "kubectl exec",
    "devbox run",
    "mise exec",
    "mise x",
    "direnv exec",
    "nix run",
    "nix-shell",
    "ssh",
];

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
        if let Some(w) = WRAPPERS.iter().find(|w| covers_open(&pattern, w)) {
            emit.emit(
                &EXEC_WRAPPER_ALLOW,
                Some(g.span.clone()),
                format!(
                    "`{}` in {} lets `{w}` run arbitrary code without a prompt",
                    g.text, g.key
                ),
            )
            .help = Some(format!(
                "allow the exact command instead, e.g. \"Bash({w} <tool> <fixed args>)\", or move it to `ask`"
            ));
        }
    }
}

const NETWORK_TOOLS: &[&str] = &[
    "curl", "wget", "nc", "ncat", "netcat", "socat", "ssh", "scp", "sftp", "rsync", "telnet", "ftp",
];

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
            Some(pattern) => NETWORK_TOOLS
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
            emit.emit(&NETWORK_TOOL_ALLOW, Some(g.span.clone()), format!("`{}` in {} pre-approves {what}: a ready exfiltration channel", g.text, g.key))
                .help = Some("allow specific sites with \"WebFetch(domain:docs.example.com)\" and keep network tools under `ask` or `deny`".into());
        }
    }
}

const DESTRUCTIVE: &[&str] = &[
    "rm",
    "git push",
    "git reset --hard",
    "git clean",
    "npm publish",
    "pnpm publish",
    "yarn publish",
    "yarn npm publish",
    "cargo publish",
    "twine upload",
    "gem push",
    "poetry publish",
    "terraform apply",
    "terraform destroy",
    "tofu apply",
    "tofu destroy",
    "pulumi up",
    "pulumi destroy",
    "kubectl",
    "helm",
    "aws",
    "gcloud",
    "az",
    "docker push",
    "gh release",
    "gh repo delete",
    "dd",
    "mkfs",
    "shred",
];

fn check_destructive(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    for g in allow_grants(ctx) {
        let Some(pattern) = shell_pattern(g) else {
            continue;
        };
        if let Some(cmd) = DESTRUCTIVE.iter().find(|c| names_program(&pattern, c)) {
            emit.emit(
                &DESTRUCTIVE_ALLOW,
                Some(g.span.clone()),
                format!(
                    "`{}` in {} pre-approves `{cmd}`, which cannot be undone",
                    g.text, g.key
                ),
            )
            .help = Some(format!(
                "move \"Bash({cmd} *)\" to `ask`; allow only read-only or local commands"
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

/// Tool names the Claude Code settings schema accepts (plus the `Task` alias of `Agent`).
const KNOWN_TOOLS: &[&str] = &[
    "Agent",
    "Artifact",
    "Bash",
    "Cd",
    "Edit",
    "EnterWorktree",
    "ExitPlanMode",
    "Glob",
    "Grep",
    "KillShell",
    "LSP",
    "Monitor",
    "MultiEdit",
    "NotebookEdit",
    "PowerShell",
    "Read",
    "ShareOnboardingGuide",
    "Skill",
    "Task",
    "TaskCreate",
    "TaskGet",
    "TaskList",
    "TaskOutput",
    "TaskStop",
    "TaskUpdate",
    "TodoWrite",
    "ToolSearch",
    "WebFetch",
    "WebSearch",
    "Workflow",
    "Write",
    "SlashCommand",
    "NotebookRead",
    "LS",
];

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
    if !KNOWN_TOOLS.contains(&r.tool.as_str()) && !r.tool.contains('*') {
        return Some(format!(
            "`{}` is not a Claude Code tool name, so the rule matches nothing",
            r.tool
        ));
    }
    let spec = spec?;
    if matches!(
        r.tool.as_str(),
        "Write" | "Glob" | "NotebookEdit" | "MultiEdit"
    ) && !spec.contains(':')
    {
        return Some(format!(
            "path rules on `{}` are accepted but never consulted; only `Read` and `Edit` paths are",
            r.tool
        ));
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
        let is_param = !param.contains(' ')
            && param.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !matches!(r.tool.as_str(), "WebFetch" | "Bash" | "PowerShell");
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
            );
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

fn check_codex(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    if ctx.kind != FileKind::CodexConfig {
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

const RISKY_TERMINAL: &[&str] = &[
    "rm",
    "curl",
    "wget",
    "eval",
    "sh",
    "bash",
    "zsh",
    "pwsh",
    "powershell",
    "sudo",
    "chmod",
    "chown",
    "dd",
    "kill",
    "git push",
    "npx",
];

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
                let risky = RISKY_TERMINAL
                    .iter()
                    .any(|r| pattern == *r || pattern.starts_with(&format!("{r} ")));
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
    fn ineffective_rules() {
        let text = r#"{"permissions": {"deny": ["Write(./.env)", "Bash(command:rm *)", "Read(./.env)", "Bash(git:* push)"], "allow": ["mcp__*", "mcp__gh__*", "Agent(model:opus)", "Reed(src/**)"]}}"#;
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
                "Reed(src/**)",
                "Write(./.env)",
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
