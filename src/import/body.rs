//! A WordPress post body made Markdown: block delimiters removed with their content kept,
//! WordPress's own paragraphing for classic posts, shortcodes made HTML (`[caption]`,
//! `[gallery]`, `[embed]`, `[audio]`, `[video]`; an unknown one is kept as text and reported),
//! bare embed URLs made links (no third-party script), `<!--more-->` as the standfirst's end,
//! then HTML to Markdown with mdka, which keeps as HTML what Markdown cannot hold.

use std::collections::BTreeMap;

/// An attachment, for galleries, captions and featured images.
#[derive(Debug, Clone, Default)]
pub struct Attachment {
    pub url: String,
    pub alt: String,
    pub caption: String,
    /// The post it was uploaded to.
    pub parent: u64,
}

/// A body converted.
#[derive(Debug, Default)]
pub struct Converted {
    pub markdown: String,
    /// The text before `<!--more-->`, as plain text, when there is one.
    pub standfirst: Option<String>,
    /// Shortcodes it did not know, kept as text.
    pub unknown_shortcodes: Vec<String>,
}

/// Converts the body of post `id`.
pub fn convert(html: &str, id: u64, attachments: &BTreeMap<u64, Attachment>) -> Converted {
    let blocks = html.contains("<!-- wp:");
    let mut html = strip_blocks(html);
    let mut standfirst = None;
    if let Some(at) = html.find("<!--more") {
        let end = html[at..].find("-->").map_or(html.len(), |e| at + e + 3);
        let before = plain_text(&html[..at]);
        if !before.is_empty() {
            standfirst = Some(before);
        }
        html.replace_range(at..end, "");
    }
    let mut unknown = Vec::new();
    let html = shortcodes(&html, id, attachments, &mut unknown);
    let html = if blocks { html } else { autop(&html) };
    let html = embed_lines(&html);
    let markdown = mdka::html_to_markdown(&html);
    Converted {
        markdown: markdown.trim().to_string() + "\n",
        standfirst,
        unknown_shortcodes: unknown,
    }
}

/// A comment's text (WordPress keeps it as HTML written by hand) as Markdown. Most comments
/// are plain text: those are made Markdown directly, their Markdown characters escaped, which
/// is the same as the converter gives and far quicker for a hundred thousand of them.
pub fn comment(html: &str) -> String {
    if !html.contains(['<', '&']) {
        return plain_markdown(html);
    }
    mdka::html_to_markdown(&autop(html)).trim().to_string() + "\n"
}

/// Plain text as Markdown that shows it as it is: paragraphs kept, line breaks kept (two spaces
/// at a line's end), and every character Markdown would read as markup escaped.
fn plain_markdown(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut paragraphs = Vec::new();
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let lines: Vec<String> = paragraph
            .lines()
            .map(|line| {
                let line = line.trim();
                // `1.` or `1)` at a line's start would begin a numbered list.
                let digits = line.chars().take_while(char::is_ascii_digit).count();
                let numbered =
                    digits > 0 && matches!(line[digits..].chars().next(), Some('.' | ')'));
                let mut out = String::with_capacity(line.len() + 8);
                for (i, c) in line.chars().enumerate() {
                    let at_start = i == 0;
                    if numbered && i == digits {
                        out.push('\\');
                    }
                    if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '|' | '~')
                        || (at_start && matches!(c, '#' | '>' | '-' | '+' | '='))
                    {
                        out.push('\\');
                    }
                    out.push(c);
                }
                out
            })
            .collect();
        paragraphs.push(lines.join("  \n"));
    }
    paragraphs.join("\n\n") + "\n"
}

/// Removes `<!-- wp:… -->` and `<!-- /wp:… -->` delimiters, keeping what is between them.
fn strip_blocks(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<!--") {
        let after = &rest[at + 4..];
        let is_block =
            after.trim_start().starts_with("wp:") || after.trim_start().starts_with("/wp:");
        out.push_str(&rest[..at]);
        match after.find("-->") {
            Some(end) if is_block => rest = &after[end + 3..],
            Some(end) => {
                out.push_str(&rest[at..at + 4 + end + 3]);
                rest = &after[end + 3..];
            }
            None => {
                out.push_str(&rest[at..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Block-level elements: a chunk starting with one is not wrapped in a paragraph.
const BLOCKS: &[&str] = &[
    "<p",
    "<div",
    "<h1",
    "<h2",
    "<h3",
    "<h4",
    "<h5",
    "<h6",
    "<ul",
    "<ol",
    "<li",
    "<table",
    "<thead",
    "<tbody",
    "<tr",
    "<td",
    "<th",
    "<blockquote",
    "<pre",
    "<figure",
    "<hr",
    "<dl",
    "<address",
    "<section",
    "<aside",
    "<form",
    "<audio",
    "<video",
    "<iframe",
    "<!--",
    "<style",
    "<script",
];

/// WordPress's paragraphing (`wpautop`), simply: blank lines part paragraphs, a line break
/// inside one is a `<br>`, and a chunk that starts with a block element is left alone.
pub fn autop(html: &str) -> String {
    let html = html.replace("\r\n", "\n");
    let mut out = String::new();
    for chunk in html.split("\n\n") {
        let chunk = chunk.trim();
        if chunk.is_empty() {
            continue;
        }
        let lower = chunk.to_ascii_lowercase();
        if BLOCKS.iter().any(|b| lower.starts_with(b)) {
            out.push_str(chunk);
        } else {
            out.push_str("<p>");
            out.push_str(&chunk.replace('\n', "<br>\n"));
            out.push_str("</p>");
        }
        out.push_str("\n\n");
    }
    out
}

/// A line that is only a web address (WordPress embeds these) becomes a plain link.
fn embed_lines(html: &str) -> String {
    html.lines()
        .map(|line| {
            let t = line.trim();
            let t = t
                .strip_prefix("<p>")
                .and_then(|t| t.strip_suffix("</p>"))
                .unwrap_or(t);
            let is_url = (t.starts_with("https://") || t.starts_with("http://"))
                && !t.contains(char::is_whitespace)
                && !t.contains('<')
                && !t.contains('"');
            if is_url {
                format!("<p><a href=\"{t}\">{t}</a></p>")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One shortcode found in the text.
struct Shortcode<'a> {
    name: &'a str,
    attrs: BTreeMap<String, String>,
    inner: Option<&'a str>,
    /// Where it starts and ends in the text.
    span: (usize, usize),
}

/// The shortcodes WordPress itself ships, which this converter knows.
const KNOWN: &[&str] = &[
    "caption",
    "wp_caption",
    "gallery",
    "embed",
    "audio",
    "video",
    "playlist",
];

fn shortcodes(
    html: &str,
    id: u64,
    attachments: &BTreeMap<u64, Attachment>,
    unknown: &mut Vec<String>,
) -> String {
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    while let Some(found) = next_shortcode(html, at) {
        out.push_str(&html[at..found.span.0]);
        let replaced = match found.name {
            "caption" | "wp_caption" => caption(&found),
            "gallery" => gallery(&found, id, attachments),
            "embed" => {
                let url = found.inner.unwrap_or("").trim();
                format!("<p><a href=\"{url}\">{url}</a></p>")
            }
            "audio" | "video" => media(&found),
            "playlist" => String::new(),
            _ => unreachable!("only known shortcodes are found"),
        };
        out.push_str(&replaced);
        at = found.span.1;
    }
    out.push_str(&html[at..]);
    // What looks like a shortcode but is not known is left as written, and reported.
    for name in square_names(&out) {
        if !unknown.contains(&name) {
            unknown.push(name);
        }
    }
    out
}

/// The names of `[name …]` tags left in the text (lower-case words, as WordPress registers).
fn square_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_' || *c == '-')
            .collect();
        let next = after[name.len()..].chars().next();
        if !name.is_empty() && matches!(next, Some(' ' | ']' | '/')) {
            names.push(name);
        }
        rest = after;
    }
    names
}

fn next_shortcode(text: &str, from: usize) -> Option<Shortcode<'_>> {
    let mut search = from;
    while let Some(rel) = text[search..].find('[') {
        let start = search + rel;
        let after = &text[start + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        let close = after.find(']')?;
        if KNOWN.contains(&name)
            && matches!(after[name_len..].chars().next(), Some(' ' | ']' | '/'))
        {
            let attrs = parse_attrs(after[name_len..close].trim_end_matches('/'));
            let open_end = start + 1 + close + 1;
            let end_tag = format!("[/{name}]");
            let (inner, end) = match text[open_end..].find(&end_tag) {
                Some(e) if !after[..close].ends_with('/') => (
                    Some(&text[open_end..open_end + e]),
                    open_end + e + end_tag.len(),
                ),
                _ => (None, open_end),
            };
            return Some(Shortcode {
                name,
                attrs,
                inner,
                span: (start, end),
            });
        }
        search = start + 1;
    }
    None
}

/// `a="1" b='2' c=3 d`: the attributes of a shortcode.
fn parse_attrs(text: &str) -> BTreeMap<String, String> {
    let mut attrs = BTreeMap::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let key_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, remaining) = match after.chars().next() {
                Some(q @ ('"' | '\'' | '\u{201D}' | '\u{2033}')) => {
                    let body = &after[q.len_utf8()..];
                    let end = body.find([q, '"', '\u{201D}']).unwrap_or(body.len());
                    let closing = body[end..].chars().next().map_or(0, char::len_utf8);
                    (&body[..end], &body[(end + closing).min(body.len())..])
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            attrs.insert(key, value.to_string());
            rest = remaining.trim_start();
        } else if !key.is_empty() {
            attrs.insert(key, String::new());
        } else {
            break;
        }
    }
    attrs
}

fn caption(code: &Shortcode) -> String {
    let inner = code.inner.unwrap_or("");
    // The image (perhaps inside a link) comes first, then the caption's words.
    let media_end = inner
        .rfind("</a>")
        .map(|e| e + 4)
        .or_else(|| inner.find('>').map(|e| e + 1))
        .unwrap_or(0);
    let (media, words) = inner.split_at(media_end);
    let words = match code.attrs.get("caption") {
        Some(c) if words.trim().is_empty() => c.as_str(),
        _ => words.trim(),
    };
    format!(
        "<figure>{}<figcaption>{}</figcaption></figure>",
        media.trim(),
        words
    )
}

fn gallery(code: &Shortcode, id: u64, attachments: &BTreeMap<u64, Attachment>) -> String {
    let ids: Vec<u64> = match code.attrs.get("ids").or(code.attrs.get("include")) {
        Some(list) => list
            .split(',')
            .filter_map(|n| n.trim().parse().ok())
            .collect(),
        None => (attachments.iter())
            .filter(|(_, a)| a.parent == id)
            .map(|(k, _)| *k)
            .collect(),
    };
    let images: Vec<String> = ids
        .iter()
        .filter_map(|i| attachments.get(i))
        .map(|a| {
            let alt = a.alt.replace('"', "&quot;");
            if a.caption.is_empty() {
                format!("<figure><img src=\"{}\" alt=\"{alt}\"></figure>", a.url)
            } else {
                format!(
                    "<figure><img src=\"{}\" alt=\"{alt}\"><figcaption>{}</figcaption></figure>",
                    a.url, a.caption
                )
            }
        })
        .collect();
    format!("<div class=\"gallery\">{}</div>", images.concat())
}

fn media(code: &Shortcode) -> String {
    let src = [
        "src", "mp3", "m4a", "ogg", "wav", "mp4", "webm", "ogv", "flv",
    ]
    .iter()
    .find_map(|k| code.attrs.get(*k))
    .cloned()
    .or_else(|| code.inner.map(|i| i.trim().to_string()))
    .unwrap_or_default();
    format!(
        "<p><{0} controls src=\"{src}\"><a href=\"{src}\">{src}</a></{0}></p>",
        code.name
    )
}

/// Text without tags, whitespace collapsed (a standfirst, an excerpt, a caption).
pub fn plain_text(html: &str) -> String {
    strip_tags(html)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text without tags.
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str) -> String {
        convert(html, 1, &BTreeMap::new()).markdown
    }

    #[test]
    fn classic_posts_get_paragraphs_and_captions_become_figures() {
        let out = md(
            "First line\nsecond line.\n\n[caption id=\"a\" align=\"alignnone\" width=\"300\"]<img src=\"/a.jpg\" alt=\"Ship\"> The lead ship.[/caption]\n\nLast.",
        );
        assert!(out.contains("First line"), "{out}");
        assert!(
            out.contains("<figcaption>The lead ship.</figcaption>")
                || out.contains("The lead ship."),
            "{out}"
        );
        assert!(!out.contains("[caption"), "{out}");
        assert!(out.contains("Last."), "{out}");
    }

    #[test]
    fn block_delimiters_go_and_their_content_stays() {
        let out = md(
            "<!-- wp:paragraph -->\n<p>Kept words.</p>\n<!-- /wp:paragraph -->\n<!-- wp:separator /-->",
        );
        assert!(!out.contains("wp:"), "{out}");
        assert!(out.contains("Kept words."), "{out}");
    }

    #[test]
    fn more_ends_the_standfirst_and_unknown_shortcodes_are_reported() {
        let c = convert(
            "The lede.\n<!--more-->\nThe rest [myplugin x=1].",
            1,
            &BTreeMap::new(),
        );
        assert_eq!(c.standfirst.as_deref(), Some("The lede."));
        assert_eq!(c.unknown_shortcodes, ["myplugin"]);
        assert!(c.markdown.contains("[myplugin x=1]"), "{}", c.markdown);
    }

    /// What the converter must get right: tables, nested lists, deletions, footnote-style
    /// references; checked by rendering the Markdown back as the build does.
    #[test]
    fn tables_lists_deletions_and_notes_survive_the_round_trip() {
        let html = "<table><thead><tr><th>Ship</th><th>Year</th></tr></thead><tbody><tr><td>Endurance</td><td>2027</td></tr></tbody></table>\n\n<ul><li>One<ul><li>One point one</li></ul></li><li>Two</li></ul>\n\n<p>Cost <del>£1bn</del> £2bn<sup><a href=\"#fn1\">1</a></sup></p>\n\n<ol><li id=\"fn1\">The ministry's figure.</li></ol>";
        let markdown = md(html);
        let back = crate::text::markdown::render(&markdown, |_| false).html;
        let doc = back.replace('\n', "");
        assert!(
            doc.contains("<th>Ship</th>") && doc.contains("<td>Endurance</td>"),
            "{markdown}\n{back}"
        );
        assert!(
            doc.contains("<li>One<ul><li>One point one</li></ul></li>")
                || doc.contains("One point one</li></ul>"),
            "{back}"
        );
        assert!(doc.contains("<del>£1bn</del>"), "{markdown}\n{back}");
        assert!(
            back.contains("The ministry's figure.") || back.contains("The ministry’s figure."),
            "{back}"
        );
        assert!(back.contains("href=\"#fn1\""), "{markdown}\n{back}");
    }

    #[test]
    fn plain_comments_show_as_written() {
        let md = comment("1. I *disagree* with [this]\n# not a heading\n\nSecond_paragraph");
        assert_eq!(
            md,
            "1\\. I \\*disagree\\* with \\[this\\]  \n\\# not a heading\n\nSecond\\_paragraph\n"
        );
        let html = crate::text::sanitize::render_comment(&md);
        assert!(html.contains("1. I *disagree* with [this]"), "{html}");
        assert!(
            html.contains("# not a heading") && html.contains("Second_paragraph"),
            "{html}"
        );
    }

    #[test]
    fn galleries_show_the_attachments_and_embeds_become_links() {
        let mut attachments = BTreeMap::new();
        attachments.insert(
            5,
            Attachment {
                url: "https://old.example/wp-content/uploads/a.jpg".into(),
                alt: "Dock".into(),
                caption: String::new(),
                parent: 1,
            },
        );
        let out = convert(
            "[gallery]\n\nhttps://www.youtube.com/watch?v=x\n\n[embed]https://vimeo.com/1[/embed]",
            1,
            &attachments,
        )
        .markdown;
        assert!(out.contains("a.jpg"), "{out}");
        assert!(out.contains("https://www.youtube.com/watch?v=x"), "{out}");
        assert!(out.contains("https://vimeo.com/1"), "{out}");
        assert!(
            !out.contains("[gallery") && !out.contains("[embed"),
            "{out}"
        );
    }
}
