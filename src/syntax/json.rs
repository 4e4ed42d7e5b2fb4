//! JSON and JSONC (comments and trailing commas, as VS Code and the agents accept) into [`Node`].

use super::{Member, Node, SyntaxError, Value};
use jsonc_parser::{CollectOptions, ParseOptions, ast};

/// Deeper nesting than this is refused before parsing: the parser recurses, and no agent
/// config needs more than a handful of levels.
pub const MAX_DEPTH: usize = 256;

pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    check_depth(text)?;
    let options = ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        ..ParseOptions::default()
    };
    let parsed =
        jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options).map_err(|e| {
            let r = e.range();
            SyntaxError {
                span: r.start..r.end.max(r.start),
                message: e.kind().to_string(),
            }
        })?;
    match parsed.value {
        Some(value) => Ok(convert(value)),
        None => Err(SyntaxError {
            span: 0..0,
            message: "expected a JSON value, found an empty file".into(),
        }),
    }
}

/// Where `text` stops being strict JSON (a comment, a trailing comma) although it is valid
/// JSONC; `None` when it is strict JSON or not JSONC at all (that is a syntax error).
pub fn strict_violation(text: &str) -> Option<SyntaxError> {
    let strict = ParseOptions {
        allow_comments: false,
        allow_trailing_commas: false,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        ..ParseOptions::default()
    };
    parse(text).ok()?;
    jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &strict)
        .err()
        .map(|e| {
            let r = e.range();
            SyntaxError {
                span: r.start..r.end.max(r.start),
                message: e.kind().to_string(),
            }
        })
}

fn convert(value: ast::Value<'_>) -> Node {
    let (range, value) = match value {
        ast::Value::StringLit(s) => (s.range, Value::String(s.value.into_owned())),
        ast::Value::NumberLit(n) => (n.range, Value::Number(n.value.to_string())),
        ast::Value::BooleanLit(b) => (b.range, Value::Bool(b.value)),
        ast::Value::NullKeyword(n) => (n.range, Value::Null),
        ast::Value::Array(a) => (
            a.range,
            Value::Array(a.elements.into_iter().map(convert).collect()),
        ),
        ast::Value::Object(o) => {
            let members = o
                .properties
                .into_iter()
                .map(|p| {
                    let (key_span, key) = match p.name {
                        ast::ObjectPropName::String(s) => (s.range, s.value.into_owned()),
                        ast::ObjectPropName::Word(w) => (w.range, w.value.to_string()),
                    };
                    Member {
                        key,
                        key_span: key_span.start..key_span.end,
                        value: convert(p.value),
                    }
                })
                .collect();
            (o.range, Value::Object(members))
        }
    };
    Node {
        span: range.start..range.end,
        value,
    }
}

/// One linear pass that finds the first bracket nested deeper than [`MAX_DEPTH`],
/// skipping strings and comments.
fn check_depth(text: &str) -> Result<(), SyntaxError> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(SyntaxError {
                        span: i..i + 1,
                        message: format!("nesting deeper than {MAX_DEPTH} levels"),
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_byte_spans_for_keys_and_values() {
        let text = "// c\n{\n  \"a\": [\"x\", 1, true, null,],\n}\n";
        let node = parse(text).unwrap();
        let a = node.member("a").unwrap();
        assert_eq!(&text[a.key_span.clone()], "\"a\"");
        let items = a.value.as_array();
        assert_eq!(&text[items[0].span.clone()], "\"x\"");
        assert_eq!(items[0].as_str(), Some("x"));
        assert_eq!(items.len(), 4);
    }

    #[test]
    fn errors_carry_position() {
        let err = parse("{\n  \"a\": [1, 2\n}").unwrap_err();
        assert_eq!(err.span.start, 15, "the closing brace");
        assert!(parse("").is_err());
        // Loose syntax that VS Code would not accept is an error.
        assert!(parse("{'a': 1}").is_err());
        assert!(parse("{\"a\": 1 \"b\": 2}").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = "[".repeat(100_000);
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("nesting"));
        // Brackets inside strings and comments do not count.
        let ok = format!(
            "{{\"a\": \"{}\" /* {} */}}",
            "[".repeat(1000),
            "{".repeat(1000)
        );
        assert!(parse(&ok).is_ok());
    }
}
