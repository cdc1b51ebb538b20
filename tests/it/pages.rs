//! The pages of a site and what each shows.

use crate::support::{site, squash};

#[test]
fn article_page_shows_everything_about_the_article() {
    let built = site("basic").build();
    let page = built.page("/frigate/");
    assert_eq!(
        page.text_of("article.article h1"),
        "Frigate programme slips again"
    );
    assert_eq!(
        page.text_of("article.article .standfirst"),
        "The lead ship is a year late."
    );
    let byline = page.one("article.article .byline");
    let authors: Vec<_> = byline
        .select(&crate::support::sel("a[rel=author]"))
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert_eq!(authors, ["/author/ann-author/"]);
    let times: Vec<_> = byline
        .select(&crate::support::sel("time"))
        .map(|t| t.value().attr("datetime").unwrap())
        .collect();
    assert_eq!(times, ["2026-11-20T09:00:00Z", "2026-11-21T10:00:00Z"]);
    assert_eq!(
        page.one("article.article .kicker a").value().attr("href"),
        Some("/category/news/")
    );
    let tags: Vec<_> = page
        .all("ul.tags a[rel=tag]")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(tags, ["/tag/navy/", "/tag/procurement/"]);
    let img = page.one("figure.lead-image > img");
    assert_eq!(img.value().attr("src"), Some("/images/ann.svg"));
    assert_eq!(img.value().attr("alt"), Some("A frigate at sea"));
    assert_eq!(
        page.text_of("figure.lead-image > figcaption"),
        "The lead ship on trials."
    );
    assert_eq!(page.one(".article-body h2").value().id(), Some("costs"));
    page.one(".article-body table");
    // The author box sits under the body, inside the article.
    let bio = page.one("article.article > aside.author-box");
    assert!(squash(&bio.text().collect::<String>()).contains("Ann covers ships."));
    assert_eq!(
        page.one("aside.author-box .social a[href=\"https://x.com/ann_writes\"]")
            .text()
            .collect::<String>(),
        "@ann_writes on X"
    );
    // Landmarks.
    page.one("header.site-header nav");
    page.one("main#main");
    page.one("footer");
    assert_eq!(page.one("html").value().attr("lang"), Some("en"));
}

#[test]
fn shared_bylines_link_every_author() {
    let built = site("basic").build();
    let page = built.page("/budget/");
    let authors: Vec<_> = page
        .all(".byline a[rel=author]")
        .iter()
        .map(|a| squash(&a.text().collect::<String>()))
        .collect();
    assert_eq!(authors, ["Ann Author", "Bob Byline"]);
    assert_eq!(page.all("aside.author-box").len(), 2);
    // No summary given: the first paragraph stands in.
    assert_eq!(
        page.text_of(".standfirst"),
        "First paragraph of the budget piece."
    );
}

#[test]
fn home_is_newest_first_and_paginated() {
    let built = site("basic").build();
    // per_page = 2; four published articles (draft and future left out).
    let first = built.page("/");
    let titles = |p: &crate::support::Page| {
        p.all(".card-title a")
            .iter()
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(titles(&first), ["/frigate/", "/bundle/"]);
    assert_eq!(
        first.one("nav.pagination a[rel=next]").value().attr("href"),
        Some("/page/2/")
    );
    let second = built.page("/page/2/");
    assert_eq!(titles(&second), ["/budget/", "/closed/"]);
    assert_eq!(
        second
            .one("nav.pagination a[rel=prev]")
            .value()
            .attr("href"),
        Some("/")
    );
    assert!(!built.exists("/page/3/index.html"));
    assert!(!built.exists("/draft/index.html"));
    assert!(!built.exists("/future/index.html"));
}

#[test]
fn drafts_and_scheduled_articles_show_with_drafts() {
    let s = site("basic");
    let built = s.build_with(sitrep::BuildOptions {
        drafts: true,
        ..s.options()
    });
    assert!(built.exists("/draft/index.html"));
    assert!(built.exists("/future/index.html"));
    // The draft's comment was kept and is published with it.
    assert_eq!(built.page("/draft/").comment_ids(), ["c1"]);
}

#[test]
fn scheduled_articles_publish_once_their_time_has_come() {
    let s = site("basic");
    let later = chrono::DateTime::parse_from_rfc3339("2099-01-01T00:00:01Z")
        .unwrap()
        .to_utc();
    let built = s.build_with(sitrep::BuildOptions {
        now: later,
        ..s.options()
    });
    assert!(built.exists("/future/index.html"));
    assert!(!built.exists("/draft/index.html"));
}

#[test]
fn author_archive_shows_the_author_and_their_articles() {
    let built = site("basic").build();
    let page = built.page("/author/ann-author/");
    assert_eq!(page.text_of(".author-header h1"), "Ann Author");
    assert_eq!(
        page.text_of(".author-header .author-role"),
        "Naval correspondent"
    );
    assert_eq!(
        page.text_of(".author-header .author-bio"),
        "Ann covers ships."
    );
    assert_eq!(
        page.one(".author-header img.author-avatar")
            .value()
            .attr("src"),
        Some("/images/ann.svg")
    );
    page.one(".author-header a[href=\"https://ann.example/\"]");
    let hrefs: Vec<_> = page
        .all(".card-title a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(hrefs, ["/frigate/", "/budget/"]);
    assert!(
        !page.text.contains("ann@test.example"),
        "emails are never published"
    );
    // An author with no published article still has a page.
    built.page("/author/cy-nobody/").one("p.empty");
}

#[test]
fn authors_page_lists_everyone() {
    let built = site("basic").build();
    let page = built.page("/authors/");
    let names: Vec<_> = page
        .all(".author-list h2 a")
        .iter()
        .map(|a| squash(&a.text().collect::<String>()))
        .collect();
    assert_eq!(names, ["Ann Author", "Bob Byline", "Cy Nobody"]);
}

#[test]
fn tag_and_category_archives() {
    let built = site("basic").build();
    let navy = built.page("/tag/navy/");
    assert_eq!(navy.text_of(".archive-header h1"), "Navy");
    let hrefs: Vec<_> = navy
        .all(".card-title a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(hrefs, ["/frigate/", "/bundle/"]);
    // Procurement has two articles: one page at per_page = 2.
    assert_eq!(built.page("/tag/procurement/").all(".card").len(), 2);
    let news = built.page("/category/news/");
    assert_eq!(news.all(".card").len(), 2);
    assert!(built.exists("/category/analysis/index.html"));
}

#[test]
fn pages_and_not_found() {
    let built = site("basic").build();
    assert_eq!(built.page("/about/").text_of("article.page h1"), "About us");
    assert_eq!(built.page("/404.html").text_of("main h1"), "Page not found");
    let nav: Vec<_> = built
        .page("/")
        .all("nav.site-nav a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert!(nav.contains(&"/about/".to_string()));
}

#[test]
fn bundles_publish_their_files_beside_the_page() {
    let built = site("basic").build();
    assert!(built.exists("/bundle/pic.svg"));
    let page = built.page("/bundle/");
    assert_eq!(
        page.one("figure.lead-image > img").value().attr("src"),
        Some("/bundle/pic.svg")
    );
    assert_eq!(
        page.one(".article-body img").value().attr("src"),
        Some("pic.svg")
    );
    assert!(built.exists("/images/ann.svg"), "static files are copied");
    assert!(
        built.exists("/css/sitrep.css"),
        "the theme's stylesheet is published"
    );
}

#[test]
fn base_url_sets_every_link_prefix() {
    let s = site("basic");
    let built = s.build_with(sitrep::BuildOptions {
        base_url: Some("https://test.example/news/".into()),
        ..s.options()
    });
    let page = built.page("/frigate/");
    assert_eq!(
        page.one("link[rel=stylesheet]").value().attr("href"),
        Some("/news/css/sitrep.css")
    );
    assert_eq!(
        page.one(".byline a[rel=author]").value().attr("href"),
        Some("/news/author/ann-author/")
    );
    assert_eq!(
        page.one("a.site-title").value().attr("href"),
        Some("/news/")
    );
}

#[test]
fn site_templates_override_the_theme_one_file_at_a_time() {
    let s = site("basic");
    s.file(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Lost at sea</h1>{% endblock content %}",
    );
    let built = s.build();
    assert_eq!(built.page("/404.html").text_of("main h1"), "Lost at sea");
    // Everything else still comes from the built-in theme.
    built.page("/frigate/").one("section#comments");
}

#[test]
fn a_bare_site_builds_with_the_built_in_theme() {
    let s = site("basic");
    s.remove("static");
    assert!(!s.root().join("templates").exists());
    let built = s.build();
    assert!(built.exists("/css/sitrep.css"));
    assert_eq!(built.report.articles, 4);
}

#[test]
fn byte_order_marks_and_crlf_line_ends_are_read() {
    let s = site("basic");
    s.file("content/articles/windows.md", "\u{feff}+++\r\ntitle = \"Written on Windows\"\r\ndate = 2026-11-25\r\nauthor = \"bob-byline\"\r\n+++\r\nFirst line.\r\n\r\n## Heading\r\n");
    s.file(
        "content/comments/windows/c1.md",
        "\u{feff}+++\r\nauthor = \"R\"\r\ndate = 2026-11-26\r\n+++\r\nHello.\r\n",
    );
    let built = s.build();
    let page = built.page("/windows/");
    assert_eq!(page.text_of("article.article h1"), "Written on Windows");
    assert_eq!(page.one(".article-body h2").value().id(), Some("heading"));
    assert_eq!(page.comment_ids(), ["c1"]);
}

#[test]
fn archives_paginate_and_titles_say_which_page() {
    let s = site("basic");
    for i in 1..=3 {
        s.file(&format!("content/articles/navy-{i}.md"), &format!("+++\ntitle = \"Navy {i}\"\ndate = 2026-11-0{i}\nauthor = \"bob-byline\"\ntags = [\"Navy\"]\n+++\nx\n"));
    }
    let built = s.build();
    // Navy: frigate, bundle, navy-3, navy-2, navy-1 at two per page.
    let hrefs = |url: &str| {
        built
            .page(url)
            .all(".card-title a")
            .iter()
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(hrefs("/tag/navy/"), ["/frigate/", "/bundle/"]);
    assert_eq!(hrefs("/tag/navy/page/2/"), ["/navy-3/", "/navy-2/"]);
    assert_eq!(hrefs("/tag/navy/page/3/"), ["/navy-1/"]);
    let last = built.page("/tag/navy/page/3/");
    assert_eq!(
        last.one("a[rel=prev]").value().attr("href"),
        Some("/tag/navy/page/2/")
    );
    assert!(last.all("a[rel=next]").is_empty());
    assert_eq!(last.text_of("title"), "Navy – page 3 – Test Desk");
    assert_eq!(
        built.page("/page/2/").text_of("title"),
        "Page 2 – Test Desk"
    );
    assert_eq!(built.page("/").text_of("title"), "Test Desk");
    assert_eq!(
        built.page("/author/bob-byline/page/2/").all(".card").len(),
        2
    );
}

#[test]
fn heading_ids_never_take_the_theme_s_own() {
    let s = site("basic");
    s.file("content/articles/ids.md", "+++\ntitle = \"Ids\"\ndate = 2026-11-25\nauthor = \"bob-byline\"\n+++\n## Comments\n\n## Respond\n");
    let page = s.build().page("/ids/");
    page.one("section#comments");
    let ids: Vec<_> = page
        .all(".article-body h2")
        .iter()
        .map(|h| h.value().id().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["comments-1", "respond-1"]);
}

/// Issue 14: the search form's `action` is the search page itself, never empty (invalid HTML).
#[test]
fn the_search_form_submits_to_the_search_page() {
    let built = crate::support::site("basic").build();
    let page = built.page("/search/");
    assert_eq!(
        page.one("form.search-form").value().attr("action"),
        Some("/search/")
    );
}

/// Issue 14: the build's summary counts the comments the site shows (not a draft's), and the
/// articles it left out (a draft and a scheduled one in the fixture).
#[test]
fn the_summary_counts_what_the_site_shows() {
    let built = crate::support::site("basic").build();
    assert_eq!(built.report.left_out, 2);
    let shown: usize = ["/frigate/", "/closed/", "/budget/", "/bundle/"]
        .iter()
        .map(|p| built.page(p).comment_ids().len())
        .sum();
    assert_eq!(built.report.comments, shown);
}

/// Issue 14, point 3: only the front page's first page has a lead story; page 2, author,
/// tag and section lists are plain lists.
#[test]
fn only_the_front_page_has_a_lead() {
    let built = crate::support::site("basic").build();
    assert_eq!(built.page("/").all("main ol.cards.has-lead").len(), 1);
    for path in ["/page/2/", "/author/ann-author/", "/category/news/"] {
        let page = built.page(path);
        assert_eq!(page.all("main ol.cards").len(), 1, "{path}");
        assert!(page.all("main ol.cards.has-lead").is_empty(), "{path}");
    }
}

/// Issue 14, point 4: every page names the site's icon, which the build publishes, so no
/// browser asks for a `/favicon.ico` that is not there.
#[test]
fn every_page_names_an_icon_the_site_has() {
    let built = crate::support::site("basic").build();
    for path in ["/", "/frigate/", "/authors/", "/404.html"] {
        let page = built.page(path);
        let icon = page
            .one("head link[rel=icon]")
            .value()
            .attr("href")
            .unwrap()
            .to_string();
        assert!(built.exists(&icon), "{path}: {icon}");
    }
}

/// Issue 14, point 4: the footer links to the feed, and to the About, Contact and Privacy pages
/// site.toml names (only those it names).
#[test]
fn the_footer_links_what_site_toml_names() {
    let s = crate::support::site("basic");
    let config = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
    let (top, rest) = config.split_once("[comments]").unwrap();
    s.file(
        "site.toml",
        &format!("{top}[footer]\nabout = \"/about/\"\ncontact = \"mailto:desk@test.example\"\n[comments]{rest}"),
    );
    let built = s.build();
    let page = built.page("/frigate/");
    let links = page.links("footer .footer-links a");
    assert_eq!(
        links,
        [
            ("RSS".to_string(), "/feed.xml".to_string()),
            ("About".to_string(), "/about/".to_string()),
            (
                "Contact".to_string(),
                "mailto:desk@test.example".to_string()
            ),
        ]
    );
}

/// Issue 14, point 4: the list of authors shows each one's photo and bio.
#[test]
fn the_authors_page_shows_photos_and_bios() {
    let s = crate::support::site("basic");
    s.file(
        "content/authors/ann-author.toml",
        "name = \"Ann Author\"\nrole = \"Naval editor\"\nbio = \"Covers the **fleet**.\"\navatar = \"/images/ann.svg\"\n",
    );
    let page = s.build().page("/authors/");
    let item = page
        .all(".author-list > li")
        .into_iter()
        .find(|li| li.text().collect::<String>().contains("Ann Author"))
        .unwrap();
    let has = |css: &str| item.select(&crate::support::sel(css)).next().is_some();
    assert!(has("img.author-avatar[src='/images/ann.svg']"));
    assert!(has(".author-bio strong"));
}

/// Issue 14, point 4: the 404 page offers a search (which works without script) and the newest
/// stories.
#[test]
fn the_404_page_offers_a_search_and_the_latest_stories() {
    let built = crate::support::site("basic").build();
    let page = built.page("/404.html");
    let form = page.one("main form[role=search]");
    assert_eq!(form.value().attr("action"), Some("/search/"));
    assert!(
        form.select(&crate::support::sel("input[name=q]"))
            .next()
            .is_some()
    );
    let titles: Vec<String> = page
        .all("main section.related .card-title")
        .iter()
        .map(|t| squash(&t.text().collect::<String>()))
        .collect();
    assert_eq!(
        titles.first().map(String::as_str),
        Some(
            built.page("/").all(".card-title")[0]
                .text()
                .collect::<String>()
                .trim()
        )
    );
    assert!(!titles.is_empty() && titles.len() <= 5, "{titles:?}");
}

/// The first card's picture is on the first screen: fetched at once and first; every other is
/// left until it is scrolled near.
#[test]
fn only_the_first_card_picture_is_fetched_at_once() {
    let s = crate::support::site("basic");
    for (slug, day) in [("one", 21), ("two", 20), ("three", 19)] {
        s.file(
            &format!("content/articles/{slug}/index.md"),
            &format!("+++\ntitle = \"{slug}\"\ndate = 2026-11-{day}\nauthor = \"ann-author\"\ntags = [\"Pictured\"]\nimage = \"p.svg\"\n+++\nBody.\n"),
        );
        s.file(
            &format!("content/articles/{slug}/p.svg"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        );
    }
    let built = s.build();
    for path in ["/", "/tag/pictured/"] {
        let page = built.page(path);
        let images = page.all("main .cards .card-image img");
        assert!(images.len() >= 2, "{path}");
        let attrs = |i: usize| {
            let img = images[i].value();
            (img.attr("loading"), img.attr("fetchpriority"))
        };
        assert_eq!(attrs(0), (None, Some("high")), "{path}");
        for i in 1..images.len() {
            assert_eq!(attrs(i), (Some("lazy"), None), "{path}");
        }
    }
}
