//! For search engines: `sitemap.xml` (split into numbered files under a sitemap index past the
//! protocol's 50,000 URLs or 50 MB), Google's `news-sitemap.xml`, and `robots.txt` naming both.
//! Part of the render stage.

use chrono::Duration;

use crate::model::date::Date;
use crate::model::site::Site;
use crate::render::urls;
use crate::text::xml;

/// The sitemap protocol's limits for one file.
const MAX_URLS: usize = 50_000;
const MAX_BYTES: usize = 50 * 1024 * 1024;

/// Google News reads articles from the last two days, at most a thousand.
const NEWS_WINDOW_HOURS: i64 = 48;
const NEWS_MAX: usize = 1000;

const URLSET_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
const URLSET_TAIL: &str = "</urlset>\n";

/// The sitemap files, as (output path, XML): `sitemap.xml` alone, or `sitemap.xml` as an index
/// over `sitemap-1.xml`, `sitemap-2.xml`... `entries` are (absolute URL, last change).
pub fn sitemaps(site: &Site, entries: &[(String, Option<Date>)]) -> Vec<(String, String)> {
    let mut files = urlsets(entries, MAX_URLS, MAX_BYTES);
    if files.len() == 1 {
        return vec![(urls::SITEMAP.to_string(), files.remove(0))];
    }
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut out = Vec::new();
    for (n, file) in files.into_iter().enumerate() {
        let name = urls::sitemap_part(n + 1);
        index.push_str(&format!(
            "<sitemap><loc>{}</loc></sitemap>\n",
            xml::escape(&site.absolute(&site.link(&name)))
        ));
        out.push((name, file));
    }
    index.push_str("</sitemapindex>\n");
    out.insert(0, (urls::SITEMAP.to_string(), index));
    out
}

/// `<urlset>` documents holding `entries` in order, none over `max_urls` entries or `max_bytes`.
fn urlsets(entries: &[(String, Option<Date>)], max_urls: usize, max_bytes: usize) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    let mut current = String::from(URLSET_HEAD);
    let mut count = 0;
    for (url, lastmod) in entries {
        let mut entry = format!("<url><loc>{}</loc>", xml::escape(url));
        if let Some(date) = lastmod {
            entry.push_str(&format!("<lastmod>{}</lastmod>", date.iso()));
        }
        entry.push_str("</url>\n");
        if count == max_urls
            || (count > 0 && current.len() + entry.len() + URLSET_TAIL.len() > max_bytes)
        {
            current.push_str(URLSET_TAIL);
            files.push(std::mem::replace(&mut current, String::from(URLSET_HEAD)));
            count = 0;
        }
        current.push_str(&entry);
        count += 1;
    }
    current.push_str(URLSET_TAIL);
    files.push(current);
    files
}

/// Google's news sitemap: articles published in the two days up to the build's clock.
pub fn news_sitemap(site: &Site) -> String {
    let since = site.now - Duration::hours(NEWS_WINDOW_HOURS);
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    let recent = site
        .articles
        .iter()
        .filter(|a| a.date.0 >= since && a.date.0 <= site.now)
        .take(NEWS_MAX);
    for article in recent {
        xml.push_str(&format!(
            "<url><loc>{}</loc><news:news><news:publication><news:name>{}</news:name><news:language>{}</news:language></news:publication><news:publication_date>{}</news:publication_date><news:title>{}</news:title></news:news></url>\n",
            xml::escape(&site.absolute(&article.url)),
            xml::escape(&site.config.title),
            news_language(&site.config.language),
            article.date.iso(),
            xml::escape(&article.title),
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}

/// `robots.txt`: everything may be crawled; here are the sitemaps.
pub fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\nSitemap: {}\n",
        site.absolute(&site.link(urls::SITEMAP)),
        site.absolute(&site.link(urls::NEWS_SITEMAP))
    )
}

/// Google News wants ISO 639 codes (`en`), except `zh-cn` and `zh-tw`.
fn news_language(language: &str) -> String {
    let lower = language.trim().to_ascii_lowercase();
    if lower == "zh-cn" || lower == "zh-tw" {
        return lower;
    }
    match lower.split(['-', '_']).next() {
        Some(code) if !code.is_empty() => code.to_string(),
        _ => "en".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_languages_are_iso_639() {
        assert_eq!(news_language("en-GB"), "en");
        assert_eq!(news_language("de"), "de");
        assert_eq!(news_language("zh-TW"), "zh-tw");
        assert_eq!(news_language(""), "en");
    }

    fn entries(n: usize) -> Vec<(String, Option<Date>)> {
        (0..n)
            .map(|i| {
                (
                    format!("https://x.example/{i:04}/"),
                    Date::parse("2026-11-01"),
                )
            })
            .collect()
    }

    #[test]
    fn urlsets_split_at_the_url_limit() {
        let files = urlsets(&entries(7), 3, MAX_BYTES);
        let counts: Vec<usize> = files.iter().map(|f| f.matches("<url>").count()).collect();
        assert_eq!(counts, [3, 3, 1]);
        assert!(
            files
                .iter()
                .all(|f| f.starts_with(URLSET_HEAD) && f.ends_with(URLSET_TAIL))
        );
    }

    #[test]
    fn urlsets_split_at_the_byte_limit() {
        let one = urlsets(&entries(1), MAX_URLS, MAX_BYTES)[0].len();
        let entry = one - URLSET_HEAD.len() - URLSET_TAIL.len();
        // Room for two entries and a bit: the third starts a new file.
        let files = urlsets(&entries(5), MAX_URLS, one + entry + 10);
        let counts: Vec<usize> = files.iter().map(|f| f.matches("<url>").count()).collect();
        assert_eq!(counts, [2, 2, 1]);
        assert!(files.iter().all(|f| f.len() <= one + entry + 10));
    }
}
