//! Watching the site folder: content/, templates/, static/ and site.toml, and nothing else (a
//! site kept beside its code would otherwise rebuild on every compile). Events come in bursts
//! (an editor writes a temporary file and renames it over the old one), so they are gathered
//! until the folder has been quiet for a moment and handed on as one batch of paths.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::{Error, Result};

/// How long the folder must be quiet before a batch is handed on: long enough to take in an
/// editor's write-and-rename, short enough not to be noticed.
const QUIET: Duration = Duration::from_millis(25);

/// The longest a batch waits for quiet, so a stream of writes still shows progress.
const LONGEST: Duration = Duration::from_millis(500);

/// The folders watched, each with every folder below it.
const FOLDERS: [&str; 3] = ["content", "templates", "static"];

/// A running watch; dropping it stops it.
pub struct Watch {
    watcher: notify::RecommendedWatcher,
    root: PathBuf,
    events: Receiver<notify::Result<notify::Event>>,
    /// The watched folders that exist; one that appears later is watched from then on.
    watched: BTreeSet<PathBuf>,
    /// Watched folders that were themselves removed or replaced since the last batch.
    stale: BTreeSet<PathBuf>,
}

impl Watch {
    /// Starts watching the site at `root` (absolute).
    pub fn start(root: &Path) -> Result<Watch> {
        let (sender, events): (Sender<_>, _) = channel();
        let watcher = notify::recommended_watcher(sender).map_err(|e| watch_error(root, e))?;
        let mut watch = Watch {
            watcher,
            root: root.to_path_buf(),
            events,
            watched: BTreeSet::new(),
            stale: BTreeSet::new(),
        };
        // The root itself, not below it: site.toml, and the watched folders appearing.
        watch
            .watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| watch_error(root, e))?;
        watch.watch_folders()?;
        Ok(watch)
    }

    fn watch_folders(&mut self) -> Result<()> {
        for name in FOLDERS {
            let dir = self.root.join(name);
            // A folder removed (and perhaps made again) is watched afresh: the old watch went
            // with the old folder.
            if self.watched.contains(&dir) && self.stale.remove(&dir) {
                let _ = self.watcher.unwatch(&dir);
                self.watched.remove(&dir);
            }
            if dir.is_dir() && !self.watched.contains(&dir) {
                self.watcher
                    .watch(&dir, RecursiveMode::Recursive)
                    .map_err(|e| watch_error(&dir, e))?;
                self.watched.insert(dir);
            }
        }
        Ok(())
    }

    /// Waits for the next batch of changed paths (absolute, sorted, each once); `None` when the
    /// watch has stopped.
    pub fn next_batch(&mut self) -> Option<Result<Vec<PathBuf>>> {
        let mut paths = BTreeSet::new();
        let first = self.events.recv().ok()?;
        self.take(first, &mut paths);
        let started = Instant::now();
        while started.elapsed() < LONGEST {
            match self.events.recv_timeout(QUIET) {
                Ok(event) => self.take(event, &mut paths),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        if let Err(e) = self.watch_folders() {
            return Some(Err(e));
        }
        Some(Ok(paths.into_iter().collect()))
    }

    fn take(&mut self, event: notify::Result<notify::Event>, paths: &mut BTreeSet<PathBuf>) {
        match event {
            // Reading a file is an event too (the build's own reads among them): not a change.
            Ok(event) if event.kind.is_access() => {}
            Ok(event) => {
                for path in event.paths {
                    if self.watched.contains(&path) {
                        self.stale.insert(path.clone());
                    }
                    if self.matters(&path) {
                        paths.insert(path);
                    }
                }
            }
            // Events were lost (the kernel's queue overflowed): only a full load is safe, and
            // the root stands for "everything".
            Err(_) => {
                paths.insert(self.root.clone());
            }
        }
    }

    /// Whether a path at the root is one the site is built from.
    fn matters(&self, path: &Path) -> bool {
        match path.strip_prefix(&self.root) {
            Ok(rel) => {
                let top = rel.components().next().map(|c| c.as_os_str());
                top.is_none_or(|top| top == "site.toml" || FOLDERS.iter().any(|f| top == *f))
            }
            Err(_) => false,
        }
    }
}

fn watch_error(path: &Path, error: notify::Error) -> Error {
    let hint = match error.kind {
        notify::ErrorKind::MaxFilesWatch => {
            ": the system's limit on watched folders is reached; raise fs.inotify.max_user_watches"
        }
        _ => "",
    };
    Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(format!("cannot watch for changes: {error}{hint}")),
    }
}
