//! What a rule's regex says about its matches before it is compiled: whether every match
//! starts with one of the rule's keywords (then the search runs anchored at each keyword hit),
//! and how short a match can be (a window shorter than that is not searched, and its regex not
//! compiled). build.rs includes this file to work both out for the built-in pack, so a run
//! pays neither the parse nor the literal extraction; an organisation's pack has them worked
//! out when it loads. No dependencies but regex-syntax: build.rs has none of the crate's.

use regex_syntax::hir::Hir;

/// What the scan needs of a rule's regex before compiling it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shape {
    /// Every match starts with one of the rule's keywords ([`starts_with_keyword`]).
    pub at_keyword: bool,
    /// The fewest bytes a match spans; `None` when nothing can match.
    pub min_len: Option<usize>,
}

/// The shape of `pattern` (read as the engine compiles it: bytes, ASCII classes, big bounds
/// opened), or an error where it does not parse.
pub fn shape(pattern: &str, keywords: &[impl AsRef<str>]) -> Result<Shape, String> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(&open_big_bounds(pattern))
        .map_err(|e| e.to_string())?;
    Ok(Shape {
        at_keyword: starts_with_keyword(&hir, keywords),
        min_len: hir.properties().minimum_len(),
    })
}

fn fold_case_pairs(hir: &Hir) -> Hir {
    use regex_syntax::hir::{Capture, Class, HirKind, Repetition};
    match hir.kind() {
        HirKind::Class(Class::Bytes(c)) => match c.ranges() {
            [a, b]
                if a.start() == a.end()
                    && b.start() == b.end()
                    && a.start().is_ascii_uppercase()
                    && b.start() == a.start().to_ascii_lowercase() =>
            {
                Hir::literal([b.start()])
            }
            _ => hir.clone(),
        },
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(fold_case_pairs(&r.sub)),
            ..r.clone()
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            sub: Box::new(fold_case_pairs(&c.sub)),
            ..c.clone()
        }),
        HirKind::Concat(v) => Hir::concat(v.iter().map(fold_case_pairs).collect()),
        HirKind::Alternation(v) => Hir::alternation(v.iter().map(fold_case_pairs).collect()),
        _ => hir.clone(),
    }
}

/// Does every match of `hir` start with one of `keywords` (ASCII case-insensitively)? True
/// when the regex's possible prefixes are a finite set of literals (after zero-width
/// assertions such as `\b`), each beginning with a keyword; false whenever that is not
/// known, which only costs the search its speed.
pub fn starts_with_keyword(hir: &Hir, keywords: &[impl AsRef<str>]) -> bool {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let mut extractor = Extractor::new();
    extractor.kind(ExtractKind::Prefix).limit_total(4096);
    // Case pairs (`[Kk]`, what `(?i)` makes of a letter) as one lower-case byte: expanded,
    // `(?i)secret` alone is 64 literals, and extracting them cost three times the rest of a
    // small run.
    let prefixes = extractor.extract(&fold_case_pairs(hir));
    let Some(literals) = prefixes.literals() else {
        return false;
    };
    !literals.is_empty()
        && literals.iter().all(|l| {
            let l = l.as_bytes();
            keywords.iter().any(|k| {
                let k = k.as_ref().as_bytes();
                l.len() >= k.len() && l[..k.len()].eq_ignore_ascii_case(k)
            })
        })
}

/// `{n,m}` with `m` of four digits or more becomes `{n,}`: what replacing the regex
/// `\{(\d+),\d{4,}\}` with `{$1,}` gives, without compiling it (a quarter of the cost of a
/// run's first rule regex; the tests compare the two).
pub fn open_big_bounds(pattern: &str) -> std::borrow::Cow<'_, str> {
    let b = pattern.as_bytes();
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while let Some(open) = b[i..].iter().position(|&c| c == b'{').map(|o| i + o) {
        let n = digits(open + 1);
        let comma = open + 1 + n;
        let m = if n > 0 && b.get(comma) == Some(&b',') {
            digits(comma + 1)
        } else {
            0
        };
        if m >= 4 && b.get(comma + 1 + m) == Some(&b'}') {
            out.push_str(&pattern[copied..=comma]);
            out.push('}');
            copied = comma + m + 2;
            i = copied;
        } else {
            i = open + 1;
        }
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(pattern);
    }
    out.push_str(&pattern[copied..]);
    std::borrow::Cow::Owned(out)
}
