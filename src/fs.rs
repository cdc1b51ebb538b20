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
    std::fs::copy(from, to).map(|_| ()).map_err(at(from))
}

pub fn hard_link(original: &Path, link: &Path) -> Result<()> {
    std::fs::hard_link(original, link).map_err(at(link))
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
    ma.is_file()
        && mb.is_file()
        && ma.len() == mb.len()
        && std::fs::read(a).is_ok_and(|bytes| holds(b, &bytes))
}

pub fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(at(from))
}

/// Removes a folder and everything in it; a folder that is not there is not an error.
pub fn remove_dir_all(path: &Path) -> Result<()> {
    gone_is_fine(std::fs::remove_dir_all(path)).map_err(at(path))
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
/// them the same way. A missing folder has no files.
pub fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::Io {
                path,
                source: e.into(),
            }
        })?;
        if entry.file_type().is_file() {
            files.push(entry.into_path());
        }
    }
    Ok(files)
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
