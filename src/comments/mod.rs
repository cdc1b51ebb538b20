//! `sitrep comments …`: readers' comments arriving. `serve` runs the intake (the
//! `sitrep-intake` crate, which faces the open internet and keeps its own dependencies) over the
//! site as the build itself reads it: slug overrides, drafts, scheduled dates, `comments =
//! false` and `close_after_days` all hold, and an approved comment is a valid parent as soon as
//! its file lands in `content/`, since the site is read again on every change.

pub mod moderate;
pub mod queue;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sitrep_intake::{Directory, Intake, Running};

use crate::model::comment::Node;
use crate::model::site::{Site, Status};
use crate::model::sources::Sources;
use crate::resolve::{self, ResolveOptions};
use crate::serve::watch::Watch;
use crate::{Error, Result, load};

/// Where `comments serve` listens unless told otherwise: the loopback, behind the site's proxy.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8088";

/// What the intake may know of `site`: every article but drafts, each with its approved
/// comments.
pub fn directory(site: &Site) -> Directory {
    let close_after = site.config.comments.close_after_days;
    let articles = site
        .articles
        .iter()
        .filter(|a| a.status != Status::Draft)
        .map(|a| {
            let date: DateTime<Utc> = a.date.0.to_utc();
            let article = sitrep_intake::Article {
                title: a.title.clone(),
                date,
                open: a.comments_open,
                closes: close_after.map(|days| date + Duration::days(i64::from(days))),
                comments: ids(&a.thread.roots),
            };
            (a.slug.clone(), article)
        })
        .collect();
    Directory {
        base_url: site.config.base_url.clone(),
        form_path: form_path(
            site.config
                .comments
                .form_action
                .as_deref()
                .unwrap_or_default(),
        ),
        articles,
    }
}

/// Every comment id in a thread. Iterative: threads are as deep as readers make them.
fn ids(roots: &[Node]) -> std::collections::HashSet<String> {
    let mut ids = std::collections::HashSet::new();
    let mut stack: Vec<&Node> = roots.iter().collect();
    while let Some(node) = stack.pop() {
        ids.insert(node.comment.id.clone());
        stack.extend(node.replies.iter());
    }
    ids
}

/// The path part of `form_action` (`https://example.org/comments/submit` → `/comments/submit`).
fn form_path(action: &str) -> String {
    let path = crate::model::config::url_path(action);
    let path = path.split(['?', '#']).next().unwrap_or("/");
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    }
}

/// Reads the site at `root` as a build would, drafts and scheduled articles included (the
/// intake tells them apart), into a directory; with the settings and the queue folder.
fn read(root: &Path, now: DateTime<Utc>) -> Result<(Directory, sitrep_intake::Settings, PathBuf)> {
    let (sources, site) = read_site(root, now)?;
    let settings = site.config.comments.intake.clone();
    if site.config.comments.form_action.is_none() {
        return Err(Error::Usage(
            "site.toml has no [comments] form_action, so pages show no reply form: set it to \
             the address the intake is reached at, such as \"/comments/submit\""
                .to_string(),
        ));
    }
    let queue = sources.root.join(&settings.queue);
    Ok((directory(&site), settings, queue))
}

/// The site at `root` as the build reads it, drafts and scheduled articles included: a comment
/// may wait on one.
pub fn read_site(root: &Path, now: DateTime<Utc>) -> Result<(Sources, Site)> {
    let sources = load::load(root)?;
    let options = ResolveOptions {
        drafts: true,
        now,
        base_url: None,
    };
    let site = resolve::resolve(&sources, &options)?;
    Ok((sources, site))
}

/// The intake over the site at `root`, serving on `listener`, and a thread that reads the site
/// again whenever it changes. The site must build: its errors are returned.
pub fn start(root: &Path, listener: std::net::TcpListener) -> Result<(Arc<Intake>, Running)> {
    let root = crate::fs::absolute(root)?;
    let (directory, settings, queue) = read(&root, Utc::now())?;
    let intake = Intake::open(settings, &queue, directory).map_err(|source| Error::Io {
        path: queue.clone(),
        source,
    })?;
    let intake = Arc::new(intake);
    let running = sitrep_intake::start(listener, intake.clone()).map_err(|source| Error::Io {
        path: root.clone(),
        source,
    })?;
    let watched = intake.clone();
    let mut watch = Watch::start(&root)?;
    std::thread::Builder::new()
        .name("sitrep-intake-watch".to_string())
        .spawn(move || {
            while let Some(batch) = watch.next_batch() {
                if batch.is_err() {
                    continue;
                }
                // A site with errors keeps the last good directory: the intake goes on.
                match read(&root, Utc::now()) {
                    Ok((directory, _, _)) => watched.set_directory(directory),
                    Err(e) => eprintln!("the intake goes on with the site as it was: {e}"),
                }
            }
        })
        .map_err(|source| Error::Io {
            path: PathBuf::from("(thread)"),
            source,
        })?;
    Ok((intake, running))
}

/// `sitrep comments serve`: runs the intake until the process ends.
pub fn serve(root: &Path, listen: SocketAddr) -> Result<()> {
    let listener = std::net::TcpListener::bind(listen).map_err(|source| Error::Io {
        path: PathBuf::from(listen.to_string()),
        source,
    })?;
    let (intake, running) = start(root, listener)?;
    eprintln!(
        "taking comments at http://{}{} into {}",
        running.address,
        intake.directory().form_path,
        intake.settings().queue.display()
    );
    running.wait();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_path_is_the_path_of_form_action() {
        assert_eq!(
            form_path("https://example.org/comments/submit"),
            "/comments/submit"
        );
        assert_eq!(form_path("/comments/submit?x=1"), "/comments/submit");
        assert_eq!(form_path("https://comments.example.org"), "/");
        assert_eq!(form_path("submit"), "/submit");
    }
}
