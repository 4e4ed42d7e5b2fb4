//! The Claude Code Analytics API, `GET /v1/organizations/usage_report/claude_code`: per actor
//! (a `user_actor` with `email_address`, or an `api_actor` with `api_key_name`) and UTC day,
//! `core_metrics` (`num_sessions`, `commits_by_claude_code`, `pull_requests_by_claude_code`)
//! and `model_breakdown[]` (`model`, `tokens.{input, output, cache_read, cache_creation}`,
//! `estimated_cost.{amount, currency}` with `amount` in cents). One row per model, plus the
//! day's sessions, commits and pull requests on the first (or on a row of its own).

use super::attribution::Hints;
use super::{FileCtx, Row, Source};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Page {
    #[serde(default)]
    data: Vec<Record>,
}

#[derive(Debug, Default, Deserialize)]
struct Actor {
    #[serde(default)]
    email_address: Option<String>,
    #[serde(default)]
    api_key_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct CoreMetrics {
    #[serde(default)]
    num_sessions: Option<u64>,
    #[serde(default)]
    commits_by_claude_code: Option<u64>,
    #[serde(default)]
    pull_requests_by_claude_code: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
struct Tokens {
    #[serde(default)]
    input: Option<u64>,
    #[serde(default)]
    output: Option<u64>,
    #[serde(default)]
    cache_read: Option<u64>,
    #[serde(default)]
    cache_creation: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
struct Cost {
    #[serde(default)]
    amount: Option<f64>,
    #[serde(default)]
    currency: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ModelUse {
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    tokens: Tokens,
    #[serde(default)]
    estimated_cost: Option<Cost>,
}

#[derive(Debug, Deserialize)]
struct Record {
    #[serde(default)]
    actor: Actor,
    date: String,
    #[serde(default)]
    core_metrics: CoreMetrics,
    #[serde(default)]
    model_breakdown: Vec<ModelUse>,
}

#[derive(Debug, Default)]
pub struct Pages;

impl Pages {
    pub fn value(&mut self, ctx: &mut FileCtx, bytes: &[u8]) -> Result<(), serde_json::Error> {
        let page: Page = super::json::parse(bytes)?;
        for rec in &page.data {
            let Some(time) = super::time::parse(&rec.date) else {
                let name = ctx.file.path.clone();
                ctx.bad(format!("{name}: `date` {:?} is not a date", rec.date));
                continue;
            };
            let user = ctx.opt(rec.actor.email_address.as_deref());
            let api_key = ctx.opt(rec.actor.api_key_name.as_deref());
            let base = Row {
                source: Source::Analytics,
                time,
                user: user.or(api_key),
                hints: Hints {
                    user,
                    api_key,
                    ..Hints::default()
                },
                session_scope: true,
                ..Row::default()
            };
            let core = &rec.core_metrics;
            let mut first = Some((
                core.num_sessions,
                core.commits_by_claude_code,
                core.pull_requests_by_claude_code,
            ));
            for m in &rec.model_breakdown {
                let mut row = base.clone();
                row.model = ctx.opt(m.model.as_deref());
                row.input = m.tokens.input;
                row.output = m.tokens.output;
                row.cache_read = m.tokens.cache_read;
                row.cache_creation = m.tokens.cache_creation;
                row.cost_micros = m
                    .estimated_cost
                    .as_ref()
                    .filter(|c| {
                        c.currency
                            .as_deref()
                            .is_none_or(|c| c.eq_ignore_ascii_case("USD"))
                    })
                    .and_then(|c| c.amount)
                    .and_then(|cents| super::micros(cents / 100.0));
                if let Some((s, c, p)) = first.take() {
                    (row.sessions, row.commits, row.pull_requests) = (s, c, p);
                }
                ctx.emit(row);
            }
            if let Some((s, c, p)) = first {
                let mut row = base;
                (row.sessions, row.commits, row.pull_requests) = (s, c, p);
                ctx.emit(row);
            }
        }
        Ok(())
    }
}
