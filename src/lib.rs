//! sitrep: a static site generator for defence and security newsrooms.
//!
//! A build is a one-way pipeline: [`load`](load::load) reads the site folder into
//! [`Sources`](model::sources::Sources), [`resolve`](resolve::resolve) links it into a [`Site`](model::site::Site)
//! (collecting every error), [`render`](render::render) turns each page into HTML in parallel,
//! and [`output`] writes it to a staging folder that replaces the output only when all went well.
//! Only the first and last stages touch the disk. The library never prints; it returns a
//! [`BuildReport`] or an [`Error`].

pub mod comments;
pub mod error;
pub(crate) mod fs;
pub mod images;
pub mod import;
pub mod load;
pub mod model;
pub mod output;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod serve;
pub mod text;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

pub use error::{Diagnostic, Error, Result};
use resolve::ResolveOptions;

/// Told (stage, done, in all) as a build goes, for a progress display: `"images"` as
/// photographs are resized (or found in the cache), then `"rendering"` as outputs are written.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<Told>);

/// What [`Progress`] calls: (stage, done, in all).
pub type Told = dyn Fn(&str, usize, usize) + Send + Sync;

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder.
    pub root: PathBuf,
    /// Where the site goes; `<root>/public` when `None`.
    pub output: Option<PathBuf>,
    /// Publish drafts and future-dated articles (preview).
    pub drafts: bool,
    /// Replaces `base_url` from site.toml.
    pub base_url: Option<String>,
    /// The build's clock, for scheduled articles and the news sitemap. [`BuildOptions::new`]
    /// sets the current time; the command line uses [`build_clock`], which honours
    /// `SOURCE_DATE_EPOCH`.
    pub now: DateTime<Utc>,
    /// Called now and then while pages render.
    pub progress: Option<Progress>,
}

impl BuildOptions {
    /// Options for the site at `root` with every default.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            drafts: false,
            base_url: None,
            now: Utc::now(),
            progress: None,
        }
    }

    fn resolve_options(&self) -> ResolveOptions {
        ResolveOptions {
            drafts: self.drafts,
            now: self.now,
            base_url: self.base_url.clone(),
        }
    }
}

/// What a finished build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Where the site was written (`None` for `check`).
    pub output: Option<PathBuf>,
    pub articles: usize,
    pub authors: usize,
    /// Comments shown on the site's articles.
    pub comments: usize,
    /// Articles not published in this build: drafts, and scheduled ones not yet due.
    pub left_out: usize,
    pub pages: usize,
    /// Files in the output.
    pub files: usize,
    /// Files whose bytes changed (or are new) since the last build, and were written.
    pub written: usize,
    /// Files kept from the last build as they were.
    pub unchanged: usize,
    /// Problems that did not stop the build, sorted by file.
    pub warnings: Vec<Diagnostic>,
    /// Time spent in each stage, in order.
    pub stages: Vec<(&'static str, Duration)>,
    pub elapsed: Duration,
}

/// Times the stages of one build.
struct Clock {
    started: Instant,
    last: Instant,
    stages: Vec<(&'static str, Duration)>,
}

impl Clock {
    fn start() -> Clock {
        let now = Instant::now();
        Clock {
            started: now,
            last: now,
            stages: Vec::new(),
        }
    }

    /// Ends the stage called `name`.
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.stages.push((name, now - self.last));
        self.last = now;
    }
}

/// The current time, or `SOURCE_DATE_EPOCH` when set, so a build can be reproduced exactly.
pub fn build_clock() -> Result<DateTime<Utc>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Err(_) => Ok(Utc::now()),
        Ok(text) => text
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .ok_or_else(|| {
                Error::Usage(format!(
                    "SOURCE_DATE_EPOCH={text:?} is not a number of seconds since 1970: fix it or unset it"
                ))
            }),
    }
}

/// Builds the site into its output folder.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let mut clock = Clock::start();
    let sources = load::load(&options.root)?;
    clock.lap("load");
    let output = match &options.output {
        Some(dir) => fs::absolute(dir)?,
        None => fs::absolute(&sources.root.join("public"))?,
    };
    check_output_location(&sources.root, &output)?;
    let (site, tera) = prepare(&sources, options, &mut resolve::Cache::default())?;
    // Everything needed is in the site now; the texts read need not wait through rendering.
    drop(sources);
    clock.lap("resolve");
    let told = |stage: &str, done, total| {
        if let Some(Progress(f)) = &options.progress {
            f(stage, done, total)
        }
    };
    let site = with_images(site, &output, &|done, total| told("images", done, total))?;
    clock.lap("images");

    let staging = output::Staging::create(&output)?;
    let progress = |done, total| told("rendering", done, total);
    let rendered = render::render_with_progress(&site, &tera, &staging, &progress)
        .and_then(|counts| links_rule(&site, counts));
    match rendered {
        Ok(counts) => {
            clock.lap("render and write");
            let writes = staging.counts();
            staging.commit()?;
            clock.lap("swap");
            let mut report = report(&site, counts, Some(output), clock);
            report.written = writes.written;
            report.unchanged = writes.unchanged;
            Ok(report)
        }
        Err(e) => {
            // The build's own error matters more than a failure to tidy up after it.
            let _ = staging.abandon();
            Err(e)
        }
    }
}

/// Loads, resolves and renders the whole site without writing anything: every error a build
/// would find.
pub fn check(options: &BuildOptions) -> Result<BuildReport> {
    let mut clock = Clock::start();
    let sources = load::load(&options.root)?;
    clock.lap("load");
    let (site, tera) = prepare(&sources, options, &mut resolve::Cache::default())?;
    drop(sources);
    clock.lap("resolve");
    // Photographs are decoded to find the damaged ones, but nothing is written.
    let cache = output::beside(&site_output(&options.root, options), "images")?;
    image_errors(&site, images::check(&site, &cache))?;
    clock.lap("images");
    let counts = render::render(&site, &tera, &output::Discard)?;
    let counts = links_rule(&site, counts)?;
    clock.lap("render");
    Ok(report(&site, counts, None, clock))
}

/// The image stage ([`images`]) over `site`, with its cache beside `output`: the site then
/// publishes the resized photographs in place of the originals.
fn with_images(
    mut site: model::site::Site,
    output: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<model::site::Site> {
    let cache = output::beside(output, "images")?;
    let (made, diagnostics) = images::process(&site, &site.config.images, &cache, progress);
    image_errors(&site, diagnostics)?;
    images::publish(&mut site, made);
    site.image_cache = Some(cache);
    Ok(site)
}

/// The image stage's errors, if any, as the build's (with the site's warnings).
fn image_errors(site: &model::site::Site, diagnostics: error::Diagnostics) -> Result<()> {
    if diagnostics.errors.is_empty() {
        return Ok(());
    }
    Err(Error::Invalid {
        errors: diagnostics.errors,
        warnings: site.warnings.clone(),
    })
}

/// Where a build of `root` with `options` writes.
fn site_output(root: &Path, options: &BuildOptions) -> PathBuf {
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| root.join("public"));
    fs::absolute(&output).unwrap_or(output)
}

/// One rule for `build` and `check`: with `[build] strict_links` (the default) a link to a page
/// the site does not have is an error; otherwise it is a warning in the report.
fn links_rule(
    site: &model::site::Site,
    mut counts: render::RenderCounts,
) -> Result<render::RenderCounts> {
    if site.config.build.strict_links && !counts.broken_links.is_empty() {
        return Err(Error::Invalid {
            errors: std::mem::take(&mut counts.broken_links),
            warnings: site.warnings.clone(),
        });
    }
    Ok(counts)
}

/// Resolves the site (reusing what `cache` holds) and parses its templates, reporting the errors
/// of both together.
pub fn prepare(
    sources: &model::sources::Sources,
    options: &BuildOptions,
    cache: &mut resolve::Cache,
) -> Result<(model::site::Site, render::templates::Theme)> {
    // The words are the site's, but templates are checked against them as they are parsed,
    // alongside the resolve stage.
    let words = model::words::Words::new(&sources.config.language, &sources.config.words).0;
    let tera = render::templates::load(&sources.templates, words);
    let site = resolve::resolve_cached(sources, &options.resolve_options(), cache);
    let (site, mut theme) = error::both(site, tera)?;
    (theme.tera.global_context()).insert("site", &render::site_view(&site));
    Ok((site, theme))
}

fn report(
    site: &model::site::Site,
    counts: render::RenderCounts,
    output: Option<PathBuf>,
    clock: Clock,
) -> BuildReport {
    BuildReport {
        output,
        articles: site.articles.len(),
        authors: site.authors.len(),
        comments: site.articles.iter().map(|a| a.thread.count).sum(),
        left_out: site.left_out,
        pages: counts.pages,
        files: counts.files,
        written: 0,
        unchanged: 0,
        // A built site reports its broken links as warnings; `check` makes them errors.
        warnings: {
            let mut warnings = site.warnings.clone();
            warnings.extend(counts.broken_links);
            warnings.sort();
            warnings
        },
        elapsed: clock.started.elapsed(),
        stages: clock.stages,
    }
}

/// The output folder is replaced whole on each build, so it must not hold the site itself.
fn check_output_location(root: &Path, output: &Path) -> Result<()> {
    let refuse = |why: &str| {
        Err(Error::Usage(format!(
            "{}: {why}; pick another --output (the default is <root>/public)",
            output.display()
        )))
    };
    if root.starts_with(output) {
        return refuse("the output folder would contain the site's own files");
    }
    for dir in ["content", "templates", "static"] {
        // Resolved, so a symlinked folder is guarded where it really is.
        if output.starts_with(fs::absolute(&root.join(dir))?) {
            return refuse(&format!("the output folder is inside {dir}/"));
        }
    }
    Ok(())
}
