//! The normalized rows, written as they are read (`--rows FILE`, CSV or NDJSON) so a
//! warehouse can take over where one machine's aggregate ends. One row per [`Row`], before
//! session de-duplication (the `source` column tells sources apart). Every string passes
//! through `mask::printable`; CSV cells that a spreadsheet would run as a formula (`=`,
//! `+`, `-`, `@`) get a leading `'`.
//!
//! Row order is deterministic: the files in the order `fleet usage` lists them, each file's
//! rows in input order. Files are read in parallel, so every file but the first writes its
//! rows to an anonymous temporary file next to the output (memory stays bounded by one
//! 256 KiB buffer per file being read), and [`Exporter::finish`] appends them in order.
//! Each row is formatted by hand (no JSON tree per row); an interned string is escaped once
//! per file ([`RowCache`]).

use super::{Interner, Row, Sym};
use std::io::Write;
use std::path::PathBuf;
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

/// Where the rows go.
pub enum Dest {
    /// A file; the other files' rows are held in temporary files in `spill_dir` (the
    /// output's directory, so that appending them is a copy within one file system).
    File {
        file: std::fs::File,
        spill_dir: PathBuf,
    },
    /// Standard output; temporary files in the system's temporary directory.
    Stdout,
}

enum Out {
    File(std::io::BufWriter<std::fs::File>),
    Stdout(std::io::BufWriter<std::io::Stdout>),
}

impl Out {
    fn write_all(&mut self, b: &[u8]) -> std::io::Result<()> {
        match self {
            Out::File(w) => w.write_all(b),
            Out::Stdout(w) => w.write_all(b),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Out::File(w) => w.flush(),
            Out::Stdout(w) => w.flush(),
        }
    }

    /// Appends a finished temporary file (rewound here).
    fn append(&mut self, part: &mut std::fs::File) -> std::io::Result<()> {
        use std::io::Seek;
        part.seek(std::io::SeekFrom::Start(0))?;
        self.flush()?;
        match self {
            // File to file: `std::io::copy` copies inside the kernel (`copy_file_range`).
            Out::File(w) => std::io::copy(part, w.get_mut()).map(|_| ()),
            Out::Stdout(w) => std::io::copy(part, w.get_mut()).map(|_| ()),
        }
    }
}

pub struct Exporter {
    format: RowFormat,
    out: Mutex<Out>,
    spill_dir: PathBuf,
    /// Finished temporary files by input file index.
    parts: Mutex<Vec<(usize, std::fs::File)>>,
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

/// Decimal digits of `n`, without allocating.
fn push_u64(buf: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

fn push_2(buf: &mut Vec<u8>, n: i64) {
    buf.push(b'0' + (n / 10) as u8);
    buf.push(b'0' + (n % 10) as u8);
}

/// What one file's writer keeps between rows: each interned string already encoded as a
/// cell (JSON string or CSV cell), and the last day and week written.
#[derive(Debug, Default)]
pub struct RowCache {
    names: Vec<Option<Box<[u8]>>>,
    day: Option<(i64, String)>,
    week: Option<(i32, Vec<u8>)>,
    scratch: Vec<u8>,
}

impl RowCache {
    fn cell(&mut self, format: RowFormat, strings: &Interner, s: Sym) -> &[u8] {
        let i = s as usize;
        if self.names.len() <= i {
            self.names.resize(i + 1, None);
        }
        self.names[i].get_or_insert_with(|| {
            let text = crate::mask::printable(strings.get(s));
            encode(format, &text).into_boxed_slice()
        })
    }
}

/// One string as a cell: a JSON string literal, or a CSV cell.
fn encode(format: RowFormat, s: &str) -> Vec<u8> {
    match format {
        RowFormat::Ndjson => serde_json::to_vec(s).unwrap_or_else(|_| b"null".to_vec()),
        RowFormat::Csv => {
            let mut b = Vec::new();
            csv_cell(&mut b, s);
            b
        }
    }
}

/// One file's share of the export: its buffer, and (for every file but the first) the
/// temporary file it goes to. Made by [`Exporter::part`], closed by [`Exporter::close`].
#[derive(Debug)]
pub struct Part {
    index: usize,
    buf: Vec<u8>,
    spill: Option<std::fs::File>,
    failed: bool,
    cache: RowCache,
}

/// A part's buffer is written out when it holds this much.
const PART_BUF: usize = 256 << 10;

impl Exporter {
    /// Writes the CSV header at once.
    pub fn new(format: RowFormat, dest: Dest) -> std::io::Result<Exporter> {
        let (mut out, spill_dir) = match dest {
            Dest::File { file, spill_dir } => (
                Out::File(std::io::BufWriter::with_capacity(1 << 16, file)),
                spill_dir,
            ),
            Dest::Stdout => (
                Out::Stdout(std::io::BufWriter::with_capacity(
                    1 << 16,
                    std::io::stdout(),
                )),
                std::env::temp_dir(),
            ),
        };
        if format == RowFormat::Csv {
            out.write_all(COLUMNS.join(",").as_bytes())?;
            out.write_all(b"\n")?;
        }
        Ok(Exporter {
            format,
            out: Mutex::new(out),
            spill_dir,
            parts: Mutex::new(Vec::new()),
            error: Mutex::new(None),
        })
    }

    fn fail(&self, e: String) {
        let mut err = self.error.lock().unwrap_or_else(|e| e.into_inner());
        err.get_or_insert(e);
    }

    /// The writer of input file number `index` (the order of the output).
    pub fn part(&self, index: usize) -> Part {
        Part {
            index,
            buf: Vec::with_capacity(PART_BUF + 4096),
            spill: None,
            failed: false,
            cache: RowCache::default(),
        }
    }

    /// Appends one row to the part, writing its buffer out when full.
    pub fn write(
        &self,
        part: &mut Part,
        r: &Row,
        team: Option<Sym>,
        repo: Option<Sym>,
        strings: &Interner,
    ) {
        self.format_row(&mut part.buf, &mut part.cache, r, team, repo, strings);
        if part.buf.len() >= PART_BUF {
            self.drain(part);
        }
    }

    /// Writes the part's buffer: the first file straight to the output, the others to their
    /// temporary file.
    fn drain(&self, part: &mut Part) {
        if part.buf.is_empty() || part.failed {
            part.buf.clear();
            return;
        }
        let result = if part.index == 0 {
            let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
            out.write_all(&part.buf)
        } else {
            if part.spill.is_none() {
                match tempfile::tempfile_in(&self.spill_dir) {
                    Ok(f) => part.spill = Some(f),
                    Err(e) => {
                        part.failed = true;
                        part.buf.clear();
                        return self.fail(format!(
                            "cannot make a temporary file in {}: {e}",
                            self.spill_dir.display()
                        ));
                    }
                }
            }
            match &mut part.spill {
                Some(f) => f.write_all(&part.buf),
                None => Ok(()),
            }
        };
        if let Err(e) = result {
            part.failed = true;
            self.fail(e.to_string());
        }
        part.buf.clear();
    }

    /// The file is read: its last rows are written and its temporary file kept for
    /// [`Exporter::finish`].
    pub fn close(&self, mut part: Part) {
        self.drain(&mut part);
        if let Some(f) = part.spill.take()
            && !part.failed
        {
            self.parts
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((part.index, f));
        }
    }

    /// Formats one row (CSV: the [`COLUMNS`] order; NDJSON: one object, keys sorted).
    fn format_row(
        &self,
        buf: &mut Vec<u8>,
        cache: &mut RowCache,
        r: &Row,
        team: Option<Sym>,
        repo: Option<Sym>,
        strings: &Interner,
    ) {
        let format = self.format;
        // Time and week: made here (no allocation but once a day and once a week).
        let days = r.time.div_euclid(86_400);
        if cache.day.as_ref().is_none_or(|(d, _)| *d != days) {
            cache.day = Some((days, crate::dates::date(r.time)));
        }
        let week = super::time::week_of(r.time);
        if cache.week.as_ref().is_none_or(|(w, _)| *w != week) {
            let cell = encode(format, &super::time::day_string(week));
            cache.week = Some((week, cell));
        }
        let mut time = std::mem::take(&mut cache.scratch);
        time.clear();
        if format == RowFormat::Ndjson {
            time.push(b'"');
        }
        if let Some((_, d)) = &cache.day {
            time.extend_from_slice(d.as_bytes());
        }
        let s = r.time.rem_euclid(86_400);
        time.push(b'T');
        push_2(&mut time, s / 3600);
        time.push(b':');
        push_2(&mut time, s / 60 % 60);
        time.push(b':');
        push_2(&mut time, s % 60);
        time.push(b'Z');
        if format == RowFormat::Ndjson {
            time.push(b'"');
        } else if time.starts_with(b"-") {
            // A year before 1 (never in an export, but the cell rule is the same).
            let t = String::from_utf8_lossy(&time).into_owned();
            time.clear();
            csv_cell(&mut time, &t);
        }
        let week_cell = cache.week.take().unwrap_or_default();
        let source = r.source.as_str();
        let query = r.query.as_str();
        match format {
            RowFormat::Csv => {
                csv_cell(buf, source);
                buf.push(b',');
                buf.extend_from_slice(&time);
                buf.push(b',');
                buf.extend_from_slice(&week_cell.1);
                for (i, s) in [r.session, r.model, None, r.user, team, repo]
                    .into_iter()
                    .enumerate()
                {
                    buf.push(b',');
                    if i == 2 {
                        csv_cell(buf, query);
                    } else if let Some(s) = s {
                        buf.extend_from_slice(cache.cell(format, strings, s));
                    }
                }
                for n in [r.input, r.output, r.cache_read, r.cache_creation] {
                    buf.push(b',');
                    if let Some(n) = n {
                        push_u64(buf, n);
                    }
                }
                buf.push(b',');
                if let Some(c) = r.cost_micros {
                    buf.extend_from_slice(cost(c).as_bytes());
                }
                for n in [r.sessions, r.commits, r.pull_requests] {
                    buf.push(b',');
                    if let Some(n) = n {
                        push_u64(buf, n);
                    }
                }
                buf.push(b'\n');
            }
            RowFormat::Ndjson => {
                // The keys in serde_json's map order (sorted), as earlier versions wrote.
                let num = |buf: &mut Vec<u8>, key: &[u8], n: Option<u64>| {
                    buf.extend_from_slice(key);
                    match n {
                        Some(n) => push_u64(buf, n),
                        None => buf.extend_from_slice(b"null"),
                    }
                };
                let mut text = |buf: &mut Vec<u8>, key: &[u8], s: Option<Sym>| {
                    buf.extend_from_slice(key);
                    match s {
                        Some(s) => buf.extend_from_slice(cache.cell(format, strings, s)),
                        None => buf.extend_from_slice(b"null"),
                    }
                };
                num(buf, b"{\"cache_creation_tokens\":", r.cache_creation);
                num(buf, b",\"cache_read_tokens\":", r.cache_read);
                num(buf, b",\"commits\":", r.commits);
                buf.extend_from_slice(b",\"cost_usd\":");
                match r.cost_micros {
                    Some(c) => {
                        let _ = serde_json::to_writer(&mut *buf, &(c as f64 / 1e6));
                    }
                    None => buf.extend_from_slice(b"null"),
                }
                num(buf, b",\"input_tokens\":", r.input);
                text(buf, b",\"model\":", r.model);
                num(buf, b",\"output_tokens\":", r.output);
                num(buf, b",\"pull_requests\":", r.pull_requests);
                buf.extend_from_slice(b",\"query_source\":\"");
                buf.extend_from_slice(query.as_bytes());
                buf.push(b'"');
                text(buf, b",\"repo\":", repo);
                text(buf, b",\"session\":", r.session);
                num(buf, b",\"sessions\":", r.sessions);
                buf.extend_from_slice(b",\"source\":\"");
                buf.extend_from_slice(source.as_bytes());
                buf.push(b'"');
                text(buf, b",\"team\":", team);
                buf.extend_from_slice(b",\"time\":");
                buf.extend_from_slice(&time);
                text(buf, b",\"user\":", r.user);
                buf.extend_from_slice(b",\"week\":");
                buf.extend_from_slice(&week_cell.1);
                buf.extend_from_slice(b"}\n");
            }
        }
        cache.week = Some(week_cell);
        cache.scratch = time;
    }

    /// Appends the other files' rows in file order and flushes; the first error, if any.
    pub fn finish(&self) -> Result<(), crate::error::Error> {
        let mut parts = std::mem::take(&mut *self.parts.lock().unwrap_or_else(|e| e.into_inner()));
        parts.sort_by_key(|(i, _)| *i);
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        for (_, f) in &mut parts {
            if let Err(e) = out.append(f) {
                self.fail(e.to_string());
                break;
            }
        }
        if let Err(e) = out.flush() {
            self.fail(e.to_string());
        }
        match self.error.lock().unwrap_or_else(|e| e.into_inner()).take() {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::{Query, Source};

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
        let mut n = Vec::new();
        for x in [0, 7, 10, 1234567890, u64::MAX] {
            push_u64(&mut n, x);
            n.push(b' ');
        }
        assert_eq!(n, format!("0 7 10 1234567890 {} ", u64::MAX).as_bytes());
    }

    /// The row as versions up to 0.1 wrote it (a `serde_json` map per row): the hand-made
    /// formatter must produce the same bytes.
    fn reference(
        format: RowFormat,
        r: &Row,
        team: Option<Sym>,
        repo: Option<Sym>,
        strings: &Interner,
    ) -> Vec<u8> {
        let text = |s: Option<Sym>| s.map(|s| crate::mask::printable(strings.get(s)));
        let strs = [
            Some(r.source.as_str().to_string()),
            Some(crate::usage::time::rfc3339(r.time)),
            Some(crate::usage::time::day_string(crate::usage::time::week_of(
                r.time,
            ))),
            text(r.session),
            text(r.model),
            Some(r.query.as_str().to_string()),
            text(r.user),
            text(team),
            text(repo),
        ];
        let nums = [r.input, r.output, r.cache_read, r.cache_creation];
        let counts = [r.sessions, r.commits, r.pull_requests];
        let mut buf = Vec::new();
        match format {
            RowFormat::Csv => {
                for (i, s) in strs.iter().enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    if let Some(s) = s {
                        csv_cell(&mut buf, s);
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
                let _ = serde_json::to_writer(&mut buf, &map);
                buf.push(b'\n');
            }
        }
        buf
    }

    #[test]
    fn rows_are_written_as_the_reference_writes_them() {
        let mut strings = Interner::default();
        let names = [
            "s-1",
            "claude-sonnet-5",
            "=cmd|' /C calc'!A0",
            "a,\"quoted\"\nline",
            "ünïcødé \u{1} \t tab",
            "-neg",
            "team-01",
            "repo/x",
            "sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ];
        let syms: Vec<Sym> = names.iter().map(|n| strings.intern(n)).collect();
        let pick = |i: usize| (!i.is_multiple_of(3)).then(|| syms[i % syms.len()]);
        let mut rows = Vec::new();
        for i in 0..400usize {
            let opt = |k: usize, v: u64| (!i.is_multiple_of(k + 2)).then_some(v);
            rows.push((
                Row {
                    source: Source::ALL[i % Source::ALL.len()],
                    // Across days, weeks, years, before 1970 and a leap second's neighbourhood.
                    time: (i as i64 - 40) * 7_919_113 + (i as i64 % 5) * 86_399,
                    session: pick(i),
                    model: pick(i + 1),
                    query: [
                        Query::Main,
                        Query::Subagent,
                        Query::Auxiliary,
                        Query::Unknown,
                    ][i % 4],
                    user: pick(i + 2),
                    input: opt(1, i as u64 * 1000),
                    output: opt(2, u64::MAX - i as u64),
                    cache_read: opt(3, 0),
                    cache_creation: opt(4, 17),
                    cost_micros: (i % 6 != 0)
                        .then_some((i as i64 - 100) * 123_457 * (i as i64 % 7)),
                    sessions: opt(5, 1),
                    commits: opt(6, 3),
                    pull_requests: opt(7, 2),
                    ..Row::default()
                },
                pick(i + 3),
                pick(i + 4),
            ));
        }
        for format in [RowFormat::Csv, RowFormat::Ndjson] {
            let e = Exporter::new(format, Dest::Stdout).unwrap();
            let (mut got, mut want) = (Vec::new(), Vec::new());
            let mut cache = RowCache::default();
            for (r, team, repo) in &rows {
                e.format_row(&mut got, &mut cache, r, *team, *repo, &strings);
                want.extend(reference(format, r, *team, *repo, &strings));
            }
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&want),
                "{format:?}"
            );
        }
    }
}
