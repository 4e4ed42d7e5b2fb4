//! Claude Code session transcripts, `~/.claude/projects/<dir>/<session>.jsonl` (subagents'
//! in `<session>/subagents/agent-*.jsonl`): JSON lines; assistant lines carry
//! `message.usage` (`input_tokens`, `output_tokens`, `cache_read_input_tokens`,
//! `cache_creation_input_tokens`), `message.model`, `message.id`, `requestId`, `sessionId`,
//! `cwd`, `timestamp` and `isSidechain`. Claude Code writes one line per content block of a
//! response, each repeating the usage, so a response is counted once: per `message.id` (else
//! `requestId`), keeping the line with the most output tokens (streaming fills it in). The
//! lines of one response are written together, so only the last [`WINDOW`] responses are
//! held (memory stays bounded on any file). The format is internal to Claude Code and
//! changes between versions (docs/usage.md).

use super::attribution::Hints;
use super::{FileCtx, Query, Row, Source};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::VecDeque;

#[derive(Debug, Deserialize)]
struct Line<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(rename = "sessionId", borrow, default)]
    session_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    cwd: Option<Cow<'a, str>>,
    #[serde(rename = "requestId", borrow, default)]
    request_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(rename = "isSidechain", default)]
    sidechain: Option<bool>,
    #[serde(borrow, default)]
    message: Option<Message<'a>>,
}

#[derive(Debug, Deserialize)]
struct Message<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Debug, Deserialize)]
struct Usage {
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    cache_creation_input_tokens: Option<u64>,
}

/// Responses held back to merge their content-block lines.
pub const WINDOW: usize = 64;

/// The latest responses of one file (message id, row), oldest first; a response leaving the
/// window, and all at the end, are emitted.
#[derive(Debug)]
pub struct Transcript {
    subagent_file: bool,
    window: VecDeque<(Option<String>, Row)>,
}

impl Transcript {
    pub fn new(name: &str) -> Transcript {
        Transcript {
            subagent_file: name.replace('\\', "/").contains("/subagents/"),
            window: VecDeque::new(),
        }
    }

    pub fn value(&mut self, ctx: &mut FileCtx, bytes: &[u8]) -> Result<(), serde_json::Error> {
        // Most lines (prompts, tool results, snapshots) carry no usage: skip them unparsed.
        if memchr::memmem::find(bytes, b"\"usage\"").is_none() {
            return Ok(());
        }
        let line: Line = super::json::parse(bytes)?;
        if line.kind.as_deref() != Some("assistant") {
            return Ok(());
        }
        let Some(msg) = &line.message else {
            return Ok(());
        };
        let Some(u) = &msg.usage else { return Ok(()) };
        if msg.model.as_deref() == Some("<synthetic>") {
            return Ok(());
        }
        let time = line
            .timestamp
            .as_deref()
            .and_then(super::time::parse)
            .unwrap_or(0);
        let subagent = self.subagent_file || line.sidechain == Some(true);
        let row = Row {
            source: Source::Transcript,
            time,
            session: ctx.opt(line.session_id.as_deref()),
            model: ctx.opt(msg.model.as_deref()),
            query: if subagent {
                Query::Subagent
            } else {
                Query::Main
            },
            hints: Hints {
                cwd: ctx.opt(line.cwd.as_deref()),
                ..Hints::default()
            },
            input: u.input_tokens,
            output: u.output_tokens,
            cache_read: u.cache_read_input_tokens,
            cache_creation: u.cache_creation_input_tokens,
            ..Row::default()
        };
        let key = msg.id.as_deref().or(line.request_id.as_deref());
        if let Some(k) = key
            && let Some((_, held)) = self
                .window
                .iter_mut()
                .rev()
                .find(|(id, _)| id.as_deref() == Some(k))
        {
            if row.output.unwrap_or(0) > held.output.unwrap_or(0) {
                *held = row;
            }
            return Ok(());
        }
        self.window.push_back((key.map(str::to_string), row));
        if self.window.len() > WINDOW
            && let Some((_, old)) = self.window.pop_front()
        {
            ctx.emit(old);
        }
        Ok(())
    }

    pub fn end(&mut self, ctx: &mut FileCtx) {
        for (_, row) in std::mem::take(&mut self.window) {
            ctx.emit(row);
        }
    }
}
