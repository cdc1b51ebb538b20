//! Every templated output of a site (HTML pages, redirect pages, feeds), where each goes, and
//! the small context each is rendered with. Part of the render stage.

use serde::Serialize;
use tera::Context;

use crate::model::date::Date;
use crate::model::site::Site;
use crate::render::feeds;
use crate::render::feeds::FeedBodies;
use crate::render::meta::{Crumb, Meta};
use crate::render::urls;
use crate::render::views::{ArticleView, AuthorView, Card, Link, Pagination, ThreadView};

/// One output to render with a template. Owns what it names, so `serve` can keep the list beside
/// the site and render any one of them when it is asked for.
#[derive(Debug, Clone)]
pub enum Job {
    Article(usize),
    Page(usize),
    /// A page of a list: home, an author's archive, a tag or a category.
    List(List),
    Authors,
    Search,
    NotFound,
    /// A redirect from an old address (output path) to an article or a page.
    Redirect {
        to: Target,
        path: String,
    },
    /// An RSS feed of a list's newest articles.
    Feed(List),
}

/// What a redirect leads to.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    Article(usize),
    Page(usize),
}

impl Target {
    /// Its title, link and file.
    pub fn of(self, site: &Site) -> (&str, &str, &std::path::Path) {
        match self {
            Target::Article(i) => {
                let a = &site.articles[i];
                (&a.title, &a.url, &a.source)
            }
            Target::Page(i) => {
                let p = &site.pages[i];
                (&p.title, &p.url, &p.source)
            }
        }
    }
}

/// A list of articles, or one page of it.
#[derive(Debug, Clone)]
pub struct List {
    /// The list's own folder, such as `author/maren-holt/` (`""` for home).
    pub folder: String,
    pub subject: Subject,
    /// The articles on this page (or in this feed), newest first.
    pub articles: Vec<usize>,
    pub page: usize,
    pub total: usize,
}

/// Stories the 404 page offers.
const LATEST_ON_404: usize = 5;

/// What a list is about.
#[derive(Debug, Clone)]
pub enum Subject {
    Home,
    Author(String),
    Taxonomy { kind: &'static str, name: String },
}

/// Every output, in a fixed order; `all` lists every article, for the home page and site feed.
pub fn jobs(site: &Site, all: &[usize]) -> Vec<Job> {
    let mut jobs: Vec<Job> = (0..site.articles.len()).map(Job::Article).collect();
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs.extend([Job::Authors, Job::Search, Job::NotFound]);
    let mut lists = vec![(String::new(), Subject::Home, all)];
    for (id, articles) in &site.by_author {
        lists.push((urls::author(id), Subject::Author(id.clone()), articles));
    }
    for (kind, map) in [(urls::TAG, &site.tags), (urls::CATEGORY, &site.categories)] {
        for taxon in map.values() {
            let subject = Subject::Taxonomy {
                kind,
                name: taxon.name.clone(),
            };
            lists.push((urls::taxon(kind, &taxon.slug), subject, &taxon.articles));
        }
    }
    let per_page = site.config.per_page.max(1);
    for (folder, subject, articles) in lists {
        let total = articles.len().div_ceil(per_page).max(1);
        for page in 1..=total {
            let from = ((page - 1) * per_page).min(articles.len());
            let to = (page * per_page).min(articles.len());
            jobs.push(Job::List(List {
                folder: folder.clone(),
                subject: subject.clone(),
                articles: articles[from..to].to_vec(),
                page,
                total,
            }));
        }
        let newest = &articles[..articles.len().min(site.config.feed_limit)];
        jobs.push(Job::Feed(List {
            folder,
            subject,
            articles: newest.to_vec(),
            page: 1,
            total: 1,
        }));
    }
    for (i, article) in site.articles.iter().enumerate() {
        jobs.extend(article.aliases.iter().map(|path| Job::Redirect {
            to: Target::Article(i),
            path: path.clone(),
        }));
    }
    for (i, page) in site.pages.iter().enumerate() {
        jobs.extend(page.aliases.iter().map(|path| Job::Redirect {
            to: Target::Page(i),
            path: path.clone(),
        }));
    }
    jobs
}

impl Job {
    /// Where the output goes, relative to the output folder.
    pub fn path(&self, site: &Site) -> String {
        match self {
            Job::Article(i) => urls::index_file(&urls::article(&site.articles[*i].slug)),
            Job::Page(i) => urls::index_file(&urls::article(&site.pages[*i].slug)),
            Job::Authors => urls::index_file(&urls::authors()),
            Job::Search => urls::index_file(&urls::search()),
            Job::NotFound => urls::NOT_FOUND.to_string(),
            Job::List(list) => urls::index_file(&urls::list_page(&list.folder, list.page)),
            Job::Redirect { path, .. } => path.clone(),
            Job::Feed(list) => urls::feed(&list.folder),
        }
    }

    /// The page's link and when it last changed, if it belongs in the sitemap.
    pub fn sitemap_entry(&self, site: &Site) -> Option<(String, Option<Date>)> {
        match self {
            Job::Article(i) => Some((
                site.articles[*i].url.clone(),
                Some(site.articles[*i].modified()),
            )),
            // Pages carry no date, and a file's mtime would make builds differ: no lastmod.
            Job::Page(i) => Some((site.pages[*i].url.clone(), None)),
            Job::Authors => Some((
                site.link(&urls::authors()),
                site.articles.iter().map(|a| a.modified()).max(),
            )),
            Job::List(list) => Some((
                site.link(&urls::list_page(&list.folder, list.page)),
                site.newest(&list.articles),
            )),
            Job::Search | Job::NotFound | Job::Redirect { .. } | Job::Feed(_) => None,
        }
    }

    /// The template and context to render.
    pub fn context(&self, site: &Site, bodies: &FeedBodies) -> (&'static str, Context) {
        let mut context = Context::new();
        let (template, title, meta) = match self {
            Job::Article(i) => article_context(site, *i, &mut context),
            Job::Page(i) => page_context(site, *i, &mut context),
            Job::Authors => {
                let authors: Vec<AuthorView> = site
                    .authors
                    .values()
                    .map(|a| AuthorView::new(site, a))
                    .collect();
                context.insert("authors", &authors);
                let url = site.link(&urls::authors());
                let title = site.words.phrase("authors", None, &[]);
                let crumbs = [(title.clone(), url.clone())];
                let description =
                    (site.words).phrase("writers_of", None, &[("site", &site.config.title)]);
                let meta = Meta::page(site, &title, &description, &url, &crumbs);
                ("authors.html", title, meta)
            }
            Job::Search => {
                context.insert("search_index_url", &site.link(urls::SEARCH_INDEX));
                let url = site.link(&urls::search());
                let title = site.words.phrase("search", None, &[]);
                let crumbs = [(title.clone(), url.clone())];
                let meta = Meta::page(site, &title, "", &url, &crumbs);
                ("search.html", title, meta)
            }
            Job::NotFound => {
                // A lost reader is offered a search and the newest stories.
                let latest: Vec<Card> = (site.articles.iter().take(LATEST_ON_404))
                    .map(|a| Card::new(site, a))
                    .collect();
                context.insert("latest", &latest);
                let title = site.words.phrase("page_not_found", None, &[]);
                let mut meta = Meta::page(site, &title, "", "", &[]);
                meta.noindex = true;
                ("404.html", title, meta)
            }
            Job::List(list) => list_context(site, list, &mut context),
            Job::Redirect { to, .. } => {
                let (title, url, _) = to.of(site);
                let target = Link {
                    name: title.to_string(),
                    url: site.absolute(url),
                };
                context.insert("target", &target);
                // The page only points on; search engines read the target's own.
                ("redirect.html", title.to_string(), Meta::default())
            }
            Job::Feed(list) => {
                let (title, description) = list_title(site, list);
                let url = site.link(&list.folder);
                let feed = feeds::FeedView::new(
                    site,
                    bodies,
                    &title,
                    &description,
                    &url,
                    &self.path(site),
                    &list.articles,
                );
                context.insert("feed", &feed);
                ("feed.xml", title, Meta::default())
            }
        };
        context.insert("page_title", &title);
        context.insert("meta", &meta);
        (template, context)
    }
}

/// What an article page shows: the article, its thread, its neighbours and related articles.
fn article_context(site: &Site, i: usize, context: &mut Context) -> (&'static str, String, Meta) {
    let article = &site.articles[i];
    context.insert("article", &ArticleView::new(site, article));
    context.insert("comments", &ThreadView::new(site, article));
    let card = |j: usize| Card::new(site, &site.articles[j]);
    context.insert("newer", &i.checked_sub(1).map(card));
    context.insert("older", &(i + 1 < site.articles.len()).then(|| card(i + 1)));
    let related: Vec<Card> = article.related.iter().map(|&j| card(j)).collect();
    context.insert("related", &related);
    let mut crumbs: Vec<Crumb> = Vec::new();
    if let Some(c) = &article.category {
        let url = site.link(&urls::taxon(urls::CATEGORY, &c.slug));
        crumbs.push((c.name.clone(), url));
    }
    crumbs.push((article.title.clone(), article.url.clone()));
    let meta = Meta::article(site, article, &crumbs);
    ("article.html", article.title.clone(), meta)
}

fn page_context(site: &Site, i: usize, context: &mut Context) -> (&'static str, String, Meta) {
    let page = &site.pages[i];
    context.insert(
        "page",
        &PageView {
            title: &page.title,
            url: &page.url,
            description: page.description.as_deref(),
            body_html: crate::render::pictures::rewrite_body(
                site,
                &urls::article(&page.slug),
                &page.body_html,
            ),
        },
    );
    let crumbs = [(page.title.clone(), page.url.clone())];
    let description = page.description.as_deref().unwrap_or_default();
    let meta = Meta::page(site, &page.title, description, &page.url, &crumbs);
    ("page.html", page.title.clone(), meta)
}

fn list_context(site: &Site, list: &List, context: &mut Context) -> (&'static str, String, Meta) {
    let cards: Vec<Card> = list
        .articles
        .iter()
        .map(|&i| Card::new(site, &site.articles[i]))
        .collect();
    context.insert("articles", &cards);
    let link = |n: usize| site.link(&urls::list_page(&list.folder, n));
    context.insert(
        "pagination",
        &Pagination {
            current: list.page,
            total: list.total,
            previous: (list.page > 1).then(|| link(list.page - 1)),
            next: (list.page < list.total).then(|| link(list.page + 1)),
        },
    );
    let (name, description) = list_title(site, list);
    let url = link(list.page);
    let feed_url = site.link(&urls::feed(&list.folder));
    let mut crumbs: Vec<Crumb> = Vec::new();
    let template = match &list.subject {
        Subject::Home => "index.html",
        Subject::Author(id) => {
            context.insert("author", &AuthorView::new(site, &site.authors[id]));
            context.insert("feed_url", &feed_url);
            let authors = site.words.phrase("authors", None, &[]);
            crumbs.push((authors, site.link(&urls::authors())));
            crumbs.push((name.clone(), site.link(&list.folder)));
            "author.html"
        }
        Subject::Taxonomy { kind, name: taxon } => {
            let view = TaxonomyView {
                kind,
                name: taxon,
                url: &site.link(&list.folder),
                feed_url: &feed_url,
            };
            context.insert("taxonomy", &view);
            crumbs.push((name.clone(), site.link(&list.folder)));
            "taxonomy.html"
        }
    };
    if list.page > 1 {
        let n = Some(list.page as i64);
        crumbs.push((site.words.phrase("page_n", n, &[]), url.clone()));
    }
    let title = match (&list.subject, list.page) {
        (Subject::Home, 1) => site.config.title.clone(),
        (Subject::Home, n) => site.words.phrase("page_n", Some(n as i64), &[]),
        (_, n) => page_title(site, &name, n),
    };
    let mut meta = Meta::page(site, &title, &description, &url, &crumbs);
    match &list.subject {
        Subject::Home => {}
        Subject::Author(id) => {
            meta = meta.with_feed(site.title_with(&name), feed_url);
            meta = Meta::author(site, &site.authors[id], meta);
        }
        Subject::Taxonomy { .. } => meta = meta.with_feed(site.title_with(&name), feed_url),
    }
    (template, title, meta)
}

/// A list's name and a line describing it, for its pages and its feed.
fn list_title(site: &Site, list: &List) -> (String, String) {
    match &list.subject {
        Subject::Home => (site.config.title.clone(), site.config.description.clone()),
        Subject::Author(id) => {
            let name = site.authors[id].name.clone();
            let description = site.words.phrase("articles_by", None, &[("name", &name)]);
            (name, description)
        }
        Subject::Taxonomy { kind, name } => {
            let key = match *kind {
                urls::TAG => "articles_tagged",
                _ => "section_articles",
            };
            let description = site.words.phrase(key, None, &[("name", name)]);
            (name.to_string(), description)
        }
    }
}

/// "Navy", then "Navy – page 2" and so on.
fn page_title(site: &Site, name: &str, page: usize) -> String {
    if page == 1 {
        name.to_string()
    } else {
        (site.words).phrase("title_page_n", Some(page as i64), &[("title", name)])
    }
}

#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    url: &'a str,
    description: Option<&'a str>,
    body_html: std::borrow::Cow<'a, str>,
}

#[derive(Serialize)]
struct TaxonomyView<'a> {
    kind: &'a str,
    name: &'a str,
    url: &'a str,
    feed_url: &'a str,
}
