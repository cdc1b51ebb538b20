//! The search index, which the search page's small script reads and searches in the reader's
//! browser, with no service behind it. Part of the render stage.
//!
//! It finds words anywhere in an article (headline, standfirst, body, tags, section, bylines)
//! and stays cheap to fetch however large the archive, because a reader's browser fetches only
//! the parts a query needs:
//!
//! - `search/index.json`: how the rest is laid out (a few hundred bytes), fetched when the
//!   search box is first used;
//! - `search/w/<n>.json`: the words, in buckets by their first two letters, each word with the
//!   articles that contain it; a query fetches the bucket of each of its words;
//! - `search/d/<n>.json`: what a result shows (headline, standfirst, date…), [`CHUNK`] articles
//!   to a file, fetched for the results shown.
//!
//! Words are matched by prefix ("frig" finds "frigate"). Words in more than half of a large
//! archive ("the") are left out, and a query ignores them. Text is folded as `search.js` folds
//! it, so that both sides agree: case, accents and a few letters of their own ("Grüße" and
//! "GRUSSE", "Łódź" and "lodz").

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::model::site::{Article, Site};
use crate::render::urls;

/// Articles per file of result data.
pub const CHUNK: usize = 10;

/// About how large a bucket of words should be, in bytes: a query of three words fetches three.
const BUCKET_BYTES: usize = 48 * 1024;

/// A word in more than this share of the articles is too common to index, once the archive has
/// at least [`COMMON_FROM`] articles.
const COMMON_SHARE: f64 = 0.5;
const COMMON_FROM: usize = 200;

/// Standfirsts in the result data are cut to about this many characters.
const SUMMARY_CHARS: usize = 200;

/// One article as a search result shows it.
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

/// `search/index.json`.
#[derive(Serialize)]
struct Layout {
    /// How many articles, numbered from 0 newest first.
    docs: usize,
    chunk: usize,
    buckets: u32,
    /// Words left out for being everywhere.
    common: Vec<String>,
}

/// Every file of the search index: (output path, contents).
pub fn files(site: &Site) -> Vec<(String, String)> {
    let articles = &site.articles;
    // Each article's words, with whether the headline has it.
    let words: Vec<Vec<(String, bool)>> = articles
        .par_iter()
        .map(|article| words_of(site, article))
        .collect();
    let mut postings: HashMap<&str, Vec<u32>> = HashMap::default();
    for (id, words) in words.iter().enumerate() {
        for (word, in_title) in words {
            // An article's number and whether the headline has the word, in one number.
            let posting = id as u32 * 2 + u32::from(*in_title);
            postings.entry(word).or_default().push(posting);
        }
    }
    let mut common = Vec::new();
    if articles.len() >= COMMON_FROM {
        let most = (articles.len() as f64 * COMMON_SHARE) as usize;
        postings.retain(|word, list| {
            let keep = list.len() <= most;
            if !keep {
                common.push(word.to_string());
            }
            keep
        });
    }
    common.sort();
    let mut postings: Vec<(&str, Vec<u32>)> = postings.into_iter().collect();
    postings.sort_unstable_by(|a, b| a.0.cmp(b.0));

    // Roughly 3 bytes a posting, a word's length and its quotes.
    let size: usize = postings
        .iter()
        .map(|(w, p)| w.len() + 4 + 3 * p.len())
        .sum();
    let buckets = (size / BUCKET_BYTES + 1).next_power_of_two().min(4096) as u32;
    let mut bucketed: Vec<Vec<String>> = vec![Vec::new(); buckets as usize];
    for (word, list) in &postings {
        let mut deltas = String::with_capacity(list.len() * 3);
        let mut last = 0;
        for (i, &p) in list.iter().enumerate() {
            if i > 0 {
                deltas.push(',');
            }
            deltas.push_str(&(p - last).to_string());
            last = p;
        }
        let key = serde_json::to_string(word).expect("a string serialises");
        bucketed[bucket(word, buckets) as usize].push(format!("{key}:[{deltas}]"));
    }

    let layout = Layout {
        docs: articles.len(),
        chunk: CHUNK,
        buckets,
        common,
    };
    let mut files = vec![(urls::SEARCH_INDEX.to_string(), json(&layout))];
    for (n, words) in bucketed.iter().enumerate() {
        if !words.is_empty() {
            files.push((urls::search_words(n), format!("{{{}}}", words.join(","))));
        }
    }
    for (n, chunk) in articles.chunks(CHUNK).enumerate() {
        let entries: Vec<Entry> = chunk.iter().map(|a| entry(site, a)).collect();
        files.push((urls::search_docs(n), json(&entries)));
    }
    files
}

fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("plain data always serialises")
}

fn entry<'a>(site: &'a Site, article: &'a Article) -> Entry<'a> {
    Entry {
        title: &article.title,
        url: &article.url,
        summary: short(&article.summary),
        date: article.date.iso(),
        date_human: article.date.human(&site.words),
        authors: site.authors_of(article).map(|a| a.name.as_str()).collect(),
        tags: article.tags.iter().map(|t| t.name.as_str()).collect(),
        category: article.category.as_ref().map(|c| c.name.as_str()),
    }
}

/// The distinct words of an article, each with whether its headline has it, in a fixed order.
fn words_of(site: &Site, article: &Article) -> Vec<(String, bool)> {
    let mut found: HashMap<String, bool> = HashMap::default();
    let mut add = |text: &str, in_title: bool| {
        tokens(text, true, &mut |w| match found.get_mut(w) {
            Some(seen) => *seen |= in_title,
            None => {
                found.insert(w.to_string(), in_title);
            }
        });
    };
    add(&article.title, true);
    add(&article.summary, false);
    add(&body_text(&article.body.html), false);
    for tag in &article.tags {
        add(&tag.name, false);
    }
    if let Some(category) = &article.category {
        add(&category.name, false);
    }
    for author in site.authors_of(article) {
        add(&author.name, false);
    }
    let mut words: Vec<(String, bool)> = found.into_iter().collect();
    words.sort_unstable();
    words
}

/// Which bucket file holds `word`: FNV-1a over the code points of its first two letters, as
/// `search.js` computes it.
pub fn bucket(word: &str, buckets: u32) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for c in word.chars().take(2) {
        hash ^= c as u32;
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % buckets
}

/// `text` folded for matching, appended to `out`: lower case with the case of every script,
/// accents dropped, and the letters NFD cannot take apart spelt plainly. `search.js`'s `fold`
/// does the same.
fn fold_into(text: &str, out: &mut String) {
    if text.is_ascii() {
        let from = out.len();
        out.push_str(text);
        out[from..].make_ascii_lowercase();
        return;
    }
    // Whole-string case mapping, as JavaScript's: a final sigma is `ς`.
    for c in text.to_uppercase().to_lowercase().nfd() {
        match c {
            '\u{300}'..='\u{36f}'
            | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}'
            | '\u{20d0}'..='\u{20ff}' => {}
            'ł' => out.push('l'),
            'ø' => out.push('o'),
            'đ' => out.push('d'),
            'ı' => out.push('i'),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'þ' => out.push_str("th"),
            '’' => out.push('\''),
            '–' | '—' => out.push('-'),
            c => out.push(c),
        }
    }
}

/// Calls `emit` with each word of `text`, folded. A word is a run of letters and digits, and
/// hyphens, points and apostrophes between them are dropped, so "F-35", "F35" and "f35" are one
/// word; with `parts`, the pieces of such a word are words too ("Type-26" is also "type" and
/// "26"). Words of one letter are left out. `search.js` splits a query the same way, without
/// parts.
pub fn tokens(text: &str, parts: bool, emit: &mut impl FnMut(&str)) {
    // Folded a stretch at a time (folding never makes or takes away white space), so that
    // English prose, ASCII but for its curly apostrophes, is mostly folded the fast way.
    let (mut folded, mut joined) = (String::new(), String::new());
    for stretch in text.split_ascii_whitespace() {
        folded.clear();
        fold_into(stretch, &mut folded);
        let mut rest = folded.as_str();
        while let Some(start) = rest.find(char::is_alphanumeric) {
            rest = &rest[start..];
            // The word: letters and digits, and joiners with a letter or digit after them.
            let mut end = 0;
            let mut joiners = false;
            let mut chars = rest.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                if c.is_alphanumeric() {
                    end = i + c.len_utf8();
                } else if matches!(c, '-' | '.' | '\'')
                    && chars.peek().is_some_and(|(_, n)| n.is_alphanumeric())
                {
                    joiners = true;
                } else {
                    break;
                }
            }
            let word = &rest[..end];
            rest = &rest[end..];
            let long = |w: &str| w.chars().nth(1).is_some();
            if !joiners {
                if long(word) {
                    emit(word);
                }
                continue;
            }
            let pieces = word.split(['-', '.', '\'']);
            if parts {
                for piece in pieces.clone().filter(|p| long(p)) {
                    emit(piece);
                }
            }
            joined.clear();
            joined.extend(pieces);
            if long(&joined) {
                emit(&joined);
            }
        }
    }
}

/// The text of an article body's HTML: tags and the contents of scripts and styles dropped,
/// entities read, and a space where a tag was (so "a<br>b" is two words).
fn body_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        push_unescaped(&mut text, &rest[..open]);
        text.push(' ');
        let tag = &rest[open..];
        let name_end = tag[1..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(tag.len(), |i| i + 1);
        let name = tag[1..name_end].to_ascii_lowercase();
        let close = tag.find('>').map_or(tag.len(), |i| i + 1);
        rest = &tag[close..];
        if name == "script" || name == "style" {
            let end = format!("</{name}");
            let at = rest.to_ascii_lowercase().find(&end).unwrap_or(rest.len());
            rest = &rest[at..];
        }
    }
    push_unescaped(&mut text, rest);
    text
}

/// `text` with the entities HTML text may hold read (`&amp;`, `&#8217;`); others kept as
/// written.
fn push_unescaped(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let entity = &rest[at..];
        let Some(end) = entity.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &entity[1..];
            continue;
        };
        let name = &entity[1..end];
        let read = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "nbsp" => Some(' '),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match read {
            Some(c) => {
                out.push(c);
                rest = &entity[end + 1..];
            }
            None => {
                out.push('&');
                rest = &entity[1..];
            }
        }
    }
    out.push_str(rest);
}

/// `text` cut at a word boundary near [`SUMMARY_CHARS`].
fn short(text: &str) -> &str {
    match text.char_indices().nth(SUMMARY_CHARS) {
        None => text,
        Some((cut, _)) => text[..cut]
            .rfind(' ')
            .map_or(&text[..cut], |space| &text[..space]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, parts: bool) -> Vec<String> {
        let mut out = Vec::new();
        tokens(text, parts, &mut |w| out.push(w.to_string()));
        out
    }

    #[test]
    fn words_fold_and_join() {
        assert_eq!(
            words("The F-35’s Type-26 (GRÜSSE) Łódź, U.S. a", true),
            [
                "the", "35", "f35s", "type", "26", "type26", "grusse", "lodz", "us"
            ]
        );
        assert_eq!(words("Type-26 F-35", false), ["type26", "f35"]);
        assert_eq!(words("Type-26", true), ["type", "26", "type26"]);
        assert_eq!(words("Київ — Гданськ", false), ["киів", "гданськ"]);
        assert_eq!(words("x y zz", false), ["zz"]);
    }

    #[test]
    fn body_text_reads_entities_and_drops_markup() {
        assert_eq!(
            body_text(
                "<p>Fish &amp; chips<br>dawn&#8217;s <script>var x = 'no';</script>end &bogus; &</p>"
            ),
            " Fish & chips dawn’s   end &bogus; & "
        );
    }

    #[test]
    fn buckets_follow_the_first_two_letters() {
        assert_eq!(bucket("frigate", 64), bucket("fr", 64));
        assert!(bucket("anything", 1) == 0);
    }
}
