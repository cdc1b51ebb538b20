//! What editors and readers write, as read from disk: the front matter of each kind of content
//! file and the files themselves, as the load stage leaves them; [`crate::resolve`] turns these into the
//! linked-up [`crate::model::site::Site`].

use std::collections::HashSet;
use std::path::PathBuf;

use serde::Deserialize;

use crate::error::Diagnostics;
use crate::model::config::Config;
use crate::model::date::Date;

/// One content file: where it is, its front matter and its Markdown body.
#[derive(Debug, Clone)]
pub struct Source<F> {
    /// The file, relative to the site root (for messages).
    pub path: PathBuf,
    /// The name the file gives the item: the file stem, or the folder of a bundle.
    pub stem: String,
    pub front: F,
    /// Where each top-level field is written: (key, line, column of its value), so an error
    /// found later about a field's value points at it.
    pub fields: Vec<(String, usize, usize)>,
    pub body: String,
    /// The line of the file the body starts on (from 1), so a position in the body becomes one
    /// in the file.
    pub body_line: usize,
    /// Different for every read of every file (see [`next_version`]), so `serve` can tell
    /// which results of the last build still hold without comparing texts.
    pub version: u64,
}

impl<F> Source<F> {
    /// A diagnostic about the value of `key`, at its line and column when it is written.
    pub fn at(&self, key: &str, message: impl Into<String>) -> crate::error::Diagnostic {
        match self.fields.iter().find(|(k, _, _)| k == key) {
            Some((_, line, column)) => {
                crate::error::Diagnostic::at(&self.path, *line, *column, message)
            }
            None => crate::error::Diagnostic::new(&self.path, message),
        }
    }
}

/// A number no earlier read was given.
pub fn next_version() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// An article's front matter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ArticleFront {
    pub title: String,
    pub date: Date,
    pub author: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub category: Option<String>,
    pub image: Option<String>,
    pub image_alt: Option<String>,
    pub image_caption: Option<String>,
    /// The social card's focal point: `"x,y"`, fractions of the width and height.
    pub image_focus: Option<String>,
    pub updated: Option<Date>,
    #[serde(default)]
    pub draft: bool,
    pub slug: Option<String>,
    pub comments: Option<bool>,
    /// Old addresses of the article (`/2019/05/old-slug/`), each given a redirect page.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A stand-alone page's front matter.
#[derive(Debug, Clone, Deserialize)]
pub struct PageFront {
    pub title: String,
    pub description: Option<String>,
    pub slug: Option<String>,
    #[serde(default)]
    pub draft: bool,
    /// Old addresses of the page, each given a redirect page.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// An author file (`content/authors/<id>.toml`).
#[derive(Debug, Clone, Deserialize)]
pub struct AuthorFront {
    pub name: String,
    pub role: Option<String>,
    pub bio: Option<String>,
    pub avatar: Option<String>,
    pub twitter: Option<String>,
    pub website: Option<String>,
    /// Kept for the newsroom's own use; never published.
    pub email: Option<String>,
}

/// A reader comment's front matter. Every field but `author_id` was typed by a stranger.
#[derive(Debug, Clone, Deserialize)]
pub struct CommentFront {
    pub author: String,
    pub date: Date,
    pub parent: Option<String>,
    pub website: Option<String>,
    pub email_hash: Option<String>,
    pub author_id: Option<String>,
}

/// A comment file with the article it belongs to (the name of its folder).
#[derive(Debug, Clone)]
pub struct CommentSource {
    pub article: String,
    pub source: Source<CommentFront>,
}

/// A file that sits beside an article bundle's `index.md` and is published beside its page.
#[derive(Debug, Clone)]
pub struct Asset {
    /// The bundle folder's name (the article's file stem).
    pub bundle: String,
    /// The file on disk.
    pub from: PathBuf,
    /// Its path inside the bundle folder, with `/` separators.
    pub name: String,
}

/// Everything read from a site folder, before anything is linked up.
#[derive(Debug)]
pub struct Sources {
    /// The site folder, absolute.
    pub root: PathBuf,
    pub config: Config,
    pub articles: Vec<Source<ArticleFront>>,
    pub pages: Vec<Source<PageFront>>,
    pub authors: Vec<Source<AuthorFront>>,
    pub comments: Vec<CommentSource>,
    /// Files published beside bundled articles.
    pub assets: Vec<Asset>,
    /// Files under `static/`, relative to it, with `/` separators.
    pub static_files: Vec<String>,
    /// The site's own templates (name relative to `templates/`, text).
    pub templates: Vec<(String, String)>,
    /// Names (stems) of the article and author files that could not be read: their errors are
    /// reported once, not again by everything that refers to them.
    pub failed_articles: HashSet<String>,
    pub failed_authors: HashSet<String>,
    /// Errors and warnings found while reading.
    pub diagnostics: Diagnostics,
}
