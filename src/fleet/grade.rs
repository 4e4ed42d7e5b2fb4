//! The overall grade and the permission risk level of a scorecard (formula in docs/fleet.md).

use super::model::{Findings, Grade, Risk, SeverityCount};

/// Points a finding costs, by severity.
pub const ERROR_POINTS: u32 = 10;
pub const WARNING_POINTS: u32 = 3;
pub const NOTE_POINTS: u32 = 1;
/// No family costs more than this, so one noisy family cannot hide the others.
pub const FAMILY_CAP: u32 = 30;
/// Families whose errors mean an agent can do harm (the grade is at most D).
pub const SECURITY_FAMILIES: &[&str] = &["permissions", "mcp", "hooks", "secrets"];
/// Each security-family error after the first lowers the cap by this much (so `Bash(*)` plus
/// `bypassPermissions` is F, not the same D as a single leaked token).
pub const SECURITY_STEP: u32 = 10;
/// The best score of a repository that configures an agent but has no context file.
pub const NO_CONTEXT_CAP: u32 = 89;
/// Families that decide the permission risk level.
pub const RISK_FAMILIES: &[&str] = &["permissions", "mcp", "hooks"];

/// Score 0–100 and letter:
/// `100 − Σ_family min(30, 10·errors + 3·warnings + 1·notes)`, then at most 79 with any
/// error, at most `69 − 10·(n − 1)` with n errors in security families, and at most 89 when
/// an agent is configured without a context file (`no_context`); A ≥ 90, B ≥ 80, C ≥ 70,
/// D ≥ 60, else F.
pub fn grade(findings: &Findings, no_context: bool) -> Grade {
    let mut lost = 0;
    for c in findings.by_family.values() {
        lost += family_points(c).min(FAMILY_CAP);
    }
    let mut score = 100u32.saturating_sub(lost);
    if findings.error > 0 {
        score = score.min(79);
    }
    let security_errors: usize = findings
        .by_family
        .iter()
        .filter(|(f, _)| SECURITY_FAMILIES.contains(&f.as_str()))
        .map(|(_, c)| c.error)
        .sum();
    if security_errors > 0 {
        let extra = u32::try_from(security_errors - 1).unwrap_or(u32::MAX);
        score = score.min(69u32.saturating_sub(extra.saturating_mul(SECURITY_STEP)));
    }
    if no_context {
        score = score.min(NO_CONTEXT_CAP);
    }
    Grade {
        score,
        letter: letter(score).to_string(),
    }
}

fn family_points(c: &SeverityCount) -> u32 {
    let points = c.error * ERROR_POINTS as usize
        + c.warning * WARNING_POINTS as usize
        + c.note * NOTE_POINTS as usize;
    u32::try_from(points).unwrap_or(u32::MAX)
}

pub fn letter(score: u32) -> &'static str {
    match score {
        90.. => "A",
        80..=89 => "B",
        70..=79 => "C",
        60..=69 => "D",
        _ => "F",
    }
}

/// High with any error in the permissions, MCP or hooks family, medium with a warning there,
/// low otherwise.
pub fn permission_risk(findings: &Findings) -> Risk {
    let mut risk = Risk::Low;
    for family in RISK_FAMILIES {
        if let Some(c) = findings.by_family.get(*family) {
            if c.error > 0 {
                return Risk::High;
            }
            if c.warning > 0 {
                risk = Risk::Medium;
            }
        }
    }
    risk
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(rows: &[(&str, usize, usize, usize)]) -> Findings {
        let mut f = Findings::default();
        for (family, error, warning, note) in rows {
            f.error += error;
            f.warning += warning;
            f.note += note;
            f.by_family.insert(
                (*family).to_string(),
                SeverityCount {
                    error: *error,
                    warning: *warning,
                    note: *note,
                },
            );
        }
        f.total = f.error + f.warning + f.note;
        f
    }

    #[test]
    fn clean_repo_scores_100() {
        let g = grade(&Findings::default(), false);
        assert_eq!((g.score, g.letter.as_str()), (100, "A"));
        assert_eq!(permission_risk(&Findings::default()), Risk::Low);
    }

    #[test]
    fn points_per_severity_and_family_cap() {
        // context: 3 warnings + 2 notes = 11; policy: 5 warnings = 15.
        let g = grade(
            &findings(&[("context", 0, 3, 2), ("policy", 0, 5, 0)]),
            false,
        );
        assert_eq!((g.score, g.letter.as_str()), (74, "C"));
        // 20 warnings in one family cost the cap (30), not 60.
        let g = grade(&findings(&[("context", 0, 20, 0)]), false);
        assert_eq!((g.score, g.letter.as_str()), (70, "C"));
        // Several capped families: floor at 0, never below.
        let g = grade(
            &findings(&[
                ("context", 9, 0, 0),
                ("policy", 9, 0, 0),
                ("syntax", 9, 0, 0),
                ("scan", 9, 0, 0),
            ]),
            false,
        );
        assert_eq!((g.score, g.letter.as_str()), (0, "F"));
    }

    #[test]
    fn errors_cap_the_letter() {
        // One context error: 90, capped at 79 (C).
        let g = grade(&findings(&[("context", 1, 0, 0)]), false);
        assert_eq!((g.score, g.letter.as_str()), (79, "C"));
        // One secrets error: 90, capped at 69 (D).
        let g = grade(&findings(&[("secrets", 1, 0, 0)]), false);
        assert_eq!((g.score, g.letter.as_str()), (69, "D"));
        // `Bash(*)` + bypass (two permissions errors): 80, capped at 69 − 10 = 59 (F) — apart
        // from a single warning (97, A).
        let g = grade(&findings(&[("permissions", 2, 0, 0)]), false);
        assert_eq!((g.score, g.letter.as_str()), (59, "F"));
        let g = grade(&findings(&[("permissions", 0, 1, 0)]), false);
        assert_eq!((g.score, g.letter.as_str()), (97, "A"));
        // Many security errors never go below 0.
        let g = grade(
            &findings(&[("mcp", 3, 0, 0), ("secrets", 3, 0, 0), ("hooks", 3, 0, 0)]),
            false,
        );
        assert_eq!(g.score, 0);
    }

    #[test]
    fn no_context_file_is_never_an_a() {
        let g = grade(&Findings::default(), true);
        assert_eq!((g.score, g.letter.as_str()), (89, "B"));
        // The cap only lowers: a worse score stays.
        let g = grade(&findings(&[("context", 0, 10, 0)]), true);
        assert_eq!((g.score, g.letter.as_str()), (70, "C"));
    }

    #[test]
    fn letters() {
        let got: Vec<&str> = [100, 90, 89, 80, 79, 70, 69, 60, 59, 0]
            .into_iter()
            .map(letter)
            .collect();
        assert_eq!(got, ["A", "A", "B", "B", "C", "C", "D", "D", "F", "F"]);
    }

    #[test]
    fn risk_levels() {
        assert_eq!(
            permission_risk(&findings(&[("permissions", 0, 1, 0)])),
            Risk::Medium
        );
        assert_eq!(
            permission_risk(&findings(&[("mcp", 0, 1, 0), ("hooks", 1, 0, 0)])),
            Risk::High
        );
        // Secrets and context findings are not permission risk.
        assert_eq!(
            permission_risk(&findings(&[("secrets", 2, 0, 0), ("context", 1, 0, 0)])),
            Risk::Low
        );
    }
}
