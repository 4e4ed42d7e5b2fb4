//! The masking boundary. Every string that leaves the process — messages, help, labels,
//! snippets, paths, SARIF, the step summary, lock and baseline files, fleet pages, policy
//! output, errors — passes through [`text`] (or its byte-preserving twin [`blank`] for
//! snippets), and every sink passes its whole output through [`sink`] once more. What is
//! masked: every credential the secrets packs find (built-in and the organisation's), every
//! value under a credential-named key, URL passwords, and token-shaped high-entropy strings
//! (see `rules/masking.yaml`). A masked value shows at most a short prefix and its length:
//! never a hash of it, which would let a weak password be recovered offline.

use crate::secrets::Engine;
use regex::Regex;
use serde::Deserialize;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::{Arc, LazyLock, OnceLock, RwLock};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Knowledge {
    #[allow(dead_code)]
    version: u32,
    credential_words: Vec<String>,
    references: Vec<String>,
    entropy_bits: f64,
    entropy_min_length: usize,
    #[allow(dead_code)]
    examples: Examples,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Examples {
    mask: Vec<String>,
    keep: Vec<String>,
}

/// The masking patterns, each compiled on first need: most strings of a run (messages,
/// paths) hold no credential word, no `://` and no `bearer`, and a commit hook should not pay
/// for compiling patterns it never runs.
struct Masker {
    knowledge: Knowledge,
    /// The credential words, escaped and joined for the patterns.
    words: String,
    /// `KEY = VALUE`, `"key": "value"`, `Authorization: Bearer VALUE`.
    assignment: OnceLock<Regex>,
    /// `--api-key VALUE`, `--password=VALUE`.
    flag: OnceLock<Regex>,
    bearer: OnceLock<Regex>,
    url_password: OnceLock<Regex>,
}

const VALUE: &str = r#"([^\s"'`,;)}\]]+)"#;

fn build(re: &str) -> Regex {
    Regex::new(re).expect("masking regexes are valid (tested)")
}

// Names and keywords are matched as ASCII (`(?-u)`): Unicode `\w` and Unicode case folding of
// every credential word made these the costliest regexes of a small run (a few milliseconds
// at every start). Values stay Unicode-aware.
impl Masker {
    fn assignment(&self) -> &Regex {
        self.assignment.get_or_init(|| {
            build(&format!(
                r#"(?-u:[\w.-])*(?i-u:{})(?-u:[\w.-])*["']?\s*(?::|=>|=)\s*["']?(?:(?i-u:bearer|token|basic|digest)\s+)?{VALUE}"#,
                self.words
            ))
        })
    }

    fn flag(&self) -> &Regex {
        self.flag.get_or_init(|| {
            build(&format!(
                r#"--(?-u:[\w-])*(?i-u:{})(?-u:[\w-])*(?:=|\s+)["']?{VALUE}"#,
                self.words
            ))
        })
    }

    fn bearer(&self) -> &Regex {
        self.bearer
            .get_or_init(|| build(r"(?i-u)\bbearer(?u:\s)+([A-Za-z0-9._~+/=-]{8,})"))
    }

    fn url_password(&self) -> &Regex {
        self.url_password.get_or_init(|| {
            build(r#"(?-u:\b)(?i-u:[a-z][a-z0-9+.-]*)://[^\s/@:"'`]*:([^\s@"'`]+)@"#)
        })
    }

    /// Does `lower` (an ASCII-lower-cased string) hold a credential word? The patterns that
    /// need one cannot match without it.
    fn names_a_credential(&self, lower: &str) -> bool {
        self.knowledge
            .credential_words
            .iter()
            .any(|w| lower.contains(w.as_str()))
    }
}

/// Token-shaped runs: `[A-Za-z0-9+_-]{20,}={0,2}`, leftmost and non-overlapping, found without
/// a regex (every masked string is searched for them).
fn token_runs(s: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = s.as_bytes();
    let in_token = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'_' | b'-');
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let start = at;
            while at < bytes.len() && in_token(bytes[at]) {
                at += 1;
            }
            if at - start >= 20 {
                let mut end = at;
                while end < bytes.len() && end - at < 2 && bytes[end] == b'=' {
                    end += 1;
                }
                at = end;
                return Some(start..end);
            }
            at += 1;
        }
        None
    })
}

static MASKER: LazyLock<Masker> = LazyLock::new(|| {
    let mut knowledge: Knowledge = crate::builtin::MASKING.load();
    for w in &mut knowledge.credential_words {
        w.make_ascii_lowercase();
    }
    let words = knowledge
        .credential_words
        .iter()
        .map(|w| regex::escape(w))
        .collect::<Vec<_>>()
        .join("|");
    Masker {
        knowledge,
        words,
        assignment: OnceLock::new(),
        flag: OnceLock::new(),
        bearer: OnceLock::new(),
        url_password: OnceLock::new(),
    }
});

/// The organisation's secret rules, registered once per run when the policy is loaded, so
/// even an error message printed before the report masks what the org pack detects.
static ORG: OnceLock<RwLock<Vec<Arc<Engine>>>> = OnceLock::new();

pub fn register_org(engine: Arc<Engine>) {
    let list = ORG.get_or_init(|| RwLock::new(Vec::new()));
    if let Ok(mut l) = list.write()
        && !l.iter().any(|e| Arc::ptr_eq(e, &engine))
    {
        l.push(engine);
    }
}

/// How much to mask: everything for data strings; no entropy guesses for paths (a content
/// hash in a file name is common); over whole outputs only what the packs detect and URL
/// passwords (the other patterns would misread the output's own structure).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Full,
    Path,
    Sink,
}

/// Byte ranges of `s` to mask, sorted and merged.
fn ranges(s: &str, level: Level) -> Vec<Range<usize>> {
    let m = &*MASKER;
    let mut out: Vec<Range<usize>> = Vec::new();
    let engines: Vec<Arc<Engine>> = ORG
        .get()
        .and_then(|l| l.read().ok().map(|l| l.clone()))
        .unwrap_or_default();
    for f in Engine::builtin().scan(s.as_bytes(), true) {
        out.push(f.secret);
    }
    for e in &engines {
        out.extend(e.scan(s.as_bytes(), true).into_iter().map(|f| f.secret));
    }
    if s.contains("://") {
        for c in m.url_password().captures_iter(s) {
            if let Some(g) = c.get(1) {
                out.push(g.range());
            }
        }
    }
    // Over whole outputs these would misread the format itself (`secrets:1:1:` in a concise
    // line); the data inside was masked field by field with them already.
    if level != Level::Sink {
        let lower = s.to_ascii_lowercase();
        let mut patterns = Vec::with_capacity(3);
        if m.names_a_credential(&lower) {
            patterns.extend([m.assignment(), m.flag()]);
        }
        if lower.contains("bearer") {
            patterns.push(m.bearer());
        }
        for re in patterns {
            for c in re.captures_iter(s) {
                if let Some(g) = c.get(1)
                    && holds_value(g.as_str())
                {
                    out.push(g.range());
                }
            }
        }
    }
    if level == Level::Full {
        out.extend(token_runs(s).filter(|t| looks_random(&s[t.clone()], &m.knowledge)));
    }
    out.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(out.len());
    for r in out {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// A value after a credential-named key: masked unless it only refers to a secret.
fn holds_value(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    if v.len() < 3 || v.starts_with(':') || v.starts_with('$') {
        return false;
    }
    // Already masked (a snippet's `****`, a display form): nothing left to hide.
    if v.bytes().all(|b| b == b'*' || b == b'"' || b == b'\'') || v.contains('…') {
        return false;
    }
    if matches!(lower.as_str(), "true" | "false" | "null" | "none" | "nil") {
        return false;
    }
    if v.len() < 8 && v.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    !MASKER
        .knowledge
        .references
        .iter()
        .any(|r| lower.contains(r.as_str()))
}

fn looks_random(t: &str, k: &Knowledge) -> bool {
    let bytes = t.as_bytes();
    let count = |f: fn(&u8) -> bool| bytes.iter().filter(|b| f(b)).count();
    let (upper, lower, digits) = (
        count(u8::is_ascii_uppercase),
        count(u8::is_ascii_lowercase),
        count(u8::is_ascii_digit),
    );
    // Mixed case and digits, or plenty of both letters and digits: names such as
    // `NODE_TLS_REJECT_UNAUTHORIZED` or `getUserProfile` are neither.
    let mixed = (upper > 0 && lower > 0 && digits > 0) || (digits >= 4 && upper + lower >= 4);
    if bytes.len() < k.entropy_min_length || !mixed || bytes.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    crate::secrets::validate::entropy(t) >= k.entropy_bits
}

/// How a masked value is shown: a short prefix (only of long values, at most 4 characters
/// and a fifth of the value) and the length.
pub fn display(secret: &str) -> String {
    let n = secret.chars().count();
    let shown: String = if n >= 16 {
        secret.chars().take((n / 5).min(4)).collect()
    } else {
        String::new()
    };
    format!("`{shown}…` ({n} chars)")
}

/// `text` for a message, unless it looks like a credential (a pack rule matches it, or it is
/// long and random): then its [`display`] form. For values taken from config that are meant
/// to be names (package specs, images) but might not be.
pub fn printable(text: &str) -> String {
    let looks_random = text.len() >= 20
        && crate::secrets::validate::entropy(text) > 4.2
        && !text.contains(['/', '@', '.']);
    if looks_random || !Engine::builtin().scan(text.as_bytes(), true).is_empty() {
        display(text)
    } else {
        text.to_string()
    }
}

fn replace<'a>(s: &'a str, ranges: &[Range<usize>]) -> Cow<'a, str> {
    if ranges.is_empty() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for r in ranges {
        let (start, end) = (floor(s, r.start), ceil(s, r.end));
        if start < at {
            continue;
        }
        out.push_str(&s[at..start]);
        out.push_str(&display(&s[start..end]));
        at = end;
    }
    out.push_str(&s[at..]);
    Cow::Owned(out)
}

fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// `s` for a fingerprint: each credential in it replaced by its length and 12 bits of a
/// hash, so a fingerprint still tells a rotated secret from the old one (4095 times in
/// 4096) but cannot be searched offline for the secret (every guess matches one in 4096).
pub fn fingerprint_subject(s: &str) -> Cow<'_, str> {
    let found = ranges(s, Level::Full);
    if found.is_empty() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for r in found {
        let (start, end) = (floor(s, r.start), ceil(s, r.end));
        if start < at {
            continue;
        }
        out.push_str(&s[at..start]);
        out.push_str(&digest12(&s[start..end]));
        at = end;
    }
    out.push_str(&s[at..]);
    Cow::Owned(out)
}

/// Length and 12 bits of a domain-separated SHA-256 of `secret`.
pub fn digest12(secret: &str) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(b"agentgate-fingerprint-v1\0");
    h.update(secret.as_bytes());
    let d = h.finalize();
    let bits = (u16::from(d[0]) << 4) | (u16::from(d[1]) >> 4);
    format!("<{}:{bits:03x}>", secret.chars().count())
}

/// A data string (message, help, label, value) with every credential masked.
pub fn text(s: &str) -> Cow<'_, str> {
    replace(s, &ranges(s, Level::Full))
}

/// Every string (and key) of a JSON value through [`text`]: outputs built from structured
/// data (`policy show`, fleet reports).
pub fn json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => {
            if let Cow::Owned(m) = text(s) {
                *s = m;
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(json),
        serde_json::Value::Object(o) => {
            let entries: Vec<_> = std::mem::take(o).into_iter().collect();
            for (k, mut val) in entries {
                json(&mut val);
                o.insert(text(&k).into_owned(), val);
            }
        }
        _ => {}
    }
}

/// A file path with detected credentials masked (no entropy guesses: hashed asset names).
pub fn path(s: &str) -> Cow<'_, str> {
    replace(s, &ranges(s, Level::Path))
}

/// A file's text for a snippet: credentials overwritten with `*`, byte length and line
/// structure kept, so spans still point at the right place.
pub fn blank(s: &str) -> Cow<'_, str> {
    let found = ranges(s, Level::Full);
    if found.is_empty() {
        return Cow::Borrowed(s);
    }
    let mut bytes = s.as_bytes().to_vec();
    for r in found {
        let (start, end) = (floor(s, r.start), ceil(s, r.end));
        for b in &mut bytes[start..end] {
            if *b != b'\n' {
                *b = b'*';
            }
        }
    }
    // Multi-byte characters were overwritten whole (the range is on character boundaries).
    Cow::Owned(
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

/// The last pass over a whole output (a report, a page, a file written): what the packs
/// detect and URL passwords. Invalid UTF-8 is passed through unmasked byte runs untouched.
pub fn sink(bytes: &[u8]) -> Cow<'_, [u8]> {
    let Ok(s) = std::str::from_utf8(bytes) else {
        let lossy = String::from_utf8_lossy(bytes);
        return match replace(&lossy, &ranges(&lossy, Level::Sink)) {
            Cow::Borrowed(_) => Cow::Borrowed(bytes),
            Cow::Owned(o) => Cow::Owned(o.into_bytes()),
        };
    };
    match replace(s, &ranges(s, Level::Sink)) {
        Cow::Borrowed(_) => Cow::Borrowed(bytes),
        Cow::Owned(o) => Cow::Owned(o.into_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_never_contains_the_secret() {
        let s = "ghp_Zq8Rk2mVx7LpT4nWc9YbH3sJd6FgA1eQu5Ko";
        let d = display(s);
        assert_eq!(d, "`ghp_…` (40 chars)");
        assert!(!d.contains(&s[4..10]));
    }

    #[test]
    fn token_runs_are_the_token_pattern() {
        let re = Regex::new(r"[A-Za-z0-9+_-]{20,}={0,2}").unwrap();
        let mut seed = 7u64;
        let alphabet = b"aZ9+_-=== .:/\xc3\xa9";
        let mut found = 0;
        for _ in 0..2000 {
            let len = (seed % 90) as usize;
            let mut s = Vec::new();
            for _ in 0..len {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let b = alphabet[(seed >> 33) as usize % alphabet.len()];
                // Runs of one class, so 20+ runs are common.
                let n = 1 + (seed >> 50) as usize % 12;
                s.extend(std::iter::repeat_n(b, n));
            }
            let s = String::from_utf8_lossy(&s).into_owned();
            let want: Vec<_> = re.find_iter(&s).map(|m| m.range()).collect();
            found += want.len();
            assert_eq!(token_runs(&s).collect::<Vec<_>>(), want, "{s:?}");
        }
        assert!(found > 100, "the inputs hold tokens ({found})");
    }

    #[test]
    fn knowledge_examples() {
        let k = &MASKER.knowledge;
        for e in &k.examples.mask {
            assert!(!ranges(e, Level::Full).is_empty(), "should mask: {e}");
        }
        for e in &k.examples.keep {
            assert!(
                ranges(e, Level::Full).is_empty(),
                "should keep: {e} (masked {:?})",
                text(e)
            );
        }
    }

    #[test]
    fn masks_what_the_issue_lists() {
        let out = text(
            r#"Bash(curl -H "Authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123456789" x)"#,
        );
        assert!(!out.contains("ghp_abcdefghij"), "{out}");
        let out = text("http://proxy:pa/ss@host:3128");
        assert!(!out.contains("pa/ss"), "{out}");
        assert!(out.contains("(5 chars)"), "{out}");
        // The displayed form carries no hash and no prefix of a short value.
        assert_eq!(display("hunter2"), "`…` (7 chars)");
        assert_eq!(
            display("ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            "`ghp_…` (40 chars)"
        );
        // Byte-preserving for snippets.
        let s = "a: 1\npassword: hunter22\nb: 2\n";
        let b = blank(s);
        assert_eq!(b.len(), s.len());
        assert!(!b.contains("hunter22") && b.contains("b: 2"), "{b}");
        // Idempotent: the display form is never masked again.
        let once = text("DB_PASSWORD=hunter22").into_owned();
        assert_eq!(text(&once), once);
    }
}
