//! Who and where a row belongs to: a repository and a team, from (in this order) the
//! row's own attributes (OpenTelemetry resource and datapoint attributes such as `repo` or
//! `team.id`), the org pack's `attribution:` table (workspace, API key, user or group →
//! team/repository), and for transcripts and rollouts the working directory or git remote,
//! matched to the fleet's clones. Rows that none of these place keep `None` and are counted
//! as unattributed — never dropped. Rules in docs/usage.md.

use super::{Interner, Sym};
use crate::policy::AttributionPolicy;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// What a row says about where it belongs (interned strings of its file).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Hints {
    /// A repository attribute (`repo`, `repository`, `vcs.repository.name` …).
    pub repo: Option<Sym>,
    /// A team attribute (`team`, `team.id` …).
    pub team: Option<Sym>,
    pub workspace: Option<Sym>,
    pub api_key: Option<Sym>,
    /// The user (e-mail, account id or login), as for the `users:` table.
    pub user: Option<Sym>,
    /// IdP groups, comma-separated (`user.groups`).
    pub groups: Option<Sym>,
    /// The working directory of a transcript or rollout.
    pub cwd: Option<Sym>,
    /// A git remote URL (Codex `session_meta.git.repository_url`).
    pub remote: Option<Sym>,
}

/// How a row's repository was found.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    Attribute,
    Table,
    Remote,
    Cwd,
    #[default]
    None,
}

impl Via {
    pub const ALL: [Via; 5] = [Via::Attribute, Via::Table, Via::Remote, Via::Cwd, Via::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Via::Attribute => "attribute",
            Via::Table => "table",
            Via::Remote => "remote",
            Via::Cwd => "cwd",
            Via::None => "none",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolved {
    pub team: Option<String>,
    pub repo: Option<String>,
    pub via: Via,
}

/// A fleet clone a row can be matched to.
#[derive(Debug, Clone, Default)]
pub struct Clone {
    /// The repository's name in the fleet report.
    pub name: String,
    /// Its `origin` remote, normalized (`github.com/org/api`).
    pub remote: Option<String>,
}

impl Clone {
    /// A clone at `dir` named `name`, with the `origin` URL from its `.git/config`.
    pub fn at(name: &str, dir: &Path) -> Clone {
        Clone {
            name: name.to_string(),
            remote: origin_url(dir).map(|u| normalize_remote(&u)),
        }
    }
}

/// The `url` of `[remote "origin"]` in `DIR/.git/config` (read as text, size-capped; the
/// repository is never run).
pub fn origin_url(dir: &Path) -> Option<String> {
    let path = dir.join(".git").join("config");
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > 1 << 20 {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let mut in_origin = false;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            in_origin = l.replace(char::is_whitespace, "") == "[remote\"origin\"]";
        } else if in_origin
            && let Some((k, v)) = l.split_once('=')
            && k.trim() == "url"
        {
            return Some(v.trim().to_string());
        }
    }
    None
}

/// `git@github.com:Org/API.git`, `https://user@github.com/org/api/` → `github.com/org/api`.
pub fn normalize_remote(url: &str) -> String {
    let mut s = url.trim().to_ascii_lowercase();
    if let Some(rest) = s.strip_prefix("git+") {
        s = rest.to_string();
    }
    let had_scheme = match s.find("://") {
        Some(i) => {
            s = s[i + 3..].to_string();
            true
        }
        None => false,
    };
    if let Some(at) = s.find('@')
        && s[..at].chars().all(|c| c != '/')
    {
        s = s[at + 1..].to_string();
    }
    if !had_scheme
        && let Some(colon) = s.find(':')
        && !s[..colon].contains('/')
    {
        s.replace_range(colon..=colon, "/");
    }
    let s = s.trim_end_matches('/');
    s.strip_suffix(".git").unwrap_or(s).to_string()
}

fn last_segment(s: &str) -> &str {
    s.trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(s)
}

#[derive(Debug, Default)]
pub struct Attributor {
    pub repo_keys: Vec<String>,
    pub team_keys: Vec<String>,
    table: AttributionPolicy,
    clones: Vec<Clone>,
    by_name: HashMap<String, usize>,
    by_remote: HashMap<String, usize>,
}

/// Attribute keys read for the repository and team when the pack names none.
pub const DEFAULT_REPO_KEYS: &[&str] = &["repo", "repository", "vcs.repository.name"];
pub const DEFAULT_TEAM_KEYS: &[&str] = &["team", "team.id"];

impl Attributor {
    pub fn new(table: AttributionPolicy, clones: Vec<Clone>) -> Attributor {
        let keys = |given: &[String], default: &[&str]| -> Vec<String> {
            if given.is_empty() {
                default.iter().map(|s| s.to_string()).collect()
            } else {
                given.to_vec()
            }
        };
        let mut a = Attributor {
            repo_keys: keys(&table.repo_keys, DEFAULT_REPO_KEYS),
            team_keys: keys(&table.team_keys, DEFAULT_TEAM_KEYS),
            table,
            ..Attributor::default()
        };
        for (i, c) in clones.iter().enumerate() {
            a.by_name.entry(c.name.to_ascii_lowercase()).or_insert(i);
            a.by_name
                .entry(last_segment(&c.name).to_ascii_lowercase())
                .or_insert(i);
            if let Some(r) = &c.remote {
                a.by_remote.entry(r.clone()).or_insert(i);
                a.by_name.entry(last_segment(r).to_string()).or_insert(i);
            }
        }
        a.clones = clones;
        a
    }

    /// With the defaults (no table, no clones) — for tests and `fleet usage` without a pack.
    pub fn plain() -> Attributor {
        Attributor::new(AttributionPolicy::default(), Vec::new())
    }

    /// The fleet name of a repository value (a name, `org/name` or a URL), if a clone has it.
    fn clone_for(&self, value: &str) -> Option<&str> {
        let v = value.trim();
        let norm = normalize_remote(v);
        self.by_remote
            .get(&norm)
            .or_else(|| self.by_name.get(&v.to_ascii_lowercase()))
            .or_else(|| self.by_name.get(last_segment(&norm)))
            .map(|&i| self.clones[i].name.as_str())
    }

    pub fn resolve(&self, h: &Hints, s: &Interner) -> Resolved {
        let get = |x: Option<Sym>| x.map(|i| s.get(i));
        // Table entries that match this row, in the documented order.
        let mut entries = Vec::new();
        if let Some(w) = get(h.workspace).and_then(|w| self.table.workspaces.get(w)) {
            entries.push(w);
        }
        if let Some(k) = get(h.api_key).and_then(|k| self.table.api_keys.get(k)) {
            entries.push(k);
        }
        if let Some(u) = get(h.user).and_then(|u| {
            self.table
                .users
                .get(&u.to_ascii_lowercase())
                .or_else(|| self.table.users.get(u))
        }) {
            entries.push(u);
        }
        if let Some(groups) = get(h.groups) {
            for g in groups.split(',') {
                if let Some(e) = self.table.groups.get(g.trim()) {
                    entries.push(e);
                }
            }
        }
        let (repo, via) = if let Some(r) = get(h.repo) {
            (
                Some(self.clone_for(r).unwrap_or(r).to_string()),
                Via::Attribute,
            )
        } else if let Some(r) = entries.iter().find_map(|e| e.repo.as_deref()) {
            (Some(r.to_string()), Via::Table)
        } else if let Some(url) = get(h.remote) {
            let name = self
                .clone_for(url)
                .map(str::to_string)
                .unwrap_or_else(|| last_segment(&normalize_remote(url)).to_string());
            (Some(name), Via::Remote)
        } else if let Some(cwd) = get(h.cwd) {
            let base = last_segment(cwd);
            match self.clone_for(base) {
                Some(name) => (Some(name.to_string()), Via::Cwd),
                None if self.clones.is_empty() && !base.is_empty() => {
                    (Some(base.to_string()), Via::Cwd)
                }
                None => (None, Via::None),
            }
        } else {
            (None, Via::None)
        };
        let team = get(h.team)
            .map(str::to_string)
            .or_else(|| entries.iter().find_map(|e| e.team.clone()))
            .or_else(|| repo.as_ref().and_then(|r| self.table.repos.get(r).cloned()));
        Resolved { team, repo, via }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::AttributionTarget;

    #[test]
    fn remotes_normalize() {
        for (url, want) in [
            ("git@github.com:Org/API.git", "github.com/org/api"),
            ("https://user@github.com/org/api/", "github.com/org/api"),
            (
                "ssh://git@gitlab.example.com:2222/team/svc.git",
                "gitlab.example.com:2222/team/svc",
            ),
            ("git+https://github.com/org/web", "github.com/org/web"),
        ] {
            assert_eq!(normalize_remote(url), want, "{url}");
        }
    }

    fn target(team: Option<&str>, repo: Option<&str>) -> AttributionTarget {
        AttributionTarget {
            team: team.map(Into::into),
            repo: repo.map(Into::into),
        }
    }

    #[test]
    fn order_of_sources() {
        let mut table = AttributionPolicy::default();
        table
            .workspaces
            .insert("wrkspc_1".into(), target(Some("payments"), Some("billing")));
        table
            .users
            .insert("bob@example.com".into(), target(Some("web"), None));
        table.repos.insert("api".into(), "platform".into());
        let clones = vec![Clone {
            name: "api".into(),
            remote: Some("github.com/org/api-service".into()),
        }];
        let a = Attributor::new(table, clones);
        let mut s = Interner::default();
        let mut h = Hints {
            workspace: Some(s.intern("wrkspc_1")),
            ..Hints::default()
        };
        // The table: workspace → team and repository.
        let r = a.resolve(&h, &s);
        assert_eq!(
            (r.team.as_deref(), r.repo.as_deref(), r.via),
            (Some("payments"), Some("billing"), Via::Table)
        );
        // An attribute wins over the table, and is mapped to the clone's fleet name.
        h.repo = Some(s.intern("https://github.com/org/api-service.git"));
        let r = a.resolve(&h, &s);
        assert_eq!(
            (r.team.as_deref(), r.repo.as_deref(), r.via),
            (Some("payments"), Some("api"), Via::Attribute)
        );
        // A transcript's cwd, matched by the clone's remote name; the users table's team wins
        // over the `repos:` mapping.
        let h = Hints {
            cwd: Some(s.intern("/Users/bob/src/api-service")),
            user: Some(s.intern("Bob@Example.com")),
            ..Hints::default()
        };
        let r = a.resolve(&h, &s);
        assert_eq!(
            (r.team.as_deref(), r.repo.as_deref(), r.via),
            (Some("web"), Some("api"), Via::Cwd)
        );
        // With clones, a cwd that matches none stays unattributed.
        let h = Hints {
            cwd: Some(s.intern("/tmp/scratch")),
            ..Hints::default()
        };
        let r = a.resolve(&h, &s);
        assert_eq!((r.repo, r.via), (None, Via::None));
        // Without clones the cwd's last component is the repository.
        let r = Attributor::plain().resolve(&h, &s);
        assert_eq!((r.repo.as_deref(), r.via), (Some("scratch"), Via::Cwd));
    }
}
