//! The names a site's files give it (article and page slugs, author ids, comment ids), read
//! cheaply for `sitrep new`: only file names and `slug` fields. A file that cannot be read or
//! parsed counts by its file name; the build reports what is wrong with it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::fs;
use crate::load::front_matter;
use crate::load::layout::{self, Entry};

/// An article or page and the names it answers to.
#[derive(Debug, Clone)]
pub(crate) struct Named {
    /// The file (`x.md`, or `x/index.md` for a bundle).
    pub path: PathBuf,
    /// The file stem, or the bundle folder's name.
    pub stem: String,
    /// Its `slug` field, or else its stem.
    pub slug: String,
}

/// What `pick` makes of each file under `content/`, as the build's [`layout::classify`] names
/// it.
fn collect<T>(root: &Path, pick: impl Fn(PathBuf, Entry) -> Option<T>) -> Vec<T> {
    let (files, _) = fs::files_under(&root.join("content"));
    files
        .into_iter()
        .filter_map(|path| {
            let entry = layout::classify(path.strip_prefix(root).ok()?);
            pick(path, entry)
        })
        .collect()
}

/// The articles of the site: `<slug>.md` directly in `content/articles`, or `<slug>/index.md`.
pub(crate) fn articles(root: &Path) -> Vec<Named> {
    collect(root, |path, entry| match entry {
        Entry::Article { stem, .. } => Some(named(path, stem)),
        _ => None,
    })
}

/// The pages directly under `content/pages`.
pub(crate) fn pages(root: &Path) -> Vec<Named> {
    collect(root, |path, entry| match entry {
        Entry::Page { stem } => Some(named(path, stem)),
        _ => None,
    })
}

/// The ids of the site's authors, sorted.
pub(crate) fn author_ids(root: &Path) -> Vec<String> {
    collect(root, |_, entry| match entry {
        Entry::Author { id } => Some(id),
        _ => None,
    })
}

/// The ids of the comments filed under any of the `folders` of `content/comments`.
pub(crate) fn comment_ids(root: &Path, folders: &[&str]) -> Vec<String> {
    collect(root, |_, entry| match entry {
        Entry::Comment { article, id } if folders.contains(&article.as_str()) => Some(id),
        _ => None,
    })
}

/// Only the field that renames an item; every other field is left to the build.
#[derive(Deserialize)]
struct SlugField {
    slug: Option<String>,
}

fn named(path: PathBuf, stem: String) -> Named {
    let slug = fs::read_to_string(&path)
        .ok()
        .and_then(|text| {
            let split = front_matter::split(&path, &text).ok()?;
            toml::from_str::<SlugField>(split.front_matter).ok()?.slug
        })
        .unwrap_or_else(|| stem.clone());
    Named { path, stem, slug }
}
