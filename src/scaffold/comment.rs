//! `sitrep new comment`: files a reader's comment, as a moderator passes it on, under its
//! article with a fresh id.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::site_files::{self, Named};
use super::{create_new, io_error, shown, site_root, toml_datetime, toml_string, usage};
use crate::error::{Result, did_you_mean};
use crate::fs;
use crate::text::slugs;

/// Writes a comment on `article` with `body` as its Markdown; returns the file written.
///
/// `article` is the article's slug (or its file stem); `parent`, if given, the id of a comment
/// on it. The file is `content/comments/<article>/<id>.md`, where the id comes from `now` in
/// UTC with a counter (`20261129-041233-001`), so ids sort as the comments were written and two
/// in one second still differ. The name and body were typed by a reader: they are written as
/// they came (the build escapes and sanitises them), and the front matter stays valid whatever
/// they hold.
pub fn new_comment(
    root: &Path,
    article: &str,
    author: &str,
    parent: Option<&str>,
    body: &str,
    now: DateTime<Utc>,
) -> Result<PathBuf> {
    site_root(root)?;
    let target = find_article(root, article)?;
    let author = author.trim();
    if author.is_empty() {
        return Err(usage(
            "the commenter's name is empty: pass it with --author \"Name\"".to_string(),
        ));
    }
    if body.trim().is_empty() {
        return Err(usage(format!(
            "the comment is empty: pass its text on standard input, such as \
             echo 'Text' | sitrep new comment {article} --author \"Name\""
        )));
    }

    // The build files comments under their article's slug or its file stem; keep to a folder
    // that is already there, so one article's comments stay together.
    let comments = root.join("content/comments");
    let mut names = vec![target.slug.as_str(), target.stem.as_str()];
    names.dedup();
    let folders: Vec<PathBuf> = names.iter().map(|n| comments.join(n)).collect();
    let folder = folders
        .iter()
        .find(|f| f.is_dir())
        .unwrap_or(&folders[0])
        .clone();
    let ids = site_files::comment_ids(root, &names);

    let mut front = format!(
        "+++\nauthor = {}\ndate = {}\n",
        toml_string(author)?,
        toml_datetime(now)
    );
    if let Some(parent) = parent {
        if !ids.iter().any(|id| id == parent) {
            let why = if ids.is_empty() {
                " (it has no comments yet)".to_string()
            } else {
                did_you_mean(parent, ids.iter().map(String::as_str))
            };
            return Err(usage(format!(
                "parent {parent:?} is not a comment on `{article}`{why}: pass the id of a \
                 comment in {}/ (its file name without .md)",
                shown(root, &folder)
            )));
        }
        front.push_str(&format!("parent = {}\n", toml_string(parent)?));
    }
    // Verbatim: a body line of `+++` is safe, as only the first two such lines delimit.
    let text = format!("{front}+++\n{body}");

    fs::create_dir_all(&folder)?;
    write_with_new_id(root, &folder, &ids, &text, now)
}

/// Writes `text` under an id no comment in `folder` has: the time to the second, then a
/// number (`20261128-093000-001`), so ids sort in the order the comments came in.
fn write_with_new_id(
    root: &Path,
    folder: &Path,
    ids: &[String],
    text: &str,
    now: DateTime<Utc>,
) -> Result<PathBuf> {
    let stamp = now.format("%Y%m%d-%H%M%S").to_string();
    // After the newest id of this second, so ids keep the order the comments came in.
    let mut n = ids
        .iter()
        .filter_map(|id| id.strip_prefix(&format!("{stamp}-"))?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    loop {
        n += 1;
        // Three digits keep the ids of one second sorted as text.
        if n > 999 {
            return Err(usage(format!(
                "{} already holds 999 comments written at {stamp}: wait a second and try again",
                shown(root, folder)
            )));
        }
        let id = format!("{stamp}-{n:03}");
        if ids.contains(&id) {
            continue;
        }
        let path = folder.join(format!("{id}.md"));
        match create_new(&path, text) {
            Ok(()) => return Ok(path),
            // Another comment took this id a moment ago.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_error(&path, e)),
        }
    }
}

/// The article that `name` (a slug, or else a file stem) names, as the build would file a
/// comment under it.
fn find_article(root: &Path, name: &str) -> Result<Named> {
    if let Err(why) = slugs::check(name) {
        return Err(usage(format!("the article slug {name:?} {why}")));
    }
    let articles = site_files::articles(root);
    let found = articles
        .iter()
        .find(|a| a.slug == name)
        .or_else(|| articles.iter().find(|a| a.stem == name));
    match found {
        Some(article) => Ok(article.clone()),
        None => Err(usage(format!(
            "there is no article `{name}` in content/articles/{}: pass the slug of the article \
             commented on",
            did_you_mean(
                name,
                articles
                    .iter()
                    .flat_map(|a| [a.slug.as_str(), a.stem.as_str()])
            )
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::front_matter::{parse_toml, split};
    use crate::model::sources::CommentFront;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-29T04:12:33Z")
            .unwrap()
            .to_utc()
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn hostile_comments_keep_valid_front_matter() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/articles")).unwrap();
        std::fs::write(dir.path().join("content/articles/frigate.md"), "+++\n+++\n").unwrap();
        let name = "Eve\"\n+++\n'''\\";
        let body = "+++\n<img src=x onerror=alert(1)>\n+++\n";
        let path = new_comment(dir.path(), "frigate", name, None, body, now()).unwrap();
        assert!(path.ends_with("content/comments/frigate/20261129-041233-001.md"));
        let text = read(&path);
        let parts = split(&path, &text).unwrap();
        let (front, _) =
            parse_toml::<CommentFront>(&path, parts.front_matter, parts.line_offset).unwrap();
        assert_eq!(front.author, name.trim());
        assert_eq!(parts.body, body);

        let reply = new_comment(
            dir.path(),
            "frigate",
            " Bob ",
            Some("20261129-041233-001"),
            "Yes.",
            now(),
        )
        .unwrap();
        assert!(reply.ends_with("20261129-041233-002.md"));
        assert!(read(&reply).contains("author = \"Bob\"\n"));
    }
}
