//! `sitrep import wordpress` (issue 13): the real exports in `../shared/wxr/` (skipped with a
//! message when that folder is absent) and small exports written here for each rule, imported
//! into temporary sites that are then built and read as HTML.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sitrep::import::wxr::{self, Found, Item};

use crate::support::{TestSite, squash};

/// `../shared/wxr/<name>`, if it is there.
fn shared(name: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/wxr")
        .join(name);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipping: {} is not here", path.display());
        None
    }
}

/// An empty site that shows threads ten deep, as the theme unit test has them.
fn empty_site() -> TestSite {
    let s = TestSite::empty();
    s.remove("content/authors/x.toml");
    s.file(
        "site.toml",
        "title = \"Imported\"\nbase_url = \"https://imported.example/\"\n[comments]\nmax_depth = 10\n",
    );
    s
}

fn import(s: &TestSite, exports: &[&Path], extra: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(["import", "wordpress"])
        .args(exports)
        .args(extra)
        .arg("--root")
        .arg(s.root())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every item of an export.
fn items(path: &Path) -> Vec<Item> {
    let mut items = Vec::new();
    wxr::read(path, &mut |found| {
        if let Found::Item(item) = found {
            items.push(*item);
        }
    })
    .unwrap();
    items
}

/// Every file under `dir`, as text.
fn texts(dir: &Path) -> BTreeMap<PathBuf, String> {
    crate::support::snapshot(dir)
        .into_iter()
        .map(|(p, bytes)| (p, String::from_utf8_lossy(&bytes).into_owned()))
        .collect()
}

/// The front matter of a file written by the import.
fn front(text: &str) -> toml::Table {
    let split = sitrep::load::front_matter::split(Path::new("x.md"), text).unwrap();
    toml::from_str(split.front_matter).unwrap()
}

#[test]
fn the_theme_unit_test_imports_and_every_approved_comment_is_in_its_thread() {
    let Some(export) = shared("themeunittestdata.wordpress.xml") else {
        return;
    };
    let s = empty_site();
    let report_path = s.root().join("report.json");
    let (code, out, err) = import(&s, &[&export], &["--report", report_path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("comment/approved"), "{out}");
    // `check` also refuses a link to a page the site does not have.
    sitrep::check(&s.options()).unwrap_or_else(|e| panic!("{e}"));
    let built = s.build();
    assert_eq!(built.report.warnings, Vec::new());

    // Every approved comment is on its article's page, inside its parent's element.
    let comments = s.root().join("content/comments");
    let mut seen = 0;
    let mut deepest = 0;
    for (rel, text) in texts(&comments) {
        let slug = rel.parent().unwrap().to_string_lossy().into_owned();
        let id = rel.file_stem().unwrap().to_string_lossy().into_owned();
        // Comments of drafts are imported with them, for when they are published.
        if !built.exists(&format!("/{slug}/")) {
            continue;
        }
        let page = built.page(&format!("/{slug}/"));
        let element = page.comment(&id);
        deepest = deepest.max(element.depth());
        if let Some(parent) = front(&text).get("parent").and_then(|p| p.as_str()) {
            assert_eq!(
                element.shown_under().as_deref(),
                Some(parent),
                "{slug}/{id}"
            );
            assert!(element.is_inside(parent));
        }
        seen += 1;
    }
    let approved: usize = items(&export)
        .iter()
        .filter(|i| {
            i.post_type == "post"
                && matches!(i.status.as_str(), "publish" | "future")
                && i.password.is_empty()
        })
        .flat_map(|i| &i.comments)
        .filter(|c| c.approved == "1" && matches!(c.kind.as_str(), "" | "comment"))
        .count();
    assert_eq!(seen, approved);
    assert_eq!(deepest, 10, "the ten-deep thread is ten deep");

    // Nothing of WordPress's markup, and no commenter's address, anywhere.
    let site_texts = texts(&s.root());
    let secrets: BTreeSet<String> = items(&export)
        .iter()
        .flat_map(|i| &i.comments)
        .flat_map(|c| [c.email.clone()])
        .filter(|e| !e.is_empty())
        .collect();
    for (path, text) in &site_texts {
        if path.extension().is_some_and(|e| e == "html") {
            assert!(!text.contains("<!-- wp:"), "{path:?}");
            let html = scraper::Html::parse_document(text);
            let visible: String = html
                .select(&crate::support::sel("main"))
                .flat_map(|m| m.text())
                .collect();
            // A code block may quote WordPress's markup as text; nothing else may.
            let code: String = html
                .select(&crate::support::sel("main pre, main code"))
                .flat_map(|m| m.text())
                .collect();
            for mark in ["[caption", "[gallery", "[embed", "[audio", "[video"] {
                assert!(
                    !visible.contains(mark) || code.contains(mark),
                    "{path:?} shows {mark}"
                );
            }
        }
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{path:?} holds {secret}");
        }
    }

    // Every old permalink leads to its article: a redirect page to it.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s.root().join("report.json")).unwrap())
            .unwrap();
    let aliases = report["aliases"].as_array().unwrap();
    assert!(aliases.len() > 20);
    for alias in aliases {
        let (old, slug) = (alias[0].as_str().unwrap(), alias[1].as_str().unwrap());
        // A draft or a scheduled article's old address waits with it.
        if !built.exists(&format!("/{slug}/")) {
            continue;
        }
        let page = built.page(old);
        let target = page
            .one("link[rel=canonical]")
            .value()
            .attr("href")
            .unwrap();
        assert!(target.ends_with(&format!("/{slug}/")), "{old} → {target}");
    }
}

#[test]
fn the_block_test_export_imports_and_builds_and_shared_names_both_survive() {
    let Some(export) = shared("64-block-test-data.xml") else {
        return;
    };
    let s = empty_site();
    let (code, _, err) = import(&s, &[&export], &[]);
    assert_eq!(code, 0, "{err}");
    sitrep::check(&s.options()).unwrap_or_else(|e| panic!("{e}"));
    let built = s.build();
    assert_eq!(built.report.warnings, Vec::new());
    let published: Vec<Item> = items(&export)
        .into_iter()
        .filter(|i| i.post_type == "post" && i.status == "publish" && i.password.is_empty())
        .collect();
    assert_eq!(built.report.articles, published.len());
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for item in &published {
        *names.entry(item.post_name.as_str()).or_default() += 1;
    }
    let shared_name = names.iter().find(|(_, n)| **n > 1).map(|(name, _)| *name);
    if let Some(name) = shared_name {
        assert!(built.exists(&format!("/{name}/")));
        assert!(built.exists(&format!("/{name}-2/")));
    }
}

/// Words of a text: letters and digits, lower-cased.
fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The words a reader sees in a WordPress body: tags, comments and shortcode tags removed.
fn source_words(html: &str) -> BTreeSet<String> {
    let mut text = String::new();
    let mut rest = html;
    // HTML comments (block delimiters) go whole; tags and shortcode brackets go, text stays.
    while let Some(open) = rest.find(['<', '[']) {
        text.push_str(&rest[..open]);
        let closing = if rest[open..].starts_with("<!--") {
            "-->"
        } else if rest[open..].starts_with('<') {
            ">"
        } else {
            "]"
        };
        match rest[open..].find(closing) {
            Some(end) => rest = &rest[open + end + closing.len()..],
            None => {
                rest = &rest[open + 1..];
            }
        }
        text.push(' ');
    }
    text.push_str(rest);
    let text = text.replace("&nbsp;", " ").replace("&amp;", "&");
    words(&text)
        .into_iter()
        .filter(|w| {
            ![
                "nbsp", "amp", "quot", "gt", "lt", "8217", "8220", "8221", "8211", "8212", "8230",
                "038",
            ]
            .contains(&w.as_str())
        })
        .collect()
}

#[test]
fn no_word_of_any_post_is_lost() {
    for name in ["themeunittestdata.wordpress.xml", "64-block-test-data.xml"] {
        let Some(export) = shared(name) else {
            return;
        };
        let s = empty_site();
        let (code, _, err) = import(&s, &[&export], &[]);
        assert_eq!(code, 0, "{err}");
        let written: String = texts(&s.root().join("content"))
            .into_iter()
            .filter(|(p, _)| p.starts_with("articles") || p.starts_with("pages"))
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
            .join("\n");
        // Substrings, not words: `<sup>super</sup>script` is one word once the tags go.
        let have = written.replace("&amp;", "&").to_lowercase();
        let mut lost = BTreeMap::new();
        for item in items(&export) {
            if !matches!(item.post_type.as_str(), "post" | "page") || item.status == "trash" {
                continue;
            }
            let missing: Vec<String> = source_words(&item.content)
                .into_iter()
                .filter(|w| !have.contains(w.as_str()))
                .collect();
            if !missing.is_empty() {
                lost.insert(item.id, missing);
            }
        }
        assert!(lost.is_empty(), "{name}: words lost: {lost:?}");
    }
}

/// A small export in WXR 1.0, with its own rules to check.
fn small_export(dir: &Path, items: &str) -> PathBuf {
    let path = dir.join("small.xml");
    std::fs::write(
        &path,
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.0/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.0/">
<channel><title>Small</title><link>https://old.example</link>
{items}
</channel></rss>"#
        ),
    )
    .unwrap();
    path
}

fn post(id: u64, name: &str, date: &str, date_gmt: &str, comments: &str) -> String {
    format!(
        r#"<item><title>Post {id}</title><link>https://old.example/2019/05/{name}/</link><dc:creator>Ann</dc:creator>
<content:encoded><![CDATA[Words of post {id}.]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{id}</wp:post_id><wp:post_date>{date}</wp:post_date><wp:post_date_gmt>{date_gmt}</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:post_name>{name}</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type><wp:post_password></wp:post_password>{comments}</item>"#
    )
}

fn comment(id: u64, parent: u64, approved: &str, email: &str) -> String {
    format!(
        r#"<wp:comment><wp:comment_id>{id}</wp:comment_id><wp:comment_author><![CDATA[Reader {id}]]></wp:comment_author>
<wp:comment_author_email>{email}</wp:comment_author_email><wp:comment_author_IP>192.0.2.77</wp:comment_author_IP>
<wp:comment_date>2019-05-02 12:00:00</wp:comment_date><wp:comment_date_gmt>0000-00-00 00:00:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[Comment {id}.]]></wp:comment_content><wp:comment_approved>{approved}</wp:comment_approved>
<wp:comment_type></wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>"#
    )
}

#[test]
fn threads_are_resolved_whatever_the_ids_and_gaps() {
    let s = empty_site();
    // 5 answers 9 (a higher id); 7 answers 8, which is pending; 3 answers 99, which is missing;
    // 11 and 12 answer each other.
    let comments = [
        comment(9, 0, "1", "a@example.org"),
        comment(5, 9, "1", "b@example.org"),
        comment(8, 9, "0", "c@example.org"),
        comment(7, 8, "1", "d@example.org"),
        comment(3, 99, "1", "e@example.org"),
        comment(11, 12, "1", ""),
        comment(12, 11, "1", ""),
        comment(13, 0, "spam", "f@example.org"),
    ]
    .concat();
    // The GMT dates are zero: the site's offset (+02:00) comes from the other post.
    let items = [
        post(
            1,
            "thread",
            "2019-05-01 10:00:00",
            "0000-00-00 00:00:00",
            &comments,
        ),
        post(2, "other", "2019-05-03 10:00:00", "2019-05-03 08:00:00", ""),
    ]
    .concat();
    let exports = tempfile::tempdir().unwrap();
    let export = small_export(exports.path(), &items);
    let (code, out, err) = import(&s, &[&export], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("comments re-attached"), "{out}");
    let article = std::fs::read_to_string(s.root().join("content/articles/thread.md")).unwrap();
    assert_eq!(front(&article)["date"].to_string(), "2019-05-01T08:00:00Z");
    let page = s.build().page("/thread/");
    assert_eq!(page.comment("5").shown_under().as_deref(), Some("9"));
    assert_eq!(page.comment("7").shown_under().as_deref(), Some("9"));
    assert_eq!(page.comment("3").shown_under(), None);
    assert_eq!(page.comment_ids().len(), 6);
    assert!(s.root().join("moderation/pending/thread/8.md").exists());
    let everything: String = texts(&s.root()).into_values().collect();
    assert!(!everything.contains("@example.org") && !everything.contains("192.0.2.77"));
    assert!(!everything.contains("Comment 13."));
    let redirect = s.build().page("/2019/05/thread/");
    assert!(squash(&redirect.text).contains("Post 1"));
}

#[test]
fn dry_run_writes_nothing_a_second_import_is_identical_and_bad_xml_stops_everything() {
    let s = empty_site();
    let exports = tempfile::tempdir().unwrap();
    let export = small_export(
        exports.path(),
        &post(
            1,
            "one",
            "2019-05-01 10:00:00",
            "2019-05-01 08:00:00",
            &comment(4, 0, "1", "x@example.org"),
        ),
    );
    let before = texts(&s.root());
    let (code, out, _) = import(&s, &[&export], &["--dry-run"]);
    assert_eq!(code, 0);
    assert!(out.contains("nothing was written"), "{out}");
    assert_eq!(texts(&s.root()), before);

    assert_eq!(import(&s, &[&export], &[]).0, 0);
    let first = texts(&s.root().join("content"));
    let (code, _, err) = import(&s, &[&export], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("--force"), "{err}");
    assert_eq!(import(&s, &[&export], &["--force"]).0, 0);
    assert_eq!(texts(&s.root().join("content")), first);

    let bad = exports.path().join("bad.xml");
    std::fs::write(&bad, "<rss><channel><item><title>x</item></channel></rss>").unwrap();
    let other = TestSite::empty();
    let before = texts(&other.root());
    let (code, _, err) = import(&other, &[&export, &bad], &["--force"]);
    assert_eq!(code, 1);
    assert!(err.contains("bad.xml:1:"), "{err}");
    assert_eq!(texts(&other.root()), before);
}

/// Yoast's primary category wins over the first one; a comment by a WordPress user who is an
/// author gets `author_id`; `--media-from` copies the uploads under static/ so the old image
/// addresses keep working.
#[test]
fn primary_category_staff_comments_and_media() {
    let s = empty_site();
    let exports = tempfile::tempdir().unwrap();
    let staff_comment = r#"<wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_author><![CDATA[Ann]]></wp:comment_author>
<wp:comment_author_email></wp:comment_author_email><wp:comment_date>2019-05-02 12:00:00</wp:comment_date>
<wp:comment_date_gmt>2019-05-02 10:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[Thanks.]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type><wp:comment_parent>0</wp:comment_parent>
<wp:comment_user_id>41</wp:comment_user_id></wp:comment>"#;
    let item = post(1, "one", "2019-05-01 10:00:00", "2019-05-01 08:00:00", staff_comment).replace(
        "<wp:post_type>post</wp:post_type>",
        r#"<wp:post_type>post</wp:post_type><category domain="category" nicename="news"><![CDATA[News]]></category>
<category domain="category" nicename="navy"><![CDATA[Navy]]></category>
<wp:postmeta><wp:meta_key>_yoast_wpseo_primary_category</wp:meta_key><wp:meta_value>12</wp:meta_value></wp:postmeta>"#,
    );
    let channel = r#"<wp:author><wp:author_id>41</wp:author_id><wp:author_login>ann</wp:author_login><wp:author_display_name>Ann Author</wp:author_display_name></wp:author>
<wp:category><wp:term_id>11</wp:term_id><wp:category_nicename>news</wp:category_nicename><wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>
<wp:category><wp:term_id>12</wp:term_id><wp:category_nicename>navy</wp:category_nicename><wp:cat_name><![CDATA[Navy]]></wp:cat_name></wp:category>"#;
    let export = small_export(exports.path(), &format!("{channel}\n{item}"));
    let uploads = exports.path().join("uploads");
    std::fs::create_dir_all(uploads.join("2019/05")).unwrap();
    std::fs::write(uploads.join("2019/05/dock.jpg"), b"\xff\xd8jpeg").unwrap();
    std::fs::write(uploads.join("2019/05/.DS_Store"), b"junk").unwrap();
    let (code, _, err) = import(&s, &[&export], &["--media-from", uploads.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let article =
        front(&std::fs::read_to_string(s.root().join("content/articles/one.md")).unwrap());
    assert_eq!(article["category"].as_str(), Some("Navy"));
    assert_eq!(
        article["tags"].as_array().unwrap()[0].as_str(),
        Some("News")
    );
    let reply =
        front(&std::fs::read_to_string(s.root().join("content/comments/one/2.md")).unwrap());
    assert_eq!(reply["author_id"].as_str(), Some("ann"));
    assert!(
        s.root()
            .join("static/wp-content/uploads/2019/05/dock.jpg")
            .exists()
    );
    assert!(
        !s.root()
            .join("static/wp-content/uploads/2019/05/.DS_Store")
            .exists()
    );
    let built = s.build();
    assert!(built.exists("/wp-content/uploads/2019/05/dock.jpg"));
    assert!(
        built
            .page("/one/")
            .comment("2")
            .0
            .value()
            .classes()
            .any(|c| c == "by-article-author")
    );
}
