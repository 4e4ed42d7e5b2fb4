//! The configuration error type lives with the one error type (`crate::error`); re-exported
//! here for the configuration and policy code.

pub use crate::error::{ConfigError, char_to_byte, error_span};
