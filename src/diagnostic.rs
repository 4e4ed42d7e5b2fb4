//! The one diagnostic type. It knows its rule and place, nothing about output formats.

use crate::registry::Rule;
use serde::Serialize;

pub use crate::registry::Severity;

/// A byte range with its resolved 1-based line/column (columns count Unicode scalar values).
/// `end_col` is exclusive, as in SARIF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: String,
    /// Project-relative, `/`-separated.
    pub path: String,
    /// `None` for findings about a whole file or the repository.
    pub span: Option<Span>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// Stable across moved lines: rule + path + normalized subject (never a raw secret).
    pub fingerprint: String,
    /// Byte ranges of the file that must never be shown (secret values).
    pub redact: Vec<std::ops::Range<usize>>,
    /// History scans: how far back the introducing commit is (larger is older).
    pub age: usize,
    /// Secret findings: which pack rule matched (JSON `secret`, SARIF result `properties`).
    pub secret: Option<SecretKind>,
}

/// The type of a secret finding, for machines: the pack rule's id, provider and category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretKind {
    pub rule: String,
    pub provider: String,
    pub category: String,
}

impl Diagnostic {
    pub fn line(&self) -> u32 {
        self.span.as_ref().map_or(1, |s| s.line)
    }

    pub fn col(&self) -> u32 {
        self.span.as_ref().map_or(1, |s| s.col)
    }

    pub fn sort_key(&self) -> (&str, u32, u32, &'static str) {
        (&self.path, self.line(), self.col(), self.rule.code)
    }
}

/// FNV-1a, 64 bit, of `bytes`: the one stable, dependency-free hash of fingerprints and fleet
/// shards (not for security).
pub fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A finding's stable fingerprint: [`fnv1a`] of its parts, each ended by `0xff`.
pub fn fingerprint(parts: &[&str]) -> String {
    let hash = fnv1a(parts.iter().flat_map(|p| p.bytes().chain([0xff])));
    format!("{hash:016x}")
}

/// `s` for a count other than one.
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
