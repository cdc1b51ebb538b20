//! The load stage: reads `site.toml`, every content file, the site's templates and the list of
//! static files, in parallel, and parses front matter. Problems are collected, not thrown, so one
//! run reports them all.

pub mod front_matter;
pub mod patch;

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::error::{Diagnostic, Diagnostics, Error, Result, relative};
use crate::fs;
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
        diagnostics.warn(Diagnostic::new(
            "site.toml",
            "no site.toml: using default settings",
        ));
        Config::default()
    };

    let content = root.join("content");
    let (articles, assets) = article_files(&root, &content.join("articles"), &mut diagnostics)?;
    let (articles, failed_articles) = read_all(
        &root,
        articles,
        markdown_source::<ArticleFront>,
        &mut diagnostics,
    );

    let pages = files_with_ext(&content.join("pages"), "md", &root, &mut diagnostics)?;
    let (pages, _) = read_all(&root, pages, markdown_source::<PageFront>, &mut diagnostics);

    let authors = files_with_ext(&content.join("authors"), "toml", &root, &mut diagnostics)?;
    let (authors, failed_authors) =
        read_all(&root, authors, toml_source::<AuthorFront>, &mut diagnostics);

    let comments = comment_files(&root, &content.join("comments"), &mut diagnostics)?;
    let comments = read_all(
        &root,
        comments,
        markdown_source::<CommentFront>,
        &mut diagnostics,
    )
    .0
    .into_iter()
    .map(|source| CommentSource {
        article: source
            .path
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        source,
    })
    .collect();

    let static_dir = root.join("static");
    let static_files = walk(&root, &static_dir, &mut diagnostics)
        .iter()
        .map(|p| slash_path(&relative(&static_dir, p)))
        .collect();

    let templates_dir = root.join("templates");
    let mut templates = Vec::new();
    for path in walk(&root, &templates_dir, &mut diagnostics) {
        let name = slash_path(&relative(&templates_dir, &path));
        if is_hidden(Path::new(&name)) {
            continue;
        }
        match read_text(&relative(&root, &path), &path) {
            Ok(text) => templates.push((name, text)),
            Err(e) => diagnostics.error(e),
        }
    }

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

/// `content/articles/<slug>.md`, and `content/articles/<slug>/index.md` with the files beside it
/// (at any depth below the bundle folder), which are published beside the article.
fn article_files(
    root: &Path,
    dir: &Path,
    diagnostics: &mut Diagnostics,
) -> Result<(Vec<Named>, Vec<Asset>)> {
    let files = walk(root, dir, diagnostics);
    let parts_of = |path: &Path| -> Vec<String> {
        relative(dir, path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect()
    };
    let bundles: HashSet<String> = files
        .iter()
        .map(|p| parts_of(p))
        .filter(|parts| parts.len() == 2 && parts[1] == "index.md")
        .map(|mut parts| parts.swap_remove(0))
        .collect();
    let mut articles = Vec::new();
    let mut assets = Vec::new();
    for path in &files {
        if is_hidden(&relative(dir, path)) {
            continue;
        }
        let parts = parts_of(path);
        let markdown = path.extension().is_some_and(|e| e == "md");
        let why = match parts.as_slice() {
            [_] if markdown => {
                articles.push((path.clone(), file_stem(path)));
                continue;
            }
            [bundle, index] if index == "index.md" => {
                articles.push((path.clone(), bundle.clone()));
                continue;
            }
            [bundle, ..] if bundles.contains(bundle) && !markdown => {
                assets.push(Asset {
                    bundle: bundle.clone(),
                    from: path.clone(),
                    name: parts[1..].join("/"),
                });
                continue;
            }
            [bundle, ..] if bundles.contains(bundle) => {
                "ignored: a bundle's one Markdown file is its index.md; other .md files are not published"
            }
            _ => {
                "ignored: articles are `<slug>.md` or `<slug>/index.md` directly under content/articles/"
            }
        };
        diagnostics.warn(Diagnostic::new(relative(root, path), why));
    }
    Ok((articles, assets))
}

/// `content/comments/<article-slug>/<comment-id>.md`.
fn comment_files(root: &Path, dir: &Path, diagnostics: &mut Diagnostics) -> Result<Vec<Named>> {
    let mut comments = Vec::new();
    for path in walk(root, dir, diagnostics) {
        let rel = relative(dir, &path);
        if rel.components().count() == 2 && path.extension().is_some_and(|e| e == "md") {
            comments.push((path.clone(), file_stem(&path)));
        } else if !is_hidden(&rel) {
            diagnostics.warn(Diagnostic::new(
                relative(root, &path),
                "ignored: comments are `content/comments/<article-slug>/<comment-id>.md`",
            ));
        }
    }
    Ok(comments)
}

/// The files directly in `dir` with extension `ext`; anything else there is warned about.
fn files_with_ext(
    dir: &Path,
    ext: &str,
    root: &Path,
    diagnostics: &mut Diagnostics,
) -> Result<Vec<Named>> {
    let mut found = Vec::new();
    for path in walk(root, dir, diagnostics) {
        let rel = relative(dir, &path);
        if rel.components().count() == 1 && path.extension().is_some_and(|e| e == ext) {
            found.push((path.clone(), file_stem(&path)));
        } else if !is_hidden(&rel) {
            diagnostics.warn(Diagnostic::new(
                relative(root, &path),
                format!(
                    "ignored: only `.{ext}` files directly in {} are read",
                    relative(root, dir).display()
                ),
            ));
        }
    }
    Ok(found)
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
/// The files under `dir` (see [`fs::files_under`]); what cannot be walked is an error in the
/// build's report, and the walk goes on past it.
fn walk(root: &Path, dir: &Path, diagnostics: &mut Diagnostics) -> Vec<PathBuf> {
    let (files, errors) = fs::files_under(dir);
    for error in errors {
        if let Error::Io { path, source } = error {
            diagnostics.error(Diagnostic::new(
                relative(root, &path),
                format!("cannot read this: {source}"),
            ));
        }
    }
    files
}

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
    Ok((
        Source {
            path,
            stem,
            front,
            body,
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
            body: String::new(),
            version: next_version(),
        },
        warnings,
    ))
}

pub(crate) fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Dot-files (`.DS_Store`, editors' swap files) and editors' backup and autosave files (`x.md~`,
/// `#x.md#`) are skipped without a word.
pub(crate) fn is_hidden(rel: &Path) -> bool {
    rel.components().any(|c| match c {
        Component::Normal(name) => {
            let name = name.to_string_lossy();
            name.starts_with('.')
                || name.ends_with('~')
                || (name.starts_with('#') && name.ends_with('#'))
        }
        _ => false,
    })
}

pub(crate) fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
