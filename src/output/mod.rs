//! The write stage: pages go into a staging folder beside the output folder, which replaces the
//! output only once the whole build has succeeded. A failed build leaves the last good output
//! exactly as it was, and no path from content can reach outside the staging folder.
//!
//! A rebuild writes only the files whose bytes changed. The build before last, kept beside the
//! output as `.<name>.sitrep-old`, is recycled as the staging folder: a file in it that already
//! holds the right bytes stays as it is; a file the last build has right is hard-linked from
//! there; only the rest is written, and what the new build no longer has is removed. Unchanged
//! files keep their inode and modification time, so deploy tools (rsync, object store syncs) and
//! file watchers see only what really changed, and a rebuild neither deletes nor recreates the
//! tree. Every recycled file is compared before it is kept, so a folder left half-written by a
//! killed build is as good a start as any.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};
use crate::fs;
use crate::render::Sink;

/// The file that marks a folder as sitrep's output, so a build never replaces a folder of
/// someone else's files that `--output` pointed at by mistake.
pub const MARKER: &str = ".sitrep-output";
const MARKER_TEXT: &str = "This folder is written by sitrep and replaced whole on every build.\n";

/// A build's output, being written.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    /// The last build, when there is one: unchanged files are linked from it.
    previous: Option<PathBuf>,
    /// What the staging folder held before this build: an older build, recycled.
    recycled: Recycled,
    /// Every path this build wrote or kept, so that the rest of `recycled` can go.
    claimed: Mutex<Vec<String>>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    /// Held from start to swap: one build at a time per output folder. The OS releases it when
    /// the process ends, however it ends.
    _lock: std::fs::File,
}

/// The files and folders of a recycled staging folder, as `/`-separated relative paths.
#[derive(Default)]
struct Recycled {
    files: HashSet<String>,
    dirs: Vec<String>,
}

/// How many output files were written, and how many kept from the last build.
#[derive(Debug, Default, Clone, Copy)]
pub struct WriteCounts {
    pub written: usize,
    pub unchanged: usize,
}

impl Staging {
    /// Checks that `output` may be replaced and prepares the staging folder beside it: the build
    /// before last (or a staging folder a failed build left), or a new empty folder.
    pub fn create(output: &Path) -> Result<Staging> {
        let lock = lock(output)?;
        if output.exists() && !output.is_dir() {
            return Err(Error::Usage(format!(
                "{}: the output path is a file, not a folder; pick another --output",
                output.display()
            )));
        }
        let ours = output.join(MARKER).exists();
        if output.is_dir() && !ours && !fs::is_empty_dir(output)? {
            return Err(Error::Usage(format!(
                "{}: this folder holds files that sitrep did not write, and a build replaces the \
                 whole folder; empty it or pick another --output",
                output.display()
            )));
        }
        let dir = beside(output, "staging")?;
        let old = beside(output, "old")?;
        for folder in [&dir, &old] {
            if folder.is_symlink() || folder.exists() && !folder.is_dir() {
                fs::remove_file(folder)?;
            }
        }
        if dir.exists() {
            fs::remove_dir_all(&old)?;
        } else if old.exists() {
            fs::rename(&old, &dir)?;
        }
        fs::create_dir_all(&dir)?;
        let recycled = Recycled::take_stock(&dir)?;
        let staging = Staging {
            dir,
            output: output.to_path_buf(),
            previous: ours.then(|| output.to_path_buf()),
            recycled,
            claimed: Mutex::new(Vec::new()),
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            _lock: lock,
        };
        // The marker is not one of the build's files: it is not counted.
        staging.put(MARKER, MARKER_TEXT.as_bytes())?;
        Ok(staging)
    }

    /// How many files were written and how many kept so far.
    pub fn counts(&self) -> WriteCounts {
        WriteCounts {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
        }
    }

    /// Removes what this build did not write, then swaps the staging folder in as the output;
    /// the replaced build is kept, to be recycled by the next one.
    pub fn commit(self) -> Result<()> {
        self.sweep()?;
        let old = beside(&self.output, "old")?;
        if self.output.exists() {
            // One atomic exchange where the system has it: there is never a moment without an
            // output folder, even for a server reading it while a build is killed.
            if fs::exchange(&self.dir, &self.output).is_ok() {
                return fs::rename(&self.dir, &old);
            }
            fs::rename(&self.output, &old)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.output) {
            // Put the last good output back before reporting.
            if old.exists() {
                fs::rename(&old, &self.output)?;
            }
            return Err(e);
        }
        Ok(())
    }

    /// Sets the staging folder aside for the next build to recycle, as a successful build sets
    /// aside the build it replaced; the output is untouched.
    pub fn abandon(self) -> Result<()> {
        fs::rename(&self.dir, &beside(&self.output, "old")?)
    }

    /// Removes the recycled files and folders that this build did not claim.
    fn sweep(&self) -> Result<()> {
        let claimed = std::mem::take(&mut *self.claimed.lock().unwrap_or_else(|e| e.into_inner()));
        let mut keep_dirs = HashSet::new();
        for path in &claimed {
            let mut end = path.len();
            while let Some(slash) = path[..end].rfind('/') {
                if !keep_dirs.insert(&path[..slash]) {
                    break;
                }
                end = slash;
            }
        }
        let claimed: HashSet<&str> = claimed.iter().map(String::as_str).collect();
        for file in &self.recycled.files {
            // A recycled file where this build made a folder is already gone.
            if !claimed.contains(file.as_str()) && !keep_dirs.contains(file.as_str()) {
                fs::remove_file_if_there(&self.dir.join(file))?;
            }
        }
        for dir in &self.recycled.dirs {
            if !keep_dirs.contains(dir.as_str()) && !claimed.contains(dir.as_str()) {
                fs::remove_dir_all(&self.dir.join(dir))?;
            }
        }
        Ok(())
    }

    /// Where `path` goes in the staging folder, with its parent folders made. A recycled file
    /// or folder in the way is removed: output paths never collide within one build.
    fn target(&self, path: &str) -> Result<PathBuf> {
        let target = inside(&self.dir, path)?;
        self.claimed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_string());
        for (at, _) in path.match_indices('/') {
            if self.recycled.files.contains(&path[..at]) {
                fs::remove_file_if_there(&self.dir.join(&path[..at]))?;
            }
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        if self
            .recycled
            .dirs
            .binary_search_by(|d| d.as_str().cmp(path))
            .is_ok()
        {
            fs::remove_dir_all(&target)?;
        }
        Ok(target)
    }

    /// Keeps what is already at `target` or in the last build if `same` says it holds the new
    /// bytes; otherwise clears `target` for writing. Returns whether the file was kept.
    fn keep(&self, path: &str, target: &Path, same: impl Fn(&Path) -> bool) -> Result<bool> {
        if self.recycled.files.contains(path) {
            if same(target) {
                return Ok(true);
            }
            // It may be a hard link shared with the live output: never write through it.
            fs::remove_file_if_there(target)?;
        }
        if let Some(previous) = &self.previous {
            let old = inside(previous, path)?;
            if same(&old) && fs::hard_link(&old, target).is_ok() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Puts `bytes` at `path`; returns whether they had to be written.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<bool> {
        let target = self.target(path)?;
        if self.keep(path, &target, |old| fs::holds(old, bytes))? {
            return Ok(false);
        }
        fs::write(&target, bytes)?;
        Ok(true)
    }

    fn count(&self, written: bool) {
        let counter = if written {
            &self.written
        } else {
            &self.unchanged
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

impl Recycled {
    /// Lists a staging folder's files and folders; anything else in it (a symlink, say) is
    /// removed, so no write can be led out of the folder.
    fn take_stock(dir: &Path) -> Result<Recycled> {
        let mut recycled = Recycled::default();
        for entry in walkdir::WalkDir::new(dir).min_depth(1) {
            let entry = entry.map_err(|e| Error::Io {
                path: e.path().unwrap_or(dir).to_path_buf(),
                source: e.into(),
            })?;
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let Some(relative) = relative.to_str().map(|r| r.replace('\\', "/")) else {
                fs::remove_file_if_there(entry.path())?;
                continue;
            };
            let kind = entry.file_type();
            if kind.is_dir() {
                recycled.dirs.push(relative);
            } else if kind.is_file() {
                recycled.files.insert(relative);
            } else {
                fs::remove_file_if_there(entry.path())?;
            }
        }
        recycled.dirs.sort();
        Ok(recycled)
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let written = self.put(path, bytes)?;
        self.count(written);
        Ok(())
    }

    fn copy(&self, from: &Path, path: &str) -> Result<()> {
        let target = self.target(path)?;
        let kept = self.keep(path, &target, |old| fs::same_contents(from, old))?;
        if !kept {
            fs::copy(from, &target)?;
        }
        self.count(!kept);
        Ok(())
    }

    fn link(&self, from: &Path, path: &str) -> Result<()> {
        let target = self.target(path)?;
        let kept = self.keep(path, &target, |old| fs::same_contents(from, old))?;
        if !kept && fs::hard_link(from, &target).is_err() {
            fs::copy(from, &target)?;
        }
        self.count(!kept);
        Ok(())
    }
}

/// A sink that keeps nothing: `check` renders every page to find errors, and writes none.
pub struct Discard;

impl Sink for Discard {
    fn write(&self, path: &str, _: &[u8]) -> Result<()> {
        inside(Path::new(""), path).map(|_| ())
    }

    fn copy(&self, _: &Path, path: &str) -> Result<()> {
        inside(Path::new(""), path).map(|_| ())
    }
}

/// `base` joined with the `/`-separated `path`, refused unless every part is a plain name.
pub fn inside(base: &Path, path: &str) -> Result<PathBuf> {
    let relative = Path::new(path);
    let plain = !path.is_empty()
        && !path.contains('\\')
        && relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if !plain {
        return Err(Error::Usage(format!(
            "refusing to write `{path}`: it leads outside the output folder"
        )));
    }
    Ok(base.join(relative))
}

/// Takes the lock file beside `output`, or says that another build holds it.
fn lock(output: &Path) -> Result<std::fs::File> {
    let path = beside(output, "lock")?;
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let file = fs::open_lock_file(&path)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::Usage(format!(
            "{}: another sitrep build is writing this output folder right now; run this one \
             again when it has finished (it holds {})",
            output.display(),
            path.display()
        ))),
        Err(std::fs::TryLockError::Error(source)) => Err(Error::Io { path, source }),
    }
}

/// `.public.sitrep-<what>` beside the output folder `public`.
pub fn beside(output: &Path, what: &str) -> Result<PathBuf> {
    let name = output.file_name().ok_or_else(|| {
        Error::Usage(format!(
            "{}: the output folder needs a name",
            output.display()
        ))
    })?;
    let parent = output.parent().unwrap_or(Path::new("."));
    Ok(parent.join(format!(".{}.sitrep-{what}", name.to_string_lossy())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside() {
        assert!(inside(Path::new("/out"), "a/index.html").is_ok());
        for bad in ["../x", "/etc/passwd", "a/../../x", "", "a\\..\\x", "./a"] {
            assert!(inside(Path::new("/out"), bad).is_err(), "{bad:?}");
        }
    }
}
