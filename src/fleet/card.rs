//! One repository's scorecard: a normal `check` run (the engine) plus what only a fleet view
//! needs — agents, context freshness, MCP inventory, models and exceptions.

use super::grade;
use super::model::{
    Context, ContextFile, EXPIRING_DAYS, ExceptionEntry, Findings, Freshness, McpEntry, ModelEntry,
    RepoCard, Status,
};
use crate::classify::FileKind;
use crate::config::Config;
use crate::engine::{self, ScanOptions};
use crate::report::Report;
use crate::rules::{Family, FileCtx};
use crate::source::{self};
use std::path::Path;

/// Scans the repository at `path` and builds its scorecard. `config`: one policy for all
/// (absolute path), else the repository's own `.agentgate.yaml`. `today`: days since 1970.
fn gate(cfg: &Config) -> super::model::Gate {
    let lowered = cfg
        .severity
        .iter()
        .filter(|(key, sev)| crate::rules::lookup(key).is_none_or(|r| *sev < r.severity))
        .map(|(key, _)| key.clone())
        .collect();
    super::model::Gate {
        exclude: cfg.exclude_patterns.clone(),
        ignore: cfg.ignore.clone(),
        lowered,
    }
}

pub fn build(
    name: &str,
    path: &Path,
    config: Option<&Path>,
    today: i64,
) -> Result<RepoCard, crate::error::Error> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    if !meta.is_dir() {
        return Err(format!("{} is not a directory", path.display()).into());
    }
    std::fs::read_dir(path).map_err(|e| format!("cannot list {}: {e}", path.display()))?;
    let root = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let opts = ScanOptions {
        paths: vec![root.clone()],
        config: config.map(Path::to_path_buf),
        layer_config: true,
        ..ScanOptions::default()
    };
    // One run: the scorecard reads the engine's own config and parsed files.
    let engine::Scan {
        report,
        config: cfg,
        files,
    } = engine::scan_in(&opts, Some(&root)).map_err(|e| e.to_string())?;
    let mut card = RepoCard {
        name: name.to_string(),
        path: path.display().to_string(),
        status: Status::Ok,
        files_scanned: report.files_scanned,
        agent_files: report.agent_files,
        unreadable_files: report.incomplete.len(),
        agents: agents(&files),
        context: context(&root, &files, &cfg, today),
        findings: findings(&report),
        mcp_servers: mcp_servers(&files),
        models: models(&files),
        prompt_caching_disabled: prompt_caching_disabled(&files),
        exceptions: exceptions(&cfg, today),
        skills: skills(&files, &cfg.policy),
        gate: gate(&cfg),
        ..RepoCard::default()
    };
    card.drift = report
        .diagnostics
        .iter()
        .filter(|d| d.rule.family == Family::Policy && !is_exception_rule(d.rule.code))
        .count();
    card.secrets = report
        .diagnostics
        .iter()
        .filter(|d| reports_credential(d.rule))
        .count();
    card.permission_risk = grade::permission_risk(&card.findings);
    let no_context = !card.agents.is_empty() && card.context.freshness == Freshness::Missing;
    card.grade = Some(grade::grade(&card.findings, no_context));
    // A repository the scan could not see whole gets no grade: it is reported as failed,
    // with what was not checked, never scored on what was.
    if report.is_incomplete() {
        card.status = Status::Failed;
        card.grade = None;
        let first: Vec<String> = report
            .incomplete
            .iter()
            .take(3)
            .map(|(p, why)| format!("{p}: {why}"))
            .collect();
        card.error = Some(format!(
            "scan incomplete: {} file(s) could not be checked ({}{})",
            report.incomplete.len(),
            first.join("; "),
            if report.incomplete.len() > 3 {
                "; …"
            } else {
                ""
            }
        ));
    }
    card.policy = applied_policy(&cfg, config, &root);
    card.team = cfg
        .policy
        .attribution
        .repos
        .get(name)
        .cloned()
        .or_else(|| codeowners_team(&root))
        .map(|t| crate::mask::printable(&t));
    Ok(card)
}

/// Rules outside the secrets family whose findings are credentials (codes are never reused):
/// AG202, an MCP server's literal credential.
const CREDENTIAL_RULES: &[&str] = &["AG202"];

/// Whether a finding of `rule` is a credential in the repository.
fn reports_credential(rule: &crate::rules::Rule) -> bool {
    rule.family == Family::Secrets || CREDENTIAL_RULES.contains(&rule.code)
}

/// The default owner (`*`, the last such line wins, as in GitHub) of the repository's
/// CODEOWNERS, without `@` and organisation: `@example/payments` → `payments`.
fn codeowners_team(root: &Path) -> Option<String> {
    for rel in [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] {
        let path = root.join(rel);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_file() || meta.len() > 1 << 20 {
            continue;
        }
        let text = std::fs::read_to_string(&path).ok()?;
        let owner = text
            .lines()
            .rev()
            .map(str::trim)
            .filter(|l| !l.starts_with('#'))
            .find_map(|l| {
                let mut words = l.split_whitespace();
                (words.next()? == "*").then(|| words.next()).flatten()
            })?;
        let owner = owner.trim_start_matches('@');
        return Some(owner.rsplit('/').next().unwrap_or(owner).to_string());
    }
    None
}

/// Which configuration and packs judged the repository.
fn applied_policy(
    cfg: &Config,
    central: Option<&Path>,
    root: &Path,
) -> super::model::AppliedPolicy {
    let name = |p: &Path| {
        p.file_name()
            .map(|n| crate::mask::printable(&n.to_string_lossy()))
    };
    // The repository's own file, and the central one layered over it.
    let own = cfg
        .path
        .as_deref()
        .filter(|p| p.starts_with(root))
        .and_then(name);
    let config = match (own, central.and_then(name)) {
        (Some(own), Some(c)) => Some(format!("{own} + {c}")),
        (own, c) => own.or(c),
    };
    super::model::AppliedPolicy {
        config,
        packs: cfg
            .policy
            .layers
            .iter()
            .map(|l| {
                let name = l.rsplit(['/', '\\']).next().unwrap_or(l);
                crate::mask::printable(name)
            })
            .collect(),
    }
}

/// AG601/AG602/AG612 are about exceptions and directives themselves, not drift from the policy.
fn is_exception_rule(code: &str) -> bool {
    code == crate::exceptions::EXPIRED_EXCEPTION.code
        || code == crate::exceptions::UNUSED_EXCEPTION.code
        || code == crate::directives::BAD_IGNORE_DIRECTIVE.code
}

/// The repository's agent files, read and ready to parse (sorted by path).
/// The agent that owns each file kind — only kinds specific to one agent: AGENTS.md is the
/// shared standard many agents read, so it shows no agent's adoption.
fn agents(files: &[FileCtx]) -> Vec<String> {
    let mut out: Vec<crate::classify::Agent> = files
        .iter()
        .filter(|f| {
            !matches!(
                f.kind,
                FileKind::ClaudeLocalMd | FileKind::ClaudeLocalSettings | FileKind::AgentsMd
            )
        })
        .filter_map(|f| f.kind.agents().first().copied())
        .collect();
    out.sort();
    out.dedup();
    out.into_iter().map(|a| a.name().to_string()).collect()
}

/// `today`: days since 1970; a file's `days` count from its last change to the scan date.
fn context(root: &Path, files: &[FileCtx], cfg: &Config, today: i64) -> Context {
    let paths: Vec<String> = files
        .iter()
        .filter(|f| f.kind.is_context())
        .map(|f| f.path.clone())
        .collect();
    if paths.is_empty() {
        return Context {
            freshness: Freshness::Missing,
            ..Context::default()
        };
    }
    let stats = if root.join(".git").exists() {
        source::git::staleness(root, &paths, 10_000)
    } else {
        None
    };
    let t = cfg.stale;
    let mut out = Context::default();
    for (i, path) in paths.into_iter().enumerate() {
        let s = stats.as_ref().and_then(|v| v.get(i).cloned().flatten());
        out.files.push(match s {
            Some(s) => {
                let days = crate::usage::time::parse(&s.last_changed)
                    .map_or(s.days, |t| (today - t.div_euclid(86_400)).max(0));
                ContextFile {
                    path,
                    stale: days >= t.days && (s.commits >= t.commits || s.files >= t.files),
                    last_changed: Some(s.last_changed),
                    days: Some(days),
                    commits_since: Some(s.commits),
                    files_changed_since: Some(s.files),
                }
            }
            None => ContextFile {
                path,
                ..ContextFile::default()
            },
        });
    }
    out.max_days = out.files.iter().filter_map(|f| f.days).max();
    out.freshness = if out.files.iter().any(|f| f.stale) {
        Freshness::Stale
    } else if out.files.iter().any(|f| f.days.is_some()) {
        Freshness::Fresh
    } else {
        Freshness::Unknown
    };
    out
}

fn findings(report: &Report) -> Findings {
    let mut f = Findings {
        suppressed: report.suppressed.len(),
        ..Findings::default()
    };
    for d in &report.diagnostics {
        let c = f
            .by_family
            .entry(d.rule.family.as_str().to_string())
            .or_default();
        match d.severity {
            crate::diagnostic::Severity::Error => {
                c.error += 1;
                f.error += 1;
            }
            crate::diagnostic::Severity::Warning => {
                c.warning += 1;
                f.warning += 1;
            }
            crate::diagnostic::Severity::Note => {
                c.note += 1;
                f.note += 1;
            }
        }
        *f.by_rule.entry(d.rule.code.to_string()).or_default() += 1;
    }
    f.total = f.error + f.warning + f.note;
    f
}

fn mcp_servers(files: &[FileCtx]) -> Vec<McpEntry> {
    use crate::model::mcp::Transport;
    let mut out = Vec::new();
    for f in files {
        for s in f.mcp_servers() {
            let transport = match s.transport {
                Transport::Stdio => "stdio",
                Transport::Http => "http",
                Transport::Sse => "sse",
                Transport::Ws => "ws",
                Transport::Unknown => "unknown",
            };
            let (package, version, pinned) = match s.package() {
                Some(spec) => {
                    let (name, version) = split_spec(&spec);
                    (Some(name), version, Some(crate::rules::mcp::is_pinned(s)))
                }
                None => (None, None, None),
            };
            out.push(McpEntry {
                name: crate::mask::printable(&s.name),
                file: f.path.clone(),
                transport: transport.to_string(),
                package,
                version,
                pinned,
            });
        }
    }
    out.sort();
    out
}

/// `@scope/pkg@1.2.3`, `pkg==1.2`, `image:tag`, `image@sha256:…` → (name, version). A
/// spec that looks like a credential is described, never copied.
pub fn split_spec(spec: &str) -> (String, Option<String>) {
    let safe = crate::mask::printable(spec);
    if safe != spec {
        return (safe, None);
    }
    if let Some((name, digest)) = spec.split_once("@sha256:") {
        return (name.to_string(), Some(format!("sha256:{digest}")));
    }
    if let Some((name, v)) = spec.split_once("==") {
        return (name.to_string(), Some(v.to_string()));
    }
    let at = spec
        .char_indices()
        .skip(1)
        .filter(|(_, c)| *c == '@')
        .map(|(i, _)| i)
        .last();
    if let Some(i) = at {
        return (spec[..i].to_string(), Some(spec[i + 1..].to_string()));
    }
    // `registry:5000/image:tag`: the tag is after the last `/`.
    let last = spec.rfind('/').map_or(0, |i| i + 1);
    if let Some(i) = spec[last..].rfind(':') {
        let tag = &spec[last + i + 1..];
        return (spec[..last + i].to_string(), Some(tag.to_string()));
    }
    (spec.to_string(), None)
}

/// `model` from Claude Code settings and subagents, Codex config.toml and Gemini settings.
fn models(files: &[FileCtx]) -> Vec<ModelEntry> {
    let mut out = Vec::new();
    for f in files {
        let value = crate::model::configured_model(f).and_then(|n| n.as_str());
        let Some(model) = value.map(str::trim) else {
            continue;
        };
        if model.is_empty() || model == "inherit" {
            continue;
        }
        out.push(ModelEntry {
            model: crate::mask::printable(model),
            file: f.path.clone(),
        });
    }
    out.sort();
    out
}

/// `env.DISABLE_PROMPT_CACHING` set (to anything but `0`/`false`/empty) in a committed
/// Claude Code settings file.
/// The repository's Claude Code skills against the library (the judgement of AG610).
fn skills(files: &[FileCtx], policy: &crate::policy::Policy) -> Vec<super::model::SkillEntry> {
    use super::model::{SkillEntry, SkillState};
    use crate::rules::policy::{SkillDrift, skill_drift};
    let mut out: Vec<SkillEntry> = files
        .iter()
        .filter(|f| f.kind == FileKind::ClaudeSkill)
        .filter_map(|f| {
            let name = f.path.rsplit('/').nth(1)?;
            let lib = policy.skills.get(name);
            let state = match lib.map(|l| skill_drift(&f.text, l)) {
                None => SkillState::Own,
                Some(SkillDrift::Current) => SkillState::Current,
                Some(SkillDrift::Older | SkillDrift::Unversioned) => SkillState::Outdated,
                Some(SkillDrift::Modified) => SkillState::Modified,
            };
            Some(SkillEntry {
                name: crate::mask::printable(name),
                version: crate::policy::skill_version(&f.text).map(|v| crate::mask::printable(&v)),
                library_version: lib.map(|l| l.version.clone()),
                state,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn prompt_caching_disabled(files: &[FileCtx]) -> bool {
    files.iter().any(|f| {
        f.kind == FileKind::ClaudeSettings
            && f.tree()
                .and_then(|t| t.pointer(&["env", "DISABLE_PROMPT_CACHING"]))
                .and_then(|n| match &n.value {
                    crate::syntax::Value::String(s) | crate::syntax::Value::Number(s) => {
                        Some(!matches!(s.trim(), "" | "0" | "false"))
                    }
                    crate::syntax::Value::Bool(b) => Some(*b),
                    _ => None,
                })
                .unwrap_or(false)
    })
}

fn exceptions(cfg: &Config, today: i64) -> Vec<ExceptionEntry> {
    cfg.exceptions
        .iter()
        .map(|e| {
            let days_left = e.expires.map(|x| x - today);
            let status = match days_left {
                None => "permanent",
                Some(d) if d < 0 => "expired",
                Some(d) if d <= EXPIRING_DAYS => "expiring",
                Some(_) => "active",
            };
            ExceptionEntry {
                rule: e.rule.clone(),
                path: e.path.clone(),
                reason: e.reason.clone(),
                approved_by: e.approved_by.clone(),
                expires: e.expires.map(|d| source::git::date(d * 86_400)),
                days_left,
                status: status.to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_specs() {
        let cases: &[(&str, &str, Option<&str>, bool)] = &[
            (
                "@modelcontextprotocol/server-github@1.2.3",
                "@modelcontextprotocol/server-github",
                Some("1.2.3"),
                true,
            ),
            ("@scope/pkg", "@scope/pkg", None, false),
            ("pkg@latest", "pkg", Some("latest"), false),
            ("pkg@^1.2", "pkg", Some("^1.2"), false),
            (
                "mcp-server-fetch==2025.1.17",
                "mcp-server-fetch",
                Some("2025.1.17"),
                true,
            ),
            (
                "ghcr.io/org/server:1.4.2",
                "ghcr.io/org/server",
                Some("1.4.2"),
                true,
            ),
            (
                "localhost:5000/server",
                "localhost:5000/server",
                None,
                false,
            ),
            (
                "mcp/fetch@sha256:abc",
                "mcp/fetch",
                Some("sha256:abc"),
                true,
            ),
            ("pkg@1.x", "pkg", Some("1.x"), false),
        ];
        for (spec, name, version, _) in cases {
            let (n, v) = split_spec(spec);
            assert_eq!((n.as_str(), v.as_deref()), (*name, *version), "{spec}");
        }
    }

    /// The scorecard's `pinned` is AG201's: one definition, so they cannot disagree.
    #[test]
    fn pinned_agrees_with_ag201() {
        let cases: &[(&str, &str, bool)] = &[
            ("npx", "\"-y\", \"@scope/server-filesystem@1.2\"", false),
            ("npx", "\"-y\", \"@scope/server-filesystem@1.2.3\"", true),
            ("npx", "\"pkg@latest\"", false),
            ("uvx", "\"mcp-server-fetch==2025.4.7\"", true),
            ("uvx", "\"mcp-server-fetch\"", false),
            ("docker", "\"run\", \"-i\", \"mcp/fetch@sha256:abc\"", true),
            ("docker", "\"run\", \"-i\", \"mcp/fetch\"", false),
        ];
        for (cmd, args, pinned) in cases {
            let text = format!(
                "{{\"mcpServers\": {{\"s\": {{\"command\": \"{cmd}\", \"args\": [{args}]}}}}}}"
            );
            let file = FileCtx::new(
                ".mcp.json",
                crate::classify::FileKind::McpJson,
                text.clone(),
            );
            let card = mcp_servers(std::slice::from_ref(&file));
            assert_eq!(card[0].pinned, Some(*pinned), "{cmd} {args}");
            let ag201 = crate::rules::test_support::run(".mcp.json", &text)
                .iter()
                .any(|d| d.rule.code == "AG201");
            assert_eq!(ag201, !pinned, "{cmd} {args}");
        }
    }

    #[test]
    fn a_credential_in_place_of_a_package_is_not_copied() {
        let token = "Zq8Rk2mVx7LpT4nWc9YbH3sJd6FgA1eQ"; // agentgate:allow: a fake credential for this test
        let (name, version) = split_spec(token);
        assert!(!name.contains(token) && version.is_none(), "{name}");
    }

    #[test]
    fn models_from_each_agent() {
        let files = vec![
            FileCtx::new(
                ".claude/settings.json",
                FileKind::ClaudeSettings,
                "{\"model\": \"opus\"}",
            ),
            FileCtx::new(
                ".claude/agents/review.md",
                FileKind::ClaudeAgent,
                "---\nname: review\nmodel: haiku\n---\nReview.\n",
            ),
            FileCtx::new(
                ".claude/agents/plain.md",
                FileKind::ClaudeAgent,
                "---\nname: plain\nmodel: inherit\n---\nx\n",
            ),
            FileCtx::new(
                ".codex/config.toml",
                FileKind::CodexConfig,
                "model = \"gpt-5-codex\"\n",
            ),
            FileCtx::new(
                ".gemini/settings.json",
                FileKind::GeminiSettings,
                "{\"model\": {\"name\": \"gemini-2.5-pro\"}}",
            ),
        ];
        for f in &files {
            assert_eq!(crate::classify::classify(&f.path), f.kind, "{}", f.path);
        }
        let got: Vec<(String, String)> = models(&files)
            .into_iter()
            .map(|m| (m.model, m.file))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "gemini-2.5-pro".to_string(),
                    ".gemini/settings.json".to_string()
                ),
                ("gpt-5-codex".into(), ".codex/config.toml".into()),
                ("haiku".into(), ".claude/agents/review.md".into()),
                ("opus".into(), ".claude/settings.json".into()),
            ]
        );
    }
}
