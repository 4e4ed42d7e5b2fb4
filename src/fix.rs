//! `agentgate fix` / `check --fix`: the safe, idempotent edits that bring a repository back to
//! its policy — re-synced managed blocks, missing required sections appended from the pack's
//! template, missing required deny rules added to `.claude/settings.json` without reformatting
//! the rest, and missing templated files created. Each edit is computed from the policy, not
//! from a report, so running it twice changes nothing the second time.

use crate::policy::Policy;
use crate::policy::template;
use crate::syntax::{Node, Value};
use std::path::Path;

/// The new content of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Project-relative, `/`-separated.
    pub path: String,
    /// `None` when the file is created.
    pub before: Option<String>,
    pub after: String,
    /// What changed, for people.
    pub changes: Vec<String>,
}

/// A file that needs a change agentgate will not make by itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// Every edit the policy asks of the repository at `root`.
pub fn plan(root: &Path, policy: &Policy) -> (Vec<Edit>, Vec<Skipped>) {
    let mut edits: Vec<Edit> = Vec::new();
    let mut skipped = Vec::new();
    let mut paths: Vec<&String> = policy.templates.keys().collect();
    paths.extend(policy.require.sections.keys());
    paths.extend(policy.require.context_files.iter());
    paths.sort();
    paths.dedup();
    let project = crate::scaffold::Project::detect(root);
    for path in paths {
        match edit_context_file(root, path, policy, &project) {
            Ok(Some(edit)) => edits.push(edit),
            Ok(None) => {}
            Err(reason) => skipped.push(Skipped {
                path: path.clone(),
                reason: reason.to_string(),
            }),
        }
    }
    if !policy.require.claude_deny.is_empty() {
        match edit_settings(root, &policy.require.claude_deny) {
            Ok(Some(edit)) => edits.push(edit),
            Ok(None) => {}
            Err(reason) => skipped.push(Skipped {
                path: SETTINGS.into(),
                reason: reason.to_string(),
            }),
        }
    }
    (edits, skipped)
}

const SETTINGS: &str = ".claude/settings.json";

/// Reads a project file for editing: `Ok(None)` when it does not exist; an error for
/// anything agentgate must not write through (symlinks, non-UTF-8, non-files).
fn read(root: &Path, rel: &str) -> Result<Option<String>, crate::error::Error> {
    writable(root, rel)?;
    let path = root.join(rel);
    match std::fs::symlink_metadata(&path) {
        Err(_) => Ok(None),
        Ok(m) if m.file_type().is_symlink() => Err("a symlink; not edited".into()),
        Ok(m) if !m.is_file() => Err("not a regular file".into()),
        Ok(_) => crate::fsx::read_confined_text(&path, root, crate::fsx::SMALL_FILE_CAP)
            .map(Some)
            .map_err(|e| format!("cannot read: {e}").into()),
    }
}

/// Refuses paths that leave `root`, also through a symlinked directory on the way.
pub fn writable(root: &Path, rel: &str) -> Result<(), crate::error::Error> {
    if rel.split('/').any(|c| c == ".." || c.is_empty()) {
        return Err("the path leaves the repository".into());
    }
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut dir = root.join(rel);
    // The deepest existing ancestor decides where the file really lands.
    while dir.pop() {
        if let Ok(real) = std::fs::canonicalize(&dir) {
            return if real.starts_with(&root) {
                Ok(())
            } else {
                Err("leaves the repository through a symlinked directory".into())
            };
        }
    }
    Ok(())
}

fn edit_context_file(
    root: &Path,
    path: &str,
    policy: &Policy,
    project: &crate::scaffold::Project,
) -> Result<Option<Edit>, crate::error::Error> {
    // Every text taken from a template is filled in: no `{{…}}` is ever written.
    let render = |t: &str| crate::scaffold::render(t, project);
    let before = read(root, path)?;
    let tpl = policy.templates.get(path);
    let mut changes = Vec::new();
    let mut text = match (&before, tpl) {
        (Some(t), _) => t.clone(),
        (None, Some(tpl)) if !tpl.blocks.is_empty() => {
            changes.push("created from the policy pack's template".to_string());
            render(&tpl.text)
        }
        // Claude Code reads CLAUDE.md, not AGENTS.md: one import line makes them one text.
        (None, None)
            if policy.require.context_files.iter().any(|f| f == path)
                && path.rsplit('/').next() == Some("CLAUDE.md")
                && root.join(sibling(path, "AGENTS.md")).is_file() =>
        {
            changes.push("created as an import of AGENTS.md".to_string());
            "@AGENTS.md\n".to_string()
        }
        (None, _) => return Ok(None), // AG604 asks for it; without a template there is no text
    };
    if let Some(sections) = policy.require.sections.get(path) {
        for section in sections {
            let outline = crate::syntax::markdown::parse(&text, 0);
            let present = outline.headings.iter().any(|h| {
                crate::rules::policy::normalize_heading(&h.text)
                    == crate::rules::policy::normalize_heading(section)
            });
            if present {
                continue;
            }
            let present_blocks: Vec<String> = template::blocks(&text)
                .map(|b| b.into_iter().map(|b| b.id).collect())
                .unwrap_or_default();
            match tpl.and_then(|t| section_text(&t.text, section, &present_blocks)) {
                Some(body) => {
                    append(&mut text, &render(&body));
                    changes.push(format!("appended section \"{section}\" from the template"));
                }
                None => {
                    return Err(format!(
                        "the required section \"{section}\" has no text in the pack's template; add it by hand"
                    ).into());
                }
            }
        }
    }
    if let Some(tpl) = tpl.filter(|_| before.is_some()) {
        let found = template::blocks(&text).map_err(|(line, m)| {
            format!("managed block markers are broken (line {line}: {m}); fix them by hand")
        })?;
        // Replace from the end so earlier ranges stay valid; append missing blocks after.
        let mut missing = Vec::new();
        for id in &tpl.blocks {
            let want = tpl.block(id).unwrap_or("");
            match found.iter().find(|b| b.id == *id) {
                Some(b) if same_block(want, &text[b.content.clone()]) => {}
                Some(_) => changes.push(format!("re-synced managed block `{id}`")),
                None => missing.push(id.clone()),
            }
        }
        let mut replace: Vec<&template::Block> = found
            .iter()
            .filter(|b| tpl.blocks.contains(&b.id))
            .collect();
        replace.sort_by_key(|b| std::cmp::Reverse(b.content.start));
        for b in replace {
            let want = tpl.block(&b.id).unwrap_or("");
            if !same_block(want, &text[b.content.clone()]) {
                text.replace_range(b.content.clone(), &with_newline(&render(want)));
            }
        }
        for id in missing {
            let want = with_newline(&render(tpl.block(&id).unwrap_or("")));
            append(
                &mut text,
                &format!("<!-- agentgate:begin {id} -->\n{want}<!-- agentgate:end {id} -->\n"),
            );
            changes.push(format!("added managed block `{id}`"));
        }
    }
    Ok(
        (!changes.is_empty() && before.as_deref() != Some(text.as_str())).then(|| Edit {
            path: path.to_string(),
            before,
            after: text,
            changes,
        }),
    )
}

/// The file's block is the template's, filled in (one left unfilled is re-synced).
fn same_block(want: &str, have: &str) -> bool {
    template::unfilled(have).is_none() && template::block_matches(want, have)
}

fn sibling(path: &str, name: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{name}"),
        None => name.to_string(),
    }
}

fn with_newline(s: &str) -> String {
    if s.is_empty() || s.ends_with('\n') {
        s.to_string()
    } else {
        format!("{s}\n")
    }
}

/// Appends `block` after a blank line.
fn append(text: &mut String, block: &str) {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.is_empty() && !text.ends_with("\n\n") {
        text.push('\n');
    }
    text.push_str(block);
}

/// A heading of `template` and everything up to the next heading of the same or a higher level,
/// with the markers of the managed blocks in it (unless `present` has the block already).
fn section_text(template: &str, section: &str, present: &[String]) -> Option<String> {
    use crate::rules::policy::normalize_heading;
    let outline = crate::syntax::markdown::parse(template, 0);
    let i = outline
        .headings
        .iter()
        .position(|h| normalize_heading(&h.text) == normalize_heading(section))?;
    let h = &outline.headings[i];
    let end = outline.headings[i + 1..]
        .iter()
        .find(|n| n.level <= h.level)
        .map_or(template.len(), |n| n.span.start);
    let body = &template[h.span.start..end];
    // A block the file has elsewhere must not appear twice: copy its text without markers.
    let body: String = body
        .split_inclusive('\n')
        .filter(|l| {
            let l = l.trim();
            !(l.starts_with("<!-- agentgate:")
                && present
                    .iter()
                    .any(|id| l.trim_end_matches("-->").trim().ends_with(id.as_str())))
        })
        .collect();
    Some(with_newline(body.trim_end()))
}

/// Adds the required deny rules the root settings lack to `.claude/settings.json`.
fn edit_settings(root: &Path, required: &[String]) -> Result<Option<Edit>, crate::error::Error> {
    let before = read(root, SETTINGS)?;
    let local = read(root, ".claude/settings.local.json").ok().flatten();
    let files: Vec<crate::rules::FileCtx> = before
        .iter()
        .chain(local.iter())
        .map(|text| {
            crate::rules::FileCtx::new(
                SETTINGS,
                crate::classify::FileKind::ClaudeSettings,
                text.as_str(),
            )
        })
        .collect();
    let grants: Vec<_> = files.iter().flat_map(|f| f.grants().iter()).collect();
    let missing = crate::model::permissions::uncovered_denies(&grants, required);
    if missing.is_empty() {
        return Ok(None);
    }
    let quoted: Vec<String> = missing
        .iter()
        .map(|r| serde_json::to_string(r).unwrap_or_default())
        .collect();
    let changes = missing
        .iter()
        .map(|r| format!("added \"{r}\" to permissions.deny"))
        .collect();
    let after = match &before {
        None => format!(
            "{{\n  \"permissions\": {{\n    \"deny\": [\n      {}\n    ]\n  }}\n}}\n",
            quoted.join(",\n      ")
        ),
        Some(text) => insert_denies(text, &quoted)?,
    };
    Ok(Some(Edit {
        path: SETTINGS.into(),
        before,
        after,
        changes,
    }))
}

/// Inserts `items` (JSON strings) into `permissions.deny`, creating the keys as needed and
/// touching nothing else in the file.
fn insert_denies(text: &str, items: &[String]) -> Result<String, crate::error::Error> {
    let tree = crate::syntax::json::parse(text)
        .map_err(|e| format!("not valid JSON ({}); fix it first", e.message))?;
    let unit = indent_unit(text);
    let Value::Object(_) = &tree.value else {
        return Err("the top level is not an object".into());
    };
    let mut out = text.to_string();
    match tree.get("permissions") {
        None => {
            let deny = array_text(items, &unit, 2);
            insert_member(
                &mut out,
                &tree,
                "permissions",
                &format!("{{\n{unit}{unit}\"deny\": {deny}\n{unit}}}"),
                &unit,
            );
        }
        Some(perms) => match (&perms.value, perms.get("deny")) {
            (Value::Object(_), None) => {
                let level = line_indent(text, perms.span.start).len() / unit.len().max(1) + 1;
                let deny = array_text(items, &unit, level);
                insert_member(&mut out, perms, "deny", &deny, &unit);
            }
            (Value::Object(_), Some(deny)) => {
                let Value::Array(list) = &deny.value else {
                    return Err("permissions.deny is not a list".into());
                };
                match list.last() {
                    None => {
                        let inner = deny.span.start + 1..deny.span.end - 1;
                        out.replace_range(inner, &items.join(", "));
                    }
                    Some(last) => {
                        let multiline = text[deny.span.clone()].contains('\n');
                        let sep = if multiline {
                            format!(",\n{}", line_indent(text, last.span.start))
                        } else {
                            ", ".to_string()
                        };
                        let insert: String = items.iter().map(|i| format!("{sep}{i}")).collect();
                        out.insert_str(last.span.end, &insert);
                    }
                }
            }
            _ => return Err("`permissions` is not an object".into()),
        },
    }
    Ok(out)
}

/// `[\n  "a",\n  "b"\n]` indented for a value at nesting `level`.
fn array_text(items: &[String], unit: &str, level: usize) -> String {
    let inner = unit.repeat(level + 1);
    let outer = unit.repeat(level);
    let body: Vec<String> = items.iter().map(|i| format!("{inner}{i}")).collect();
    format!("[\n{}\n{outer}]", body.join(",\n"))
}

/// Inserts `"key": value` as the first member of `object`.
fn insert_member(out: &mut String, object: &Node, key: &str, value: &str, unit: &str) {
    let Value::Object(members) = &object.value else {
        return;
    };
    let open = object.span.start + 1;
    let key = serde_json::to_string(key).unwrap_or_default();
    match members.first() {
        Some(first) => {
            let ind = line_indent(out, first.key_span.start);
            out.insert_str(open, &format!("\n{ind}{key}: {value},"));
        }
        None => {
            let outer = line_indent(out, object.span.start);
            let inner = format!("{outer}{unit}");
            out.replace_range(
                open..object.span.end - 1,
                &format!("\n{inner}{key}: {value}\n{outer}"),
            );
        }
    }
}

/// The whitespace at the start of the line holding `offset`.
fn line_indent(text: &str, offset: usize) -> String {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// The file's indentation step: the first indented line's leading whitespace (default two spaces).
fn indent_unit(text: &str) -> String {
    text.lines()
        .map(|l| {
            l.chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect::<String>()
        })
        .find(|w| !w.is_empty())
        .unwrap_or_else(|| "  ".into())
}

/// Writes the edits in place (never through a symlink, never outside `root`).
pub fn apply(root: &Path, edits: &[Edit]) -> Result<(), crate::error::Error> {
    for edit in edits {
        // Re-checked at write time: the plan may be old.
        read(root, &edit.path).map_err(|e| format!("{}: {e}", edit.path))?;
        let path = root.join(&edit.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", edit.path))?;
            let real = std::fs::canonicalize(parent).map_err(|e| format!("{}: {e}", edit.path))?;
            let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
            if !real.starts_with(&root) {
                return Err(
                    format!("{}: leaves the repository through a symlink", edit.path).into(),
                );
            }
        }
        // Replaced, not written in place: a hard link to a file elsewhere stays untouched.
        crate::fsx::write_file(&path, edit.after.as_bytes(), root)
            .map_err(|e| format!("{}: {e}", edit.path))?;
    }
    Ok(())
}

/// A unified diff of the edits (`fix --diff`), credentials masked.
pub fn unified(edits: &[Edit]) -> String {
    let mut out = String::new();
    for e in edits {
        let before = e.before.as_deref().unwrap_or("");
        let old = if e.before.is_some() {
            format!("a/{}", e.path)
        } else {
            "/dev/null".into()
        };
        let diff = similar::TextDiff::from_lines(before, &e.after);
        out.push_str(&format!("--- {old}\n+++ b/{}\n", e.path));
        for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
            out.push_str(&format!("{}\n", hunk.header()));
            for change in hunk.iter_changes() {
                let sign = match change.tag() {
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                    similar::ChangeTag::Equal => ' ',
                };
                // The files may hold credentials next to what changes: never show them.
                let line = change.value().trim_end_matches('\n');
                out.push_str(&format!("{sign}{}\n", crate::mask::text(line)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(list: &[&str]) -> Vec<String> {
        list.iter()
            .map(|s| serde_json::to_string(s).unwrap())
            .collect()
    }

    #[test]
    fn adds_to_an_existing_multiline_list() {
        let text = "{\n    \"permissions\": {\n        \"deny\": [\n            \"Read(./.env)\"\n        ]\n    },\n    \"model\": \"sonnet\"\n}\n";
        let out = insert_denies(text, &items(&["Bash(curl *)"])).unwrap();
        assert_eq!(
            out,
            "{\n    \"permissions\": {\n        \"deny\": [\n            \"Read(./.env)\",\n            \"Bash(curl *)\"\n        ]\n    },\n    \"model\": \"sonnet\"\n}\n"
        );
    }

    #[test]
    fn adds_to_inline_and_empty_lists() {
        let out = insert_denies("{\"permissions\": {\"deny\": [\"A\"]}}", &items(&["B"])).unwrap();
        assert_eq!(out, "{\"permissions\": {\"deny\": [\"A\", \"B\"]}}");
        let out = insert_denies("{\"permissions\": {\"deny\": []}}", &items(&["B", "C"])).unwrap();
        assert_eq!(out, "{\"permissions\": {\"deny\": [\"B\", \"C\"]}}");
    }

    #[test]
    fn creates_missing_keys_and_keeps_comments() {
        let text = "{\n  // team settings\n  \"permissions\": {\n    \"allow\": [\"Bash(npm test)\"]\n  }\n}\n";
        let out = insert_denies(text, &items(&["Read(./.env)"])).unwrap();
        assert_eq!(
            out,
            "{\n  // team settings\n  \"permissions\": {\n    \"deny\": [\n      \"Read(./.env)\"\n    ],\n    \"allow\": [\"Bash(npm test)\"]\n  }\n}\n"
        );
        let out = insert_denies("{\n  \"model\": \"sonnet\"\n}\n", &items(&["X"])).unwrap();
        assert_eq!(
            out,
            "{\n  \"permissions\": {\n    \"deny\": [\n      \"X\"\n    ]\n  },\n  \"model\": \"sonnet\"\n}\n"
        );
        let out = insert_denies("{}", &items(&["X"])).unwrap();
        assert_eq!(
            out,
            "{\n  \"permissions\": {\n    \"deny\": [\n      \"X\"\n    ]\n  }\n}"
        );
        for text in [&out, "{\n  \"model\": \"sonnet\"\n}\n"] {
            let again = insert_denies(text, &items(&["X"]));
            assert!(crate::syntax::json::parse(&again.unwrap()).is_ok());
        }
        assert!(insert_denies("{ broken", &items(&["X"])).is_err());
        assert!(insert_denies("{\"permissions\": []}", &items(&["X"])).is_err());
    }

    #[test]
    fn copies_a_section_with_its_blocks() {
        let t = "# P\n\n## Security\n<!-- agentgate:begin s -->\nNo .env\n<!-- agentgate:end s -->\n\n### Sub\nx\n\n## Next\ny\n";
        assert_eq!(
            section_text(t, "security", &[]).unwrap(),
            "## Security\n<!-- agentgate:begin s -->\nNo .env\n<!-- agentgate:end s -->\n\n### Sub\nx\n"
        );
        assert_eq!(
            section_text(t, "security", &["s".into()]).unwrap(),
            "## Security\nNo .env\n\n### Sub\nx\n"
        );
        assert!(section_text(t, "Missing", &[]).is_none());
    }
}
