//! The write stage: pages go into a staging folder beside the output folder, which replaces the
//! output only once the whole build has succeeded. A failed build leaves the last good output
//! exactly as it was, and no path from content can reach outside the staging folder.
//!
//! A file whose bytes did not change since the last build is hard-linked from it rather than
//! written again, so it keeps its inode and modification time and deploy tools (rsync, object
//! store syncs) and file watchers see only what really changed. The build replaced by the swap
//! is kept beside the output as `.<name>.sitrep-old` and deleted at the start of the next build,
//! alongside that build's own work, instead of holding up this one.

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;

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
    /// Deletes the build before last while this one runs.
    sweeper: Option<JoinHandle<Result<()>>>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
}

/// How many output files were written, and how many kept from the last build.
#[derive(Debug, Default, Clone, Copy)]
pub struct WriteCounts {
    pub written: usize,
    pub unchanged: usize,
}

impl Staging {
    /// Checks that `output` may be replaced and makes an empty staging folder beside it.
    pub fn create(output: &Path) -> Result<Staging> {
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
        let old = beside(output, "old")?;
        let sweeper = old
            .exists()
            .then(|| std::thread::spawn(move || fs::remove_dir_all(&old)));
        let dir = beside(output, "staging")?;
        fs::remove_dir_all(&dir)?;
        fs::create_dir_all(&dir)?;
        fs::write(&dir.join(MARKER), MARKER_TEXT.as_bytes())?;
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
            previous: ours.then(|| output.to_path_buf()),
            sweeper,
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
        })
    }

    /// How many files were written and how many kept so far.
    pub fn counts(&self) -> WriteCounts {
        WriteCounts {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
        }
    }

    /// Swaps the staging folder in as the output; the replaced build is set aside.
    pub fn commit(mut self) -> Result<()> {
        self.wait_for_sweeper()?;
        let old = beside(&self.output, "old")?;
        if self.output.exists() {
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

    /// Throws the staging folder away; the output is untouched.
    pub fn abandon(mut self) -> Result<()> {
        self.wait_for_sweeper()?;
        fs::remove_dir_all(&self.dir)
    }

    fn wait_for_sweeper(&mut self) -> Result<()> {
        match self.sweeper.take().map(JoinHandle::join) {
            None => Ok(()),
            Some(Ok(result)) => result,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
        }
    }

    fn target(&self, path: &str) -> Result<PathBuf> {
        let target = inside(&self.dir, path)?;
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        Ok(target)
    }

    /// Links the last build's file at `path` into place if `same` says it is unchanged.
    fn keep(&self, path: &str, target: &Path, same: impl FnOnce(&Path) -> bool) -> Result<bool> {
        let Some(previous) = &self.previous else {
            return Ok(false);
        };
        let old = inside(previous, path)?;
        if same(&old) && fs::hard_link(&old, target).is_ok() {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(true);
        }
        Ok(false)
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let target = self.target(path)?;
        if !self.keep(path, &target, |old| fs::holds(old, bytes))? {
            fs::write(&target, bytes)?;
            self.written.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    fn copy(&self, from: &Path, path: &str) -> Result<()> {
        let target = self.target(path)?;
        if !self.keep(path, &target, |old| fs::same_contents(from, old))? {
            fs::copy(from, &target)?;
            self.written.fetch_add(1, Ordering::Relaxed);
        }
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

/// `.public.sitrep-<what>` beside the output folder `public`.
fn beside(output: &Path, what: &str) -> Result<PathBuf> {
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
