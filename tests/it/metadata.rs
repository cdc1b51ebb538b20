//! What pages tell machines: canonical links, Open Graph, X cards, JSON-LD structured data,
//! redirects for old addresses, and the reader's navigation (reading time, neighbours, related
//! articles, search).

use serde_json::Value;

use crate::support::{Page, site};

/// The JSON-LD blocks of a page, parsed, by `@type`.
fn json_ld(page: &Page, kind: &str) -> Value {
    page.all("script[type=\"application/ld+json\"]")
        .iter()
        .map(|s| serde_json::from_str::<Value>(&s.text().collect::<String>()).expect("valid JSON"))
        .find(|v| v["@type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} block"))
}

fn meta(page: &Page, attr: &str, name: &str) -> Vec<String> {
    page.all(&format!("head meta[{attr}=\"{name}\"]"))
        .iter()
        .map(|m| m.value().attr("content").unwrap().to_string())
        .collect()
}

#[test]
fn article_pages_carry_search_and_social_metadata() {
    let s = site("basic");
    s.file(
        "content/authors/bob-byline.toml",
        "name = \"Bob Byline\"\ntwitter = \"bob_b\"\n",
    );
    let built = s.build();
    let page = built.page("/budget/");
    assert_eq!(page.text_of("head title"), "Budget analysis – Test Desk");
    assert_eq!(
        meta(&page, "name", "description"),
        ["First paragraph of the budget piece."]
    );
    assert_eq!(
        page.one("head link[rel=canonical]").value().attr("href"),
        Some("https://test.example/budget/")
    );
    assert_eq!(meta(&page, "property", "og:type"), ["article"]);
    assert_eq!(meta(&page, "property", "og:title"), ["Budget analysis"]);
    assert_eq!(
        meta(&page, "property", "og:url"),
        ["https://test.example/budget/"]
    );
    assert_eq!(meta(&page, "property", "og:site_name"), ["Test Desk"]);
    assert_eq!(
        meta(&page, "property", "article:published_time"),
        ["2026-11-10T00:00:00Z"]
    );
    assert_eq!(
        meta(&page, "property", "article:author"),
        [
            "https://test.example/author/ann-author/",
            "https://test.example/author/bob-byline/"
        ]
    );
    assert_eq!(meta(&page, "property", "article:section"), ["Analysis"]);
    assert_eq!(
        meta(&page, "property", "article:tag"),
        ["Procurement", "Budget"]
    );
    assert_eq!(meta(&page, "name", "twitter:card"), ["summary"]);
    assert_eq!(
        meta(&page, "name", "twitter:creator"),
        ["@ann_writes", "@bob_b"]
    );

    let frigate = built.page("/frigate/");
    assert_eq!(
        meta(&frigate, "name", "twitter:card"),
        ["summary_large_image"]
    );
    assert_eq!(
        meta(&frigate, "property", "og:image"),
        ["https://test.example/images/ann.svg"]
    );
    assert_eq!(
        meta(&frigate, "property", "og:image:alt"),
        ["A frigate at sea"]
    );
    assert_eq!(
        meta(&frigate, "property", "article:modified_time"),
        ["2026-11-21T10:00:00Z"]
    );
}

#[test]
fn news_article_structured_data() {
    let s = site("basic");
    let config = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
    s.file(
        "site.toml",
        &config.replace(
            "per_page = 2\n",
            "per_page = 2\nlogo = \"/images/ann.svg\"\ntwitter = \"testdesk\"\n",
        ),
    );
    let built = s.build();
    assert_eq!(
        meta(&built.page("/frigate/"), "name", "twitter:site"),
        ["@testdesk"]
    );
    assert_eq!(
        meta(&built.page("/"), "name", "twitter:site"),
        ["@testdesk"]
    );
    let data = json_ld(&built.page("/frigate/"), "NewsArticle");
    assert_eq!(data["@context"], "https://schema.org");
    assert_eq!(data["headline"], "Frigate programme slips again");
    assert_eq!(data["description"], "The lead ship is a year late.");
    assert_eq!(
        data["image"],
        serde_json::json!(["https://test.example/images/ann.svg"])
    );
    assert_eq!(data["datePublished"], "2026-11-20T09:00:00Z");
    assert_eq!(data["dateModified"], "2026-11-21T10:00:00Z");
    assert_eq!(data["author"][0]["@type"], "Person");
    assert_eq!(data["author"][0]["name"], "Ann Author");
    assert_eq!(
        data["author"][0]["url"],
        "https://test.example/author/ann-author/"
    );
    assert_eq!(
        data["author"][0]["sameAs"],
        serde_json::json!(["https://x.com/ann_writes", "https://ann.example/"])
    );
    assert_eq!(data["publisher"]["@type"], "Organization");
    assert_eq!(data["publisher"]["name"], "Test Desk");
    assert_eq!(
        data["publisher"]["logo"]["url"],
        "https://test.example/images/ann.svg"
    );
    assert_eq!(
        data["mainEntityOfPage"]["@id"],
        "https://test.example/frigate/"
    );
    assert_eq!(data["articleSection"], "News");
    assert_eq!(data["keywords"], serde_json::json!(["Navy", "Procurement"]));
    assert_eq!(data["commentCount"], 7);
    let budget = json_ld(&built.page("/budget/"), "NewsArticle");
    assert_eq!(budget["author"].as_array().unwrap().len(), 2);
}

#[test]
fn every_page_has_a_breadcrumb_trail() {
    let built = site("basic").build();
    let trail = |url: &str| {
        json_ld(&built.page(url), "BreadcrumbList")["itemListElement"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, item)| {
                assert_eq!(item["position"], i + 1);
                (
                    item["name"].as_str().unwrap().to_string(),
                    item["item"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let home = ("Test Desk".to_string(), "https://test.example/".to_string());
    assert_eq!(trail("/"), std::slice::from_ref(&home));
    assert_eq!(
        trail("/frigate/"),
        [
            home.clone(),
            ("News".into(), "https://test.example/category/news/".into()),
            (
                "Frigate programme slips again".into(),
                "https://test.example/frigate/".into()
            )
        ]
    );
    assert_eq!(
        trail("/author/ann-author/"),
        [
            home.clone(),
            ("Authors".into(), "https://test.example/authors/".into()),
            (
                "Ann Author".into(),
                "https://test.example/author/ann-author/".into()
            )
        ]
    );
    assert_eq!(trail("/tag/procurement/").len(), 2);
    assert_eq!(trail("/about/").len(), 2);
    assert_eq!(
        trail("/page/2/"),
        [
            home,
            ("Page 2".into(), "https://test.example/page/2/".into())
        ]
    );
}

#[test]
fn author_pages_are_profile_pages() {
    let built = site("basic").build();
    let page = built.page("/author/ann-author/");
    assert_eq!(meta(&page, "property", "og:type"), ["profile"]);
    let data = json_ld(&page, "ProfilePage");
    assert_eq!(data["mainEntity"]["@type"], "Person");
    assert_eq!(data["mainEntity"]["name"], "Ann Author");
    assert_eq!(data["mainEntity"]["jobTitle"], "Naval correspondent");
}

#[test]
fn hostile_titles_cannot_break_out_of_metadata() {
    let s = site("basic");
    let title = r#"Minister says "no" </script><script>alert(1)</script> & Ærø's <b>fleet</b>"#;
    s.file(
        "content/articles/frigate.md",
        &format!("+++\ntitle = {title:?}\ndate = 2026-11-20T09:00:00Z\nauthor = \"ann-author\"\nsummary = {title:?}\ntags = [{title:?}]\n+++\nBody.\n"),
    );
    let built = s.build();
    let page = built.page("/frigate/");
    // The head holds the title as text and attribute values, never as markup.
    assert_eq!(page.text_of("head title"), format!("{title} – Test Desk"));
    assert_eq!(meta(&page, "property", "og:title"), [title]);
    assert_eq!(meta(&page, "property", "article:tag"), [title]);
    assert_eq!(
        page.all("script")
            .iter()
            .filter(|s| s.value().attr("type") != Some("application/ld+json"))
            .count(),
        1
    );
    assert_eq!(json_ld(&page, "NewsArticle")["headline"], title);
    assert_eq!(
        json_ld(&page, "BreadcrumbList")["itemListElement"][1]["name"],
        title
    );
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(built.out.join("search/d/0.json")).unwrap())
            .unwrap();
    assert_eq!(index[0]["title"], title);
}

#[test]
fn aliases_redirect_old_addresses() {
    let s = site("basic");
    s.file(
        "content/articles/budget.md",
        "+++\ntitle = \"Budget analysis\"\ndate = 2026-11-10\nauthor = \"ann-author\"\naliases = [\"/2019/05/budget-piece/\", \"/old/budget.html\"]\n+++\nx\n",
    );
    let built = s.build();
    for old in ["/2019/05/budget-piece/", "/old/budget.html"] {
        let page = built.page(old);
        assert_eq!(
            page.one("head link[rel=canonical]").value().attr("href"),
            Some("https://test.example/budget/")
        );
        assert_eq!(
            meta(&page, "http-equiv", "refresh"),
            ["0; url=https://test.example/budget/"]
        );
        assert_eq!(
            page.one("body a").value().attr("href"),
            Some("https://test.example/budget/")
        );
    }
    let sitemap = std::fs::read_to_string(built.out.join("sitemap.xml")).unwrap();
    assert!(
        !sitemap.contains("2019/05"),
        "redirects are not pages to index"
    );
}

#[test]
fn aliases_may_not_leave_the_site_or_replace_pages() {
    let s = site("basic");
    s.file(
        "content/articles/budget.md",
        "+++\ntitle = \"B\"\ndate = 2026-11-10\nauthor = \"ann-author\"\naliases = [\"/../../etc/x/\", \"old/no-slash/\", \"/?p=12\"]\n+++\nx\n",
    );
    assert_eq!(
        s.errors(),
        [
            "content/articles/budget.md: alias \"/../../etc/x/\" has a part that starts with `.`",
            "content/articles/budget.md: alias \"/?p=12\" has a query or fragment, which a static host cannot redirect",
            "content/articles/budget.md: alias \"old/no-slash/\" must start with `/` (a path on this site, such as /2019/05/old-slug/)",
        ]
    );
    s.file("content/articles/budget.md", "+++\ntitle = \"B\"\ndate = 2026-11-10\nauthor = \"ann-author\"\naliases = [\"/frigate/\", \"/shared/\"]\n+++\nx\n");
    s.file("content/articles/closed.md", "+++\ntitle = \"C\"\ndate = 2026-11-05\nauthor = \"bob-byline\"\naliases = [\"/shared/\"]\n+++\nx\n");
    assert_eq!(
        s.errors(),
        [
            "content/articles/budget.md: an alias of this article would replace what sitrep makes at frigate/index.html: rename or remove it",
            "content/articles/closed.md: an alias of this article would replace content/articles/budget.md at shared/index.html: rename or remove it",
        ]
    );
}

#[test]
fn readers_get_reading_time_neighbours_and_related_articles() {
    let s = site("basic");
    let words = "word ".repeat(700);
    s.file("content/articles/long.md", &format!("+++\ntitle = \"Long read\"\ndate = 2026-11-12\nauthor = \"bob-byline\"\ntags = [\"Budget\", \"Procurement\"]\ncategory = \"Analysis\"\n+++\n{words}\n"));
    let built = s.build();
    let page = built.page("/long/");
    assert!(
        page.text_of(".byline").contains("4 min read"),
        "{}",
        page.text_of(".byline")
    );
    // Newest first: frigate, bundle, long, budget, closed.
    assert_eq!(
        page.one(".article-nav a[rel=next]").value().attr("href"),
        Some("/bundle/")
    );
    assert_eq!(
        page.one(".article-nav a[rel=prev]").value().attr("href"),
        Some("/budget/")
    );
    assert!(
        built
            .page("/frigate/")
            .all(".article-nav a[rel=next]")
            .is_empty()
    );
    // Related: budget shares two tags and the category; frigate shares one tag.
    let related: Vec<String> = page
        .all("section.related .card-title a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(related, ["/budget/", "/frigate/"]);
    let data = json_ld(&page, "NewsArticle");
    assert_eq!(data["wordCount"], 700);
}

/// The related articles' links of the page at `path`.
fn related_of(built: &crate::support::Built, path: &str) -> Vec<String> {
    built
        .page(path)
        .all("section.related .card-title a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect()
}

/// Issue 14, point 4: an obituary (or an opinion piece) is followed only by articles of its own
/// category, however many tags it shares with good news elsewhere; other articles may still
/// point to it; `[related] kept_apart = []` lets every category mix.
#[test]
fn an_obituary_is_not_followed_by_unrelated_news() {
    let s = site("basic");
    let article = |slug: &str, category: &str, day: u32| {
        s.file(
            &format!("content/articles/{slug}.md"),
            &format!("+++\ntitle = \"{slug}\"\ndate = 2026-11-{day:02}\nauthor = \"ann-author\"\ntags = [\"Navy\", \"Procurement\"]\ncategory = \"{category}\"\n+++\nBody.\n"),
        );
    };
    article("admiral-dies", "Obituaries", 18);
    article("captain-dies", "Obituaries", 10);
    article("good-news", "News", 19);
    let built = s.build();
    assert_eq!(related_of(&built, "/admiral-dies/"), ["/captain-dies/"]);
    // News shares two tags with the obituary and may lead to it.
    assert!(related_of(&built, "/good-news/").contains(&"/admiral-dies/".to_string()));

    let config = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
    s.file(
        "site.toml",
        &format!("{config}\n[related]\nkept_apart = []\n"),
    );
    let built = s.build();
    assert_eq!(
        related_of(&built, "/admiral-dies/"),
        ["/captain-dies/", "/frigate/", "/good-news/"]
    );
}

#[test]
fn the_search_page_reads_a_generated_index() {
    let built = site("basic").build();
    let page = built.page("/search/");
    let form = page.one("form[role=search]");
    assert_eq!(form.value().attr("data-index"), Some("/search/index.json"));
    let input = page.one("form[role=search] input[name=q]");
    page.one(&format!("label[for=\"{}\"]", input.value().id().unwrap()));
    assert!(
        page.all("script")
            .iter()
            .any(|s| s.value().attr("src") == Some("/js/search.js"))
    );
    assert!(built.exists("/js/search.js"));
    let read = |path: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(built.out.join(path)).unwrap()).unwrap()
    };
    let layout = read("search/index.json");
    assert_eq!(layout["docs"], 4);
    let entries = read("search/d/0.json");
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 4);
    assert_eq!(
        entries[2],
        serde_json::json!({
            "title": "Budget analysis",
            "url": "/budget/",
            "summary": "First paragraph of the budget piece.",
            "date": "2026-11-10T00:00:00Z",
            "date_human": "10 November 2026",
            "authors": ["Ann Author", "Bob Byline"],
            "tags": ["Procurement", "Budget"],
            "category": "Analysis"
        })
    );
}

/// Issue 14, point 5: the index holds the words of article bodies (not only headlines and
/// standfirsts), each with the articles that have it, in the bucket file the search page's
/// script will fetch for it; result data comes in files of ten articles, so a query fetches
/// little more than what it shows.
#[test]
fn the_search_index_holds_body_words_in_the_bucket_a_query_fetches() {
    let s = site("basic");
    let filler: String = (0..120).map(|i| format!("Article {i}.\n\n")).collect();
    s.file("content/articles/deep.md", &format!("+++\ntitle = \"Deep\"\ndate = 2026-11-27\nauthor = \"ann-author\"\n+++\nFirst paragraph.\n\n{filler}The F-35’s <em>quarterdeck</em> &amp; Łódź.\n"));
    for i in 0..60 {
        s.file(
            &format!("content/articles/filler-{i}.md"),
            &format!("+++\ntitle = \"Filler {i}\"\ndate = 2026-01-01\nauthor = \"ann-author\"\n+++\nNothing.\n"),
        );
    }
    let built = s.build();
    let read = |path: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(built.out.join(path)).unwrap()).unwrap()
    };
    let layout = read("search/index.json");
    assert_eq!(layout["docs"], 65);
    assert_eq!(layout["chunk"], 10);
    let buckets = layout["buckets"].as_u64().unwrap() as u32;
    // The articles (by number) with `word`, and whether the headline has it.
    let postings = |word: &str| -> Vec<(u64, bool)> {
        let bucket = sitrep::render::search::bucket(word, buckets);
        let words = read(&format!("search/w/{bucket}.json"));
        let mut at = 0;
        words[word]
            .as_array()
            .unwrap_or_else(|| panic!("{word} not in bucket {bucket}: {words}"))
            .iter()
            .map(|d| {
                at += d.as_u64().unwrap();
                (at / 2, at % 2 == 1)
            })
            .collect()
    };
    // "Deep" is the newest: article 0, a body word of it and not of its headline.
    assert_eq!(postings("quarterdeck"), [(0, false)]);
    assert_eq!(postings("f35s"), [(0, false)]);
    assert_eq!(postings("lodz"), [(0, false)]);
    assert_eq!(postings("deep"), [(0, true)]);
    // Result data: ten articles to a file, newest first.
    assert_eq!(read("search/d/0.json").as_array().unwrap().len(), 10);
    assert_eq!(read("search/d/6.json").as_array().unwrap().len(), 5);
    assert!(!built.exists("search/d/7.json"));
    assert_eq!(read("search/d/0.json")[0]["title"], "Deep");
}

#[test]
fn characters_xml_forbids_never_reach_feeds_or_sitemaps() {
    let s = site("basic");
    // TOML's own escapes, as an editor or an importer might write them.
    s.file(
        "content/articles/frigate.md",
        "+++\ntitle = \"Frigate \\u0001\\u000b slips \\uFFFEagain <b>&</b>\"\ndate = 2026-11-20T09:00:00Z\nauthor = \"ann-author\"\ntags = [\"Navy\\u000b\"]\ncategory = \"News\"\n+++\nBody \u{1} text.\n",
    );
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-21T00:00:00Z")
        .unwrap()
        .to_utc();
    let built = s.build_with(sitrep::BuildOptions { now, ..s.options() });
    for file in [
        "feed.xml",
        "tag/navy/feed.xml",
        "author/ann-author/feed.xml",
        "category/news/feed.xml",
        "news-sitemap.xml",
        "sitemap.xml",
    ] {
        let text = std::fs::read_to_string(built.out.join(file)).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        if file.ends_with("feed.xml") {
            let item_title = doc
                .descendants()
                .find(|n| n.has_tag_name("item"))
                .unwrap()
                .children()
                .find(|n| n.has_tag_name("title"))
                .unwrap();
            assert_eq!(
                item_title.text(),
                Some("Frigate  slips again <b>&</b>"),
                "{file}"
            );
        }
    }
}

#[test]
fn the_not_found_page_is_kept_out_of_search_engines() {
    let built = site("basic").build();
    let page = built.page("/404.html");
    assert_eq!(meta(&page, "name", "robots"), ["noindex"]);
    assert!(
        page.all("link[rel=canonical]").is_empty(),
        "served at any address, it has no canonical one"
    );
}

#[test]
fn aliases_may_not_need_a_folder_where_a_file_is() {
    let s = site("basic");
    s.file(
        "content/articles/budget.md",
        "+++\ntitle = \"B\"\ndate = 2026-11-10\nauthor = \"ann-author\"\naliases = [\"/feed.xml/\", \"/frigate/index.html/x.html\"]\n+++\nx\n",
    );
    assert_eq!(
        s.errors(),
        [
            "content/articles/budget.md: an alias of this article at feed.xml/index.html would need a file and a folder of one name, with what sitrep makes: rename or remove it",
            "content/articles/budget.md: an alias of this article at frigate/index.html/x.html would need a file and a folder of one name, with what sitrep makes: rename or remove it",
        ]
    );
}

#[test]
fn a_base_url_without_a_host_is_warned_about() {
    let s = site("basic");
    let built = s.build_with(sitrep::BuildOptions {
        base_url: Some("/".into()),
        ..s.options()
    });
    let warnings: Vec<String> = built.warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("site.toml: base_url \"/\" has no host")),
        "{warnings:?}"
    );
}

#[test]
fn bad_twitter_handles_are_left_out() {
    let s = site("basic");
    s.file(
        "content/authors/bob-byline.toml",
        "name = \"Bob\"\ntwitter = \"bob\\\"><script>\"\n",
    );
    let built = s.build();
    assert!(
        meta(&built.page("/budget/"), "name", "twitter:creator")
            .iter()
            .all(|c| c == "@ann_writes")
    );
    assert!(
        built
            .warnings()
            .iter()
            .any(|w| w.contains("is not an X/Twitter handle"))
    );
}
