//! Credential hygiene: files that hold personal or secret material and must stay local.

pub use crate::registry::secrets::*;

use super::{Repo, RepoEmitter};

pub(crate) use crate::classify::must_stay_local;

fn check_local_files(repo: &Repo, emit: &mut RepoEmitter<'_>) {
    let Some(tracked) = repo.tracked() else {
        return;
    };
    for path in tracked {
        if let Some(what) = must_stay_local(path) {
            let verb = if repo.staged.is_some() {
                "staged for commit"
            } else {
                "tracked by git"
            };
            emit.emit_path(&LOCAL_FILE_COMMITTED, path, format!("{what} is {verb}"))
                .help = Some(format!(
                "git rm --cached {path} && echo '{path}' >> .gitignore (and rotate any credential in it)"
            ));
        }
    }
}

fn check_leaked(ctx: &super::FileCtx, emit: &mut super::Emitter<'_>) {
    scan(ctx, emit);
}

/// Runs only when AG402 is off; otherwise AG402's pass already reported both.
fn check_possible(ctx: &super::FileCtx, emit: &mut super::Emitter<'_>) {
    if !emit.enabled(&LEAKED_SECRET) {
        scan(ctx, emit);
    }
}

fn scan(ctx: &super::FileCtx, emit: &mut super::Emitter<'_>) {
    use crate::mask::display;
    use crate::rules::Confidence as C;
    use crate::secrets::{Engine, heuristic_applies};
    let engines = [Some(Engine::builtin()), emit.org_secrets()];
    // Literal credentials in MCP config are reported once, by AG202, with config-specific advice.
    // Sorted by start with the largest end so far: "inside one of them" is a binary search
    // (a scan per credential was quadratic in a file of 20,000 MCP servers).
    let mut covered: Vec<(usize, usize)> = emit
        .out
        .iter()
        .filter(|d| d.rule.code == "AG202")
        .filter_map(|d| d.span.as_ref().map(|s| (s.start, s.end)))
        .collect();
    covered.sort_unstable();
    let mut reach = 0;
    for c in &mut covered {
        reach = reach.max(c.1);
        c.1 = reach;
    }
    let is_covered = |r: &std::ops::Range<usize>| {
        let i = covered.partition_point(|c| c.0 <= r.start);
        i > 0 && r.end <= covered[i - 1].1
    };
    let heuristic = heuristic_applies(&ctx.path);
    let found = engines.into_iter().flatten().flat_map(|e| {
        e.scan(ctx.text.as_bytes(), heuristic)
            .into_iter()
            .map(move |f| (e, f))
    });
    for (engine, f) in found {
        if is_covered(&f.secret) {
            continue;
        }
        let rule = engine.rule(f.rule);
        let target = if rule.confidence == C::Exact {
            &LEAKED_SECRET
        } else {
            &POSSIBLE_SECRET
        };
        if !emit.enabled(target) {
            continue;
        }
        let secret = &ctx.text[f.secret.clone()];
        let path = ctx.path.clone();
        // Heuristic findings in tests, fixtures and examples: lowered, never hidden.
        let in_test = target.confidence == C::Heuristic && Engine::builtin().is_test_path(&path);
        let d = emit.emit(
            target,
            Some(f.secret.clone()),
            format!("{} {} [{}]", rule.name, display(secret), rule.id),
        );
        if in_test {
            use crate::rules::Severity as S;
            d.severity = match d.severity {
                S::Error => S::Warning,
                _ => S::Note,
            };
            d.message.push_str(" (in a test or example path)");
        }
        d.redact = vec![f.secret.clone()];
        d.secret = Some(crate::diagnostic::SecretKind {
            rule: rule.id.clone(),
            provider: rule.provider.clone().unwrap_or_else(|| "Generic".into()),
            category: rule.category.clone(),
        });
        d.fingerprint = crate::diagnostic::fingerprint(&[
            target.code,
            &path,
            &rule.id,
            &crate::mask::digest12(secret),
        ]);
        d.help = Some(
            "revoke and rotate it, then load it from the environment or a secret manager".into(),
        );
    }
}

/// The check behind each rule of this module that is not run by the engine itself.
pub(crate) const CHECKS: &[(&super::Rule, super::Check)] = &[
    (&LOCAL_FILE_COMMITTED, super::Check::Repo(check_local_files)),
    (&LEAKED_SECRET, super::Check::AnyFile(check_leaked)),
    (&POSSIBLE_SECRET, super::Check::AnyFile(check_possible)),
];

#[cfg(test)]
mod tests {
    #[test]
    fn local_files() {
        use super::must_stay_local as m;
        assert!(m(".claude/settings.local.json").is_some());
        assert!(m("svc/.claude/settings.local.json").is_some());
        assert!(m("CLAUDE.local.md").is_some());
        assert!(m(".env").is_some() && m("api/.env.production").is_some());
        for fine in [
            ".env.example",
            ".env.sample",
            "a/.env.template",
            ".claude/settings.json",
            "env.md",
            ".envrc",
            "CLAUDE.md",
        ] {
            assert!(m(fine).is_none(), "{fine}");
        }
    }
}
