//! The search index: `search-index.json`, which the search page's small script reads and
//! searches in the reader's browser, with no service behind it. Part of the render stage.

use serde::Serialize;

use crate::model::site::Site;

/// One article as the search page sees it.
#[derive(Serialize)]
struct Entry<'a> {
    title: &'a str,
    url: &'a str,
    summary: &'a str,
    date: String,
    date_human: String,
    authors: Vec<&'a str>,
    tags: Vec<&'a str>,
    category: Option<&'a str>,
}

/// Summaries in the index are cut to about this many characters: the index is fetched whole.
const SUMMARY_CHARS: usize = 200;

/// `text` cut at a word boundary near [`SUMMARY_CHARS`].
fn short(text: &str) -> &str {
    match text.char_indices().nth(SUMMARY_CHARS) {
        None => text,
        Some((cut, _)) => text[..cut]
            .rfind(' ')
            .map_or(&text[..cut], |space| &text[..space]),
    }
}

/// Every published article, newest first, as JSON.
pub fn index(site: &Site) -> String {
    let entries: Vec<Entry> = site
        .articles
        .iter()
        .map(|article| Entry {
            title: &article.title,
            url: &article.url,
            summary: short(&article.summary),
            date: article.date.iso(),
            date_human: article.date.human(&site.words),
            authors: site.authors_of(article).map(|a| a.name.as_str()).collect(),
            tags: article.tags.iter().map(|t| t.name.as_str()).collect(),
            category: article.category.as_ref().map(|c| c.name.as_str()),
        })
        .collect();
    serde_json::to_string(&entries).expect("plain data always serialises")
}
