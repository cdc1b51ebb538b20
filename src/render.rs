//! The render stage: lists every page of the site, renders each with its own small context, in
//! parallel, and hands the bytes to a [`Sink`] (the staging folder, or nothing for `check`).

use std::collections::HashSet;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::error::{Diagnostic, Diagnostics, Result, relative};
use crate::site::Site;
use crate::templates;
use crate::views::{ArticleView, AuthorView, Card, Link, Pagination, SiteView, ThreadView};

/// Where rendered pages and published files go. Called from many threads at once.
pub trait Sink: Sync {
    /// Stores `bytes` at `path` (relative, `/`-separated, inside the output).
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()>;
    /// Publishes the file `from` at `path`.
    fn copy(&self, from: &Path, path: &str) -> Result<()>;
}

/// What the render stage produced.
#[derive(Debug, Default, Clone, Copy)]
pub struct RenderCounts {
    /// HTML pages rendered.
    pub pages: usize,
    /// Files written in all, pages included.
    pub files: usize,
}

/// One page to render.
enum Job<'a> {
    Article(usize),
    Page(usize),
    /// A page of a list: its template, output folder, and its articles.
    List(List<'a>),
    Authors,
    NotFound,
}

struct List<'a> {
    template: &'static str,
    /// The list's own folder, such as `author/maren-holt/` (`""` for home).
    folder: String,
    /// Extra context: the author or taxonomy the list is about.
    subject: Subject<'a>,
    articles: &'a [usize],
    page: usize,
    total: usize,
}

#[derive(Clone)]
enum Subject<'a> {
    Home,
    Author(&'a str),
    Taxonomy {
        kind: &'static str,
        name: &'a str,
        url: String,
    },
}

impl Job<'_> {
    /// Where the page goes in the output.
    fn path(&self, site: &Site) -> String {
        match self {
            Job::Article(i) => format!("{}/index.html", site.articles[*i].slug),
            Job::Page(i) => format!("{}/index.html", site.pages[*i].slug),
            Job::Authors => "authors/index.html".to_string(),
            Job::NotFound => "404.html".to_string(),
            Job::List(list) => format!("{}index.html", list_folder(&list.folder, list.page)),
        }
    }
}

/// Renders every page of `site` into `sink`.
pub fn render(site: &Site, tera: &Tera, sink: &dyn Sink) -> Result<RenderCounts> {
    let all: Vec<usize> = (0..site.articles.len()).collect();
    let jobs = jobs(site, &all);
    let is_site_template = |name: &str| site.templates.iter().any(|(n, _)| n == name);

    let outcomes: Vec<std::result::Result<(), Vec<Diagnostic>>> = jobs
        .par_iter()
        .map(|job| {
            let (template, path, context) = page(site, job);
            let html = tera
                .render(template, &context)
                .map_err(|e| templates::template_errors(&e, &is_site_template))?;
            sink.write(&path, html.as_bytes())
                .map_err(|e| vec![Diagnostic::new(path, e.to_string())])
        })
        .collect();
    let mut diagnostics = Diagnostics::default();
    for outcome in outcomes {
        for error in outcome.err().into_iter().flatten() {
            diagnostics.error(error);
        }
    }

    // A published file may not take the place of a page.
    let page_paths: HashSet<String> = jobs.iter().map(|job| job.path(site)).collect();
    let mut static_files: Vec<(&Path, &str)> = Vec::with_capacity(site.files.len());
    for (from, to) in &site.files {
        if page_paths.contains(to) {
            diagnostics.error(Diagnostic::new(
                relative(&site.root, from),
                format!(
                    "this file would replace the page sitrep makes at {to}: rename or remove it"
                ),
            ));
        } else {
            static_files.push((from, to));
        }
    }
    diagnostics.finish()?;

    let mut files = jobs.len();
    // The theme's own files, unless the site brings its own of the same name.
    let builtin: Vec<(&str, &str)> = templates::BUILTIN_STATIC
        .iter()
        .filter(|(name, _)| !static_files.iter().any(|(_, p)| p == name))
        .copied()
        .collect();
    for (name, text) in builtin {
        sink.write(name, text.as_bytes())?;
        files += 1;
    }
    let copied: Vec<Result<()>> = static_files
        .par_iter()
        .map(|(from, to)| sink.copy(from, to))
        .collect();
    for result in copied {
        result?;
        files += 1;
    }
    Ok(RenderCounts {
        pages: jobs.len(),
        files,
    })
}

/// The `site` value every template sees; set once as Tera's global context.
pub fn site_view(site: &Site) -> SiteView<'_> {
    let mut nav: Vec<Link> = site
        .categories
        .values()
        .map(|c| Link {
            name: c.name.clone(),
            url: site.link(&format!("category/{}/", c.slug)),
        })
        .collect();
    nav.push(Link {
        name: "Authors".to_string(),
        url: site.link("authors/"),
    });
    nav.extend(site.pages.iter().map(|p| Link {
        name: p.title.clone(),
        url: p.url.clone(),
    }));
    SiteView {
        title: &site.config.title,
        description: &site.config.description,
        base_url: &site.config.base_url,
        base_path: &site.base_path,
        language: &site.config.language,
        nav,
        stylesheet: site.link("css/sitrep.css"),
    }
}

/// Every page of the site, in a fixed order; `all` lists every article, for the home page.
fn jobs<'a>(site: &'a Site, all: &'a [usize]) -> Vec<Job<'a>> {
    let mut jobs: Vec<Job> = (0..site.articles.len()).map(Job::Article).collect();
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs.push(Job::Authors);
    jobs.push(Job::NotFound);
    paginate(
        site,
        &mut jobs,
        "index.html",
        String::new(),
        Subject::Home,
        all,
    );
    for (id, articles) in &site.by_author {
        paginate(
            site,
            &mut jobs,
            "author.html",
            format!("author/{id}/"),
            Subject::Author(id),
            articles,
        );
    }
    for (kind, map) in [("tag", &site.tags), ("category", &site.categories)] {
        for taxon in map.values() {
            let folder = format!("{kind}/{}/", taxon.slug);
            let subject = Subject::Taxonomy {
                kind,
                name: &taxon.name,
                url: site.link(&folder),
            };
            paginate(
                site,
                &mut jobs,
                "taxonomy.html",
                folder,
                subject,
                &taxon.articles,
            );
        }
    }
    jobs
}

fn paginate<'a>(
    site: &Site,
    jobs: &mut Vec<Job<'a>>,
    template: &'static str,
    folder: String,
    subject: Subject<'a>,
    articles: &'a [usize],
) {
    let per_page = site.config.per_page.max(1);
    let total = articles.len().div_ceil(per_page).max(1);
    for page in 1..=total {
        let from = ((page - 1) * per_page).min(articles.len());
        let to = (page * per_page).min(articles.len());
        jobs.push(Job::List(List {
            template,
            folder: folder.clone(),
            subject: subject.clone(),
            articles: &articles[from..to],
            page,
            total,
        }));
    }
}

/// The folder a list's page `n` lives in: the list's own for page 1, `page/<n>/` below it after.
fn list_folder(folder: &str, n: usize) -> String {
    if n == 1 {
        folder.to_string()
    } else {
        format!("{folder}page/{n}/")
    }
}

/// A page's template, output path and context.
fn page<'a>(site: &'a Site, job: &Job<'a>) -> (&'static str, String, Context) {
    let mut context = Context::new();
    match job {
        Job::Article(i) => {
            let article = &site.articles[*i];
            context.insert("article", &ArticleView::new(site, article));
            context.insert("comments", &ThreadView::new(site, article));
            context.insert("page_title", &article.title);
            ("article.html", job.path(site), context)
        }
        Job::Page(i) => {
            let page = &site.pages[*i];
            context.insert(
                "page",
                &PageView {
                    title: &page.title,
                    url: &page.url,
                    description: page.description.as_deref(),
                    body_html: &page.body_html,
                },
            );
            context.insert("page_title", &page.title);
            ("page.html", job.path(site), context)
        }
        Job::Authors => {
            let authors: Vec<AuthorView> = site
                .authors
                .values()
                .map(|a| AuthorView::new(site, a))
                .collect();
            context.insert("authors", &authors);
            context.insert("page_title", "Authors");
            ("authors.html", job.path(site), context)
        }
        Job::NotFound => {
            context.insert("page_title", "Page not found");
            ("404.html", job.path(site), context)
        }
        Job::List(list) => {
            let cards: Vec<Card> = list
                .articles
                .iter()
                .map(|&i| Card::new(site, &site.articles[i]))
                .collect();
            context.insert("articles", &cards);
            let link = |n: usize| site.link(&list_folder(&list.folder, n));
            context.insert(
                "pagination",
                &Pagination {
                    current: list.page,
                    total: list.total,
                    previous: (list.page > 1).then(|| link(list.page - 1)),
                    next: (list.page < list.total).then(|| link(list.page + 1)),
                },
            );
            let title = match &list.subject {
                Subject::Home => site.config.title.clone(),
                Subject::Author(id) => {
                    let author = &site.authors[*id];
                    context.insert("author", &AuthorView::new(site, author));
                    author.name.clone()
                }
                Subject::Taxonomy { kind, name, url } => {
                    context.insert("taxonomy", &TaxonomyView { kind, name, url });
                    name.to_string()
                }
            };
            // The base template adds the site's name after the page's own title.
            let title = match (&list.subject, list.page) {
                (Subject::Home, 1) => title,
                (Subject::Home, n) => format!("Page {n}"),
                (_, 1) => title,
                (_, n) => format!("{title} – page {n}"),
            };
            context.insert("page_title", &title);
            (list.template, job.path(site), context)
        }
    }
}

#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    url: &'a str,
    description: Option<&'a str>,
    body_html: &'a str,
}

#[derive(Serialize)]
struct TaxonomyView<'a> {
    kind: &'a str,
    name: &'a str,
    url: &'a str,
}
