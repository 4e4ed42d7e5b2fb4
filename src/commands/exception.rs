//! `agentgate exception add`: the audited fast path for a finding the team accepts. Appends
//! an entry (rule, path, reason, approver, expiry) to `.agentgate.yaml`, keeping the file's
//! comments and layout, and prints the line to paste into the pull request.

use crate::error::{Outcome, Result};
use crate::sink::note;
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Append an exception for CODE on the files PATH matches.
    Add(AddArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The rule: a code (AG201), a name, a family or a code prefix.
    pub rule: String,
    /// The files it covers: a path or glob from the repository root.
    #[arg(long)]
    pub path: String,
    /// Why the finding is acceptable (required: it is what reviewers read).
    #[arg(long)]
    pub reason: String,
    /// Until when: a date (2027-03-31) or a number of days from today (90d).
    #[arg(long)]
    pub expires: Option<String>,
    /// Who approved it.
    #[arg(long, value_name = "WHO")]
    pub approved_by: Option<String>,
    /// Only findings whose message contains this text.
    #[arg(long = "match", value_name = "TEXT")]
    pub matches: Option<String>,
    /// Use this config file instead of discovering `.agentgate.yaml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

pub fn run(action: &Action) -> Result<Outcome> {
    let Action::Add(args) = action;
    add(args).map(|()| Outcome::Clean)
}

/// A date from `YYYY-MM-DD` or `Nd` (days from `today`, days since 1970).
fn expiry(value: &str, today: i64) -> Option<String> {
    let v = value.trim();
    let day = match v.strip_suffix('d') {
        Some(n) => today + n.parse::<i64>().ok().filter(|n| (1..=3650).contains(n))?,
        None => crate::dates::parse_date(v)?,
    };
    Some(crate::dates::date(day * 86_400))
}

fn add(args: &AddArgs) -> Result<(), crate::error::Error> {
    let reason = args.reason.trim();
    if reason.is_empty() {
        return Err("--reason must say why the finding is acceptable".into());
    }
    if args.path.trim().is_empty() {
        return Err("--path must name the files the exception covers".into());
    }
    let opts = crate::engine::ScanOptions {
        config: args.config.clone(),
        ..Default::default()
    };
    let setup = crate::engine::setup(&opts).map_err(|e| e.to_string())?;
    let config = &setup.config;
    let selection = crate::config::selection(config, &[], &[])?;
    crate::rules::Selection::new(std::slice::from_ref(&args.rule), &[], &[])?;
    let locked = selection.locked_by(&args.rule);
    if !locked.is_empty() {
        return Err(format!(
            "{} locked by the organisation's policy: exceptions cannot suppress it",
            locked.join(", ")
        )
        .into());
    }
    let today = crate::dates::today();
    let expires = match &args.expires {
        None => None,
        Some(e) => Some(expiry(e, today).ok_or_else(|| {
            format!("invalid --expires `{e}`: expected a date (2027-03-31) or days (90d)")
        })?),
    };
    let mut fields = vec![("rule", args.rule.clone()), ("path", args.path.clone())];
    if let Some(m) = &args.matches {
        fields.push(("match", m.clone()));
    }
    fields.push(("reason", reason.to_string()));
    if let Some(who) = &args.approved_by {
        fields.push(("approved_by", who.clone()));
    }
    if let Some(date) = &expires {
        fields.push(("expires", date.clone()));
    }
    let path = super::edit_config(config, &setup.project_root, |text| {
        crate::config::edit::append_item(text, "exceptions", &fields)
    })?;
    note(&format!("added an exception to {}", path.display()));
    let by = args
        .approved_by
        .as_deref()
        .map(|w| format!(", approved by {w}"))
        .unwrap_or_default();
    let until = expires.map(|d| format!(", until {d}")).unwrap_or_default();
    // The line for the pull request's description: the audit trail reviewers see.
    let line = format!(
        "Exception: {} on `{}`: {reason}{by}{until}\n",
        args.rule, args.path
    );
    crate::sink::stdout(crate::mask::text(&line).as_bytes()).map_err(|e| e.to_string().into())
}

#[cfg(test)]
mod tests {
    #[test]
    fn expiry_dates() {
        let today = crate::dates::parse_date("2026-12-02").unwrap();
        assert_eq!(super::expiry("90d", today).as_deref(), Some("2027-03-02"));
        assert_eq!(
            super::expiry("2027-01-31", today).as_deref(),
            Some("2027-01-31")
        );
        assert_eq!(super::expiry("0d", today), None);
        assert_eq!(super::expiry("soon", today), None);
    }
}
