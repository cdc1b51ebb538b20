//! Sitemaps, the news sitemap and robots.txt, read with an XML parser and checked against the
//! protocols' rules.

use std::collections::BTreeSet;

use std::sync::Mutex;

use crate::support::{Built, TestSite, site};

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

fn read(built: &Built, path: &str) -> String {
    std::fs::read_to_string(built.out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The `<loc>`s of a urlset, with their `<lastmod>`s, checking the protocol's limits.
fn urlset(text: &str) -> Vec<(String, Option<String>)> {
    assert!(
        text.len() <= 50 * 1024 * 1024,
        "a sitemap file is at most 50 MB"
    );
    let doc = roxmltree::Document::parse(text).unwrap();
    let root = doc.root_element();
    assert_eq!(
        (root.tag_name().namespace(), root.tag_name().name()),
        (Some(SITEMAP_NS), "urlset")
    );
    let urls: Vec<_> = root
        .children()
        .filter(|n| n.is_element())
        .map(|url| {
            let child = |name: &str| {
                url.children()
                    .find(|c| c.tag_name().name() == name)
                    .and_then(|c| c.text())
                    .map(str::to_string)
            };
            (child("loc").expect("every url has a loc"), child("lastmod"))
        })
        .collect();
    assert!(
        urls.len() <= 50_000,
        "a sitemap file holds at most 50,000 URLs"
    );
    urls
}

#[test]
fn the_sitemap_lists_every_public_page_once() {
    let built = site("basic").build();
    let urls = urlset(&read(&built, "sitemap.xml"));
    let locs: BTreeSet<&str> = urls.iter().map(|(loc, _)| loc.as_str()).collect();
    assert_eq!(locs.len(), urls.len(), "no URL twice");
    // Every HTML page in the output but the 404 and search pages is listed, and nothing else.
    let pages: BTreeSet<String> = walkdir::WalkDir::new(&built.out)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| {
            e.file_name() == "index.html" && !e.path().starts_with(built.out.join("search"))
        })
        .map(|e| {
            let folder = e
                .path()
                .parent()
                .unwrap()
                .strip_prefix(&built.out)
                .unwrap()
                .to_string_lossy()
                .to_string();
            if folder.is_empty() {
                "https://test.example/".to_string()
            } else {
                format!("https://test.example/{folder}/")
            }
        })
        .collect();
    assert_eq!(locs, pages.iter().map(String::as_str).collect());
    assert!(locs.contains("https://test.example/frigate/"));
    assert!(
        !locs
            .iter()
            .any(|l| l.contains("draft") || l.contains("future"))
    );
    let lastmod = |loc: &str| urls.iter().find(|(l, _)| l == loc).unwrap().1.clone();
    assert_eq!(
        lastmod("https://test.example/frigate/").as_deref(),
        Some("2026-11-21T10:00:00Z"),
        "the update time"
    );
    assert_eq!(
        lastmod("https://test.example/budget/").as_deref(),
        Some("2026-11-10T00:00:00Z")
    );
    assert_eq!(
        lastmod("https://test.example/tag/navy/").as_deref(),
        Some("2026-11-21T10:00:00Z"),
        "its newest article"
    );
}

#[test]
fn robots_names_both_sitemaps() {
    let built = site("basic").build();
    let robots = read(&built, "robots.txt");
    let sitemaps: Vec<&str> = robots
        .lines()
        .filter_map(|l| l.strip_prefix("Sitemap: "))
        .collect();
    assert_eq!(
        sitemaps,
        [
            "https://test.example/sitemap.xml",
            "https://test.example/news-sitemap.xml"
        ]
    );
    assert!(robots.lines().any(|l| l == "User-agent: *"));
}

#[test]
fn a_site_s_own_robots_txt_wins() {
    let s = site("basic");
    s.file("static/robots.txt", "User-agent: *\nDisallow: /\n");
    assert_eq!(
        read(&s.build(), "robots.txt"),
        "User-agent: *\nDisallow: /\n"
    );
}

/// The news sitemap's (url, title, publication date) entries.
fn news(text: &str) -> Vec<(String, String, String)> {
    let doc = roxmltree::Document::parse(text).unwrap();
    doc.root_element()
        .children()
        .filter(|n| n.is_element())
        .map(|url| {
            let find = |name: &str, ns: &str| {
                url.descendants()
                    .find(|d| d.tag_name().name() == name && d.tag_name().namespace() == Some(ns))
                    .and_then(|d| d.text())
                    .unwrap_or_default()
                    .to_string()
            };
            assert_eq!(find("name", NEWS_NS), "Test Desk");
            assert_eq!(find("language", NEWS_NS), "en");
            (
                find("loc", SITEMAP_NS),
                find("title", NEWS_NS),
                find("publication_date", NEWS_NS),
            )
        })
        .collect()
}

#[test]
fn the_news_sitemap_holds_only_the_last_two_days() {
    let s = site("basic");
    // The build's clock is 2026-11-21T12:00Z: only the frigate story (20 Nov 09:00) is within 48 hours.
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-21T12:00:00Z")
        .unwrap()
        .to_utc();
    let built = s.build_with(sitrep::BuildOptions { now, ..s.options() });
    assert_eq!(
        news(&read(&built, "news-sitemap.xml")),
        [(
            "https://test.example/frigate/".to_string(),
            "Frigate programme slips again".to_string(),
            "2026-11-20T09:00:00Z".to_string()
        )]
    );
    // Nothing is that recent at the default test clock.
    assert!(news(&read(&s.build(), "news-sitemap.xml")).is_empty());
}

#[test]
fn the_build_clock_comes_from_source_date_epoch() {
    let s = site("basic");
    // 2026-11-16T00:00:00Z: the bundle story (15 Nov 12:00) is recent; the frigate one is still to come.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(["build", "--quiet", "--root"])
        .arg(s.root())
        .env("SOURCE_DATE_EPOCH", "1794787200")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(s.output().join("news-sitemap.xml")).unwrap();
    let entries = news(&text);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0, "https://test.example/bundle/");
    assert!(
        !s.output().join("frigate/index.html").exists(),
        "scheduled by the same clock"
    );
}

#[test]
fn the_news_sitemap_stops_at_a_thousand() {
    let s = TestSite::empty();
    for i in 0..1005 {
        s.file(
            &format!("content/articles/a{i}.md"),
            &format!(
                "+++\ntitle = \"A{i}\"\ndate = 2026-11-27T{:02}:{:02}:00Z\nauthor = \"x\"\n+++\n",
                i / 60 % 24,
                i % 60
            ),
        );
    }
    let entries = news(&read(&s.build(), "news-sitemap.xml"));
    assert_eq!(entries.len(), 1000);
}

#[test]
fn past_fifty_thousand_urls_the_sitemap_becomes_an_index() {
    // per_page = 1 gives each article five URLs: its page and a page in the home, author, tag and
    // category lists. 10,001 articles make 50,005 URLs, plus the authors page.
    let s = TestSite::empty();
    s.file(
        "site.toml",
        "title = \"Big\"\nbase_url = \"https://big.example/\"\nper_page = 1\n",
    );
    for i in 0..10_001 {
        s.file(&format!("content/articles/a{i}.md"), &format!("+++\ntitle = \"A{i}\"\ndate = 2026-01-01\nauthor = \"x\"\ntags = [\"t\"]\ncategory = \"c\"\n+++\n"));
    }
    // Rendered in memory: fifty thousand small files are the disk's work, not the sitemap's.
    let files = build_in_memory(&s);
    let read = |path: &str| {
        files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| panic!("no {path}"))
    };
    let index = read("sitemap.xml");
    let doc = roxmltree::Document::parse(&index).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
    let files: Vec<&str> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "loc")
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        files,
        [
            "https://big.example/sitemap-1.xml",
            "https://big.example/sitemap-2.xml"
        ]
    );
    let first = urlset(&read("sitemap-1.xml"));
    let second = urlset(&read("sitemap-2.xml"));
    assert_eq!(first.len(), 50_000);
    assert_eq!(first.len() + second.len(), 50_006);
    let all: BTreeSet<&String> = first.iter().chain(&second).map(|(loc, _)| loc).collect();
    assert_eq!(all.len(), 50_006, "no URL twice across the files");
}

/// Builds `site` through the library's stages into memory, keeping the XML files.
fn build_in_memory(site: &TestSite) -> Vec<(String, String)> {
    struct Keep(Mutex<Vec<(String, String)>>);
    impl sitrep::render::Sink for Keep {
        fn write(&self, path: &str, bytes: &[u8]) -> sitrep::Result<()> {
            if path.ends_with(".xml") {
                self.0
                    .lock()
                    .unwrap()
                    .push((path.to_string(), String::from_utf8(bytes.to_vec()).unwrap()));
            }
            Ok(())
        }
        fn copy(&self, _: &std::path::Path, _: &str) -> sitrep::Result<()> {
            Ok(())
        }
    }
    let options = site.options();
    let sources = sitrep::load::load(&options.root).unwrap();
    let (resolved, tera) =
        sitrep::prepare(&sources, &options, &mut sitrep::resolve::Cache::default()).unwrap();
    let keep = Keep(Mutex::new(Vec::new()));
    sitrep::render::render(&resolved, &tera, &keep).unwrap();
    keep.0.into_inner().unwrap()
}

#[test]
fn a_malformed_source_date_epoch_is_an_error() {
    let s = site("basic");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(["build", "--root"])
        .arg(s.root())
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SOURCE_DATE_EPOCH=\"yesterday\""));
    assert!(!s.output().exists());
}
