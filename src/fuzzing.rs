//! Entry points for the fuzz targets in `fuzz/` (not a stable API). Each function runs one
//! parser or engine on arbitrary input and asserts the cheap invariants: no panic, spans inside
//! the input, line and column numbers that point into it.

use crate::rules::Selection;
use crate::syntax::{Node, SyntaxError, Value};
use std::path::Path;

fn check_node(node: &Node, len: usize) {
    assert!(
        node.span.start <= node.span.end && node.span.end <= len,
        "span {:?} outside 0..{len}",
        node.span
    );
    match &node.value {
        Value::Array(items) => items.iter().for_each(|n| check_node(n, len)),
        Value::Object(members) => {
            for m in members {
                assert!(m.key_span.start <= m.key_span.end && m.key_span.end <= len);
                check_node(&m.value, len);
            }
        }
        _ => {}
    }
}

fn check_result(r: &Result<Node, SyntaxError>, len: usize) {
    match r {
        Ok(node) => check_node(node, len),
        Err(e) => assert!(
            e.span.start <= e.span.end && e.span.end <= len,
            "error span {:?} outside 0..{len}",
            e.span
        ),
    }
}

/// JSON/JSONC.
pub fn json(text: &str) {
    check_result(&crate::syntax::json::parse(text), text.len());
}

/// TOML.
pub fn toml(text: &str) {
    check_result(&crate::syntax::toml::parse(text), text.len());
}

/// A whole YAML file, and the same text as a Markdown file with front matter.
pub fn yaml(text: &str) {
    check_result(&crate::syntax::yaml::parse(text, 0), text.len());
    if let Ok(Some(fm)) = crate::syntax::yaml::front_matter(text) {
        assert!(fm.start + fm.text.len() <= fm.body_start && fm.body_start <= text.len());
        check_result(&crate::syntax::yaml::parse(fm.text, fm.start), text.len());
    }
}

/// The Markdown outline (after any front matter).
pub fn markdown(text: &str) {
    let body = crate::syntax::yaml::front_matter(text)
        .ok()
        .flatten()
        .map_or(0, |fm| fm.body_start);
    let outline = crate::syntax::markdown::parse(text, body);
    let spans = outline
        .headings
        .iter()
        .map(|h| &h.span)
        .chain(outline.links.iter().map(|l| &l.span))
        .chain(outline.inline_code.iter().map(|c| &c.span))
        .chain(outline.code_blocks.iter().map(|c| &c.span))
        .chain(outline.imports.iter().map(|i| &i.span));
    for s in spans {
        assert!(s.start <= s.end && s.end <= text.len(), "{s:?}");
    }
}

/// The permission-rule grammar and its matching helpers.
pub fn permission(text: &str) {
    use crate::model::permissions::{PermissionRule, glob_match};
    let (a, b) = text.split_once('\n').unwrap_or((text, text));
    let (ra, rb) = (PermissionRule::parse(a), PermissionRule::parse(b));
    let _ = (ra.is_every_command(), ra.program(), ra.command_pattern());
    let _ = (ra.covers(&rb), rb.covers(&ra));
    let _ = glob_match(a, b);
}

/// `.agentgate.yaml` and a policy pack's `policy.yaml`.
pub fn config(text: &str) {
    let _ = crate::config::parse(Path::new(".agentgate.yaml"), text, Path::new(""));
    let _ = serde_saphyr::from_str::<crate::policy::Policy>(text);
}

/// The secrets engine, with and without the heuristic rules.
pub fn secrets(data: &[u8]) {
    let engine = crate::secrets::Engine::builtin();
    for heuristic in [true, false] {
        for f in engine.scan(data, heuristic) {
            assert!(f.secret.start <= f.secret.end && f.secret.end <= data.len());
            assert!(f.rule < engine.len());
        }
    }
}

/// Every file and repository rule on one in-memory file, as the engine runs them; the first
/// line of `input` picks the path (and so the file kind), the rest is the content.
pub fn check_file(input: &str) {
    let (path, text) = input.split_once('\n').unwrap_or((".mcp.json", input));
    let path = if path.is_empty() || path.len() > 200 {
        ".mcp.json"
    } else {
        path
    };
    let lines = text.split('\n').count() as u32;
    for d in crate::rules::check_one(path, text, &Selection::all()) {
        if let Some(s) = &d.span {
            assert!(
                s.start <= s.end && s.end <= text.len(),
                "{}: {s:?}",
                d.rule.code
            );
            assert!(s.line >= 1 && s.line <= s.end_line && s.end_line <= lines);
        }
    }
}
