//! `sitrep new article` and `sitrep new author`: one new content file each, checked against the
//! site so that what is written builds.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::site_files;
use super::{
    create_new, io_error, name_from_id, shown, site_root, toml_datetime, toml_string, usage,
};
use crate::error::{Error, Result, did_you_mean};
use crate::fs;
use crate::render::urls;
use crate::text::slugs;

/// Writes a draft article for `headline`; returns the file written.
///
/// The slug is the headline in lower-case ASCII ([`slugs::taxon_slug`], so Cyrillic is
/// transliterated as the news spells it); the file is `content/articles/<slug>.md`, or
/// `content/articles/<slug>/index.md` with `bundle`. The front matter holds the title, `now` as
/// the date, the author, an empty summary and tags, and `draft = true`. The author may be left
/// out when the site has exactly one. Refused, with what to do, when the headline makes no
/// usable slug, the author is unknown, or the slug is already taken.
pub fn new_article(
    root: &Path,
    headline: &str,
    author: Option<&str>,
    bundle: bool,
    now: DateTime<Utc>,
) -> Result<PathBuf> {
    site_root(root)?;
    let headline = headline.trim();
    let slug = article_slug(headline)?;

    let articles_dir = root.join("content/articles");
    let plain = articles_dir.join(format!("{slug}.md"));
    let bundled = articles_dir.join(&slug).join("index.md");
    let (path, other) = if bundle {
        (bundled, plain)
    } else {
        (plain, bundled)
    };
    let taken = |by: &Path| {
        usage(format!(
            "the slug `{slug}` is already taken by {}: pick another headline (the title can be \
             changed in the file afterwards)",
            shown(root, by)
        ))
    };
    if path.exists() {
        return Err(exists(root, &path));
    }
    if other.exists() {
        return Err(taken(&other));
    }
    // Articles and pages share the site's root, and `slug = ...` can claim any name there.
    let pages = site_files::pages(root);
    let articles = site_files::articles(root);
    if let Some(owner) = articles.iter().chain(&pages).find(|n| n.slug == slug) {
        return Err(taken(&owner.path));
    }
    let static_file = root.join("static").join(&slug);
    if static_file.exists() {
        return Err(taken(&static_file));
    }
    // After the slug: a taken one is the first thing to fix, whoever writes the article.
    let author = pick_author(root, author)?;

    let text = format!(
        "+++\n\
         title = {title}\n\
         date = {date}\n\
         author = {author}\n\
         summary = \"\"  # the standfirst; while empty, the first paragraph stands in\n\
         tags = []\n\
         draft = true\n\
         +++\n\
         \n\
         Write the article here, in Markdown. Delete `draft = true` above to publish it.\n",
        title = toml_string(headline)?,
        date = toml_datetime(now),
        author = toml_string(&author)?,
    );
    if bundle {
        fs::create_dir_all(&articles_dir.join(&slug))?;
    } else {
        fs::create_dir_all(&articles_dir)?;
    }
    write_new(root, &path, &text)?;
    Ok(path)
}

/// The slug for a headline, or why it cannot have one.
fn article_slug(headline: &str) -> Result<String> {
    if headline.is_empty() {
        return Err(usage(
            "the headline is empty: give it in quotes, such as \
             sitrep new article \"Frigate programme slips again\""
                .to_string(),
        ));
    }
    let slug = slugs::taxon_slug(headline);
    if slug.is_empty() {
        return Err(usage(format!(
            "the headline {headline:?} has no letters or digits to make its address from: write              it with words (the title can be changed in the file afterwards)"
        )));
    }
    let why = if urls::is_reserved_name(&slug) {
        Some("is a path the site itself uses".to_string())
    } else {
        slugs::check(&slug).err()
    };
    match why {
        None => Ok(slug),
        Some(why) => Err(usage(format!(
            "the headline {headline:?} makes the slug `{slug}`, which {why}: write the headline \
             with other words (the title can be changed in the file afterwards)"
        ))),
    }
}

/// The author id to write: the one asked for if the site has it, or the site's only author.
fn pick_author(root: &Path, asked: Option<&str>) -> Result<String> {
    let ids = site_files::author_ids(root);
    match asked {
        Some(id) if ids.iter().any(|known| known == id) => Ok(id.to_string()),
        Some(id) => Err(usage(format!(
            "author {id:?} is not in content/authors/{}: pass the id of an author (the file \
             name without .toml){}",
            did_you_mean(id, ids.iter().map(String::as_str)),
            if ids.is_empty() {
                ", or add one with `sitrep new author ID`"
            } else {
                ""
            }
        ))),
        None => match ids.as_slice() {
            [only] => Ok(only.clone()),
            [] => Err(usage(
                "the site has no authors yet (content/authors/ is empty): add one with \
                 `sitrep new author ID`, then pass --author ID"
                    .to_string(),
            )),
            several => Err(usage(format!(
                "the site has {} authors: pass --author with one of {}",
                several.len(),
                several.join(", ")
            ))),
        },
    }
}

/// Writes `content/authors/<id>.toml`; returns the file written.
///
/// The id must be a valid slug in lower case, as it becomes `/author/<id>/`. The file holds a
/// `name` made from the id ("maren-holt" → "Maren Holt") and every other field of an author,
/// commented out, for the editor to fill in.
pub fn new_author(root: &Path, id: &str) -> Result<PathBuf> {
    site_root(root)?;
    let advice = "use lower-case letters, digits and hyphens, such as maren-holt";
    // What to use instead: lower case, with hyphens, as the help says.
    let suggestion = slug::slugify(id);
    let instead = if suggestion.is_empty() || suggestion == id {
        String::new()
    } else {
        format!(" (such as {suggestion:?})")
    };
    if let Err(why) = slugs::check(id) {
        return Err(usage(format!(
            "the author id {id:?} {why}: {advice}{instead}"
        )));
    }
    if id.to_lowercase() != id || id.contains('_') {
        return Err(usage(format!(
            "the author id {id:?} is not lower-case letters, digits and hyphens (it is part of \
             the author page's address): use {suggestion:?}"
        )));
    }
    let name = name_from_id(id);
    if name.is_empty() {
        return Err(usage(format!(
            "the author id {id:?} has no letters: {advice}"
        )));
    }
    let dir = root.join("content/authors");
    let path = dir.join(format!("{id}.toml"));
    if path.exists() {
        return Err(exists(root, &path));
    }
    let text = format!(
        "# The byline. The fields below are optional: remove the `#` to use one.\n\
         name = {name}\n\
         # role = \"Defence correspondent\"\n\
         # bio = \"Covers land forces and procurement. Markdown, shown on the author page.\"\n\
         # avatar = \"/images/{id}.jpg\"  # a file under static/, or an address\n\
         # twitter = \"handle\"  # without the @\n\
         # website = \"https://example.org/\"\n\
         # email = \"{id}@example.org\"  # for the newsroom's records; never published\n",
        name = toml_string(&name)?,
    );
    fs::create_dir_all(&dir)?;
    write_new(root, &path, &text)?;
    Ok(path)
}

/// Writes a new file; one that is already there is refused with the path and what to do.
fn write_new(root: &Path, path: &Path, text: &str) -> Result<()> {
    match create_new(path, text) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists(root, path)),
        Err(e) => Err(io_error(path, e)),
    }
}

fn exists(root: &Path, path: &Path) -> Error {
    let what = if path.extension().is_some_and(|e| e == "toml") {
        "pick another id, or edit that file"
    } else {
        "pick another headline (the title can be changed in the file afterwards), or edit that file"
    };
    usage(format!("{} already exists: {what}", shown(root, path)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::front_matter::{parse_toml, split};
    use crate::model::sources::{ArticleFront, AuthorFront};

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-29T04:12:33Z")
            .unwrap()
            .to_utc()
    }

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/authors")).unwrap();
        std::fs::write(
            dir.path().join("content/authors/ann.toml"),
            "name = \"Ann\"\n",
        )
        .unwrap();
        dir
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn an_article_reads_back_as_a_draft() {
        let dir = site();
        let headline = "The \"Tempest\" deal \\ Київ";
        let path = new_article(dir.path(), headline, None, false, now()).unwrap();
        assert!(path.ends_with("content/articles/the-tempest-deal-kyiv.md"));
        let text = read(&path);
        let parts = split(&path, &text).unwrap();
        let (front, warnings) =
            parse_toml::<ArticleFront>(&path, parts.front_matter, parts.line_offset).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(front.title, headline);
        assert_eq!(front.date.iso(), "2026-11-29T04:12:33Z");
        assert_eq!(front.author.as_deref(), Some("ann"));
        assert_eq!(front.summary.as_deref(), Some(""));
        assert!(front.tags.is_empty() && front.draft);
    }

    #[test]
    fn reserved_and_empty_slugs_are_refused() {
        let dir = site();
        for headline in ["", "  ", "Page", "???", "Authors", "--"] {
            let e = new_article(dir.path(), headline, None, false, now()).unwrap_err();
            assert!(matches!(e, Error::Usage(_)), "{headline:?}: {e}");
        }
    }

    /// Issue 14: no empty code span for a headline without words; an author id with an
    /// underscore gets the hyphenated suggestion; a taken slug is said before a missing author.
    #[test]
    fn messages_say_the_first_thing_to_fix() {
        let dir = site();
        let e = new_article(dir.path(), "!!!", None, false, now()).unwrap_err();
        assert!(e.to_string().contains("no letters or digits"), "{e}");
        assert!(!e.to_string().contains("``"), "{e}");
        let e = new_author(dir.path(), "Bad_ID").unwrap_err().to_string();
        assert!(e.contains("\"bad-id\""), "{e}");
        std::fs::write(
            dir.path().join("content/authors/bo.toml"),
            "name = \"Bo\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("content/articles")).unwrap();
        std::fs::write(
            dir.path().join("content/articles/frigate-news.md"),
            "+++\n+++\n",
        )
        .unwrap();
        let e = new_article(dir.path(), "Frigate news", None, false, now()).unwrap_err();
        assert!(e.to_string().contains("already"), "{e}");
    }

    #[test]
    fn a_slug_field_elsewhere_is_a_clash() {
        let dir = site();
        std::fs::create_dir_all(dir.path().join("content/pages")).unwrap();
        std::fs::write(
            dir.path().join("content/pages/about-us.md"),
            "+++\ntitle = \"About\"\nslug = \"frigate-news\"\n+++\n",
        )
        .unwrap();
        let e = new_article(dir.path(), "Frigate news", None, false, now()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the slug `frigate-news` is already taken by content/pages/about-us.md: pick another \
             headline (the title can be changed in the file afterwards)"
        );
    }

    #[test]
    fn an_author_file_has_every_field_ready_to_uncomment() {
        let dir = site();
        let path = new_author(dir.path(), "maren-holt").unwrap();
        let text = read(&path);
        let (front, _) = parse_toml::<AuthorFront>(&path, &text, 0).unwrap();
        assert_eq!(front.name, "Maren Holt");
        assert!(front.role.is_none() && front.email.is_none());
        let uncommented: String = text
            .lines()
            .map(|l| {
                l.strip_prefix("# ")
                    .filter(|l| l.contains(" = "))
                    .unwrap_or(l)
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let (front, warnings) = parse_toml::<AuthorFront>(&path, &uncommented, 0).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        for field in [
            &front.role,
            &front.bio,
            &front.avatar,
            &front.twitter,
            &front.website,
            &front.email,
        ] {
            assert!(field.is_some(), "{uncommented}");
        }
    }

    #[test]
    fn author_ids_are_lower_case_slugs() {
        let dir = site();
        for bad in ["Maren", "../x", "a b", "", ".x", "-"] {
            assert!(new_author(dir.path(), bad).is_err(), "{bad:?}");
        }
        let e = new_author(dir.path(), "ann").unwrap_err();
        assert_eq!(
            e.to_string(),
            "content/authors/ann.toml already exists: pick another id, or edit that file"
        );
    }
}
