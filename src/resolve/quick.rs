//! The quick path for the edits an editor makes most: an article's text (body, headline,
//! summary, image) or a comment. None of them changes which pages exist or which articles any
//! list holds in which order, so the last snapshot is copied (its articles are shared, so that
//! is cheap) with the one article replaced, and every page that shows it is right the next time
//! it is rendered. Anything else (a date, tags, a byline, a new file, a warning that comes or
//! goes) takes the full path, which is always right.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Diagnostics;
use crate::load::layout::{self, Entry};
use crate::model::site::{Article, Site, Status};
use crate::model::sources::ArticleFront;
use crate::model::sources::Sources;
use crate::resolve::authors::Authors;
use crate::resolve::{self, comments};

/// What the quick path needs to know of the sources before a patch: the front matter of the
/// changed articles, and every diagnostic, which must not change.
pub struct Before {
    fronts: HashMap<PathBuf, ArticleFront>,
    diagnostics: Diagnostics,
}

impl Before {
    /// Takes note of `sources` before the files at `changed` are read again.
    pub fn note(sources: &Sources, changed: &[PathBuf]) -> Before {
        let rels: Vec<&Path> = changed
            .iter()
            .filter_map(|p| p.strip_prefix(&sources.root).ok())
            .collect();
        let fronts = sources
            .articles
            .iter()
            .filter(|a| rels.contains(&a.path.as_path()))
            .map(|a| (a.path.clone(), a.front.clone()))
            .collect();
        Before {
            fronts,
            diagnostics: sources.diagnostics.clone(),
        }
    }
}

/// `site` with the edits at `changed` (the paths [`crate::load::patch::apply`] read again) applied, if
/// they are all text or comment edits that need nothing else; `None` sends the caller down the
/// full path.
pub fn apply(site: &Site, sources: &Sources, changed: &[PathBuf], before: &Before) -> Option<Site> {
    if sources.diagnostics != before.diagnostics {
        return None;
    }
    let mut site = site.clone();
    for path in changed {
        let rel = path.strip_prefix(&sources.root).ok()?;
        match layout::classify(rel) {
            Entry::Article { .. } => text(&mut site, sources, rel, before)?,
            Entry::Comment { article, .. } => thread(&mut site, sources, &article)?,
            _ => return None,
        }
    }
    Some(site)
}

/// The article at `rel` changed, but not its place in the site.
fn text(site: &mut Site, sources: &Sources, rel: &Path, before: &Before) -> Option<()> {
    let source = sources.articles.iter().find(|a| a.path == rel)?;
    if !same_place(before.fronts.get(rel)?, &source.front) {
        return None;
    }
    let i = site.articles.iter().position(|a| a.source == rel)?;
    // A scheduled article may have come due since the last full build: that one decides.
    if site.articles[i].status == Status::Scheduled {
        return None;
    }
    site.articles[i] = Arc::new(resolve::remake(&site.articles[i], source, &site.base_path));
    Some(())
}

/// Whether two versions of an article's front matter give it the same address, the same lists
/// (home, authors, tags, category) and the same place in them, and so the same related articles.
fn same_place(a: &ArticleFront, b: &ArticleFront) -> bool {
    a.date == b.date
        && a.author == b.author
        && a.authors == b.authors
        && a.tags == b.tags
        && a.category == b.category
        && a.slug == b.slug
        && a.aliases == b.aliases
        && a.draft == b.draft
}

/// A comment under `folder` came, went or changed: its article's thread is made again. Only
/// for an article filed under its own slug and file name, whose thread reports nothing.
fn thread(site: &mut Site, sources: &Sources, folder: &str) -> Option<()> {
    let i = site.articles.iter().position(|a| a.slug == folder)?;
    let article = &site.articles[i];
    match layout::classify(&article.source) {
        Entry::Article { stem, .. } if stem == folder => {}
        _ => return None,
    }
    let folder_path = Path::new("content/comments").join(folder);
    if site
        .warnings
        .iter()
        .any(|w| w.path.starts_with(&folder_path))
    {
        return None;
    }
    let comments: Vec<_> = sources
        .comments
        .iter()
        .filter(|c| c.article == folder)
        .collect();
    let authors = Authors::known(site.authors.clone(), sources.failed_authors.clone());
    let mut reported = Diagnostics::default();
    let max_depth = site.config.comments.max_depth;
    let thread = comments::thread(&comments, &authors, max_depth, &mut reported);
    if !reported.errors.is_empty() || !reported.warnings.is_empty() {
        return None;
    }
    let article = Article {
        thread: Arc::new(thread),
        ..Article::clone(article)
    };
    site.articles[i] = Arc::new(article);
    Some(())
}
