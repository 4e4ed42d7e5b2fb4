//! agentgate's one error type. Every fallible step returns [`Error`]; the binary renders it
//! with miette and maps it to exit 2 in one place (`cli`), whatever failed: usage, a
//! configuration or policy pack (with a short, masked snippet at the span), git, or I/O.

use miette::{NamedSource, SourceSpan};
use std::path::Path;

/// Lines longer than this are not shown in an error's snippet.
const MAX_SNIPPET_LINE: usize = 1000;

/// A configuration problem, rendered by miette with the offending span.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(agentgate::config))]
pub struct ConfigError {
    pub message: String,
    #[source_code]
    pub src: Option<NamedSource<String>>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

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

/// What went wrong. Every variant exits 2; findings are not errors (see [`Outcome`]).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    /// Bad arguments or input, or a step that failed (the message says which file and why).
    #[error("{0}")]
    #[diagnostic(code(agentgate::usage))]
    Usage(String),
    /// `.agentgate.yaml` or a policy pack, with the offending span.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] Box<ConfigError>),
    /// The git repository (staged content, history, the diff base).
    #[error("{0}")]
    #[diagnostic(code(agentgate::git))]
    Git(String),
}

impl From<String> for Error {
    fn from(message: String) -> Self {
        Error::Usage(message)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Usage(e.to_string())
    }
}

impl From<&str> for Error {
    fn from(message: &str) -> Self {
        Error::Usage(message.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How a command that ran to the end came out; the binary turns it into the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at or above the failing threshold (exit 0).
    Clean,
    /// Findings that fail the run, or a difference `--check` found (exit 1).
    Findings,
}

impl Outcome {
    pub fn failing(failed: bool) -> Self {
        if failed {
            Outcome::Findings
        } else {
            Outcome::Clean
        }
    }
}
