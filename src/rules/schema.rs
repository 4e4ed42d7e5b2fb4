//! Keys and value types against the versioned schemas in rules/schemas/ (AG111, AG112).

pub use crate::registry::schema::*;

use super::{Emitter, FileCtx};
use crate::classify::{FileKind, classify};
use crate::syntax::{Node, Value};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Schema {
    agent: String,
    known_as_of: String,
    #[allow(dead_code)]
    sources: Vec<String>,
    files: Vec<SchemaFile>,
    #[cfg_attr(not(test), allow(dead_code))]
    examples: Vec<Example>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaFile {
    file: String,
    objects: Vec<Object>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Object {
    /// Where the object is: keys separated by `.`, `*` for any member, `[]` for array items.
    at: String,
    keys: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(not(test), allow(dead_code))]
struct Example {
    file: String,
    text: String,
    fires: String,
}

static SCHEMAS: LazyLock<Vec<Schema>> =
    LazyLock::new(|| crate::builtin::SCHEMAS.iter().map(|t| t.load()).collect());

/// The schemas' known-as-of versions and sources.
pub(crate) fn knowledge() -> Vec<super::Knowledge> {
    SCHEMAS
        .iter()
        .map(|s| super::Knowledge {
            agent: s.agent.clone(),
            topic: "key schema (AG111, AG112)".into(),
            versions: format!("known as of {}", s.known_as_of),
            sources: s.sources.clone(),
        })
        .collect()
}

/// Does a schema written for `file` apply to a file of `kind`? Both Claude settings scopes
/// share one schema.
fn applies(file: &str, kind: FileKind) -> bool {
    let k = classify(file);
    k == kind || (k.is_claude_settings() && kind.is_claude_settings())
}

/// The nodes `at` names in `root`.
fn resolve<'a>(root: &'a Node, at: &str) -> Vec<&'a Node> {
    let mut current = vec![root];
    for part in at.split('.') {
        let (key, items) = match part.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (part, false),
        };
        let mut next: Vec<&Node> = Vec::new();
        for node in current {
            match key {
                "*" => next.extend(node.members().iter().map(|m| &m.value)),
                "" => next.push(node),
                k => next.extend(node.get(k)),
            }
        }
        if items {
            next = next.into_iter().flat_map(Node::as_array).collect();
        }
        current = next;
    }
    current
}

fn type_ok(want: &str, node: &Node) -> bool {
    matches!(
        (want, &node.value),
        ("any", _)
            | ("string", Value::String(_))
            | ("number", Value::Number(_))
            | ("bool", Value::Bool(_))
            | ("array", Value::Array(_))
            | ("object", Value::Object(_))
    )
}

/// Levenshtein distance, for did-you-mean (keys are short).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(!ca.eq_ignore_ascii_case(cb));
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

fn suggestion<'a>(key: &str, known: impl Iterator<Item = &'a String>) -> Option<&'a String> {
    let limit = (key.chars().count() / 4).clamp(1, 3);
    known
        .map(|k| (distance(key, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn check(ctx: &FileCtx, emit: &mut Emitter<'_>, unknown: bool) {
    let Some(tree) = ctx.tree() else { return };
    for schema in SCHEMAS.iter() {
        for file in schema.files.iter().filter(|f| applies(&f.file, ctx.kind)) {
            for object in &file.objects {
                for node in resolve(tree, &object.at) {
                    for m in node.members() {
                        match object.keys.get(&m.key) {
                            None if unknown => {
                                let hint = suggestion(&m.key, object.keys.keys())
                                    .map(|k| format!("did you mean `{k}`? "))
                                    .unwrap_or_default();
                                emit.emit(
                                    &UNKNOWN_KEY,
                                    Some(m.key_span.clone()),
                                    format!(
                                        "`{}` is not {}: not known as of {} {}",
                                        crate::mask::printable(&m.key),
                                        if object.at.is_empty() {
                                            "a top-level key".to_string()
                                        } else {
                                            format!("a key of `{}`", object.at)
                                        },
                                        schema.agent,
                                        schema.known_as_of
                                    ),
                                )
                                .help = Some(format!(
                                    "{hint}{} ignores keys it does not know; if a newer release added it, update agentgate",
                                    schema.agent
                                ));
                            }
                            Some(want) if !unknown && !type_ok(want, &m.value) => {
                                emit.emit(
                                    &WRONG_TYPE,
                                    Some(m.value.span.clone()),
                                    format!(
                                        "`{}.{}` must be {} {want}, not {}: {} fails validation on it",
                                        object.at,
                                        m.key,
                                        if want == "array" || want == "object" {
                                            "an"
                                        } else {
                                            "a"
                                        },
                                        m.value.type_name(),
                                        schema.agent
                                    ),
                                )
                                .help = Some(format!(
                                    "write it as a {want} ({} {})",
                                    schema.agent, schema.known_as_of
                                ));
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
    }
}

fn check_unknown(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    check(ctx, emit, true);
}

fn check_types(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    check(ctx, emit, false);
}

pub(crate) const CHECKS: &[(&super::Rule, super::Check)] = &[
    (&UNKNOWN_KEY, super::Check::File(check_unknown)),
    (&WRONG_TYPE, super::Check::File(check_types)),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::run;

    #[test]
    fn schema_examples_fire_where_they_say() {
        let mut failures = Vec::new();
        for schema in SCHEMAS.iter() {
            assert!(!schema.known_as_of.is_empty() && !schema.sources.is_empty());
            for ex in &schema.examples {
                let got: Vec<String> = run(&ex.file, &ex.text)
                    .iter()
                    .filter(|d| matches!(d.rule.code, "AG111" | "AG112"))
                    .map(|d| format!("{} {}:{}", d.rule.code, d.line(), d.col()))
                    .collect();
                let ok = match ex.fires.as_str() {
                    "none" => got.is_empty(),
                    want => got.first().map(String::as_str) == Some(want),
                };
                if !ok {
                    failures.push(format!(
                        "{} {:?}: want {}, got {got:?}",
                        ex.file, ex.text, ex.fires
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn did_you_mean() {
        let keys = ["denyInsteadOfPrompting".to_string(), "allow".to_string()];
        assert_eq!(
            suggestion("denyInsteadOfPromting", keys.iter()).map(String::as_str),
            Some("denyInsteadOfPrompting")
        );
        assert_eq!(suggestion("allowFileAccess", keys.iter()), None);
    }
}
