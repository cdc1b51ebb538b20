//! The resolve stage: turns [`Sources`] into a [`Site`]. Slugs are settled, bylines linked to
//! authors, comments threaded under their articles, Markdown rendered (in parallel) and the
//! indexes built. Every problem is collected; the stage fails at its end with all of them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use crate::content::{ArticleFront, CommentSource, Source};
use crate::error::{Diagnostic, Diagnostics, Result};
use crate::load::Sources;
use crate::site::{Article, Author, Image, Page, Site, Taxon, TaxonRef};
use crate::thread::{self, Comment, Thread, ThreadError};
use crate::{markdown, sanitize, slugs};

/// What a build is asked to publish.
#[derive(Debug, Clone)]
pub struct ResolveOptions {
    /// Publish drafts and future-dated articles too (for preview).
    pub drafts: bool,
    /// The build's clock: articles dated after it are scheduled, not published.
    pub now: DateTime<Utc>,
    /// Replaces `base_url` from site.toml.
    pub base_url: Option<String>,
}

/// Links up everything that was loaded; fails with every error found.
pub fn resolve(sources: Sources, options: &ResolveOptions) -> Result<Site> {
    let Sources {
        root,
        mut config,
        articles,
        pages,
        authors,
        comments,
        assets,
        static_files,
        templates,
        mut diagnostics,
    } = sources;
    if let Some(base_url) = &options.base_url {
        config.base_url = base_url.clone();
    }
    if !(1..=32).contains(&config.comments.max_depth) {
        diagnostics.error(Diagnostic::new(
            "site.toml",
            format!(
                "[comments] max_depth = {} is out of range: use 1 to 32",
                config.comments.max_depth
            ),
        ));
    }
    if config.per_page == 0 {
        diagnostics.error(Diagnostic::new("site.toml", "per_page = 0: use 1 or more"));
        config.per_page = 1;
    }
    let base_path = config.base_path();
    let link = |path: &str| format!("{base_path}{path}");

    // Authors.
    let mut author_map = BTreeMap::new();
    for source in authors {
        if let Err(why) = slugs::check(&source.stem) {
            diagnostics.error(Diagnostic::new(
                &source.path,
                format!("the author id `{}` {why}", source.stem),
            ));
            continue;
        }
        let front = source.front;
        author_map.insert(
            source.stem.clone(),
            Author {
                url: link(&format!("author/{}/", source.stem)),
                id: source.stem,
                name: front.name,
                role: front.role,
                bio_html: front
                    .bio
                    .map(|bio| markdown::render(&bio).html)
                    .unwrap_or_default(),
                avatar: front.avatar.map(|a| resolve_link(&base_path, "", &a)),
                twitter: front.twitter.map(|t| t.trim_start_matches('@').to_string()),
                website: front.website,
            },
        );
    }

    // Where each root-level name is taken, so clashes can name both files.
    let mut taken: HashMap<String, PathBuf> = HashMap::new();
    for name in slugs::RESERVED {
        taken.insert(
            name.to_string(),
            PathBuf::from("(a path sitrep itself uses)"),
        );
    }
    for file in &static_files {
        let top = file.split('/').next().unwrap_or(file);
        taken
            .entry(top.to_string())
            .or_insert_with(|| PathBuf::from("static").join(top));
    }
    let mut claim = |slug: &str, path: &Path, diagnostics: &mut Diagnostics| -> bool {
        if let Err(why) = slugs::check(slug) {
            diagnostics.error(Diagnostic::new(path, format!("the slug `{slug}` {why}")));
            return false;
        }
        if let Some(other) = taken.get(slug) {
            diagnostics.error(Diagnostic::new(
                path,
                format!(
                    "the slug `{slug}` is already taken by {}: give one of them another `slug`",
                    other.display()
                ),
            ));
            return false;
        }
        taken.insert(slug.to_string(), path.to_path_buf());
        true
    };

    // Articles: settle slugs and bylines first, render Markdown afterwards in parallel.
    struct Pending {
        source: Source<ArticleFront>,
        slug: String,
        authors: Vec<String>,
        published: bool,
    }
    let mut pending = Vec::new();
    for source in articles {
        let slug = source
            .front
            .slug
            .clone()
            .unwrap_or_else(|| source.stem.clone());
        let ok = claim(&slug, &source.path, &mut diagnostics);
        let authors = byline(&source, &author_map, &mut diagnostics);
        let future = source.front.date.0 > options.now;
        let published = options.drafts || !(source.front.draft || future);
        if ok {
            pending.push(Pending {
                source,
                slug,
                authors,
                published,
            });
        }
    }

    // Comments, grouped by article; those of drafts and scheduled articles are checked too.
    let slug_of_stem: HashMap<String, String> = pending
        .iter()
        .map(|p| (p.source.stem.clone(), p.slug.clone()))
        .collect();
    let known_slugs: HashMap<String, usize> = pending
        .iter()
        .enumerate()
        .map(|(i, p)| (p.slug.clone(), i))
        .collect();
    let comment_count = comments.len();
    let mut grouped: Vec<Vec<CommentSource>> = vec![Vec::new(); pending.len()];
    for comment in comments {
        let target = known_slugs.get(&comment.article).or_else(|| {
            slug_of_stem
                .get(&comment.article)
                .and_then(|s| known_slugs.get(s))
        });
        match target {
            Some(&i) => grouped[i].push(comment),
            None => diagnostics.error(Diagnostic::new(
                &comment.source.path,
                format!(
                    "this comment is filed under `{}`, but there is no article with that slug{}",
                    comment.article,
                    did_you_mean(&comment.article, known_slugs.keys().map(String::as_str))
                ),
            )),
        }
    }

    let max_depth = config.comments.max_depth;
    let resolved: Vec<(Article, Diagnostics)> = pending
        .into_par_iter()
        .zip(grouped.into_par_iter())
        .map(|(p, comments)| {
            let mut local = Diagnostics::default();
            let thread = build_thread(comments, &author_map, max_depth, &mut local);
            let article = article(p.source, p.slug, p.authors, thread, p.published, &base_path);
            (article, local)
        })
        .collect();
    let mut articles = Vec::new();
    for (article, local) in resolved {
        diagnostics.extend(local);
        if article.draft {
            continue;
        }
        articles.push(article);
    }
    articles.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));

    // Pages.
    let mut site_pages = Vec::new();
    for source in pages {
        let slug = source
            .front
            .slug
            .clone()
            .unwrap_or_else(|| source.stem.clone());
        if !claim(&slug, &source.path, &mut diagnostics) || (source.front.draft && !options.drafts)
        {
            continue;
        }
        site_pages.push(Page {
            url: link(&format!("{slug}/")),
            slug,
            title: source.front.title,
            description: source.front.description,
            body_html: markdown::render(&source.body).html,
        });
    }
    site_pages.sort_by(|a, b| a.slug.cmp(&b.slug));

    // Files published as they are: static/ at the root, bundle files beside their article.
    let mut files: Vec<(PathBuf, String)> = static_files
        .iter()
        .map(|f| (root.join("static").join(f), f.clone()))
        .collect();
    let live: HashSet<&str> = articles.iter().map(|a| a.slug.as_str()).collect();
    for asset in assets {
        let Some(slug) = slug_of_stem
            .get(&asset.bundle)
            .filter(|s| live.contains(s.as_str()))
        else {
            continue;
        };
        if asset.name == "index.html" {
            diagnostics.error(Diagnostic::new(
                crate::error::relative(&root, &asset.from),
                "a bundle file named index.html would replace the article's page: rename it",
            ));
            continue;
        }
        files.push((asset.from, format!("{slug}/{}", asset.name)));
    }

    let (tags, categories, by_author) = indexes(&articles, &author_map);
    let warnings = diagnostics.finish()?;
    Ok(Site {
        root,
        config,
        base_path,
        articles,
        pages: site_pages,
        authors: author_map,
        tags,
        categories,
        by_author,
        files,
        templates,
        warnings,
        comment_count,
    })
}

/// The article's author ids: `author` first, then `authors`; each must have a file.
fn byline(
    source: &Source<ArticleFront>,
    authors: &BTreeMap<String, Author>,
    diagnostics: &mut Diagnostics,
) -> Vec<String> {
    let mut ids: Vec<String> = source
        .front
        .author
        .iter()
        .chain(&source.front.authors)
        .cloned()
        .collect();
    let mut seen = HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    if ids.is_empty() {
        diagnostics.error(Diagnostic::new(
            &source.path,
            "no author: add `author = \"<id>\"` (a file stem under content/authors/), or `authors = [...]`",
        ));
    }
    for id in &ids {
        if !authors.contains_key(id) {
            diagnostics.error(Diagnostic::new(
                &source.path,
                format!(
                    "author \"{id}\" is not in content/authors/{}",
                    did_you_mean(id, authors.keys().map(String::as_str))
                ),
            ));
        }
    }
    ids.retain(|id| authors.contains_key(id));
    ids
}

fn build_thread(
    comments: Vec<CommentSource>,
    authors: &BTreeMap<String, Author>,
    max_depth: usize,
    diagnostics: &mut Diagnostics,
) -> Thread {
    let mut path_of: HashMap<String, PathBuf> = HashMap::new();
    let mut checked = Vec::with_capacity(comments.len());
    for CommentSource { source, .. } in comments {
        if let Err(why) = slugs::check(&source.stem) {
            diagnostics.error(Diagnostic::new(
                &source.path,
                format!("the comment id `{}` {why}", source.stem),
            ));
            continue;
        }
        let front = source.front;
        if let Some(id) = &front.author_id
            && !authors.contains_key(id)
        {
            diagnostics.error(Diagnostic::new(
                &source.path,
                format!(
                    "author_id \"{id}\" is not in content/authors/{}",
                    did_you_mean(id, authors.keys().map(String::as_str))
                ),
            ));
        }
        let email_hash = front.email_hash.filter(|h| {
            let ok = sanitize::is_email_hash(h);
            if !ok {
                diagnostics.warn(Diagnostic::new(
                    &source.path,
                    "email_hash is not a hex SHA-256 or MD5 digest; no avatar is shown",
                ));
            }
            ok
        });
        path_of.insert(source.stem.clone(), source.path);
        checked.push(Comment {
            id: source.stem,
            parent: front.parent,
            author: front.author,
            date: front.date,
            website: front.website.as_deref().and_then(sanitize::safe_website),
            email_hash: email_hash.map(|h| h.to_ascii_lowercase()),
            author_id: front.author_id.filter(|id| authors.contains_key(id)),
            body_html: sanitize::render_comment(&source.body),
        });
    }
    let (thread, errors) = thread::build(checked, max_depth);
    for error in errors {
        let (id, message) = match error {
            ThreadError::MissingParent { id, parent } => {
                let message = format!(
                    "parent \"{parent}\" is not a comment on this article (comment ids are file stems in this folder)"
                );
                (id, message)
            }
            ThreadError::Loop { id, cycle } => {
                let mut chain = cycle.join(" → ");
                chain.push_str(&format!(" → {}", cycle[0]));
                (
                    id,
                    format!("reply loop: {chain}; one of these must not have a `parent`"),
                )
            }
        };
        diagnostics.error(Diagnostic::new(
            path_of.get(&id).cloned().unwrap_or_default(),
            message,
        ));
    }
    thread
}

fn article(
    source: Source<ArticleFront>,
    slug: String,
    authors: Vec<String>,
    thread: Thread,
    published: bool,
    base_path: &str,
) -> Article {
    let rendered = markdown::render(&source.body);
    let front = source.front;
    let url = format!("{base_path}{slug}/");
    let taxon = |name: &String| TaxonRef {
        slug: slugs::taxon_slug(name),
        name: name.trim().to_string(),
    };
    Article {
        image: front.image.map(|src| Image {
            src: resolve_link(base_path, &format!("{slug}/"), &src),
            alt: front.image_alt.unwrap_or_default(),
            caption: front.image_caption,
        }),
        summary: front.summary.unwrap_or(rendered.first_paragraph),
        body_html: rendered.html,
        title: front.title,
        date: front.date,
        updated: front.updated,
        authors,
        tags: front
            .tags
            .iter()
            .filter(|t| !slugs::taxon_slug(t).is_empty())
            .map(taxon)
            .collect(),
        category: front
            .category
            .as_ref()
            .filter(|c| !slugs::taxon_slug(c).is_empty())
            .map(taxon),
        comments_open: front.comments.unwrap_or(true),
        thread,
        // Unpublished articles are checked like the rest, then left out.
        draft: !published,
        url,
        slug,
    }
}

/// An address from front matter as a link: absolute URLs and `/paths` (under the base path) are
/// kept; anything else is relative to `folder` (an article's own folder, for bundle images).
fn resolve_link(base_path: &str, folder: &str, target: &str) -> String {
    let target = target.trim();
    if target.contains("://") || target.starts_with("data:") {
        target.to_string()
    } else if let Some(rooted) = target.strip_prefix('/') {
        format!("{base_path}{rooted}")
    } else {
        format!("{base_path}{folder}{target}")
    }
}

type Indexes = (
    BTreeMap<String, Taxon>,
    BTreeMap<String, Taxon>,
    BTreeMap<String, Vec<usize>>,
);

/// Tag, category and author indexes over the sorted articles, so archives keep that order.
fn indexes(articles: &[Article], authors: &BTreeMap<String, Author>) -> Indexes {
    let mut tags: BTreeMap<String, Taxon> = BTreeMap::new();
    let mut categories: BTreeMap<String, Taxon> = BTreeMap::new();
    let mut by_author: BTreeMap<String, Vec<usize>> =
        authors.keys().map(|id| (id.clone(), Vec::new())).collect();
    let add = |map: &mut BTreeMap<String, Taxon>, t: &TaxonRef, i: usize| {
        let entry = map.entry(t.slug.clone()).or_insert_with(|| Taxon {
            name: t.name.clone(),
            slug: t.slug.clone(),
            articles: Vec::new(),
        });
        if entry.articles.last() != Some(&i) {
            entry.articles.push(i);
        }
    };
    for (i, article) in articles.iter().enumerate() {
        for tag in &article.tags {
            add(&mut tags, tag, i);
        }
        if let Some(category) = &article.category {
            add(&mut categories, category, i);
        }
        for id in &article.authors {
            by_author.entry(id.clone()).or_default().push(i);
        }
    }
    (tags, categories, by_author)
}

/// ` (did you mean "x"?)` when a known name is close to `wrong`.
fn did_you_mean<'a>(wrong: &str, known: impl Iterator<Item = &'a str>) -> String {
    known
        .map(|k| (strsim::jaro_winkler(wrong, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, k)| format!(" (did you mean \"{k}\"?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_pick_the_closest_name() {
        let known = ["george-allison", "maren-holt"];
        assert_eq!(
            did_you_mean("geroge-allison", known.into_iter()),
            " (did you mean \"george-allison\"?)"
        );
        assert_eq!(did_you_mean("zzz", known.into_iter()), "");
    }

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
