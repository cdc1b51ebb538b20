//! File-system calls, each of which names its path in the error it returns.
//!
//! Every other module reaches the disk through here, so no error reaches the user as a bare
//! "No such file or directory".

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

fn at(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

pub fn read_to_string(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(at(path))
}

pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(at(path))
}

pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(at(path))
}

pub fn create_dir_all(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).map_err(at(path))
}

pub fn copy(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to).map(|_| ()).map_err(|e| {
        let readable = std::fs::File::open(from).is_ok();
        at(if readable { to } else { from })(e)
    })
}

pub fn hard_link(original: &Path, link: &Path) -> Result<()> {
    std::fs::hard_link(original, link).map_err(|e| at(failed(original, link))(e))
}

/// Of a call on two paths that failed, the one to name: the first when it is not there (or
/// cannot be looked at), else the second, where the call was writing.
fn failed<'a>(from: &'a Path, to: &'a Path) -> &'a Path {
    if std::fs::symlink_metadata(from).is_ok() {
        to
    } else {
        from
    }
}

/// Whether the file at `path` holds exactly `bytes` (false when it cannot be read).
///
/// A rebuild asks this of every output file, hundreds of megabytes at 10,000 articles, so the
/// file is compared a block at a time through one buffer per thread instead of read whole.
pub fn holds(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    thread_local! {
        static BLOCK: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; 1 << 16]);
    }
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    if !file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
    {
        return false;
    }
    BLOCK.with_borrow_mut(|block| {
        let mut rest = bytes;
        loop {
            match file.read(block) {
                Ok(0) => return rest.is_empty(),
                Ok(n) if n <= rest.len() && block[..n] == rest[..n] => rest = &rest[n..],
                Ok(_) => return false,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
    })
}

/// Whether two files hold the same bytes (false when either cannot be read).
pub fn same_contents(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    // One file under two names (a hard link): the same bytes, without reading them.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if ma.is_file() && (ma.dev(), ma.ino()) == (mb.dev(), mb.ino()) {
            return true;
        }
    }
    ma.is_file()
        && mb.is_file()
        && ma.len() == mb.len()
        && std::fs::read(a).is_ok_and(|bytes| holds(b, &bytes))
}

pub fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|e| at(failed(from, to))(e))
}

/// Swaps two paths in one atomic step (Linux's `renameat2` with `RENAME_EXCHANGE`); an error
/// where the system or file system cannot, and the caller falls back to two renames.
pub fn exchange(a: &Path, b: &Path) -> Result<()> {
    exchange_paths(a, b).map_err(|e| at(failed(a, b))(e))
}

#[cfg(target_os = "linux")]
fn exchange_paths(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let status = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if status == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange_paths(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Removes a folder and everything in it; a folder that is not there is not an error.
pub fn remove_dir_all(path: &Path) -> Result<()> {
    gone_is_fine(std::fs::remove_dir_all(path)).map_err(at(path))
}

/// Opens (creating it if need be) a file that is only ever locked, never written.
pub fn open_lock_file(path: &Path) -> Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(at(path))
}

pub fn remove_file(path: &Path) -> Result<()> {
    std::fs::remove_file(path).map_err(at(path))
}

/// Removes a file; one that is already gone is not an error.
pub fn remove_file_if_there(path: &Path) -> Result<()> {
    gone_is_fine(std::fs::remove_file(path)).map_err(at(path))
}

/// A path that is not there, or whose parent is now a file, has nothing left to remove.
fn gone_is_fine(result: std::io::Result<()>) -> std::io::Result<()> {
    use std::io::ErrorKind::{NotADirectory, NotFound};
    match result {
        Err(e) if matches!(e.kind(), NotFound | NotADirectory) => Ok(()),
        other => other,
    }
}

/// Whether a folder has nothing in it.
pub fn is_empty_dir(dir: &Path) -> Result<bool> {
    let mut entries = std::fs::read_dir(dir).map_err(at(dir))?;
    Ok(entries.next().is_none())
}

/// The files (not folders) under `dir`, at any depth, in sorted order so that every build walks
/// them the same way, and what could not be walked (a symlink loop, a dangling link, a folder
/// that cannot be read), each with its path. A missing folder has no files. Only regular files
/// are listed: a named pipe or a device would block or never end.
pub fn files_under(dir: &Path) -> (Vec<PathBuf>, Vec<Error>) {
    let (mut files, mut errors) = (Vec::new(), Vec::new());
    if !dir.exists() {
        return (files, errors);
    }
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        match entry {
            Ok(entry) if entry.file_type().is_file() => files.push(entry.into_path()),
            Ok(_) => {}
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let source = match e.loop_ancestor() {
                    Some(ancestor) => std::io::Error::other(format!(
                        "a symlink loop: it leads back to {}; remove the link",
                        ancestor.display()
                    )),
                    None => e.into(),
                };
                errors.push(Error::Io { path, source });
            }
        }
    }
    (files, errors)
}

/// The absolute, symlink-free form of a path whose last parts may not exist yet.
pub fn absolute(path: &Path) -> Result<PathBuf> {
    let path = std::path::absolute(path).map_err(at(path))?;
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut resolved = std::fs::canonicalize(existing).map_err(at(existing))?;
    resolved.extend(rest.iter().rev());
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of(result: Result<()>) -> PathBuf {
        match result {
            Err(Error::Io { path, .. }) => path,
            other => panic!("expected an I/O error, got {other:?}"),
        }
    }

    /// A copy or a move names the file it failed on, not the other one.
    #[test]
    fn two_path_calls_name_the_path_that_failed() {
        let dir = tempfile::tempdir().unwrap();
        let there = dir.path().join("there.txt");
        std::fs::write(&there, "x").unwrap();
        let missing = dir.path().join("missing.txt");
        let nowhere = dir.path().join("no-folder/out.txt");

        assert_eq!(path_of(copy(&missing, &there)), missing);
        assert_eq!(path_of(copy(&there, &nowhere)), nowhere);
        assert_eq!(path_of(rename(&missing, &there)), missing);
        assert_eq!(path_of(rename(&there, &nowhere)), nowhere);
        assert_eq!(path_of(hard_link(&missing, &there)), missing);
        assert_eq!(path_of(hard_link(&there, &nowhere)), nowhere);
    }
}
