//! `.agentgate.yaml`: rule selection, severities, excludes and the size cap. Found from the
//! scan root upward to the repository root. Unknown keys and wrong types are errors that point
//! into the file.

pub mod edit;
pub mod error;

pub use error::{ConfigError, char_to_byte, error_span};

pub use crate::source::excludes::Excludes;

use crate::diagnostic::Severity;
use crate::registry::{self as rules, Selection};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub const FILE_NAMES: &[&str] = &[".agentgate.yaml", ".agentgate.yml"];
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    max_file_size: Option<Spanned<Size>>,
    #[serde(default)]
    context: RawContext,
    #[serde(default)]
    exceptions: Vec<RawException>,
    #[serde(default)]
    extends: Option<crate::policy::Extends>,
    #[serde(default)]
    policy: RawPolicySettings,
    /// The client versions the repository uses: `claude-code: ">=2.1.320"`.
    #[serde(default)]
    agents: std::collections::BTreeMap<String, Spanned<String>>,
    /// The baseline file (`agentgate baseline` writes it), relative to this file.
    baseline: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicySettings {
    /// How long a fetched git pack is used before it is fetched again: `24h`, `90m`, `3600`.
    refresh: Option<Spanned<Size>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawException {
    rule: Spanned<String>,
    path: String,
    #[serde(default, rename = "match")]
    matches: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    approved_by: Option<String>,
    #[serde(default)]
    expires: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContext {
    stale_commits: Option<usize>,
    stale_files: Option<usize>,
    stale_days: Option<i64>,
    require_per_package: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: HashMap<Spanned<String>, Severity>,
}

/// A byte count: `1048576`, `"512 KiB"`, `"10MB"`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Size {
    Bytes(u64),
    Text(String),
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "error" => Ok(Severity::Error),
            "warning" => Ok(Severity::Warning),
            "note" => Ok(Severity::Note),
            other => Err(serde::de::Error::custom(format!(
                "unknown severity `{other}`, expected error, warning or note"
            ))),
        }
    }
}

/// The resolved configuration.
#[derive(Debug)]
pub struct Config {
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: Vec<(String, Severity)>,
    pub excludes: Excludes,
    pub max_file_size: u64,
    /// When a context file counts as stale (AG509).
    pub stale: StaleThresholds,
    /// Audited exceptions: findings they match are reported as suppressed.
    pub exceptions: Vec<Exception>,
    /// The organisation policy assembled from `extends:` packs.
    pub policy: crate::policy::Policy,
    /// The exclude patterns as written.
    pub exclude_patterns: Vec<String>,
    /// The packs `extends:` names, as written (`path` or `git@ref`).
    pub extends: Vec<String>,
    /// The file's text (empty without a file).
    pub text: String,
    /// Declared client versions (`agents:`): agent name as agentgate's knowledge spells it
    /// (`Claude Code`) and the lowest version the range allows, if it has one.
    pub agents: Vec<(String, Option<Version>)>,
    /// `baseline:`: the accepted findings' file, relative to the project root.
    pub baseline: Option<String>,
}

/// The `agents:` keys agentgate knows and the name its knowledge tables use.
const AGENT_IDS: &[(&str, &str)] = &[
    ("claude-code", "Claude Code"),
    ("codex", "Codex"),
    ("cursor", "Cursor"),
    ("copilot", "GitHub Copilot"),
    ("vscode", "VS Code (GitHub Copilot)"),
    ("gemini-cli", "Gemini CLI"),
    ("opencode", "OpenCode"),
    ("antigravity", "Antigravity"),
    ("windsurf", "Windsurf"),
];

/// A dotted version, compared numerically part by part (`2.1.320`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub Vec<u64>);

impl Version {
    pub fn parse(text: &str) -> Option<Self> {
        let parts: Option<Vec<u64>> = text.trim().split('.').map(|p| p.parse().ok()).collect();
        parts.filter(|p| !p.is_empty()).map(Version)
    }
}

/// The lowest version a range allows: `>=2.1.3`, `>2.1`, `2.1.3`, `=2.1.3`, `>=2, <3`.
/// `Ok(None)` for a range with only upper bounds; `Err` for text that is no range.
fn lower_bound(range: &str) -> Result<Option<Version>, crate::error::Error> {
    let mut low: Option<Version> = None;
    for part in range.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (op, v) = ["<=", ">=", "<", ">", "=", "^", "~"]
            .iter()
            .find_map(|op| part.strip_prefix(op).map(|v| (*op, v)))
            .unwrap_or(("=", part));
        let version = Version::parse(v)
            .ok_or_else(|| format!("`{part}` is not a version comparison like >=2.1.320"))?;
        if matches!(op, ">=" | ">" | "=" | "^" | "~") {
            low = Some(low.map_or(version.clone(), |l| l.max(version)));
        }
    }
    Ok(low)
}

/// How `head` is weaker than `base` (the same repository's config before a change): each
/// item says what and names the key to point at. Used by `--diff`: loosening the gate is
/// part of what a pull request changes.
pub fn weakenings(base: &Config, head: &Config) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let rank = |v: &[(String, Severity)], key: &str| {
        v.iter().rev().find(|(k, _)| k == key).map(|(_, s)| *s)
    };
    for p in &head.exclude_patterns {
        if !base.exclude_patterns.contains(p) {
            out.push((
                "exclude".into(),
                format!("adds `exclude: {p}`: those files are no longer checked"),
            ));
        }
    }
    for i in &head.ignore {
        if !base.ignore.contains(i) {
            out.push((
                "ignore".into(),
                format!("adds `rules.ignore: {i}`: that rule no longer runs"),
            ));
        }
    }
    if !head.select.is_empty() {
        let narrowed =
            base.select.is_empty() || base.select.iter().any(|s| !head.select.contains(s));
        if narrowed {
            out.push((
                "select".into(),
                format!(
                    "narrows `rules.select` to {}: other rules no longer run",
                    head.select.join(", ")
                ),
            ));
        }
    }
    for (key, sev) in &head.severity {
        let was = rank(&base.severity, key)
            .or_else(|| crate::registry::lookup(key).map(|r| r.severity))
            .unwrap_or(Severity::Error);
        if *sev < was {
            out.push((
                key.clone(),
                format!("lowers the severity of {key} from {was} to {sev}"),
            ));
        }
    }
    for e in &head.exceptions {
        let known = base
            .exceptions
            .iter()
            .any(|b| b.rule == e.rule && b.path == e.path && b.matches == e.matches);
        if !known {
            out.push((
                "exceptions".into(),
                format!(
                    "adds an exception for {} on `{}` ({})",
                    e.rule, e.path, e.reason
                ),
            ));
        }
    }
    for x in &base.extends {
        if !head.extends.contains(x) {
            out.push((
                "extends".into(),
                format!("drops `extends: {x}`: that policy no longer applies"),
            ));
        }
    }
    if head.baseline.is_some() && head.baseline != base.baseline {
        out.push((
            "baseline".into(),
            format!(
                "sets `baseline: {}`: the findings it lists are no longer reported",
                head.baseline.as_deref().unwrap_or_default()
            ),
        ));
    }
    if head.max_file_size > base.max_file_size {
        out.push((
            "max_file_size".into(),
            format!(
                "raises max_file_size from {} to {} bytes",
                base.max_file_size, head.max_file_size
            ),
        ));
    }
    out
}

impl Default for Config {
    fn default() -> Self {
        Self {
            path: None,
            select: Vec::new(),
            ignore: Vec::new(),
            severity: Vec::new(),
            excludes: Excludes::default(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            stale: Default::default(),
            exceptions: Vec::new(),
            policy: Default::default(),
            exclude_patterns: Vec::new(),
            agents: Vec::new(),
            extends: Vec::new(),
            text: String::new(),
            baseline: None,
        }
    }
}

/// Looks for a config file in `start` and its parents, stopping after the directory that
/// holds `.git` (the repository root).
pub fn discover(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        for name in FILE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    None
}

/// Loads a discovered config (see [`load_with`]).
pub fn load(path: &Path, project_root: &Path) -> Result<Config, Box<ConfigError>> {
    load_with(path, project_root, true, true)
}

/// `with_extends: false` leaves the policy empty (`--policy` replaces it). A `discovered`
/// config is repository content: a symbolic link that leads out of the repository (or, above
/// it, out of the config's directory) is refused. A config named on the command line is read
/// wherever it is. Either way the read is capped and never opens a FIFO or a device.
pub fn load_with(
    path: &Path,
    project_root: &Path,
    with_extends: bool,
    discovered: bool,
) -> Result<Config, Box<ConfigError>> {
    let read = if discovered {
        let confine = if path.starts_with(project_root) {
            project_root
        } else {
            path.parent().unwrap_or(project_root)
        };
        crate::fsx::read_confined_text(path, confine, crate::fsx::SMALL_FILE_CAP)
    } else {
        crate::fsx::read_text(path, crate::fsx::SMALL_FILE_CAP)
    };
    let text = read.map_err(|e| ConfigError::plain(format!("cannot read config: {e}")))?;
    parse_with(path, &text, project_root, with_extends)
}

pub fn parse(path: &Path, text: &str, project_root: &Path) -> Result<Config, Box<ConfigError>> {
    parse_with(path, text, project_root, true)
}

/// [`parse`] without loading the packs `extends:` names (an old version of the config).
pub fn parse_without_packs(
    path: &Path,
    text: &str,
    project_root: &Path,
) -> Result<Config, Box<ConfigError>> {
    parse_with(path, text, project_root, false)
}

fn parse_with(
    path: &Path,
    text: &str,
    project_root: &Path,
    with_extends: bool,
) -> Result<Config, Box<ConfigError>> {
    let raw: RawConfig = if text.trim().is_empty() {
        RawConfig::default()
    } else {
        serde_saphyr::from_str(text).map_err(|e| {
            let (offset, len) = error_span(text, &e);
            let message = e.without_snippet().to_string();
            let message = message
                .lines()
                .next()
                .unwrap_or("invalid configuration")
                .to_string();
            let mut err = ConfigError::at(
                path,
                text,
                offset,
                len,
                format!("invalid config: {message}"),
                "here",
            );
            err.help =
                Some("see `docs/configuration.md` for the keys agentgate understands".into());
            err
        })?
    };
    let span_of = |s: &Spanned<String>| -> (usize, usize) {
        let span = s.referenced.span();
        let start = span.byte_offset().map_or_else(
            || char_to_byte(text, span.offset() as usize),
            |b| b as usize,
        );
        (start, span.len() as usize)
    };
    let check_selector = |s: &Spanned<String>| -> Result<String, Box<ConfigError>> {
        Selection::new(std::slice::from_ref(&s.value), &[], &[]).map_err(|msg| {
            let (o, l) = span_of(s);
            ConfigError::at(
                path,
                text,
                o,
                l,
                msg.to_string(),
                "not a rule, family or code prefix",
            )
        })?;
        Ok(s.value.clone())
    };
    let select = raw
        .rules
        .select
        .iter()
        .map(check_selector)
        .collect::<Result<_, _>>()?;
    let ignore = raw
        .rules
        .ignore
        .iter()
        .map(check_selector)
        .collect::<Result<_, _>>()?;
    let mut severity = Vec::new();
    let mut entries: Vec<_> = raw.rules.severity.iter().collect();
    entries.sort_by_key(|(k, _)| k.referenced.span().offset());
    for (key, sev) in entries {
        severity.push((check_selector(key)?, *sev));
    }
    let mut exceptions = Vec::new();
    for e in &raw.exceptions {
        let selector = check_selector(&e.rule)?;
        let (offset, len) = span_of(&e.rule);
        let reason = e.reason.as_deref().map(str::trim).unwrap_or("");
        if reason.is_empty() {
            let mut err = ConfigError::at(
                path,
                text,
                offset,
                len,
                "an exception needs a `reason`".into(),
                "this exception",
            );
            err.help =
                Some("say why the finding is acceptable (and who approved it, until when)".into());
            return Err(err);
        }
        let expires = match &e.expires {
            None => None,
            Some(d) => Some(crate::dates::parse_date(&d.value).ok_or_else(|| {
                let (o, l) = span_of(d);
                ConfigError::at(
                    path,
                    text,
                    o,
                    l,
                    format!("invalid `expires` date `{}`", d.value),
                    "expected YYYY-MM-DD",
                )
            })?),
        };
        let glob = Excludes::compile_one(&e.path).map_err(|err| {
            ConfigError::at(
                path,
                text,
                offset,
                len,
                format!("invalid exception path: {err}"),
                "in this exception",
            )
        })?;
        let line = text[..offset.min(text.len())].matches('\n').count() as u32 + 1;
        exceptions.push(Exception {
            rule: selector,
            path: e.path.clone(),
            globs: glob,
            matches: e.matches.clone(),
            reason: reason.to_string(),
            approved_by: e.approved_by.clone(),
            expires,
            line,
        });
    }
    let base = path
        .parent()
        .unwrap_or(Path::new(""))
        .strip_prefix(project_root)
        .unwrap_or(Path::new(""));
    let base = base.to_string_lossy().replace('\\', "/");
    let mut patterns = Vec::new();
    for p in &raw.exclude {
        Excludes::compile_one(&p.value).map_err(|e| {
            let (o, l) = span_of(p);
            ConfigError::at(
                path,
                text,
                o,
                l,
                format!("invalid exclude pattern: {e}"),
                "this glob",
            )
        })?;
        patterns.push(p.value.clone());
    }
    let max_file_size = match &raw.max_file_size {
        None => DEFAULT_MAX_FILE_SIZE,
        Some(size) => parse_size(&size.value).ok_or_else(|| {
            let span = size.referenced.span();
            let start = span.byte_offset().map_or(0, |b| b as usize);
            ConfigError::at(
                path,
                text,
                start,
                span.len() as usize,
                "invalid max_file_size".into(),
                "expected bytes, e.g. 10485760 or \"10 MiB\"",
            )
        })?,
    };
    if let Some(r) = &raw.policy.refresh {
        let secs = parse_duration(&r.value).ok_or_else(|| {
            let span = r.referenced.span();
            let start = span.byte_offset().map_or(0, |b| b as usize);
            ConfigError::at(
                path,
                text,
                start,
                span.len() as usize,
                "invalid policy.refresh".into(),
                "expected a duration, e.g. 24h, 90m or 3600 (seconds)",
            )
        })?;
        crate::policy::fetch::set_ttl(secs);
    }
    let baseline = match &raw.baseline {
        None => None,
        Some(b) => Some(baseline_path(&base, &b.value).ok_or_else(|| {
            let (o, l) = span_of(b);
            ConfigError::at(
                path,
                text,
                o,
                l,
                "invalid `baseline` path".into(),
                "expected a relative path inside the repository",
            )
        })?),
    };
    let policy = match raw.extends.as_ref().filter(|_| with_extends) {
        Some(ext) => crate::policy::load(ext, path.parent().unwrap_or(Path::new(".")))?,
        None => Default::default(),
    };
    // Keys the organisation locked: setting one is an error that points at it.
    for key in &policy.locked.settings {
        let set = match key.as_str() {
            "exclude" => !raw.exclude.is_empty(),
            "exceptions" => !raw.exceptions.is_empty(),
            "max_file_size" => raw.max_file_size.is_some(),
            "baseline" => raw.baseline.is_some(),
            "rules" => {
                !raw.rules.select.is_empty()
                    || !raw.rules.ignore.is_empty()
                    || !raw.rules.severity.is_empty()
            }
            _ => false,
        };
        if set {
            let offset = text
                .find(&format!("{key}:"))
                .or_else(|| text.find(key.as_str()))
                .unwrap_or(0);
            let mut err = ConfigError::at(
                path,
                text,
                offset,
                key.len(),
                format!("`{key}` is locked by the organisation's policy and may not be set here"),
                "locked",
            );
            err.help = Some(format!(
                "the policy ({}) locks it; ask the platform team for an exception in the pack",
                policy.layers.last().map_or("?", String::as_str)
            ));
            return Err(err);
        }
    }
    let mut agents = Vec::new();
    for (id, range) in &raw.agents {
        let (o, l) = span_of(range);
        let Some((_, name)) = AGENT_IDS.iter().find(|(k, _)| k == id) else {
            let known: Vec<&str> = AGENT_IDS.iter().map(|(k, _)| *k).collect();
            let mut err = ConfigError::at(
                path,
                text,
                o,
                l,
                format!("`agents.{id}`: unknown agent"),
                "not an agent agentgate knows",
            );
            err.help = Some(format!("use one of {}", known.join(", ")));
            return Err(err);
        };
        let low = lower_bound(&range.value).map_err(|msg| {
            ConfigError::at(path, text, o, l, msg.to_string(), "not a version range")
        })?;
        agents.push((name.to_string(), low));
    }
    Ok(Config {
        agents,
        path: Some(path.to_path_buf()),
        select,
        ignore,
        severity,
        excludes: Excludes::new(&base, &patterns).map_err(|e| ConfigError::plain(e.to_string()))?,
        max_file_size,
        exceptions,
        policy,
        exclude_patterns: patterns.clone(),
        extends: raw
            .extends
            .as_ref()
            .map(|e| {
                e.packs()
                    .iter()
                    .map(|p| match p {
                        crate::policy::PackRef::Path(p) => p.clone(),
                        crate::policy::PackRef::Git(g) => format!(
                            "{}@{}{}",
                            g.git,
                            g.rev.as_deref().unwrap_or("HEAD"),
                            g.path
                                .as_deref()
                                .map(|p| format!(" ({p})"))
                                .unwrap_or_default()
                        ),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        text: text.to_string(),
        baseline,
        stale: {
            let d = StaleThresholds::default();
            StaleThresholds {
                commits: raw.context.stale_commits.unwrap_or(d.commits),
                files: raw.context.stale_files.unwrap_or(d.files),
                days: raw.context.stale_days.unwrap_or(d.days),
                per_package: raw.context.require_per_package.unwrap_or(d.per_package),
            }
        },
    })
}

/// `baseline:` as a path from the project root: relative, no `..`, joined to the config's
/// directory (`base`).
fn baseline_path(base: &str, value: &str) -> Option<String> {
    let value = value.trim().trim_start_matches("./");
    let bad = value.is_empty()
        || value.starts_with('/')
        || value.contains('\\')
        || value.split('/').any(|c| c == ".." || c.is_empty());
    if bad {
        return None;
    }
    Some(if base.is_empty() {
        value.to_string()
    } else {
        format!("{base}/{value}")
    })
}

/// Seconds from `3600`, `"90m"`, `"24h"`, `"7d"`.
fn parse_duration(d: &Size) -> Option<u64> {
    match d {
        Size::Bytes(n) => Some(*n),
        Size::Text(t) => {
            let t = t.trim();
            let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
            let n: u64 = t[..split].parse().ok()?;
            let mult = match t[split..].trim() {
                "" | "s" => 1,
                "m" => 60,
                "h" => 3600,
                "d" => 86_400,
                _ => return None,
            };
            n.checked_mul(mult)
        }
    }
}

fn parse_size(size: &Size) -> Option<u64> {
    match size {
        Size::Bytes(n) => Some(*n),
        Size::Text(t) => {
            let t = t.trim();
            let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
            let n: u64 = t[..split].parse().ok()?;
            let mult = match t[split..].trim().to_ascii_lowercase().as_str() {
                "" | "b" => 1,
                "k" | "kb" => 1000,
                "kib" => 1024,
                "m" | "mb" => 1_000_000,
                "mib" => 1024 * 1024,
                "g" | "gb" => 1_000_000_000,
                "gib" => 1024 * 1024 * 1024,
                _ => return None,
            };
            n.checked_mul(mult)
        }
    }
}

/// `context.stale_*` in `.agentgate.yaml`.
#[derive(Debug, Clone, Copy)]
pub struct StaleThresholds {
    pub commits: usize,
    pub files: usize,
    pub days: i64,
    /// `context.require_per_package`: every workspace package needs its own context file.
    pub per_package: bool,
}

impl Default for StaleThresholds {
    fn default() -> Self {
        Self {
            commits: 50,
            files: 200,
            days: 30,
            per_package: false,
        }
    }
}

/// An audited exception of `exceptions:` (the suppression stage applies it).
#[derive(Debug, Clone)]
pub struct Exception {
    /// A rule selector (code, name, family, prefix).
    pub rule: String,
    /// The path glob as written (gitignore-style, relative to the project root).
    pub path: String,
    pub globs: Vec<globset::Glob>,
    /// Optional text the finding's message must contain.
    pub matches: Option<String>,
    pub reason: String,
    pub approved_by: Option<String>,
    /// Days since 1970-01-01.
    pub expires: Option<i64>,
    /// Line of the entry in the config file.
    pub line: u32,
}

/// Rule selection from the config with CLI flags layered on top (CLI `--select` replaces
/// the config's; `--ignore` adds to it).
pub fn selection(
    config: &Config,
    select: &[String],
    ignore: &[String],
) -> Result<Selection, crate::error::Error> {
    let select = if select.is_empty() {
        &config.select
    } else {
        select
    };
    let ignore: Vec<String> = config.ignore.iter().chain(ignore).cloned().collect();
    // The packs' severities first: the repository's own config has the last word.
    let severity: Vec<(String, Severity)> = config
        .policy
        .severity
        .iter()
        .map(|(k, v)| (k.clone(), *v))
        .chain(config.severity.iter().cloned())
        .collect();
    // Unknown keys never error, and when every declared version of a client is newer than
    // the schema agentgate has for it, an unknown key may simply be new: a note, not a warning
    // (unless the config sets AG111's severity itself).
    let mut severity = severity;
    let own_ag111 = config
        .severity
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("AG111") || k == "unknown-key");
    if !own_ag111
        && config.agents.iter().any(|(agent, low)| {
            let known = crate::registry::schema::known_as_of(agent).and_then(Version::parse);
            matches!((low, known), (Some(low), Some(known)) if *low > known)
        })
    {
        severity.push(("AG111".to_string(), Severity::Note));
    }
    let mut selection = rules::Selection::new(select, &ignore, &severity)?;
    let locked = &config.policy.locked.rules;
    if !locked.is_empty() {
        selection
            .lock(locked)
            .map_err(|e| format!("invalid locked.rules in the policy: {e}"))?;
        // A flag cannot turn a locked rule off either (a CI workflow is repository content).
        for s in ignore.iter().chain(
            config
                .severity
                .iter()
                .filter(|(_, sev)| *sev != Severity::Error)
                .map(|(s, _)| s),
        ) {
            let hit = selection.locked_by(s);
            if !hit.is_empty() {
                return Err(format!(
                    "`{s}` would turn off or weaken {} locked by the organisation's policy",
                    hit.join(", ")
                )
                .into());
            }
        }
    }
    Ok(selection)
}

/// The organisation's own secret rules (policy packs' `rules/*.yaml`), run beside the
/// built-in pack by AG402/AG403, and registered with the masking boundary: what they detect
/// is masked in every output, whichever rules run.
pub fn org_secrets(
    config: &Config,
) -> Result<Option<std::sync::Arc<crate::secrets::Engine>>, String> {
    if config.policy.secret_rules.is_empty() {
        return Ok(None);
    }
    let engine = crate::secrets::Engine::org(&config.policy.secret_rules)
        .map_err(|e| format!("invalid custom secret rules in the policy: {e}"))?;
    let engine = std::sync::Arc::new(engine);
    crate::mask::register_org(engine.clone());
    Ok(Some(engine))
}

/// A central config (`fleet scan --config`) layered over a repository's own: the central
/// packs are merged after the repository's (their locks bind it), the central rule choices
/// win (`select` if set, severities last), `ignore` and `exclude` are unions, and the
/// repository keeps its exceptions and baseline unless the central policy locks those keys.
pub fn layer(repo: Config, central: Config) -> Config {
    let mut out = repo;
    let locked = |key: &str| central.policy.locked.settings.iter().any(|k| k == key);
    if locked("exceptions") {
        out.exceptions.clear();
    }
    if locked("baseline") {
        out.baseline = None;
    }
    if locked("rules") {
        out.select.clear();
        out.ignore.clear();
        out.severity.clear();
    }
    if locked("exclude") {
        out.exclude_patterns.clear();
        out.excludes = Excludes::default();
    }
    if !central.select.is_empty() {
        out.select = central.select.clone();
    }
    for i in &central.ignore {
        if !out.ignore.contains(i) {
            out.ignore.push(i.clone());
        }
    }
    out.severity.extend(central.severity.iter().cloned());
    let mut patterns = out.exclude_patterns.clone();
    for p in &central.exclude_patterns {
        if !patterns.contains(p) {
            patterns.push(p.clone());
        }
    }
    if patterns != out.exclude_patterns {
        // Central patterns are relative to the repository root.
        out.excludes = Excludes::new("", &patterns).unwrap_or_default();
        out.exclude_patterns = patterns;
    }
    out.max_file_size = out.max_file_size.min(central.max_file_size);
    for x in &central.extends {
        if !out.extends.contains(x) {
            out.extends.push(x.clone());
        }
    }
    out.policy.merge(central.policy);
    out
}

/// `--policy DIR`: use this pack instead of the config's `extends:` (CI pins the policy).
pub fn override_policy(config: &mut Config, pack: &Path) -> Result<(), Box<ConfigError>> {
    let pack = crate::policy::PackRef::Path(pack.to_string_lossy().into_owned());
    let cwd = std::env::current_dir().unwrap_or_default();
    config.policy = crate::policy::load(&crate::policy::Extends::One(pack), &cwd)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Config, Box<ConfigError>> {
        parse(Path::new("/repo/.agentgate.yaml"), text, Path::new("/repo"))
    }

    #[test]
    fn full_config() {
        let c = parse_str(
            "rules:\n  select: [all]\n  ignore: [AG201]\n  severity:\n    bash-wildcard-allow: warning\nexclude: [\"tests/fixtures/**\", \"*.min.js\"]\nmax_file_size: 2 MiB\n",
        )
        .unwrap();
        assert_eq!(c.ignore, ["AG201"]);
        assert_eq!(
            c.severity,
            [("bash-wildcard-allow".to_string(), Severity::Warning)]
        );
        assert_eq!(c.max_file_size, 2 * 1024 * 1024);
        assert!(c.excludes.is_excluded("tests/fixtures/a/.mcp.json"));
        assert!(c.excludes.is_excluded("web/app.min.js"));
        assert!(!c.excludes.is_excluded("tests/unit.rs"));
        assert!(parse_str("").is_ok());
    }

    #[test]
    fn errors_point_into_the_file() {
        let text = "rules:\n  selct: [all]\n";
        let e = parse_str(text).unwrap_err();
        assert!(e.message.contains("selct"), "{}", e.message);
        assert_eq!(e.span.unwrap().offset(), 9, "{e:?}");

        let text = "rules:\n  ignore: [AG999]\n";
        let e = parse_str(text).unwrap_err();
        assert_eq!(
            &text[e.span.unwrap().offset()..e.span.unwrap().offset() + 5],
            "AG999"
        );

        let e = parse_str("max_file_size: lots\n").unwrap_err();
        assert!(e.message.contains("max_file_size"));
        let e = parse_str("rules:\n  severity: {AG101: fatal}\n").unwrap_err();
        assert!(e.message.contains("fatal"), "{}", e.message);
        let e = parse_str("exclude: 3\n").unwrap_err();
        assert!(e.span.is_some());
    }

    #[test]
    fn excludes_relative_to_config_dir() {
        let ex = Excludes::new("sub", &["gen".to_string()]).unwrap();
        assert!(ex.is_excluded("sub/gen/x.json"));
        assert!(ex.is_excluded("sub/a/gen"));
        assert!(!ex.is_excluded("gen/x.json"));
    }
}

#[cfg(test)]
mod agents_tests {
    use super::*;

    #[test]
    fn version_ranges() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert_eq!(lower_bound(">=2.1.320").unwrap(), Some(v("2.1.320")));
        assert_eq!(lower_bound(">=2.1, <3").unwrap(), Some(v("2.1")));
        assert_eq!(lower_bound("2.1.7").unwrap(), Some(v("2.1.7")));
        assert_eq!(lower_bound("<3").unwrap(), None);
        assert!(lower_bound(">=latest").is_err());
        assert!(v("2.1.320") > v("2.1.319"));
        assert!(v("2.10") > v("2.9.9"));
    }
}
