//! Building configuration errors: a message with a short, masked and escaped snippet of the
//! file at the offending span (the type itself is `crate::error::ConfigError`).

pub use crate::error::ConfigError;
use miette::NamedSource;
use std::path::Path;

/// Lines longer than this are not shown in an error's snippet.
const MAX_SNIPPET_LINE: usize = 1000;

impl ConfigError {
    pub(crate) fn at(
        path: &Path,
        text: &str,
        offset: usize,
        len: usize,
        message: String,
        label: &str,
    ) -> Box<Self> {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if line_end - line_start > MAX_SNIPPET_LINE {
            // A hostile or minified file: no snippet (it would print the whole line).
            let line = text[..offset].matches('\n').count() + 1;
            let mut err = Self::plain(format!("{message} ({}, line {line})", path.display()));
            err.label = label.to_string();
            return err;
        }
        // The snippet shows the error's line and one line either side, no more, masked and
        // escaped: the file may be a link to something else, or hold a token next door.
        let from = text[..line_start.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let to = text[line_end..]
            .char_indices()
            .skip(1)
            .find(|(_, c)| *c == '\n')
            .map_or(text.len(), |(i, _)| line_end + i);
        let excerpt = &text[from..to.max(line_end)];
        let shown = crate::escape::snippet(&crate::mask::blank(excerpt)).into_owned();
        let end = (offset - from + len).min(shown.len());
        // miette counts lines of what it is given: pad so it names the file's line numbers.
        let lines_before = text[..from].matches('\n').count();
        let padded = "\n".repeat(lines_before) + &shown;
        Box::new(Self {
            message: crate::escape::line(&crate::mask::text(&message)).into_owned(),
            src: Some(NamedSource::new(path.display().to_string(), padded)),
            span: Some((lines_before + offset - from, end - (offset - from)).into()),
            label: label.to_string(),
            help: None,
        })
    }

    /// A problem at `offset` in another file (a policy pack).
    pub fn at_pub(path: &Path, text: &str, offset: usize, message: String) -> Box<Self> {
        Self::at(path, text, offset, 0, message, "here")
    }

    pub fn plain(message: String) -> Box<Self> {
        Box::new(Self {
            message: crate::escape::line(&crate::mask::text(&message)).into_owned(),
            src: None,
            span: None,
            label: String::new(),
            help: None,
        })
    }
}

/// Where a YAML error points in `text`: (byte offset, length).
pub fn error_span(text: &str, e: &serde_saphyr::Error) -> (usize, usize) {
    e.location().map_or((0, 0), |l| {
        let span = l.span();
        let start = span.byte_offset().map_or_else(
            || char_to_byte(text, span.offset() as usize),
            |b| b as usize,
        );
        (start, span.len() as usize)
    })
}

pub fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(b, _)| b)
}
