//! The moderation queue as the moderator's commands read it: `<queue>/<shelf>/<slug>/<id>.md`
//! with its `<id>.toml` sidecar, for the shelves `pending`, `spam` and `rejected`. Dot-files
//! (a comment the intake is still writing) are never read.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::load::{self, Parsed};
use crate::model::sources::{CommentFront, Source};
use crate::{Error, Result, fs};

/// The shelves of the queue.
pub const SHELVES: [&str; 3] = ["pending", "spam", "rejected"];

/// One queued comment.
#[derive(Debug)]
pub struct Queued {
    pub shelf: &'static str,
    pub slug: String,
    pub id: String,
    /// The comment file, absolute.
    pub path: PathBuf,
    pub front: CommentFront,
    pub body: String,
    pub sidecar: SidecarFile,
}

/// What the intake wrote beside a comment.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SidecarFile {
    pub received: Option<toml::value::Datetime>,
    pub subnet: String,
    pub signals: Vec<String>,
}

impl Queued {
    pub fn sidecar_path(&self) -> PathBuf {
        self.path.with_extension("toml")
    }

    /// The comment's first line, for lists.
    pub fn first_line(&self) -> &str {
        first_line(&self.body)
    }
}

/// The first line of a comment with words on it, for lists.
pub fn first_line(body: &str) -> &str {
    body.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}

/// Every comment on `shelf`, oldest id first.
pub fn shelf(queue: &Path, shelf: &'static str) -> Vec<Queued> {
    let mut found: Vec<Queued> = names(queue, shelf)
        .into_iter()
        .filter_map(|(slug, id, path)| read(shelf, &slug, &id, &path).ok())
        .collect();
    found.sort_by(|a, b| a.id.cmp(&b.id));
    found
}

/// The comment files on `shelf` as (slug, id, file), by their names alone: nothing is read.
/// Dot-files (a comment still being written) are not comments yet.
fn names(queue: &Path, shelf: &str) -> Vec<(String, String, PathBuf)> {
    let mut found = Vec::new();
    let Ok(folders) = std::fs::read_dir(queue.join(shelf)) else {
        return found;
    };
    for folder in folders.flatten() {
        let slug = folder.file_name().to_string_lossy().into_owned();
        if slug.starts_with('.') {
            continue;
        }
        let Ok(files) = std::fs::read_dir(folder.path()) else {
            continue;
        };
        for file in files.flatten() {
            let name = file.file_name().to_string_lossy().into_owned();
            if let Some(id) = name.strip_suffix(".md").filter(|_| !name.starts_with('.')) {
                found.push((slug.clone(), id.to_string(), file.path()));
            }
        }
    }
    found
}

fn read(shelf: &'static str, slug: &str, id: &str, path: &Path) -> Result<Queued> {
    let text = fs::read_to_string(path)?;
    let parsed: Parsed<CommentFront> =
        load::markdown_source(path.to_path_buf(), id.to_string(), &text);
    let (Source { front, body, .. }, _) = parsed.map_err(|d| Error::Usage(d.to_string()))?;
    let sidecar = fs::read_to_string(&path.with_extension("toml"))
        .ok()
        .and_then(|t| toml::from_str(&t).ok())
        .unwrap_or_default();
    Ok(Queued {
        shelf,
        slug: slug.to_string(),
        id: id.to_string(),
        path: path.to_path_buf(),
        front,
        body,
        sidecar,
    })
}

/// The queued comment `id`, on any shelf; the id is looked up, never made a path.
pub fn find(queue: &Path, id: &str) -> Result<Queued> {
    // By the files' names, reading only the one that matches.
    for shelf in SHELVES {
        if let Some((slug, _, path)) = names(queue, shelf).into_iter().find(|(_, i, _)| i == id) {
            return read(shelf, &slug, id, &path);
        }
    }
    Err(Error::Usage(format!(
        "no comment `{id}` in the queue: `sitrep comments list` shows the ids"
    )))
}

/// Moves a queued comment (and its sidecar) to another shelf.
pub fn move_to(queue: &Path, queued: &Queued, shelf: &str) -> Result<PathBuf> {
    let folder = queue.join(shelf).join(&queued.slug);
    fs::create_dir_all(&folder)?;
    let target = folder.join(format!("{}.md", queued.id));
    if queued.sidecar_path().exists() {
        fs::rename(&queued.sidecar_path(), &target.with_extension("toml"))?;
    }
    fs::rename(&queued.path, &target)?;
    Ok(target)
}

/// Takes a comment out of the queue for good.
pub fn remove(queued: &Queued) -> Result<()> {
    fs::remove_file_if_there(&queued.sidecar_path())?;
    fs::remove_file(&queued.path)
}
