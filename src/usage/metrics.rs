//! The usage report: the aggregate rolled up per team, repository, user, model, week and
//! source, with the formulas of docs/usage.md — token-weighted cache hit ratio
//! `cacheRead / (input + cacheCreation + cacheRead)` (over rows that report cache reads),
//! cache read/write ratio, tokens and cost per session, tokens per commit and pull request,
//! the model mix by tokens and by cost split by query source, and spend anomalies by a
//! robust z-score `0.6745 · (x − median) / MAD` against the fleet (that week) and against the
//! repository's own trailing four weeks.

use super::aggregate::{Key, SessionFact, Sums};
use super::attribution::Via;
use super::{Ingest, InputFile, Query, Source, Sym};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Bumped on any incompatible change of the JSON below.
pub const SCHEMA_VERSION: u32 = 1;

/// Robust z-scores above this are anomalies unless the pack sets `usage.max_spend_z`
/// (Iglewicz and Hoaglin's cut-off for the modified z-score).
pub const DEFAULT_SPEND_Z: f64 = 3.5;

/// Fewer values than this make no population for a z-score.
pub const MIN_POPULATION: usize = 3;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Metrics {
    pub rows: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_creation_tokens: u64,
    /// input + output + cache read + cache creation.
    pub tokens: u64,
    /// `null` when no row of the group reports a cost.
    pub cost_usd: Option<f64>,
    pub sessions: u64,
    pub cache_hit_ratio: Option<f64>,
    pub cache_read_write_ratio: Option<f64>,
    pub tokens_per_session: Option<f64>,
    pub cost_per_session: Option<f64>,
    pub commits: u64,
    pub pull_requests: u64,
    pub tokens_per_commit: Option<f64>,
    pub tokens_per_pull_request: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Group {
    /// The team, repository, user, model, week (`YYYY-MM-DD`, its Monday) or source;
    /// `null` for rows that could not be attributed.
    pub key: Option<String>,
    /// For repositories and users: the team most of their tokens belong to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(flatten)]
    pub metrics: Metrics,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelShare {
    pub model: Option<String>,
    pub tokens: u64,
    pub token_share: f64,
    pub cost_usd: Option<f64>,
    pub cost_share: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Mix {
    pub query_source: Query,
    pub tokens: u64,
    pub cost_usd: Option<f64>,
    pub models: Vec<ModelShare>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RepoWeek {
    pub repo: Option<String>,
    pub week: String,
    pub tokens: u64,
    pub cost_usd: Option<f64>,
}

/// Tokens and cost of one repository, model and query source (for the join with the
/// scorecards: top-tier shares per repository).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RepoModel {
    pub repo: Option<String>,
    pub model: Option<String>,
    pub query_source: Query,
    pub tokens: u64,
    pub cost_usd: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Anomaly {
    pub repo: String,
    pub week: String,
    /// `fleet` (every repository that week) or `trailing` (its own four weeks before).
    pub basis: String,
    /// `cost_usd`, or `tokens` when no export has costs.
    pub metric: String,
    pub value: f64,
    pub median: f64,
    pub mad: f64,
    pub z: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Unattributed {
    /// Rows with no repository.
    pub repo: Metrics,
    /// Rows with no team.
    pub team: Metrics,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UsageReport {
    pub schema_version: u32,
    pub generated_at: String,
    pub agentgate_version: String,
    pub inputs: Vec<InputFile>,
    pub totals: Metrics,
    /// Rows by how their repository was found (attribute, table, remote, cwd, none).
    pub attribution: BTreeMap<String, u64>,
    /// Rows not counted because a more detailed source described the same session.
    pub superseded_rows: u64,
    pub unattributed: Unattributed,
    pub by_source: Vec<Group>,
    pub teams: Vec<Group>,
    pub repos: Vec<Group>,
    pub users: Vec<Group>,
    pub models: Vec<Group>,
    pub weeks: Vec<Group>,
    pub model_mix: Vec<Mix>,
    pub repo_weeks: Vec<RepoWeek>,
    pub repo_models: Vec<RepoModel>,
    pub spend_z_threshold: f64,
    pub anomalies: Vec<Anomaly>,
}

/// Tokens per (repository or user, team), to find the team most of a key's tokens belong to.
type TeamTokens = HashMap<(Option<Sym>, Option<Sym>), u64>;

/// Sums of one group plus its session population.
#[derive(Debug, Clone, Default)]
struct Acc {
    sums: Sums,
    commit_tokens: u64,
    sessions: u64,
    session_tokens: u64,
    session_cost: i64,
    /// Sessions with at least one row that reports a cost.
    costed_sessions: u64,
}

impl Acc {
    fn add_key(&mut self, k: &Key, s: &Sums) {
        self.sums.add(s);
        if k.source.reports_commits() {
            self.commit_tokens += s.tokens();
        }
    }

    fn add_fact(&mut self, f: &SessionFact) {
        self.sessions += 1;
        self.session_tokens += f.tokens;
        self.session_cost += f.cost_micros;
        if f.cost_rows > 0 {
            self.costed_sessions += 1;
        }
    }
}

pub fn round(x: f64, places: i32) -> f64 {
    let p = 10f64.powi(places);
    (x * p).round() / p
}

fn usd(micros: i64) -> f64 {
    round(micros as f64 / 1e6, 6)
}

fn ratio(a: u64, b: u64, places: i32) -> Option<f64> {
    (b > 0).then(|| round(a as f64 / b as f64, places))
}

impl Acc {
    fn metrics(&self) -> Metrics {
        let s = &self.sums;
        let sessions = self.sessions + s.ex_sessions;
        let costed = self.costed_sessions + s.ex_costed_sessions;
        Metrics {
            rows: s.rows,
            input_tokens: s.input,
            output_tokens: s.output,
            cache_read_tokens: s.cache_read,
            cache_creation_tokens: s.cache_creation,
            tokens: s.tokens(),
            cost_usd: (s.cost_rows > 0).then(|| usd(s.cost_micros)),
            sessions,
            cache_hit_ratio: ratio(s.ck_read, s.ck_input + s.ck_creation + s.ck_read, 4),
            cache_read_write_ratio: ratio(s.ck_read, s.ck_creation, 2),
            tokens_per_session: ratio(self.session_tokens + s.ex_tokens, sessions, 1),
            // Over the sessions that report a cost (a transcript's do not).
            cost_per_session: (costed > 0).then(|| {
                round(
                    (self.session_cost + s.ex_cost_micros) as f64 / 1e6 / costed as f64,
                    6,
                )
            }),
            commits: s.commits,
            pull_requests: s.pull_requests,
            tokens_per_commit: ratio(self.commit_tokens, s.commits, 1),
            tokens_per_pull_request: ratio(self.commit_tokens, s.pull_requests, 1),
        }
    }
}

/// Median of a non-empty list.
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// `(median, MAD, z of x)`; `None` for fewer than [`MIN_POPULATION`] values or MAD 0 (no
/// spread to measure against).
pub fn robust_z(x: f64, population: &[f64]) -> Option<(f64, f64, f64)> {
    if population.len() < MIN_POPULATION {
        return None;
    }
    let med = median(population);
    let dev: Vec<f64> = population.iter().map(|v| (v - med).abs()).collect();
    let mad = median(&dev);
    (mad > 0.0).then(|| (med, mad, 0.6745 * (x - med) / mad))
}

fn sort_groups(v: &mut [Group]) {
    v.sort_by(|a, b| {
        (a.key.is_none(), std::cmp::Reverse(a.metrics.tokens), &a.key).cmp(&(
            b.key.is_none(),
            std::cmp::Reverse(b.metrics.tokens),
            &b.key,
        ))
    });
}

/// Builds the report. `z`: the anomaly threshold.
pub fn report(ing: &Ingest, now: i64, z: f64) -> UsageReport {
    let s = &ing.strings;
    let name = |x: Option<Sym>| x.map(|i| crate::mask::printable(s.get(i)));
    let mut total = Acc::default();
    let mut teams: HashMap<Option<Sym>, Acc> = HashMap::new();
    let mut repos: HashMap<Option<Sym>, Acc> = HashMap::new();
    let mut users: HashMap<Option<Sym>, Acc> = HashMap::new();
    let mut models: HashMap<Option<Sym>, Acc> = HashMap::new();
    let mut weeks: HashMap<i32, Acc> = HashMap::new();
    let mut sources: HashMap<Source, Acc> = HashMap::new();
    let mut no_repo = Acc::default();
    let mut no_team = Acc::default();
    let mut repo_team: TeamTokens = HashMap::new();
    let mut user_team: TeamTokens = HashMap::new();
    let mut mix: HashMap<(Query, Option<Sym>), Sums> = HashMap::new();
    let mut repo_weeks: HashMap<(Option<Sym>, i32), Sums> = HashMap::new();
    let mut repo_models: HashMap<(Option<Sym>, Option<Sym>, Query), Sums> = HashMap::new();
    for (k, v) in &ing.agg.groups {
        total.add_key(k, v);
        teams.entry(k.team).or_default().add_key(k, v);
        repos.entry(k.repo).or_default().add_key(k, v);
        users.entry(k.user).or_default().add_key(k, v);
        models.entry(k.model).or_default().add_key(k, v);
        weeks.entry(k.week).or_default().add_key(k, v);
        sources.entry(k.source).or_default().add_key(k, v);
        if k.repo.is_none() {
            no_repo.add_key(k, v);
        }
        if k.team.is_none() {
            no_team.add_key(k, v);
        }
        *repo_team.entry((k.repo, k.team)).or_default() += v.tokens();
        *user_team.entry((k.user, k.team)).or_default() += v.tokens();
        mix.entry((k.query, k.model)).or_default().add(v);
        repo_weeks.entry((k.repo, k.week)).or_default().add(v);
        repo_models
            .entry((k.repo, k.model, k.query))
            .or_default()
            .add(v);
    }
    for f in &ing.agg.session_facts {
        total.add_fact(f);
        teams.entry(f.team).or_default().add_fact(f);
        repos.entry(f.repo).or_default().add_fact(f);
        users.entry(f.user).or_default().add_fact(f);
        weeks.entry(f.week).or_default().add_fact(f);
        sources.entry(f.source).or_default().add_fact(f);
        if f.repo.is_none() {
            no_repo.add_fact(f);
        }
        if f.team.is_none() {
            no_team.add_fact(f);
        }
    }
    let dominant =
        |m: &HashMap<(Option<Sym>, Option<Sym>), u64>, key: Option<Sym>| -> Option<String> {
            let best = m
                .iter()
                .filter(|((k, t), _)| *k == key && t.is_some())
                .max_by(|a, b| {
                    a.1.cmp(b.1)
                        .then_with(|| s.get(b.0.1.unwrap_or(0)).cmp(s.get(a.0.1.unwrap_or(0))))
                })?;
            name(best.0.1)
        };
    let groups = |m: &HashMap<Option<Sym>, Acc>, team_of: Option<&TeamTokens>| {
        let mut v: Vec<Group> = m
            .iter()
            .map(|(k, acc)| Group {
                key: name(*k),
                team: team_of.and_then(|t| dominant(t, *k)),
                metrics: acc.metrics(),
            })
            .collect();
        sort_groups(&mut v);
        v
    };
    let mut model_groups = groups(&models, None);
    for g in &mut model_groups {
        // Sessions span models: per-session figures are given per team, repository, user
        // and week only.
        g.metrics.sessions = 0;
        g.metrics.tokens_per_session = None;
        g.metrics.cost_per_session = None;
    }
    let mut week_groups: Vec<Group> = weeks
        .iter()
        .map(|(w, acc)| Group {
            key: Some(super::time::day_string(*w)),
            team: None,
            metrics: acc.metrics(),
        })
        .collect();
    week_groups.sort_by(|a, b| a.key.cmp(&b.key));
    let mut source_groups: Vec<Group> = sources
        .iter()
        .map(|(src, acc)| Group {
            key: Some(src.as_str().to_string()),
            team: None,
            metrics: acc.metrics(),
        })
        .collect();
    source_groups.sort_by(|a, b| a.key.cmp(&b.key));

    // Model mix, per query source.
    let mut by_query: BTreeMap<Query, Vec<(Option<Sym>, Sums)>> = BTreeMap::new();
    for ((q, m), v) in &mix {
        by_query.entry(*q).or_default().push((*m, *v));
    }
    let model_mix = by_query
        .into_iter()
        .map(|(q, list)| {
            let tokens: u64 = list.iter().map(|(_, v)| v.tokens()).sum();
            let cost: i64 = list.iter().map(|(_, v)| v.cost_micros).sum();
            let costed = list.iter().any(|(_, v)| v.cost_rows > 0);
            let mut models: Vec<ModelShare> = list
                .iter()
                .map(|(m, v)| ModelShare {
                    model: name(*m),
                    tokens: v.tokens(),
                    token_share: ratio(v.tokens(), tokens, 4).unwrap_or(0.0),
                    cost_usd: (v.cost_rows > 0).then(|| usd(v.cost_micros)),
                    cost_share: (v.cost_rows > 0 && cost > 0)
                        .then(|| round(v.cost_micros as f64 / cost as f64, 4)),
                })
                .collect();
            models.sort_by(|a, b| b.tokens.cmp(&a.tokens).then_with(|| a.model.cmp(&b.model)));
            Mix {
                query_source: q,
                tokens,
                cost_usd: costed.then(|| usd(cost)),
                models,
            }
        })
        .collect();

    let mut rw: Vec<RepoWeek> = repo_weeks
        .iter()
        .map(|((r, w), v)| RepoWeek {
            repo: name(*r),
            week: super::time::day_string(*w),
            tokens: v.tokens(),
            cost_usd: (v.cost_rows > 0).then(|| usd(v.cost_micros)),
        })
        .collect();
    rw.sort_by(|a, b| (&a.repo, &a.week).cmp(&(&b.repo, &b.week)));
    let anomalies = anomalies(&repo_weeks, s, z);
    let mut rm: Vec<RepoModel> = repo_models
        .iter()
        .map(|((r, m, q), v)| RepoModel {
            repo: name(*r),
            model: name(*m),
            query_source: *q,
            tokens: v.tokens(),
            cost_usd: (v.cost_rows > 0).then(|| usd(v.cost_micros)),
        })
        .collect();
    rm.sort_by(|a, b| {
        (&a.repo, &a.model, a.query_source).cmp(&(&b.repo, &b.model, b.query_source))
    });

    let mut attribution = BTreeMap::new();
    for (i, via) in Via::ALL.iter().enumerate() {
        attribution.insert(via.as_str().to_string(), ing.agg.via[i]);
    }
    UsageReport {
        schema_version: SCHEMA_VERSION,
        generated_at: super::time::rfc3339(now),
        agentgate_version: crate::report::TOOL_VERSION.to_string(),
        inputs: ing.files.clone(),
        totals: total.metrics(),
        attribution,
        superseded_rows: ing.agg.superseded_rows,
        unattributed: Unattributed {
            repo: no_repo.metrics(),
            team: no_team.metrics(),
        },
        by_source: source_groups,
        teams: groups(&teams, None),
        repos: groups(&repos, Some(&repo_team)),
        users: groups(&users, Some(&user_team)),
        models: model_groups,
        weeks: week_groups,
        model_mix,
        repo_weeks: rw,
        repo_models: rm,
        spend_z_threshold: z,
        anomalies,
    }
}

/// Repository-weeks whose spend is a high outlier, against the fleet that week and against
/// the repository's own four weeks before (a week without rows counts as 0 once the
/// repository has started).
fn anomalies(
    repo_weeks: &HashMap<(Option<Sym>, i32), Sums>,
    s: &super::Interner,
    threshold: f64,
) -> Vec<Anomaly> {
    let use_cost = repo_weeks.values().any(|v| v.cost_rows > 0);
    let metric = if use_cost { "cost_usd" } else { "tokens" };
    let value = |v: &Sums| -> Option<f64> {
        if use_cost {
            (v.cost_rows > 0).then(|| v.cost_micros as f64 / 1e6)
        } else {
            Some(v.tokens() as f64)
        }
    };
    let mut per_week: BTreeMap<i32, Vec<(Sym, f64)>> = BTreeMap::new();
    let mut per_repo: BTreeMap<Sym, BTreeMap<i32, f64>> = BTreeMap::new();
    for ((r, w), v) in repo_weeks {
        let (Some(r), Some(x)) = (r, value(v)) else {
            continue;
        };
        per_week.entry(*w).or_default().push((*r, x));
        per_repo.entry(*r).or_default().insert(*w, x);
    }
    let mut out = Vec::new();
    let mut push = |r: Sym, w: i32, basis: &str, x: f64, pop: &[f64]| {
        if let Some((med, mad, z)) = robust_z(x, pop)
            && z > threshold
        {
            out.push(Anomaly {
                repo: crate::mask::printable(s.get(r)),
                week: super::time::day_string(w),
                basis: basis.into(),
                metric: metric.into(),
                value: round(x, 6),
                median: round(med, 6),
                mad: round(mad, 6),
                z: round(z, 2),
            });
        }
    };
    for (w, list) in &per_week {
        let pop: Vec<f64> = list.iter().map(|(_, x)| *x).collect();
        for (r, x) in list {
            push(*r, *w, "fleet", *x, &pop);
        }
    }
    for (r, weeks) in &per_repo {
        let Some(&first) = weeks.keys().next() else {
            continue;
        };
        for (&w, &x) in weeks {
            if w - 28 < first {
                continue;
            }
            let pop: Vec<f64> = (1..=4)
                .map(|k| weeks.get(&(w - 7 * k)).copied().unwrap_or(0.0))
                .collect();
            push(*r, w, "trailing", x, &pop);
        }
    }
    out.sort_by(|a, b| (&a.week, &a.repo, &a.basis).cmp(&(&b.week, &b.repo, &b.basis)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_robust_z() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        // Population 10, 12, 11, 13, 50: median 12, deviations 2, 0, 1, 1, 38 → MAD 1.
        // z(50) = 0.6745 · 38 / 1 = 25.631.
        let (med, mad, z) = robust_z(50.0, &[10.0, 12.0, 11.0, 13.0, 50.0]).unwrap();
        assert_eq!((med, mad), (12.0, 1.0));
        assert!((z - 25.631).abs() < 1e-9, "{z}");
        // No spread, or too few values: no z.
        assert_eq!(robust_z(5.0, &[5.0, 5.0, 5.0]), None);
        assert_eq!(robust_z(5.0, &[1.0, 9.0]), None);
    }
}
