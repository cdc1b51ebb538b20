//! The write stage: pages go into a staging folder beside the output folder, which replaces the
//! output only once the whole build has succeeded. A failed build leaves the last good output
//! exactly as it was, and no path from content can reach outside the staging folder.

use std::path::{Component, Path, PathBuf};

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
        if output.is_dir() && !output.join(MARKER).exists() && !fs::is_empty_dir(output)? {
            return Err(Error::Usage(format!(
                "{}: this folder holds files that sitrep did not write, and a build replaces the \
                 whole folder; empty it or pick another --output",
                output.display()
            )));
        }
        let dir = beside(output, "staging")?;
        fs::remove_dir_all(&dir)?;
        fs::create_dir_all(&dir)?;
        fs::write(&dir.join(MARKER), MARKER_TEXT.as_bytes())?;
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
        })
    }

    /// Swaps the staging folder in as the output.
    pub fn commit(self) -> Result<()> {
        let old = beside(&self.output, "old")?;
        fs::remove_dir_all(&old)?;
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
        fs::remove_dir_all(&old)
    }

    /// Throws the staging folder away; the output is untouched.
    pub fn abandon(self) -> Result<()> {
        fs::remove_dir_all(&self.dir)
    }

    fn target(&self, path: &str) -> Result<PathBuf> {
        let target = inside(&self.dir, path)?;
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        Ok(target)
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        fs::write(&self.target(path)?, bytes)
    }

    fn copy(&self, from: &Path, path: &str) -> Result<()> {
        fs::copy(from, &self.target(path)?)
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
