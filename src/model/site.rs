//! The resolved site: every article, author, page and comment thread linked up, checked and
//! sorted, with the indexes the pages are built from. Made by [`crate::resolve`], read by
//! [`crate::render`]; nothing here touches the disk.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::error::Diagnostic;
use crate::model::comment::Thread;
use crate::model::config::Config;
use crate::model::date::Date;
use crate::model::words::Words;
use crate::text::markdown::Rendered;

/// The whole site, ready to render. Cheap to clone: `serve` changes one article of a copy.
#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    /// The prefix of every link, from `base_url` (`/` or `/news/`).
    pub base_path: String,
    /// Published articles, newest first (then by slug, so order never depends on the disk).
    pub articles: Vec<Arc<Article>>,
    /// Published stand-alone pages, by slug.
    pub pages: Vec<Page>,
    /// Every author, by id.
    pub authors: BTreeMap<String, Author>,
    /// Tags by slug, with their articles (indexes into `articles`, newest first).
    pub tags: BTreeMap<String, Taxon>,
    /// Categories by slug, likewise.
    pub categories: BTreeMap<String, Taxon>,
    /// Each author's articles (indexes into `articles`, newest first); every author has an entry.
    pub by_author: BTreeMap<String, Vec<usize>>,
    /// Files to publish as they are: (file on disk, path in the output).
    pub files: Vec<(PathBuf, String)>,
    /// The image stage's cache folder, whose files are published by hard link.
    pub image_cache: Option<PathBuf>,
    /// The photographs resized by [`crate::images`], by output path (empty until then).
    pub images: std::collections::HashMap<String, crate::images::Processed>,
    /// What was odd but not wrong.
    pub warnings: Vec<Diagnostic>,
    /// Articles read but not published in this build (drafts, and scheduled ones not yet due).
    pub left_out: usize,
    /// The build's clock (for the news sitemap).
    pub now: DateTime<Utc>,
    /// The words pages are written in.
    pub words: Words,
}

/// A published article.
#[derive(Debug, Clone)]
pub struct Article {
    /// The article's file, relative to the site root (for messages).
    pub source: PathBuf,
    pub slug: String,
    /// Its link, with the base path.
    pub url: String,
    pub title: String,
    pub date: Date,
    pub updated: Option<Date>,
    /// Author ids, in byline order; all exist in [`Site::authors`].
    pub authors: Vec<String>,
    /// The standfirst, written or taken from the first paragraph (plain text).
    pub summary: String,
    /// The body rendered, with its word count; shared with [`crate::resolve::Cache`].
    pub body: Arc<Rendered>,
    pub tags: Vec<TaxonRef>,
    pub category: Option<TaxonRef>,
    pub image: Option<Image>,
    pub comments_open: bool,
    pub thread: Arc<Thread>,
    /// Up to three articles on the same subject (indexes into [`Site::articles`]).
    pub related: Vec<usize>,
    /// Output paths of redirect pages from old addresses, such as `2019/05/old/index.html`.
    pub aliases: Vec<String>,
    /// Published, or shown only because drafts were asked for (`--drafts`, `serve`).
    pub status: Status,
}

/// Whether an article is out, or only previewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Published,
    /// `draft = true`.
    Draft,
    /// Dated after the build's clock.
    Scheduled,
}

/// A lead image.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Image {
    /// Its address, resolved against the article's own folder when relative.
    pub src: String,
    pub alt: String,
    pub caption: Option<String>,
    /// Where the social card's crop centres: fractions of the width and height.
    pub focus: (f64, f64),
}

/// A tag or category as an article names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxonRef {
    pub name: String,
    pub slug: String,
}

/// A tag or category with its articles.
#[derive(Debug, Clone)]
pub struct Taxon {
    /// The name as first written (articles sorted newest first).
    pub name: String,
    pub slug: String,
    pub articles: Vec<usize>,
}

/// A site author.
#[derive(Debug, Clone)]
pub struct Author {
    pub id: String,
    pub name: String,
    pub role: Option<String>,
    pub bio_html: String,
    pub avatar: Option<String>,
    pub twitter: Option<String>,
    pub website: Option<String>,
    pub url: String,
}

/// A stand-alone page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The page's file, relative to the site root (for messages).
    pub source: PathBuf,
    pub slug: String,
    pub url: String,
    pub title: String,
    pub description: Option<String>,
    pub body_html: String,
    /// The body's links, where written (for the link check).
    pub links: Vec<crate::text::markdown::LinkAt>,
    /// Output paths of redirect pages from old addresses (WordPress's `/parent/child/`).
    pub aliases: Vec<String>,
}

/// An address from front matter as a link: absolute URLs and `/paths` (under the base path) are
/// kept; anything else is relative to `folder` (an article's own folder, for bundle images).
pub fn resolve_link(base_path: &str, folder: &str, target: &str) -> String {
    let target = target.trim();
    if target.contains("://") || target.starts_with("data:") {
        target.to_string()
    } else if let Some(rooted) = target.strip_prefix('/') {
        format!("{base_path}{rooted}")
    } else {
        format!("{base_path}{folder}{target}")
    }
}

impl Site {
    /// A link to `path` (no leading slash) under the base path.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path)
    }

    /// A link as an absolute URL, for feeds, sitemaps and metadata: root-relative links get the
    /// scheme and host of `base_url` (and stay root-relative when `base_url` is only a path).
    pub fn absolute(&self, link: &str) -> String {
        if !link.starts_with('/') || link.starts_with("//") {
            return link.to_string();
        }
        let base = self.config.base_url.trim();
        match base.split_once("://") {
            Some((scheme, rest)) => {
                let host = rest.split('/').next().unwrap_or(rest);
                format!("{scheme}://{host}{link}")
            }
            None => link.to_string(),
        }
    }

    /// A page or feed title followed by the site's name ("Navy – The Ridgeline"); the site's
    /// own name alone for the home page.
    pub fn title_with(&self, title: &str) -> String {
        if title.is_empty() || title == self.config.title {
            self.config.title.clone()
        } else {
            format!("{title} – {}", self.config.title)
        }
    }

    /// An article's authors, in byline order.
    pub fn authors_of<'a>(&'a self, article: &'a Article) -> impl Iterator<Item = &'a Author> + 'a {
        article.authors.iter().filter_map(|id| self.authors.get(id))
    }

    /// The newest publication or update time of these articles.
    pub fn newest(&self, articles: &[usize]) -> Option<Date> {
        articles.iter().map(|&i| self.articles[i].modified()).max()
    }
}

impl Article {
    /// When the article last changed: its update time, or its publication time.
    pub fn modified(&self) -> Date {
        self.updated.filter(|u| *u > self.date).unwrap_or(self.date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_against_the_base_and_folder() {
        assert_eq!(
            resolve_link("/news/", "frigate/", "lead.jpg"),
            "/news/frigate/lead.jpg"
        );
        assert_eq!(
            resolve_link("/news/", "frigate/", "/images/a.jpg"),
            "/news/images/a.jpg"
        );
        assert_eq!(
            resolve_link("/", "x/", "https://cdn.example/a.jpg"),
            "https://cdn.example/a.jpg"
        );
    }
}
