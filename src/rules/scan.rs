//! Problems with reading and parsing files. AG001 is a normal file check; the others are
//! emitted by the engine while it reads files, but live in the registry like every rule.

pub use crate::registry::scan::*;

use super::{Emitter, FileCtx};

fn check_syntax(ctx: &FileCtx, emit: &mut Emitter<'_>) {
    if let Err(err) = ctx.parsed() {
        let range = err.span.clone();
        emit.emit(
            &SYNTAX_ERROR,
            Some(range),
            format!("invalid {}: {}", format_name(ctx), err.message),
        )
        .help = Some(format!(
            "fix the syntax: {} cannot read the file as it is",
            ctx.kind.agents().first().map_or("the agent", |a| a.name())
        ));
    }
}

fn format_name(ctx: &FileCtx) -> &'static str {
    use crate::classify::Format;
    match ctx.kind.format() {
        Format::Jsonc => "JSON",
        Format::Toml => "TOML",
        Format::Yaml => "YAML",
        Format::Markdown | Format::Text => "YAML front matter",
    }
}

/// The check behind each rule of this module that is not run by the engine itself.
pub(crate) const CHECKS: &[(&super::Rule, super::Check)] =
    &[(&SYNTAX_ERROR, super::Check::File(check_syntax))];
