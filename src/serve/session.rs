//! The site as `serve` keeps it between edits: the loaded sources, patched file by file, and the
//! resolve cache, so that a rebuild after one edit reads one file and renders one body. Pages
//! are not rendered here: a [`Snapshot`] knows every output and renders one when it is asked
//! for, so no edit renders pages nobody looks at.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use chrono::Utc;

use crate::load;
use crate::load::patch::{self, Patched};
use crate::model::site::Site;
use crate::model::sources::Sources;
use crate::render::feeds::FeedBodies;
use crate::render::jobs::Job;
use crate::render::templates::Theme;
use crate::render::{self, Outputs};
use crate::resolve::Cache;
use crate::resolve::quick;
use crate::{BuildOptions, Diagnostic, Error, Result};

/// One build of the site, ready to answer requests.
pub struct Snapshot {
    pub site: Site,
    pub theme: Arc<Theme>,
    /// The feed bodies of `site`'s articles, made as feeds are asked for.
    bodies: FeedBodies,
    pub outputs: Arc<Outputs>,
    /// Each output path, and what makes it.
    routes: Arc<HashMap<String, Route>>,
    /// Sitemaps, the search index and the like, made the first time one is asked for.
    generated: OnceLock<Vec<(String, String)>>,
}

/// What makes one output.
enum Route {
    Job(usize),
    File(PathBuf),
}

/// One output, ready to send.
pub enum Body {
    Text(String),
    /// A file published as it is, read from the site's folder.
    File(PathBuf),
}

impl Snapshot {
    fn new(site: Site, theme: Theme, outputs: Outputs) -> Snapshot {
        let mut routes = HashMap::new();
        for (i, path) in outputs.paths.iter().enumerate() {
            routes.insert(path.clone(), Route::Job(i));
        }
        for (from, to) in &site.files {
            routes.insert(to.clone(), Route::File(from.clone()));
        }
        Snapshot {
            bodies: FeedBodies::new(&site),
            site,
            theme: Arc::new(theme),
            outputs: Arc::new(outputs),
            routes: Arc::new(routes),
            generated: OnceLock::new(),
        }
    }

    /// The same outputs, from a site whose articles changed only in what pages show, not in
    /// which pages there are.
    fn with_site(&self, site: Site) -> Snapshot {
        Snapshot {
            bodies: FeedBodies::new(&site),
            site,
            theme: self.theme.clone(),
            outputs: self.outputs.clone(),
            routes: self.routes.clone(),
            generated: OnceLock::new(),
        }
    }

    /// Whether the site publishes something at `path` (relative to the output folder).
    pub fn has(&self, path: &str) -> bool {
        self.routes.contains_key(path) || self.generated_file(path).is_some()
    }

    /// The output at `path`, rendered now; `None` if the site has nothing there.
    pub fn get(&self, path: &str) -> Option<std::result::Result<Body, Vec<Diagnostic>>> {
        Some(match self.routes.get(path) {
            Some(Route::Job(i)) => self.render(&self.outputs.jobs[*i]).map(Body::Text),
            Some(Route::File(from)) => Ok(Body::File(from.clone())),
            None => Ok(Body::Text(self.generated_file(path)?.to_string())),
        })
    }

    /// Every path the site publishes, sorted.
    pub fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.routes.keys().cloned().collect();
        paths.extend(self.generated_files().iter().map(|(p, _)| p.clone()));
        paths.sort();
        paths
    }

    fn generated_files(&self) -> &[(String, String)] {
        self.generated
            .get_or_init(|| render::generated_files(&self.site, &self.outputs.jobs))
    }

    fn generated_file(&self, path: &str) -> Option<&str> {
        // Making them costs a walk over the whole site: not for every missing favicon.
        if !render::may_be_generated(&self.site, path) {
            return None;
        }
        let files = self
            .generated
            .get_or_init(|| render::generated_files(&self.site, &self.outputs.jobs));
        files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, text)| text.as_str())
    }

    /// The site's 404 page.
    pub fn not_found(&self) -> std::result::Result<String, Vec<Diagnostic>> {
        self.render(&Job::NotFound)
    }

    fn render(&self, job: &Job) -> std::result::Result<String, Vec<Diagnostic>> {
        render::render_job(&self.site, &self.theme, &self.bodies, job)
    }
}

/// What a rebuild came to.
pub enum Outcome {
    /// Nothing the site is made of changed.
    Nothing,
    /// Only files served as they are changed; the last snapshot stands.
    Files,
    /// A new snapshot, how it was made and how long it took.
    Built(Arc<Snapshot>, How, Duration),
    /// The site has errors; every one of them.
    Failed(Error),
}

/// How a snapshot was made, from the quickest way to the slowest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// The last snapshot with an article's body or thread replaced.
    Edited,
    /// Changed files read again and the whole site resolved (with the cache).
    Resolved,
    /// The whole site read again.
    Loaded,
}

/// The loaded site and what the last build left to reuse.
pub struct Session {
    options: BuildOptions,
    /// `None` until a full load succeeds, and after one fails.
    sources: Option<Sources>,
    cache: Cache,
    /// The last good build.
    last: Option<Arc<Snapshot>>,
    /// Whether `options.now` stays as given (for tests) instead of following the clock.
    pinned: bool,
}

impl Session {
    /// A session for the site `options.root`; nothing is read until the first
    /// [`rebuild`](Session::rebuild).
    pub fn new(options: BuildOptions) -> Session {
        Session {
            options,
            sources: None,
            cache: Cache::new(),
            last: None,
            pinned: false,
        }
    }

    /// A session whose clock stays at `options.now`, so two sessions decide scheduled articles
    /// and the news sitemap alike.
    pub fn pinned(options: BuildOptions) -> Session {
        Session {
            pinned: true,
            ..Session::new(options)
        }
    }

    /// What the session builds with.
    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// Builds the site again after the files at `changed` (absolute paths) changed, or whole
    /// when `changed` is `None`.
    pub fn rebuild(&mut self, changed: Option<&[PathBuf]>) -> Outcome {
        let started = Instant::now();
        let patched = match (changed, self.sources.as_mut()) {
            (Some(paths), Some(sources)) => {
                let before = quick::Before::note(sources, paths);
                let patched = patch::apply(sources, paths);
                let quick = match (&patched, &self.last) {
                    (Patched::Sources(applied), Some(last)) => {
                        quick::apply(&last.site, sources, applied, &before)
                    }
                    _ => None,
                };
                if let Some(site) = quick {
                    let snapshot = Arc::new(self.last.as_ref().unwrap().with_site(site));
                    self.last = Some(snapshot.clone());
                    return Outcome::Built(snapshot, How::Edited, started.elapsed());
                }
                patched
            }
            _ => Patched::Reload,
        };
        let how = match patched {
            Patched::Reload => How::Loaded,
            _ => How::Resolved,
        };
        match patched {
            Patched::Nothing => return Outcome::Nothing,
            Patched::Files => return Outcome::Files,
            Patched::Sources(_) => {}
            Patched::Reload => {
                self.sources = None;
                match load::load(&self.options.root) {
                    Ok(sources) => self.sources = Some(sources),
                    Err(e) => return self.failed(e),
                }
            }
        }
        let Some(sources) = &self.sources else {
            unreachable!("loaded above")
        };
        // Scheduled articles are marked against the time of each rebuild.
        if !self.pinned {
            self.options.now = Utc::now();
        }
        match build(sources, &self.options, &mut self.cache) {
            Ok(snapshot) => {
                let snapshot = Arc::new(snapshot);
                self.last = Some(snapshot.clone());
                Outcome::Built(snapshot, how, started.elapsed())
            }
            Err(e) => self.failed(e),
        }
    }

    /// A failed build: the last good one no longer matches the sources, so the next edit must
    /// not be applied on top of it (that would hide this failure); it resolves the whole site.
    fn failed(&mut self, error: Error) -> Outcome {
        self.last = None;
        Outcome::Failed(error)
    }
}

fn build(sources: &Sources, options: &BuildOptions, cache: &mut Cache) -> Result<Snapshot> {
    let (site, theme) = crate::prepare(sources, options, cache)?;
    let outputs = Outputs::plan_pages(&site)?;
    Ok(Snapshot::new(site, theme, outputs))
}
