//! docs/rules/ is generated from the registry; this fails when it is out of date.
//! Regenerate with `cargo run -- generate-docs docs/rules`.

use std::path::Path;

#[test]
fn generated_rule_docs_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let pages = agentgate::docs::pages();
    let mut stale = Vec::new();
    for (name, content) in &pages {
        if std::fs::read_to_string(dir.join(name)).ok().as_deref() != Some(content.as_str()) {
            stale.push(name.clone());
        }
    }
    let on_disk = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
    assert!(
        stale.is_empty() && on_disk == pages.len(),
        "docs/rules is out of date ({stale:?}, {on_disk} files on disk, {} generated): run `cargo run -- generate-docs docs/rules`",
        pages.len()
    );
}

#[test]
fn readme_rules_table_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let want = agentgate::docs::with_readme_table(&readme).expect("README has the rules markers");
    assert!(
        want == readme,
        "README.md's rules table is out of date: run `cargo run -- generate-docs docs/rules`"
    );
}
