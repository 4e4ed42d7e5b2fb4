//! In-source exceptions: `agentgate-ignore CODE: reason` in a comment of an agent file —
//! `<!-- … -->` in Markdown, `//` in JSONC, `#` in TOML and YAML. A directive alone on its line
//! covers the next line; after content it covers its own line. Like `exceptions:`, a directive
//! keeps its findings visible as suppressed (SARIF `inSource`), and one that names no rule,
//! gives no reason or matches nothing is itself a finding.

pub use crate::registry::suppress::*;

use crate::diagnostic::{Diagnostic, Span, fingerprint};
use crate::rules::{Rule, Selection};

const MARKER: &str = "agentgate-ignore";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The rules as written (codes or names).
    pub rules: Vec<String>,
    pub reason: String,
    /// Where the directive is (1-based line, byte offset of the marker).
    pub line: u32,
    pub offset: usize,
    /// The line whose findings it suppresses.
    pub target: u32,
}

/// Every directive in `text`.
pub fn parse(text: &str) -> Vec<Directive> {
    if memchr::memmem::find(text.as_bytes(), MARKER.as_bytes()).is_none() {
        return Vec::new();
    }
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |pos, l| {
            let start = *pos;
            *pos += l.len();
            Some((start, l))
        })
        .collect();
    // For each line, the first line from there on with content that is not another
    // directive: what an own-line directive applies to (searching forward from each of
    // 20,000 stacked directives was quadratic).
    let mut next_content = vec![None; lines.len() + 1];
    for (i, (_, l)) in lines.iter().enumerate().rev() {
        next_content[i] = if !l.trim().is_empty() && !l.contains(MARKER) {
            Some(i)
        } else {
            next_content[i + 1]
        };
    }
    let mut out = Vec::new();
    for (i, (start, line)) in lines.iter().enumerate() {
        let Some(at) = line.find(MARKER) else {
            continue;
        };
        // Only in a comment: prose that mentions the syntax is not a directive.
        let before = line[..at].trim_end();
        let Some(code) = ["<!--", "//", "#", "/*"]
            .iter()
            .find_map(|c| before.strip_suffix(c))
        else {
            continue;
        };
        let own_line = code.trim().is_empty();
        let rest = &line[at + MARKER.len()..];
        let rest = rest.split("-->").next().unwrap_or(rest);
        let rest = rest.split("*/").next().unwrap_or(rest).trim_end();
        let (codes, reason) = rest.split_once(':').unwrap_or((rest, ""));
        let target = if own_line {
            // The next line with content that is not another directive.
            next_content[i + 1].unwrap_or(i + 1)
        } else {
            i
        };
        out.push(Directive {
            rules: codes
                .split([',', ' ', '\t'])
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect(),
            reason: reason.trim().to_string(),
            line: i as u32 + 1,
            offset: start + at,
            target: target as u32 + 1,
        });
    }
    out
}

/// Moves findings covered by a valid directive in `text` (the file at `path`) from
/// `diagnostics` to `suppressed`, and reports directives that are invalid or unused.
pub fn apply(
    path: &str,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
    suppressed: &mut Vec<Diagnostic>,
    selection: &Selection,
) {
    let directives = parse(text);
    if directives.is_empty() {
        return;
    }
    let mut problems = Vec::new();
    // The valid directives (index, rules) by the line they target.
    let mut valid: Vec<Option<Vec<&'static Rule>>> = Vec::with_capacity(directives.len());
    let mut by_target: std::collections::BTreeMap<u32, Vec<usize>> = Default::default();
    for (i, dir) in directives.iter().enumerate() {
        let rules: Vec<Option<&'static Rule>> =
            dir.rules.iter().map(|r| crate::rules::lookup(r)).collect();
        let problem = if dir.rules.is_empty() {
            Some("`agentgate-ignore` names no rule (write `agentgate-ignore AG101: reason`)".into())
        } else if let Some(i) = rules.iter().position(Option::is_none) {
            Some(format!(
                "`agentgate-ignore` names an unknown rule `{}`",
                dir.rules[i]
            ))
        } else if dir.reason.is_empty() {
            Some("`agentgate-ignore` needs a reason after a colon".to_string())
        } else {
            None
        };
        if let Some(p) = problem {
            problems.push((i, p));
            valid.push(None);
            continue;
        }
        valid.push(Some(rules.into_iter().flatten().collect()));
        by_target.entry(dir.target).or_default().push(i);
    }
    // Each finding goes to the first directive (in file order) that covers it: one pass over
    // the findings, each looking up the directives that target its lines.
    let mut taken: Vec<Vec<Diagnostic>> = directives.iter().map(|_| Vec::new()).collect();
    let mut kept = Vec::with_capacity(diagnostics.len());
    for d in std::mem::take(diagnostics) {
        let by = d.span.as_ref().filter(|_| d.path == path).and_then(|s| {
            by_target
                .range(s.line..=s.end_line.max(s.line))
                .flat_map(|(_, dirs)| dirs)
                .filter(|&&i| {
                    valid[i]
                        .as_ref()
                        .is_some_and(|rules| rules.iter().any(|r| std::ptr::eq(*r, d.rule)))
                        && !selection.is_locked(d.rule)
                })
                .min()
                .copied()
        });
        match by {
            Some(i) => taken[i].push(d),
            None => kept.push(d),
        }
    }
    *diagnostics = kept;
    for (i, (dir, mine)) in directives.iter().zip(taken).enumerate() {
        let Some(rules) = &valid[i] else { continue };
        // Unused only if every rule it names ran: a disabled rule cannot be judged.
        if mine.is_empty() && rules.iter().all(|r| selection.is_enabled(r)) {
            problems.push((
                i,
                format!(
                    "`agentgate-ignore {}` matches no finding on line {}",
                    dir.rules.join(", "),
                    dir.target
                ),
            ));
        }
        for mut d in mine {
            d.help = Some(format!(
                "ignored in-source at {path}:{}: {}",
                dir.line, dir.reason
            ));
            suppressed.push(d);
        }
    }
    problems.sort_by_key(|(i, _)| *i);
    if !selection.is_enabled(&BAD_IGNORE_DIRECTIVE) {
        return;
    }
    for (i, message) in problems {
        let dir = &directives[i];
        diagnostics.push(marker_finding(
            path,
            text,
            dir.offset,
            MARKER.len(),
            message,
            &dir.rules.join(","),
            selection,
        ));
    }
}

/// AG612 at a suppression marker.
fn marker_finding(
    path: &str,
    text: &str,
    offset: usize,
    len: usize,
    message: String,
    key: &str,
    selection: &Selection,
) -> Diagnostic {
    let line_start = text[..offset].rfind('\n').map_or(0, |n| n + 1);
    let line = text[..offset].matches('\n').count() as u32 + 1;
    let col = text[line_start..offset].chars().count() as u32 + 1;
    Diagnostic {
        rule: &BAD_IGNORE_DIRECTIVE,
        severity: selection.severity(&BAD_IGNORE_DIRECTIVE),
        message,
        path: path.to_string(),
        span: Some(Span {
            start: offset,
            end: offset + len,
            line,
            col,
            end_line: line,
            end_col: col + len as u32,
        }),
        labels: Vec::new(),
        help: Some(
            "give a reason after a colon, or delete it; for a whole path prefer `agentgate exception add CODE --path P --reason \"…\"`"
                .into(),
        ),
        fingerprint: fingerprint(&[BAD_IGNORE_DIRECTIVE.code, path, key]),
        redact: Vec::new(),
        age: 0,
        secret: None,
    }
}

pub const ALLOW_MARKER: &str = "agentgate:allow";

/// `agentgate:allow [RULES] [: reason]` on a finding's line, in any file: with a reason, the
/// finding moves to `suppressed` (SARIF `inSource`, counted in the summary); without one it
/// stays, and the marker is an AG612 finding. No rules named means every rule. The markers
/// and line ends are found in one pass, so many findings on one long line (a minified file)
/// cost a lookup each, not a scan of the line each.
pub fn apply_allow(
    path: &str,
    text: &str,
    out: &mut Vec<Diagnostic>,
    suppressed: &mut Vec<Diagnostic>,
    selection: &Selection,
) {
    if out.is_empty() {
        return;
    }
    let bytes = text.as_bytes();
    let markers: Vec<usize> = memchr::memmem::find_iter(bytes, ALLOW_MARKER).collect();
    if markers.is_empty() {
        return;
    }
    let newlines: Vec<usize> = memchr::memchr_iter(b'\n', bytes).collect();
    let line_of = |pos: usize| newlines.partition_point(|&n| n < pos);
    let mut first = std::collections::HashMap::new();
    for m in markers {
        first.entry(line_of(m)).or_insert(m);
    }
    let mut reasonless = std::collections::BTreeSet::new();
    let mut kept = Vec::with_capacity(out.len());
    for mut d in std::mem::take(out) {
        let marker = d
            .span
            .as_ref()
            .filter(|_| !selection.is_locked(d.rule) && d.path == path)
            .and_then(|span| {
                let line = line_of(span.start.min(text.len()));
                let pos = *first.get(&line)?;
                let end = newlines.get(line).copied().unwrap_or(text.len());
                Some((pos, parse_allow(&text[pos + ALLOW_MARKER.len()..end])))
            })
            .filter(|(_, (rules, _))| {
                rules.is_empty() || rules.iter().any(|r| std::ptr::eq(*r, d.rule))
            });
        match marker {
            Some((pos, (_, reason))) if !reason.is_empty() => {
                let line = line_of(pos) + 1;
                d.help = Some(format!("ignored in-source at {path}:{line}: {reason}"));
                suppressed.push(d);
            }
            Some((pos, _)) => {
                reasonless.insert(pos);
                kept.push(d);
            }
            None => kept.push(d),
        }
    }
    *out = kept;
    if !selection.is_enabled(&BAD_IGNORE_DIRECTIVE) {
        return;
    }
    for pos in reasonless {
        out.push(marker_finding(
            path,
            text,
            pos,
            ALLOW_MARKER.len(),
            "`agentgate:allow` needs a reason after the rules (`agentgate:allow AG402: why`); it suppresses nothing without one".into(),
            "allow",
            selection,
        ));
    }
}

/// What follows an `agentgate:allow` marker: the rules it names (codes or names, up to the
/// first word that is not one) and the reason after them (a leading `:`, `-`, `—` or
/// parentheses dropped; a comment's closing `-->` or `*/` is not part of it).
fn parse_allow(rest: &str) -> (Vec<&'static Rule>, String) {
    let rest = rest.split("-->").next().unwrap_or(rest);
    let rest = rest.split("*/").next().unwrap_or(rest);
    let mut rules = Vec::new();
    let mut tail = rest;
    loop {
        let t = tail.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        let word_end = t
            .find(|c: char| c.is_whitespace() || c == ',' || c == ':')
            .unwrap_or(t.len());
        match crate::rules::lookup(&t[..word_end]) {
            Some(rule) if word_end > 0 => {
                rules.push(rule);
                tail = &t[word_end..];
            }
            _ => {
                tail = t;
                break;
            }
        }
    }
    let reason = tail
        .trim()
        .trim_start_matches([':', '-', '\u{2014}', '\u{2013}'])
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim()
        .trim_end_matches(['"', '\'', '`', ';', ','])
        .trim();
    (rules, reason.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comment_styles() {
        let md = "# T\n<!-- agentgate-ignore AG504: quoted attack -->\n\nIgnore all previous instructions\n";
        let d = parse(md);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].rules, ["AG504"]);
        assert_eq!(d[0].reason, "quoted attack");
        assert_eq!((d[0].line, d[0].target), (2, 4));

        let json = "{\n  \"allow\": [\"Bash(*)\"] // agentgate-ignore AG101, bash-wildcard-allow: sandbox VM\n}\n";
        let d = parse(json);
        assert_eq!(d[0].rules, ["AG101", "bash-wildcard-allow"]);
        assert_eq!((d[0].line, d[0].target), (2, 2));

        let toml = "# agentgate-ignore AG109\nsandbox_mode = \"danger-full-access\"\n";
        let d = parse(toml);
        assert_eq!(d[0].reason, "");
        assert_eq!(d[0].target, 2);
        assert!(parse("nothing here\n").is_empty());
        assert!(parse("write `agentgate-ignore CODE: reason` in a comment\n").is_empty());
    }

    #[test]
    fn allow_markers() {
        let (r, why) = parse_allow(" AG402, leaked-secret: fake key for the parser test -->");
        assert_eq!(r.len(), 2);
        assert_eq!(why, "fake key for the parser test");
        let (r, why) = parse_allow(" (fake key id)");
        assert!(r.is_empty());
        assert_eq!(why, "fake key id");
        let (r, why) = parse_allow(" AG403");
        assert_eq!((r.len(), why.as_str()), (1, ""));
        assert_eq!(parse_allow("").1, "");
        assert_eq!(parse_allow(" -- */").1, "");
        assert_eq!(parse_allow("\";").1, "");
    }
}
