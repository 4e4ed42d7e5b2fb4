//! Audited exceptions from `.agentgate.yaml`: findings they match stay visible as suppressed
//! (SARIF `suppressions` with the justification); an expired or unused exception is itself a
//! finding, so the fast path cannot quietly become permanent.

pub use crate::registry::suppress::*;

use crate::report::Report;
use crate::report::diagnostic::{Diagnostic, fingerprint};
use crate::rules::Selection;

#[derive(Debug, Clone)]
pub struct Exception {
    /// A rule selector (code, name, family, prefix).
    pub rule: String,
    /// The path glob as written (gitignore-style, relative to the project root).
    pub path: String,
    pub globs: Vec<globset::Glob>,
    /// Optional text the finding's message must contain.
    pub matches: Option<String>,
    pub reason: String,
    pub approved_by: Option<String>,
    /// Days since 1970-01-01.
    pub expires: Option<i64>,
    /// Line of the entry in the config file.
    pub line: u32,
}

/// `YYYY-MM-DD` → days since 1970-01-01.
pub fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.trim().splitn(3, '-');
    let (y, m, d): (i64, i64, i64) = (
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
    );
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days-from-civil (Howard Hinnant).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64 / 86_400)
}

/// Applies `exceptions` to the report: matches move to `report.suppressed` with their
/// justification; expired entries stop matching and are reported; unused ones too (only when
/// the whole project was checked, where "unused" is meaningful).
pub fn apply(
    report: &mut Report,
    exceptions: &[Exception],
    config_path: &str,
    selection: &Selection,
    whole_project: bool,
) {
    if exceptions.is_empty() {
        return;
    }
    let today = today();
    let mut used = vec![false; exceptions.len()];
    let matchers: Vec<Option<globset::GlobSet>> = exceptions
        .iter()
        .map(|e| {
            let mut b = globset::GlobSetBuilder::new();
            for g in &e.globs {
                b.add(g.clone());
            }
            b.build().ok()
        })
        .collect();
    let rule_sets: Vec<Selection> = exceptions
        .iter()
        .map(|e| {
            Selection::new(std::slice::from_ref(&e.rule), &[], &[])
                .unwrap_or_else(|_| Selection::all())
        })
        .collect();
    let mut kept = Vec::new();
    for mut d in std::mem::take(&mut report.diagnostics) {
        let hit = exceptions.iter().enumerate().find(|(i, e)| {
            !selection.is_locked(d.rule)
                && e.expires.is_none_or(|x| x >= today)
                && rule_sets[*i].is_enabled(d.rule)
                && matchers[*i].as_ref().is_some_and(|m| m.is_match(&d.path))
                && e.matches.as_deref().is_none_or(|t| d.message.contains(t))
        });
        match hit {
            Some((i, e)) => {
                used[i] = true;
                let by = e
                    .approved_by
                    .as_deref()
                    .map(|a| format!(", approved by {a}"))
                    .unwrap_or_default();
                d.help = Some(format!(
                    "excepted in {config_path}:{}: {}{by}",
                    e.line, e.reason
                ));
                report.suppressed.push(d);
            }
            None => kept.push(d),
        }
    }
    report.diagnostics = kept;
    for (i, e) in exceptions.iter().enumerate() {
        let expired = e.expires.is_some_and(|x| x < today);
        let (rule, message) = if expired {
            (
                &EXPIRED_EXCEPTION,
                format!(
                    "the exception for {} on `{}` expired; its findings are reported again",
                    e.rule, e.path
                ),
            )
        } else if !used[i] && whole_project {
            (
                &UNUSED_EXCEPTION,
                format!(
                    "the exception for {} on `{}` matches no finding",
                    e.rule, e.path
                ),
            )
        } else {
            continue;
        };
        if !selection.is_enabled(rule) {
            continue;
        }
        report.diagnostics.push(Diagnostic {
            rule,
            severity: selection.severity(rule),
            message,
            path: config_path.to_string(),
            span: Some(crate::report::diagnostic::Span {
                start: 0,
                end: 0,
                line: e.line,
                col: 1,
                end_line: e.line,
                end_col: 1,
            }),
            labels: Vec::new(),
            help: Some(if expired {
                "fix the finding, or renew the exception with a new date and approval".into()
            } else {
                "delete the exception".into()
            }),
            fingerprint: fingerprint(&[rule.code, config_path, &e.rule, &e.path]),
            redact: Vec::new(),
            age: 0,
            secret: None,
        });
    }
    report
        .diagnostics
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert_eq!(super::parse_date("1970-01-01"), Some(0));
        assert_eq!(super::parse_date("2026-03-02"), Some(20_514));
        assert_eq!(super::parse_date("2026-13-01"), None);
        assert_eq!(super::parse_date("soon"), None);
    }
}
