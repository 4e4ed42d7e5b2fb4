//! Audited exceptions from `.agentgate.yaml`: findings they match stay visible as suppressed
//! (SARIF `suppressions` with the justification); an expired or unused exception is itself a
//! finding, so the fast path cannot quietly become permanent.

pub use crate::registry::suppress::*;

use crate::diagnostic::{Diagnostic, fingerprint};
use crate::registry::Selection;
use crate::report::Report;

pub use crate::config::Exception;
pub use crate::dates::parse_date;
use crate::dates::today;

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
            span: Some(crate::diagnostic::Span {
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
