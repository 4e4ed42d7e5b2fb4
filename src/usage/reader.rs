//! Opening an export and streaming it: gzip detected by its magic bytes (not the name), the
//! format detected from the first JSON value, then one value at a time to the format's
//! handler — a line at a time for JSON lines, or value by value (`serde_json`'s stream
//! deserializer) for pretty-printed API pages. Memory is bounded by the longest line.

use super::{FileCtx, Format};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Lines longer than this are skipped (and reported): they would have to be held whole.
pub const MAX_LINE: usize = 64 << 20;

/// Whether a file found in a directory walk may be an export (by name only; the content
/// decides the format).
pub fn looks_like_export(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    (name.ends_with(".json") || name.ends_with(".jsonl") || name.ends_with(".ndjson"))
        && !name.ends_with(".meta.json")
}

pub fn read(path: &Path, ctx: &mut FileCtx) -> Result<(), crate::error::Error> {
    let meta = std::fs::symlink_metadata(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    if !meta.is_file() && !meta.file_type().is_symlink() {
        return Err(format!("{} is not a regular file", path.display()).into());
    }
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    read_from(Box::new(file), &path.display().to_string(), ctx)
}

/// Streams `input` (possibly gzip) into `ctx`.
pub fn read_from(
    input: Box<dyn Read + Send>,
    name: &str,
    ctx: &mut FileCtx,
) -> Result<(), crate::error::Error> {
    let mut raw = BufReader::with_capacity(1 << 20, input);
    let head = raw
        .fill_buf()
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    let mut reader: Box<dyn BufRead + Send> = if head.starts_with(&[0x1f, 0x8b]) {
        Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::read::MultiGzDecoder::new(raw),
        ))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Err(format!(
            "{name}: zstd-compressed; decompress it first (`zstd -d`) — gzip is read as is"
        )
        .into());
    } else {
        Box::new(raw)
    };
    // The first non-blank line decides: a complete JSON value means JSON lines.
    let mut line = Vec::new();
    let mut lineno = 0u64;
    loop {
        match read_line(&mut reader, &mut line).map_err(|e| format!("cannot read {name}: {e}"))? {
            None => {
                ctx.file.errors.push("empty file".into());
                return Ok(());
            }
            Some(too_long) => {
                lineno += 1;
                if too_long {
                    return Err(format!(
                        "{name}:{lineno}: the first line is over {MAX_LINE} bytes"
                    )
                    .into());
                }
                if !line.iter().all(u8::is_ascii_whitespace) {
                    break;
                }
            }
        }
    }
    match probe(trim(&line)) {
        Ok(probe) => {
            let Some(format) = probe.format() else {
                ctx.file.errors.push(unknown_format());
                return Ok(());
            };
            ctx.file.format = Some(format);
            let mut handler = Handler::new(format, name);
            handler.line(ctx, trim(&line), lineno);
            loop {
                match read_line(&mut reader, &mut line) {
                    Err(e) => {
                        ctx.bad(format!("{name}:{}: cannot read: {e}", lineno + 1));
                        break;
                    }
                    Ok(None) => break,
                    Ok(Some(too_long)) => {
                        lineno += 1;
                        if too_long {
                            ctx.bad(format!(
                                "{name}:{lineno}: line over {MAX_LINE} bytes skipped"
                            ));
                            continue;
                        }
                        let l = trim(&line);
                        if !l.is_empty() {
                            handler.line(ctx, l, lineno);
                        }
                    }
                }
            }
            handler.end(ctx);
            Ok(())
        }
        Err(e) if e.is_eof() => {
            // A pretty-printed document (an API page saved as is): value by value, and a
            // top-level array (Copilot's documented example) element by element, so memory
            // is bounded by one record, not by the file.
            let stream = std::io::Cursor::new(std::mem::take(&mut line)).chain(reader);
            let mut de = serde_json::Deserializer::from_reader(stream);
            let mut handler: Option<Handler> = None;
            let mut n = 0u64;
            let mut stopped = false;
            loop {
                match de.end() {
                    Ok(()) => break,
                    Err(e) if e.is_io() => {
                        ctx.bad(format!("{name}: cannot read: {e}"));
                        break;
                    }
                    // Trailing characters: the next value.
                    Err(_) => {}
                }
                n += 1;
                let mut each = |item: serde_json::Value| -> bool {
                    let bytes = serde_json::to_vec(&item).unwrap_or_default();
                    if handler.is_none() {
                        let Some(format) = probe(&bytes).ok().and_then(|p| p.format()) else {
                            ctx.file.errors.push(unknown_format());
                            stopped = true;
                            return false;
                        };
                        ctx.file.format = Some(format);
                        handler = Some(Handler::new(format, name));
                    }
                    if let Some(h) = &mut handler {
                        h.value(ctx, &bytes, n);
                    }
                    true
                };
                let result = serde::de::DeserializeSeed::deserialize(Items(&mut each), &mut de);
                if stopped {
                    return Ok(());
                }
                if let Err(e) = result {
                    ctx.bad(format!(
                        "{name}:{}:{}: invalid JSON: {e}",
                        e.line(),
                        e.column()
                    ));
                    break;
                }
            }
            if let Some(mut h) = handler {
                h.end(ctx);
            }
            Ok(())
        }
        Err(e) => {
            ctx.file
                .errors
                .push(format!("{name}:{lineno}:{}: not JSON: {e}", e.column()));
            Ok(())
        }
    }
}

pub use super::json::{parse, parse_seed};

/// One top-level value, handed to the callback whole — or, for an array, one element at a
/// time as it is parsed. The callback returns `false` to stop.
struct Items<'f>(&'f mut dyn FnMut(serde_json::Value) -> bool);

const STOP: &str = "stopped";

impl<'de> serde::de::DeserializeSeed<'de> for Items<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Items<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<serde_json::Value>()? {
            if !(self.0)(item) {
                return Err(serde::de::Error::custom(STOP));
            }
        }
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let v = serde_json::Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        (self.0)(v);
        Ok(())
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        (self.0)(v.into());
        Ok(())
    }
    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        (self.0)(v.into());
        Ok(())
    }
    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        (self.0)(v.into());
        Ok(())
    }
    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        (self.0)(v.into());
        Ok(())
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        (self.0)(v.into());
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        (self.0)(serde_json::Value::Null);
        Ok(())
    }
}

/// The probe of a line: its object, or the first element of an array on the line.
fn probe(line: &[u8]) -> Result<Probe, serde_json::Error> {
    if line.first() == Some(&b'[') {
        let items: Vec<serde_json::Value> = serde_json::from_slice(line)?;
        let first = items.into_iter().next().unwrap_or_default();
        return serde_json::from_value(first);
    }
    serde_json::from_slice(line)
}

fn unknown_format() -> String {
    "not a usage export this version reads (see docs/usage.md for the formats)".into()
}

fn trim(line: &[u8]) -> &[u8] {
    let start = line
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    let l = &line[start..end.max(start)];
    l.strip_prefix(b"\xef\xbb\xbf").unwrap_or(l)
}

/// Reads one line into `buf` (without the newline). `None` at the end; `Some(true)` when the
/// line was longer than [`MAX_LINE`] (the rest of it is skipped, `buf` is cleared).
pub fn read_line(r: &mut dyn BufRead, buf: &mut Vec<u8>) -> std::io::Result<Option<bool>> {
    buf.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(any.then_some(too_long));
        }
        any = true;
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > MAX_LINE {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        r.consume(if done { take + 1 } else { take });
        if done {
            return Ok(Some(too_long));
        }
    }
}

/// The top-level keys that tell the formats apart (documented in docs/usage.md).
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "resourceMetrics")]
    resource_metrics: Option<IgnoredAny>,
    #[serde(rename = "resourceLogs")]
    resource_logs: Option<IgnoredAny>,
    #[serde(rename = "type")]
    kind: Option<serde_json::Value>,
    payload: Option<IgnoredAny>,
    #[serde(rename = "sessionId")]
    session_id: Option<IgnoredAny>,
    #[serde(rename = "leafUuid")]
    leaf_uuid: Option<IgnoredAny>,
    uuid: Option<IgnoredAny>,
    user_login: Option<IgnoredAny>,
    day: Option<IgnoredAny>,
    data: Option<Vec<serde_json::Value>>,
}

impl Probe {
    fn format(&self) -> Option<Format> {
        if self.resource_metrics.is_some() {
            return Some(Format::OtlpMetrics);
        }
        if self.resource_logs.is_some() {
            return Some(Format::OtlpLogs);
        }
        let kind = self.kind.as_ref().and_then(|k| k.as_str());
        if self.payload.is_some()
            && matches!(
                kind,
                Some("session_meta" | "response_item" | "event_msg" | "turn_context" | "compacted")
            )
        {
            return Some(Format::CodexRollout);
        }
        if kind.is_some()
            && (self.session_id.is_some() || self.leaf_uuid.is_some() || self.uuid.is_some())
        {
            return Some(Format::ClaudeTranscript);
        }
        if self.user_login.is_some() && self.day.is_some() {
            return Some(Format::CopilotUsage);
        }
        let data = self.data.as_ref()?;
        let mut format = None;
        for item in data {
            if item.get("actor").is_some()
                || item.get("core_metrics").is_some()
                || item.get("model_breakdown").is_some()
            {
                return Some(Format::ClaudeCodeAnalytics);
            }
            if let Some(results) = item.get("results").and_then(|r| r.as_array()) {
                format = format.or(Some(Format::AdminMessages));
                for r in results {
                    if r.get("amount").is_some() || r.get("cost_type").is_some() {
                        return Some(Format::AdminCost);
                    }
                    if r.get("uncached_input_tokens").is_some() || r.get("output_tokens").is_some()
                    {
                        return Some(Format::AdminMessages);
                    }
                }
            }
        }
        // A page with no buckets yet says nothing about its kind; it has no rows either.
        format.or((data.is_empty()).then_some(Format::AdminMessages))
    }
}

/// The per-format reading state of one file.
enum Handler {
    OtlpMetrics(super::otel::Metrics),
    OtlpLogs(super::otel::Logs),
    Admin(super::admin::Pages),
    Analytics(super::analytics::Pages),
    Transcript(super::transcript::Transcript),
    Codex(super::codex::Rollout),
    Copilot(super::copilot::Records),
}

impl Handler {
    fn new(format: Format, name: &str) -> Handler {
        match format {
            Format::OtlpMetrics => Handler::OtlpMetrics(Default::default()),
            Format::OtlpLogs => Handler::OtlpLogs(Default::default()),
            Format::AdminMessages | Format::AdminCost => Handler::Admin(Default::default()),
            Format::ClaudeCodeAnalytics => Handler::Analytics(Default::default()),
            Format::ClaudeTranscript => {
                Handler::Transcript(super::transcript::Transcript::new(name))
            }
            Format::CodexRollout => Handler::Codex(Default::default()),
            Format::CopilotUsage => Handler::Copilot(Default::default()),
        }
    }

    /// A line: one value, or an array of them.
    fn line(&mut self, ctx: &mut FileCtx, bytes: &[u8], lineno: u64) {
        if bytes.first() != Some(&b'[') {
            return self.value(ctx, bytes, lineno);
        }
        match serde_json::from_slice::<Vec<serde_json::Value>>(bytes) {
            Ok(items) => {
                for item in items {
                    let b = serde_json::to_vec(&item).unwrap_or_default();
                    self.value(ctx, &b, lineno);
                }
            }
            Err(e) => {
                let name = ctx.file.path.clone();
                ctx.bad(format!("{name}:{lineno}:{}: {e}", e.column()));
            }
        }
    }

    fn value(&mut self, ctx: &mut FileCtx, bytes: &[u8], lineno: u64) {
        let result = match self {
            Handler::OtlpMetrics(h) => h.value(ctx, bytes),
            Handler::OtlpLogs(h) => h.value(ctx, bytes),
            Handler::Admin(h) => h.value(ctx, bytes),
            Handler::Analytics(h) => h.value(ctx, bytes),
            Handler::Transcript(h) => h.value(ctx, bytes),
            Handler::Codex(h) => h.value(ctx, bytes),
            Handler::Copilot(h) => h.value(ctx, bytes),
        };
        if let Err(e) = result {
            let name = ctx.file.path.clone();
            ctx.bad(format!("{name}:{lineno}:{}: {e}", e.column()));
        }
    }

    fn end(&mut self, ctx: &mut FileCtx) {
        if let Handler::Transcript(h) = self {
            h.end(ctx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_lines() {
        let mut r = std::io::Cursor::new(b"ab\ncd\n\nlast".to_vec());
        let mut buf = Vec::new();
        let mut got = Vec::new();
        while let Some(long) = read_line(&mut r, &mut buf).unwrap() {
            got.push((String::from_utf8(buf.clone()).unwrap(), long));
        }
        assert_eq!(
            got,
            [
                ("ab".into(), false),
                ("cd".into(), false),
                (String::new(), false),
                ("last".into(), false)
            ]
        );
    }

    /// A pretty-printed top-level array is read element by element (memory bounded by one
    /// record), then the next top-level value; bad JSON after them is counted.
    #[test]
    fn top_level_arrays_stream_their_elements() {
        let line = include_str!("../../tests/fixtures/usage/copilot/users-1-day.ndjson")
            .lines()
            .next()
            .unwrap();
        let rec: serde_json::Value = serde_json::from_str(line).unwrap();
        let pretty = |login: &str| {
            let mut r = rec.clone();
            r["user_login"] = login.into();
            serde_json::to_string_pretty(&r).unwrap()
        };
        let text = format!(
            "[\n{},\n{},\n{}\n]\n{}\n{{\"broken\": ",
            pretty("a"),
            pretty("b"),
            pretty("c"),
            pretty("d")
        );
        let opts = crate::usage::Options::default();
        let got = crate::usage::ingest_bytes("users.json", text.as_bytes(), &opts);
        let f = &got.files[0];
        assert_eq!(f.format, Some(Format::CopilotUsage));
        assert_eq!((f.rows, f.skipped_lines), (4, 1), "{:?}", f.errors);
        assert!(f.errors[0].contains("invalid JSON"), "{:?}", f.errors);
        let unknown =
            crate::usage::ingest_bytes("x.json", b"[\n {\"a\": 1},\n {\"b\": 2}\n]\n", &opts);
        assert_eq!(unknown.files[0].format, None);
        assert_eq!(unknown.files[0].rows, 0);
        assert_eq!(unknown.files[0].errors, [unknown_format()]);
    }

    #[test]
    fn export_names() {
        for yes in ["a.json", "b.JSONL", "x/c.ndjson.gz", "d.jsonl.gz"] {
            assert!(looks_like_export(Path::new(yes)), "{yes}");
        }
        for no in ["a.txt", "agent-1.meta.json", "b.json.bak", "c.gz"] {
            assert!(!looks_like_export(Path::new(no)), "{no}");
        }
    }
}
