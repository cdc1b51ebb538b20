//! The names a site's files give it (article and page slugs, author ids, comment ids), read
//! cheaply for `sitrep new`: only file names and `slug` fields. A file that cannot be read or
//! parsed counts by its file name; the build reports what is wrong with it.

use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

use crate::fs;
use crate::load::front_matter;

/// An article or page and the names it answers to.
#[derive(Debug, Clone)]
pub(super) struct Named {
    /// The file (`x.md`, or `x/index.md` for a bundle).
    pub path: PathBuf,
    /// The file stem, or the bundle folder's name.
    pub stem: String,
    /// Its `slug` field, or else its stem.
    pub slug: String,
}

/// The articles under `content/articles`, as the build finds them: `<slug>.md` directly in it,
/// or `<slug>/index.md`.
pub(super) fn articles(root: &Path) -> Vec<Named> {
    let dir = root.join("content/articles");
    markdown_files(&dir)
        .into_iter()
        .filter_map(|(path, parts)| match parts.as_slice() {
            [file] => Some((stem_of(file)?, path)),
            [bundle, index] if index == "index.md" => Some((bundle.clone(), path)),
            _ => None,
        })
        .map(|(stem, path)| named(path, stem))
        .collect()
}

/// The pages directly under `content/pages`.
pub(super) fn pages(root: &Path) -> Vec<Named> {
    markdown_files(&root.join("content/pages"))
        .into_iter()
        .filter_map(|(path, parts)| match parts.as_slice() {
            [file] => Some((stem_of(file)?, path)),
            _ => None,
        })
        .map(|(stem, path)| named(path, stem))
        .collect()
}

/// The stems of the files with extension `ext` directly in `dir`, sorted.
pub(super) fn stems(dir: &Path, ext: &str) -> Vec<String> {
    let (files, _) = fs::files_under(dir);
    files
        .iter()
        .filter(|path| path.parent() == Some(dir) && path.extension().is_some_and(|e| e == ext))
        .filter_map(|path| path.file_stem()?.to_str().map(str::to_string))
        .filter(|stem| !stem.starts_with('.'))
        .collect()
}

/// The `.md` files under `dir` that are not hidden, with their path parts below `dir`.
fn markdown_files(dir: &Path) -> Vec<(PathBuf, Vec<String>)> {
    let (files, _) = fs::files_under(dir);
    files
        .into_iter()
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .filter_map(|path| {
            let parts: Vec<String> = path
                .strip_prefix(dir)
                .ok()?
                .components()
                .map(|c| match c {
                    Component::Normal(name) => name.to_string_lossy().into_owned(),
                    _ => String::new(),
                })
                .collect();
            let hidden = parts.iter().any(|p| p.starts_with('.') || p.is_empty());
            (!hidden).then_some((path, parts))
        })
        .collect()
}

fn stem_of(file: &str) -> Option<String> {
    file.strip_suffix(".md").map(str::to_string)
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
