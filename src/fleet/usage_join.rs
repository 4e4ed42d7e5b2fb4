//! `fleet scan --usage`: each repository's observed usage beside its scorecard, what its
//! configuration explains of it, and the org pack's `usage:` thresholds as fleet findings.

use super::model::{Freshness, RepoCard, RepoUsage, Status};
use crate::policy::UsagePolicy;
use crate::usage::metrics::{Group, RepoModel, UsageReport, median};
use crate::usage::thresholds;

fn fleet_median(values: impl Iterator<Item = f64>) -> Option<f64> {
    let v: Vec<f64> = values.collect();
    (!v.is_empty()).then(|| median(&v))
}

/// Fills `card.usage` for every scanned repository the report has usage for.
pub fn join(cards: &mut [RepoCard], usage: &UsageReport, policy: &UsagePolicy) {
    let tier = thresholds::top_tier(policy);
    let group = |name: &str| -> Option<&Group> {
        usage.repos.iter().find(|g| g.key.as_deref() == Some(name))
    };
    let models = |name: &str| -> Vec<&RepoModel> {
        usage
            .repo_models
            .iter()
            .filter(|m| m.repo.as_deref() == Some(name))
            .collect()
    };
    let in_fleet: Vec<&Group> = cards.iter().filter_map(|c| group(&c.name)).collect();
    let med_cache = fleet_median(in_fleet.iter().filter_map(|g| g.metrics.cache_hit_ratio));
    let med_tps = fleet_median(in_fleet.iter().filter_map(|g| g.metrics.tokens_per_session));
    let med_top = fleet_median(
        cards
            .iter()
            .filter_map(|c| thresholds::top_tier_share(&models(&c.name), &tier, false)),
    );
    for card in cards.iter_mut().filter(|c| c.status == Status::Ok) {
        let Some(g) = group(&card.name) else { continue };
        let m = &g.metrics;
        let rm = models(&card.name);
        let anomalies: Vec<_> = usage
            .anomalies
            .iter()
            .filter(|a| a.repo == card.name)
            .collect();
        let mut u = RepoUsage {
            tokens: m.tokens,
            cost_usd: m.cost_usd,
            sessions: m.sessions,
            cache_hit_ratio: m.cache_hit_ratio,
            tokens_per_session: m.tokens_per_session,
            top_tier_share: thresholds::top_tier_share(&rm, &tier, false),
            subagent_top_tier_share: thresholds::top_tier_share(&rm, &tier, true),
            findings: thresholds::check(policy, m, &rm, &anomalies),
            ..RepoUsage::default()
        };
        let volatile = card.findings.by_rule.get("AG507").copied().unwrap_or(0);
        if let (Some(r), Some(med)) = (m.cache_hit_ratio, med_cache)
            && r < med
        {
            let why = match (volatile > 0, card.prompt_caching_disabled) {
                (_, true) => Some(
                    "prompt caching is disabled (DISABLE_PROMPT_CACHING in .claude/settings.json)",
                ),
                (true, false) => {
                    Some("volatile always-loaded context (AG507) changes the cached prompt prefix")
                }
                _ => None,
            };
            if let Some(why) = why {
                u.explanations.push(format!(
                    "cache hit ratio {r:.2} against a fleet median of {med:.2}: {why}"
                ));
            }
        }
        let top_default = card
            .models
            .iter()
            .find(|e| !e.file.contains("/agents/") && tier.is_match(&e.model));
        let model_policy = card.findings.by_rule.get("AG611").copied().unwrap_or(0) > 0;
        if let (Some(share), Some(med)) = (u.top_tier_share, med_top)
            && share > med
            && (top_default.is_some() || model_policy)
        {
            let what = match top_default {
                Some(e) => format!("the default model `{}` ({}) is top tier", e.model, e.file),
                None => "a configured model goes against the model policy (AG611)".into(),
            };
            u.explanations.push(format!(
                "{what}: {:.0}% of spend is on top-tier models against a fleet median of {:.0}%",
                share * 100.0,
                med * 100.0
            ));
        }
        if let (Some(tps), Some(med)) = (m.tokens_per_session, med_tps)
            && med > 0.0
            && tps > med
            && matches!(
                card.context.freshness,
                Freshness::Missing | Freshness::Stale
            )
        {
            let what = if card.context.freshness == Freshness::Missing {
                "no context file"
            } else {
                "a stale context file"
            };
            u.explanations.push(format!(
                "{what}: {:.0} tokens per session, {:.1}× the fleet median",
                tps,
                tps / med
            ));
        }
        if card.team.is_none() {
            card.team = g.team.clone();
        }
        card.usage = Some(u);
    }
}
