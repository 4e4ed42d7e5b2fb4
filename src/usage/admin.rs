//! Anthropic Admin API pages, saved as returned (one page per file, pretty-printed, or one
//! page per line): `GET /v1/organizations/usage_report/messages` and
//! `GET /v1/organizations/cost_report`. Both are `{data: [{starting_at, ending_at, results:
//! [...]}], has_more, next_page}`; a bucket's results carry the `group_by` dimensions asked for
//! (`model`, `workspace_id`, `api_key_id`, `account_id` …), `null` where not grouped.
//!
//! Messages results: `uncached_input_tokens`, `cache_read_input_tokens`,
//! `cache_creation.ephemeral_5m_input_tokens` + `ephemeral_1h_input_tokens`, `output_tokens`.
//! Cost results: `amount` — a decimal string in the lowest currency unit (cents for USD).

use super::attribution::Hints;
use super::{FileCtx, Row, Source};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Page {
    #[serde(default)]
    data: Vec<Bucket>,
}

#[derive(Debug, Deserialize)]
struct Bucket {
    starting_at: String,
    #[serde(default)]
    results: Vec<Result>,
}

#[derive(Debug, Default, Deserialize)]
struct CacheCreation {
    #[serde(default)]
    ephemeral_5m_input_tokens: Option<u64>,
    #[serde(default)]
    ephemeral_1h_input_tokens: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct Result {
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    workspace_id: Option<String>,
    #[serde(default)]
    api_key_id: Option<String>,
    #[serde(default)]
    account_id: Option<String>,
    #[serde(default)]
    service_account_id: Option<String>,
    // Messages usage.
    #[serde(default)]
    uncached_input_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    cache_creation: Option<CacheCreation>,
    #[serde(default)]
    output_tokens: Option<u64>,
    // Cost.
    #[serde(default)]
    amount: Option<serde_json::Value>,
    #[serde(default)]
    currency: Option<String>,
}

/// Cents (a decimal string or number) → micro-dollars.
fn cents_to_micros(v: &serde_json::Value) -> Option<i64> {
    let cents = match v {
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok()?,
        serde_json::Value::Number(n) => n.as_f64()?,
        _ => return None,
    };
    super::micros(cents / 100.0)
}

#[derive(Debug, Default)]
pub struct Pages;

impl Pages {
    pub fn value(
        &mut self,
        ctx: &mut FileCtx,
        bytes: &[u8],
    ) -> std::result::Result<(), serde_json::Error> {
        let page: Page = super::json::parse(bytes)?;
        for bucket in &page.data {
            let Some(time) = super::time::parse(&bucket.starting_at) else {
                let name = ctx.file.path.clone();
                ctx.bad(format!(
                    "{name}: `starting_at` {:?} is not an RFC 3339 time",
                    bucket.starting_at
                ));
                continue;
            };
            for r in &bucket.results {
                let user = ctx.opt(r.account_id.as_deref().or(r.service_account_id.as_deref()));
                let mut row = Row {
                    source: Source::AdminMessages,
                    time,
                    model: ctx.opt(r.model.as_deref()),
                    user,
                    hints: Hints {
                        workspace: ctx.opt(r.workspace_id.as_deref()),
                        api_key: ctx.opt(r.api_key_id.as_deref()),
                        user,
                        ..Hints::default()
                    },
                    ..Row::default()
                };
                if let Some(amount) = &r.amount {
                    row.source = Source::AdminCost;
                    if r.currency
                        .as_deref()
                        .is_some_and(|c| !c.eq_ignore_ascii_case("USD"))
                    {
                        let name = ctx.file.path.clone();
                        ctx.bad(format!(
                            "{name}: cost in {:?} skipped (only USD is summed)",
                            r.currency
                        ));
                        continue;
                    }
                    row.cost_micros = cents_to_micros(amount);
                } else {
                    let cc = r.cache_creation.as_ref();
                    row.input = r.uncached_input_tokens;
                    row.output = r.output_tokens;
                    row.cache_read = r.cache_read_input_tokens;
                    row.cache_creation = cc.map(|c| {
                        c.ephemeral_5m_input_tokens.unwrap_or(0)
                            + c.ephemeral_1h_input_tokens.unwrap_or(0)
                    });
                }
                ctx.emit(row);
            }
        }
        Ok(())
    }
}
