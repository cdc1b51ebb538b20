//! Making each article of the resolve stage: its Markdown rendered, its tags' slugs, its comment
//! thread, in parallel; and the [`Cache`] that lets `serve` make again only what an edit changed.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::{comments, related};
use crate::error::Diagnostics;
use crate::model::comment::Thread;
use crate::model::config::MaxDepth;
use crate::model::site::{Article, Image, Status, TaxonRef, resolve_link};
use crate::model::sources::{ArticleFront, CommentSource, Source};
use crate::render::urls;
use crate::resolve::authors::Authors;
use crate::text::{markdown, slugs};

/// An article whose slug and byline are settled, before its Markdown and comments are.
pub(super) struct Pending<'a> {
    pub source: &'a Source<ArticleFront>,
    pub slug: String,
    pub authors: Vec<String>,
    pub aliases: Vec<String>,
    pub published: Option<Status>,
}

/// What the last resolve made that the next can reuse when its inputs are the same: the costly
/// parts (Markdown, comment threads, related articles) are kept, each with the versions of what
/// it was made from (see [`crate::model::sources::Source::version`]). `serve` keeps one between builds;
/// a one-off build starts with an empty one.
#[derive(Default)]
pub struct Cache {
    /// Whether to fill the cache at all: a one-off build would only pay to throw it away.
    pub(super) keep: bool,
    /// By article file stem. Two files of one stem (`x.md` with its own `slug`, and
    /// `x/index.md`) take turns in one entry: each is then made again on every resolve, which is
    /// slower but never wrong, since every read has its own version.
    articles: HashMap<String, Kept>,
    /// Related articles of every article, with what they were computed from.
    pub(super) related: Option<related::Memory>,
}

impl Cache {
    /// A cache to keep between builds.
    pub fn new() -> Cache {
        Cache {
            keep: true,
            ..Cache::default()
        }
    }
}

/// What one article's files made last time.
struct Kept {
    /// The version of the article's file, and what that file alone makes.
    version: u64,
    own: Own,
    /// What its thread was made from, the thread, and what making it reported.
    thread_key: ThreadKey,
    thread: Arc<Thread>,
    reported: Diagnostics,
}

/// What an article's own file makes: its body, and its tags and category with their slugs
/// (transliteration is not free on ten thousand articles).
#[derive(Clone)]
struct Own {
    body: Arc<markdown::Rendered>,
    tags: Vec<TaxonRef>,
    category: Option<TaxonRef>,
}

impl Own {
    fn new(front: &ArticleFront, body: &str, body_line: usize) -> Own {
        let taxon = |name: &String| {
            let slug = slugs::taxon_slug(name);
            (!slug.is_empty()).then(|| TaxonRef {
                slug,
                name: name.trim().to_string(),
            })
        };
        Own {
            body: Arc::new(markdown::render(body, urls::is_theme_id).from_line(body_line)),
            tags: front.tags.iter().filter_map(taxon).collect(),
            category: front.category.as_ref().and_then(taxon),
        }
    }
}

/// One article resolved: its file's stem, the article, whether and how it is published, what
/// making it reported, and what to keep in the cache if anything had to be made again.
type Made<'a> = (&'a str, Article, Option<Status>, Diagnostics, Option<Kept>);

/// A thread is made from its comment files, the site's authors (staff replies) and the cap.
#[derive(PartialEq)]
struct ThreadKey {
    comments: Vec<u64>,
    authors: u64,
    max_depth: MaxDepth,
}

/// Makes every pending article (with its comments, `grouped` alike), reusing what `cache` holds
/// and leaving there what had to be made again; each with whether it is published and what
/// making it reported.
pub(super) fn make_all(
    pending: &[Pending],
    grouped: &[Vec<&CommentSource>],
    authors: &Authors,
    authors_version: u64,
    max_depth: MaxDepth,
    base_path: &str,
    cache: &mut Cache,
) -> Vec<(Article, Option<Status>, Diagnostics)> {
    let kept_before = &cache.articles;
    let resolved: Vec<Made> = pending
        .par_iter()
        .zip(grouped.par_iter())
        .map(|(p, comments)| {
            let kept = kept_before.get(&p.source.stem);
            let thread_key = ThreadKey {
                comments: comments.iter().map(|c| c.source.version).collect(),
                authors: authors_version,
                max_depth,
            };
            let same_own = kept.filter(|k| k.version == p.source.version);
            let same_thread = kept.filter(|k| k.thread_key == thread_key);
            // Only what had to be made again goes back into the cache.
            let remade = match (same_own, same_thread) {
                (Some(_), Some(_)) => None,
                _ => {
                    let own = match same_own {
                        Some(k) => k.own.clone(),
                        None => Own::new(&p.source.front, &p.source.body, p.source.body_line),
                    };
                    let (thread, reported) = match same_thread {
                        Some(k) => (k.thread.clone(), k.reported.clone()),
                        None => {
                            let mut local = Diagnostics::default();
                            let thread = comments::thread(comments, authors, max_depth, &mut local);
                            (Arc::new(thread), local)
                        }
                    };
                    Some(Kept {
                        version: p.source.version,
                        own,
                        thread_key,
                        thread,
                        reported,
                    })
                }
            };
            let now = remade
                .as_ref()
                .or(kept)
                .expect("kept when nothing was made again");
            let article = article(p, &now.own, now.thread.clone(), base_path);
            let reported = now.reported.clone();
            (
                p.source.stem.as_str(),
                article,
                p.published,
                reported,
                remade,
            )
        })
        .collect();
    let mut made = Vec::with_capacity(resolved.len());
    for (stem, article, published, reported, remade) in resolved {
        if let Some(kept) = remade.filter(|_| cache.keep) {
            cache.articles.insert(stem.to_string(), kept);
        }
        made.push((article, published, reported));
    }
    // Articles that went: every one still here has its entry, so only a longer map has any.
    if cache.articles.len() > pending.len() {
        let live: HashSet<&str> = pending.iter().map(|p| p.source.stem.as_str()).collect();
        cache
            .articles
            .retain(|stem, _| live.contains(stem.as_str()));
    }
    made
}

/// An article made again from its file, keeping what the rest of the site settled for it (slug,
/// byline, aliases, thread, related articles, status): for `serve`, when an edit changed the
/// article's text but not its place in the site (see [`crate::serve`]).
pub fn remake(old: &Article, source: &Source<ArticleFront>, base_path: &str) -> Article {
    let pending = Pending {
        source,
        slug: old.slug.clone(),
        authors: old.authors.clone(),
        aliases: old.aliases.clone(),
        published: None,
    };
    let own = Own::new(&source.front, &source.body, source.body_line);
    Article {
        related: old.related.clone(),
        status: old.status,
        ..article(&pending, &own, old.thread.clone(), base_path)
    }
}

fn article(p: &Pending, own: &Own, thread: Arc<Thread>, base_path: &str) -> Article {
    let front = &p.source.front;
    let slug = &p.slug;
    let rendered = &own.body;
    Article {
        image: front.image.as_ref().map(|src| Image {
            src: resolve_link(base_path, &urls::article(slug), src),
            alt: front.image_alt.clone().unwrap_or_default(),
            caption: front.image_caption.clone(),
            focus: (front.image_focus.as_deref())
                .and_then(crate::images::parse_focus)
                .unwrap_or((0.5, 0.5)),
        }),
        summary: summary(front, rendered),
        body: rendered.clone(),
        title: front.title.clone(),
        date: front.date,
        updated: front.updated,
        authors: p.authors.clone(),
        tags: own.tags.clone(),
        category: own.category.clone(),
        comments_open: front.comments.unwrap_or(true),
        thread,
        related: Vec::new(),
        aliases: p.aliases.clone(),
        source: p.source.path.clone(),
        url: format!("{base_path}{}", urls::article(slug)),
        slug: slug.clone(),
        status: Status::Published,
    }
}

/// The standfirst as written, or the first paragraph when none is (an empty `summary = ""`, as
/// `sitrep new article` leaves it, is none).
pub fn summary(front: &ArticleFront, body: &markdown::Rendered) -> String {
    match &front.summary {
        Some(summary) if !summary.trim().is_empty() => summary.clone(),
        _ => body.first_paragraph.clone(),
    }
}
