//! The normalized rows, written as they are read (`--rows FILE`, CSV or NDJSON) so a
//! warehouse can take over where one machine's aggregate ends. One row per [`Row`], before
//! session de-duplication (the `source` column tells sources apart). Every string passes
//! through `secrets::printable`; CSV cells that a spreadsheet would run as a formula (`=`,
//! `+`, `-`, `@`) get a leading `'`. Row order follows each file; files interleave.

use super::{Interner, Row, Sym};
use std::io::Write;
use std::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFormat {
    Csv,
    Ndjson,
}

impl RowFormat {
    /// From a file name: `.csv` is CSV, anything else NDJSON.
    pub fn for_path(path: &std::path::Path) -> RowFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => RowFormat::Csv,
            _ => RowFormat::Ndjson,
        }
    }
}

pub const COLUMNS: &[&str] = &[
    "source",
    "time",
    "week",
    "session",
    "model",
    "query_source",
    "user",
    "team",
    "repo",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_creation_tokens",
    "cost_usd",
    "sessions",
    "commits",
    "pull_requests",
];

pub struct Exporter {
    format: RowFormat,
    out: Mutex<Box<dyn Write + Send>>,
    error: Mutex<Option<String>>,
}

impl std::fmt::Debug for Exporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exporter")
            .field("format", &self.format)
            .finish()
    }
}

fn csv_cell(out: &mut Vec<u8>, s: &str) {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula || s.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        if formula {
            out.push(b'\'');
        }
        out.extend_from_slice(s.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

fn cost(micros: i64) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let m = micros.unsigned_abs();
    format!("{sign}{}.{:06}", m / 1_000_000, m % 1_000_000)
}

impl Exporter {
    /// Writes the CSV header at once.
    pub fn new(format: RowFormat, mut out: Box<dyn Write + Send>) -> std::io::Result<Exporter> {
        if format == RowFormat::Csv {
            out.write_all(COLUMNS.join(",").as_bytes())?;
            out.write_all(b"\n")?;
        }
        Ok(Exporter {
            format,
            out: Mutex::new(out),
            error: Mutex::new(None),
        })
    }

    fn name<'n>(names: &'n mut Vec<Option<String>>, strings: &Interner, s: Sym) -> &'n str {
        let i = s as usize;
        if names.len() <= i {
            names.resize(i + 1, None);
        }
        names[i].get_or_insert_with(|| crate::secrets::printable(strings.get(s)))
    }

    /// Appends one row to `buf` (the caller flushes it in chunks).
    pub fn write_row(
        &self,
        buf: &mut Vec<u8>,
        r: &Row,
        team: Option<Sym>,
        repo: Option<Sym>,
        strings: &Interner,
        names: &mut Vec<Option<String>>,
    ) {
        let mut text = |s: Option<Sym>| s.map(|s| Self::name(names, strings, s).to_string());
        let strs = [
            Some(r.source.as_str().to_string()),
            Some(super::time::rfc3339(r.time)),
            Some(super::time::day_string(super::time::week_of(r.time))),
            text(r.session),
            text(r.model),
            Some(r.query.as_str().to_string()),
            text(r.user),
            text(team),
            text(repo),
        ];
        let nums = [r.input, r.output, r.cache_read, r.cache_creation];
        let counts = [r.sessions, r.commits, r.pull_requests];
        match self.format {
            RowFormat::Csv => {
                for (i, s) in strs.iter().enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    if let Some(s) = s {
                        csv_cell(buf, s);
                    }
                }
                for n in nums {
                    buf.push(b',');
                    if let Some(n) = n {
                        let _ = write!(buf, "{n}");
                    }
                }
                buf.push(b',');
                if let Some(c) = r.cost_micros {
                    buf.extend_from_slice(cost(c).as_bytes());
                }
                for n in counts {
                    buf.push(b',');
                    if let Some(n) = n {
                        let _ = write!(buf, "{n}");
                    }
                }
                buf.push(b'\n');
            }
            RowFormat::Ndjson => {
                let mut map = serde_json::Map::new();
                for (k, v) in COLUMNS.iter().zip(&strs) {
                    map.insert(
                        (*k).into(),
                        v.clone().map_or(serde_json::Value::Null, Into::into),
                    );
                }
                for (k, v) in COLUMNS[9..13].iter().zip(nums) {
                    map.insert((*k).into(), v.map_or(serde_json::Value::Null, Into::into));
                }
                map.insert(
                    "cost_usd".into(),
                    r.cost_micros
                        .and_then(|c| serde_json::Number::from_f64(c as f64 / 1e6))
                        .map_or(serde_json::Value::Null, serde_json::Value::Number),
                );
                for (k, v) in COLUMNS[14..].iter().zip(counts) {
                    map.insert((*k).into(), v.map_or(serde_json::Value::Null, Into::into));
                }
                let _ = serde_json::to_writer(&mut *buf, &map);
                buf.push(b'\n');
            }
        }
    }

    /// Writes and clears `buf`; the first write error is kept for [`Exporter::finish`].
    pub fn flush(&self, buf: &mut Vec<u8>) {
        if buf.is_empty() {
            return;
        }
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = out.write_all(buf) {
            let mut err = self.error.lock().unwrap_or_else(|e| e.into_inner());
            err.get_or_insert_with(|| e.to_string());
        }
        buf.clear();
    }

    pub fn finish(&self) -> Result<(), String> {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = out.flush() {
            return Err(e.to_string());
        }
        match self.error.lock().unwrap_or_else(|e| e.into_inner()).take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        let mut b = Vec::new();
        csv_cell(&mut b, "plain");
        b.push(b'|');
        csv_cell(&mut b, "a,\"b\"");
        b.push(b'|');
        csv_cell(&mut b, "=HYPERLINK(1)");
        assert_eq!(
            String::from_utf8(b).unwrap(),
            "plain|\"a,\"\"b\"\"\"|\"'=HYPERLINK(1)\""
        );
        assert_eq!(cost(1_234_567), "1.234567");
        assert_eq!(cost(-5), "-0.000005");
    }
}
