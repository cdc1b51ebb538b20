//! Bringing loaded [`Sources`] up to date with a few changed files, for `serve`: only the files
//! that changed are read again, so reading an edit costs the same on a site of ten articles or
//! of ten thousand. Anything that could change how other files are read (site.toml, a folder, a new
//! bundle, a static file appearing) asks for a full load instead, which is always right.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::error::{Diagnostic, Diagnostics};
use crate::load::layout::{self, Entry};
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

fn one(sources: &mut Sources, path: &Path) -> Patched {
    let Ok(rel) = path.strip_prefix(&sources.root) else {
        return Patched::Nothing;
    };
    let rel = rel.to_path_buf();
    let entry = layout::classify(&rel);
    if entry == Entry::Skipped {
        // A full load never reads these either.
        return Patched::Nothing;
    }
    let exists = path.exists();
    if exists && !path.is_file() {
        // A folder appeared (or changed): what is in it is read by a full load.
        return Patched::Reload;
    }
    let rel_path = rel.as_path();
    if let Entry::Article { bundle: true, .. } = entry {
        // A bundle's index.md decides whether the files beside it are published.
        let known = sources.articles.iter().any(|a| a.path == rel_path);
        if known != exists {
            return Patched::Reload;
        }
    }
    match entry {
        Entry::SiteConfig => return Patched::Reload,
        Entry::Article { .. }
        | Entry::Author { .. }
        | Entry::Page { .. }
        | Entry::Comment { .. }
        | Entry::Template { .. } => forget(&mut sources.diagnostics, rel_path),
        other => return other_file(sources, &rel, &other, exists),
    }
    read_again(sources, entry, rel_path, path, exists)
}

/// Reads the content file at `rel_path` again (or forgets it, when it is gone) into `sources`.
fn read_again(
    sources: &mut Sources,
    entry: Entry,
    rel_path: &Path,
    path: &Path,
    exists: bool,
) -> Patched {
    let file = Reread {
        root: &sources.root,
        rel: rel_path,
        exists,
    };
    let diagnostics = &mut sources.diagnostics;
    match entry {
        Entry::Article { stem, .. } => {
            let (fresh, failed) = file.read(&stem, load::markdown_source, diagnostics);
            put(&mut sources.articles, |s| &s.path, rel_path, fresh);
            mark(&mut sources.failed_articles, stem, failed);
        }
        Entry::Author { id } => {
            let (fresh, failed) = file.read(&id, load::toml_source, diagnostics);
            put(&mut sources.authors, |s| &s.path, rel_path, fresh);
            mark(&mut sources.failed_authors, id, failed);
        }
        Entry::Page { stem } => {
            let (fresh, _) = file.read(&stem, load::markdown_source, diagnostics);
            put(&mut sources.pages, |s| &s.path, rel_path, fresh);
        }
        Entry::Comment { article, id } => {
            let (fresh, _) = file.read(&id, load::markdown_source, diagnostics);
            let fresh = fresh.map(|source| CommentSource { article, source });
            put(&mut sources.comments, |c| &c.source.path, rel_path, fresh);
        }
        Entry::Template { name } => {
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
        _ => {}
    }
    Patched::Sources(Vec::new())
}

/// A path that is no content file: a static or bundle file that is still there needs nothing
/// but a reload (it is served from the disk); one that came or went, or anything unknown that
/// exists, needs a full load. A path that neither exists nor was known was a temporary file.
fn other_file(sources: &Sources, rel: &Path, entry: &Entry, exists: bool) -> Patched {
    let published = match entry {
        Entry::Static { name } => sources.static_files.contains(name),
        Entry::BundleFile { .. } => sources.assets.iter().any(|a| a.from.ends_with(rel)),
        _ => false,
    };
    // A file the load warned about (as ignored, say) takes its warning with it when it goes.
    let reported = |d: &Diagnostic| d.path == rel;
    let was_reported = sources.diagnostics.warnings.iter().any(reported)
        || sources.diagnostics.errors.iter().any(reported);
    match (published, exists) {
        (true, true) => Patched::Files,
        (false, false) if !was_reported && !is_known_folder(sources, rel) => Patched::Nothing,
        // Beside the site's folders: a full load would not read it.
        (false, true) if *entry == Entry::Outside => Patched::Nothing,
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
fn forget(diagnostics: &mut Diagnostics, rel: &Path) {
    diagnostics.errors.retain(|d| d.path != rel);
    diagnostics.warnings.retain(|d| d.path != rel);
}

/// A content file to read again.
struct Reread<'a> {
    root: &'a Path,
    rel: &'a Path,
    /// Whether it is still there.
    exists: bool,
}

impl Reread<'_> {
    /// A fresh read of the file, which gives its item `name`, or `None` if it is gone; and
    /// whether reading it failed. What the read reports goes to `diagnostics`.
    fn read<F: DeserializeOwned>(
        &self,
        name: &str,
        parse: fn(PathBuf, String, &str) -> Parsed<F>,
        diagnostics: &mut Diagnostics,
    ) -> (Option<Source<F>>, bool) {
        if !self.exists {
            return (None, false);
        }
        let path = self.root.join(self.rel);
        match load::read_one(self.root, path, name.to_string(), parse) {
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
