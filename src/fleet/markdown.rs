//! The fleet report as a Markdown summary (a CI job summary, an issue, a wiki page).

use super::model::{FleetReport, RepoCard, Status};
use std::fmt::Write;

/// Table-cell safe: no pipes, line breaks or HTML from repository-controlled strings.
fn cell(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '|' => "\\|".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '&' => "&amp;".to_string(),
            '`' => "'".to_string(),
            c if c.is_control() => " ".to_string(),
            c => c.to_string(),
        })
        .collect()
}

pub fn render(r: &FleetReport) -> String {
    let s = &r.summary;
    let mut o = String::new();
    let _ = writeln!(o, "# Agent configuration fleet report\n");
    let shard = r
        .shard
        .map(|s| format!(", shard {}/{}", s.index, s.count))
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "Generated {} by agentgate {}{shard}.\n",
        r.generated_at, r.agentgate_version
    );
    let avg = s.average_score.map_or("-".into(), |v| v.to_string());
    let _ = writeln!(
        o,
        "| Repositories | Scanned | Failed | Average score | Errors | Warnings | Secrets | Drift |"
    );
    let _ = writeln!(o, "|---:|---:|---:|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        o,
        "| {} | {} | {} | {avg} | {} | {} | {} | {} |\n",
        s.repos, s.scanned, s.failed, s.findings.error, s.findings.warning, s.secrets, s.drift
    );
    let grades: Vec<String> = s.grades.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    let fresh: Vec<String> = s
        .freshness
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    let risk: Vec<String> = s
        .permission_risk
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    let _ = writeln!(o, "- Grades: {}", grades.join(", "));
    let _ = writeln!(o, "- Context files: {}", fresh.join(", "));
    let _ = writeln!(o, "- Permission risk: {}\n", risk.join(", "));

    let _ = writeln!(o, "## Repositories\n");
    let _ = writeln!(
        o,
        "| Repository | Grade | Context | Findings (E/W/N) | Drift | Risk | MCP servers | Secrets | Models | Exceptions |"
    );
    let _ = writeln!(o, "|---|---|---|---|---:|---|---:|---:|---|---:|");
    for repo in &r.repos {
        row(&mut o, repo);
    }
    let failed: Vec<&RepoCard> = r
        .repos
        .iter()
        .filter(|x| x.status == Status::Failed)
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(o, "\n## Failed scans\n");
        for f in failed {
            let _ = writeln!(
                o,
                "- **{}**: {}",
                cell(&f.name),
                cell(f.error.as_deref().unwrap_or(""))
            );
        }
    }
    if !s.expiring_exceptions.is_empty() {
        let _ = writeln!(o, "\n## Expiring exceptions\n");
        let _ = writeln!(o, "| Repository | Rule | Path | Expires | Days left |");
        let _ = writeln!(o, "|---|---|---|---|---:|");
        for e in &s.expiring_exceptions {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                cell(&e.repo),
                cell(&e.rule),
                cell(&e.path),
                cell(&e.expires),
                e.days_left
            );
        }
    }
    if !s.mcp_servers.is_empty() {
        let _ = writeln!(o, "\n## MCP servers\n");
        let _ = writeln!(
            o,
            "| Server / package | Versions | Repositories | Unpinned in |"
        );
        let _ = writeln!(o, "|---|---|---:|---|");
        for m in &s.mcp_servers {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                cell(&m.key),
                cell(&m.versions.join(", ")),
                m.repos.len(),
                cell(&m.unpinned_repos.join(", "))
            );
        }
    }
    if !s.skills.is_empty() {
        let _ = writeln!(o, "\n## Skill library\n");
        let _ = writeln!(
            o,
            "| Skill | Library | Adopted by | Outdated in | Modified locally in (contribute back) |"
        );
        let _ = writeln!(o, "|---|---|---:|---|---|");
        for k in &s.skills {
            let outdated: Vec<String> = k
                .outdated_repos
                .iter()
                .map(|r| format!("{r} ({})", k.versions.get(r).map_or("none", String::as_str)))
                .collect();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                cell(&k.name),
                cell(k.library_version.as_deref().unwrap_or("-")),
                k.repos.len(),
                cell(&outdated.join(", ")),
                cell(&k.modified_repos.join(", "))
            );
        }
    }
    if !s.models.is_empty() {
        let _ = writeln!(o, "\n## Model mix\n");
        let _ = writeln!(o, "| Model | Repositories |");
        let _ = writeln!(o, "|---|---:|");
        for m in &s.models {
            let _ = writeln!(o, "| {} | {} |", cell(&m.model), m.repos.len());
        }
    }
    o
}

fn row(o: &mut String, r: &RepoCard) {
    if r.status == Status::Failed {
        let _ = writeln!(o, "| {} | failed | | | | | | | | |", cell(&r.name));
        return;
    }
    let grade = r
        .grade
        .as_ref()
        .map_or("-".into(), |g| format!("{} ({})", g.letter, g.score));
    let context = match r.context.max_days {
        Some(d) => format!("{} ({d} d)", r.context.freshness.as_str()),
        None => r.context.freshness.as_str().to_string(),
    };
    let mut models: Vec<&str> = r.models.iter().map(|m| m.model.as_str()).collect();
    models.dedup();
    let _ = writeln!(
        o,
        "| {} | {grade} | {context} | {}/{}/{} | {} | {} | {} | {} | {} | {} |",
        cell(&r.name),
        r.findings.error,
        r.findings.warning,
        r.findings.note,
        r.drift,
        r.permission_risk.as_str(),
        r.mcp_servers.len(),
        r.secrets,
        cell(&models.join(", ")),
        r.exceptions.len()
    );
}
