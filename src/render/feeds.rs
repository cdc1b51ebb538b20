//! RSS 2.0 feeds: the site's, each author's, each tag's and each category's newest articles, with
//! full content, for feed readers and aggregators. Every link in a feed is absolute, the ones
//! inside article bodies too. Part of the render stage; `templates/feed.xml` writes the XML.

use std::borrow::Cow;
use std::sync::OnceLock;

use serde::Serialize;

use crate::model::site::{Article, Site};
use crate::text::html_links::link_values;
use crate::text::xml::{self, clean};

/// How many of an article's tags its feed items carry as categories. Every tag has a feed of its
/// own, so without a bound an article with thousands of tags would put thousands of categories
/// in thousands of feeds: output that grows with the square of its tags.
pub const FEED_TAGS: usize = 20;

/// The `feed` value of the feed template.
#[derive(Serialize)]
pub struct FeedView<'a> {
    pub title: String,
    pub description: Cow<'a, str>,
    /// The list's page, absolute.
    pub link: String,
    /// The feed's own address, absolute (`atom:link rel="self"`).
    pub self_url: String,
    pub language: Cow<'a, str>,
    /// The newest item's time (RFC 2822), so the feed changes only when its items do.
    pub updated: Option<String>,
    pub items: Vec<ItemView<'a>>,
}

/// One article in a feed.
#[derive(Serialize)]
pub struct ItemView<'a> {
    pub title: Cow<'a, str>,
    pub link: String,
    /// RFC 2822, as RSS wants.
    pub pub_date: String,
    /// Author names, one `dc:creator` each.
    pub creators: Vec<Cow<'a, str>>,
    /// The category, then the first [`FEED_TAGS`] tags.
    pub categories: Vec<Cow<'a, str>>,
    pub summary: Cow<'a, str>,
    /// The full body, with absolute links, after the lead image if there is one.
    pub content_html: &'a str,
    /// The lead image, as `media:content` and an `enclosure` (when the build sized it).
    pub media: Option<MediaView>,
}

/// A feed item's picture: its absolute address, type, size in bytes and pixels.
#[derive(Serialize)]
pub struct MediaView {
    pub url: String,
    pub mime: &'static str,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
}

/// The lead image of `article` as feeds announce it: the largest size the build made.
fn media(site: &Site, article: &crate::model::site::Article) -> Option<MediaView> {
    let image = article.image.as_ref()?;
    let largest = crate::render::pictures::processed(site, &image.src)?.largest();
    Some(MediaView {
        url: site.absolute(&site.link(&largest.path)),
        mime: largest.format.mime(),
        bytes: largest.bytes,
        width: largest.width,
        height: largest.height,
    })
}

impl<'a> FeedView<'a> {
    /// A feed titled `title` of `articles` (newest first) from the list at `page_url`.
    pub fn new(
        site: &'a Site,
        bodies: &'a FeedBodies,
        title: &str,
        description: &'a str,
        page_url: &str,
        path: &str,
        articles: &[usize],
    ) -> Self {
        let title = clean(&site.title_with(title)).into_owned();
        let items: Vec<ItemView> = articles
            .iter()
            .map(|&i| {
                let article = &site.articles[i];
                ItemView {
                    title: clean(&article.title),
                    link: site.absolute(&article.url),
                    pub_date: article.date.0.to_rfc2822(),
                    creators: site.authors_of(article).map(|a| clean(&a.name)).collect(),
                    categories: article
                        .category
                        .iter()
                        .chain(article.tags.iter().take(FEED_TAGS))
                        .map(|t| clean(&t.name))
                        .collect(),
                    summary: clean(&article.summary),
                    content_html: bodies.get(site, i),
                    media: media(site, article),
                }
            })
            .collect();
        FeedView {
            title,
            description: clean(description),
            link: site.absolute(page_url),
            self_url: site.absolute(&site.link(path)),
            language: clean(&site.config.language),
            updated: site.newest(articles).map(|d| d.0.to_rfc2822()),
            items,
        }
    }
}

/// Each article's body as feeds carry it, made the first time a feed of the build needs it: an
/// article is in several feeds (the site's, its authors', its tags' and section's).
pub struct FeedBodies(Vec<OnceLock<String>>);

impl FeedBodies {
    /// Room for the bodies of `site`'s articles, none made yet.
    pub fn new(site: &Site) -> FeedBodies {
        FeedBodies((0..site.articles.len()).map(|_| OnceLock::new()).collect())
    }

    fn get(&self, site: &Site, i: usize) -> &str {
        self.0[i].get_or_init(|| feed_html(site, &site.articles[i]))
    }
}

/// An article's body as a feed carries it: the lead image first, every link absolute, and no
/// character that XML 1.0 forbids.
fn feed_html(site: &Site, article: &Article) -> String {
    let mut html = String::new();
    if let Some(image) = &article.image {
        html.push_str(&format!(
            "<p><img src=\"{}\" alt=\"{}\"></p>\n",
            xml::escape(&site.absolute(&image.src)),
            xml::escape(&image.alt)
        ));
    }
    html.push_str(&absolutize(site, &article.url, &article.body.html));
    clean(&html).into_owned()
}

/// `html` with every `href` and `src` made absolute: feed readers show content away from the
/// site, where a link relative to the article's page would lead nowhere.
pub fn absolutize(site: &Site, page_url: &str, html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut done = 0;
    for value in link_values(html) {
        out.push_str(&html[done..value.start]);
        out.push_str(&absolute_link(site, page_url, &html[value.clone()]));
        done = value.end;
    }
    out.push_str(&html[done..]);
    out
}

fn absolute_link(site: &Site, page_url: &str, link: &str) -> String {
    let has_scheme = link.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    });
    if has_scheme || link.starts_with("//") {
        link.to_string()
    } else if link.starts_with('/') {
        site.absolute(link)
    } else {
        // Relative to the article's page, which always ends in `/`; `#x` stays on that page.
        site.absolute(&format!("{page_url}{link}"))
    }
}
