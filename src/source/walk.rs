//! Parallel working-tree walk with the `ignore` crate: dot-files included, `.gitignore`
//! honoured, `.git/` skipped, symlinks never followed out of the root.

use super::{Item, relative};
use crate::classify::Classifier;
use crate::registry::scan;
use crate::source::excludes::Excludes;
use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};

/// Walks `paths` (absolute, canonical) and calls `visit` from several threads, or on this
/// one when `small` (a tree known to hold a few dozen files: starting the walker's threads
/// and their allocator arenas, and their idle sleeps in 1 ms steps, cost more than such a
/// tree takes to check).
/// With `no_ignore`, ignore files (`.gitignore`, `.ignore`, git's excludes) are not read;
/// otherwise they prune the walk, and [`visit_tracked`] brings back what they hid of the
/// files git tracks.
pub fn walk(
    paths: &[PathBuf],
    project_root: &Path,
    excludes: &Excludes,
    kinds: &Classifier,
    no_ignore: bool,
    small: bool,
    visit: &(dyn Fn(Item) + Sync),
) {
    // Arguments that are symbolic links (pre-commit passes them by name) are followed only
    // into the project, like the links the walk finds.
    let mut walked = Vec::with_capacity(paths.len());
    let project = [project_root.to_path_buf()];
    for p in paths {
        if !std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink()) {
            walked.push(p.clone());
            continue;
        }
        let rel = relative(p, project_root).0;
        if excludes.is_excluded(&rel) {
            continue;
        }
        match std::fs::canonicalize(p) {
            Ok(target) if target.is_dir() && target.starts_with(project_root) => {
                walked.push(target);
            }
            _ => visit_symlink(p, rel, &project, Some(project_root), kinds, visit),
        }
    }
    // Named files (pre-commit passes them) need no walker: its idle workers sleep in 1 ms
    // steps and it reads every parent's ignore files, which would dominate a commit hook.
    let (dirs, files): (Vec<PathBuf>, Vec<PathBuf>) = walked
        .into_iter()
        .partition(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()));
    super::for_each(&files, |p| {
        visit_named_file(p, project_root, excludes, kinds, visit)
    });
    let paths = dirs.as_slice();
    let Some((first, rest)) = paths.split_first() else {
        return;
    };
    let mut builder = WalkBuilder::new(first);
    for p in rest {
        builder.add(p);
    }
    let filter_root = project_root.to_path_buf();
    let filter_excludes = excludes.clone();
    if no_ignore {
        builder.standard_filters(false);
    } else {
        // The user's global excludes, read by `global_excludes` rather than the walker, which
        // compiles a regex to find them. As an explicit ignore file its anchored patterns
        // (`/build`) match nothing: a file they hid is scanned, never the reverse.
        builder.git_global(false);
        if let Some(path) = super::global_excludes::path() {
            let _ = builder.add_ignore(path);
        }
    }
    // The walker would read a `.git` *file* (a worktree's `gitdir:` pointer) whole, at every
    // level, to find `info/exclude`: a repository decides those bytes (a 4 GiB sparse `.git`
    // file cost 4 GiB of memory). Without `info/exclude`, untracked files it lists are merely
    // scanned too.
    builder.git_exclude(false);
    builder
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .filter_entry(move |e| {
            e.file_name() != ".git"
                && !filter_excludes.is_excluded(&relative(e.path(), &filter_root).0)
        });
    if small {
        for entry in builder.build() {
            match entry {
                Ok(entry) => visit_entry(&entry, paths, project_root, excludes, kinds, visit),
                Err(err) => visit(problem_from_error(&err, project_root)),
            }
        }
        return;
    }
    builder.build_parallel().run(|| {
        Box::new(move |entry| {
            match entry {
                Ok(entry) => visit_entry(&entry, paths, project_root, excludes, kinds, visit),
                Err(err) => visit(problem_from_error(&err, project_root)),
            }
            WalkState::Continue
        })
    });
}

fn visit_entry(
    entry: &ignore::DirEntry,
    roots: &[PathBuf],
    project_root: &Path,
    excludes: &Excludes,
    kinds: &Classifier,
    visit: &(dyn Fn(Item) + Sync),
) {
    let Some(file_type) = entry.file_type() else {
        return;
    };
    let path = entry.path();
    let (rel, utf8) = relative(path, project_root);
    // Explicit file arguments bypass `filter_entry`; excludes still apply to them.
    if entry.depth() == 0 && excludes.is_excluded(&rel) {
        return;
    }
    if !utf8 && !file_type.is_dir() {
        visit(Item::Problem {
            rel: rel.clone(),
            rule: &scan::NON_UTF8_PATH,
            message: "file name is not valid UTF-8".into(),
        });
    }
    if file_type.is_file() {
        visit(Item::File {
            rel,
            abs: path.to_path_buf(),
        });
    } else if file_type.is_symlink() {
        visit_symlink(path, rel, roots, Some(project_root), kinds, visit);
    } else if !file_type.is_dir() {
        special_file(rel, &file_type, kinds, visit);
    }
    // Directories are descended by the walker.
}

/// Tracked files the walk did not visit because an ignore file hid them (`rel`, relative to
/// the project root): visited as named files are, and each agent file or `.env` among them
/// reported, so an ignore file can never take tracked content out of the gate.
pub fn visit_tracked(
    rels: &[String],
    project_root: &Path,
    excludes: &Excludes,
    kinds: &Classifier,
    visit: &(dyn Fn(Item) + Sync),
) {
    let project = [project_root.to_path_buf()];
    super::for_each(rels, |rel| {
        if rel.split('/').any(|c| c == ".." || c.is_empty()) || excludes.is_excluded(rel) {
            return;
        }
        let path = project_root.join(rel);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            return; // deleted in the working tree: nothing to check
        };
        let kind = kinds.classify(rel);
        if kind.is_agent_file() || crate::classify::must_stay_local(rel).is_some() {
            visit(Item::Problem {
                rel: rel.clone(),
                rule: &scan::IGNORED_TRACKED_FILE,
                message: "tracked, but an ignore file (.gitignore, .ignore or git's excludes) hides it; checked anyway".into(),
            });
        }
        if meta.file_type().is_symlink() {
            visit_symlink(
                &path,
                rel.clone(),
                &project,
                Some(project_root),
                kinds,
                visit,
            );
        } else {
            visit_named_file(&path, project_root, excludes, kinds, visit);
        }
    });
}

/// A file named on the command line (not a directory, not a symlink): as the walker would
/// yield it at depth 0.
fn visit_named_file(
    path: &Path,
    project_root: &Path,
    excludes: &Excludes,
    kinds: &Classifier,
    visit: &(dyn Fn(Item) + Sync),
) {
    let (rel, utf8) = relative(path, project_root);
    if excludes.is_excluded(&rel) {
        return;
    }
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return; // vanished since the arguments were checked
    };
    if !utf8 {
        visit(Item::Problem {
            rel: rel.clone(),
            rule: &scan::NON_UTF8_PATH,
            message: "file name is not valid UTF-8".into(),
        });
    }
    if meta.is_file() {
        visit(Item::File {
            rel,
            abs: path.to_path_buf(),
        });
    } else {
        special_file(rel, &meta.file_type(), kinds, visit);
    }
}

/// FIFOs, sockets and devices are never opened (a FIFO would block the scan forever). One in
/// an agent file's place is reported: that file was not checked.
fn special_file(
    rel: String,
    file_type: &std::fs::FileType,
    kinds: &Classifier,
    visit: &(dyn Fn(Item) + Sync),
) {
    if !kinds.classify(&rel).is_agent_file() {
        return;
    }
    #[cfg(unix)]
    let what = {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            "a FIFO"
        } else if file_type.is_socket() {
            "a socket"
        } else if file_type.is_char_device() || file_type.is_block_device() {
            "a device"
        } else {
            "not a regular file"
        }
    };
    #[cfg(not(unix))]
    let what = {
        let _ = file_type;
        "not a regular file"
    };
    visit(Item::Problem {
        rel,
        rule: &scan::UNREADABLE_FILE,
        message: format!("cannot read: {what}, never opened; not checked"),
    });
}

fn visit_symlink(
    path: &Path,
    rel: String,
    roots: &[PathBuf],
    project_root: Option<&Path>,
    kinds: &Classifier,
    visit: &(dyn Fn(Item) + Sync),
) {
    let target = match std::fs::canonicalize(path) {
        Ok(t) => t,
        Err(e) => {
            let why = if e.raw_os_error() == Some(40) || e.to_string().contains("symbolic links") {
                "forms a loop".to_string()
            } else {
                format!("points at nothing ({})", target_text(path))
            };
            visit(Item::Problem {
                rel,
                rule: &scan::BROKEN_SYMLINK,
                message: format!("symbolic link {why}"),
            });
            return;
        }
    };
    if !roots.iter().any(|r| target.starts_with(r)) {
        // An agent file (or the MCP lock) that is a link out of the repository: the agents
        // read what it points at, which nobody reviews and agentgate never reads. It cannot
        // be checked, so the scan is incomplete (inside the repository but outside the
        // scanned directories, it is only a note: a partial run by choice).
        let out_of_repo = !project_root.is_some_and(|p| target.starts_with(p));
        let kind = kinds.classify(&rel);
        if out_of_repo && (kind.is_agent_file() || crate::classify::is_support_file(&rel)) {
            visit(Item::Problem {
                message: format!(
                    "cannot read: a symbolic link to {}, outside the repository; not followed, so not checked",
                    target_text(path)
                ),
                rel,
                rule: &scan::UNREADABLE_FILE,
            });
            return;
        }
        let message = format!(
            "symbolic link to {} is outside the scanned tree; not followed",
            target_text(path)
        );
        visit(Item::Problem {
            rel,
            rule: &scan::SYMLINK_OUTSIDE_ROOT,
            message,
        });
    } else if target.is_file() {
        // Checked under the link's name: that is the name agents look for.
        visit(Item::File { rel, abs: target });
    } else if let Ok(meta) = std::fs::metadata(&target)
        && !meta.is_dir()
    {
        special_file(rel, &meta.file_type(), kinds, visit);
    }
    // A link to a directory inside the root: its files are walked under their own names.
}

fn target_text(path: &Path) -> String {
    std::fs::read_link(path).map_or_else(|_| "?".into(), |t| format!("`{}`", t.display()))
}

fn problem_from_error(err: &ignore::Error, project_root: &Path) -> Item {
    fn path_of(err: &ignore::Error) -> Option<&Path> {
        match err {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            ignore::Error::Loop { child, .. } => Some(child),
            _ => None,
        }
    }
    let rel = path_of(err).map_or_else(String::new, |p| relative(p, project_root).0);
    let rule = if matches!(err, ignore::Error::Loop { .. }) {
        &scan::BROKEN_SYMLINK
    } else {
        &scan::UNREADABLE_FILE
    };
    Item::Problem {
        rel,
        rule,
        message: format!("cannot read: {}", strip_path(&err.to_string())),
    }
}

/// ignore's messages start with the path, which the diagnostic shows already.
fn strip_path(msg: &str) -> String {
    msg.rsplit_once(": ").map_or(msg, |(_, m)| m).to_string()
}
