//! Bringing loaded [`Sources`] up to date with a few changed files, for `serve`: only the files
//! that changed are read again, so reading an edit costs the same on a site of ten articles or
//! of ten thousand. Anything that could change how other files are read (site.toml, a folder, a new
//! bundle, a static file appearing) asks for a full load instead, which is always right.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::error::{Diagnostic, Diagnostics};
use crate::load::{self, Parsed};
use crate::model::sources::Sources;
use crate::model::sources::{CommentSource, Source};

/// What a set of changes needs.
#[derive(Debug, PartialEq, Eq)]
pub enum Patched {
    /// Nothing the site is built from changed (an editor's temporary file, say).
    Nothing,
    /// Only files served as they are changed: the pages stand, browsers should reload.
    Files,
    /// The sources were updated from these files; the site must be resolved again.
    Sources(Vec<PathBuf>),
    /// These changes need a full load.
    Reload,
}

/// Applies the changes at `paths` (absolute, as a file watcher reports them) to `sources`. On
/// [`Patched::Reload`] nothing useful is left in `sources`: load again.
pub fn apply(sources: &mut Sources, paths: &[PathBuf]) -> Patched {
    let mut applied = Vec::new();
    let mut files = false;
    for path in paths {
        match one(sources, path) {
            Patched::Reload => return Patched::Reload,
            Patched::Sources(_) => applied.push(path.clone()),
            Patched::Files => files = true,
            Patched::Nothing => {}
        }
    }
    if !applied.is_empty() {
        Patched::Sources(applied)
    } else if files {
        Patched::Files
    } else {
        Patched::Nothing
    }
}

/// The kind of content file a path is, by where it sits.
enum Kind {
    Article { stem: String, bundle: bool },
    Comment,
    Author,
    Page,
    Template(String),
}

fn one(sources: &mut Sources, path: &Path) -> Patched {
    let Ok(rel) = path.strip_prefix(&sources.root) else {
        return Patched::Nothing;
    };
    let rel = rel.to_path_buf();
    let parts: Vec<String> = rel
        .components()
        .map(|c| match c {
            Component::Normal(name) => name.to_string_lossy().into_owned(),
            _ => String::new(),
        })
        .collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let exists = path.exists();
    if exists && !path.is_file() {
        // A folder appeared (or changed): what is in it is read by a full load.
        return Patched::Reload;
    }
    if parts.first() != Some(&"static") && load::is_hidden(&rel) {
        // load skips these in content/ and templates/ without a word (static/ publishes them).
        return Patched::Nothing;
    }
    let Some(kind) = kind(&parts) else {
        return other_file(sources, &rel, &parts, exists);
    };
    let rel_path = rel.as_path();
    if let Kind::Article { bundle: true, .. } = kind {
        // A bundle's index.md decides whether the files beside it are published.
        let known = sources.articles.iter().any(|a| a.path == rel_path);
        if known != exists {
            return Patched::Reload;
        }
    }
    forget(sources, rel_path);
    let stem = load::file_stem(rel_path);
    let (root, diagnostics) = (&sources.root, &mut sources.diagnostics);
    match kind {
        Kind::Article { stem, .. } => {
            let (fresh, failed) = reread(
                root,
                rel_path,
                &stem,
                exists,
                load::markdown_source,
                diagnostics,
            );
            put(&mut sources.articles, |s| &s.path, rel_path, fresh);
            mark(&mut sources.failed_articles, stem, failed);
        }
        Kind::Author => {
            let (fresh, failed) = reread(
                root,
                rel_path,
                &stem,
                exists,
                load::toml_source,
                diagnostics,
            );
            put(&mut sources.authors, |s| &s.path, rel_path, fresh);
            mark(&mut sources.failed_authors, stem, failed);
        }
        Kind::Page => {
            let (fresh, _) = reread(
                root,
                rel_path,
                &stem,
                exists,
                load::markdown_source,
                diagnostics,
            );
            put(&mut sources.pages, |s| &s.path, rel_path, fresh);
        }
        Kind::Comment => {
            let (fresh, _) = reread(
                root,
                rel_path,
                &stem,
                exists,
                load::markdown_source,
                diagnostics,
            );
            let article = parts[2].to_string();
            let fresh = fresh.map(|source| CommentSource { article, source });
            put(&mut sources.comments, |c| &c.source.path, rel_path, fresh);
        }
        Kind::Template(name) => {
            // A folder of templates that went: its templates are read again by a full load.
            let folder = format!("{name}/");
            if !exists
                && sources
                    .templates
                    .iter()
                    .any(|(n, _)| n.starts_with(&folder))
            {
                return Patched::Reload;
            }
            sources.templates.retain(|(n, _)| *n != name);
            if exists {
                match load::read_text(rel_path, path) {
                    Ok(text) => {
                        let at = sources.templates.partition_point(|(n, _)| *n < name);
                        sources.templates.insert(at, (name, text));
                    }
                    Err(e) => diagnostics.error(e),
                }
            }
        }
    }
    Patched::Sources(Vec::new())
}

/// Which content file `parts` (the path's parts under the site root) names, if any.
fn kind(parts: &[&str]) -> Option<Kind> {
    let md = |name: &str| name.ends_with(".md");
    match parts {
        ["content", "articles", file] if md(file) => Some(Kind::Article {
            stem: file.trim_end_matches(".md").to_string(),
            bundle: false,
        }),
        ["content", "articles", folder, "index.md"] => Some(Kind::Article {
            stem: folder.to_string(),
            bundle: true,
        }),
        ["content", "comments", _, file] if md(file) => Some(Kind::Comment),
        ["content", "authors", file] if file.ends_with(".toml") => Some(Kind::Author),
        ["content", "pages", file] if md(file) => Some(Kind::Page),
        ["templates", rest @ ..] if !rest.is_empty() => Some(Kind::Template(rest.join("/"))),
        _ => None,
    }
}

/// A path that is no content file: a static or bundle file that is still there needs nothing
/// but a reload (it is served from the disk); one that came or went, or anything unknown that
/// exists, needs a full load. A path that neither exists nor was known was a temporary file.
fn other_file(sources: &Sources, rel: &Path, parts: &[&str], exists: bool) -> Patched {
    let published = match parts {
        ["static", rest @ ..] => sources.static_files.iter().any(|f| *f == rest.join("/")),
        ["content", "articles", ..] => sources.assets.iter().any(|a| a.from.ends_with(rel)),
        _ => false,
    };
    // A file the load warned about (as ignored, say) takes its warning with it when it goes.
    let reported = |d: &Diagnostic| d.path == rel;
    let was_reported = sources.diagnostics.warnings.iter().any(reported)
        || sources.diagnostics.errors.iter().any(reported);
    match (published, exists) {
        (true, true) => Patched::Files,
        (false, false) if !was_reported && !is_known_folder(sources, rel) => Patched::Nothing,
        _ => Patched::Reload,
    }
}

/// Whether some file the site was read from lies under `rel` (a folder that went away).
fn is_known_folder(sources: &Sources, rel: &Path) -> bool {
    let under = |p: &Path| p.starts_with(rel) && p != rel;
    sources.articles.iter().any(|s| under(&s.path))
        || sources.comments.iter().any(|c| under(&c.source.path))
        || sources.authors.iter().any(|s| under(&s.path))
        || sources.pages.iter().any(|s| under(&s.path))
        || rel.strip_prefix("static").is_ok_and(|folder| {
            let folder = load::slash_path(folder);
            let folder = format!("{folder}/");
            folder == "/" || sources.static_files.iter().any(|f| f.starts_with(&folder))
        })
        || rel.as_os_str() == "site.toml"
        || matches!(rel.to_str(), Some("content" | "templates"))
}

/// Drops what the last read of `rel` reported.
fn forget(sources: &mut Sources, rel: &Path) {
    sources.diagnostics.errors.retain(|d| d.path != rel);
    sources.diagnostics.warnings.retain(|d| d.path != rel);
}

/// A fresh read of the file at `rel`, or `None` if it is gone, and whether reading it failed;
/// what the read reports goes to `diagnostics`.
fn reread<F: DeserializeOwned>(
    root: &Path,
    rel: &Path,
    stem: &str,
    exists: bool,
    parse: fn(PathBuf, String, &str) -> Parsed<F>,
    diagnostics: &mut Diagnostics,
) -> (Option<Source<F>>, bool) {
    if !exists {
        return (None, false);
    }
    match load::read_one(root, root.join(rel), stem.to_string(), parse) {
        Ok((source, warnings)) => {
            diagnostics.warnings.extend(warnings);
            (Some(source), false)
        }
        Err(e) => {
            diagnostics.error(e);
            (None, true)
        }
    }
}

/// Puts `fresh` in place of the entry for `rel` in `list` (sorted by path, as a full load leaves
/// it), or just removes that entry.
fn put<T>(list: &mut Vec<T>, path_of: impl Fn(&T) -> &PathBuf, rel: &Path, fresh: Option<T>) {
    let at = list.partition_point(|item| path_of(item).as_path() < rel);
    if list.get(at).is_some_and(|item| path_of(item) == rel) {
        list.remove(at);
    }
    if let Some(item) = fresh {
        list.insert(at, item);
    }
}

/// Records whether the file that names `stem` failed to load, so what refers to it is not
/// reported a second time.
fn mark(failed_set: &mut HashSet<String>, stem: String, failed: bool) {
    if failed {
        failed_set.insert(stem);
    } else {
        failed_set.remove(&stem);
    }
}
