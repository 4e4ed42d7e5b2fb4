//! agentgate's one error type. Every fallible step returns [`Error`]; the binary renders it
//! with miette and maps it to exit 2 in one place (`cli`), whatever failed: usage, a
//! configuration or policy pack (with a short, masked snippet at the span), git, or I/O.

use miette::{NamedSource, SourceSpan};

/// A configuration problem, rendered by miette with the offending span.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code("agentgate::config"))]
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

/// What went wrong. Every variant exits 2; findings are not errors (see [`Outcome`]).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    /// Bad arguments or input, or a step that failed (the message says which file and why).
    #[error("{0}")]
    Usage(String),
    /// `.agentgate.yaml` or a policy pack, with the offending span.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Spanned(#[from] Box<ConfigError>),
    /// The git repository (staged content, history, the diff base).
    #[error("{0}")]
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
