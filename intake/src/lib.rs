//! sitrep's comment intake: the small HTTP server that receives the reply form and files each
//! comment into the moderation queue. It never publishes, and it writes nowhere but the queue.
//!
//! It knows nothing of sitrep's site model: the caller hands it a [`Directory`] (the articles
//! that exist, which take comments, and their approved comments) and replaces it when the site
//! changes. Nothing a reader sends becomes a path: the slug and the parent are looked up in the
//! directory, and the comment id is made here.
//!
//! [`accept`] is the decision, with no HTTP in it; `server` is the HTTP around it.

pub mod form;
pub mod guard;
pub mod pages;
pub mod queue;
mod server;
pub mod settings;

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::IpAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

pub use server::{Running, start};
pub use settings::Settings;

use form::Submission;
use queue::{Front, Queue, Shelf, Sidecar};

/// What the intake knows of the site.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// `base_url` from site.toml: where readers are sent back to.
    pub base_url: String,
    /// The path of `form_action`: the one path the intake answers.
    pub form_path: String,
    /// Published and scheduled articles, by slug (drafts are not here).
    pub articles: HashMap<String, Article>,
}

/// An article as the intake needs it.
#[derive(Debug, Clone)]
pub struct Article {
    pub title: String,
    /// Published from this time (scheduled articles are not yet).
    pub date: DateTime<Utc>,
    /// Comments are on (`comments = false` turns them off).
    pub open: bool,
    /// When comments close (`[comments] close_after_days`), if they do.
    pub closes: Option<DateTime<Utc>>,
    /// Ids of the approved comments, which may be replied to.
    pub comments: HashSet<String>,
}

impl Directory {
    /// The absolute or root-relative address of `slug`'s page, from `base_url`.
    pub fn page(&self, slug: &str) -> String {
        let base = self.base_url.trim();
        let base = if base.ends_with('/') {
            base.to_string()
        } else {
            format!("{base}/")
        };
        format!("{base}{slug}/")
    }
}

/// The intake's state: settings, the site as last loaded, the queue and the flood control.
pub struct Intake {
    settings: Settings,
    directory: RwLock<Arc<Directory>>,
    queue: Queue,
    guard: guard::Guard,
    recent: Mutex<Recent>,
    /// The queue's secret, for hashing subnets.
    secret: Vec<u8>,
    /// `<queue>/blocklist` as last read, and when it was changed then.
    blocklist: Mutex<(Option<std::time::SystemTime>, HashSet<String>)>,
}

/// What became of a post.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Filed (or silently dropped, for a robot): send the reader to this address.
    Held { to: String },
    /// 400: a field is wrong.
    Invalid { field: &'static str, why: String },
    /// 404: no such article taking comments.
    NoArticle,
    /// 403: comments on it are closed.
    Closed,
    /// 409: the same comment was just received.
    Duplicate,
    /// 429: too many, too fast.
    Flood { wait: Duration },
    /// 503: the queue is full, or could not be written.
    Unavailable { why: &'static str },
}

impl Intake {
    /// Opens the queue at `queue_dir` (made if need be, with its secret).
    pub fn open(
        settings: Settings,
        queue_dir: &Path,
        directory: Directory,
    ) -> std::io::Result<Intake> {
        let queue = Queue::open(queue_dir)?;
        let secret = read_or_make_secret(queue_dir)?;
        Ok(Intake {
            guard: guard::Guard::new(&settings),
            settings,
            directory: RwLock::new(Arc::new(directory)),
            queue,
            recent: Mutex::new(Recent::default()),
            secret,
            blocklist: Mutex::new((None, HashSet::new())),
        })
    }

    /// Replaces what the intake knows of the site (after an edit, or an approval).
    pub fn set_directory(&self, directory: Directory) {
        *self.directory.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(directory);
    }

    pub fn directory(&self) -> Arc<Directory> {
        self.directory
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Decides on one post from `client` at `now`, filing it if it is taken.
    pub fn accept(&self, post: &Submission, client: IpAddr, now: DateTime<Utc>) -> Outcome {
        let directory = self.directory();
        let Some((slug, article)) = directory.articles.get_key_value(post.slug.as_str()) else {
            return Outcome::NoArticle;
        };
        let back = || Outcome::Held {
            to: format!("{}#comment-held", directory.page(slug)),
        };
        // A robot is told it succeeded, and nothing is kept.
        if self.settings.honeypot && post.trap {
            return back();
        }
        if article.date > now {
            return Outcome::NoArticle;
        }
        if !article.open || article.closes.is_some_and(|closes| closes <= now) {
            return Outcome::Closed;
        }
        let parent = match &post.parent {
            None => None,
            Some(parent) => match article.comments.get(parent.as_str()) {
                Some(id) => Some(id.as_str()),
                None => {
                    return Outcome::Invalid {
                        field: "parent",
                        why: "the comment you replied to is not (or not yet) published under this \
                              article"
                            .to_string(),
                    };
                }
            },
        };
        // The time trap: a form sent within seconds of the page loading was not typed.
        if let Some(loaded) = post.loaded_ms {
            let age = now.timestamp_millis() - loaded;
            if (0..self.settings.min_seconds as i64 * 1000).contains(&age) {
                return back();
            }
        }
        let email_hash = post.email.as_deref().map(guard::email_hash);
        // Claimed now, so two copies sent at once cannot both be filed; given back if this one
        // is not filed after all, so the reader's retry (after a 429, say) is not a duplicate.
        let Some(print) = self.recent_mut().first_time(slug, post) else {
            return Outcome::Duplicate;
        };
        let outcome = (|| {
            if let Err(wait) = self.guard.admit(client, email_hash.as_deref()) {
                return Outcome::Flood { wait };
            }
            if self.queue.is_full(self.settings.max_pending) {
                return Outcome::Unavailable {
                    why: "the moderation queue is full",
                };
            }
            let subnet = guard::subnet_hash(&self.secret, client);
            let (shelf, signals) = self.signals(post, email_hash.as_deref(), &subnet);
            let front = Front {
                author: &post.name,
                date: queue::toml_time(now),
                parent,
                website: post.website.as_deref(),
                email_hash: email_hash.as_deref(),
            };
            let sidecar = Sidecar {
                received: queue::toml_time(now),
                subnet: &subnet,
                signals: &signals,
            };
            let id = queue::new_id(now);
            let text = queue::comment_file(&front, &post.comment);
            match self.queue.put(shelf, slug, &id, &text, &sidecar) {
                Ok(_) => back(),
                Err(_) => Outcome::Unavailable {
                    why: "the comment could not be saved",
                },
            }
        })();
        if !matches!(outcome, Outcome::Held { .. }) {
            self.recent_mut().forget(&print);
        }
        outcome
    }

    fn recent_mut(&self) -> std::sync::MutexGuard<'_, Recent> {
        self.recent.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the moderators blocked this email hash or subnet (`sitrep comments spam
    /// --block` writes `email <hash>` and `subnet <hash>` lines). Read again when it changes.
    fn blocked(&self, email_hash: Option<&str>, subnet: &str) -> bool {
        let path = self.queue.dir().join("blocklist");
        let changed = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        let mut list = self.blocklist.lock().unwrap_or_else(|e| e.into_inner());
        if list.0 != changed {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            *list = (
                changed,
                text.lines().map(|l| l.trim().to_string()).collect(),
            );
        }
        email_hash.is_some_and(|hash| list.1.contains(&format!("email {hash}")))
            || list.1.contains(&format!("subnet {subnet}"))
    }

    /// Where a comment goes, and why it is held for a closer look.
    fn signals(
        &self,
        post: &Submission,
        email_hash: Option<&str>,
        subnet: &str,
    ) -> (Shelf, Vec<String>) {
        if self.blocked(email_hash, subnet) {
            return (Shelf::Spam, vec!["blocked sender".to_string()]);
        }
        let haystack = format!(
            "{}\n{}\n{}\n{}",
            post.name,
            post.comment,
            post.email.as_deref().unwrap_or(""),
            post.website.as_deref().unwrap_or("")
        )
        .to_lowercase();
        let hit = |keys: &[String]| {
            keys.iter()
                .map(|k| k.trim().to_lowercase())
                .find(|k| !k.is_empty() && haystack.contains(k.as_str()))
        };
        if let Some(key) = hit(&self.settings.disallowed_keys) {
            return (Shelf::Spam, vec![format!("disallowed key {key:?}")]);
        }
        let mut signals = Vec::new();
        let links = count_links(&post.comment);
        if links > self.settings.max_links {
            signals.push(format!("{links} links"));
        }
        if let Some(key) = hit(&self.settings.moderation_keys) {
            signals.push(format!("moderation key {key:?}"));
        }
        (Shelf::Pending, signals)
    }
}

/// Links in a comment: web addresses, written out or in Markdown.
fn count_links(text: &str) -> usize {
    let lower = text.to_lowercase();
    lower.matches("http://").count()
        + lower.matches("https://").count()
        + lower.matches("www.").count()
        - lower.matches("://www.").count()
}

/// The fingerprints of recent comments, for duplicates: bounded, oldest forgotten first.
#[derive(Default)]
struct Recent {
    seen: HashSet<[u8; 32]>,
    order: VecDeque<[u8; 32]>,
}

const RECENT: usize = 50_000;

impl Recent {
    /// This comment's fingerprint (same article, same name, same words) if it is new;
    /// remembered until [`Recent::forget`].
    fn first_time(&mut self, slug: &str, post: &Submission) -> Option<[u8; 32]> {
        let words: Vec<&str> = post.comment.split_whitespace().collect();
        let mut hasher = Sha256::new();
        for part in [
            slug,
            &post.name.to_lowercase(),
            &words.join(" ").to_lowercase(),
        ] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        let print: [u8; 32] = hasher.finalize().into();
        if !self.seen.insert(print) {
            return None;
        }
        self.order.push_back(print);
        if self.order.len() > RECENT
            && let Some(old) = self.order.pop_front()
        {
            self.seen.remove(&old);
        }
        Some(print)
    }

    /// Gives back a fingerprint whose comment was not filed.
    fn forget(&mut self, print: &[u8; 32]) {
        self.seen.remove(print);
    }
}

/// The queue's secret for subnet hashes, made once and kept in `<queue>/.secret`, so hashes stay
/// comparable across restarts (and a blocked subnet stays blocked).
fn read_or_make_secret(queue_dir: &Path) -> std::io::Result<Vec<u8>> {
    let path = queue_dir.join(".secret");
    match std::fs::read(&path) {
        Ok(secret) if secret.len() >= 16 => Ok(secret),
        _ => {
            let secret = queue::random_hex(32).into_bytes();
            std::fs::write(&path, &secret)?;
            Ok(secret)
        }
    }
}
