//! RSS feeds, read with a feed parser the way a feed reader reads them.

use rss::Channel;
use rss::validation::Validate;

use crate::support::{Built, site};

fn feed(built: &Built, path: &str) -> Channel {
    let bytes = std::fs::read(built.out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let channel = Channel::read_from(&bytes[..]).unwrap_or_else(|e| panic!("{path}: {e}"));
    channel
        .validate()
        .unwrap_or_else(|e| panic!("{path} breaks the RSS rules: {e}"));
    channel
}

fn links(channel: &Channel) -> Vec<&str> {
    channel.items().iter().map(|i| i.link().unwrap()).collect()
}

#[test]
fn the_site_feed_holds_the_newest_articles_in_full() {
    let built = site("basic").build();
    let channel = feed(&built, "feed.xml");
    assert_eq!(channel.title(), "Test Desk");
    assert_eq!(channel.link(), "https://test.example/");
    assert_eq!(
        links(&channel),
        [
            "https://test.example/frigate/",
            "https://test.example/bundle/",
            "https://test.example/budget/",
            "https://test.example/closed/"
        ]
    );
    let self_link = &channel.atom_ext().expect("atom:link").links()[0];
    assert_eq!(
        (self_link.rel(), self_link.href()),
        ("self", "https://test.example/feed.xml")
    );

    let frigate = &channel.items()[0];
    assert_eq!(frigate.title(), Some("Frigate programme slips again"));
    assert_eq!(frigate.description(), Some("The lead ship is a year late."));
    assert_eq!(frigate.pub_date(), Some("Fri, 20 Nov 2026 09:00:00 +0000"));
    assert_eq!(
        frigate.guid().map(|g| g.value()),
        Some("https://test.example/frigate/")
    );
    let categories: Vec<&str> = frigate.categories().iter().map(|c| c.name()).collect();
    assert_eq!(categories, ["News", "Navy", "Procurement"]);
    assert_eq!(
        frigate.dublin_core_ext().unwrap().creators(),
        ["Ann Author"]
    );
    assert!(
        frigate.content().unwrap().contains("<table>"),
        "full content"
    );

    let budget = &channel.items()[2];
    assert_eq!(
        budget.dublin_core_ext().unwrap().creators(),
        ["Ann Author", "Bob Byline"],
        "one dc:creator per author"
    );
}

#[test]
fn links_inside_the_content_are_absolute() {
    let s = site("basic");
    s.file(
        "content/articles/bundle/index.md",
        "+++\ntitle = \"Patrol ship sails\"\ndate = 2026-11-15T12:00:00Z\nauthor = \"bob-byline\"\n+++\n![Inline](pic.svg)\n\nSee [the frigate](/frigate/), [a note](#note), [elsewhere](https://other.example/x) and <a href='/about/'>us</a>.\n",
    );
    let built = s.build();
    let channel = feed(&built, "feed.xml");
    let item = channel
        .items()
        .iter()
        .find(|i| i.link() == Some("https://test.example/bundle/"))
        .unwrap();
    let content = scraper::Html::parse_fragment(item.content().unwrap());
    let urls: Vec<&str> = content
        .select(&crate::support::sel("a, img"))
        .map(|e| e.value().attr("href").or(e.value().attr("src")).unwrap())
        .collect();
    assert_eq!(
        urls,
        [
            "https://test.example/bundle/pic.svg",
            "https://test.example/frigate/",
            "https://test.example/bundle/#note",
            "https://other.example/x",
            "https://test.example/about/"
        ]
    );
}

#[test]
fn authors_tags_and_categories_have_feeds_of_their_own() {
    let built = site("basic").build();
    let bob = feed(&built, "author/bob-byline/feed.xml");
    assert_eq!(bob.title(), "Bob Byline – Test Desk");
    assert_eq!(
        links(&bob),
        [
            "https://test.example/bundle/",
            "https://test.example/budget/",
            "https://test.example/closed/"
        ]
    );
    let navy = feed(&built, "tag/navy/feed.xml");
    assert_eq!(
        links(&navy),
        [
            "https://test.example/frigate/",
            "https://test.example/bundle/"
        ]
    );
    let news = feed(&built, "category/news/feed.xml");
    assert_eq!(
        links(&news),
        [
            "https://test.example/frigate/",
            "https://test.example/closed/"
        ]
    );
    // An author with no articles has an empty, valid feed.
    assert!(feed(&built, "author/cy-nobody/feed.xml").items().is_empty());
}

#[test]
fn feeds_hold_at_most_feed_limit_items() {
    let s = site("basic");
    let config = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
    s.file(
        "site.toml",
        &config.replace("per_page = 2\n", "per_page = 2\nfeed_limit = 2\n"),
    );
    let built = s.build();
    assert_eq!(
        links(&feed(&built, "feed.xml")),
        [
            "https://test.example/frigate/",
            "https://test.example/bundle/"
        ]
    );
}

#[test]
fn pages_announce_their_feeds() {
    let built = site("basic").build();
    let feeds = |url: &str| {
        built
            .page(url)
            .all("head link[rel=alternate][type=\"application/rss+xml\"]")
            .iter()
            .map(|l| l.value().attr("href").unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(feeds("/"), ["/feed.xml"]);
    assert_eq!(feeds("/frigate/"), ["/feed.xml"]);
    assert_eq!(
        feeds("/author/ann-author/"),
        ["/feed.xml", "/author/ann-author/feed.xml"]
    );
    assert_eq!(feeds("/tag/navy/"), ["/feed.xml", "/tag/navy/feed.xml"]);
    assert_eq!(
        feeds("/category/news/"),
        ["/feed.xml", "/category/news/feed.xml"]
    );
}

#[test]
fn the_lead_image_leads_the_content() {
    let built = site("basic").build();
    let channel = feed(&built, "feed.xml");
    let frigate = channel
        .items()
        .iter()
        .find(|i| i.link() == Some("https://test.example/frigate/"))
        .unwrap();
    let content = scraper::Html::parse_fragment(frigate.content().unwrap());
    let img = content
        .select(&crate::support::sel("img"))
        .next()
        .expect("a lead image");
    assert_eq!(
        img.value().attr("src"),
        Some("https://test.example/images/ann.svg")
    );
    assert_eq!(img.value().attr("alt"), Some("A frigate at sea"));
}

/// An article with hundreds of tags appears in hundreds of tag feeds; each of its items carries
/// the section and the first 20 tags, so the feeds grow with the tags, not with their square.
#[test]
fn feed_items_carry_a_bounded_number_of_tags() {
    let s = site("basic");
    let tags: Vec<String> = (0..300).map(|i| format!("\"T{i}\"")).collect();
    s.file(
        "content/articles/many.md",
        &format!(
            "+++\ntitle = \"Many\"\ndate = 2026-11-25\nauthor = \"ann-author\"\ncategory = \"News\"\ntags = [{}]\n+++\nBody.\n",
            tags.join(", ")
        ),
    );
    let built = s.build();
    for path in ["feed.xml", "tag/t0/feed.xml", "tag/t299/feed.xml"] {
        let channel = feed(&built, path);
        let item = &channel.items()[0];
        assert_eq!(item.link(), Some("https://test.example/many/"));
        let names: Vec<&str> = item.categories().iter().map(|c| c.name()).collect();
        let expected: Vec<String> = std::iter::once("News".to_string())
            .chain((0..sitrep::render::feeds::FEED_TAGS).map(|i| format!("T{i}")))
            .collect();
        assert_eq!(names, expected, "{path}");
    }
}
