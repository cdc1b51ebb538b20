//! What a page tells machines about itself: `<title>`, description, canonical link, Open Graph,
//! X/Twitter cards, feed links and JSON-LD structured data (with a breadcrumb trail on every
//! page). Part of the render stage; the base template writes it into `<head>`.

use serde::Serialize;
use serde_json::{Value, json};

use crate::model::site::{Article, Author, Site};
use crate::render::urls;
use crate::render::views::Link;

/// The `meta` value of every page's context.
#[derive(Serialize, Default)]
pub struct Meta {
    /// The whole `<title>`: the page's own title, then the site's name.
    pub title: String,
    pub description: String,
    /// The page's absolute address.
    pub canonical: String,
    /// `website`, `article` or `profile`.
    pub og_type: &'static str,
    pub image: Option<String>,
    /// The image's size, when the build made it (the social card's crop).
    pub image_width: Option<u32>,
    pub image_height: Option<u32>,
    pub image_alt: Option<String>,
    pub published: Option<String>,
    pub modified: Option<String>,
    /// Absolute addresses of the authors' pages (`article:author`).
    pub authors: Vec<String>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    /// `summary_large_image` when there is an image, else `summary`.
    pub twitter_card: &'static str,
    /// `@handle` of the site.
    pub twitter_site: Option<String>,
    /// `@handle`s of the authors.
    pub twitter_creators: Vec<String>,
    /// Feeds to announce with `<link rel="alternate">`, the site's first.
    pub feeds: Vec<Link>,
    /// JSON-LD blocks, serialised and safe to put inside `<script>` as they are.
    pub json_ld: Vec<String>,
    /// Keep the page out of search engines (the not-found page, served at any address).
    pub noindex: bool,
}

/// One step of a breadcrumb trail: a name and a link (with the base path).
pub type Crumb = (String, String);

impl Meta {
    /// The metadata every page has; `crumbs` lead from the home page to this one.
    pub fn page(site: &Site, title: &str, description: &str, url: &str, crumbs: &[Crumb]) -> Meta {
        let description = if description.is_empty() {
            &site.config.description
        } else {
            description
        };
        Meta {
            title: site.title_with(title),
            description: description.to_string(),
            canonical: if url.is_empty() {
                String::new()
            } else {
                site.absolute(url)
            },
            og_type: "website",
            twitter_card: "summary",
            twitter_site: site
                .config
                .twitter
                .as_ref()
                .map(|t| format!("@{}", t.trim_start_matches('@'))),
            feeds: vec![Link {
                name: site.config.title.clone(),
                url: site.link(urls::FEED),
            }],
            // Every page has a trail, the home page's being the home page alone.
            json_ld: vec![script_json(breadcrumbs(site, crumbs))],
            ..Meta::default()
        }
    }

    /// Adds a feed of this page's own (an author's, a tag's, a category's).
    pub fn with_feed(mut self, name: String, url: String) -> Meta {
        self.feeds.push(Link { name, url });
        self
    }

    /// Adds a JSON-LD block describing what the page is about.
    pub fn with_json_ld(mut self, value: Value) -> Meta {
        self.json_ld.insert(0, script_json(value));
        self
    }

    /// An article page.
    pub fn article(site: &Site, article: &Article, crumbs: &[Crumb]) -> Meta {
        let authors: Vec<&Author> = site.authors_of(article).collect();
        // The social card's crop, when the image stage made one; else the image as it is.
        let card = (article.image.as_ref())
            .and_then(|i| crate::render::pictures::processed(site, &i.src))
            .and_then(|made| made.social.as_ref());
        let image = match card {
            Some(card) => Some(site.absolute(&site.link(&card.path))),
            None => article.image.as_ref().map(|i| site.absolute(&i.src)),
        };
        let mut meta = Meta::page(site, &article.title, &article.summary, &article.url, crumbs);
        let json_ld = json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "description": article.summary,
            "image": image.iter().collect::<Vec<_>>(),
            "datePublished": article.date.iso(),
            "dateModified": article.modified().iso(),
            "author": authors.iter().map(|a| person(site, a)).collect::<Vec<_>>(),
            "publisher": publisher(site),
            "mainEntityOfPage": { "@type": "WebPage", "@id": meta.canonical },
            "articleSection": article.category.as_ref().map(|c| c.name.as_str()),
            "keywords": article.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            "wordCount": article.body.word_count,
            "commentCount": article.thread.count,
        });
        meta.og_type = "article";
        meta.twitter_card = if image.is_some() {
            "summary_large_image"
        } else {
            "summary"
        };
        meta.image_alt = article
            .image
            .as_ref()
            .map(|i| i.alt.clone())
            .filter(|a| !a.is_empty());
        meta.image = image;
        meta.image_width = card.map(|c| c.width);
        meta.image_height = card.map(|c| c.height);
        meta.published = Some(article.date.iso());
        meta.modified = Some(article.modified().iso());
        meta.authors = authors.iter().map(|a| site.absolute(&a.url)).collect();
        meta.twitter_creators = authors
            .iter()
            .filter_map(|a| a.twitter.as_ref())
            .map(|t| format!("@{t}"))
            .collect();
        meta.section = article.category.as_ref().map(|c| c.name.clone());
        meta.tags = article.tags.iter().map(|t| t.name.clone()).collect();
        meta.with_json_ld(json_ld)
    }

    /// An author's archive page, whose own page metadata (with its feed) is `page`.
    pub fn author(site: &Site, author: &Author, page: Meta) -> Meta {
        let mut meta = page.with_json_ld(json!({
            "@context": "https://schema.org",
            "@type": "ProfilePage",
            "mainEntity": person(site, author),
        }));
        meta.og_type = "profile";
        meta.image = author.avatar.as_ref().map(|a| site.absolute(a));
        meta
    }
}

/// A site author as a schema.org `Person`.
fn person(site: &Site, author: &Author) -> Value {
    let same_as: Vec<String> = author
        .twitter
        .iter()
        .map(|t| format!("https://x.com/{t}"))
        .chain(author.website.iter().cloned())
        .collect();
    json!({
        "@type": "Person",
        "name": author.name,
        "url": site.absolute(&author.url),
        "jobTitle": author.role,
        "image": author.avatar.as_ref().map(|a| site.absolute(a)),
        "sameAs": same_as,
    })
}

/// The site as a schema.org `Organization`, with its logo when site.toml names one.
fn publisher(site: &Site) -> Value {
    let logo = site.config.logo.as_ref().map(|logo| {
        let link = crate::model::site::resolve_link(&site.base_path, "", logo);
        json!({ "@type": "ImageObject", "url": site.absolute(&link) })
    });
    json!({
        "@type": "Organization",
        "name": site.config.title,
        "url": site.absolute(&site.base_path),
        "logo": logo,
    })
}

/// A `BreadcrumbList` from the home page through `crumbs`.
fn breadcrumbs(site: &Site, crumbs: &[Crumb]) -> Value {
    let home = (site.config.title.clone(), site.base_path.clone());
    let items: Vec<Value> = std::iter::once(&home)
        .chain(crumbs)
        .enumerate()
        .map(|(i, (name, url))| {
            json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": site.absolute(url) })
        })
        .collect();
    json!({ "@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items })
}

/// JSON that can sit inside `<script>` untouched: `<`, `>` and `&` are written as `\u` escapes,
/// so no title can close the script element, and the JSON means exactly the same.
pub fn script_json(value: Value) -> String {
    let text = without_empties(value).to_string();
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            c => safe.push(c),
        }
    }
    safe
}

/// `value` without nulls and empty lists, which say nothing to a reader of the data.
fn without_empties(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, without_empties(v)))
                .filter(|(_, v)| !(v.is_null() || v.as_array().is_some_and(Vec::is_empty)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_empties).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script() {
        let value = json!({ "headline": "</script><script>alert(\"x\")</script> & ünïcode" });
        let text = script_json(value.clone());
        assert!(
            !text.contains('<') && !text.contains('>') && !text.contains('&'),
            "{text}"
        );
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
