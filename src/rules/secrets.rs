//! Credential hygiene: files that hold personal or secret material and must stay local.

use super::{Confidence, Docs, Family, Repo, RepoEmitter, Rule};
use crate::report::diagnostic::Severity;

pub static LOCAL_FILE_COMMITTED: Rule = Rule {
    code: "AG401",
    name: "local-file-committed",
    family: Family::Secrets,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A file that must stay on one machine is tracked by git",
    docs: Docs {
        what: "Reads the git index and reports tracked (or staged) personal and secret files: \
               `.claude/settings.local.json`, `CLAUDE.local.md`, `.env` and `.env.*` (except templates such as \
               `.env.example`, `.env.sample`, `.env.template`, `.env.dist`). Runs only inside a git repository; it \
               sees files even when `.gitignore` lists them (ignoring does not untrack).",
        why: "`settings.local.json` and `CLAUDE.local.md` are personal by design: committed, one developer's \
              permissions and notes apply to everyone (Claude Code treats a tracked local settings file as \
              repository-supplied). `.env` files hold credentials.",
        example: "`git add .claude/settings.local.json .env`",
        fix: "`git rm --cached <file>`, add it to `.gitignore`, and rotate any credential it held.",
        references: &["https://code.claude.com/docs/en/settings"],
    },
    check: super::Check::Repo(check_local_files),
};

/// Why a tracked path must not be tracked, if it must not.
pub(crate) fn must_stay_local(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if path == ".claude/settings.local.json" || path.ends_with("/.claude/settings.local.json") {
        return Some("personal Claude Code settings");
    }
    if name == "CLAUDE.local.md" {
        return Some("personal Claude Code instructions");
    }
    if name == ".env" {
        return Some("an environment file with credentials");
    }
    if let Some(suffix) = name.strip_prefix(".env.") {
        const TEMPLATES: &[&str] = &[
            "example", "sample", "template", "dist", "defaults", "default", "schema", "tmpl",
            "tpl", "ci",
        ];
        if !TEMPLATES.contains(&suffix.to_ascii_lowercase().as_str())
            && !suffix.ends_with(".example")
        {
            return Some("an environment file with credentials");
        }
    }
    None
}

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

pub static LEAKED_SECRET: Rule = Rule {
    code: "AG402",
    name: "leaked-secret",
    family: Family::Secrets,
    severity: Severity::Error,
    confidence: Confidence::Exact,
    summary: "A credential with a distinctive format is in a file",
    docs: Docs {
        what: "Scans every text file agentgate visits (working tree, `--staged`) with the secrets rule pack \
               (`rules/secrets.yaml`, embedded): one Aho-Corasick pass over each file for all rules' keywords, each \
               rule's regex only around its keyword hits, then offline confirmation — placeholders dropped, entropy \
               floors, and structural validators (GitHub/npm CRC32 checksums, JWT headers, PEM bodies, AWS key-id \
               alphabets, PyPI macaroons). This rule reports the rules whose format is distinctive (fixed prefixes, \
               checksums, key blocks). Values are never printed: a short prefix, the length and a SHA-256 prefix \
               identify the finding; snippets are masked. `agentgate rules --secrets` lists the pack.",
        why: "A committed credential is readable by everyone with access to the repository, its forks and its \
              history, and is harvested by scanners within minutes of reaching a public remote.",
        example: "```sh\nexport GITHUB_TOKEN=ghp_<36 characters with a valid checksum>\n```",
        fix: "Revoke and rotate the credential first (removing it from the file does not remove it from history), \
              then load it from the environment or a secret manager. For a deliberate test value, add \
              `agentgate:allow` on the line.",
        references: &[
            "https://docs.github.com/en/code-security/secret-scanning/about-secret-scanning",
        ],
    },
    check: super::Check::AnyFile(check_leaked),
};

pub static POSSIBLE_SECRET: Rule = Rule {
    code: "AG403",
    name: "possible-secret",
    family: Family::Secrets,
    severity: Severity::Warning,
    confidence: Confidence::Heuristic,
    summary: "A high-entropy value is assigned to a credential-like name",
    docs: Docs {
        what: "The heuristic rules of the secrets pack: a credential-like key (`api_key`, `secret`, `token`, \
               `password`, …) assigned a random-looking literal, bearer tokens in headers, and passwords in URLs. \
               They are skipped in lockfiles, checksum files, minified bundles and source maps, where random strings \
               are expected.",
        why: "Many providers' keys have no recognisable format; the only signal is a random value in a \
              credential-shaped place.",
        example: "```python\nAPI_KEY = \"q7Zr2LmX9vKp4TnW8cYb3HsJ\"\n```",
        fix: "Load the value from the environment or a secret manager, and rotate it if it was real. Mark \
              deliberate non-secrets with `agentgate:allow` on the line.",
        references: &[],
    },
    check: super::Check::AnyFile(check_possible),
};

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
    use crate::rules::Confidence as C;
    use crate::secrets::{Engine, describe, heuristic_applies};
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
        let rule = &engine.rules[f.rule];
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
        let d = emit.emit(
            target,
            Some(f.secret.clone()),
            format!("{} {} [{}]", rule.name, describe(secret), rule.id),
        );
        d.redact = vec![f.secret.clone()];
        d.fingerprint = crate::report::diagnostic::fingerprint(&[
            target.code,
            &path,
            &rule.id,
            &crate::report::mask::digest12(secret),
        ]);
        d.help = Some(
            "revoke and rotate it, then load it from the environment or a secret manager".into(),
        );
    }
}

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
