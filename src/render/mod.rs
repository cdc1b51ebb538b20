//! The render stage: renders every page, feed and generated file of the site, each from its own
//! small context and in parallel, and hands the bytes to a [`Sink`] (the staging folder, or
//! nothing for `check`). Two outputs may never claim one path.

pub mod feeds;
pub mod jobs;
pub mod links;
pub mod meta;
pub mod pictures;
pub mod search;
pub mod sitemap;
pub mod templates;
pub mod urls;
pub mod views;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::error::{Diagnostic, Diagnostics, Result, relative};
use crate::model::site::Site;
use crate::render::feeds::FeedBodies;
use crate::render::jobs::Job;
use crate::render::templates::Theme;
use crate::render::views::{Link, SiteView};

/// Where rendered pages and published files go. Called from many threads at once.
pub trait Sink: Sync {
    /// Stores `bytes` at `path` (relative, `/`-separated, inside the output).
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()>;
    /// Publishes the file `from` at `path`.
    fn copy(&self, from: &Path, path: &str) -> Result<()>;
    /// Publishes `from`, a file nobody edits (the image cache's), at `path`: a hard link where
    /// the file system allows, so a large photograph costs no copy.
    fn link(&self, from: &Path, path: &str) -> Result<()> {
        self.copy(from, path)
    }
}

/// What the render stage produced.
#[derive(Debug, Default, Clone)]
pub struct RenderCounts {
    /// HTML pages rendered.
    pub pages: usize,
    /// Files written in all, pages included.
    pub files: usize,
    /// Links in bodies to pages of this site that it does not publish (see [`crate::render::links`]).
    pub broken_links: Vec<Diagnostic>,
}

/// Renders every output of `site` into `sink`.
pub fn render(site: &Site, theme: &Theme, sink: &dyn Sink) -> Result<RenderCounts> {
    render_with_progress(site, theme, sink, &|_, _| {})
}

/// Every output of a site, planned but not yet rendered: the templated ones with the path of
/// each, and the generated files with their text. No two claim one path.
pub struct Outputs {
    pub jobs: Vec<Job>,
    /// Where each job goes, in the order of `jobs`.
    pub paths: Vec<String>,
    /// Sitemaps, the search index, robots.txt and the theme's files, with their text.
    pub generated: Vec<(String, String)>,
}

impl Outputs {
    /// Plans the outputs of `site`; fails if two would take one path.
    pub fn plan(site: &Site) -> Result<Outputs> {
        Outputs::plan_with(site, true)
    }

    /// Plans the outputs but leaves `generated` empty: `serve` makes those files only when
    /// asked for (see [`generated_files`]), since most edits are previewed without them. The
    /// paths they always take are still claimed.
    pub fn plan_pages(site: &Site) -> Result<Outputs> {
        Outputs::plan_with(site, false)
    }

    fn plan_with(site: &Site, generate: bool) -> Result<Outputs> {
        let all: Vec<usize> = (0..site.articles.len()).collect();
        let jobs = jobs::jobs(site, &all);
        let (generated, names) = if generate {
            let generated = generated_files(site, &jobs);
            let names = generated.iter().map(|(path, _)| path.clone()).collect();
            (generated, names)
        } else {
            (Vec::new(), fixed_names(site))
        };
        check_paths(site, &jobs, &names)?;
        let paths = jobs.iter().map(|job| job.path(site)).collect();
        Ok(Outputs {
            jobs,
            paths,
            generated,
        })
    }

    /// Every path the site publishes, copied files included.
    pub fn all_paths<'a>(&'a self, site: &'a Site) -> HashSet<&'a str> {
        self.paths
            .iter()
            .map(String::as_str)
            .chain(self.generated.iter().map(|(path, _)| path.as_str()))
            .chain(site.files.iter().map(|(_, path)| path.as_str()))
            .collect()
    }
}

/// Renders one templated output; errors name the template, line and column. `bodies` are the
/// feed bodies of this `site`'s articles, shared by every job of one build.
pub fn render_job(
    site: &Site,
    theme: &Theme,
    bodies: &FeedBodies,
    job: &Job,
) -> std::result::Result<String, Vec<Diagnostic>> {
    let (template, context) = job.context(site, bodies);
    theme.render(template, &context)
}

/// Tells `progress` (done, total) now and then as outputs are rendered.
pub fn render_with_progress(
    site: &Site,
    theme: &Theme,
    sink: &dyn Sink,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<RenderCounts> {
    let outputs = Outputs::plan(site)?;
    let broken_links = links::broken(site, &outputs.all_paths(site));
    let Outputs {
        jobs,
        paths,
        generated,
    } = &outputs;

    let bodies = FeedBodies::new(site);
    let done = AtomicUsize::new(0);
    let outcomes: Vec<std::result::Result<(), Vec<Diagnostic>>> = jobs
        .par_iter()
        .zip(paths)
        .map(|(job, path)| {
            let text = render_job(site, theme, &bodies, job)?;
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if n.is_multiple_of(500) || n == jobs.len() {
                progress(n, jobs.len());
            }
            sink.write(path, text.as_bytes())
                .map_err(|e| vec![Diagnostic::new(path, e.to_string())])
        })
        .collect();
    let mut diagnostics = Diagnostics::default();
    for error in outcomes.into_iter().filter_map(|o| o.err()).flatten() {
        diagnostics.error(error);
    }
    diagnostics.finish()?;

    for (path, text) in generated {
        sink.write(path, text.as_bytes())?;
    }
    let copied: Vec<Result<()>> = site
        .files
        .par_iter()
        .map(|(from, to)| match &site.image_cache {
            Some(cache) if from.starts_with(cache) => sink.link(from, to),
            _ => sink.copy(from, to),
        })
        .collect();
    copied.into_iter().collect::<Result<Vec<()>>>()?;
    let pages = paths.iter().filter(|p| p.ends_with(".html")).count();
    Ok(RenderCounts {
        pages,
        files: jobs.len() + generated.len() + site.files.len(),
        broken_links,
    })
}

/// The files sitrep writes without a template: sitemaps, the search index, robots.txt and the
/// theme's stylesheet and scripts (the last two only where the site has none of its own).
pub fn generated_files(site: &Site, jobs: &[Job]) -> Vec<(String, String)> {
    let entries: Vec<_> = jobs
        .iter()
        .filter_map(|job| job.sitemap_entry(site))
        .map(|(url, lastmod)| (site.absolute(&url), lastmod))
        .collect();
    // The search index is the most work: made beside the sitemaps.
    let (mut files, search) = rayon::join(
        || {
            let mut files = sitemap::sitemaps(site, &entries);
            files.push((urls::NEWS_SITEMAP.to_string(), sitemap::news_sitemap(site)));
            files
        },
        || search::files(site),
    );
    files.extend(search);
    let mut defaults = vec![(urls::ROBOTS.to_string(), sitemap::robots(site))];
    defaults.extend(
        templates::BUILTIN_STATIC
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string())),
    );
    files.extend(
        defaults
            .into_iter()
            .filter(|(path, _)| !site_has(site, path)),
    );
    files
}

/// The paths [`generated_files`] always takes (a large sitemap's parts aside), without making
/// the files.
fn fixed_names(site: &Site) -> Vec<String> {
    let defaults = [urls::ROBOTS]
        .into_iter()
        .chain(templates::BUILTIN_STATIC.iter().map(|(path, _)| *path))
        .filter(|path| !site_has(site, path));
    [urls::SITEMAP, urls::NEWS_SITEMAP, urls::SEARCH_INDEX]
        .into_iter()
        .chain(defaults)
        .map(str::to_string)
        .collect()
}

/// Whether [`generated_files`] may make `path`: one of the names it always takes, or a part of
/// a large sitemap.
pub fn may_be_generated(site: &Site, path: &str) -> bool {
    urls::is_sitemap_part(path)
        || urls::is_search_part(path)
        || fixed_names(site).iter().any(|name| name == path)
}

/// Whether the site publishes a file of its own at `path`, which replaces sitrep's default.
fn site_has(site: &Site, path: &str) -> bool {
    site.files.iter().any(|(_, p)| p == path)
}

/// Fails if two outputs would take one path, or one would need a folder where another is a
/// file: a static or bundle file, or an alias, may not replace a page, and two aliases may not
/// share an address.
fn check_paths(site: &Site, jobs: &[Job], generated: &[String]) -> Result<()> {
    let mut claims = Claims::default();
    let mut diagnostics = Diagnostics::default();
    // What sitrep makes is claimed first, so a clash is always reported against a user's file.
    for job in jobs.iter().filter(|j| !matches!(j, Job::Redirect { .. })) {
        claims.claim(job.path(site), None, "", &mut diagnostics);
    }
    for path in generated {
        claims.claim(path.clone(), None, "", &mut diagnostics);
    }
    for job in jobs {
        if let Job::Redirect { to, path } = job {
            let (_, _, source) = to.of(site);
            let what = match to {
                jobs::Target::Article(_) => "an alias of this article",
                jobs::Target::Page(_) => "an alias of this page",
            };
            claims.claim(
                path.clone(),
                Some(source.to_path_buf()),
                what,
                &mut diagnostics,
            );
        }
    }
    for (from, to) in &site.files {
        claims.claim(
            to.clone(),
            Some(relative(&site.root, from)),
            "this file",
            &mut diagnostics,
        );
    }
    diagnostics.finish().map(|_| ())
}

/// Output paths and who asked for each: `None` for what sitrep makes, else the user's file.
#[derive(Default)]
struct Claims {
    files: HashMap<String, Option<PathBuf>>,
    /// Every folder some claimed file lies in, with that file's owner.
    folders: HashMap<String, Option<PathBuf>>,
}

impl Claims {
    fn claim(
        &mut self,
        path: String,
        owner: Option<PathBuf>,
        what: &str,
        diagnostics: &mut Diagnostics,
    ) {
        let folders: Vec<String> = path
            .match_indices('/')
            .map(|(i, _)| path[..i].to_string())
            .collect();
        let same = self.files.get(&path);
        let nested = self
            .folders
            .get(&path)
            .or_else(|| folders.iter().find_map(|f| self.files.get(f)));
        if let Some(first) = same.or(nested) {
            let taken_by = match first {
                None => "what sitrep makes".to_string(),
                Some(other) => other.display().to_string(),
            };
            let message = if same.is_some() {
                format!("{what} would replace {taken_by} at {path}: rename or remove it")
            } else {
                format!(
                    "{what} at {path} would need a file and a folder of one name, with {taken_by}: rename or remove it"
                )
            };
            // sitrep's own outputs never clash with each other; if they did, say so plainly.
            let file = owner.unwrap_or_else(|| PathBuf::from("(sitrep)"));
            diagnostics.error(Diagnostic::new(file, message));
            return;
        }
        for folder in folders {
            self.folders.entry(folder).or_insert_with(|| owner.clone());
        }
        self.files.insert(path, owner);
    }
}

/// The footer's links: the site's feed, then the pages site.toml names (addresses under the site
/// are made links with the base path).
fn footer_links(site: &Site) -> Vec<views::FooterLink> {
    let footer = &site.config.footer;
    let mut links = vec![views::FooterLink {
        kind: "rss",
        url: site.link(urls::FEED),
    }];
    for (kind, target) in [
        ("about", &footer.about),
        ("contact", &footer.contact),
        ("privacy", &footer.privacy),
    ] {
        if let Some(target) = target {
            // `mailto:` and other schemes are addresses as they are; a path is under the site.
            let url = match target.split_once(':') {
                Some((scheme, _)) if scheme.chars().all(|c| c.is_ascii_alphabetic()) => {
                    target.clone()
                }
                _ => crate::model::site::resolve_link(&site.base_path, "", target),
            };
            links.push(views::FooterLink { kind, url });
        }
    }
    links
}

/// The `site` value every template sees; set once as Tera's global context.
pub fn site_view(site: &Site) -> SiteView<'_> {
    let mut nav: Vec<Link> = site
        .categories
        .values()
        .map(|c| Link {
            name: c.name.clone(),
            url: site.link(&urls::taxon(urls::CATEGORY, &c.slug)),
        })
        .collect();
    nav.push(Link {
        name: site.words.phrase("authors", None, &[]),
        url: site.link(&urls::authors()),
    });
    nav.push(Link {
        name: site.words.phrase("search", None, &[]),
        url: site.link(&urls::search()),
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
        stylesheet: site.link(urls::STYLESHEET),
        authors_url: site.link(&urls::authors()),
        search_url: site.link(&urls::search()),
        favicon: site.link(urls::FAVICON),
        footer: footer_links(site),
        reply_script: site.link(urls::REPLY_SCRIPT),
        search_script: site.link(urls::SEARCH_SCRIPT),
    }
}
