//! Organisation policy packs: a directory with `policy.yaml` (and optionally `templates/`
//! and `skills/`), named by `extends:` in `.agentgate.yaml` — a local path or a git repository
//! at a ref — and able to extend another pack (org → department → team). Later layers add to
//! earlier ones; map entries of a later layer replace the earlier value.

pub mod export;
pub mod fetch;
pub mod template;
pub mod vendor;

use crate::config::error::ConfigError;
use crate::diagnostic::Severity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where a pack lives: a directory, or a path inside a git repository at a ref.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum PackRef {
    Path(String),
    Git(GitPack),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitPack {
    /// A repository: a local path, `file://`, `https://` or `ssh` URL.
    pub git: String,
    /// A tag, branch or commit (default `HEAD`).
    #[serde(default, rename = "ref")]
    pub rev: Option<String>,
    /// The pack's directory inside the repository (default: its root).
    #[serde(default)]
    pub path: Option<String>,
}

/// One or several packs. `Many` comes first: serde would otherwise read a list of paths as a
/// git pack (a struct deserializes from a sequence too).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Extends {
    Many(Vec<PackRef>),
    One(PackRef),
}

impl Extends {
    pub fn packs(&self) -> Vec<&PackRef> {
        match self {
            Extends::One(p) => vec![p],
            Extends::Many(v) => v.iter().collect(),
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    #[serde(default, skip_serializing)]
    pub extends: Option<Extends>,
    #[serde(default)]
    pub require: Require,
    #[serde(default)]
    pub forbid: Forbid,
    #[serde(default)]
    pub mcp: McpPolicy,
    #[serde(default)]
    pub models: ModelPolicy,
    /// Severity overrides by rule selector; the repository's own config overrides these.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// What a repository may not turn off: rules (always run, never below their severity,
    /// never suppressed) and `.agentgate.yaml` keys it may not set.
    #[serde(default)]
    pub locked: Locked,
    /// How usage exports are attributed to teams and repositories (`fleet usage`).
    #[serde(default)]
    pub attribution: AttributionPolicy,
    /// Usage thresholds that become fleet findings (`fleet scan --usage`), never commit-time
    /// findings.
    #[serde(default)]
    pub usage: UsagePolicy,
    /// Context-file templates from the packs' `templates/` directories, by repository path.
    #[serde(default, skip_deserializing)]
    pub templates: BTreeMap<String, template::Template>,
    /// The organisation's skill library from the packs' `skills/` directories, by name.
    #[serde(default, skip_deserializing)]
    pub skills: BTreeMap<String, LibrarySkill>,
    /// Custom secret rules from the packs' `rules/*.yaml`: (file, YAML), in the built-in format.
    #[serde(default, skip_deserializing, serialize_with = "names")]
    pub secret_rules: Vec<(String, String)>,
    /// Additions to the built-in knowledge tables from the packs' `knowledge/<table>.yaml`:
    /// (file, YAML), in the built-in tables' format (see `model::knowledge`).
    #[serde(default, skip_deserializing, serialize_with = "names")]
    pub knowledge: Vec<(String, String)>,
    /// The packs this policy was assembled from, root first (filled in by [`load`]).
    #[serde(default, skip_deserializing)]
    pub layers: Vec<String>,
}

fn names<S: serde::Serializer>(packs: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(packs.iter().map(|(name, _)| name))
}

/// Which models the configurations may name. Patterns are case-insensitive globs.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelPolicy {
    /// Models the project default must not be (e.g. the most expensive tier: `"*opus*"`).
    #[serde(default)]
    pub forbid_default: Vec<String>,
    /// Subagents whose name matches `match` must name a model matching `allow`.
    #[serde(default)]
    pub subagents: Vec<SubagentModels>,
    /// The models people may pick at all (aliases, prefixes or IDs, in the agents' own
    /// terms): exported to the runtime policy files (`policy export`), not glob patterns.
    #[serde(default)]
    pub available: Vec<String>,
    /// Models nobody may pick, even when `available` names them (exported likewise).
    #[serde(default)]
    pub denied: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SubagentModels {
    #[serde(rename = "match")]
    pub names: Vec<String>,
    pub allow: Vec<String>,
}

/// Where usage rows belong (docs/usage.md, "Attribution").
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AttributionPolicy {
    /// Attribute keys naming the repository (default `repo`, `repository`,
    /// `vcs.repository.name`), first match wins.
    #[serde(default)]
    pub repo_keys: Vec<String>,
    /// Attribute keys naming the team (default `team`, `team.id`).
    #[serde(default)]
    pub team_keys: Vec<String>,
    /// Anthropic workspace id → team/repository.
    #[serde(default)]
    pub workspaces: BTreeMap<String, AttributionTarget>,
    /// API key id → team/repository.
    #[serde(default)]
    pub api_keys: BTreeMap<String, AttributionTarget>,
    /// User (e-mail, account id or login; e-mails case-insensitive) → team/repository.
    #[serde(default)]
    pub users: BTreeMap<String, AttributionTarget>,
    /// IdP group (`user.groups`) → team/repository.
    #[serde(default)]
    pub groups: BTreeMap<String, AttributionTarget>,
    /// Repository → team, for rows placed by repository only.
    #[serde(default)]
    pub repos: BTreeMap<String, String>,
}

#[derive(Debug, Default, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AttributionTarget {
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default)]
    pub repo: Option<String>,
}

/// Usage thresholds (docs/usage.md, "Thresholds"). Unset thresholds are not checked.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UsagePolicy {
    /// A repository's token-weighted cache hit ratio must be at least this (0–1).
    #[serde(default)]
    pub min_cache_hit_ratio: Option<f64>,
    /// The share of subagent spend (cost, else tokens) on top-tier models must be at most this.
    #[serde(default)]
    pub max_subagent_top_tier_share: Option<f64>,
    /// Models that count as the top tier (case-insensitive globs; default `*opus*`).
    #[serde(default)]
    pub top_tier: Vec<String>,
    /// A repository-week whose spend has a robust z-score above this is a finding
    /// (against the fleet that week, and against its own trailing four weeks).
    #[serde(default)]
    pub max_spend_z: Option<f64>,
}

/// A skill of the organisation's library: `skills/NAME/SKILL.md` in a pack.
#[derive(Debug, Clone, Serialize)]
pub struct LibrarySkill {
    /// `version:` (or `metadata.version`) from the skill's front matter.
    pub version: String,
    /// Hash of SKILL.md (line endings normalized): a vendored copy must match it.
    pub hash: String,
    pub pack: String,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Locked {
    /// Rule selectors (codes, names, families, prefixes).
    #[serde(default)]
    pub rules: Vec<String>,
    /// Repository config keys that may not be set: `exclude`, `exceptions`, `max_file_size`,
    /// `rules` (select, ignore and severity), `baseline`.
    #[serde(default)]
    pub settings: Vec<String>,
}

/// The keys `locked.settings` may name.
pub const LOCKABLE_SETTINGS: &[&str] = &[
    "exclude",
    "exceptions",
    "max_file_size",
    "rules",
    "baseline",
];

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Require {
    /// Repository paths that must exist (e.g. `AGENTS.md`).
    #[serde(default)]
    pub context_files: Vec<String>,
    /// Headings each context file must contain, by path.
    #[serde(default)]
    pub sections: BTreeMap<String, Vec<String>>,
    /// Claude Code deny rules the effective project settings must contain.
    #[serde(default)]
    pub claude_deny: Vec<String>,
    /// Dotted Claude Code settings keys and the value the project settings must set
    /// (guardrails such as `permissions.blockWritesOutsideWorkingDirectories: true`).
    #[serde(default)]
    pub claude_settings: BTreeMap<String, serde_json::Value>,
    /// Claude Code rules that always ask first: exported to the runtime policy files
    /// (`policy export`), where the client enforces them.
    #[serde(default)]
    pub claude_ask: Vec<String>,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Forbid {
    /// Dotted Claude Code settings keys and the value they must not have (`"*"`: any value).
    #[serde(default)]
    pub claude_settings: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct McpPolicy {
    /// Approved servers: `package@version` (npm), `package==version` (Python), `image:tag`, or a
    /// remote URL prefix. When the list is non-empty, every other server is reported.
    #[serde(default)]
    pub allow: Vec<String>,
}

impl Policy {
    /// Adds a later policy: lists are unions, maps and single values are the later one's,
    /// locks only accumulate.
    pub fn merge(&mut self, later: Policy) {
        for l in &later.layers {
            if !self.layers.contains(l) {
                self.layers.push(l.clone());
            }
        }
        let union = |a: &mut Vec<String>, b: Vec<String>| {
            for x in b {
                if !a.contains(&x) {
                    a.push(x);
                }
            }
        };
        union(&mut self.require.context_files, later.require.context_files);
        for (k, v) in later.require.sections {
            self.require.sections.insert(k, v);
        }
        union(&mut self.require.claude_deny, later.require.claude_deny);
        for (k, v) in later.require.claude_settings {
            self.require.claude_settings.insert(k, v);
        }
        union(&mut self.require.claude_ask, later.require.claude_ask);
        for (k, v) in later.forbid.claude_settings {
            self.forbid.claude_settings.insert(k, v);
        }
        union(&mut self.mcp.allow, later.mcp.allow);
        union(&mut self.models.forbid_default, later.models.forbid_default);
        self.models.subagents.extend(later.models.subagents);
        union(&mut self.models.available, later.models.available);
        union(&mut self.models.denied, later.models.denied);
        self.severity.extend(later.severity);
        // Locks only accumulate: a later pack cannot unlock what an earlier one locked.
        union(&mut self.locked.rules, later.locked.rules);
        union(&mut self.locked.settings, later.locked.settings);
        for (file, text) in later.secret_rules {
            if !self.secret_rules.iter().any(|(f, _)| *f == file) {
                self.secret_rules.push((file, text));
            }
        }
        for (file, text) in later.knowledge {
            if !self.knowledge.iter().any(|(f, _)| *f == file) {
                self.knowledge.push((file, text));
            }
        }
        let a = later.attribution;
        if !a.repo_keys.is_empty() {
            self.attribution.repo_keys = a.repo_keys;
        }
        if !a.team_keys.is_empty() {
            self.attribution.team_keys = a.team_keys;
        }
        self.attribution.workspaces.extend(a.workspaces);
        self.attribution.api_keys.extend(a.api_keys);
        self.attribution.users.extend(a.users);
        self.attribution.groups.extend(a.groups);
        self.attribution.repos.extend(a.repos);
        let u = later.usage;
        self.usage.min_cache_hit_ratio = u.min_cache_hit_ratio.or(self.usage.min_cache_hit_ratio);
        self.usage.max_subagent_top_tier_share = u
            .max_subagent_top_tier_share
            .or(self.usage.max_subagent_top_tier_share);
        self.usage.max_spend_z = u.max_spend_z.or(self.usage.max_spend_z);
        if !u.top_tier.is_empty() {
            self.usage.top_tier = u.top_tier;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }
}

/// How deep `extends:` chains may go, and how many distinct packs one policy may load.
const MAX_DEPTH: usize = 32;
const MAX_PACKS: usize = 256;

/// Packs being loaded (the chain, for cycles and depth) and loaded (each pack once).
#[derive(Default)]
struct Loading {
    stack: Vec<PathBuf>,
    done: std::collections::HashSet<PathBuf>,
}

/// Loads the packs named by `extends` (relative to `base`), each after the packs it extends.
/// A pack reached twice (a diamond) is applied once; chains deeper than [`MAX_DEPTH`] and
/// more than [`MAX_PACKS`] packs are configuration errors, so a hostile chain cannot exhaust
/// the stack or the machine.
pub fn load(extends: &Extends, base: &Path) -> Result<Policy, Box<ConfigError>> {
    let mut policy = Policy::default();
    let mut loading = Loading::default();
    for pack in extends.packs() {
        let (dir, origin) = locate(pack, base)?;
        load_into(&dir, origin, &mut policy, &mut loading)?;
    }
    Ok(policy)
}

/// A pack directory on disk: local packs as they are, git packs checked out into the cache.
/// Git packs also return where they came from (`URL@ref (commit …)`) for `policy show`.
fn locate(pack: &PackRef, base: &Path) -> Result<(PathBuf, Option<String>), Box<ConfigError>> {
    match pack {
        PackRef::Path(p) => {
            let dir = base.join(p);
            // A pack declared below the config's directory is repository content: it may not
            // lead elsewhere through a symbolic link. (A path that says `../platform` says
            // where it goes.)
            let lexical = crate::fsx::normalize(&dir);
            if lexical.starts_with(crate::fsx::normalize(base))
                && std::fs::symlink_metadata(&dir).is_ok()
                && !crate::fsx::stays_inside(&dir, base)
            {
                return Err(ConfigError::plain(format!(
                    "policy pack `{p}` leads out of {} through a symbolic link; not followed",
                    base.display()
                )));
            }
            Ok((dir, None))
        }
        PackRef::Git(g) => fetch::checkout(g, base)
            .map_err(|e| ConfigError::plain(e.to_string()))
            .map(|(dir, commit)| {
                let rev = g.rev.as_deref().unwrap_or("HEAD");
                (dir, Some(format!("{}@{rev} (commit {commit})", g.git)))
            }),
    }
}

fn load_into(
    dir: &Path,
    origin: Option<String>,
    policy: &mut Policy,
    loading: &mut Loading,
) -> Result<(), Box<ConfigError>> {
    let canonical = std::fs::canonicalize(dir)
        .map_err(|e| ConfigError::plain(format!("policy pack {}: {e}", dir.display())))?;
    if loading.stack.contains(&canonical) {
        let chain: Vec<String> = loading
            .stack
            .iter()
            .chain([&canonical])
            .map(|p| p.display().to_string())
            .collect();
        return Err(ConfigError::plain(format!(
            "policy packs extend each other in a cycle: {}",
            chain.join(" → ")
        )));
    }
    if loading.done.contains(&canonical) {
        return Ok(()); // a diamond: this pack is applied already
    }
    if loading.stack.len() >= MAX_DEPTH {
        return Err(ConfigError::plain(format!(
            "policy packs extend each other more than {MAX_DEPTH} levels deep (at {})",
            canonical.display()
        )));
    }
    if loading.done.len() >= MAX_PACKS {
        return Err(ConfigError::plain(format!(
            "more than {MAX_PACKS} policy packs in one policy (at {})",
            canonical.display()
        )));
    }
    let file = canonical.join("policy.yaml");
    let text = crate::fsx::read_confined_text(&file, &canonical, crate::fsx::SMALL_FILE_CAP)
        .map_err(|e| ConfigError::plain(format!("cannot read the policy pack: {e}")))?;
    let invalid = |offset: usize, message: &str| {
        ConfigError::at_pub(
            &file,
            &text,
            offset,
            format!(
                "invalid policy pack: {}",
                message.lines().next().unwrap_or("")
            ),
        )
    };
    let layer: Policy = if text.trim().is_empty() {
        Policy::default()
    } else {
        serde_saphyr::from_str(&text).map_err(|e| {
            let (offset, _) = crate::config::error::error_span(&text, &e);
            invalid(offset, &e.without_snippet().to_string())
        })?
    };
    for key in &layer.locked.settings {
        if !LOCKABLE_SETTINGS.contains(&key.as_str()) {
            return Err(invalid(
                text.find(key.as_str()).unwrap_or(0),
                &format!(
                    "locked.settings: `{key}` is not a lockable key (expected one of {})",
                    LOCKABLE_SETTINGS.join(", ")
                ),
            ));
        }
    }
    for key in layer.severity.keys().chain(&layer.locked.rules) {
        crate::registry::Selection::new(std::slice::from_ref(key), &[], &[]).map_err(|m| {
            invalid(
                text.find(key.as_str()).unwrap_or(0),
                &format!("severity: {m}"),
            )
        })?;
    }
    loading.stack.push(canonical.clone());
    if let Some(parent) = &layer.extends {
        for pack in parent.packs() {
            let (dir, origin) = locate(pack, &canonical)?;
            load_into(&dir, origin, policy, loading)?;
        }
    }
    loading.stack.pop();
    loading.done.insert(canonical.clone());
    let name = match origin {
        Some(o) => format!("{o} at {}", canonical.display()),
        None => canonical.display().to_string(),
    };
    policy.layers.push(name.clone());
    policy.merge(layer);
    for (path, t) in template::load_dir(&canonical.join("templates"), &canonical, &name)? {
        policy.templates.insert(path, t);
    }
    for (dir, into) in [
        ("rules", &mut policy.secret_rules),
        ("knowledge", &mut policy.knowledge),
    ] {
        into.extend(pack_yaml_files(&canonical, dir)?);
    }
    for (skill, s) in load_skills(&canonical.join("skills"), &canonical, &name)? {
        policy.skills.insert(skill, s);
    }
    Ok(())
}

/// The `*.yaml` files of a pack's `dir` (sorted): (path, text). None when there is no such
/// directory; a directory that is a link out of the pack is an error.
fn pack_yaml_files(canonical: &Path, dir: &str) -> Result<Vec<(String, String)>, Box<ConfigError>> {
    let path = canonical.join(dir);
    let Ok(entries) = std::fs::read_dir(&path) else {
        return Ok(Vec::new());
    };
    if !crate::fsx::stays_inside(&path, canonical) {
        return Err(ConfigError::plain(format!(
            "policy pack {}: `{dir}` leads out of the pack through a symbolic link",
            canonical.display()
        )));
    }
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let text = crate::fsx::read_confined_text(&f, canonical, crate::fsx::SMALL_FILE_CAP)
                .map_err(|e| ConfigError::plain(format!("cannot read the policy pack: {e}")))?;
            Ok((f.display().to_string(), text))
        })
        .collect()
}

/// Normalized content hash of a skill file: the same text with CRLF or LF hashes the same.
pub fn skill_hash(text: &str) -> String {
    crate::secrets::hash(&text.replace("\r\n", "\n"))[..16].to_string()
}

/// The `version` of a skill from its front matter (`version:` or `metadata.version`).
pub fn skill_version(text: &str) -> Option<String> {
    let fm = crate::syntax::yaml::front_matter(text).ok()??;
    let tree = crate::syntax::yaml::parse(fm.text, fm.start).ok()?;
    let node = tree
        .get("version")
        .or_else(|| tree.pointer(&["metadata", "version"]))?;
    match &node.value {
        crate::syntax::Value::String(s) | crate::syntax::Value::Number(s) => Some(s.clone()),
        _ => None,
    }
}

fn load_skills(
    dir: &Path,
    root: &Path,
    pack: &str,
) -> Result<Vec<(String, LibrarySkill)>, Box<ConfigError>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let file = entry.path().join("SKILL.md");
        let text = match crate::fsx::read_confined_text(&file, root, crate::fsx::SMALL_FILE_CAP) {
            Ok(text) => text,
            Err(e) if e.is_not_found() => continue, // not a skill directory
            Err(e) => {
                return Err(ConfigError::plain(format!(
                    "cannot read the policy pack: {e}"
                )));
            }
        };
        let version = skill_version(&text).ok_or_else(|| {
            ConfigError::plain(format!(
                "{}: a library skill needs `version:` in its front matter",
                file.display()
            ))
        })?;
        out.push((
            entry.file_name().to_string_lossy().into_owned(),
            LibrarySkill {
                version,
                hash: skill_hash(&text),
                pack: pack.to_string(),
            },
        ));
    }
    Ok(out)
}
