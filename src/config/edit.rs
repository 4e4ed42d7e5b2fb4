//! Edits to `.agentgate.yaml` that keep the file as its authors wrote it: comments, order and
//! layout stay; a key or a list item is added as text, and the result must parse before it is
//! written (the caller checks). Only top-level block keys are handled; a flow form
//! (`exceptions: []`) is rewritten as a block.

/// The line range (start byte, end byte) of the top-level key `key` and the block under it:
/// the key's line and every following line that is indented, blank or a comment, up to the
/// next top-level key.
fn block_of(text: &str, key: &str) -> Option<(usize, usize, usize)> {
    let mut at = 0;
    let mut found: Option<(usize, usize)> = None;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let top = !line.starts_with([' ', '\t', '#', '\n', '\r']) && !line.trim().is_empty();
        match found {
            None if top && is_key_line(line, key) => found = Some((start, at)),
            Some((s, key_end)) if top && !line.starts_with("- ") => {
                return Some((s, key_end, content_end(text, key_end, start)));
            }
            _ => {}
        }
    }
    found.map(|(s, key_end)| (s, key_end, content_end(text, key_end, text.len())))
}

/// The end of a block's content: trailing blank and comment lines belong to what follows.
fn content_end(text: &str, from: usize, to: usize) -> usize {
    let mut end = from;
    let mut at = from;
    for line in text[from..to].split_inclusive('\n') {
        at += line.len();
        let t = line.trim();
        if !t.is_empty() && !t.starts_with('#') {
            end = at;
        }
    }
    end
}

fn is_key_line(line: &str, key: &str) -> bool {
    line.strip_prefix(key)
        .is_some_and(|rest| rest.trim_start().starts_with(':'))
}

/// The text with `key: value` set at the top level (appended when absent; an existing
/// one-line value is replaced).
pub fn set_key(text: &str, key: &str, value: &str) -> String {
    let line = format!("{key}: {}\n", quote(value));
    match block_of(text, key) {
        Some((start, key_end, _)) => format!("{}{line}{}", &text[..start], &text[key_end..]),
        None => {
            let sep = if text.is_empty() || text.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            format!("{text}{sep}{line}")
        }
    }
}

/// The text with the top-level key `key` and its block replaced by `block` (whole lines,
/// starting with `key:`), or `block` appended when the key is absent.
pub fn set_block(text: &str, key: &str, block: &str) -> String {
    match block_of(text, key) {
        Some((start, _, end)) => format!("{}{block}{}", &text[..start], &text[end..]),
        None => {
            let sep = if text.is_empty() || text.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            format!("{text}{sep}{block}")
        }
    }
}

/// The text with one more item in the top-level list `key`; `fields` are the item's
/// `name: value` pairs, in order.
pub fn append_item(text: &str, key: &str, fields: &[(&str, String)]) -> String {
    let block = block_of(text, key);
    // Items are indented as the list's first item is (two spaces in a new list).
    let indent = block
        .and_then(|(_, key_end, end)| {
            text[key_end..end]
                .lines()
                .find(|l| l.trim_start().starts_with("- "))
                .map(|l| l.len() - l.trim_start().len())
        })
        .unwrap_or(2);
    let pad = " ".repeat(indent);
    let mut item = String::new();
    for (i, (name, value)) in fields.iter().enumerate() {
        let lead = if i == 0 { "- " } else { "  " };
        item.push_str(&format!("{pad}{lead}{name}: {}\n", quote(value)));
    }
    match block {
        Some((start, key_end, end)) => {
            let head = &text[start..key_end];
            let flow = head
                .split_once(':')
                .map(|(_, v)| v.split('#').next().unwrap_or("").trim())
                .unwrap_or("");
            if flow.is_empty() {
                format!("{}{item}{}", &text[..end], &text[end..])
            } else if flow == "[]" {
                format!("{}{key}:\n{item}{}", &text[..start], &text[key_end..])
            } else {
                // A non-empty flow list: keep it and let the parse check refuse the edit.
                format!(
                    "{}{key}: {flow}\n{item}{}",
                    &text[..start],
                    &text[key_end..]
                )
            }
        }
        None => {
            let sep = if text.is_empty() || text.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            format!("{text}{sep}{key}:\n{item}")
        }
    }
}

/// A YAML scalar: plain when that reads back as the same string, else single-quoted.
pub fn quote(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./@+".contains(c))
        && !value.starts_with(['-', '@'])
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | ".inf" | ".nan" | "."
        )
        && value.parse::<f64>().is_err();
    if plain {
        value.to_string()
    } else {
        // Newlines cannot come from the command line's single values; refuse them anyway.
        format!("'{}'", value.replace(['\n', '\r'], " ").replace('\'', "''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_set_and_replaced() {
        assert_eq!(set_key("", "baseline", "b.json"), "baseline: b.json\n");
        assert_eq!(
            set_key("# top\nexclude: [x]", "baseline", "b.json"),
            "# top\nexclude: [x]\nbaseline: b.json\n"
        );
        assert_eq!(
            set_key(
                "baseline: old.json # c\nexclude: []\n",
                "baseline",
                "n.json"
            ),
            "baseline: n.json\nexclude: []\n"
        );
    }

    #[test]
    fn items_keep_comments_and_order() {
        let text = "# policy\nexceptions:\n  # first\n  - rule: AG201\n    path: a\n    reason: r\n\n# later\nexclude: [x]\n";
        let out = append_item(
            text,
            "exceptions",
            &[
                ("rule", "AG402".into()),
                ("reason", "it's fine: test".into()),
            ],
        );
        assert_eq!(
            out,
            "# policy\nexceptions:\n  # first\n  - rule: AG201\n    path: a\n    reason: r\n  - rule: AG402\n    reason: 'it''s fine: test'\n\n# later\nexclude: [x]\n"
        );
        assert_eq!(
            append_item(
                "exceptions: []\nx: 1\n",
                "exceptions",
                &[("rule", "AG1".into())]
            ),
            "exceptions:\n  - rule: AG1\nx: 1\n"
        );
        assert_eq!(
            append_item("x: 1", "exceptions", &[("rule", "AG1".into())]),
            "x: 1\nexceptions:\n  - rule: AG1\n"
        );
        // Items written at column 0 under the key stay in its block.
        assert_eq!(
            append_item(
                "exceptions:\n- rule: A\n  path: p\ny: 2\n",
                "exceptions",
                &[("rule", "B".into())]
            ),
            "exceptions:\n- rule: A\n  path: p\n- rule: B\ny: 2\n"
        );
    }

    #[test]
    fn blocks_are_replaced_whole() {
        let text = "# c\nextends:\n  git: a\n  ref: v1\nexclude: [x]\n";
        assert_eq!(
            set_block(text, "extends", "extends: pack\n"),
            "# c\nextends: pack\nexclude: [x]\n"
        );
        assert_eq!(
            set_block("a: 1", "extends", "extends: p\n"),
            "a: 1\nextends: p\n"
        );
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("AG201"), "AG201");
        assert_eq!(quote("yes"), "'yes'");
        assert_eq!(quote("1.5"), "'1.5'");
        assert_eq!(quote("a: b"), "'a: b'");
        assert_eq!(quote("*.md"), "'*.md'");
        assert_eq!(quote(".mcp.json"), ".mcp.json");
        assert_eq!(quote(".NaN"), "'.NaN'");
    }
}
