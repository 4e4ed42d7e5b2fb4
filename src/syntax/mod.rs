//! Span-preserving parsers. Every format maps into one [`Node`] tree whose spans are byte
//! ranges into the *whole file*, so rules never care which syntax a value came from.

pub mod json;
pub mod markdown;
pub mod toml;
pub mod yaml;

use std::ops::Range;

/// A parsed value with the byte range it occupies in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Range<usize>,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// Numbers (and TOML dates) keep their source text: no rule needs arithmetic.
    Number(String),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Range<usize>,
    pub value: Node,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.member(key).map(|m| &m.value)
    }

    pub fn member(&self, key: &str) -> Option<&Member> {
        match &self.value {
            // Last one wins, as in every JSON parser the agents use.
            Value::Object(members) => members.iter().rev().find(|m| m.key == key),
            _ => None,
        }
    }

    /// Follows a path of object keys.
    pub fn pointer(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> &[Node] {
        match &self.value {
            Value::Array(items) => items,
            _ => &[],
        }
    }

    pub fn members(&self) -> &[Member] {
        match &self.value {
            Value::Object(members) => members,
            _ => &[],
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// A parse failure at an exact place.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub span: Range<usize>,
    pub message: String,
}

/// Byte offset → 1-based line and 1-based column counted in Unicode scalar values.
pub struct LineIndex {
    starts: Vec<usize>,
    /// The last (offset, column) resolved: columns of later offsets on the same line are
    /// counted from there, so many findings on one long line (a minified file) stay linear.
    last: std::cell::Cell<(usize, usize)>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        // A lone CR ends a line too (classic Mac files), as editors and miette's snippets
        // count it, so every output format names the same line.
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', bytes)
                .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
                .map(|i| i + 1),
        );
        Self {
            starts,
            last: std::cell::Cell::new((0, 1)),
        }
    }

    /// Offsets past the end or inside a UTF-8 sequence are clamped to a valid position.
    pub fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let (last_offset, last_col) = self.last.get();
        let (from, col) = if self.starts[line] <= last_offset && last_offset <= offset {
            (last_offset, last_col)
        } else {
            (self.starts[line], 1)
        };
        let col = col + text[from..offset].chars().count();
        self.last.set((offset, col));
        (line as u32 + 1, col as u32)
    }
}

/// Maps char indices (saphyr's unit) of a sub-slice to byte offsets in the whole file.
pub(crate) struct CharToByte {
    base: usize,
    len: usize,
    /// Byte offset of each char; empty when the text is ASCII (index == offset).
    offsets: Vec<usize>,
}

impl CharToByte {
    pub(crate) fn new(text: &str, base: usize) -> Self {
        let offsets = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(b, _)| b).collect()
        };
        Self {
            base,
            len: text.len(),
            offsets,
        }
    }

    pub(crate) fn byte(&self, char_index: usize) -> usize {
        let local = if self.offsets.is_empty() {
            char_index.min(self.len)
        } else {
            self.offsets.get(char_index).copied().unwrap_or(self.len)
        };
        self.base + local
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_not_bytes() {
        let text = "ab\n\u{e9}\u{e9}x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        // 'x' is after two 2-byte chars: byte 7, column 3.
        assert_eq!(idx.line_col(text, 7), (2, 3));
        // Inside a multi-byte char: clamped back, no panic.
        assert_eq!(idx.line_col(text, 4), (2, 1));
        assert_eq!(idx.line_col(text, 999), (3, 1));
        // Out of order, after the cache moved on: the same answers.
        assert_eq!(idx.line_col(text, 7), (2, 3));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        assert_eq!(idx.line_col(text, 5), (2, 2));
        assert_eq!(idx.line_col(text, 1), (1, 2));
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let text = "a\rbc\r\nd\ne";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 2), (2, 1));
        assert_eq!(idx.line_col(text, 6), (3, 1));
        assert_eq!(idx.line_col(text, 8), (4, 1));
    }

    #[test]
    fn many_columns_on_one_long_line_are_linear() {
        // 200,000 lookups along one 20 MB line: quadratic counting would take minutes.
        let text = "é".repeat(10_000_000);
        let idx = LineIndex::new(&text);
        for i in 0..200_000 {
            let (line, col) = idx.line_col(&text, i * 100);
            assert_eq!((line, col as usize), (1, i * 50 + 1));
        }
    }
}
