//! The fleet report as data: one scorecard per repository and an organisation summary. This
//! is the versioned JSON schema (docs/fleet.md); the renderers only read it.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Bumped on any incompatible change of the JSON below.
pub const SCHEMA_VERSION: u32 = 1;

/// Days before its expiry an exception counts as expiring.
pub const EXPIRING_DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FleetReport {
    pub schema_version: u32,
    /// RFC 3339, UTC (`SOURCE_DATE_EPOCH` when set, for reproducible output).
    pub generated_at: String,
    pub agentgate_version: String,
    /// The shard this report covers; `null` for a whole fleet (or a merge).
    pub shard: Option<Shard>,
    /// Sorted by name.
    pub repos: Vec<RepoCard>,
    pub summary: Summary,
    /// Earlier reports (`--history`) and this one, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trend: Vec<TrendPoint>,
    /// The usage report `fleet scan --usage` joined to the scorecards (docs/usage.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<crate::usage::metrics::UsageReport>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 1-based.
    pub index: u32,
    pub count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Ok,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Freshness {
    Fresh,
    Stale,
    Missing,
    #[default]
    Unknown,
}

impl Freshness {
    pub fn as_str(self) -> &'static str {
        match self {
            Freshness::Fresh => "fresh",
            Freshness::Stale => "stale",
            Freshness::Missing => "missing",
            Freshness::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    #[default]
    Low,
    Medium,
    High,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }
}

/// One repository's scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct RepoCard {
    /// Relative to the fleet directory (or the path as listed in `--repos-file`).
    pub name: String,
    pub path: String,
    pub status: Status,
    /// Why the scan failed (`status: failed` only).
    pub error: Option<String>,
    pub files_scanned: usize,
    pub agent_files: usize,
    /// Files that could not be read (the scan is incomplete when non-zero).
    pub unreadable_files: usize,
    /// Agents with configuration in the repository (the owner of each file kind).
    pub agents: Vec<String>,
    pub context: Context,
    pub findings: Findings,
    /// Findings of the policy family (templates, required settings, allowlists, lock file).
    pub drift: usize,
    pub permission_risk: Risk,
    pub mcp_servers: Vec<McpEntry>,
    /// Secrets-family findings (count only; values are never recorded).
    pub secrets: usize,
    pub models: Vec<ModelEntry>,
    pub exceptions: Vec<ExceptionEntry>,
    /// `null` for a repository that failed to scan.
    pub grade: Option<Grade>,
    /// The configuration and packs that judged the repository (empty: no policy applied, so
    /// drift 0 means nothing).
    #[serde(default, skip_serializing_if = "AppliedPolicy::is_empty")]
    pub policy: AppliedPolicy,
    /// The team that owns the repository: the org pack's `attribution.repos`, else the
    /// default owner in CODEOWNERS, else the team most of its usage belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// `env.DISABLE_PROMPT_CACHING` is set in a committed Claude Code settings file.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prompt_caching_disabled: bool,
    /// Observed usage (`fleet scan --usage`), with what the configuration explains of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<RepoUsage>,
    /// The repository's Claude Code skills, compared with the organisation's library.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<SkillEntry>,
    /// How the repository's own config loosens the gate (`fleet diff` reports growth).
    #[serde(default, skip_serializing_if = "Gate::is_empty")]
    pub gate: Gate,
}

/// One skill of a repository (`.claude/skills/NAME/SKILL.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SkillEntry {
    pub name: String,
    /// Its front matter's `version`.
    pub version: Option<String>,
    /// The library's version, when the pack's library has the skill.
    pub library_version: Option<String>,
    pub state: SkillState,
}

/// How a vendored skill stands against the library (the same judgement as AG610).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SkillState {
    /// The library's version, unchanged.
    Current,
    /// An older version than the library's (or none).
    Outdated,
    /// The library's version number with different content: a candidate to contribute back.
    Modified,
    /// Not in the library: the team's own.
    #[default]
    Own,
}

impl SkillState {
    pub fn as_str(self) -> &'static str {
        match self {
            SkillState::Current => "current",
            SkillState::Outdated => "outdated",
            SkillState::Modified => "modified",
            SkillState::Own => "own",
        }
    }
}

/// A library skill across the fleet: who uses it, on which version, who changed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SkillSummary {
    pub name: String,
    pub library_version: Option<String>,
    /// Repositories that vendor it, in any state.
    pub repos: Vec<String>,
    /// Repository → the version it vendors (`none` when it has no version).
    pub versions: BTreeMap<String, String>,
    pub outdated_repos: Vec<String>,
    /// Repositories whose copy differs from the library at the same version.
    pub modified_repos: Vec<String>,
}

/// The repository config's loosenings: what it excludes, switches off or downgrades (how many
/// findings suppressions hide is `findings.suppressed`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Gate {
    pub exclude: Vec<String>,
    pub ignore: Vec<String>,
    /// Rules whose severity the repository lowered.
    pub lowered: Vec<String>,
}

impl Gate {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// One report of the trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct TrendPoint {
    pub generated_at: String,
    pub repos: usize,
    pub average_score: Option<u32>,
    pub errors: usize,
    pub secrets: usize,
    pub drift: usize,
    pub stale: usize,
    pub missing: usize,
    /// Tokens of the joined usage, when the report had `--usage`.
    pub tokens: Option<u64>,
    pub cost_usd: Option<f64>,
}

impl TrendPoint {
    pub fn of(r: &FleetReport) -> TrendPoint {
        let s = &r.summary;
        TrendPoint {
            generated_at: r.generated_at.clone(),
            repos: s.repos,
            average_score: s.average_score,
            errors: s.findings.error,
            secrets: s.secrets,
            drift: s.drift,
            stale: s.freshness.get("stale").copied().unwrap_or(0),
            missing: s.freshness.get("missing").copied().unwrap_or(0),
            tokens: r.usage.as_ref().map(|u| u.totals.tokens),
            cost_usd: r.usage.as_ref().and_then(|u| u.totals.cost_usd),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AppliedPolicy {
    /// The config file's name (`.agentgate.yaml`, or the central `--config`).
    pub config: Option<String>,
    /// The packs it extends, root first (directory names).
    pub packs: Vec<String>,
}

impl AppliedPolicy {
    pub fn is_empty(&self) -> bool {
        self.config.is_none() && self.packs.is_empty()
    }
}

/// A repository's observed usage beside its scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct RepoUsage {
    pub tokens: u64,
    pub cost_usd: Option<f64>,
    pub sessions: u64,
    pub cache_hit_ratio: Option<f64>,
    pub tokens_per_session: Option<f64>,
    /// Share of spend (cost if reported, else tokens) on top-tier models.
    pub top_tier_share: Option<f64>,
    pub subagent_top_tier_share: Option<f64>,
    /// What the configuration explains (stale context vs tokens per session, AG507 vs the
    /// cache hit ratio, a top-tier default model vs its share of spend).
    pub explanations: Vec<String>,
    /// The org pack's `usage:` thresholds this repository does not meet.
    pub findings: Vec<crate::usage::thresholds::UsageFinding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Context {
    pub freshness: Freshness,
    /// Days since the least recently changed context file changed (git history).
    pub max_days: Option<i64>,
    pub files: Vec<ContextFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ContextFile {
    pub path: String,
    /// `YYYY-MM-DD` of the last commit that changed it; `null` outside git or uncommitted.
    pub last_changed: Option<String>,
    /// Days between that commit and the newest commit.
    pub days: Option<i64>,
    /// Commits since then that changed code under the file's directory (code churn).
    pub commits_since: Option<usize>,
    /// Distinct files those commits changed.
    pub files_changed_since: Option<usize>,
    pub stale: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SeverityCount {
    pub error: usize,
    pub warning: usize,
    pub note: usize,
}

impl SeverityCount {
    pub fn total(&self) -> usize {
        self.error + self.warning + self.note
    }

    pub fn add(&mut self, other: &SeverityCount) {
        self.error += other.error;
        self.warning += other.warning;
        self.note += other.note;
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Findings {
    pub total: usize,
    pub error: usize,
    pub warning: usize,
    pub note: usize,
    /// Findings an exception or baseline suppressed (not counted above).
    pub suppressed: usize,
    pub by_family: BTreeMap<String, SeverityCount>,
    pub by_rule: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct McpEntry {
    pub name: String,
    pub file: String,
    /// stdio, http, sse, ws or unknown.
    pub transport: String,
    /// What a runner fetches (`npx`, `uvx`, `docker` …), without the version.
    pub package: Option<String>,
    pub version: Option<String>,
    /// Exact version or digest; `null` when there is no package (a local command or a URL).
    pub pinned: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ModelEntry {
    pub model: String,
    pub file: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ExceptionEntry {
    pub rule: String,
    pub path: String,
    pub reason: String,
    pub approved_by: Option<String>,
    /// `YYYY-MM-DD`.
    pub expires: Option<String>,
    /// Days from the report date to the expiry (negative: expired).
    pub days_left: Option<i64>,
    /// active, expiring (within 30 days), expired or permanent.
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Grade {
    /// 0–100 (see docs/fleet.md for the formula).
    pub score: u32,
    /// A–F.
    pub letter: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Summary {
    pub repos: usize,
    pub scanned: usize,
    pub failed: usize,
    /// Mean score of the scanned repositories, rounded.
    pub average_score: Option<u32>,
    pub grades: BTreeMap<String, usize>,
    pub findings: SeverityCount,
    pub findings_by_family: BTreeMap<String, SeverityCount>,
    pub freshness: BTreeMap<String, usize>,
    /// Scanned repositories by days since their oldest context file changed.
    pub freshness_days: BTreeMap<String, usize>,
    pub permission_risk: BTreeMap<String, usize>,
    pub drift: usize,
    pub secrets: usize,
    pub agents: BTreeMap<String, usize>,
    pub mcp_servers: Vec<McpSummary>,
    pub models: Vec<ModelSummary>,
    /// Expired exceptions and those expiring within 30 days, soonest first.
    pub expiring_exceptions: Vec<ExpiringException>,
    /// The library's skills across the fleet (repositories' own skills are not listed),
    /// most adopted first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<SkillSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct McpSummary {
    /// The package when there is one, else the server name.
    pub key: String,
    pub names: Vec<String>,
    pub transports: Vec<String>,
    pub versions: Vec<String>,
    pub repos: Vec<String>,
    /// Repositories that run it without an exact version.
    pub unpinned_repos: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ModelSummary {
    pub model: String,
    pub repos: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ExpiringException {
    pub repo: String,
    pub rule: String,
    pub path: String,
    pub expires: String,
    pub days_left: i64,
    pub status: String,
}

/// Freshness bucket labels, in display order.
pub const DAY_BUCKETS: &[&str] = &["0-7", "8-30", "31-90", "91+"];

fn day_bucket(days: i64) -> &'static str {
    match days {
        ..=7 => DAY_BUCKETS[0],
        8..=30 => DAY_BUCKETS[1],
        31..=90 => DAY_BUCKETS[2],
        _ => DAY_BUCKETS[3],
    }
}

/// The organisation summary, computed from the scorecards alone (so a merge of shards
/// summarises exactly like a full scan).
pub fn summarize(repos: &[RepoCard]) -> Summary {
    let mut s = Summary {
        repos: repos.len(),
        ..Summary::default()
    };
    for key in ["fresh", "stale", "missing", "unknown"] {
        s.freshness.insert(key.into(), 0);
    }
    for key in DAY_BUCKETS {
        s.freshness_days.insert((*key).into(), 0);
    }
    for key in ["low", "medium", "high"] {
        s.permission_risk.insert(key.into(), 0);
    }
    for key in ["A", "B", "C", "D", "F"] {
        s.grades.insert(key.into(), 0);
    }
    let mut scores = Vec::new();
    // Sets while counting (a list searched per entry was quadratic in a repository with
    // 20,000 servers of one package); sorted lists once at the end.
    let mut mcp: BTreeMap<String, [BTreeSet<String>; 5]> = BTreeMap::new();
    let mut models: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut skills: BTreeMap<String, SkillSummary> = BTreeMap::new();
    for r in repos {
        if r.status == Status::Failed {
            s.failed += 1;
            continue;
        }
        s.scanned += 1;
        if let Some(g) = &r.grade {
            scores.push(g.score);
            *s.grades.entry(g.letter.clone()).or_default() += 1;
        }
        s.findings.error += r.findings.error;
        s.findings.warning += r.findings.warning;
        s.findings.note += r.findings.note;
        for (family, c) in &r.findings.by_family {
            s.findings_by_family
                .entry(family.clone())
                .or_default()
                .add(c);
        }
        *s.freshness
            .entry(r.context.freshness.as_str().into())
            .or_default() += 1;
        if let Some(days) = r.context.max_days {
            *s.freshness_days.entry(day_bucket(days).into()).or_default() += 1;
        }
        *s.permission_risk
            .entry(r.permission_risk.as_str().into())
            .or_default() += 1;
        s.drift += r.drift;
        s.secrets += r.secrets;
        for a in &r.agents {
            *s.agents.entry(a.clone()).or_default() += 1;
        }
        for m in &r.mcp_servers {
            let key = m.package.clone().unwrap_or_else(|| m.name.clone());
            let [names, transports, versions, repos, unpinned] = mcp.entry(key).or_default();
            insert(names, &m.name);
            insert(transports, &m.transport);
            if let Some(v) = &m.version {
                insert(versions, v);
            }
            insert(repos, &r.name);
            if m.pinned == Some(false) {
                insert(unpinned, &r.name);
            }
        }
        for m in &r.models {
            models
                .entry(m.model.clone())
                .or_default()
                .insert(r.name.clone());
        }
        for k in r.skills.iter().filter(|k| k.state != SkillState::Own) {
            let e = skills
                .entry(k.name.clone())
                .or_insert_with(|| SkillSummary {
                    name: k.name.clone(),
                    ..SkillSummary::default()
                });
            // Shards may have judged against different packs: the highest library version wins.
            if e.library_version.is_none() || k.library_version > e.library_version {
                e.library_version.clone_from(&k.library_version);
            }
            e.repos.push(r.name.clone());
            e.versions.insert(
                r.name.clone(),
                k.version.clone().unwrap_or_else(|| "none".into()),
            );
            match k.state {
                SkillState::Outdated => e.outdated_repos.push(r.name.clone()),
                SkillState::Modified => e.modified_repos.push(r.name.clone()),
                _ => {}
            }
        }
        for e in &r.exceptions {
            if let (Some(expires), Some(days_left)) = (&e.expires, e.days_left)
                && days_left <= EXPIRING_DAYS
            {
                s.expiring_exceptions.push(ExpiringException {
                    repo: r.name.clone(),
                    rule: e.rule.clone(),
                    path: e.path.clone(),
                    expires: expires.clone(),
                    days_left,
                    status: e.status.clone(),
                });
            }
        }
    }
    if !scores.is_empty() {
        let sum: u64 = scores.iter().map(|&x| u64::from(x)).sum();
        let n = scores.len() as u64;
        s.average_score = Some(((sum + n / 2) / n) as u32);
    }
    s.mcp_servers = mcp
        .into_iter()
        .map(
            |(key, [names, transports, versions, repos, unpinned])| McpSummary {
                key,
                names: names.into_iter().collect(),
                transports: transports.into_iter().collect(),
                versions: versions.into_iter().collect(),
                repos: repos.into_iter().collect(),
                unpinned_repos: unpinned.into_iter().collect(),
            },
        )
        .collect();
    s.mcp_servers
        .sort_by(|a, b| b.repos.len().cmp(&a.repos.len()).then(a.key.cmp(&b.key)));
    s.models = models
        .into_iter()
        .map(|(model, repos)| ModelSummary {
            model,
            repos: repos.into_iter().collect(),
        })
        .collect();
    s.models.sort_by(|a, b| {
        b.repos
            .len()
            .cmp(&a.repos.len())
            .then(a.model.cmp(&b.model))
    });
    s.skills = skills.into_values().collect();
    for k in &mut s.skills {
        k.repos.sort();
        k.repos.dedup();
        k.outdated_repos.sort();
        k.outdated_repos.dedup();
        k.modified_repos.sort();
        k.modified_repos.dedup();
    }
    s.skills
        .sort_by(|a, b| b.repos.len().cmp(&a.repos.len()).then(a.name.cmp(&b.name)));
    s.expiring_exceptions.sort_by(|a, b| {
        (a.days_left, &a.repo, &a.rule, &a.path).cmp(&(b.days_left, &b.repo, &b.rule, &b.path))
    });
    s
}

fn insert(set: &mut BTreeSet<String>, item: &str) {
    if !set.contains(item) {
        set.insert(item.to_string());
    }
}
