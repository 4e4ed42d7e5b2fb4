//! Where bytes come from: the working tree (walk.rs) or the git index (git.rs). Sources know
//! nothing about rules; they hand the engine paths, bytes and the problems they met.

pub mod excludes;
pub mod git;
mod global_excludes;
pub mod walk;

use crate::registry::Rule;
use std::path::PathBuf;

/// Largest file or blob read at all (files over `max_file_size` are scanned for secrets in
/// pieces up to this size); anything larger is reported and makes the scan incomplete.
pub const MAX_SCAN_SIZE: u64 = 128 << 20;

/// Fewer items than this are visited on the calling thread: starting the thread pool costs
/// more than checking a handful of files, and a commit hook usually stages one or two.
const PARALLEL_FROM: usize = 8;

/// Runs `f` over `items`, on the thread pool only when there are enough of them.
fn for_each<T: Sync>(items: &[T], f: impl Fn(&T) + Sync + Send) {
    use rayon::prelude::*;
    if items.len() < PARALLEL_FROM {
        items.iter().for_each(f);
    } else {
        items.par_iter().for_each(f);
    }
}

/// [`for_each`] with per-thread state made by `init` (a repository handle).
fn for_each_init<T: Sync, S>(
    items: &[T],
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, &T) + Sync + Send,
) {
    use rayon::prelude::*;
    if items.len() < PARALLEL_FROM {
        let mut state = init();
        items.iter().for_each(|t| f(&mut state, t));
    } else {
        items.par_iter().for_each_init(init, f);
    }
}

/// One thing a source found.
pub enum Item {
    /// A file in the working tree, read by the engine only if a rule needs it.
    File { rel: String, abs: PathBuf },
    /// Content already in memory (a staged blob).
    Blob { rel: String, data: Vec<u8> },
    /// Something that could not be visited, as a finding of `rule`.
    Problem {
        rel: String,
        rule: &'static Rule,
        message: String,
    },
}

/// `/`-separated path of `path` relative to `root`, or the full path when outside it.
/// Also tells whether the name was valid UTF-8.
pub fn relative(path: &std::path::Path, root: &std::path::Path) -> (String, bool) {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let utf8 = rel.to_str().is_some();
    let mut s = rel.to_string_lossy().into_owned();
    if std::path::MAIN_SEPARATOR != '/' {
        s = s.replace(std::path::MAIN_SEPARATOR, "/");
    }
    if s.is_empty() {
        s = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    (s, utf8)
}
