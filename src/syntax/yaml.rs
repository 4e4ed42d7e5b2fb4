//! YAML (front matter and whole files) into [`Node`], via saphyr's span-carrying tree.

use super::{CharToByte, Member, Node, SyntaxError, Value};
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

const MAX_DEPTH: usize = 256;

/// Parses `text`, which starts at byte `base` of its file. An empty document is `null`.
pub fn parse(text: &str, base: usize) -> Result<Node, SyntaxError> {
    let map = CharToByte::new(text, base);
    let docs = MarkedYaml::load_from_str(text).map_err(|e| {
        let at = map.byte(e.marker().index());
        SyntaxError {
            span: at..at,
            message: e.info().to_string(),
        }
    })?;
    let Some(doc) = docs.into_iter().next() else {
        return Ok(Node {
            span: base..base + text.len(),
            value: Value::Null,
        });
    };
    convert(&doc, &map, 0)
}

fn convert(node: &MarkedYaml<'_>, map: &CharToByte, depth: usize) -> Result<Node, SyntaxError> {
    let span = map.byte(node.span.start.index())..map.byte(node.span.end.index());
    if depth > MAX_DEPTH {
        return Err(SyntaxError {
            span,
            message: format!("nesting deeper than {MAX_DEPTH} levels"),
        });
    }
    let value = match &node.data {
        YamlData::Value(scalar) => scalar_value(scalar),
        YamlData::Representation(text, _, _) => Value::String(text.to_string()),
        YamlData::Sequence(items) => Value::Array(
            items
                .iter()
                .map(|item| convert(item, map, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Mapping(entries) => {
            let mut members = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let key = convert(k, map, depth + 1)?;
                let key_text = match key.value {
                    Value::String(s) | Value::Number(s) => s,
                    Value::Bool(b) => b.to_string(),
                    Value::Null => "null".to_string(),
                    _ => {
                        return Err(SyntaxError {
                            span: key.span,
                            message: "complex mapping keys are not supported".into(),
                        });
                    }
                };
                members.push(Member {
                    key: key_text,
                    key_span: key.span,
                    value: convert(v, map, depth + 1)?,
                });
            }
            Value::Object(members)
        }
        YamlData::Tagged(_, inner) => return convert(inner, map, depth + 1),
        YamlData::Alias(_) | YamlData::BadValue => {
            return Err(SyntaxError {
                span,
                message: "invalid value or unresolvable alias".into(),
            });
        }
    };
    Ok(Node { span, value })
}

fn scalar_value(scalar: &Scalar<'_>) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Number(i.to_string()),
        Scalar::FloatingPoint(f) => Value::Number(f.to_string()),
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

/// The YAML between a leading `---` line and the next `---` (or `...`) line.
pub struct FrontMatter<'a> {
    pub text: &'a str,
    /// Byte offset of `text` in the file.
    pub start: usize,
    /// Byte offset just past the closing delimiter line.
    pub body_start: usize,
}

/// `Ok(None)`: no front matter. `Err`: an opening `---` that is never closed.
pub fn front_matter(file: &str) -> Result<Option<FrontMatter<'_>>, SyntaxError> {
    let bom = if file.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &file[bom..];
    let first_len = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_len].trim_end() != "---" {
        return Ok(None);
    }
    let start = bom + first_len;
    let mut pos = start;
    for line in file[start..].split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Some(FrontMatter {
                text: &file[start..pos],
                start,
                body_start: pos + line.len(),
            }));
        }
        pos += line.len();
    }
    Err(SyntaxError {
        span: bom..bom + 3,
        message: "front matter opened with `---` is never closed".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_file_byte_offsets() {
        let file = "---\nname: \u{e9}t\u{e9}\ntools: [Read, \"Bash(*)\"]\n---\n# Body\n";
        let fm = front_matter(file).unwrap().unwrap();
        assert_eq!(&file[fm.body_start..], "# Body\n");
        let node = parse(fm.text, fm.start).unwrap();
        let tools = node.get("tools").unwrap().as_array();
        assert_eq!(&file[tools[1].span.clone()], "\"Bash(*)\"");
        let key = node.member("tools").unwrap();
        assert_eq!(&file[key.key_span.clone()], "tools");
    }

    #[test]
    fn errors_and_absent_front_matter() {
        assert!(front_matter("# no front matter\n").unwrap().is_none());
        assert!(front_matter("---\nname: x\n").is_err());
        let err = parse("a: [unclosed\n", 10).unwrap_err();
        assert!(err.span.start >= 10, "{err:?}");
        assert!(parse("a: 1\na: 2\n", 0).is_err(), "duplicate keys");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = (b'a' + i - 1) as char;
            let cur = (b'a' + i) as char;
            bomb.push_str(&format!("{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(parse(&bomb, 0).is_err());
    }
}
