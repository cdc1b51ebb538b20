//! The moderator's verbs: `list`, `show`, `approve`, `reject`, `spam`, `reply`, `erase` and
//! `purge`. Every act is appended to `<queue>/log.jsonl`. Approval moves the queued file, which
//! is already exactly the comment file the build reads, into `content/comments/<slug>/`.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::queue::{self, Queued};
use crate::load::layout::{self, Entry};
use crate::model::site::Site;
use crate::{Error, Result, fs, load};

/// The site and its queue, as the verbs need them.
pub struct Desk {
    pub root: PathBuf,
    pub queue: PathBuf,
    pub site: Site,
    /// The approved comments of each article (by slug): id → (author, email hash, first line).
    pub published: HashMap<String, HashMap<String, Published>>,
}

/// A comment already on the site.
#[derive(Debug, Clone)]
pub struct Published {
    pub author: String,
    pub email_hash: Option<String>,
    pub first_line: String,
    /// The file, absolute.
    pub path: PathBuf,
}

impl Desk {
    /// Reads the site at `root` (drafts and scheduled articles too: a comment may wait on one).
    pub fn open(root: &Path, now: DateTime<Utc>) -> Result<Desk> {
        let (sources, site) = super::read_site(root, now)?;
        // Comments are filed under an article's slug, or its file's name (layout's stem).
        let mut slug_of: HashMap<String, &str> = HashMap::new();
        for article in &site.articles {
            if let Entry::Article { stem, .. } = layout::classify(&article.source) {
                slug_of.insert(stem, &article.slug);
            }
        }
        for article in &site.articles {
            slug_of.insert(article.slug.clone(), &article.slug);
        }
        let mut published: HashMap<String, HashMap<String, Published>> = HashMap::new();
        for comment in &sources.comments {
            let Some(slug) = slug_of.get(comment.article.as_str()) else {
                continue;
            };
            let source = &comment.source;
            published.entry(slug.to_string()).or_default().insert(
                source.stem.clone(),
                Published {
                    author: source.front.author.clone(),
                    email_hash: source.front.email_hash.clone(),
                    first_line: queue::first_line(&source.body).to_string(),
                    path: sources.root.join(&source.path),
                },
            );
        }
        Ok(Desk {
            queue: sources.root.join(&site.config.comments.intake.queue),
            root: sources.root.clone(),
            site,
            published,
        })
    }

    fn article_title(&self, slug: &str) -> &str {
        (self.site.articles.iter())
            .find(|a| a.slug == slug)
            .map_or("(no such article now)", |a| a.title.as_str())
    }

    /// Whether this commenter (same name and email hash) has a comment on the site already.
    fn approved_before(&self, queued: &Queued) -> bool {
        let hash = queued.front.email_hash.as_deref();
        self.published.values().flat_map(|m| m.values()).any(|p| {
            p.author == queued.front.author && hash.is_some() && p.email_hash.as_deref() == hash
        })
    }

    /// Appends one act to the audit log.
    fn log(&self, act: &str, queued_id: &str, slug: &str, detail: Option<&str>) -> Result<()> {
        #[derive(Serialize)]
        struct Entry<'a> {
            time: String,
            act: &'a str,
            id: &'a str,
            article: &'a str,
            by: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            detail: Option<&'a str>,
        }
        let entry = Entry {
            time: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            act,
            id: queued_id,
            article: slug,
            by: std::env::var("USER").unwrap_or_else(|_| "moderator".to_string()),
            detail,
        };
        let line = serde_json::to_string(&entry).expect("strings serialize") + "\n";
        let path = self.queue.join("log.jsonl");
        fs::create_dir_all(&self.queue)?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
        file.write_all(line.as_bytes())
            .map_err(|source| Error::Io { path, source })
    }
}

/// One line of `list`, as JSON.
#[derive(Serialize)]
pub struct Listed<'a> {
    pub id: &'a str,
    pub status: &'a str,
    pub article: &'a str,
    pub title: &'a str,
    pub author: &'a str,
    pub date: String,
    pub first_line: &'a str,
    pub parent: Option<&'a str>,
    pub parent_first_line: Option<String>,
    pub signals: &'a [String],
    pub approved_before: bool,
}

/// `list`: the comments on `status`, for `article` if given, as text or JSON.
pub fn list(desk: &Desk, status: &'static str, article: Option<&str>, json: bool) -> String {
    let queued = queue::shelf(&desk.queue, status);
    let queued_by_id: HashMap<&str, &Queued> = queued.iter().map(|q| (q.id.as_str(), q)).collect();
    let listed: Vec<Listed> = queued
        .iter()
        .filter(|q| article.is_none_or(|a| q.slug == a))
        .map(|q| {
            let parent = q.front.parent.as_deref();
            let parent_first_line = parent.and_then(|p| {
                let published = desk.published.get(&q.slug).and_then(|m| m.get(p));
                published
                    .map(|p| format!("{}: {}", p.author, p.first_line))
                    .or_else(|| {
                        let waiting = queued_by_id.get(p)?;
                        Some(format!(
                            "{} (pending): {}",
                            waiting.front.author,
                            waiting.first_line()
                        ))
                    })
            });
            Listed {
                id: &q.id,
                status,
                article: &q.slug,
                title: desk.article_title(&q.slug),
                author: &q.front.author,
                date: q.front.date.iso(),
                first_line: q.first_line(),
                parent,
                parent_first_line,
                signals: &q.sidecar.signals,
                approved_before: desk.approved_before(q),
            }
        })
        .collect();
    if json {
        return serde_json::to_string_pretty(&listed).expect("strings serialize") + "\n";
    }
    let mut out = String::new();
    for l in &listed {
        out.push_str(&format!("{}  {} — {}\n", l.id, l.article, l.title));
        let mut notes = vec![l.author.to_string(), l.date.clone()];
        if !l.signals.is_empty() {
            notes.push(format!("held: {}", l.signals.join(", ")));
        }
        if l.approved_before {
            notes.push("approved before".to_string());
        }
        out.push_str(&format!("  {}\n  > {}\n", notes.join(" · "), l.first_line));
        if let Some(parent) = &l.parent_first_line {
            out.push_str(&format!("  in reply to {parent}\n"));
        }
    }
    if listed.is_empty() {
        out.push_str(&format!("no {status} comments\n"));
    }
    out
}

/// `show`: one queued comment as the page will show it (its body through the same sanitiser).
pub fn show(desk: &Desk, id: &str) -> Result<String> {
    let q = queue::find(&desk.queue, id)?;
    let mut out = format!(
        "{} ({}) on {} — {}\nby {}{}{} at {}\n",
        q.id,
        q.shelf,
        q.slug,
        desk.article_title(&q.slug),
        q.front.author,
        q.front
            .website
            .as_deref()
            .map(|w| format!(" <{w}>"))
            .unwrap_or_default(),
        q.front
            .parent
            .as_deref()
            .map(|p| format!(", replying to {p}"))
            .unwrap_or_default(),
        q.front.date.iso(),
    );
    if !q.sidecar.signals.is_empty() {
        out.push_str(&format!("held: {}\n", q.sidecar.signals.join(", ")));
    }
    out.push('\n');
    out.push_str(&crate::text::sanitize::render_comment(&q.body));
    Ok(out)
}

/// `approve`: moves each comment into the site, parents first; a reply whose parent is not on
/// the site is refused, naming the parent. Returns the files written.
pub fn approve(desk: &mut Desk, ids: &[String], commit: bool) -> Result<Vec<PathBuf>> {
    let mut chosen: Vec<Queued> = Vec::new();
    for id in ids {
        chosen.push(queue::find(&desk.queue, id)?);
    }
    // Oldest first, so a parent approved in the same breath comes before its reply.
    chosen.sort_by(|a, b| a.id.cmp(&b.id));
    let mut written = Vec::new();
    for q in chosen {
        if !desk.site.articles.iter().any(|a| a.slug == q.slug) {
            return Err(Error::Usage(format!(
                "{}: the article `{}` is no longer on the site; reject the comment instead",
                q.id, q.slug
            )));
        }
        if let Some(parent) = &q.front.parent {
            let on_site = desk
                .published
                .get(&q.slug)
                .is_some_and(|m| m.contains_key(parent));
            if !on_site {
                let waiting = queue::find(&desk.queue, parent).is_ok();
                return Err(Error::Usage(if waiting {
                    format!(
                        "{} replies to `{parent}`, which is still in the queue: approve `{parent}` first",
                        q.id
                    )
                } else {
                    format!(
                        "{} replies to `{parent}`, which is not on the site: reject it, or approve \
                         it after its parent is restored",
                        q.id
                    )
                }));
            }
        }
        let folder = desk.root.join("content/comments").join(&q.slug);
        let target = folder.join(format!("{}.md", q.id));
        if target.exists() {
            return Err(Error::Usage(format!(
                "{} is already on the site: remove the queued copy with `sitrep comments reject {}`",
                target.display(),
                q.id
            )));
        }
        fs::create_dir_all(&folder)?;
        let bytes = fs::read(&q.path)?;
        write_whole(&target, &bytes)?;
        queue::remove(&q)?;
        desk.log("approve", &q.id, &q.slug, None)?;
        desk.published.entry(q.slug.clone()).or_default().insert(
            q.id.clone(),
            Published {
                author: q.front.author.clone(),
                email_hash: q.front.email_hash.clone(),
                first_line: q.first_line().to_string(),
                path: target.clone(),
            },
        );
        if commit {
            git_commit(
                &desk.root,
                &[&target],
                &format!("Approve comment {} on {}", q.id, q.slug),
            )?;
        }
        written.push(target);
    }
    Ok(written)
}

/// The pending comments of commenters approved before (same name and email hash).
pub fn trusted(desk: &Desk) -> Vec<String> {
    queue::shelf(&desk.queue, "pending")
        .iter()
        .filter(|q| desk.approved_before(q))
        .map(|q| q.id.clone())
        .collect()
}

/// `reject` and `spam`: moves comments to another shelf; with `block`, their email hash and
/// subnet go on the intake's blocklist.
pub fn shelve(
    desk: &Desk,
    ids: &[String],
    shelf: &str,
    reason: Option<&str>,
    block: bool,
) -> Result<Vec<PathBuf>> {
    let mut moved = Vec::new();
    for id in ids {
        let q = queue::find(&desk.queue, id)?;
        let target = queue::move_to(&desk.queue, &q, shelf)?;
        if block {
            let mut lines = Vec::new();
            if let Some(hash) = &q.front.email_hash {
                lines.push(format!("email {hash}\n"));
            }
            if !q.sidecar.subnet.is_empty() {
                lines.push(format!("subnet {}\n", q.sidecar.subnet));
            }
            append(&desk.queue.join("blocklist"), &lines.concat())?;
        }
        desk.log(shelf, &q.id, &q.slug, reason)?;
        moved.push(target);
    }
    Ok(moved)
}

fn append(path: &Path, text: &str) -> Result<()> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(io)?;
    file.write_all(text.as_bytes()).map_err(io)
}

/// Writes a file whole: aside, synced, renamed.
fn write_whole(target: &Path, bytes: &[u8]) -> Result<()> {
    let aside = target.with_file_name(format!(
        ".{}.part",
        target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("comment")
    ));
    let io = |source| Error::Io {
        path: target.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::create(&aside).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    fs::rename(&aside, target)
}

/// `git add` the files, then one commit; git's own error if it fails.
fn git_commit(root: &Path, files: &[&Path], message: &str) -> Result<()> {
    let git = |args: &[&std::ffi::OsStr]| -> Result<()> {
        let out = std::process::Command::new("git")
            .current_dir(root)
            .args(args)
            .output()
            .map_err(|source| Error::Io {
                path: PathBuf::from("git"),
                source,
            })?;
        if out.status.success() {
            Ok(())
        } else {
            Err(Error::Usage(format!(
                "git failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )))
        }
    };
    let mut add: Vec<&std::ffi::OsStr> = vec!["add".as_ref(), "--".as_ref()];
    add.extend(files.iter().map(|f| f.as_os_str()));
    git(&add)?;
    git(&[
        "commit".as_ref(),
        "-q".as_ref(),
        "-m".as_ref(),
        message.as_ref(),
        "--".as_ref(),
    ]
    .into_iter()
    .chain(files.iter().map(|f| f.as_os_str()))
    .collect::<Vec<_>>())
}

/// `reply`: a staff reply to the published comment `id`, by the site author `author_id`,
/// published at once.
pub fn reply(
    desk: &Desk,
    id: &str,
    article: Option<&str>,
    author_id: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<PathBuf> {
    let author = desk.site.authors.get(author_id).ok_or_else(|| {
        Error::Usage(format!(
            "no author `{author_id}` in content/authors/: pass the id of a site author with --as"
        ))
    })?;
    // Ids made by the intake are unique; older ones (`c1`) may repeat across articles.
    let mut slugs: Vec<&String> = (desk.published.iter())
        .filter(|(slug, comments)| comments.contains_key(id) && article.is_none_or(|a| a == *slug))
        .map(|(slug, _)| slug)
        .collect();
    slugs.sort();
    let slug = match slugs.as_slice() {
        [slug] => *slug,
        [] => {
            return Err(Error::Usage(format!(
                "no published comment `{id}` to reply to"
            )));
        }
        several => {
            let names: Vec<&str> = several.iter().map(|s| s.as_str()).collect();
            return Err(Error::Usage(format!(
                "`{id}` is a comment on several articles ({}): say which with --article",
                names.join(", ")
            )));
        }
    };
    if body.trim().is_empty() {
        return Err(Error::Usage(
            "the reply is empty: pass its text on standard input".to_string(),
        ));
    }
    let new_id = sitrep_intake::queue::new_id(now);
    let mut front = toml::Table::new();
    front.insert("author".into(), author.name.clone().into());
    front.insert("author_id".into(), author_id.into());
    front.insert(
        "date".into(),
        toml::Value::Datetime(sitrep_intake::queue::toml_time(now)),
    );
    front.insert("parent".into(), id.into());
    let text = format!(
        "+++\n{}+++\n{}",
        toml::to_string(&front).expect("a table serializes"),
        with_newline(body)
    );
    let folder = desk.root.join("content/comments").join(slug);
    fs::create_dir_all(&folder)?;
    let target = folder.join(format!("{new_id}.md"));
    write_whole(&target, text.as_bytes())?;
    desk.log("reply", &new_id, slug, Some(id))?;
    Ok(target)
}

fn with_newline(text: &str) -> String {
    if text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}

/// `erase`: every comment with this email hash, on the site or in the queue, anonymised (name
/// "Anonymous", no email hash, no website) or, with `delete`, removed, its replies moving up to
/// its parent. Returns the files changed or removed.
pub fn erase(desk: &Desk, email_hash: &str, delete: bool) -> Result<Vec<PathBuf>> {
    let email_hash = email_hash.trim().to_ascii_lowercase();
    let mut touched = Vec::new();
    let mut files: Vec<(PathBuf, String, String)> = Vec::new(); // (file, slug, id)
    for (slug, comments) in &desk.published {
        for (id, p) in comments {
            if p.email_hash.as_deref() == Some(email_hash.as_str()) {
                files.push((p.path.clone(), slug.clone(), id.clone()));
            }
        }
    }
    for shelf in queue::SHELVES {
        for q in queue::shelf(&desk.queue, shelf) {
            if q.front.email_hash.as_deref() == Some(email_hash.as_str()) {
                files.push((q.path.clone(), q.slug.clone(), q.id.clone()));
            }
        }
    }
    files.sort();
    for (path, slug, id) in files {
        if delete {
            let parent = front_of(&path)?
                .get("parent")
                .and_then(|v| v.as_str())
                .map(str::to_string);
            // Replies to it move up a level, to its own parent (or the top).
            if let Some(comments) = desk.published.get(&slug) {
                for reply in comments.values() {
                    let mut front = front_of(&reply.path)?;
                    if front.get("parent").and_then(|v| v.as_str()) == Some(id.as_str()) {
                        match &parent {
                            Some(p) => front.insert("parent".into(), p.clone().into()),
                            None => front.remove("parent"),
                        };
                        rewrite(&reply.path, &front)?;
                        touched.push(reply.path.clone());
                    }
                }
            }
            fs::remove_file(&path)?;
            fs::remove_file_if_there(&path.with_extension("toml"))?;
        } else {
            let mut front = front_of(&path)?;
            front.insert("author".into(), "Anonymous".into());
            front.remove("email_hash");
            front.remove("website");
            rewrite(&path, &front)?;
        }
        desk.log(
            if delete { "erase-delete" } else { "erase" },
            &id,
            &slug,
            None,
        )?;
        touched.push(path);
    }
    Ok(touched)
}

fn split_file(path: &Path) -> Result<(toml::Table, String)> {
    let text = fs::read_to_string(path)?;
    let split = load::front_matter::split(path, &text).map_err(|d| Error::Usage(d.to_string()))?;
    let table = toml::from_str(split.front_matter)
        .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
    Ok((table, split.body.to_string()))
}

fn front_of(path: &Path) -> Result<toml::Table> {
    Ok(split_file(path)?.0)
}

fn rewrite(path: &Path, front: &toml::Table) -> Result<()> {
    let (_, body) = split_file(path)?;
    let text = format!(
        "+++\n{}+++\n{body}",
        toml::to_string(front).expect("a table serializes")
    );
    write_whole(path, text.as_bytes())
}

/// `purge`: spam and rejected comments received before `before`, removed for good.
pub fn purge(desk: &Desk, before: DateTime<Utc>) -> Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for shelf in ["spam", "rejected"] {
        for q in queue::shelf(&desk.queue, shelf) {
            let received = q
                .sidecar
                .received
                .map(|r| r.to_string())
                .unwrap_or_default();
            let received = DateTime::parse_from_rfc3339(&received).map(|d| d.to_utc());
            let old = received.map_or(q.front.date.0.to_utc() < before, |r| r < before);
            if old {
                queue::remove(&q)?;
                desk.log("purge", &q.id, &q.slug, Some(shelf))?;
                removed.push(q.path.clone());
            }
        }
    }
    Ok(removed)
}

/// `30d`, `12h`, `2w` as a duration.
pub fn parse_age(text: &str) -> Result<chrono::Duration> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let n: i64 = number.parse().map_err(|_| bad_age(text))?;
    match unit {
        "d" => Ok(chrono::Duration::days(n)),
        "h" => Ok(chrono::Duration::hours(n)),
        "w" => Ok(chrono::Duration::weeks(n)),
        _ => Err(bad_age(text)),
    }
}

fn bad_age(text: &str) -> Error {
    Error::Usage(format!(
        "--older-than {text:?}: write a number of days, hours or weeks, such as 30d"
    ))
}

/// Ids given on the command line, each once.
pub fn unique(ids: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    ids.into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect()
}
