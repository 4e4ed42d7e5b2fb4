//! The layers point one way (AGENTS.md): a module may use the modules of its own layer and the
//! layers below, never one above. Read from the source text of every `src/**/*.rs` (test
//! modules left out), so an import that points up a layer fails here, not in review.

use std::path::Path;

/// Bottom to top. Every top-level module of `src/` must be in exactly one layer.
const LAYERS: &[&[&str]] = &[
    // Leaves: parsers, safe file I/O, rule metadata, the secrets engine, the output boundary.
    &[
        "fsx",
        "builtin",
        "syntax",
        "registry",
        "secrets",
        "mask",
        "pattern",
        "escape",
        "sink",
        "classify",
        "dates",
        "diagnostic",
        "error",
    ],
    &["source"],
    &["config", "policy"],
    &["model"],
    &["rules"],
    &["report"],
    &["directives", "exceptions", "baseline"],
    &["engine"],
    &[
        "scaffold", "fix", "init", "hook", "usage", "fleet", "docs", "fuzzing",
    ],
    &["commands"],
    &["cli", "lib", "main"],
];

/// Imports that point up a layer and are accepted for now (at most three).
const ALLOWED_UP: &[(&str, &str)] = &[];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The modules `text` names as `crate::NAME`, outside comments and test modules.
fn crate_uses(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut out = Vec::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `crate::{a, b}` groups.
            if name.is_empty() && after.starts_with('{') {
                let group = after[1..].split('}').next().unwrap_or("");
                out.extend(
                    group
                        .split(',')
                        .map(|g| g.trim().split("::").next().unwrap_or("").to_string()),
                );
            } else {
                out.push(name);
            }
            rest = after;
        }
    }
    out
}

#[test]
fn imports_never_point_up_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut up = Vec::new();
    let mut unplaced = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let top = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        let Some(mine) = layer_of(&top) else {
            unplaced.push(rel);
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for used in crate_uses(&text) {
            if used == top || !seen.insert(used.clone()) {
                continue;
            }
            match layer_of(&used) {
                Some(theirs) if theirs > mine => {
                    if !ALLOWED_UP.contains(&(top.as_str(), used.as_str())) {
                        up.push(format!(
                            "{rel} uses crate::{used} (layer {theirs} > {mine})"
                        ));
                    }
                }
                Some(_) => {}
                None => unplaced.push(format!("crate::{used} (used in {rel})")),
            }
        }
    }
    assert!(ALLOWED_UP.len() <= 3, "at most three accepted up-imports");
    assert!(
        unplaced.is_empty(),
        "modules without a layer (add them to LAYERS and AGENTS.md):\n{}",
        unplaced.join("\n")
    );
    assert!(
        up.is_empty(),
        "imports that point up a layer:\n{}",
        up.join("\n")
    );
}

#[test]
fn the_checker_sees_imports() {
    let uses = crate_uses(
        "use crate::{mask, report::Report};\nfn f() { crate::rules::lookup(\"x\"); } // crate::fleet\n#[cfg(test)]\nmod tests { use crate::cli; }\n",
    );
    assert_eq!(uses, ["mask", "report", "rules"]);
}

#[test]
fn rules_never_touch_git_or_the_filesystem() {
    // Rules are pure functions of the model: the facts of the tree and of git come from
    // `model::Repo`, computed once, so every command sees the same answers.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or(&text);
        for (n, line) in code.lines().enumerate() {
            let line = line.split("//").next().unwrap_or("");
            for banned in [
                "crate::fsx",
                "crate::source::git",
                "std::fs",
                "gix::",
                "std::process",
            ] {
                if line.contains(banned) {
                    found.push(format!("{}:{}: {banned}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
