//! What a repository tells about itself (its name and its build, test and lint commands), and
//! the pack templates filled in with it. One implementation for `init` and `fix`, so neither
//! writes a `{{…}}` into a file.

use std::path::Path;

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
    crate::policy::template::fill(template, &project.values())
}

impl Project {
    /// The value of each placeholder.
    pub fn values(&self) -> Vec<(&'static str, String)> {
        let commands = if self.commands.is_empty() {
            "- (no build or test commands were detected: add them here)".to_string()
        } else {
            self.commands
                .iter()
                .map(|(p, c)| format!("- {}: `{c}`", capitalize(p)))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let mut out = vec![("project", self.name.clone()), ("commands", commands)];
        for purpose in ["build", "test", "lint"] {
            let value = self
                .command(purpose)
                .map_or_else(|| "(not detected)".to_string(), |c| format!("`{c}`"));
            out.push((purpose, value));
        }
        out
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
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
