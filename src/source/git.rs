//! Staged content from the git index (gix): exactly what the next commit will contain.
//! Honours `GIT_INDEX_FILE`, so inside a hook run by `git commit -a` it sees the right index.

use super::Item;
use crate::config::Excludes;
use crate::rules::scan;
use gix::bstr::ByteSlice;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("--staged needs a git repository, but {0} is not inside one")]
    NotARepo(String),
    #[error("--staged needs a working tree; {0} is a bare repository")]
    Bare(String),
    #[error("cannot read the git repository: {0}")]
    Broken(String),
}

/// The repository's working-tree root, if `start` is inside one.
pub fn workdir(start: &Path) -> Result<PathBuf, GitError> {
    let repo = gix::discover(start).map_err(|_| GitError::NotARepo(start.display().to_string()))?;
    let dir = repo.workdir().ok_or_else(|| GitError::Bare(start.display().to_string()))?;
    Ok(std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()))
}

/// Index entries that differ from HEAD (added or modified), under one of `prefixes`
/// (workdir-relative; empty string = everything), not excluded. Deleted files are absent
/// from the index and so never checked.
pub fn staged(start: &Path, prefixes: &[String], excludes: &Excludes, visit: &(dyn Fn(Item) + Sync)) -> Result<(), GitError> {
    let repo = gix::discover(start).map_err(|_| GitError::NotARepo(start.display().to_string()))?;
    let broken = |e: &dyn std::fmt::Display| GitError::Broken(e.to_string());
    let index = repo.index_or_empty().map_err(|e| broken(&e))?;
    let head_tree = repo.head_tree_id_or_empty().map_err(|e| broken(&e))?;
    let head = if head_tree.is_empty_tree() {
        gix::index::State::new(repo.object_hash()) // unborn HEAD: everything staged is new
    } else {
        gix::index::State::from_tree(&head_tree, &repo.objects, Default::default()).map_err(|e| broken(&e))?
    };

    let mut wanted = Vec::new();
    for entry in index.entries() {
        let path = entry.path(&index);
        let is_file = matches!(entry.mode, gix::index::entry::Mode::FILE | gix::index::entry::Mode::FILE_EXECUTABLE);
        if !is_file || entry.stage_raw() != 0 || entry.flags.contains(gix::index::entry::Flags::INTENT_TO_ADD) {
            continue;
        }
        if head.entry_by_path(path).is_some_and(|h| h.id == entry.id && h.mode == entry.mode) {
            continue;
        }
        let rel = path.to_str_lossy().into_owned();
        let under = prefixes.iter().any(|p| p.is_empty() || rel == *p || rel.strip_prefix(p.as_str()).is_some_and(|r| r.starts_with('/')));
        if under && !excludes.is_excluded(&rel) {
            wanted.push((rel, entry.id));
        }
    }

    let repo = repo.into_sync();
    wanted.par_iter().for_each_init(
        || repo.to_thread_local(),
        |repo, (rel, id)| match repo.find_blob(*id) {
            Ok(blob) => visit(Item::Blob { rel: rel.clone(), data: blob.detach().data }),
            Err(e) => visit(Item::Problem {
                rel: rel.clone(),
                rule: &scan::UNREADABLE_FILE,
                message: format!("cannot read the staged blob {id}: {e}"),
            }),
        },
    );
    Ok(())
}
