//! `agentgate fleet diff OLD NEW`: which repositories got better or worse.

use super::model::{FleetReport, RepoCard, Status};
use std::collections::BTreeMap;

#[derive(Debug, Default, PartialEq)]
pub struct Diff {
    pub old_repos: usize,
    pub new_repos: usize,
    pub old_average: Option<u32>,
    pub new_average: Option<u32>,
    /// (repo, what changed) for repositories with at least one regression.
    pub worse_repos: Vec<(String, Vec<String>)>,
    /// Repositories that only improved.
    pub better_repos: Vec<(String, Vec<String>)>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub worse: usize,
}

pub fn diff(old: &FleetReport, new: &FleetReport) -> Diff {
    let before: BTreeMap<&str, &RepoCard> =
        old.repos.iter().map(|r| (r.name.as_str(), r)).collect();
    let after: BTreeMap<&str, &RepoCard> = new.repos.iter().map(|r| (r.name.as_str(), r)).collect();
    let mut d = Diff {
        old_repos: old.repos.len(),
        new_repos: new.repos.len(),
        old_average: old.summary.average_score,
        new_average: new.summary.average_score,
        ..Diff::default()
    };
    for (name, a) in &before {
        let Some(b) = after.get(name) else {
            d.removed.push(name.to_string());
            continue;
        };
        let (worse, better) = compare(a, b);
        if !worse.is_empty() {
            let mut all = worse;
            all.extend(better);
            d.worse_repos.push((name.to_string(), all));
        } else if !better.is_empty() {
            d.better_repos.push((name.to_string(), better));
        }
    }
    d.added = after
        .keys()
        .filter(|n| !before.contains_key(*n))
        .map(|n| n.to_string())
        .collect();
    d.worse = d.worse_repos.len();
    d
}

/// (regressions, improvements) of one repository, as readable phrases.
fn compare(a: &RepoCard, b: &RepoCard) -> (Vec<String>, Vec<String>) {
    let mut worse = Vec::new();
    let mut better = Vec::new();
    match (a.status, b.status) {
        (Status::Ok, Status::Failed) => {
            worse.push(format!(
                "scan now fails: {}",
                b.error.as_deref().unwrap_or("unknown reason")
            ));
            return (worse, better);
        }
        (Status::Failed, Status::Ok) => better.push("scans again".into()),
        (Status::Failed, Status::Failed) => return (worse, better),
        (Status::Ok, Status::Ok) => {}
    }
    if let (Some(ga), Some(gb)) = (&a.grade, &b.grade)
        && ga.score != gb.score
    {
        let text = format!(
            "grade {} ({}) → {} ({})",
            ga.letter, ga.score, gb.letter, gb.score
        );
        if gb.score < ga.score {
            worse.push(text);
        } else {
            better.push(text);
        }
    }
    // The repository loosening its own gate is a regression even when its grade holds.
    let (ga, gb) = (&a.gate, &b.gate);
    for (what, old, new) in [
        ("exclude", &ga.exclude, &gb.exclude),
        ("rules.ignore", &ga.ignore, &gb.ignore),
        ("lowered severity of", &ga.lowered, &gb.lowered),
    ] {
        for item in new.iter().filter(|i| !old.contains(i)) {
            worse.push(format!("gate loosened: adds {what} `{item}`"));
        }
    }
    for pack in a
        .policy
        .packs
        .iter()
        .filter(|p| !b.policy.packs.contains(p))
    {
        worse.push(format!("gate loosened: no longer extends `{pack}`"));
    }
    let mut count = |what: &str, x: usize, y: usize| {
        if y > x {
            worse.push(format!("{what} {x} → {y}"));
        } else if y < x {
            better.push(format!("{what} {x} → {y}"));
        }
    };
    count(
        "suppressed findings",
        a.findings.suppressed,
        b.findings.suppressed,
    );
    count("exceptions", a.exceptions.len(), b.exceptions.len());
    count("errors", a.findings.error, b.findings.error);
    count("warnings", a.findings.warning, b.findings.warning);
    count("secrets", a.secrets, b.secrets);
    count("drift", a.drift, b.drift);
    if a.permission_risk != b.permission_risk {
        let text = format!(
            "permission risk {} → {}",
            a.permission_risk.as_str(),
            b.permission_risk.as_str()
        );
        if b.permission_risk > a.permission_risk {
            worse.push(text);
        } else {
            better.push(text);
        }
    }
    if a.context.freshness != b.context.freshness {
        use super::model::Freshness::*;
        let text = format!(
            "context {} → {}",
            a.context.freshness.as_str(),
            b.context.freshness.as_str()
        );
        let rank = |f| match f {
            Fresh => 0,
            Unknown => 1,
            Stale => 2,
            Missing => 3,
        };
        if rank(b.context.freshness) > rank(a.context.freshness) {
            worse.push(text);
        } else {
            better.push(text);
        }
    }
    (worse, better)
}

pub fn render(d: &Diff) -> String {
    let avg = |a: Option<u32>| a.map_or("-".to_string(), |v| v.to_string());
    let mut out = format!(
        "Fleet: {} → {} repositories, average score {} → {}\n",
        d.old_repos,
        d.new_repos,
        avg(d.old_average),
        avg(d.new_average)
    );
    for (title, rows) in [("Worse", &d.worse_repos), ("Better", &d.better_repos)] {
        out.push_str(&format!("{title} ({}):\n", rows.len()));
        for (name, changes) in rows {
            out.push_str(&format!("  {name}: {}\n", changes.join("; ")));
        }
    }
    for (title, names) in [("Added", &d.added), ("Removed", &d.removed)] {
        if !names.is_empty() {
            out.push_str(&format!(
                "{title} ({}): {}\n",
                names.len(),
                names.join(", ")
            ));
        }
    }
    out
}
