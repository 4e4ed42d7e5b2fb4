//! HTML for usage: the `fleet usage --html` page, and the usage sections the fleet dashboard
//! shows when `fleet scan --usage` joined usage to the scorecards. Server-side rendered, no
//! script needed; every string is HTML-escaped (and was masked when the report was built).

use super::style::STYLE;
use crate::escape::html as esc;
use crate::usage::metrics::{Group, Metrics, UsageReport};
use std::fmt::Write;

pub fn tokens(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{:.1}k", n as f64 / 1e3),
        1_000_000..=999_999_999 => format!("{:.1}M", n as f64 / 1e6),
        _ => format!("{:.2}B", n as f64 / 1e9),
    }
}

pub fn usd(x: Option<f64>) -> String {
    match x {
        None => "–".into(),
        Some(v) if v.abs() >= 100.0 => format!("${v:.0}"),
        Some(v) => format!("${v:.2}"),
    }
}

pub fn pct(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{:.0}%", v * 100.0))
}

fn num(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| tokens(v.round() as u64))
}

/// The summary cards for a usage report.
pub fn cards(r: &UsageReport) -> String {
    let t = &r.totals;
    let unattributed = if t.tokens > 0 {
        r.unattributed.repo.tokens as f64 / t.tokens as f64
    } else {
        0.0
    };
    let mut s = String::from("<section class=\"cards\" aria-label=\"Usage summary\">");
    for (label, value, sub) in [
        ("Tokens", tokens(t.tokens), format!("{} rows", t.rows)),
        (
            "Cost",
            usd(t.cost_usd),
            "where the exports report it".into(),
        ),
        (
            "Sessions",
            t.sessions.to_string(),
            format!("{} tokens each", num(t.tokens_per_session)),
        ),
        (
            "Cache hit ratio",
            pct(t.cache_hit_ratio),
            "token-weighted".into(),
        ),
        (
            "Unattributed",
            pct(Some(unattributed)),
            format!(
                "{} tokens with no repository",
                tokens(r.unattributed.repo.tokens)
            ),
        ),
    ] {
        let _ = write!(
            s,
            "<div class=\"card\"><div class=\"l\">{}</div><div class=\"v\">{}</div><div class=\"s\">{}</div></div>",
            esc(label),
            esc(&value),
            esc(&sub)
        );
    }
    s.push_str("</section>");
    s
}

/// A table of groups (teams, repositories, users, models).
pub fn group_table(id: &str, title: &str, groups: &[Group], with_team: bool) -> String {
    let mut s = format!("<section id=\"{}\"><h2>{}</h2>", esc(id), esc(title));
    if groups.is_empty() {
        s.push_str("<p class=\"empty\">No usage rows.</p></section>");
        return s;
    }
    s.push_str("<div class=\"scroll\"><table><thead><tr><th>Name</th>");
    if with_team {
        s.push_str("<th>Team</th>");
    }
    s.push_str("<th class=\"n\">Tokens</th><th class=\"n\">Cost</th><th class=\"n\">Sessions</th><th class=\"n\">Tokens/session</th><th class=\"n\">Cache hit</th><th class=\"n\">Read/write</th><th class=\"n\">Commits</th></tr></thead><tbody>");
    for g in groups {
        let m: &Metrics = &g.metrics;
        let name = g
            .key
            .as_deref()
            .map_or("<span class=\"empty\">unattributed</span>".to_string(), esc);
        let _ = write!(s, "<tr><td>{name}</td>");
        if with_team {
            let _ = write!(s, "<td>{}</td>", esc(g.team.as_deref().unwrap_or("–")));
        }
        let _ = write!(
            s,
            "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            tokens(m.tokens),
            usd(m.cost_usd),
            m.sessions,
            num(m.tokens_per_session),
            pct(m.cache_hit_ratio),
            m.cache_read_write_ratio
                .map_or("–".into(), |v| format!("{v:.1}")),
            m.commits
        );
    }
    s.push_str("</tbody></table></div></section>");
    s
}

/// Model mix by tokens and by cost, one block per query source.
pub fn model_mix(r: &UsageReport) -> String {
    let mut s = String::from(
        "<figure id=\"model-mix\"><figcaption>Model mix (what ran): share of tokens, and of cost where reported</figcaption>",
    );
    if r.model_mix.is_empty() {
        s.push_str("<p class=\"empty\">No usage rows.</p>");
    }
    for mix in &r.model_mix {
        let _ = write!(
            s,
            "<h3 class=\"small\">{} · {} tokens · {}</h3>",
            esc(mix.query_source.as_str()),
            tokens(mix.tokens),
            usd(mix.cost_usd)
        );
        for m in &mix.models {
            let w = (m.token_share * 100.0).clamp(0.0, 100.0);
            let c = m.cost_share.map(|c| (c * 100.0).clamp(0.0, 100.0));
            let _ = write!(
                s,
                "<div class=\"bar-row\"><span class=\"lab\" title=\"{0}\">{0}</span><span class=\"bar\" title=\"tokens {1:.0}%\"><span class=\"b-main\" style=\"width:{1:.1}%\"></span></span><span class=\"num\">{1:.0}%</span></div>",
                esc(m.model.as_deref().unwrap_or("(not reported)")),
                w
            );
            if let Some(c) = c {
                let _ = write!(
                    s,
                    "<div class=\"bar-row\"><span class=\"lab small\">cost</span><span class=\"bar\" title=\"cost {0:.0}%\"><span class=\"b-warning\" style=\"width:{0:.1}%\"></span></span><span class=\"num\">{0:.0}%</span></div>",
                    c
                );
            }
        }
    }
    s.push_str("<div class=\"legend\"><i class=\"b-main\"></i>tokens<i class=\"b-warning\"></i>cost</div></figure>");
    s
}

/// Cache hit ratio distribution over repositories (buckets of 20 points).
pub fn cache_distribution(r: &UsageReport) -> String {
    let mut buckets = [0usize; 6];
    for g in r.repos.iter().filter(|g| g.key.is_some()) {
        match g.metrics.cache_hit_ratio {
            None => buckets[5] += 1,
            Some(x) => buckets[((x * 5.0) as usize).min(4)] += 1,
        }
    }
    let labels = [
        "0–20%",
        "20–40%",
        "40–60%",
        "60–80%",
        "80–100%",
        "not reported",
    ];
    let max = buckets.iter().copied().max().unwrap_or(0).max(1);
    let mut s = String::from(
        "<figure id=\"cache-distribution\"><figcaption>Cache hit ratio: repositories</figcaption>",
    );
    for (label, n) in labels.iter().zip(buckets) {
        let _ = write!(
            s,
            "<div class=\"bar-row\"><span class=\"lab\">{}</span><span class=\"bar\"><span class=\"b-ok\" style=\"width:{:.1}%\"></span></span><span class=\"num\">{n}</span></div>",
            esc(label),
            n as f64 * 100.0 / max as f64
        );
    }
    s.push_str("</figure>");
    s
}

/// Spend outliers (robust z-scores over the threshold).
pub fn anomalies(r: &UsageReport) -> String {
    let mut s = format!(
        "<section id=\"anomalies\"><h2>Spend outliers</h2><p class=\"small\">Robust z-score 0.6745·(x − median)/MAD over {}, against the fleet that week and the repository's own four weeks before; shown above {}.</p>",
        if r.anomalies.first().is_some_and(|a| a.metric == "tokens") {
            "tokens"
        } else {
            "cost"
        },
        r.spend_z_threshold
    );
    if r.anomalies.is_empty() {
        s.push_str("<p class=\"empty\">No repository-week above the threshold.</p></section>");
        return s;
    }
    s.push_str("<div class=\"scroll\"><table><thead><tr><th>Repository</th><th>Week</th><th>Against</th><th class=\"n\">Value</th><th class=\"n\">Median</th><th class=\"n\">z</th></tr></thead><tbody>");
    for a in &r.anomalies {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"nw\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\"><b>{:.1}</b></td></tr>",
            esc(&a.repo),
            esc(&a.week),
            esc(&a.basis),
            a.value,
            a.median,
            a.z
        );
    }
    s.push_str("</tbody></table></div></section>");
    s
}

/// Inputs and their problems.
pub fn inputs(r: &UsageReport) -> String {
    let mut s = String::from(
        "<section id=\"inputs\"><h2>Inputs</h2><div class=\"scroll\"><table><thead><tr><th>File</th><th>Format</th><th class=\"n\">Rows</th><th class=\"n\">Skipped</th><th>Problems</th></tr></thead><tbody>",
    );
    for f in &r.inputs {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"errtext\">{}</td></tr>",
            esc(&f.path),
            esc(f.format.map_or("unrecognised", |f| f.as_str())),
            f.rows,
            f.skipped_lines,
            esc(&f.errors.join("; "))
        );
    }
    let _ = write!(
        s,
        "</tbody></table></div><p class=\"small\">Repository found by: {}. {} rows superseded by a more detailed source of the same session.</p></section>",
        esc(&r
            .attribution
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")),
        r.superseded_rows
    );
    s
}

/// The `fleet usage --html` page.
pub fn render(r: &UsageReport) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Agent usage</title><style>{STYLE}</style></head><body><main><header><h1>Agent usage</h1><p class=\"meta\">Generated {} by agentgate {} from {} files.</p></header>",
        esc(&r.generated_at),
        esc(&r.agentgate_version),
        r.inputs.len()
    );
    s.push_str(&cards(r));
    s.push_str("<div class=\"charts\">");
    s.push_str(&model_mix(r));
    s.push_str(&cache_distribution(r));
    s.push_str("</div>");
    s.push_str(&anomalies(r));
    s.push_str(&group_table("teams", "Teams", &r.teams, false));
    s.push_str(&group_table("repos", "Repositories", &r.repos, true));
    s.push_str(&group_table("users", "Users", &r.users, true));
    s.push_str(&group_table("models", "Models", &r.models, false));
    s.push_str(&inputs(r));
    s.push_str("</main></body></html>\n");
    s
}
