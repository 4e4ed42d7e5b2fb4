//! The fleet dashboard: one self-contained HTML file (inline CSS, vanilla JS, no network
//! assets). Everything is rendered on the server side so it reads and prints without
//! JavaScript; the script only sorts and filters the repository table. Every string from a
//! repository is escaped; the report is embedded as JSON for tools.

use super::model::{FleetReport, RepoCard, Status};
use super::style::STYLE;
use crate::escape::html as esc;
use std::fmt::Write;

/// JSON that cannot end its `<script>` element (`</script>`, `<!--`): `<`, `>` and `&` as
/// Unicode escapes, which JSON parsers read back unchanged.
pub fn script_json(report: &FleetReport) -> String {
    serde_json::to_string(report)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

const SCRIPT: &str = r#"
(function () {
  'use strict';
  var table = document.getElementById('repos');
  if (!table) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var q = document.getElementById('q');
  var grade = document.getElementById('grade');
  var risk = document.getElementById('risk');
  var count = document.getElementById('count');
  var sorted = { col: -1, dir: 1 };
  function key(tr, i) {
    var c = tr.cells[i];
    var v = c.getAttribute('data-v');
    return v === null ? c.textContent.trim().toLowerCase() : v;
  }
  function sortBy(i) {
    sorted.dir = sorted.col === i ? -sorted.dir : 1;
    sorted.col = i;
    var numeric = heads[i].getAttribute('data-type') === 'num';
    rows.sort(function (a, b) {
      var x = key(a, i), y = key(b, i);
      var r = numeric ? (parseFloat(x) - parseFloat(y)) : (x < y ? -1 : x > y ? 1 : 0);
      if (r === 0) r = a.getAttribute('data-name') < b.getAttribute('data-name') ? -1 : 1;
      return r * sorted.dir;
    });
    rows.forEach(function (tr) { tbody.appendChild(tr); });
    heads.forEach(function (h, j) {
      if (j === i) h.setAttribute('aria-sort', sorted.dir > 0 ? 'ascending' : 'descending');
      else h.removeAttribute('aria-sort');
    });
  }
  heads.forEach(function (h, i) {
    h.addEventListener('click', function () { sortBy(i); });
    h.setAttribute('title', 'Sort');
  });
  function filter() {
    var text = q.value.trim().toLowerCase();
    var g = grade.value, r = risk.value, shown = 0;
    rows.forEach(function (tr) {
      var ok = (!text || tr.getAttribute('data-search').indexOf(text) !== -1) &&
        (!g || tr.getAttribute('data-grade') === g) &&
        (!r || tr.getAttribute('data-risk') === r);
      tr.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = 'Showing ' + shown + ' of ' + rows.length;
  }
  [q, grade, risk].forEach(function (el) {
    el.addEventListener('input', filter);
    el.addEventListener('change', filter);
  });
  filter();
})();
"#;

pub fn render(r: &FleetReport) -> String {
    let mut o = String::with_capacity(32 * 1024 + r.repos.len() * 1024);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Agent configuration fleet — agentgate</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
    );
    let shard = r
        .shard
        .map(|s| format!(" · shard {}/{}", s.index, s.count))
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "<header><h1>Agent configuration fleet</h1><p class=\"meta\">Generated {} by agentgate {}{} · {} repositories</p></header>",
        esc(&r.generated_at),
        esc(&r.agentgate_version),
        esc(&shard),
        r.summary.repos
    );
    cards(&mut o, r);
    trend(&mut o, r);
    charts(&mut o, r);
    if let Some(u) = &r.usage {
        o.push_str("<h2 id=\"usage\">Observed usage</h2>");
        o.push_str(&super::usage_html::cards(u));
        o.push_str("<div class=\"charts\">");
        o.push_str(&super::usage_html::model_mix(u));
        o.push_str(&super::usage_html::cache_distribution(u));
        o.push_str("</div>");
        o.push_str(&super::usage_html::anomalies(u));
    }
    teams(&mut o, r);
    repo_table(&mut o, r);
    mcp_table(&mut o, r);
    skills_table(&mut o, r);
    exceptions_table(&mut o, r);
    failed_list(&mut o, r);
    let _ = write!(
        o,
        "<p class=\"small\">Grade: 100 − per family min(30, 10·errors + 3·warnings + 1·notes); at most C (79) with any error; at most 69 − 10·(n − 1) with n errors in permissions, MCP, hooks or secrets; at most B (89) for a configured agent without a context file. A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60.</p>\n</main>\n\
         <script type=\"application/json\" id=\"fleet-data\">{}</script>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        script_json(r)
    );
    o
}

fn card(o: &mut String, label: &str, value: &str, sub: &str) {
    let _ = write!(
        o,
        "<div class=\"card\"><div class=\"l\">{}</div><div class=\"v\">{}</div><div class=\"s\">{}</div></div>",
        esc(label),
        esc(value),
        esc(sub)
    );
}

fn cards(o: &mut String, r: &FleetReport) {
    let s = &r.summary;
    o.push_str("<section class=\"cards\" aria-label=\"Summary\">");
    card(
        o,
        "Repositories",
        &s.repos.to_string(),
        &format!("{} scanned, {} failed", s.scanned, s.failed),
    );
    let (avg, letter) = match s.average_score {
        Some(v) => (v.to_string(), super::grade::letter(v)),
        None => ("-".into(), "-"),
    };
    card(o, "Average grade", letter, &format!("score {avg}"));
    card(
        o,
        "Findings",
        &s.findings.total().to_string(),
        &format!(
            "{} errors, {} warnings",
            s.findings.error, s.findings.warning
        ),
    );
    let high = s.permission_risk.get("high").copied().unwrap_or(0);
    card(
        o,
        "High permission risk",
        &high.to_string(),
        &format!(
            "{} medium",
            s.permission_risk.get("medium").copied().unwrap_or(0)
        ),
    );
    let stale = s.freshness.get("stale").copied().unwrap_or(0);
    let missing = s.freshness.get("missing").copied().unwrap_or(0);
    card(
        o,
        "Context stale / missing",
        &format!("{stale} / {missing}"),
        &format!("{} fresh", s.freshness.get("fresh").copied().unwrap_or(0)),
    );
    card(
        o,
        "Secrets",
        &s.secrets.to_string(),
        "findings (never values)",
    );
    card(o, "Drift", &s.drift.to_string(), "policy findings");
    card(
        o,
        "MCP servers",
        &s.mcp_servers.len().to_string(),
        &format!(
            "distinct, {} unpinned",
            s.mcp_servers
                .iter()
                .filter(|m| !m.unpinned_repos.is_empty())
                .count()
        ),
    );
    card(
        o,
        "Exceptions expiring",
        &s.expiring_exceptions.len().to_string(),
        "expired or within 30 days",
    );
    o.push_str("</section>\n");
}

/// One chart row: a label, stacked segments (css class, value) scaled to `max`, a total.
fn bar(o: &mut String, label: &str, parts: &[(&str, usize)], max: usize) {
    let total: usize = parts.iter().map(|p| p.1).sum();
    let _ = write!(
        o,
        "<div class=\"bar-row\"><span class=\"lab\" title=\"{0}\">{0}</span><span class=\"bar\">",
        esc(label)
    );
    for (class, v) in parts {
        if *v > 0 {
            let pct = *v as f64 * 100.0 / max.max(1) as f64;
            let _ = write!(
                o,
                "<span class=\"{class}\" style=\"width:{pct:.2}%\" title=\"{v}\"></span>"
            );
        }
    }
    let _ = write!(o, "</span><span class=\"num\">{total}</span></div>");
}

fn charts(o: &mut String, r: &FleetReport) {
    let s = &r.summary;
    o.push_str("<div class=\"charts\">\n<figure id=\"chart-families\"><figcaption>Findings by family</figcaption>");
    let max = s
        .findings_by_family
        .values()
        .map(|c| c.total())
        .max()
        .unwrap_or(0);
    if max == 0 {
        o.push_str("<p class=\"empty\">No findings.</p>");
    }
    let mut families: Vec<_> = s.findings_by_family.iter().collect();
    families.sort_by(|a, b| b.1.total().cmp(&a.1.total()).then(a.0.cmp(b.0)));
    for (family, c) in families {
        bar(
            o,
            family,
            &[
                ("b-error", c.error),
                ("b-warning", c.warning),
                ("b-note", c.note),
            ],
            max,
        );
    }
    o.push_str("<div class=\"legend\"><i class=\"b-error\"></i>error<i class=\"b-warning\"></i>warning<i class=\"b-note\"></i>note</div></figure>\n");

    o.push_str("<figure id=\"chart-grades\"><figcaption>Grades</figcaption>");
    let max = s.grades.values().copied().max().unwrap_or(0);
    for (g, n) in &s.grades {
        bar(o, g, &[("b-main", *n)], max);
    }
    bar(o, "failed", &[("b-error", s.failed)], max.max(s.failed));
    o.push_str("</figure>\n");

    o.push_str("<figure id=\"chart-freshness\"><figcaption>Context file freshness</figcaption>");
    let max = s
        .freshness
        .values()
        .chain(s.freshness_days.values())
        .copied()
        .max()
        .unwrap_or(0);
    for key in ["fresh", "stale", "missing", "unknown"] {
        let class = if key == "fresh" { "b-ok" } else { "b-warning" };
        bar(
            o,
            key,
            &[(class, s.freshness.get(key).copied().unwrap_or(0))],
            max,
        );
    }
    o.push_str("<div class=\"legend\">Days since the oldest context file changed:</div>");
    for key in super::model::DAY_BUCKETS {
        bar(
            o,
            &format!("{key} days"),
            &[("b-main", s.freshness_days.get(*key).copied().unwrap_or(0))],
            max,
        );
    }
    o.push_str("</figure>\n");

    o.push_str(
        "<figure id=\"chart-models\"><figcaption>Models configured (repositories)</figcaption>",
    );
    if s.models.is_empty() {
        o.push_str("<p class=\"empty\">No model configured.</p>");
    }
    let max = s.models.iter().map(|m| m.repos.len()).max().unwrap_or(0);
    for m in &s.models {
        bar(o, &m.model, &[("b-main", m.repos.len())], max);
    }
    o.push_str("</figure>\n");

    o.push_str(
        "<figure id=\"chart-agents\"><figcaption>Agents configured (repositories)</figcaption>",
    );
    if s.agents.is_empty() {
        o.push_str("<p class=\"empty\">No agent configuration.</p>");
    }
    let max = s.agents.values().copied().max().unwrap_or(0);
    for (a, n) in &s.agents {
        bar(o, a, &[("b-main", *n)], max);
    }
    o.push_str("</figure>\n</div>\n");
}

fn repo_table(o: &mut String, r: &FleetReport) {
    o.push_str(
        "<section id=\"repositories\"><h2>Repositories</h2>\n<div class=\"controls\">\
         <input id=\"q\" type=\"search\" placeholder=\"Filter: name, agent, model, server…\" aria-label=\"Filter repositories\">\
         <select id=\"grade\" aria-label=\"Grade\"><option value=\"\">All grades</option>",
    );
    for g in ["A", "B", "C", "D", "F", "failed"] {
        let _ = write!(o, "<option value=\"{g}\">{g}</option>");
    }
    o.push_str("</select><select id=\"risk\" aria-label=\"Permission risk\"><option value=\"\">Any risk</option>");
    for k in ["high", "medium", "low"] {
        let _ = write!(o, "<option value=\"{k}\">{k} risk</option>");
    }
    let _ = write!(
        o,
        "</select><span class=\"count\" id=\"count\">{} repositories</span></div>\n<div class=\"scroll\"><table id=\"repos\">\n<thead><tr>",
        r.repos.len()
    );
    for (name, ty) in [
        ("Repository", "text"),
        ("Grade", "num"),
        ("Agents", "text"),
        ("Context", "num"),
        ("Findings E/W/N", "num"),
        ("Drift", "num"),
        ("Risk", "num"),
        ("MCP", "num"),
        ("Secrets", "num"),
        ("Models", "text"),
        ("Exceptions", "num"),
        ("Team", "text"),
        ("Policy", "text"),
        ("Usage", "num"),
    ] {
        let class = if ty == "num" && !matches!(name, "Grade" | "Context" | "Risk" | "Usage") {
            " class=\"n\""
        } else {
            ""
        };
        let _ = write!(o, "<th data-type=\"{ty}\"{class}>{name}</th>");
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for repo in &r.repos {
        repo_row(o, repo);
    }
    o.push_str("</tbody></table></div></section>\n");
}

fn repo_row(o: &mut String, r: &RepoCard) {
    let failed = r.status == Status::Failed;
    let grade = r
        .grade
        .as_ref()
        .map_or("failed".to_string(), |g| g.letter.clone());
    let models: Vec<&str> = {
        let mut m: Vec<&str> = r.models.iter().map(|m| m.model.as_str()).collect();
        m.sort_unstable();
        m.dedup();
        m
    };
    let servers: Vec<String> = r
        .mcp_servers
        .iter()
        .map(|m| match (&m.package, &m.version) {
            (Some(p), Some(v)) => format!("{} ({p}@{v})", m.name),
            (Some(p), None) => format!("{} ({p}, unpinned)", m.name),
            _ => format!("{} ({})", m.name, m.transport),
        })
        .collect();
    let search = format!(
        "{} {} {} {} {}",
        r.name,
        r.agents.join(" "),
        models.join(" "),
        servers.join(" "),
        r.error.as_deref().unwrap_or("")
    )
    .to_lowercase();
    let _ = write!(
        o,
        "<tr data-name=\"{}\" data-grade=\"{}\" data-risk=\"{}\" data-search=\"{}\"{}>",
        esc(&r.name),
        esc(&grade),
        if failed {
            ""
        } else {
            r.permission_risk.as_str()
        },
        esc(&search),
        if failed { " class=\"failed\"" } else { "" }
    );
    // Repository
    let _ = write!(
        o,
        "<td data-v=\"{}\"><strong>{}</strong>",
        esc(&r.name.to_lowercase()),
        esc(&r.name)
    );
    if let Some(e) = &r.error {
        let _ = write!(o, "<div class=\"errtext\">{}</div>", esc(e));
    }
    o.push_str("</td>");
    // Grade
    match &r.grade {
        Some(g) => {
            let _ = write!(
                o,
                "<td data-v=\"{0}\"><span class=\"badge g-{1}\">{1}</span> <span class=\"small\">{0}</span></td>",
                g.score,
                esc(&g.letter)
            );
        }
        None => o.push_str("<td data-v=\"-1\"><span class=\"badge g-failed\">failed</span></td>"),
    }
    if failed {
        o.push_str("<td></td><td data-v=\"-1\"></td><td data-v=\"-1\"></td><td data-v=\"-1\"></td><td data-v=\"-1\"></td><td data-v=\"-1\"></td><td data-v=\"-1\"></td><td></td><td data-v=\"-1\"></td><td></td><td></td><td data-v=\"-1\"></td></tr>\n");
        return;
    }
    let _ = write!(o, "<td>{}</td>", esc(&r.agents.join(", ")));
    // Context: sorts by days (missing last).
    let c = &r.context;
    let v = match c.freshness {
        super::model::Freshness::Missing => 100_000,
        _ => c.max_days.unwrap_or(-1),
    };
    let files: Vec<String> = c
        .files
        .iter()
        .map(|f| match (&f.last_changed, f.commits_since) {
            (Some(d), Some(n)) => format!("{} — {d}, {n} commits since", f.path),
            _ => f.path.clone(),
        })
        .collect();
    let _ = write!(
        o,
        "<td class=\"nw\" data-v=\"{v}\" title=\"{}\"><span class=\"pill f-{1}\">{1}</span>",
        esc(&files.join("\n")),
        c.freshness.as_str()
    );
    if let Some(d) = c.max_days {
        let _ = write!(o, " <span class=\"small\">{d} d</span>");
    }
    o.push_str("</td>");
    let f = &r.findings;
    let rules: Vec<String> = f
        .by_rule
        .iter()
        .map(|(code, n)| {
            let name = crate::rules::lookup(code).map_or("", |r| r.name);
            format!("{code} {name} ×{n}")
        })
        .collect();
    let _ = write!(
        o,
        "<td class=\"n\" data-v=\"{}\" title=\"{}\"><span class=\"e\">{}</span> / <span class=\"w\">{}</span> / {}",
        f.error * 1_000_000 + f.warning * 1_000 + f.note,
        esc(&rules.join("\n")),
        f.error,
        f.warning,
        f.note
    );
    // The rules themselves, visible (and printed) without hovering.
    if !f.by_rule.is_empty() {
        let list: Vec<String> = f
            .by_rule
            .iter()
            .map(|(code, n)| format!("{code}×{n}"))
            .collect();
        let _ = write!(
            o,
            "<div class=\"rules small\">{}</div>",
            esc(&list.join(" "))
        );
    }
    o.push_str("</td>");
    let _ = write!(o, "<td class=\"n\" data-v=\"{0}\">{0}</td>", r.drift);
    let _ = write!(
        o,
        "<td data-v=\"{}\"><span class=\"pill r-{1}\">{1}</span></td>",
        r.permission_risk as u8,
        r.permission_risk.as_str()
    );
    let _ = write!(
        o,
        "<td class=\"n\" data-v=\"{0}\" title=\"{1}\">{0}</td>",
        r.mcp_servers.len(),
        esc(&servers.join("\n"))
    );
    let _ = write!(o, "<td class=\"n\" data-v=\"{0}\">{0}</td>", r.secrets);
    let _ = write!(o, "<td>{}</td>", esc(&models.join(", ")));
    let soonest = r
        .exceptions
        .iter()
        .filter(|e| e.status == "expired" || e.status == "expiring")
        .min_by_key(|e| e.days_left);
    let _ = write!(o, "<td class=\"n\" data-v=\"{0}\">{0}", r.exceptions.len());
    if let Some(e) = soonest {
        let _ = write!(o, " <span class=\"pill x-{0}\">{0}</span>", esc(&e.status));
    }
    o.push_str("</td>");
    let _ = write!(o, "<td>{}</td>", esc(r.team.as_deref().unwrap_or("–")));
    if r.policy.is_empty() {
        o.push_str("<td><span class=\"pill f-missing\">none</span></td>");
    } else {
        let mut parts: Vec<&str> = r.policy.config.iter().map(String::as_str).collect();
        parts.extend(r.policy.packs.iter().map(String::as_str));
        let _ = write!(o, "<td class=\"small\">{}</td>", esc(&parts.join(" → ")));
    }
    usage_cell(o, r);
    o.push_str("</tr>\n");
}

/// Observed usage, what the configuration explains of it, and the threshold findings.
fn usage_cell(o: &mut String, r: &RepoCard) {
    let Some(u) = &r.usage else {
        o.push_str("<td data-v=\"-1\"></td>");
        return;
    };
    let _ = write!(
        o,
        "<td class=\"usage\" data-v=\"{}\"><span class=\"nw\">{} tok · {} · cache {}</span>",
        u.tokens,
        super::usage_html::tokens(u.tokens),
        super::usage_html::usd(u.cost_usd),
        super::usage_html::pct(u.cache_hit_ratio)
    );
    for f in &u.findings {
        let _ = write!(
            o,
            "<div class=\"errtext\">{}: {}</div>",
            esc(&f.id),
            esc(&f.message)
        );
    }
    for e in &u.explanations {
        let _ = write!(o, "<div class=\"small\">{}</div>", esc(e));
    }
    o.push_str("</td>");
}

/// Earlier reports (`--history`) and this one: average score, errors, secrets, stale and
/// missing context, and tokens where usage was joined.
fn trend(o: &mut String, r: &FleetReport) {
    if r.trend.len() < 2 {
        return;
    }
    o.push_str("<section id=\"trend\"><h2>Trend</h2><div class=\"scroll\"><table><thead><tr><th>Report</th><th>Average score</th><th class=\"n\">Repositories</th><th class=\"n\">Errors</th><th class=\"n\">Secrets</th><th class=\"n\">Stale / missing context</th><th class=\"n\">Tokens</th></tr></thead><tbody>");
    for t in &r.trend {
        let score = t.average_score.unwrap_or(0);
        let _ = write!(
            o,
            "<tr><td class=\"nw\">{}</td><td><div class=\"bar-row\" style=\"grid-template-columns:1fr 44px\"><span class=\"bar\"><span class=\"b-main\" style=\"width:{score}%\"></span></span><span class=\"num\">{}</span></div></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{} / {}</td><td class=\"n\">{}</td></tr>",
            esc(&t.generated_at),
            t.average_score.map_or("-".into(), |s| s.to_string()),
            t.repos,
            t.errors,
            t.secrets,
            t.stale,
            t.missing,
            t.tokens.map_or("–".into(), super::usage_html::tokens)
        );
    }
    o.push_str("</tbody></table></div></section>\n");
}

/// The team view: repositories grouped by team (attribution, CODEOWNERS, or usage).
fn teams(o: &mut String, r: &FleetReport) {
    use std::collections::BTreeMap;
    let mut by: BTreeMap<Option<&str>, Vec<&RepoCard>> = BTreeMap::new();
    for c in r.repos.iter().filter(|c| c.status == Status::Ok) {
        by.entry(c.team.as_deref()).or_default().push(c);
    }
    if by.keys().all(Option::is_none) {
        return;
    }
    o.push_str("<section id=\"teams\"><h2>Teams</h2><div class=\"scroll\"><table><thead><tr><th>Team</th><th class=\"n\">Repositories</th><th class=\"n\">Average score</th><th class=\"n\">Errors</th><th class=\"n\">Secrets</th><th class=\"n\">Stale / missing context</th><th class=\"n\">Tokens</th><th class=\"n\">Cost</th><th>Repositories</th></tr></thead><tbody>");
    for (team, cards) in &by {
        let scores: Vec<u32> = cards
            .iter()
            .filter_map(|c| c.grade.as_ref().map(|g| g.score))
            .collect();
        let avg =
            (!scores.is_empty()).then(|| scores.iter().sum::<u32>() as f64 / scores.len() as f64);
        let stale = cards
            .iter()
            .filter(|c| c.context.freshness == super::model::Freshness::Stale)
            .count();
        let missing = cards
            .iter()
            .filter(|c| c.context.freshness == super::model::Freshness::Missing)
            .count();
        let tokens: u64 = cards
            .iter()
            .filter_map(|c| c.usage.as_ref())
            .map(|u| u.tokens)
            .sum();
        let costs: Vec<f64> = cards
            .iter()
            .filter_map(|c| c.usage.as_ref()?.cost_usd)
            .collect();
        let names: Vec<&str> = cards.iter().map(|c| c.name.as_str()).collect();
        let _ = write!(
            o,
            "<tr><td><strong>{}</strong></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{stale} / {missing}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"small\">{}</td></tr>",
            esc(team.unwrap_or("(no team)")),
            cards.len(),
            avg.map_or("-".into(), |a| format!("{a:.0}")),
            cards.iter().map(|c| c.findings.error).sum::<usize>(),
            cards.iter().map(|c| c.secrets).sum::<usize>(),
            if tokens > 0 {
                super::usage_html::tokens(tokens)
            } else {
                "–".into()
            },
            super::usage_html::usd((!costs.is_empty()).then(|| costs.iter().sum())),
            esc(&names.join(", "))
        );
    }
    o.push_str("</tbody></table></div></section>\n");
}

fn mcp_table(o: &mut String, r: &FleetReport) {
    let s = &r.summary;
    o.push_str("<section id=\"mcp\"><h2>MCP server inventory</h2>");
    if s.mcp_servers.is_empty() {
        o.push_str("<p class=\"empty\">No MCP servers.</p></section>\n");
        return;
    }
    o.push_str("<div class=\"scroll\"><table><thead><tr><th>Server / package</th><th>Names</th><th>Transport</th><th>Versions</th><th>Repositories</th><th>Unpinned in</th></tr></thead><tbody>");
    let max = s
        .mcp_servers
        .iter()
        .map(|m| m.repos.len())
        .max()
        .unwrap_or(0);
    for m in &s.mcp_servers {
        let pct = m.repos.len() as f64 * 100.0 / max.max(1) as f64;
        let _ = write!(
            o,
            "<tr><td><strong>{}</strong></td><td>{}</td><td>{}</td><td>{}</td>\
             <td title=\"{}\"><div class=\"bar\" style=\"max-width:160px\"><span class=\"b-main\" style=\"width:{pct:.2}%\"></span></div>{} </td><td>{}</td></tr>",
            esc(&m.key),
            esc(&m.names.join(", ")),
            esc(&m.transports.join(", ")),
            esc(&m.versions.join(", ")),
            esc(&m.repos.join(", ")),
            m.repos.len(),
            esc(&m.unpinned_repos.join(", "))
        );
    }
    o.push_str("</tbody></table></div></section>\n");
}

fn skills_table(o: &mut String, r: &FleetReport) {
    let s = &r.summary;
    if s.skills.is_empty() {
        return;
    }
    o.push_str("<section id=\"skills\"><h2>Skill library</h2><div class=\"scroll\"><table><thead><tr><th>Skill</th><th>Library</th><th class=\"n\">Adopted by</th><th>Outdated in</th><th>Modified locally in (contribute back)</th></tr></thead><tbody>");
    for k in &s.skills {
        let outdated: Vec<String> = k
            .outdated_repos
            .iter()
            .map(|r| format!("{r} ({})", k.versions.get(r).map_or("none", String::as_str)))
            .collect();
        let _ = write!(
            o,
            "<tr><td><strong>{}</strong></td><td>{}</td><td class=\"n\" title=\"{}\">{}</td><td>{}</td><td>{}</td></tr>",
            esc(&k.name),
            esc(k.library_version.as_deref().unwrap_or("-")),
            esc(&k.repos.join(", ")),
            k.repos.len(),
            esc(&outdated.join(", ")),
            esc(&k.modified_repos.join(", "))
        );
    }
    o.push_str("</tbody></table></div></section>\n");
}

fn exceptions_table(o: &mut String, r: &FleetReport) {
    let list = &r.summary.expiring_exceptions;
    o.push_str("<section id=\"exceptions\"><h2>Expiring exceptions</h2>");
    if list.is_empty() {
        o.push_str("<p class=\"empty\">No exception expires within 30 days.</p></section>\n");
        return;
    }
    o.push_str("<div class=\"scroll\"><table><thead><tr><th>Repository</th><th>Rule</th><th>Path</th><th>Expires</th><th class=\"n\">Days left</th><th>Status</th></tr></thead><tbody>");
    for e in list {
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td><span class=\"pill x-{5}\">{5}</span></td></tr>",
            esc(&e.repo),
            esc(&e.rule),
            esc(&e.path),
            esc(&e.expires),
            e.days_left,
            esc(&e.status)
        );
    }
    o.push_str("</tbody></table></div></section>\n");
}

fn failed_list(o: &mut String, r: &FleetReport) {
    let failed: Vec<&RepoCard> = r
        .repos
        .iter()
        .filter(|x| x.status == Status::Failed)
        .collect();
    if failed.is_empty() {
        return;
    }
    o.push_str("<section id=\"failed\"><h2>Failed scans</h2><ul>");
    for f in failed {
        let _ = write!(
            o,
            "<li><strong>{}</strong>: <span class=\"errtext\">{}</span></li>",
            esc(&f.name),
            esc(f.error.as_deref().unwrap_or(""))
        );
    }
    o.push_str("</ul></section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::model::RepoCard;

    #[test]
    fn untrusted_strings_are_escaped() {
        let evil = "<img src=x onerror=alert(1)>\"'&</script>";
        let card = RepoCard {
            name: evil.into(),
            status: Status::Failed,
            error: Some(evil.into()),
            ..RepoCard::default()
        };
        let report = crate::fleet::report(vec![card], None, 0);
        let html = render(&report);
        assert!(!html.contains("<img"), "{html}");
        assert_eq!(
            html.matches("</script>").count(),
            2,
            "only the two real ends"
        );
        // The embedded JSON still round-trips.
        let start = html.find("id=\"fleet-data\">").unwrap() + "id=\"fleet-data\">".len();
        let end = start + html[start..].find("</script>").unwrap();
        let back: crate::fleet::model::FleetReport =
            serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!(back.repos[0].name, evil);
    }

    #[test]
    fn no_network_assets() {
        let html = render(&crate::fleet::report(Vec::new(), None, 0));
        for needle in ["http://", "https://", "src=\"", "<link", "@import", "url("] {
            assert!(!html.contains(needle), "{needle}");
        }
    }
}
