//! The resolve stage: turns [`Sources`] into a [`Site`]. Slugs are settled, bylines linked to
//! authors, comments threaded under their articles, Markdown rendered (in parallel) and the
//! indexes built. Every problem is collected; the stage fails at its end with all of them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::error::{Diagnostic, Diagnostics, Result, did_you_mean, relative};
use crate::model::config::Config;
use crate::model::site::{Article, Page, Site, Status, Taxon, TaxonRef};
use crate::model::sources::CommentSource;
use crate::model::sources::Sources;
use crate::model::words::Words;
use crate::render::urls;
use crate::resolve::authors::Authors;
use crate::text::{markdown, slugs};

mod article;
pub mod authors;
pub mod comments;
pub mod quick;
pub mod related;
pub mod thread;

use article::Pending;
pub use article::{Cache, remake};

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
pub fn resolve(sources: &Sources, options: &ResolveOptions) -> Result<Site> {
    resolve_cached(sources, options, &mut Cache::default())
}

/// [`resolve`], reusing what `cache` holds from the last resolve and leaving this one's there.
pub fn resolve_cached(
    sources: &Sources,
    options: &ResolveOptions,
    cache: &mut Cache,
) -> Result<Site> {
    let root = &sources.root;
    let mut config = sources.config.clone();
    let mut diagnostics = sources.diagnostics.clone();
    if let Some(base_url) = &options.base_url {
        config.base_url = base_url.clone();
    }
    check_config(&mut config, &mut diagnostics);
    let (words, untranslated) = Words::new(&config.language, &config.words);
    diagnostics.warnings.extend(untranslated);
    let base_path = config.base_path();
    let authors_version = authors_version(sources);
    let authors = Authors::new(
        &sources.authors,
        &sources.failed_authors,
        &base_path,
        &mut diagnostics,
    );
    let mut slugs = SlugClaims::new(&sources.static_files);

    let pending = pending_articles(sources, &authors, &mut slugs, options, &mut diagnostics);
    let stems = slug_of_stem(&pending);
    let (grouped, of_failed) = group_comments(sources, &pending, &stems, &mut diagnostics);
    // The comments of an article whose own file failed are checked all the same (its folder
    // names it), so one run reports every error, theirs included.
    for comments in of_failed.values() {
        comments::thread(
            comments,
            &authors,
            config.comments.max_depth,
            &mut diagnostics,
        );
    }
    let made = article::make_all(
        &pending,
        &grouped,
        &authors,
        authors_version,
        config.comments.max_depth,
        &base_path,
        cache,
    );
    let mut articles = Vec::new();
    let mut left_out = 0;
    for (article, published, reported) in made {
        diagnostics.extend(reported);
        match published {
            Some(status) => articles.push(Article { status, ..article }),
            None => left_out += 1,
        }
    }
    articles.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));

    let pages = pages(
        sources,
        &mut slugs,
        &base_path,
        options.drafts,
        &mut diagnostics,
    );
    let files = published_files(sources, &stems, &articles, &mut diagnostics);
    let (tags, categories, by_author) = indexes(&articles, &authors.by_id);
    let index = related::Index::new(&tags, &categories, &config.related);
    link_related(&mut articles, &index, cache);
    let warnings = diagnostics.finish()?;
    Ok(Site {
        root: root.clone(),
        config,
        base_path,
        articles: articles.into_iter().map(Arc::new).collect(),
        pages,
        authors: authors.by_id,
        tags,
        categories,
        by_author,
        files,
        images: Default::default(),
        image_cache: None,
        warnings,
        left_out,
        now: options.now,
        words,
    })
}

/// A number that changes whenever any author file does. Staff replies name authors: a thread
/// is made again when any author file changes, and when one that failed to load goes (its
/// replies must then be reported).
fn authors_version(sources: &Sources) -> u64 {
    let mut failed: Vec<&String> = sources.failed_authors.iter().collect();
    failed.sort();
    let mut hasher = DefaultHasher::new();
    sources
        .authors
        .iter()
        .for_each(|a| a.version.hash(&mut hasher));
    failed.hash(&mut hasher);
    hasher.finish()
}

/// Every article whose slug is its own, with its byline, redirects and status checked.
fn pending_articles<'a>(
    sources: &'a Sources,
    authors: &Authors,
    slugs: &mut SlugClaims,
    options: &ResolveOptions,
    diagnostics: &mut Diagnostics,
) -> Vec<Pending<'a>> {
    let mut pending = Vec::new();
    for source in &sources.articles {
        let slug = source
            .front
            .slug
            .clone()
            .unwrap_or_else(|| source.stem.clone());
        let claimed = slugs.claim(&slug, &source.path, diagnostics);
        let front = &source.front;
        let byline = authors.byline(source, diagnostics);
        let aliases = alias_paths(&front.aliases, &source.path, diagnostics);
        if let Some(focus) = &front.image_focus
            && crate::images::parse_focus(focus).is_none()
        {
            diagnostics.error(source.at(
                "image_focus",
                format!("image_focus = {focus:?}: write \"x,y\" as fractions of the width and height, such as \"0.5,0.3\" (the centre is \"0.5,0.5\")"),
            ));
        }
        let status = if front.draft {
            Status::Draft
        } else if front.date.0 > options.now {
            Status::Scheduled
        } else {
            Status::Published
        };
        let published = (options.drafts || status == Status::Published).then_some(status);
        if claimed {
            pending.push(Pending {
                source,
                slug,
                authors: byline,
                aliases,
                published,
            });
        }
    }
    pending
}

/// The name each article's file gives it (stem or bundle folder) and the slug it took.
fn slug_of_stem<'a>(pending: &'a [Pending]) -> HashMap<&'a str, &'a str> {
    pending
        .iter()
        .map(|p| (p.source.stem.as_str(), p.slug.as_str()))
        .collect()
}

/// Each article's comments (in the order of `pending`). Comments go to their article by slug,
/// or by file stem when `slug` renamed it; those of drafts and scheduled articles are checked
/// too.
fn group_comments<'a>(
    sources: &'a Sources,
    pending: &[Pending],
    slug_of_stem: &HashMap<&str, &str>,
    diagnostics: &mut Diagnostics,
) -> (
    Vec<Vec<&'a CommentSource>>,
    BTreeMap<&'a str, Vec<&'a CommentSource>>,
) {
    let index_of: HashMap<&str, usize> = pending
        .iter()
        .enumerate()
        .map(|(i, p)| (p.slug.as_str(), i))
        .collect();
    let mut of_failed: BTreeMap<&str, Vec<&CommentSource>> = BTreeMap::new();
    let mut grouped: Vec<Vec<&CommentSource>> = vec![Vec::new(); pending.len()];
    // Comments come sorted by path, so each folder's are together: one lookup a folder.
    let mut last: Option<(&str, Option<usize>)> = None;
    for comment in &sources.comments {
        let folder = comment.article.as_str();
        let target = match last {
            Some((seen, target)) if seen == folder => target,
            _ => {
                let target = index_of
                    .get(folder)
                    .or_else(|| slug_of_stem.get(folder).and_then(|s| index_of.get(s)))
                    .copied();
                last = Some((folder, target));
                target
            }
        };
        match target {
            Some(i) => grouped[i].push(comment),
            // The article's own error is already reported; its comments are checked apart.
            None if sources.failed_articles.contains(folder) => {
                of_failed.entry(folder).or_default().push(comment);
            }
            None => diagnostics.error(Diagnostic::new(
                &comment.source.path,
                format!(
                    "this comment is filed under `{folder}`, but there is no article with that slug{}",
                    did_you_mean(folder, index_of.keys().copied())
                ),
            )),
        }
    }
    (grouped, of_failed)
}

/// The stand-alone pages to publish, by slug.
fn pages(
    sources: &Sources,
    slugs: &mut SlugClaims,
    base_path: &str,
    drafts: bool,
    diagnostics: &mut Diagnostics,
) -> Vec<Page> {
    let mut pages = Vec::new();
    for source in &sources.pages {
        let slug = source
            .front
            .slug
            .clone()
            .unwrap_or_else(|| source.stem.clone());
        if !slugs.claim(&slug, &source.path, diagnostics) || (source.front.draft && !drafts) {
            continue;
        }
        let rendered =
            markdown::render(&source.body, urls::is_theme_id).from_line(source.body_line);
        pages.push(Page {
            url: format!("{base_path}{}", urls::article(&slug)),
            slug,
            title: source.front.title.clone(),
            description: source.front.description.clone(),
            body_html: rendered.html,
            links: rendered.links,
            aliases: alias_paths(&source.front.aliases, &source.path, diagnostics),
            source: source.path.clone(),
        });
    }
    pages.sort_by(|a, b| a.slug.cmp(&b.slug));
    pages
}

/// Files published as they are: static/ at the root, bundle files beside their article.
fn published_files(
    sources: &Sources,
    slug_of_stem: &HashMap<&str, &str>,
    articles: &[Article],
    diagnostics: &mut Diagnostics,
) -> Vec<(PathBuf, String)> {
    let root = &sources.root;
    let mut files: Vec<(PathBuf, String)> = (sources.static_files.iter())
        .map(|f| (root.join("static").join(f), f.clone()))
        .collect();
    let live: HashSet<&str> = articles.iter().map(|a| a.slug.as_str()).collect();
    for asset in &sources.assets {
        let Some(slug) = slug_of_stem
            .get(asset.bundle.as_str())
            .filter(|s| live.contains(*s))
        else {
            continue;
        };
        if asset.name == urls::INDEX {
            diagnostics.error(Diagnostic::new(
                relative(root, &asset.from),
                "a bundle file named index.html would replace the article's page: rename it",
            ));
            continue;
        }
        files.push((asset.from.clone(), urls::article(slug) + &asset.name));
    }
    files
}

/// Up to three related articles for each, remembered in `cache` for the next resolve when it
/// keeps things.
fn link_related(articles: &mut [Article], index: &related::Index, cache: &mut Cache) {
    if cache.keep {
        let memory = related::remember(articles, index, cache.related.take());
        for (article, related) in articles.iter_mut().zip(memory.related()) {
            article.related = related.clone();
        }
        cache.related = Some(memory);
    } else {
        let related = related::all(articles, index);
        for (article, related) in articles.iter_mut().zip(related) {
            article.related = related;
        }
    }
}

/// The output paths of the redirect pages for `aliases`, each bad one reported against `file`.
fn alias_paths(aliases: &[String], file: &Path, diagnostics: &mut Diagnostics) -> Vec<String> {
    aliases
        .iter()
        .filter_map(|alias| match alias_path(alias) {
            Ok(path) => Some(path),
            Err(why) => {
                diagnostics.error(Diagnostic::new(file, format!("alias {alias:?} {why}")));
                None
            }
        })
        .collect()
}

/// The output path of the redirect page for an old address: `/2019/05/story/` becomes
/// `2019/05/story/index.html`, `/old/story.html` stays a file. Every part must be a plain name.
fn alias_path(alias: &str) -> std::result::Result<String, String> {
    let Some(rest) = alias.trim().strip_prefix('/') else {
        return Err(
            "must start with `/` (a path on this site, such as /2019/05/old-slug/)".to_string(),
        );
    };
    if rest.contains(['?', '#']) {
        return Err("has a query or fragment, which a static host cannot redirect".to_string());
    }
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return Err("is the home page".to_string());
    }
    for part in &parts {
        slugs::check(part).map_err(|why| format!("has a part that {why}"))?;
    }
    let last = parts[parts.len() - 1];
    if rest.ends_with('/') || !last.contains('.') {
        Ok(urls::index_file(&format!("{}/", parts.join("/"))))
    } else {
        Ok(parts.join("/"))
    }
}

/// Settings that parse but cannot work.
fn check_config(config: &mut Config, diagnostics: &mut Diagnostics) {
    // When site.toml could not be read, these are the defaults: its error says what to fix.
    if (diagnostics.errors.iter()).any(|d| d.path == Path::new("site.toml")) {
        return;
    }
    for problem in config.comments.intake.problems() {
        diagnostics.error(Diagnostic::new("site.toml", problem));
    }
    let images = &mut config.images;
    if images.widths.is_empty() || images.widths.iter().any(|&w| !(16..=8192).contains(&w)) {
        diagnostics.error(Diagnostic::new(
            "site.toml",
            format!(
                "[images] widths = {:?}: give one width or more, each from 16 to 8192 pixels",
                images.widths
            ),
        ));
        images.widths = vec![800];
    }
    if !(1..=100).contains(&images.quality) {
        diagnostics.error(Diagnostic::new(
            "site.toml",
            format!(
                "[images] quality = {}: use 1 to 100 (82 is the default)",
                images.quality
            ),
        ));
        images.quality = 82;
    }
    if config.per_page == 0 {
        diagnostics.error(Diagnostic::new("site.toml", "per_page = 0: use 1 or more"));
        config.per_page = 1;
    }
    if config.language.trim().is_empty() {
        diagnostics.error(Diagnostic::new(
            "site.toml",
            "language is empty: use a code such as en or en-GB",
        ));
    }
    let base = config.base_url.trim();
    if base.starts_with('/') {
        diagnostics.warn(Diagnostic::new(
            "site.toml",
            format!(
                "base_url {base:?} has no host, so feeds, sitemaps and canonical links cannot be absolute: \
                 set it to the site's address, such as https://example.org/ (or pass --base-url)"
            ),
        ));
    } else if !(base.starts_with("http://") || base.starts_with("https://")) {
        diagnostics.error(Diagnostic::new(
            "site.toml",
            format!("base_url {base:?} must be an address such as https://example.org/ or a path such as /news/"),
        ));
    }
}

/// The names at the site's root, and which file took each, so a clash names both files.
struct SlugClaims {
    taken: HashMap<String, PathBuf>,
}

impl SlugClaims {
    /// Starts with the paths sitrep itself uses and the top-level names in static/.
    fn new(static_files: &[String]) -> SlugClaims {
        let mut taken: HashMap<String, PathBuf> = urls::reserved_names()
            .map(|name| {
                (
                    name.to_string(),
                    PathBuf::from("(a path sitrep itself uses)"),
                )
            })
            .collect();
        for file in static_files {
            let top = file.split('/').next().unwrap_or(file);
            taken
                .entry(top.to_string())
                .or_insert_with(|| PathBuf::from("static").join(top));
        }
        SlugClaims { taken }
    }

    /// Takes `slug` for the file at `path`, or reports why it cannot have it.
    fn claim(&mut self, slug: &str, path: &Path, diagnostics: &mut Diagnostics) -> bool {
        if let Err(why) = slugs::check(slug) {
            diagnostics.error(Diagnostic::new(path, format!("the slug `{slug}` {why}")));
            return false;
        }
        if let Some(other) = self.taken.get(slug) {
            diagnostics.error(Diagnostic::new(
                path,
                format!(
                    "the slug `{slug}` is already taken by {}: give one of them another `slug`",
                    other.display()
                ),
            ));
            return false;
        }
        self.taken.insert(slug.to_string(), path.to_path_buf());
        true
    }
}

type Indexes = (
    BTreeMap<String, Taxon>,
    BTreeMap<String, Taxon>,
    BTreeMap<String, Vec<usize>>,
);

/// Tag, category and author indexes over the sorted articles, so archives keep that order.
fn indexes(
    articles: &[Article],
    authors: &BTreeMap<String, crate::model::site::Author>,
) -> Indexes {
    let mut tags: BTreeMap<String, Taxon> = BTreeMap::new();
    let mut categories: BTreeMap<String, Taxon> = BTreeMap::new();
    let mut by_author: BTreeMap<String, Vec<usize>> =
        authors.keys().map(|id| (id.clone(), Vec::new())).collect();
    let add = |map: &mut BTreeMap<String, Taxon>, t: &TaxonRef, i: usize| {
        // Looked up before inserting: a new key (a copy of the slug) is made once a taxon.
        if !map.contains_key(&t.slug) {
            let taxon = Taxon {
                name: t.name.clone(),
                slug: t.slug.clone(),
                articles: Vec::new(),
            };
            map.insert(t.slug.clone(), taxon);
        }
        let entry = map.get_mut(&t.slug).expect("inserted above");
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
