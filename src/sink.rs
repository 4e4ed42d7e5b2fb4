//! Where output leaves the process: standard output, standard error, files. Each function
//! passes the whole output through [`crate::mask::sink`] once more before a byte is written
//! (the data inside it was masked field by field already; this pass catches anything a
//! format added), and files are written with [`crate::fsx::write_file`] (no symbolic link
//! followed inside the tree, hard links replaced, FIFOs never block).

use crate::{escape, mask};
use std::io::Write;
use std::path::Path;

/// Writes to standard output; a closed pipe (`agentgate … | head`) ends quietly.
pub fn stdout(bytes: &[u8]) -> std::io::Result<()> {
    let bytes = mask::sink(bytes);
    let mut out = std::io::stdout().lock();
    match out.write_all(&bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Writes a report or generated file; `tree` is the repository it must not escape through
/// a symbolic link.
pub fn file(path: &Path, bytes: &[u8], tree: &Path) -> Result<(), crate::fsx::FsError> {
    crate::fsx::write_file(path, &mask::sink(bytes), tree)
}

/// Appends to a file named by the environment (`$GITHUB_STEP_SUMMARY`).
pub fn append(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(&mask::sink(bytes))
}

/// One message line for people on standard error (`warning: …`, `created …`): masked, and
/// escaped so a value inside cannot start a line of its own.
pub fn note(message: &str) {
    let masked = mask::text(message);
    let line = escape::line(&masked);
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// A pre-rendered block for standard error (a miette error report): masked; its own line
/// structure is kept (the values in it were escaped where the error was built).
pub fn stderr_block(text: &str) {
    let _ = std::io::stderr()
        .lock()
        .write_all(&mask::sink(text.as_bytes()));
}
