//! agentgate: lint and gate AI-coding-agent configuration.
//!
//! Pipeline: options + config → source (walk or git index) → classify → parse once →
//! rules → diagnostics → one renderer per format. See README.md and docs/.

pub mod baseline;
pub mod builtin;
pub mod classify;
pub mod cli;
pub mod commands;
pub mod config;
pub mod dates;
pub mod diagnostic;
pub mod directives;
pub mod docs;
pub mod engine;
pub mod error;
pub mod escape;
pub mod exceptions;
pub mod fix;
pub mod fleet;
pub mod fsx;
#[doc(hidden)]
pub mod fuzzing;
pub mod hook;
pub mod init;
pub mod mask;
pub mod model;
pub mod pattern;
pub mod policy;
pub mod registry;
pub mod report;
pub mod rules;
pub mod scaffold;
pub mod secrets;
pub mod sink;
pub mod source;
pub mod syntax;
pub mod usage;

/// A small deterministic generator (xorshift) for the property tests, so they need no crate.
#[cfg(test)]
pub(crate) struct TestRng(pub u64);

#[cfg(test)]
impl TestRng {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}
