//! Context-file templates and their managed blocks: the parts of a file the organisation owns,
//! between `<!-- agentgate:begin ID -->` and `<!-- agentgate:end ID -->` on lines of their own.
//! A repository file may add anything around them; the blocks themselves must match the pack.

use crate::config::error::ConfigError;
use serde::Serialize;
use std::ops::Range;
use std::path::Path;

/// A template file of a pack, by the repository path it is the template for.
#[derive(Debug, Clone, Serialize)]
pub struct Template {
    pub pack: String,
    /// Managed block IDs, in order.
    pub blocks: Vec<String>,
    #[serde(skip)]
    pub text: String,
}

impl Template {
    /// The content of block `id` in the template. Parses the template: to look up many
    /// blocks, use [`Template::contents`].
    pub fn block(&self, id: &str) -> Option<&str> {
        let blocks = blocks(&self.text).ok()?;
        let b = blocks.into_iter().find(|b| b.id == id)?;
        Some(&self.text[b.content])
    }

    /// The content of every block, by ID, from one parse of the template.
    pub fn contents(&self) -> std::collections::HashMap<String, &str> {
        blocks(&self.text)
            .unwrap_or_default()
            .into_iter()
            .map(|b| (b.id, &self.text[b.content]))
            .collect()
    }
}

/// One managed block in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub id: String,
    /// From the start of the begin marker's line to the end of the end marker's line.
    pub whole: Range<usize>,
    /// The lines between the markers.
    pub content: Range<usize>,
    /// The begin marker's line (1-based).
    pub line: u32,
}

/// `(line, message)` for unbalanced or duplicated markers.
pub type BlockError = (u32, String);

fn marker(line: &str) -> Option<(bool, &str)> {
    let inner = line
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    let rest = inner.strip_prefix("agentgate:")?;
    let (begin, id) = if let Some(id) = rest.strip_prefix("begin") {
        (true, id)
    } else {
        (false, rest.strip_prefix("end")?)
    };
    let id = id.trim();
    let valid = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    valid.then_some((begin, id))
}

/// Every managed block of `text`, in order. Blocks do not nest.
pub fn blocks(text: &str) -> Result<Vec<Block>, BlockError> {
    let mut out: Vec<Block> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut open: Option<(String, usize, usize, u32)> = None;
    let mut pos = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let n = i as u32 + 1;
        let next = pos + line.len();
        match (marker(line), &open) {
            (Some((true, id)), None) => {
                if seen.contains(id) {
                    return Err((n, format!("managed block `{id}` appears twice")));
                }
                open = Some((id.to_string(), pos, next, n));
            }
            (Some((true, id)), Some((outer, ..))) => {
                return Err((
                    n,
                    format!("managed block `{id}` begins inside block `{outer}`"),
                ));
            }
            (Some((false, id)), Some((open_id, start, content, line))) => {
                if id != open_id {
                    return Err((n, format!("`agentgate:end {id}` closes block `{open_id}`")));
                }
                seen.insert(id.to_string());
                out.push(Block {
                    id: id.to_string(),
                    whole: *start..next,
                    content: *content..pos,
                    line: *line,
                });
                open = None;
            }
            (Some((false, id)), None) => {
                return Err((n, format!("`agentgate:end {id}` without a begin")));
            }
            (None, _) => {}
        }
        pos = next;
    }
    match open {
        Some((id, _, _, line)) => Err((line, format!("managed block `{id}` is never closed"))),
        None => Ok(out),
    }
}

/// The placeholders `init` and `fix` fill in (see `scaffold::Project::values`).
pub const PLACEHOLDERS: &[&str] = &["project", "commands", "build", "test", "lint"];

/// `text` with each `{{name}}` of `values` replaced by its value.
pub fn fill(text: &str, values: &[(&str, String)]) -> String {
    let mut out = text.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    out
}

/// The first placeholder left as written in `text` (a file `fix` or an older tool wrote).
pub fn unfilled(text: &str) -> Option<std::ops::Range<usize>> {
    PLACEHOLDERS
        .iter()
        .filter_map(|p| {
            let token = format!("{{{{{p}}}}}");
            text.find(&token).map(|at| at..at + token.len())
        })
        .min_by_key(|r| r.start)
}

/// Whether a file's block content `have` is the template's block `want`, where each
/// placeholder in `want` stands for whatever the repository filled in (its own commands),
/// compared after [`normalize`]. Linear: the literal pieces are found left to right.
pub fn block_matches(want: &str, have: &str) -> bool {
    let (want, have) = (normalize(want), normalize(have));
    let mut pieces: Vec<&str> = vec![want.as_str()];
    for p in PLACEHOLDERS {
        let token = format!("{{{{{p}}}}}");
        pieces = pieces
            .iter()
            .flat_map(|piece| piece.split(token.as_str()))
            .collect();
    }
    if pieces.len() == 1 {
        return want == have;
    }
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if !have.starts_with(first) || have.len() < first.len() + last.len() || !have.ends_with(last) {
        return false;
    }
    let mut rest = &have[first.len()..have.len() - last.len()];
    for piece in &pieces[1..pieces.len() - 1] {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

/// Line endings and trailing blank lines do not count as a change.
pub fn normalize(content: &str) -> String {
    let lf = content.replace("\r\n", "\n");
    let mut lines: Vec<&str> = lf.lines().map(str::trim_end).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// Blocks longer than this are not diffed line by line.
pub const MAX_DIFF_LINES: usize = 5_000;

/// A unified diff from the pack's block (`-`) to the file's (`+`), a few lines of context.
pub fn diff(expected: &str, actual: &str) -> String {
    let (a, b) = (normalize(expected) + "\n", normalize(actual) + "\n");
    // Line diffs cost lines × differences: two unrelated 100,000-line blocks would take
    // minutes. Past the bound the finding says how large the blocks are instead.
    let (la, lb) = (a.lines().count(), b.lines().count());
    if la.max(lb) > MAX_DIFF_LINES {
        return format!(
            "  (the pack's block has {la} lines and this file's {lb}: too long to compare line by line)\n"
        );
    }
    let diff = similar::TextDiff::from_lines(&a, &b);
    let mut out = String::new();
    for group in diff.grouped_ops(2) {
        for op in group {
            for change in diff.iter_changes(&op) {
                let sign = match change.tag() {
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                    similar::ChangeTag::Equal => ' ',
                };
                out.push(sign);
                out.push_str(&crate::mask::text(change.value().trim_end_matches('\n')));
                out.push('\n');
            }
        }
    }
    out
}

/// Templates under `dir` (a pack's `templates/`), keyed by repository path.
/// Nothing is read from outside `root` (the pack): a symbolic link is never followed.
pub fn load_dir(
    dir: &Path,
    root: &Path,
    pack: &str,
) -> Result<Vec<(String, Template)>, Box<ConfigError>> {
    let mut out = Vec::new();
    if !crate::fsx::stays_inside(dir, root) {
        return Err(ConfigError::plain(format!(
            "policy pack {}: `templates` leads out of the pack through a symbolic link",
            root.display()
        )));
    }
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, prefix)) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = format!("{prefix}{name}");
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if prefix.matches('/').count() < 8 {
                    pending.push((entry.path(), format!("{rel}/")));
                }
                continue;
            }
            if !kind.is_file() {
                continue; // symlinks in a pack are not followed
            }
            let text =
                crate::fsx::read_confined_text(&entry.path(), root, crate::fsx::SMALL_FILE_CAP)
                    .map_err(|e| ConfigError::plain(format!("template {e}")))?;
            let found = blocks(&text).map_err(|(line, m)| {
                ConfigError::plain(format!("template {}:{line}: {m}", entry.path().display()))
            })?;
            out.push((
                rel,
                Template {
                    pack: pack.to_string(),
                    blocks: found.into_iter().map(|b| b.id).collect(),
                    text,
                },
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_blocks() {
        let text = "# A\n<!-- agentgate:begin security -->\nNever read .env\n<!-- agentgate:end security -->\ntail\n";
        let b = blocks(text).unwrap();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].id, "security");
        assert_eq!(b[0].line, 2);
        assert_eq!(&text[b[0].content.clone()], "Never read .env\n");
        assert!(text[b[0].whole.clone()].starts_with("<!-- agentgate:begin"));
        assert!(text[b[0].whole.clone()].ends_with("security -->\n"));
        assert!(
            blocks("no markers <!-- agentgate:begin -->\n")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn rejects_unbalanced_markers() {
        let e = blocks("<!-- agentgate:begin a -->\n").unwrap_err();
        assert_eq!(e.0, 1);
        assert!(e.1.contains("never closed"));
        let e = blocks("x\n<!-- agentgate:end a -->\n").unwrap_err();
        assert_eq!(e.0, 2);
        let e = blocks("<!-- agentgate:begin a -->\n<!-- agentgate:end b -->\n").unwrap_err();
        assert!(e.1.contains("closes block `a`"));
        let e = blocks("<!-- agentgate:begin a -->\n<!-- agentgate:begin b -->\n").unwrap_err();
        assert!(e.1.contains("inside"));
    }

    #[test]
    fn diff_shows_both_sides() {
        let d = diff("keep\nold line\n", "keep\nnew line\r\n\n");
        assert_eq!(d, " keep\n-old line\n+new line\n");
        assert_eq!(normalize("a \r\nb\n\n"), "a\nb");
        let long = "x\n".repeat(MAX_DIFF_LINES + 1);
        assert!(diff(&long, "y\n").contains("too long to compare"));
    }

    #[test]
    fn thousands_of_blocks() {
        let text: String = (0..5_000)
            .map(|i| {
                format!("<!-- agentgate:begin b{i} -->\nline {i}\n<!-- agentgate:end b{i} -->\n")
            })
            .collect();
        let found = blocks(&text).unwrap();
        assert_eq!(found.len(), 5_000);
        let tpl = Template {
            pack: "p".into(),
            blocks: found.iter().map(|b| b.id.clone()).collect(),
            text: text.clone(),
        };
        let contents = tpl.contents();
        assert_eq!(contents["b4321"], "line 4321\n");
        assert_eq!(tpl.block("b4321"), Some("line 4321\n"));
        let twice = format!("{text}<!-- agentgate:begin b7 -->\n<!-- agentgate:end b7 -->\n");
        assert_eq!(
            blocks(&twice).unwrap_err(),
            (15_001, "managed block `b7` appears twice".into())
        );
    }

    #[test]
    fn placeholders_match_what_was_filled_in() {
        let want = "Run {{test}} before you push.\n{{commands}}\n";
        assert!(block_matches(
            want,
            "Run `cargo test` before you push.\n- Test: `cargo test`\n"
        ));
        assert!(!block_matches(want, "Run tests before you push, or not.\n"));
        assert!(!block_matches("Run {{test}}.", "Run"));
        assert!(block_matches("plain\n", "plain"));
        assert_eq!(unfilled("a {{lint}} {{commands}}"), Some(2..10));
        assert_eq!(unfilled("{{other}}"), None);
        assert_eq!(fill("x {{test}}", &[("test", "`t`".into())]), "x `t`");
    }
}
