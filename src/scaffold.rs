//! `sitrep new` and `sitrep init`: files an editor would otherwise copy by hand. Nothing here
//! ever overwrites a file.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};

/// Writes a draft article for `headline`; returns the file written.
pub fn new_article(
    root: &Path,
    headline: &str,
    author: Option<&str>,
    bundle: bool,
    now: DateTime<Utc>,
) -> Result<PathBuf> {
    let _ = (root, headline, author, bundle, now);
    Err(Error::Usage("not yet".to_string()))
}

/// Writes `content/authors/<id>.toml`; returns the file written.
pub fn new_author(root: &Path, id: &str) -> Result<PathBuf> {
    let _ = (root, id);
    Err(Error::Usage("not yet".to_string()))
}

/// Writes a comment on `article` with `body` as its Markdown; returns the file written.
pub fn new_comment(
    root: &Path,
    article: &str,
    author: &str,
    parent: Option<&str>,
    body: &str,
    now: DateTime<Utc>,
) -> Result<PathBuf> {
    let _ = (root, article, author, parent, body, now);
    Err(Error::Usage("not yet".to_string()))
}

/// Makes a new site in `dir` (absent or empty); returns the files written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    let _ = dir;
    Err(Error::Usage("not yet".to_string()))
}
