//! Staged content from the git index (gix): exactly what the next commit will contain.
//! Honours `GIT_INDEX_FILE`, so inside a hook run by `git commit -a` it sees the right index.

use super::Item;
use crate::registry::scan;
use crate::source::excludes::Excludes;
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
    #[error(
        "cannot find the base revision `{base}` in this clone ({reason}). Fetch it first: in \
         GitHub Actions give actions/checkout `fetch-depth: 0`; elsewhere run `git fetch origin \
         {base}` (or name a revision that exists, e.g. `origin/main`)"
    )]
    UnknownBase { base: String, reason: String },
}

impl From<GitError> for crate::error::Error {
    fn from(e: GitError) -> Self {
        crate::error::Error::Git(e.to_string())
    }
}

/// A `.git` *file* (a linked worktree or submodule) holds one `gitdir:` line; one larger
/// than this is not git's, and is never read (gix would read it whole).
const MAX_GIT_FILE: u64 = 64 * 1024;

/// Refuses a `.git` file over [`MAX_GIT_FILE`], or one that is not a regular file (a FIFO
/// would block the read), in `start` or an ancestor: the repository decides those bytes.
fn guard_git_file(start: &Path) -> Result<(), GitError> {
    for dir in start.ancestors() {
        let dot_git = dir.join(".git");
        let Ok(meta) = std::fs::symlink_metadata(&dot_git) else {
            continue;
        };
        if meta.is_dir() {
            return Ok(());
        }
        let real = std::fs::metadata(&dot_git).ok();
        let ok = real.is_some_and(|m| m.is_file() && m.len() <= MAX_GIT_FILE);
        if !ok {
            return Err(GitError::Broken(format!(
                "{} is not a valid `.git` file (not a small regular file); not read",
                dot_git.display()
            )));
        }
        return Ok(());
    }
    Ok(())
}

/// `gix::discover` behind [`guard_git_file`].
pub fn discover(start: &Path) -> Result<gix::Repository, GitError> {
    opened(start, true, || {
        gix::discover(start)
            .map(gix::Repository::into_sync)
            .map_err(|_| GitError::NotARepo(start.display().to_string()))
    })
}

fn open(root: &Path) -> Result<gix::Repository, GitError> {
    opened(root, false, || {
        gix::open(root)
            .map(gix::Repository::into_sync)
            .map_err(|e| GitError::Broken(e.to_string()))
    })
}

/// Repositories this process opened, by the path asked for and how (discovered or opened):
/// opening one reads its configuration and git's global files, which one run would otherwise
/// pay three or four times (the walk, the index, staleness). References, the index and
/// objects are still read from disk at each use.
type Opened = Vec<(PathBuf, bool, gix::ThreadSafeRepository)>;
static OPENED: std::sync::Mutex<Opened> = std::sync::Mutex::new(Vec::new());

fn opened(
    path: &Path,
    discover: bool,
    open: impl FnOnce() -> Result<gix::ThreadSafeRepository, GitError>,
) -> Result<gix::Repository, GitError> {
    guard_git_file(path)?;
    // A repository opened at `path` is the one discovery from `path` finds first; one
    // discovered from `path` is the one opening `path` gives when its working tree is `path`.
    let same = |(p, d, r): &&(PathBuf, bool, gix::ThreadSafeRepository)| {
        p == path
            && (discover
                || !*d
                || r.to_thread_local().workdir().is_some_and(|w| {
                    w == path || std::fs::canonicalize(w).is_ok_and(|w| w == path)
                }))
    };
    let found = |list: &Opened| list.iter().find(same).map(|(_, _, r)| r.to_thread_local());
    if let Some(repo) = OPENED.lock().ok().as_deref().and_then(found) {
        return Ok(repo);
    }
    let repo = open()?;
    let local = repo.to_thread_local();
    if let Ok(mut list) = OPENED.lock() {
        list.push((path.to_path_buf(), discover, repo));
    }
    Ok(local)
}

/// The repository's working-tree root, if `start` is inside one.
pub fn workdir(start: &Path) -> Result<PathBuf, GitError> {
    let repo = discover(start)?;
    let dir = repo
        .workdir()
        .ok_or_else(|| GitError::Bare(start.display().to_string()))?;
    Ok(std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()))
}

/// Index entries that differ from HEAD (added or modified), under one of `prefixes`
/// (workdir-relative; empty string = everything), not excluded. Deleted files are absent
/// from the index and so never checked. Returns every path of the index, so the rules that
/// need the whole tree do not decode it a second time.
pub fn staged(
    start: &Path,
    prefixes: &[String],
    excludes: &Excludes,
    visit: &(dyn Fn(Item) + Sync),
) -> Result<Vec<String>, GitError> {
    let repo = discover(start)?;
    let broken = |e: &dyn std::fmt::Display| GitError::Broken(e.to_string());
    // The index checksum is not verified (as with git's index.skipHash): hashing a large
    // index costs more than the whole staged check, and a corrupt index still fails to decode.
    let index_path = repo.index_path();
    let index = if index_path.exists() {
        gix::index::File::at(&index_path, repo.object_hash(), true, Default::default())
            .map_err(|e| broken(&e))?
    } else {
        gix::index::File::from_state(gix::index::State::new(repo.object_hash()), index_path)
    };
    let head_tree = repo.head_tree_id_or_empty().map_err(|e| broken(&e))?;
    let changed = changed_entries(&repo, &index, head_tree.detach()).map_err(|e| broken(&e))?;
    let mut wanted = Vec::new();
    for entry in changed {
        let rel = entry.path(&index).to_str_lossy().into_owned();
        let under = prefixes.iter().any(|p| {
            p.is_empty()
                || rel == *p
                || rel
                    .strip_prefix(p.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        });
        if under && !excludes.is_excluded(&rel) {
            wanted.push((rel, entry.id));
        }
    }

    let repo = repo.into_sync();
    super::for_each_init(
        &wanted,
        || repo.to_thread_local(),
        |repo, (rel, id)| match repo.find_header(*id).map(|h| h.size()) {
            // The size is known before the object is inflated: a huge blob is never loaded.
            Ok(size) if size > super::MAX_SCAN_SIZE => visit(Item::Problem {
                rel: rel.clone(),
                rule: &scan::FILE_TOO_LARGE,
                message: format!(
                    "staged blob {id} is {size} bytes, larger than the {}-byte scan limit; not checked",
                    super::MAX_SCAN_SIZE
                ),
            }),
            _ => match repo.find_blob(*id) {
                Ok(blob) => visit(Item::Blob {
                    rel: rel.clone(),
                    data: blob.detach().data,
                }),
                Err(e) => visit(Item::Problem {
                    rel: rel.clone(),
                    rule: &scan::UNREADABLE_FILE,
                    message: format!("cannot read the staged blob {id}: {e}"),
                }),
            },
        },
    );
    Ok(index
        .entries()
        .iter()
        .map(|e| e.path(&index).to_str_lossy().into_owned())
        .collect())
}

/// Stage-0 file entries of `index` whose blob or mode differs from HEAD's tree.
///
/// git's cache-tree (the index TREE extension) records the tree id of every directory whose
/// content has not changed since it was last written. A valid cached directory whose id
/// equals HEAD's tree at that path holds no staged change, so its whole (contiguous) range of
/// entries is skipped, and only HEAD trees along changed paths are decoded, once each. This
/// is what keeps `--staged` fast in a large repository. Entries in directories the cache-tree
/// does not cover are looked up in HEAD one by one, so the result is exact either way.
fn changed_entries<'i>(
    repo: &gix::Repository,
    index: &'i gix::index::State,
    head_tree: gix::ObjectId,
) -> Result<Vec<&'i gix::index::Entry>, Box<dyn std::error::Error + Send + Sync>> {
    use gix::index::entry::{Flags, Mode};
    use gix::object::tree::EntryKind;
    let entries = index.entries();
    let mut skip = vec![false; entries.len()];
    let mut head_files = HeadFiles::default();
    if head_tree.is_empty_tree() {
        head_files.dirs.insert(Vec::new()); // unborn HEAD: the root is known and empty
    } else if let Some(cache) = index.tree() {
        head_files.walk(repo, cache, Some(head_tree), &mut Vec::new())?;
        for prefix in &head_files.clean {
            let start = entries.partition_point(|e| e.path(index).as_bytes() < prefix.as_slice());
            for (i, e) in entries.iter().enumerate().skip(start) {
                if !e.path(index).as_bytes().starts_with(prefix) {
                    break;
                }
                skip[i] = true;
            }
        }
    }
    let head = if head_tree.is_empty_tree() {
        None
    } else {
        Some(repo.find_tree(head_tree)?)
    };
    let mut changed = Vec::new();
    for (entry, skipped) in entries.iter().zip(skip) {
        let is_file = matches!(entry.mode, Mode::FILE | Mode::FILE_EXECUTABLE);
        if skipped
            || !is_file
            || entry.stage_raw() != 0
            || entry.flags.contains(Flags::INTENT_TO_ADD)
        {
            continue;
        }
        let path = entry.path(index).as_bytes();
        let dir = path
            .iter()
            .rposition(|b| *b == b'/')
            .map_or(&path[..0], |i| &path[..=i]);
        let in_head = if head_files.dirs.contains(dir) {
            head_files.files.get(path).copied()
        } else if let Some(tree) = &head {
            tree.lookup_entry_by_path(gix::path::from_bstr(path.as_bstr())?)?
                .map(|e| (e.object_id(), e.mode().kind()))
        } else {
            None
        };
        let kind = if entry.mode == Mode::FILE {
            EntryKind::Blob
        } else {
            EntryKind::BlobExecutable
        };
        if in_head != Some((entry.id, kind)) {
            changed.push(entry);
        }
    }
    Ok(changed)
}

/// What a walk of the cache-tree against HEAD learned.
#[derive(Default)]
struct HeadFiles {
    /// `dir/` prefixes whose cached tree is valid and equal to HEAD's.
    clean: Vec<Vec<u8>>,
    /// Directories (`dir/`, root = empty) whose HEAD tree was decoded into `files`.
    dirs: std::collections::HashSet<Vec<u8>>,
    /// HEAD's blobs in those directories, by full path.
    files: std::collections::HashMap<Vec<u8>, (gix::ObjectId, gix::object::tree::EntryKind)>,
}

impl HeadFiles {
    fn walk(
        &mut self,
        repo: &gix::Repository,
        node: &gix::index::extension::Tree,
        head_id: Option<gix::ObjectId>,
        prefix: &mut Vec<u8>,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let Some(head_id) = head_id else {
            return Ok(());
        };
        if node.num_entries.is_some() && node.id == head_id {
            self.clean.push(prefix.clone());
            return Ok(());
        }
        let tree = repo.find_tree(head_id)?;
        let decoded = tree.decode()?;
        self.dirs.insert(prefix.clone());
        for e in &decoded.entries {
            if !e.mode.is_tree() {
                let mut path = prefix.clone();
                path.extend_from_slice(e.filename);
                self.files.insert(path, (e.oid.to_owned(), e.mode.kind()));
            }
        }
        for child in &node.children {
            let child_head = decoded
                .entries
                .iter()
                .find(|e| e.filename.as_bytes() == child.name.as_slice() && e.mode.is_tree())
                .map(|e| e.oid.to_owned());
            let len = prefix.len();
            prefix.extend_from_slice(&child.name);
            prefix.push(b'/');
            self.walk(repo, child, child_head, prefix)?;
            prefix.truncate(len);
        }
        Ok(())
    }
}

/// Paths in the git index of the repository at `root` (tracked files, including staged
/// additions), or `None` when it is not a git repository or the index cannot be read.
pub fn index_paths(root: &Path) -> Option<Vec<String>> {
    let repo = open(root).ok()?;
    let path = repo.index_path();
    if !path.exists() {
        return Some(Vec::new());
    }
    let index = gix::index::File::at(&path, repo.object_hash(), true, Default::default()).ok()?;
    Some(
        index
            .entries()
            .iter()
            .map(|e| e.path(&index).to_str_lossy().into_owned())
            .collect(),
    )
}

/// A blob in history, with the oldest commit (and path) that introduced it.
pub struct HistoryBlob {
    pub id: gix::ObjectId,
    pub commit: gix::ObjectId,
    pub path: String,
    /// Position of `commit` in the walk, newest first: larger is older.
    pub age: usize,
}

/// Every unique blob reachable from HEAD (or from all refs), each once, with the commit that
/// first introduced it. With `since`, only commits not reachable from `since` are walked
/// (the pushed or reviewed range).
pub fn history_blobs(
    start: &Path,
    since: Option<&str>,
    all_refs: bool,
) -> Result<(PathBuf, Vec<HistoryBlob>), GitError> {
    use gix::diff::tree::recorder::Change;
    let repo = discover(start)?;
    let broken = |e: &dyn std::fmt::Display| GitError::Broken(e.to_string());
    let root = repo
        .workdir()
        .map_or_else(|| repo.git_dir().to_path_buf(), Path::to_path_buf);
    let mut tips = Vec::new();
    if all_refs {
        for r in repo
            .references()
            .map_err(|e| broken(&e))?
            .all()
            .map_err(|e| broken(&e))?
        {
            let mut r = r.map_err(|e| broken(&e))?;
            if let Ok(id) = r.peel_to_id()
                && repo.find_commit(id).is_ok()
            {
                tips.push(id.detach());
            }
        }
    } else {
        match repo.head_id() {
            Ok(id) => tips.push(id.detach()),
            Err(_) => return Ok((root, Vec::new())), // unborn: no history yet
        }
    }
    let mut walk = repo
        .rev_walk(tips)
        .sorting(gix::revision::walk::Sorting::ByCommitTime(
            Default::default(),
        ));
    if let Some(rev) = since {
        let base = repo
            .rev_parse_single(rev)
            .map_err(|e| GitError::Broken(format!("cannot resolve `{rev}`: {e}")))?;
        walk = walk.with_hidden([base.detach()]);
    }
    // Newest first: a later (older) sighting overwrites, so each blob ends with its first commit.
    let mut first: std::collections::HashMap<
        gix::ObjectId,
        (gix::ObjectId, gix::bstr::BString, usize),
    > = std::collections::HashMap::new();
    let mut state = gix::diff::tree::State::default();
    let empty = repo.empty_tree();
    let shallow = repo.is_shallow().unwrap_or(false);
    for (age, info) in walk.all().map_err(|e| broken(&e))?.enumerate() {
        let info = info.map_err(|e| broken(&e))?;
        let commit = info.object().map_err(|e| broken(&e))?;
        let tree = commit.tree().map_err(|e| broken(&e))?;
        let parent = match info.parent_ids().next() {
            // A shallow clone's boundary commits name parents it does not have: like git,
            // treat them as root commits.
            Some(p) if shallow && !repo.has_object(p.detach()) => empty.clone(),
            Some(p) => p
                .object()
                .map_err(|e| broken(&e))?
                .into_commit()
                .tree()
                .map_err(|e| broken(&e))?,
            None => empty.clone(),
        };
        let mut rec = gix::diff::tree::Recorder::default();
        gix::diff::tree(
            gix::objs::TreeRefIter::from_bytes(&parent.data, repo.object_hash()),
            gix::objs::TreeRefIter::from_bytes(&tree.data, repo.object_hash()),
            &mut state,
            &repo.objects,
            &mut rec,
        )
        .map_err(|e| broken(&e))?;
        for change in rec.records {
            if let Change::Addition {
                path,
                oid,
                entry_mode,
                ..
            }
            | Change::Modification {
                path,
                oid,
                entry_mode,
                ..
            } = change
                && entry_mode.is_blob()
            {
                first.insert(oid, (info.id, path, age));
            }
        }
    }
    let mut blobs: Vec<HistoryBlob> = first
        .into_iter()
        .map(|(id, (commit, path, age))| HistoryBlob {
            id,
            commit,
            path: path.to_str_lossy().into_owned(),
            age,
        })
        .collect();
    blobs.sort_by(|a, b| a.path.cmp(&b.path).then(a.id.cmp(&b.id)));
    Ok((std::fs::canonicalize(&root).unwrap_or(root), blobs))
}

/// Reads blobs in parallel and hands each to `visit` as an [`Item::Blob`] named
/// `path`, skipping blobs over `cap` bytes (reported as problems) without inflating them.
pub fn visit_blobs(
    start: &Path,
    blobs: &[HistoryBlob],
    cap: u64,
    visit: &(dyn Fn(Item, &HistoryBlob) + Sync),
) -> Result<(), GitError> {
    let repo = discover(start)?.into_sync();
    blobs.par_iter().for_each_init(
        || repo.to_thread_local(),
        |repo, b| {
            let too_big = repo.find_header(b.id).is_ok_and(|h| h.size() > cap);
            let item = if too_big {
                Item::Problem {
                    rel: b.path.clone(),
                    rule: &scan::FILE_TOO_LARGE,
                    message: format!(
                        "blob {} is larger than the {cap}-byte scan limit; not checked",
                        b.id
                    ),
                }
            } else {
                match repo.find_blob(b.id) {
                    Ok(blob) => Item::Blob {
                        rel: b.path.clone(),
                        data: blob.detach().data,
                    },
                    Err(e) => Item::Problem {
                        rel: b.path.clone(),
                        rule: &scan::UNREADABLE_FILE,
                        message: format!("cannot read blob {}: {e}", b.id),
                    },
                }
            };
            visit(item, b);
        },
    );
    Ok(())
}

/// Every file blob of the commit HEAD forked from `base` (the merge base, like `git diff
/// BASE...HEAD`; the base itself in a shallow clone that lacks the fork point), with its
/// path: the tree diff mode compares against.
pub fn fork_tree(start: &Path, base: &str) -> Result<Vec<(String, gix::ObjectId)>, GitError> {
    use gix::diff::tree::recorder::Change;
    let repo = discover(start)?;
    let broken = |e: &dyn std::fmt::Display| GitError::Broken(e.to_string());
    let base_id = repo
        .rev_parse_single(base)
        .map_err(|e| GitError::UnknownBase {
            base: base.to_string(),
            reason: e.to_string(),
        })?
        .object()
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| GitError::UnknownBase {
            base: base.to_string(),
            reason: e.to_string(),
        })?
        .id;
    let head_id = repo.head_id().map_err(|e| broken(&e))?.detach();
    let fork = repo
        .merge_base(base_id, head_id)
        .ok()
        .flatten()
        .map_or(base_id, |id| id.detach());
    let tree = repo
        .find_commit(fork)
        .map_err(|e| broken(&e))?
        .tree()
        .map_err(|e| broken(&e))?;
    let empty = repo.empty_tree();
    let mut rec = gix::diff::tree::Recorder::default();
    gix::diff::tree(
        gix::objs::TreeRefIter::from_bytes(&empty.data, repo.object_hash()),
        gix::objs::TreeRefIter::from_bytes(&tree.data, repo.object_hash()),
        &mut gix::diff::tree::State::default(),
        &repo.objects,
        &mut rec,
    )
    .map_err(|e| broken(&e))?;
    let mut out: Vec<(String, gix::ObjectId)> = rec
        .records
        .into_iter()
        .filter_map(|c| match c {
            Change::Addition {
                path,
                oid,
                entry_mode,
                ..
            } if entry_mode.is_blob() && !entry_mode.is_link() => {
                Some((path.to_str_lossy().into_owned(), oid))
            }
            _ => None,
        })
        .collect();
    out.sort();
    Ok(out)
}

/// One blob's content, refused before inflating when it is over `cap`.
pub fn read_blob(start: &Path, id: gix::ObjectId, cap: u64) -> Result<Vec<u8>, GitError> {
    let repo = discover(start)?;
    let size = repo
        .find_header(id)
        .map_err(|e| GitError::Broken(e.to_string()))?
        .size();
    if size > cap {
        return Err(GitError::Broken(format!(
            "blob {id} is {size} bytes, over {cap}"
        )));
    }
    Ok(repo
        .find_blob(id)
        .map_err(|e| GitError::Broken(e.to_string()))?
        .detach()
        .data)
}

/// Visits the blobs of a tree (see [`fork_tree`]) as a source does: in parallel, each blob's
/// size checked before it is inflated.
pub fn visit_tree(
    start: &Path,
    blobs: &[(String, gix::ObjectId)],
    visit: &(dyn Fn(Item) + Sync),
) -> Result<(), GitError> {
    let repo = discover(start)?.into_sync();
    blobs.par_iter().for_each_init(
        || repo.to_thread_local(),
        |repo, (rel, id)| {
            let item = match repo.find_header(*id).map(|h| h.size()) {
                Ok(size) if size > super::MAX_SCAN_SIZE => Item::Problem {
                    rel: rel.clone(),
                    rule: &scan::FILE_TOO_LARGE,
                    message: format!("blob {id} is {size} bytes; not checked"),
                },
                _ => match repo.find_blob(*id) {
                    Ok(blob) => Item::Blob {
                        rel: rel.clone(),
                        data: blob.detach().data,
                    },
                    Err(e) => Item::Problem {
                        rel: rel.clone(),
                        rule: &scan::UNREADABLE_FILE,
                        message: format!("cannot read blob {id}: {e}"),
                    },
                },
            };
            visit(item);
        },
    );
    Ok(())
}

/// How far the code moved since a context file last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staleness {
    /// `YYYY-MM-DD` of the commit that last changed the file.
    pub last_changed: String,
    /// Commits since then that changed files in the file's directory subtree.
    pub commits: usize,
    /// Distinct files those commits changed.
    pub files: usize,
    /// Days between the file's last change and the newest commit.
    pub days: i64,
}

/// For each path (a context file), its staleness from the history of HEAD, reading at most
/// `max_commits` commits; `None` for a path that no commit in that range changed.
pub fn staleness(
    root: &Path,
    paths: &[String],
    max_commits: usize,
) -> Option<Vec<Option<Staleness>>> {
    use gix::diff::tree::recorder::Change;
    let repo = discover(root).ok()?;
    let head = repo.head_id().ok()?.detach();
    let walk = repo
        .rev_walk([head])
        .sorting(gix::revision::walk::Sorting::ByCommitTime(
            Default::default(),
        ))
        .all()
        .ok()?;
    let dirs: Vec<String> = paths
        .iter()
        .map(|p| {
            p.rsplit_once('/')
                .map_or(String::new(), |(d, _)| format!("{d}/"))
        })
        .collect();
    let mut done: Vec<Option<(i64, usize, std::collections::HashSet<String>)>> =
        vec![None; paths.len()];
    let mut since: Vec<(usize, std::collections::HashSet<String>)> =
        vec![(0, Default::default()); paths.len()];
    let mut newest: Option<i64> = None;
    let mut state = gix::diff::tree::State::default();
    let empty = repo.empty_tree();
    for info in walk.take(max_commits) {
        let Ok(info) = info else { break };
        let time = info.commit_time.unwrap_or_default();
        newest.get_or_insert(time);
        let (Ok(commit), parent) = (info.object(), info.parent_ids().next()) else {
            break;
        };
        let Ok(tree) = commit.tree() else { break };
        let parent_tree = match parent.map(|p| p.object().map(|o| o.into_commit().tree())) {
            Some(Ok(Ok(t))) => t,
            Some(_) => break,
            None => empty.clone(),
        };
        let mut rec = gix::diff::tree::Recorder::default();
        let diffed = gix::diff::tree(
            gix::objs::TreeRefIter::from_bytes(&parent_tree.data, repo.object_hash()),
            gix::objs::TreeRefIter::from_bytes(&tree.data, repo.object_hash()),
            &mut state,
            &repo.objects,
            &mut rec,
        );
        if diffed.is_err() {
            break;
        }
        let changed: Vec<String> = rec
            .records
            .into_iter()
            .filter_map(|c| match c {
                Change::Addition {
                    path, entry_mode, ..
                }
                | Change::Modification {
                    path, entry_mode, ..
                }
                | Change::Deletion {
                    path, entry_mode, ..
                } if !entry_mode.is_tree() => Some(path.to_str_lossy().into_owned()),
                _ => None,
            })
            .collect();
        for (i, path) in paths.iter().enumerate() {
            if done[i].is_some() {
                continue;
            }
            if changed.iter().any(|c| c == path) {
                let (commits, files) = std::mem::take(&mut since[i]);
                done[i] = Some((time, commits, files));
                continue;
            }
            let code: Vec<&String> = changed
                .iter()
                .filter(|c| {
                    c.starts_with(dirs[i].as_str()) && !crate::classify::classify(c).is_context()
                })
                .collect();
            if !code.is_empty() {
                since[i].0 += 1;
                since[i].1.extend(code.into_iter().cloned());
            }
        }
        if done.iter().all(Option::is_some) {
            break;
        }
    }
    let newest = newest?;
    Some(
        done.into_iter()
            .map(|d| {
                d.map(|(time, commits, files)| Staleness {
                    last_changed: date(time),
                    commits,
                    files: files.len(),
                    days: (newest - time).max(0) / 86_400,
                })
            })
            .collect(),
    )
}

pub use crate::dates::date;
