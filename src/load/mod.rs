//! The load stage: reads `site.toml`, every content file, the site's templates and the list of
//! static files, in parallel, and parses front matter. Problems are collected, not thrown, so one
//! run reports them all.

pub mod front_matter;
pub mod layout;
#[cfg(test)]
mod layout_props;
pub mod patch;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::error::{Diagnostic, Diagnostics, Error, Result, relative};
use crate::fs;
use crate::load::layout::Entry;
use crate::model::config::Config;
use crate::model::sources::{
    ArticleFront, Asset, AuthorFront, CommentFront, CommentSource, PageFront, Source, Sources,
    next_version,
};

/// Reads the site at `root`.
pub fn load(root: &Path) -> Result<Sources> {
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "{}: no such site folder (pass the folder that holds site.toml with --root)",
            root.display()
        )));
    }
    let root = fs::absolute(root)?;
    let mut diagnostics = Diagnostics::default();

    let config_path = root.join("site.toml");
    let config = if config_path.exists() {
        let text = fs::read_to_string(&config_path)?;
        match front_matter::parse_toml::<Config>(Path::new("site.toml"), &text, 0) {
            Ok((config, warnings)) => {
                diagnostics.warnings.extend(warnings);
                config
            }
            Err(e) => {
                diagnostics.error(e);
                Config::default()
            }
        }
    } else {
        // Building whatever folder one stands in into ./public would surprise; say how to start.
        return Err(Error::Usage(format!(
            "{}: no site.toml here, so this is not a site: make one with `sitrep init DIR`, or \
             pass the site's folder with --root",
            root.display()
        )));
    };

    let found = find_files(&root, &mut diagnostics);
    let (articles, failed_articles) = read_all(
        &root,
        found.articles,
        markdown_source::<ArticleFront>,
        &mut diagnostics,
    );
    let (pages, _) = read_all(
        &root,
        found.pages,
        markdown_source::<PageFront>,
        &mut diagnostics,
    );
    let (authors, failed_authors) = read_all(
        &root,
        found.authors,
        toml_source::<AuthorFront>,
        &mut diagnostics,
    );
    let comments = read_all(
        &root,
        found.comments,
        markdown_source::<CommentFront>,
        &mut diagnostics,
    )
    .0
    .into_iter()
    .filter_map(|source| match layout::classify(&source.path) {
        Entry::Comment { article, .. } => Some(CommentSource { article, source }),
        _ => None,
    })
    .collect();

    let mut templates = Vec::new();
    for (path, name) in found.templates {
        match read_text(&relative(&root, &path), &path) {
            Ok(text) => templates.push((name, text)),
            Err(e) => diagnostics.error(e),
        }
    }
    let (assets, static_files) = (found.assets, found.static_files);

    Ok(Sources {
        root,
        config,
        articles,
        pages,
        authors,
        comments,
        assets,
        static_files,
        templates,
        failed_articles,
        failed_authors,
        diagnostics,
    })
}

/// The files a site is read from, sorted, each as [`layout::classify`] names it.
#[derive(Default)]
struct Found {
    articles: Vec<Named>,
    pages: Vec<Named>,
    authors: Vec<Named>,
    comments: Vec<Named>,
    assets: Vec<Asset>,
    templates: Vec<Named>,
    static_files: Vec<String>,
}

/// Walks `content/`, `templates/` and `static/` and sorts what is there by kind; strays are
/// warned about, what cannot be walked is an error (unless the layout skips it anyway).
fn find_files(root: &Path, diagnostics: &mut Diagnostics) -> Found {
    let mut found = Found::default();
    let mut bundle_files = Vec::new();
    let mut bundles = HashSet::new();
    for top in ["content", "templates", "static"] {
        let (files, errors) = fs::files_under(&root.join(top));
        for error in errors {
            if let Error::Io { path, source } = error {
                let rel = relative(root, &path);
                if !matches!(layout::classify(&rel), Entry::Skipped | Entry::Outside) {
                    diagnostics.error(Diagnostic::new(rel, format!("cannot read this: {source}")));
                }
            }
        }
        for path in files {
            let rel = relative(root, &path);
            match layout::classify(&rel) {
                Entry::Article { stem, bundle } => {
                    if bundle {
                        bundles.insert(stem.clone());
                    }
                    found.articles.push((path, stem));
                }
                Entry::Page { stem } => found.pages.push((path, stem)),
                Entry::Author { id } => found.authors.push((path, id)),
                Entry::Comment { id, .. } => found.comments.push((path, id)),
                Entry::Template { name } => found.templates.push((path, name)),
                Entry::Static { name } => found.static_files.push(name),
                Entry::BundleFile {
                    bundle,
                    name,
                    markdown,
                } => bundle_files.push((path, bundle, name, markdown)),
                Entry::Stray(why) => diagnostics.warn(Diagnostic::new(rel, why)),
                Entry::SiteConfig | Entry::Skipped | Entry::Outside => {}
            }
        }
    }
    // Whether a folder is a bundle is known once all the articles are.
    let mut assets = Vec::new();
    for (path, bundle, name, markdown) in bundle_files {
        match layout::bundle_file(bundles.contains(&bundle), markdown) {
            Ok(()) => assets.push(Asset {
                bundle,
                from: path,
                name,
            }),
            Err(why) => diagnostics.warn(Diagnostic::new(relative(root, &path), why)),
        }
    }
    found.assets = assets;
    found
}

/// A file to read, with the name it gives its item (its stem, or its bundle's folder).
type Named = (PathBuf, String);

pub(crate) type Parsed<F> = std::result::Result<(Source<F>, Vec<Diagnostic>), Diagnostic>;

/// Reads and parses files in parallel; results keep the sorted order of `files`. Also returns
/// the names of the files that failed.
fn read_all<F: Send>(
    root: &Path,
    files: Vec<Named>,
    parse: fn(PathBuf, String, &str) -> Parsed<F>,
    diagnostics: &mut Diagnostics,
) -> (Vec<Source<F>>, HashSet<String>) {
    let results: Vec<(String, Parsed<F>)> = files
        .into_par_iter()
        .map(|(path, stem)| (stem.clone(), read_one(root, path, stem, parse)))
        .collect();
    let mut sources = Vec::with_capacity(results.len());
    let mut failed = HashSet::new();
    for (stem, result) in results {
        match result {
            Ok((source, warnings)) => {
                diagnostics.warnings.extend(warnings);
                sources.push(source);
            }
            Err(e) => {
                diagnostics.error(e);
                failed.insert(stem);
            }
        }
    }
    (sources, failed)
}

pub(crate) fn read_one<F>(
    root: &Path,
    path: PathBuf,
    stem: String,
    parse: fn(PathBuf, String, &str) -> Parsed<F>,
) -> Parsed<F> {
    let rel = relative(root, &path);
    let text = read_text(&rel, &path)?;
    parse(rel, stem, &text)
}

/// A text file's contents, or a diagnostic saying why it cannot be read.
pub(crate) fn read_text(rel: &Path, path: &Path) -> std::result::Result<String, Diagnostic> {
    let unreadable = |why: String| Diagnostic::new(rel, format!("cannot read this file: {why}"));
    let bytes = fs::read(path).map_err(|e| match e {
        Error::Io { source, .. } => unreadable(source.to_string()),
        other => unreadable(other.to_string()),
    })?;
    String::from_utf8(bytes).map_err(|_| unreadable("it is not UTF-8 text".to_string()))
}

pub(crate) fn markdown_source<F: DeserializeOwned>(
    path: PathBuf,
    stem: String,
    text: &str,
) -> Parsed<F> {
    let split = front_matter::split(&path, text)?;
    let (front, warnings) = front_matter::parse_toml(&path, split.front_matter, split.line_offset)?;
    let body = split.body.to_string();
    let fields = front_matter::field_positions(split.front_matter, split.line_offset);
    // The opening `+++`, the front matter's lines, the closing `+++`.
    let body_line = split.line_offset + split.front_matter.matches('\n').count() + 2;
    Ok((
        Source {
            path,
            stem,
            front,
            fields,
            body,
            body_line,
            version: next_version(),
        },
        warnings,
    ))
}

pub(crate) fn toml_source<F: DeserializeOwned>(
    path: PathBuf,
    stem: String,
    text: &str,
) -> Parsed<F> {
    let (front, warnings) = front_matter::parse_toml(&path, text, 0)?;
    Ok((
        Source {
            path,
            stem,
            front,
            fields: front_matter::field_positions(text, 0),
            body: String::new(),
            body_line: 1,
            version: next_version(),
        },
        warnings,
    ))
}

pub(crate) fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
