//! docs/rules/: one Markdown page per rule plus an index, generated from the registry.

use crate::rules::RULES;
use std::path::Path;

/// Every generated file as (file name, content).
pub fn pages() -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = RULES
        .iter()
        .map(|r| (format!("{}.md", r.code), r.markdown()))
        .collect();
    let mut index = String::from(
        "# Rules\n\nGenerated from the rule registry by `agentgate generate-docs`; do not edit by hand.\n\
         `agentgate explain CODE` prints the same pages.\n\n| Code | Name | Family | Severity | Summary |\n|---|---|---|---|---|\n",
    );
    for r in RULES {
        index.push_str(&format!(
            "| [{0}]({0}.md) | `{1}` | {2} | {3} | {4} |\n",
            r.code,
            r.name,
            r.family.as_str(),
            r.severity,
            r.summary
        ));
    }
    pages.push(("README.md".to_string(), index));
    pages
}

/// The rules table of README.md, between its `rules:begin`/`rules:end` markers.
pub fn readme_table() -> String {
    let mut t = String::from("| code | name | family | severity | what |\n|---|---|---|---|---|\n");
    for r in RULES {
        t.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            r.code,
            r.name,
            r.family.as_str(),
            r.severity,
            r.summary
        ));
    }
    t
}

pub const README_BEGIN: &str = "<!-- rules:begin (generated: agentgate generate-docs) -->\n";
pub const README_END: &str = "<!-- rules:end -->";

/// `readme` with its rules table replaced by the generated one (`None`: no markers).
pub fn with_readme_table(readme: &str) -> Option<String> {
    let start = readme.find(README_BEGIN)? + README_BEGIN.len();
    let end = start + readme[start..].find(README_END)?;
    Some(format!(
        "{}{}{}",
        &readme[..start],
        readme_table(),
        &readme[end..]
    ))
}

pub fn write(dir: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let pages = pages();
    for (name, content) in &pages {
        std::fs::write(dir.join(name), content)?;
    }
    // The README beside docs/ carries the same table.
    let readme = dir.join("../../README.md");
    if let Ok(text) = std::fs::read_to_string(&readme)
        && let Some(updated) = with_readme_table(&text)
        && updated != text
    {
        std::fs::write(&readme, updated)?;
    }
    Ok(pages.len())
}
