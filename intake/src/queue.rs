//! The moderation queue on disk: `pending/<slug>/<id>.md` (exactly the file approval
//! publishes) beside `<id>.toml` (what the intake knew: when, from which hashed subnet, which
//! signals held it); `spam/` alike. Every file is written aside under a dot-name, synced and
//! renamed, and the sidecar before the comment, so whoever lists the queue sees a comment whole
//! or not at all, even if the server is killed mid-write.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Which part of the queue a comment goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shelf {
    Pending,
    Spam,
}

impl Shelf {
    pub fn folder(self) -> &'static str {
        match self {
            Shelf::Pending => "pending",
            Shelf::Spam => "spam",
        }
    }
}

/// A comment's front matter: the fields of a comment file that a reader's form may set, and
/// the server's own date. `author_id` and `email_hash` are never read from the form.
#[derive(Debug, Serialize)]
pub struct Front<'a> {
    pub author: &'a str,
    pub date: toml::value::Datetime,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_hash: Option<&'a str>,
}

/// What the intake knew of a comment, kept beside it for the moderator.
#[derive(Debug, Serialize)]
pub struct Sidecar<'a> {
    pub received: toml::value::Datetime,
    /// A keyed hash of the client's /24 or /48: enough to see that comments came from one
    /// place, never the address.
    pub subnet: &'a str,
    /// Why it is held for a closer look, or sent to spam.
    pub signals: &'a [String],
}

/// A time as TOML writes it (`2026-12-02T03:15:00Z`).
pub fn toml_time(time: DateTime<Utc>) -> toml::value::Datetime {
    time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        .parse()
        .expect("RFC 3339 is a TOML datetime")
}

/// A comment file: TOML front matter between `+++` lines, then the body as the reader wrote it.
/// Every value of the front matter is one line (the form's fields are cleaned to one already;
/// this holds it here too), so no value can hold the `+++` line that ends the front matter.
pub fn comment_file(front: &Front, body: &str) -> String {
    let line = |s: &str| s.replace(|c: char| c.is_control(), " ");
    let (author, parent, website) = (
        line(front.author),
        front.parent.map(line),
        front.website.map(line),
    );
    let front = Front {
        author: &author,
        date: front.date,
        parent: parent.as_deref(),
        website: website.as_deref(),
        email_hash: front.email_hash,
    };
    let toml = toml::to_string(&front).expect("strings and a date serialize");
    let mut text = format!("+++\n{toml}+++\n{body}");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The queue folder, and how many comments are pending in it (counted at start, then kept up
/// to date; counted again whenever it seems full, as moderators take comments out).
pub struct Queue {
    dir: PathBuf,
    pending: AtomicUsize,
    /// To the writer thread, which files comments in batches (see [`writer`]).
    jobs: std::sync::mpsc::Sender<Job>,
}

/// One comment to file, and where to say how it went.
struct Job {
    folder: PathBuf,
    id: String,
    comment: Vec<u8>,
    sidecar: Vec<u8>,
    done: std::sync::mpsc::SyncSender<std::io::Result<PathBuf>>,
}

impl Queue {
    pub fn open(dir: &Path) -> std::io::Result<Queue> {
        std::fs::create_dir_all(dir.join("pending"))?;
        let (jobs, inbox) = std::sync::mpsc::channel();
        let root = dir.to_path_buf();
        std::thread::Builder::new()
            .name("sitrep-queue".to_string())
            .spawn(move || writer(&root, inbox))?;
        let queue = Queue {
            dir: dir.to_path_buf(),
            pending: AtomicUsize::new(0),
            jobs,
        };
        queue.recount();
        Ok(queue)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether `max` comments are pending already.
    pub fn is_full(&self, max: usize) -> bool {
        self.pending.load(Ordering::Relaxed) >= max && self.recount() >= max
    }

    fn recount(&self) -> usize {
        let count = count_comments(&self.dir.join("pending"));
        self.pending.store(count, Ordering::Relaxed);
        count
    }

    /// Files a comment and its sidecar, returning once the comment is whole on disk under its
    /// name. `slug` and `id` are names the caller made or looked up, never a reader's.
    pub fn put(
        &self,
        shelf: Shelf,
        slug: &str,
        id: &str,
        comment: &str,
        sidecar: &Sidecar,
    ) -> std::io::Result<PathBuf> {
        let (done, result) = std::sync::mpsc::sync_channel(1);
        let job = Job {
            folder: self.dir.join(shelf.folder()).join(slug),
            id: id.to_string(),
            comment: comment.as_bytes().to_vec(),
            sidecar: toml::to_string(sidecar)
                .expect("strings and a date serialize")
                .into_bytes(),
            done,
        };
        let gone = || std::io::Error::other("the queue's writer has stopped");
        self.jobs.send(job).map_err(|_| gone())?;
        let path = result.recv().map_err(|_| gone())??;
        if shelf == Shelf::Pending {
            self.pending.fetch_add(1, Ordering::Relaxed);
        }
        Ok(path)
    }
}

/// The writer thread, a pipeline of one sync a round: each round renames the comments whose
/// data the last round made durable, writes the newly arrived ones aside under dot-names, and
/// syncs once, which makes both the renames and the new data durable; then the renamed ones are
/// answered. Under load, twenty comments cost one sync; a comment alone costs two.
fn writer(root: &Path, inbox: std::sync::mpsc::Receiver<Job>) {
    type Staged = (PathBuf, PathBuf);
    let mut durable: Vec<(Job, Staged)> = Vec::new();
    loop {
        let mut arrived = Vec::new();
        if durable.is_empty() {
            match inbox.recv() {
                Ok(job) => arrived.push(job),
                Err(_) => return,
            }
        }
        while arrived.len() < 256 {
            match inbox.try_recv() {
                Ok(job) => arrived.push(job),
                Err(_) => break,
            }
        }
        let renamed: Vec<(Job, std::io::Result<PathBuf>)> = durable
            .drain(..)
            .map(|(job, (sidecar, comment))| {
                let path = job.folder.join(format!("{}.md", job.id));
                let moved = std::fs::rename(&sidecar, job.folder.join(format!("{}.toml", job.id)))
                    .and_then(|()| std::fs::rename(&comment, &path));
                if moved.is_err() {
                    let _ = std::fs::remove_file(&sidecar);
                    let _ = std::fs::remove_file(&comment);
                }
                (job, moved.map(|()| path))
            })
            .collect();
        let staged: Vec<(Job, std::io::Result<Staged>)> = arrived
            .into_iter()
            .map(|job| {
                let staged = stage(&job);
                (job, staged)
            })
            .collect();
        let files: Vec<&Path> = (staged.iter())
            .filter_map(|(_, s)| s.as_ref().ok())
            .flat_map(|(sidecar, comment)| [sidecar.as_path(), comment.as_path()])
            .collect();
        let folders: Vec<&Path> = renamed
            .iter()
            .map(|(job, _)| job.folder.as_path())
            .collect();
        let synced = sync_everything(root, &files, &folders);
        let failed = |e: &std::io::Error| std::io::Error::new(e.kind(), e.to_string());
        for (job, result) in renamed {
            let result = match &synced {
                Ok(()) => result,
                Err(e) => result.and(Err(failed(e))),
            };
            let _ = job.done.send(result);
        }
        for (job, staged) in staged {
            match (staged, &synced) {
                (Ok(staged), Ok(())) => durable.push((job, staged)),
                (Ok((sidecar, comment)), Err(e)) => {
                    let _ = std::fs::remove_file(&sidecar);
                    let _ = std::fs::remove_file(&comment);
                    let _ = job.done.send(Err(failed(e)));
                }
                (Err(e), _) => {
                    let _ = job.done.send(Err(e));
                }
            }
        }
    }
}

/// Writes a job's two files aside: (sidecar, comment).
fn stage(job: &Job) -> std::io::Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(&job.folder)?;
    let sidecar = write_aside(&job.folder, &format!("{}.toml", job.id), &job.sidecar)?;
    match write_aside(&job.folder, &format!("{}.md", job.id), &job.comment) {
        Ok(comment) => Ok((sidecar, comment)),
        Err(e) => {
            let _ = std::fs::remove_file(&sidecar);
            Err(e)
        }
    }
}

/// Makes everything written so far durable: `syncfs` on Linux (one call for the whole batch);
/// elsewhere each of `files`, each of `folders` and the queue folder in turn.
#[cfg(target_os = "linux")]
fn sync_everything(root: &Path, _files: &[&Path], _folders: &[&Path]) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let dir = std::fs::File::open(root)?;
    // SAFETY: a valid open file descriptor, for the duration of the call.
    if unsafe { libc::syncfs(dir.as_raw_fd()) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn sync_everything(root: &Path, files: &[&Path], folders: &[&Path]) -> std::io::Result<()> {
    for path in files.iter().chain(folders) {
        std::fs::File::open(path)?.sync_all()?;
    }
    std::fs::File::open(root)?.sync_all()
}

/// Writes `bytes` to a dot-file beside `folder/name`, which no reader of the queue opens; the
/// writer renames it into place once it is durable.
fn write_aside(folder: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let aside = folder.join(format!(".{name}.{}.part", random_hex(4)));
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&aside)
        .and_then(|mut file| file.write_all(bytes));
    match result {
        Ok(()) => Ok(aside),
        Err(e) => {
            let _ = std::fs::remove_file(&aside);
            Err(e)
        }
    }
}

/// The `.md` files one level below `dir`'s folders, dot-files (half-written ones) aside.
pub fn count_comments(dir: &Path) -> usize {
    let Ok(folders) = std::fs::read_dir(dir) else {
        return 0;
    };
    folders
        .flatten()
        .filter_map(|folder| std::fs::read_dir(folder.path()).ok())
        .flat_map(|files| files.flatten())
        .filter(|f| {
            let name = f.file_name();
            let name = name.to_string_lossy();
            name.ends_with(".md") && !name.starts_with('.')
        })
        .count()
}

/// `n` random bytes as hex, from the system's generator.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).expect("the system has a random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new comment id: the UTC time, then 48 random bits (`20261202T031500Z-9f2c41a0b7de`), so
/// ids sort by arrival and two at one second never meet.
pub fn new_id(now: DateTime<Utc>) -> String {
    format!("{}-{}", now.format("%Y%m%dT%H%M%SZ"), random_hex(6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_cannot_be_escaped_from() {
        let evil = "x\"\n+++\nauthor_id = \"editor\"\n+++\n";
        let front = Front {
            author: evil,
            date: toml_time(Utc::now()),
            parent: None,
            website: Some(evil),
            email_hash: None,
        };
        let text = comment_file(&front, "body");
        // Read as sitrep reads it: the front matter ends at the first `+++` line.
        let (_, rest) = text.split_once("+++\n").unwrap();
        let (toml_part, body) = rest.split_once("\n+++\n").unwrap();
        let table: toml::Table = toml::from_str(toml_part).unwrap();
        let keys: Vec<&str> = table.keys().map(String::as_str).collect();
        assert_eq!(keys, ["author", "date", "website"]);
        assert_eq!(
            table["author"].as_str(),
            Some("x\" +++ author_id = \"editor\" +++ ")
        );
        assert_eq!(body, "body\n");
    }

    #[test]
    fn a_comment_is_on_disk_whole_with_its_sidecar_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let queue = Queue::open(dir.path()).unwrap();
        let sidecar = Sidecar {
            received: toml_time(Utc::now()),
            subnet: "ab",
            signals: &[],
        };
        let path = queue
            .put(Shelf::Pending, "frigate", "id1", "text\n", &sidecar)
            .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "text\n");
        assert!(path.with_extension("toml").exists());
        assert!(!queue.is_full(2));
        assert!(queue.is_full(1));
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
            .collect();
        assert!(leftovers.is_empty());
    }
}
