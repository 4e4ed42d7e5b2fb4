//! TOML into [`Node`], via toml's span-carrying `DeTable`.

use super::{Member, Node, SyntaxError, Value};
use toml::de::{DeTable, DeValue};

pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let doc = DeTable::parse(text).map_err(|e| SyntaxError {
        span: e.span().unwrap_or(0..0),
        message: e.message().trim().to_string(),
    })?;
    Ok(Node {
        span: 0..text.len(),
        value: table(doc.get_ref()),
    })
}

fn table(t: &DeTable<'_>) -> Value {
    let mut members: Vec<Member> = t
        .iter()
        .map(|(k, v)| Member {
            key: k.get_ref().to_string(),
            key_span: k.span(),
            value: node(v.get_ref(), v.span()),
        })
        .collect();
    // DeTable is ordered by key; rules and reports want source order.
    members.sort_by_key(|m| m.key_span.start);
    Value::Object(members)
}

fn node(v: &DeValue<'_>, span: std::ops::Range<usize>) -> Node {
    let value = match v {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => Value::Number(i.as_str().to_string()),
        DeValue::Float(f) => Value::Number(f.as_str().to_string()),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Number(d.to_string()),
        DeValue::Array(items) => {
            Value::Array(items.iter().map(|i| node(i.get_ref(), i.span())).collect())
        }
        DeValue::Table(t) => table(t),
    };
    Node { span, value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_for_nested_tables() {
        let text =
            "model = \"o3\"\n[mcp_servers.docs]\ncommand = \"npx\"\nargs = [\"-y\", \"pkg\"]\n";
        let node = parse(text).unwrap();
        let docs = node.pointer(&["mcp_servers", "docs"]).unwrap();
        let args = docs.get("args").unwrap().as_array();
        assert_eq!(&text[args[1].span.clone()], "\"pkg\"");
        assert_eq!(node.members()[0].key, "model");
    }

    #[test]
    fn error_position() {
        let err = parse("a = 1\nb = \n").unwrap_err();
        assert_eq!(&"a = 1\nb = \n"[..err.span.start], "a = 1\nb = ");
    }
}
