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
fn must_stay_local(path: &str) -> Option<&'static str> {
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
