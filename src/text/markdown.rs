//! Markdown written by the newsroom (articles, pages, author bios): trusted, so raw HTML passes.
//! Reader comments go through [`crate::text::sanitize`] instead. Pure text work: the page hands it the ids it must not take.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::text::html_links::{link_values, unescape};

/// A Markdown document rendered for the page.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The body as HTML.
    pub html: String,
    /// The text of the first paragraph, for a summary when none is written.
    pub first_paragraph: String,
    /// Words of text, for reading time.
    pub word_count: usize,
    /// Every link and image address in the Markdown (raw HTML's too), where it is written, so
    /// the link check can point at the line of a broken one.
    pub links: Vec<LinkAt>,
}

impl Rendered {
    /// The same, with link positions counted in a file whose Markdown starts on `first_line`.
    pub fn from_line(mut self, first_line: usize) -> Self {
        for link in &mut self.links {
            link.line += first_line - 1;
        }
        self
    }
}

/// A link's address as written, and where: line and column (from 1) in the Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkAt {
    pub address: String,
    pub line: usize,
    pub column: usize,
    /// A picture's address (`![](…)`, or a `src`), not a link's.
    pub image: bool,
}

/// The Markdown extensions newsroom copy uses.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Renders trusted Markdown: tables, footnotes, strikethrough, raw HTML, and an `id` on every
/// heading (from its text, unless written as `{#id}`) so sections can be linked to. No heading
/// takes an id for which `taken` is true (the page's own elements, which this module knows
/// nothing of), even one written by hand.
pub fn render(markdown: &str, taken: fn(&str) -> bool) -> Rendered {
    let (mut events, offsets): (Vec<Event>, Vec<Range<usize>>) =
        Parser::new_ext(markdown, options())
            .into_offset_iter()
            .unzip();
    let links = links(markdown, &events, &offsets);
    add_heading_ids(&mut events, taken);
    let first_paragraph = first_paragraph_text(&events);
    let word_count = count_words(&events);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, wrap_tables(events));
    Rendered {
        html,
        first_paragraph,
        word_count,
        links,
    }
}

/// Where each link and image address is written: a Markdown link at its `[` (`![`), an address
/// in raw HTML at its first character.
fn links(markdown: &str, events: &[Event], offsets: &[Range<usize>]) -> Vec<LinkAt> {
    // Events come in the order of the text, so lines are counted once, onwards from the last.
    let (mut counted, mut line, mut line_start) = (0, 1, 0);
    let mut at = |address: String, offset: usize, image: bool| {
        if offset < counted {
            (counted, line, line_start) = (0, 1, 0);
        }
        for (i, _) in markdown[counted..offset].match_indices('\n') {
            line += 1;
            line_start = counted + i + 1;
        }
        counted = offset;
        let column = markdown[line_start..offset].chars().count() + 1;
        LinkAt {
            address,
            line,
            column,
            image,
        }
    };
    let mut links = Vec::new();
    for (event, range) in events.iter().zip(offsets) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                links.push(at(dest_url.to_string(), range.start, false));
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                links.push(at(dest_url.to_string(), range.start, true));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                for value in link_values(html) {
                    // ` src="` ends five bytes before the value: a picture (or a script).
                    let before = &html.as_bytes()[value.start.saturating_sub(5)..value.start];
                    let image = before.len() == 5 && before[..3].eq_ignore_ascii_case(b"src");
                    links.push(at(
                        unescape(&html[value.clone()]),
                        range.start + value.start,
                        image,
                    ));
                }
            }
            _ => {}
        }
    }
    links
}

fn add_heading_ids(events: &mut [Event], taken: fn(&str) -> bool) {
    let mut used = HashSet::new();
    // Ids written by hand are kept first, so generated ones never collide with them; one the
    // page already uses is dropped, and the heading gets one made from its text.
    for event in events.iter_mut() {
        if let Event::Start(Tag::Heading { id, .. }) = event {
            if id.as_deref().is_some_and(taken) {
                *id = None;
            }
            if let Some(id) = id {
                used.insert(id.to_string());
            }
        }
    }
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = match slug::slugify(&text) {
                s if s.is_empty() => "section".to_string(),
                s => s,
            };
            // A name whose numbered forms the page owns too (`comment-…` is every comment's
            // permalink) cannot be numbered free of it: it is moved aside instead.
            let base = if taken(&format!("{base}-1")) {
                format!("section-{base}")
            } else {
                base
            };
            let mut candidate = base.clone();
            let mut n = 1;
            while used.contains(&candidate) || taken(&candidate) {
                candidate = format!("{base}-{n}");
                n += 1;
            }
            used.insert(candidate.clone());
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(candidate));
            }
            i = j;
        }
        i += 1;
    }
}

/// Puts each table in a focusable scrolling region, so a wide table scrolls on a phone without
/// losing its table semantics (as `display: block` on the table itself would).
fn wrap_tables(events: Vec<Event<'_>>) -> impl Iterator<Item = Event<'_>> {
    events.into_iter().flat_map(|event| match event {
        Event::Start(Tag::Table(_)) => vec![
            Event::Html(CowStr::Borrowed(
                "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Table\">",
            )),
            event,
        ],
        Event::End(TagEnd::Table) => vec![event, Event::Html(CowStr::Borrowed("</div>"))],
        other => vec![other],
    })
}

/// Words in the text, where text split only by inline markup (`dawn`.) is one word.
fn count_words(events: &[Event]) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => {
                for c in t.chars() {
                    if c.is_whitespace() {
                        in_word = false;
                    } else if !in_word {
                        in_word = true;
                        count += 1;
                    }
                }
            }
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
            | Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
            ) => {}
            _ => in_word = false,
        }
    }
    count
}

fn first_paragraph_text(events: &[Event]) -> String {
    let mut text = String::new();
    let mut inside = false;
    for event in events {
        match event {
            Event::Start(Tag::Paragraph) => inside = true,
            Event::End(TagEnd::Paragraph) if inside => break,
            Event::Text(t) | Event::Code(t) if inside => text.push_str(t),
            Event::SoftBreak | Event::HardBreak if inside => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stands in for a page's own ids.
    fn theirs(id: &str) -> bool {
        id == "comments" || id.starts_with("comment-")
    }

    fn render(markdown: &str) -> Rendered {
        super::render(markdown, theirs)
    }

    #[test]
    fn links_know_where_they_are_written() {
        let r = render(
            "Intro.\n\nSee [the ship](/frigate/) and ![a map](map.png).\n\n<p>Raw <a href=\"/tag/navy/?a=1&amp;b=2\">tag</a></p>\n",
        );
        let at: Vec<(&str, usize, usize)> = r
            .links
            .iter()
            .map(|l| (l.address.as_str(), l.line, l.column))
            .collect();
        assert_eq!(
            at,
            [
                ("/frigate/", 3, 5),
                ("map.png", 3, 31),
                ("/tag/navy/?a=1&b=2", 5, 17)
            ]
        );
        let images: Vec<bool> = r.links.iter().map(|l| l.image).collect();
        assert_eq!(images, [false, true, false]);
        let raw = render("<img src=\"a.png\" alt=\"\"> <a href=\"b/\">b</a>\n");
        let images: Vec<bool> = raw.links.iter().map(|l| l.image).collect();
        assert_eq!(images, [true, false]);
    }

    #[test]
    fn headings_get_unique_ids() {
        let r = render("## Sea trials\n\n## Sea trials\n\n## Budget {#money}\n\n## Comments\n");
        assert!(r.html.contains(r#"<h2 id="sea-trials">"#), "{}", r.html);
        assert!(r.html.contains(r#"<h2 id="sea-trials-1">"#), "{}", r.html);
        assert!(r.html.contains(r#"<h2 id="money">"#), "{}", r.html);
        assert!(r.html.contains(r#"<h2 id="comments-1">"#), "{}", r.html);
    }

    #[test]
    fn no_heading_takes_an_id_of_the_page_even_by_hand() {
        let r = render(
            "## Comment c1

## Notes {#comment-c2}

## Comments {#comments}
",
        );
        assert!(
            r.html.contains(r#"<h2 id="section-comment-c1">"#),
            "{}",
            r.html
        );
        assert!(r.html.contains(r#"<h2 id="notes">"#), "{}", r.html);
        assert!(r.html.contains(r#"<h2 id="comments-1">"#), "{}", r.html);
    }

    #[test]
    fn extensions_are_on() {
        let r = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ and a note[^1]\n\n[^1]: The note.\n",
        );
        assert!(
            r.html.contains(
                r#"<div class="table-wrap" role="region" tabindex="0" aria-label="Table"><table>"#
            ),
            "{}",
            r.html
        );
        assert!(r.html.contains("</table>\n</div>"), "{}", r.html);
        assert!(r.html.contains("<del>gone</del>"));
        assert!(r.html.contains("footnote-definition"));
    }

    /// Issue 14: curly quotes and apostrophes and dashes, as a news outlet sets them.
    #[test]
    fn punctuation_is_typeset() {
        let r = render("The minister's \"final\" word -- for now...\n");
        assert!(
            r.html.contains("The minister’s “final” word – for now…"),
            "{}",
            r.html
        );
    }

    #[test]
    fn trusted_html_passes() {
        let r = render("<figure class=\"wide\">x</figure>\n");
        assert!(r.html.contains("<figure class=\"wide\">"));
    }

    #[test]
    fn first_paragraph_is_plain_text() {
        let r = render("## Heading\n\nThe *frigate* sailed\nat `dawn`.\n\nSecond.\n");
        assert_eq!(r.first_paragraph, "The frigate sailed at dawn.");
        assert_eq!(r.word_count, 7);
    }
}
