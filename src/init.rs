//! `agentgate init`: the paved road for a new repository. Writes the policy packs' templates
//! (or a built-in AGENTS.md), a CLAUDE.md that imports it, and `.claude/settings.json` with the
//! required deny rules — filling in the build, test and lint commands found in the repository,
//! so the agent starts out knowing how to check its own work. Existing files are never touched.

use crate::policy::Policy;
use std::path::Path;

const DEFAULT_AGENTS_MD: &str = include_str!("../rules/templates/AGENTS.md");

/// Denied even without a policy: the files agents most often leak.
const DEFAULT_DENY: &[&str] = &["Read(./.env)", "Read(./.env.*)", "Read(./secrets/**)"];

/// What the repository tells about itself.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Project {
    pub name: String,
    /// (purpose, command): `("test", "npm test")`, in a stable order.
    pub commands: Vec<(String, String)>,
}

const PURPOSES: &[&str] = &["build", "test", "lint", "typecheck", "format", "check"];

impl Project {
    /// Looks at package.json, Makefile, justfile, Cargo.toml, go.mod and pyproject.toml.
    pub fn detect(root: &Path) -> Self {
        // Capped, regular files only, inside the repository: a FIFO or `/dev/zero` named
        // Makefile is never opened.
        let read = |name: &str| {
            crate::fsx::read_confined_text(&root.join(name), root, crate::fsx::SMALL_FILE_CAP).ok()
        };
        let mut commands: Vec<(String, String)> = Vec::new();
        let mut add = |purpose: &str, command: String| {
            if !commands.iter().any(|(p, _)| p == purpose) {
                commands.push((purpose.to_string(), command));
            }
        };
        if let Some(scripts) =
            read("package.json").and_then(|t| crate::rules::context::package_scripts(&t))
        {
            let pm = if root.join("pnpm-lock.yaml").exists() {
                "pnpm"
            } else if root.join("yarn.lock").exists() {
                "yarn"
            } else if root.join("bun.lockb").exists() || root.join("bun.lock").exists() {
                "bun"
            } else {
                "npm"
            };
            for purpose in PURPOSES {
                if scripts.iter().any(|s| s == purpose) {
                    let cmd = if *purpose == "test" && pm == "npm" {
                        "npm test".to_string()
                    } else {
                        format!("{pm} run {purpose}")
                    };
                    add(purpose, cmd);
                }
            }
        }
        for (file, tool) in [("Makefile", "make"), ("justfile", "just")] {
            let targets = read(file).and_then(|t| match tool {
                "make" => crate::rules::context::make_targets(&t),
                _ => crate::rules::context::just_recipes(&t),
            });
            for purpose in PURPOSES {
                if targets
                    .as_ref()
                    .is_some_and(|t| t.iter().any(|x| x == purpose))
                {
                    add(purpose, format!("{tool} {purpose}"));
                }
            }
        }
        if root.join("Cargo.toml").is_file() {
            add("build", "cargo build".into());
            add("test", "cargo test".into());
            add("lint", "cargo clippy --all-targets -- -D warnings".into());
            add("format", "cargo fmt --check".into());
        }
        if root.join("go.mod").is_file() {
            add("build", "go build ./...".into());
            add("test", "go test ./...".into());
            add("lint", "go vet ./...".into());
        }
        if let Some(py) = read("pyproject.toml") {
            if py.contains("[tool.pytest") || root.join("tests").is_dir() {
                add("test", "pytest".into());
            }
            if py.contains("[tool.ruff") {
                add("lint", "ruff check .".into());
            }
        }
        let order = |p: &str| {
            PURPOSES
                .iter()
                .position(|x| *x == p)
                .unwrap_or(PURPOSES.len())
        };
        commands.sort_by_key(|(p, _)| order(p));
        let name = std::fs::canonicalize(root)
            .ok()
            .and_then(|r| r.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "this project".into());
        Self { name, commands }
    }

    fn command(&self, purpose: &str) -> Option<&str> {
        self.commands
            .iter()
            .find(|(p, _)| p == purpose)
            .map(|(_, c)| c.as_str())
    }
}

/// Fills `{{project}}`, `{{commands}}`, `{{build}}`, `{{test}}` and `{{lint}}` in a template.
pub fn render(template: &str, project: &Project) -> String {
    let commands = if project.commands.is_empty() {
        "- (no build or test commands were detected: add them here)".to_string()
    } else {
        project
            .commands
            .iter()
            .map(|(p, c)| format!("- {}: `{c}`", capitalize(p)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut out = template
        .replace("{{project}}", &project.name)
        .replace("{{commands}}", &commands);
    for purpose in ["build", "test", "lint"] {
        let value = project
            .command(purpose)
            .map_or_else(|| "(not detected)".to_string(), |c| format!("`{c}`"));
        out = out.replace(&format!("{{{{{purpose}}}}}"), &value);
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The files `init` would write: (repository path, content), templates first.
pub fn scaffold(root: &Path, policy: &Policy) -> Vec<(String, String)> {
    let project = Project::detect(root);
    let mut files: Vec<(String, String)> = policy
        .templates
        .iter()
        .map(|(path, t)| (path.clone(), render(&t.text, &project)))
        .collect();
    let has = |files: &[(String, String)], p: &str| files.iter().any(|(f, _)| f == p);
    if !has(&files, "AGENTS.md") && !has(&files, "CLAUDE.md") {
        files.push(("AGENTS.md".into(), render(DEFAULT_AGENTS_MD, &project)));
    }
    if has(&files, "AGENTS.md") && !has(&files, "CLAUDE.md") {
        // Claude Code reads CLAUDE.md, not AGENTS.md: one import keeps them one text.
        files.push(("CLAUDE.md".into(), "@AGENTS.md\n".into()));
    }
    if !has(&files, ".claude/settings.json") {
        files.push((".claude/settings.json".into(), settings(policy, &project)));
    }
    files
}

fn settings(policy: &Policy, project: &Project) -> String {
    let mut deny: Vec<String> = DEFAULT_DENY.iter().map(|s| s.to_string()).collect();
    for d in &policy.require.claude_deny {
        if !deny.contains(d) {
            deny.push(d.clone());
        }
    }
    // Exact commands only: the agent may run the checks, nothing broader.
    let allow: Vec<String> = project
        .commands
        .iter()
        .filter(|(p, _)| p != "format")
        .map(|(_, c)| format!("Bash({c})"))
        .collect();
    let mut json = serde_json::json!({
        "permissions": { "allow": allow, "deny": deny }
    });
    // Guardrails: the ones agentgate offers by default, then what the policy requires.
    let offered = crate::rules::permissions::guardrails()
        .iter()
        .filter(|g| g.init)
        .map(|g| (g.key.clone(), g.value.clone()));
    let required = policy
        .require
        .claude_settings
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()));
    for (key, value) in offered.chain(required) {
        set_dotted(&mut json, &key, value);
    }
    serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"
}

/// Sets `a.b.c` in a JSON object, creating the objects on the way.
fn set_dotted(json: &mut serde_json::Value, key: &str, value: serde_json::Value) {
    let mut node = json;
    let mut parts = key.split('.').peekable();
    while let Some(part) = parts.next() {
        if !node.is_object() {
            *node = serde_json::json!({});
        }
        let map = node.as_object_mut().expect("made an object above");
        if parts.peek().is_none() {
            map.insert(part.to_string(), value);
            return;
        }
        node = map
            .entry(part.to_string())
            .or_insert_with(|| serde_json::json!({}));
    }
}

/// What happened to each file.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Created(String),
    Kept(String),
    /// Not written: it would land outside the repository (a symlink on the way).
    Refused(String, String),
}

/// Writes the scaffold; existing files are kept unless `force`.
pub fn run(root: &Path, policy: &Policy, force: bool) -> Result<Vec<Outcome>, String> {
    let mut out = Vec::new();
    for (path, text) in scaffold(root, policy) {
        let target = root.join(&path);
        let link = std::fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_symlink());
        if let Err(reason) = crate::fix::writable(root, &path) {
            out.push(Outcome::Refused(path, reason));
            continue;
        }
        if link {
            out.push(Outcome::Refused(path, "a symlink; not written".into()));
            continue;
        }
        if std::fs::symlink_metadata(&target).is_ok() && !force {
            out.push(Outcome::Kept(path));
            continue;
        }
        let edit = crate::fix::Edit {
            path: path.clone(),
            before: None,
            after: text,
            changes: Vec::new(),
        };
        crate::fix::apply(root, std::slice::from_ref(&edit))?;
        out.push(Outcome::Created(path));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_commands_and_renders() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("package.json"),
            r#"{"scripts": {"test": "vitest", "lint": "eslint .", "dev": "vite"}}"#,
        )
        .unwrap();
        std::fs::write(dir.path().join("pnpm-lock.yaml"), "").unwrap();
        std::fs::write(dir.path().join("Makefile"), "build:\n\tgo build\n").unwrap();
        let p = Project::detect(dir.path());
        assert_eq!(
            p.commands,
            [
                ("build".to_string(), "make build".to_string()),
                ("test".to_string(), "pnpm run test".to_string()),
                ("lint".to_string(), "pnpm run lint".to_string()),
            ]
        );
        let text = render("{{commands}}\nTest with {{test}}; typecheck {{lint}}.", &p);
        assert_eq!(
            text,
            "- Build: `make build`\n- Test: `pnpm run test`\n- Lint: `pnpm run lint`\nTest with `pnpm run test`; typecheck `pnpm run lint`."
        );
        let empty = Project::detect(&dir.path().join("nope"));
        assert!(render("{{build}}", &empty).contains("not detected"));
    }
}
