//! Every file agentgate reads or writes outside the scan walk goes through here. The
//! repository is untrusted, so reads are capped and never block (FIFOs and devices are
//! refused), reads of repository files can be confined to a root (a symbolic link out of it is
//! refused), and writes never follow a symbolic link inside the tree, never write through a
//! hard link (the file is replaced) and never block on a FIFO without a reader.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Configuration files, pack files, templates, lock files: none is legitimately this big.
pub const SMALL_FILE_CAP: u64 = 4 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum FsError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: larger than {cap} bytes; not read")]
    TooLarge { path: String, cap: u64 },
    #[error("{path}: {what}, never opened")]
    NotRegular { path: String, what: &'static str },
    #[error("{path}: a symbolic link that leads out of {root}; not followed")]
    Outside { path: String, root: String },
}

impl FsError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        FsError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    /// True when the file does not exist (callers often treat that as "absent").
    pub fn is_not_found(&self) -> bool {
        matches!(self, FsError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }
}

/// What a non-regular file is, for messages.
pub fn kind_of(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
    }
    if ft.is_dir() {
        return "a directory";
    }
    if ft.is_symlink() {
        return "a symbolic link";
    }
    "not a regular file"
}

/// Reads a regular file of at most `cap` bytes. The open does not block (a FIFO that replaced
/// the file is refused after `fstat`), and the size is checked before a byte is read.
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, FsError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK); // no effect on regular files
    }
    let mut file = options.open(path).map_err(|e| FsError::io(path, e))?;
    let meta = file.metadata().map_err(|e| FsError::io(path, e))?;
    if !meta.is_file() {
        return Err(FsError::NotRegular {
            path: path.display().to_string(),
            what: kind_of(&meta.file_type()),
        });
    }
    let too_large = || FsError::TooLarge {
        path: path.display().to_string(),
        cap,
    };
    if meta.len() > cap {
        return Err(too_large());
    }
    let mut buf = Vec::with_capacity(meta.len() as usize);
    // `take` guards against a file that grows while it is read.
    Read::by_ref(&mut file)
        .take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(|e| FsError::io(path, e))?;
    if buf.len() as u64 > cap {
        return Err(too_large());
    }
    Ok(buf)
}

/// [`read_capped`] as text (invalid UTF-8 is an error naming the offset).
pub fn read_text(path: &Path, cap: u64) -> Result<String, FsError> {
    let bytes = read_capped(path, cap)?;
    String::from_utf8(bytes).map_err(|e| {
        FsError::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "not valid UTF-8 (first invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            ),
        )
    })
}

/// Is `path`, with every symbolic link resolved, inside `root`? Paths that do not exist are
/// judged by their nearest existing ancestor.
pub fn stays_inside(path: &Path, root: &Path) -> bool {
    let Ok(root) = std::fs::canonicalize(root) else {
        return false;
    };
    let mut probe = path.to_path_buf();
    let mut rest = Vec::new();
    loop {
        match std::fs::canonicalize(&probe) {
            Ok(real) => {
                let mut real = real;
                for c in rest.iter().rev() {
                    real.push(c);
                }
                return real.starts_with(&root);
            }
            Err(_) => {
                // A dangling link is a link: judge where it points.
                if let Ok(target) = std::fs::read_link(&probe) {
                    let base = probe.parent().unwrap_or(Path::new("/"));
                    return stays_inside(&base.join(target), &root);
                }
                let (Some(parent), Some(name)) = (probe.parent(), probe.file_name()) else {
                    return false;
                };
                rest.push(name.to_os_string());
                probe = parent.to_path_buf();
            }
        }
    }
}

/// Reads a repository file that must not lead out of `root` through a symbolic link.
pub fn read_confined(path: &Path, root: &Path, cap: u64) -> Result<Vec<u8>, FsError> {
    if std::fs::symlink_metadata(path).is_ok() && !stays_inside(path, root) {
        return Err(FsError::Outside {
            path: path.display().to_string(),
            root: root.display().to_string(),
        });
    }
    read_capped(path, cap)
}

/// [`read_confined`] as UTF-8 text.
pub fn read_confined_text(path: &Path, root: &Path, cap: u64) -> Result<String, FsError> {
    if std::fs::symlink_metadata(path).is_ok() && !stays_inside(path, root) {
        return Err(FsError::Outside {
            path: path.display().to_string(),
            root: root.display().to_string(),
        });
    }
    read_text(path, cap)
}

/// Writes `bytes` to `path`, which the user named or agentgate chose. Inside `tree` (the
/// repository being checked) no symbolic link is followed, neither as the file itself nor as
/// a directory on the way. An existing regular file is replaced (a new file renamed over
/// it), so a hard link to a file elsewhere is never written through. A FIFO or a device is
/// written in place, opened without blocking: a FIFO without a reader is an error.
pub fn write_file(path: &Path, bytes: &[u8], tree: &Path) -> Result<(), FsError> {
    let abs = absolute(path);
    let tree = absolute(tree);
    if abs.starts_with(&tree) {
        let tree_real = std::fs::canonicalize(&tree).unwrap_or_else(|_| tree.clone());
        let mut dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        // The directory part must resolve inside the tree…
        while !dir.exists() {
            match dir.parent() {
                Some(p) => dir = p.to_path_buf(),
                None => break,
            }
        }
        let real_dir = std::fs::canonicalize(&dir).unwrap_or(dir);
        if !real_dir.starts_with(&tree_real) {
            return Err(FsError::Outside {
                path: path.display().to_string(),
                root: tree.display().to_string(),
            });
        }
        // …and the file itself must not be a link.
        if std::fs::symlink_metadata(&abs).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(FsError::NotRegular {
                path: path.display().to_string(),
                what: "a symbolic link (not written through)",
            });
        }
    }
    match std::fs::metadata(&abs) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => write_special(&abs, bytes),
        Ok(meta) if meta.is_dir() => Err(FsError::NotRegular {
            path: path.display().to_string(),
            what: "a directory",
        }),
        _ => replace(&abs, bytes),
    }
}

/// Creates or atomically replaces a regular file: a temporary file in the same directory,
/// created exclusively (it cannot be a planted link), then renamed over the target.
fn replace(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let mut tmp = None;
    for attempt in 0..16u32 {
        let candidate = dir.join(format!(
            ".{}.agentgate-{}-{attempt}.tmp",
            name.as_deref().unwrap_or("out"),
            std::process::id()
        ));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NOFOLLOW).mode(0o644);
        }
        match options.open(&candidate) {
            Ok(f) => {
                tmp = Some((candidate, f));
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(FsError::io(path, e)),
        }
    }
    let Some((tmp_path, mut file)) = tmp else {
        return Err(FsError::io(
            path,
            std::io::Error::other("cannot create a temporary file"),
        ));
    };
    let written = file
        .write_all(bytes)
        .and_then(|()| file.flush())
        .and_then(|()| std::fs::rename(&tmp_path, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp_path);
        return Err(FsError::io(path, e));
    }
    Ok(())
}

/// A FIFO or device named as the output: written in place, opened non-blocking so a FIFO
/// without a reader fails at once instead of hanging the run.
fn write_special(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let mut file = options.open(path).map_err(|e| {
        if e.raw_os_error() == Some(6) {
            // ENXIO
            FsError::io(path, std::io::Error::other("a FIFO with no reader"))
        } else {
            FsError::io(path, e)
        }
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        // Blocking writes from here on: the reader is there, it may just be slow.
        let fd = file.as_raw_fd();
        // SAFETY: fcntl on a file descriptor this function owns.
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            if flags >= 0 {
                libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
            }
        }
    }
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .map_err(|e| FsError::io(path, e))
}

/// `p` with `.` and `..` resolved lexically (no file system access).
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_capped_and_regular_only() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a");
        std::fs::write(&f, "hello").unwrap();
        assert_eq!(read_capped(&f, 5).unwrap(), b"hello");
        assert!(matches!(read_capped(&f, 4), Err(FsError::TooLarge { .. })));
        assert!(matches!(
            read_capped(dir.path(), 4),
            Err(FsError::NotRegular { .. })
        ));
        assert!(
            read_capped(&dir.path().join("missing"), 4)
                .unwrap_err()
                .is_not_found()
        );
    }

    #[cfg(unix)]
    #[test]
    fn confinement_refuses_links_out() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "x").unwrap();
        let root = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), root.path().join("l")).unwrap();
        std::os::unix::fs::symlink("inside", root.path().join("ok")).unwrap();
        std::fs::write(root.path().join("inside"), "y").unwrap();
        assert!(matches!(
            read_confined(&root.path().join("l"), root.path(), 10),
            Err(FsError::Outside { .. })
        ));
        assert_eq!(
            read_confined(&root.path().join("ok"), root.path(), 10).unwrap(),
            b"y"
        );
        // Writes: a link inside the tree is never followed, a dangling one neither.
        std::os::unix::fs::symlink(outside.path().join("new"), root.path().join("dangling"))
            .unwrap();
        for name in ["l", "dangling", "ok"] {
            assert!(write_file(&root.path().join(name), b"z", root.path()).is_err());
        }
        assert!(!outside.path().join("new").exists());
        assert_eq!(std::fs::read(outside.path().join("secret")).unwrap(), b"x");
        // A directory link out of the tree.
        std::os::unix::fs::symlink(outside.path(), root.path().join("d")).unwrap();
        assert!(write_file(&root.path().join("d/out.sarif"), b"z", root.path()).is_err());
        assert!(!outside.path().join("out.sarif").exists());
    }

    #[cfg(unix)]
    #[test]
    fn hard_links_are_replaced_not_written_through() {
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let root = tempfile::tempdir().unwrap();
        let link = root.path().join("report.sarif");
        std::fs::hard_link(&victim, &link).unwrap();
        write_file(&link, b"new", root.path()).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert_eq!(std::fs::read(&link).unwrap(), b"new");
    }

    #[cfg(unix)]
    #[test]
    fn fifo_without_reader_fails_fast() {
        let root = tempfile::tempdir().unwrap();
        let fifo = root.path().join("f");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo on a path of our own temporary directory.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let e = write_file(&fifo, b"x", root.path()).unwrap_err();
        assert!(e.to_string().contains("no reader"), "{e}");
        assert!(read_capped(&fifo, 10).is_err());
    }
}
