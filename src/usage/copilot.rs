//! GitHub Copilot usage metrics, the user-level report (NDJSON downloaded from the
//! `users-1-day` / `users-28-day` report links, or a JSON array of the same records): per
//! `user_login` and `day`, `totals_by_cli` and `totals_by_copilot_app` with `session_count`
//! and `token_usage.{prompt_tokens_sum, output_tokens_sum}`. Copilot reports no cache fields
//! and no cost: those stay `null` (the rows do not enter the cache hit ratio), never 0.

use super::attribution::Hints;
use super::{FileCtx, Row, Source};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Record {
    day: String,
    #[serde(default)]
    user_login: Option<String>,
    #[serde(default)]
    totals_by_cli: Option<Client>,
    #[serde(default)]
    totals_by_copilot_app: Option<Client>,
}

#[derive(Debug, Deserialize)]
struct Client {
    #[serde(default)]
    session_count: Option<u64>,
    #[serde(default)]
    token_usage: Option<TokenUsage>,
}

#[derive(Debug, Deserialize)]
struct TokenUsage {
    #[serde(default)]
    prompt_tokens_sum: Option<u64>,
    #[serde(default)]
    output_tokens_sum: Option<u64>,
}

#[derive(Debug, Default)]
pub struct Records;

impl Records {
    pub fn value(&mut self, ctx: &mut FileCtx, bytes: &[u8]) -> Result<(), serde_json::Error> {
        let rec: Record = super::json::parse(bytes)?;
        let Some(time) = super::time::parse(&rec.day) else {
            let name = ctx.file.path.clone();
            ctx.bad(format!("{name}: `day` {:?} is not a date", rec.day));
            return Ok(());
        };
        let user = ctx.opt(rec.user_login.as_deref());
        let base = Row {
            source: Source::Copilot,
            time,
            user,
            hints: Hints {
                user,
                ..Hints::default()
            },
            session_scope: true,
            ..Row::default()
        };
        let clients: Vec<&Client> = [&rec.totals_by_cli, &rec.totals_by_copilot_app]
            .into_iter()
            .flatten()
            .collect();
        if clients.is_empty() {
            ctx.emit(base);
            return Ok(());
        }
        for c in clients {
            let mut row = base.clone();
            row.sessions = c.session_count;
            if let Some(t) = &c.token_usage {
                row.input = t.prompt_tokens_sum;
                row.output = t.output_tokens_sum;
            }
            ctx.emit(row);
        }
        Ok(())
    }
}
