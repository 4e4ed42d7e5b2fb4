//! Escaping for the sinks: file names and values come from the repository, so a newline in
//! one must not start a line of output (a GitHub workflow command such as `::error …`), and
//! ESC/OSC sequences, C1 controls and bidirectional overrides must never reach a terminal or
//! a log raw. Format-specific escaping (GitHub's `%0A`, Markdown's `\|`) lives in the
//! renderer of that format; this is the part every format shares.

use std::borrow::Cow;

/// Characters a terminal or log viewer interprets rather than shows.
fn is_hazard(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// A single-line field (message, help, label, path): newlines and every hazard shown as an
/// escape (`\n`, `\u{1b}`), so the field stays on its line and prints what it contains.
pub fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hazard) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if is_hazard(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A multi-line field (a help text with a diff): line breaks kept — every renderer indents
/// or encodes the continuation lines, so none starts an output line — other hazards escaped.
pub fn block(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_hazard(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push('\n'),
            '\r' => out.push_str("\\r"),
            c if is_hazard(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A file's text for a snippet: byte length kept (spans stay valid), line breaks kept, a lone
/// CR turned into a line break (as [`crate::syntax::LineIndex`] counts it), every other
/// hazard overwritten with `?` per byte.
pub fn snippet(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_hazard(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push('\n'),
            '\r' if chars.peek() == Some(&'\n') => out.push('\r'),
            '\r' => out.push('\n'),
            c if is_hazard(c) => {
                for _ in 0..c.len_utf8() {
                    out.push('?');
                }
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A path at the start of an output line: prefixed with `./` unless it starts with a
/// character no command syntax begins with, so it can never open a workflow command (`::`)
/// or look like an option.
pub fn line_start(path: &str) -> Cow<'_, str> {
    match path.chars().next() {
        Some(c) if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/') => Cow::Borrowed(path),
        None => Cow::Borrowed(path),
        Some(_) => Cow::Owned(format!("./{path}")),
    }
}

/// Escapes text for HTML and XML element content and quoted attributes (the dashboard, JUnit):
/// markup characters as references, control characters and the XML non-characters as U+FFFD.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hazards_are_shown_not_interpreted() {
        assert_eq!(line("a\n::error::x"), "a\\n::error::x");
        assert_eq!(
            line("\u{1b}]52;c;ZXZpbA==\u{7}"),
            "\\u{1b}]52;c;ZXZpbA==\\u{7}"
        );
        assert_eq!(line("safe\ttab"), "safe\ttab");
        assert_eq!(line("\u{202e}txt"), "\\u{202e}txt");
        let s = "a\u{1b}[31mb\rc\r\nd\u{85}";
        let out = snippet(s);
        assert_eq!(out.len(), s.len());
        assert_eq!(out, "a?[31mb\nc\r\nd??");
        assert_eq!(line_start("::error::x"), "./::error::x");
        assert_eq!(line_start("-rf"), "./-rf");
        assert_eq!(line_start(".claude/settings.json"), ".claude/settings.json");
    }
}
