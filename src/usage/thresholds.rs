//! The org pack's `usage:` thresholds, checked per repository against its usage: these are
//! fleet findings (on the scorecard), never commit-time findings.

use super::metrics::{Anomaly, Metrics, RepoModel, round};
use crate::policy::UsagePolicy;
use serde::{Deserialize, Serialize};

/// Models that count as the top tier when the pack names none.
pub const DEFAULT_TOP_TIER: &[&str] = &["*opus*"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct UsageFinding {
    /// `low-cache-hit-ratio`, `subagent-top-tier-share` or `spend-outlier`.
    pub id: String,
    pub message: String,
    pub value: f64,
    pub threshold: f64,
}

/// Case-insensitive globs of the top tier.
pub fn top_tier(policy: &UsagePolicy) -> globset::GlobSet {
    let mut b = globset::GlobSetBuilder::new();
    let patterns: Vec<String> = if policy.top_tier.is_empty() {
        DEFAULT_TOP_TIER.iter().map(|s| s.to_string()).collect()
    } else {
        policy.top_tier.clone()
    };
    for p in patterns {
        if let Ok(g) = globset::GlobBuilder::new(&p).case_insensitive(true).build() {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| globset::GlobSet::empty())
}

/// The share of spend (cost where every row of the population has one, else tokens) on
/// top-tier models, over `models` filtered by `subagent_only`. `None` without spend.
pub fn top_tier_share(
    models: &[&RepoModel],
    tier: &globset::GlobSet,
    subagent_only: bool,
) -> Option<f64> {
    let pop: Vec<&&RepoModel> = models
        .iter()
        .filter(|m| !subagent_only || m.query_source == super::Query::Subagent)
        .collect();
    let by_cost = !pop.is_empty() && pop.iter().all(|m| m.cost_usd.is_some());
    let spend = |m: &RepoModel| {
        if by_cost {
            m.cost_usd.unwrap_or(0.0)
        } else {
            m.tokens as f64
        }
    };
    let total: f64 = pop.iter().map(|m| spend(m)).sum();
    if total <= 0.0 {
        return None;
    }
    let top: f64 = pop
        .iter()
        .filter(|m| m.model.as_deref().is_some_and(|n| tier.is_match(n)))
        .map(|m| spend(m))
        .sum();
    // `+ 0.0`: an empty float sum is -0.0.
    Some(round(top / total, 4) + 0.0)
}

/// The findings of one repository.
pub fn check(
    policy: &UsagePolicy,
    metrics: &Metrics,
    models: &[&RepoModel],
    anomalies: &[&Anomaly],
) -> Vec<UsageFinding> {
    let mut out = Vec::new();
    if let (Some(min), Some(ratio)) = (policy.min_cache_hit_ratio, metrics.cache_hit_ratio)
        && ratio < min
    {
        out.push(UsageFinding {
            id: "low-cache-hit-ratio".into(),
            message: format!("cache hit ratio {ratio:.2} is below the policy's minimum {min:.2}"),
            value: ratio,
            threshold: min,
        });
    }
    if let Some(max) = policy.max_subagent_top_tier_share
        && let Some(share) = top_tier_share(models, &top_tier(policy), true)
        && share > max
    {
        out.push(UsageFinding {
            id: "subagent-top-tier-share".into(),
            message: format!(
                "{:.0}% of subagent spend is on top-tier models (policy maximum {:.0}%)",
                share * 100.0,
                max * 100.0
            ),
            value: share,
            threshold: max,
        });
    }
    if let Some(max) = policy.max_spend_z {
        for a in anomalies.iter().filter(|a| a.z > max) {
            out.push(UsageFinding {
                id: "spend-outlier".into(),
                message: format!(
                    "spend in the week of {} is an outlier against {} (robust z {:.1} > {max})",
                    a.week,
                    if a.basis == "fleet" {
                        "the fleet"
                    } else {
                        "its own four weeks before"
                    },
                    a.z
                ),
                value: a.z,
                threshold: max,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::Query;

    fn m(model: &str, q: Query, tokens: u64, cost: Option<f64>) -> RepoModel {
        RepoModel {
            repo: Some("api".into()),
            model: Some(model.into()),
            query_source: q,
            tokens,
            cost_usd: cost,
        }
    }

    #[test]
    fn thresholds_trigger_and_near_misses_do_not() {
        let policy = UsagePolicy {
            min_cache_hit_ratio: Some(0.6),
            max_subagent_top_tier_share: Some(0.5),
            top_tier: vec![],
            max_spend_z: Some(3.5),
        };
        let rows = [
            m("claude-opus-5", Query::Subagent, 100, Some(3.0)),
            m("claude-haiku-4-5", Query::Subagent, 900, Some(1.0)),
            m("claude-opus-5", Query::Main, 5000, Some(50.0)),
        ];
        let models: Vec<&RepoModel> = rows.iter().collect();
        // Subagent spend by cost: opus 3.0 of 4.0 = 0.75 > 0.5 (by tokens it would be 0.1).
        let a = Anomaly {
            repo: "api".into(),
            week: "2025-08-04".into(),
            basis: "fleet".into(),
            z: 4.2,
            ..Anomaly::default()
        };
        let low = Metrics {
            cache_hit_ratio: Some(0.59),
            ..Metrics::default()
        };
        let got = check(&policy, &low, &models, &[&a]);
        let ids: Vec<&str> = got.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "low-cache-hit-ratio",
                "subagent-top-tier-share",
                "spend-outlier"
            ]
        );
        assert_eq!(got[1].value, 0.75);
        // Near misses: ratio at the minimum, share at the maximum, z at the threshold.
        let ok = Metrics {
            cache_hit_ratio: Some(0.6),
            ..Metrics::default()
        };
        let half = [
            m("claude-OPUS-5", Query::Subagent, 1, Some(1.0)),
            m("claude-haiku-4-5", Query::Subagent, 1, Some(1.0)),
        ];
        let half: Vec<&RepoModel> = half.iter().collect();
        let edge = Anomaly { z: 3.5, ..a };
        assert_eq!(check(&policy, &ok, &half, &[&edge]), vec![]);
        // No thresholds set: nothing is checked.
        assert_eq!(
            check(&UsagePolicy::default(), &low, &models, &[&edge]),
            vec![]
        );
    }
}
