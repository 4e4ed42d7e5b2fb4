//! Codex rollouts, `~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`: JSON lines
//! `{timestamp, type, payload}`. `session_meta` gives the session `id`, `cwd`,
//! `git.repository_url` and `source` (a subagent's is `{"subagent": …}`); `turn_context` the
//! `model`; `event_msg` with `payload.type = "token_count"` the usage in `info`:
//! `total_token_usage` (cumulative for the session) and `last_token_usage`. Rows are the
//! increases of `total_token_usage` — Codex can repeat a count, and a repeated total adds
//! nothing. `input_tokens` includes `cached_input_tokens`: input = input − cached,
//! cache read = cached; Codex reports no cache writes (`null`, unless a
//! `cache_write_input_tokens` field is present).

use super::attribution::Hints;
use super::{FileCtx, Query, Row, Source, Sym};
use serde::Deserialize;
use std::borrow::Cow;

#[derive(Debug, Deserialize)]
struct Line<'a> {
    #[serde(borrow, default)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    payload: Option<Payload<'a>>,
}

#[derive(Debug, Deserialize)]
struct Git<'a> {
    #[serde(borrow, default)]
    repository_url: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
struct Info {
    #[serde(default)]
    total_token_usage: Option<TokenUsage>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq)]
struct TokenUsage {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    cached_input_tokens: u64,
    #[serde(default)]
    cache_write_input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: u64,
}

#[derive(Debug, Deserialize)]
struct Payload<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    cwd: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    git: Option<Git<'a>>,
    #[serde(default)]
    source: Option<serde_json::Value>,
    #[serde(default)]
    info: Option<Info>,
}

#[derive(Debug, Default)]
pub struct Rollout {
    session: Option<Sym>,
    cwd: Option<Sym>,
    remote: Option<Sym>,
    model: Option<Sym>,
    subagent: bool,
    total: TokenUsage,
}

impl Rollout {
    pub fn value(&mut self, ctx: &mut FileCtx, bytes: &[u8]) -> Result<(), serde_json::Error> {
        let finder = |pat: &[u8]| memchr::memmem::find(bytes, pat).is_some();
        if !(finder(b"token_count") || finder(b"session_meta") || finder(b"turn_context")) {
            return Ok(());
        }
        let line: Line = super::json::parse(bytes)?;
        let Some(p) = &line.payload else {
            return Ok(());
        };
        match line.kind.as_deref() {
            Some("session_meta") => {
                self.session = ctx.opt(p.id.as_deref());
                self.cwd = ctx.opt(p.cwd.as_deref());
                self.remote = ctx.opt(p.git.as_ref().and_then(|g| g.repository_url.as_deref()));
                self.subagent = p
                    .source
                    .as_ref()
                    .is_some_and(|s| s.get("subagent").is_some());
            }
            Some("turn_context") => {
                if let Some(m) = p.model.as_deref() {
                    self.model = ctx.opt(Some(m));
                }
                if self.cwd.is_none() {
                    self.cwd = ctx.opt(p.cwd.as_deref());
                }
            }
            Some("event_msg") if p.kind.as_deref() == Some("token_count") => {
                let Some(total) = p.info.as_ref().and_then(|i| i.total_token_usage) else {
                    return Ok(());
                };
                let prev = self.total;
                // A total below the previous one starts a new count (a resumed session).
                let reset = total.input_tokens < prev.input_tokens
                    || total.output_tokens < prev.output_tokens
                    || total.cached_input_tokens < prev.cached_input_tokens;
                let base = if reset { TokenUsage::default() } else { prev };
                self.total = total;
                let d_input = total.input_tokens - base.input_tokens;
                let d_cached = total.cached_input_tokens - base.cached_input_tokens;
                let d_output = total.output_tokens - base.output_tokens;
                if d_input == 0 && d_output == 0 && d_cached == 0 {
                    return Ok(());
                }
                let time = line
                    .timestamp
                    .as_deref()
                    .and_then(super::time::parse)
                    .unwrap_or(0);
                ctx.emit(Row {
                    source: Source::Codex,
                    time,
                    session: self.session,
                    model: self.model,
                    query: if self.subagent {
                        Query::Subagent
                    } else {
                        Query::Main
                    },
                    hints: Hints {
                        cwd: self.cwd,
                        remote: self.remote,
                        ..Hints::default()
                    },
                    input: Some(d_input.saturating_sub(d_cached)),
                    output: Some(d_output),
                    cache_read: Some(d_cached),
                    cache_creation: total
                        .cache_write_input_tokens
                        .map(|w| w.saturating_sub(base.cache_write_input_tokens.unwrap_or(0))),
                    ..Row::default()
                });
            }
            _ => {}
        }
        Ok(())
    }
}
