//! Reader-written text: comment bodies and the fields a reader typed. All of it is hostile.
//!
//! A comment body is Markdown in which raw HTML is shown as text, never as markup. Two walls
//! stand between it and the page:
//!
//! 1. [`render_comment`] writes HTML from the Markdown events itself and can only produce a
//!    small fixed set of tags: paragraphs, line breaks, emphasis, code, quotes, lists, and links
//!    to http, https or mailto only, each carrying `rel="nofollow ugc"` (a link elsewhere is its
//!    text alone). Text is escaped as it is
//!    written. Safe markup is produced by construction, not filtered afterwards.
//! 2. [`is_safe_markup`] then checks that output in one pass: every tag is on the allowlist and
//!    balanced, every link target has an allowed scheme. Anything else (a bug in wall 1) goes
//!    through the full allowlist sanitiser, [`clean_html`] (ammonia), instead.
//!
//! Sanitising 120,000 comments with ammonia alone parses every one of them into a DOM; the two
//! walls cost a fraction of that (`cargo bench --bench comments`). Tests hold the two walls to
//! ammonia: on every attack string, `clean_html(render_comment(x)) == render_comment(x)`.
//! Pure text work, called by the resolve stage.

use std::collections::HashSet;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Elements a comment may contain besides `a`; `br` is the one void element.
const ALLOWED_TAGS: [&str; 11] = [
    "p",
    "br",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
];

/// Schemes a link target may have, as the `url` crate writes them (lower case).
const ALLOWED_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// What every link in a comment says about itself: the site does not vouch for it.
const LINK_REL: &str = "nofollow ugc";
/// How [`write_comment`] ends every `a` start tag (`LINK_REL` spelt out, for `strip_suffix`).
const REL_ATTRIBUTE: &str = "rel=\"nofollow ugc\"";

static ALLOWLIST: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::empty();
    builder
        .tags(ALLOWED_TAGS.into_iter().chain(["a"]).collect())
        .tag_attributes([("a", HashSet::from(["href"]))].into())
        .generic_attributes(HashSet::new())
        .url_schemes(ALLOWED_SCHEMES.into())
        .url_relative(UrlRelative::Deny)
        .link_rel(Some(LINK_REL))
        .strip_comments(true);
    builder
});

/// Renders a reader's comment to HTML that is safe to put on the page as it is.
///
/// ```
/// let html = sitrep::text::sanitize::render_comment("Hi <script>x</script> [a](javascript:x) *ok*");
/// assert_eq!(html.trim(), "<p>Hi &lt;script&gt;x&lt;/script&gt; a <em>ok</em></p>");
/// ```
pub fn render_comment(markdown: &str) -> String {
    let html = write_comment(&page_text(markdown));
    if is_safe_markup(&html) {
        html
    } else {
        clean_html(&html)
    }
}

/// `text` without the characters an HTML page may not contain (controls other than whitespace,
/// and noncharacters): browsers put up with them, but they make the page invalid, and a reader
/// has no business sending them.
///
/// ```
/// use sitrep::text::sanitize::page_text;
/// assert_eq!(page_text("a\u{1}b\u{7f}\u{9c}\u{fffe}\tc\n"), "ab\tc\n");
/// ```
pub fn page_text(text: &str) -> std::borrow::Cow<'_, str> {
    let forbidden = |c: char| {
        let n = c as u32;
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
            || (0xFDD0..=0xFDEF).contains(&n)
            || n & 0xFFFE == 0xFFFE
    };
    if text.contains(forbidden) {
        text.replace(forbidden, "").into()
    } else {
        text.into()
    }
}

/// The full allowlist sanitiser (ammonia) with the comment allowlist: parses `html` as a browser
/// would and keeps only allowed elements, attributes and link schemes.
pub fn clean_html(html: &str) -> String {
    ALLOWLIST.clean(html).to_string()
}

/// Whether `html` is made only of the markup [`render_comment`] writes: allowed tags, properly
/// nested, no attributes but a link's `href` (http, https or mailto) and `rel`, and no stray `<`
/// or `>`. A linear scan; it says nothing of entities, which cannot make markup.
pub fn is_safe_markup(html: &str) -> bool {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.bytes().position(|b| b == b'<' || b == b'>') {
        if rest.as_bytes()[at] == b'>' {
            return false;
        }
        let Some(len) = rest[at..].find('>') else {
            return false;
        };
        let tag = &rest[at + 1..at + len];
        rest = &rest[at + len + 1..];
        if tag.contains('<') {
            return false;
        }
        if let Some(name) = tag.strip_prefix('/') {
            if open.pop() != Some(name) {
                return false;
            }
        } else if tag == "br" {
        } else if ALLOWED_TAGS.contains(&tag) {
            open.push(tag);
        } else if is_safe_anchor(tag) && !open.contains(&"a") {
            open.push("a");
        } else {
            return false;
        }
    }
    open.is_empty()
}

/// An `a` start tag as [`write_comment`] writes it, without the angle brackets.
fn is_safe_anchor(tag: &str) -> bool {
    let Some(attributes) = tag.strip_prefix("a ") else {
        return false;
    };
    let Some(attributes) = attributes.strip_suffix(REL_ATTRIBUTE) else {
        return false;
    };
    if attributes.is_empty() {
        return true;
    }
    let Some(href) = attributes
        .strip_prefix("href=\"")
        .and_then(|a| a.strip_suffix("\" "))
    else {
        return false;
    };
    let scheme = href.split_once(':').map(|(scheme, _)| scheme);
    !href.contains('"') && scheme.is_some_and(|s| ALLOWED_SCHEMES.contains(&s))
}

/// Wall 1: HTML written from the Markdown events, mapping each to an allowed element or to text.
/// Its escaping follows the HTML serialiser ammonia uses, so the result is a fixed point of
/// [`clean_html`].
fn write_comment(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 4 + 16);
    // Nested links are not HTML; only the outermost one becomes an element.
    let mut links = 0usize;
    // Whether the outermost link became an element (a link to a refused address is its text).
    let mut anchored = false;
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                // An image would load a stranger's URL for every visitor; it becomes a link.
                if links == 0 {
                    anchored = push_anchor(&mut out, &dest_url);
                }
                links += 1;
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                links -= 1;
                if links == 0 && anchored {
                    out.push_str("</a>");
                }
            }
            Event::Start(tag) => out.push_str(start_tag(&tag)),
            Event::End(tag) => out.push_str(end_tag(tag)),
            Event::Code(code) => {
                out.push_str("<code>");
                push_text(&mut out, &code);
                out.push_str("</code>");
            }
            // Raw HTML is the reader's text, shown as typed.
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                push_text(&mut out, &text)
            }
            // Only extensions this parser leaves off produce these; their text is kept.
            Event::InlineMath(text) | Event::DisplayMath(text) => push_text(&mut out, &text),
            Event::FootnoteReference(label) => push_text(&mut out, &label),
            Event::SoftBreak => out.push('\n'),
            Event::HardBreak => out.push_str("<br>\n"),
            Event::Rule | Event::TaskListMarker(_) => {}
        }
    }
    out
}

fn start_tag(tag: &Tag) -> &'static str {
    match tag {
        Tag::Paragraph => "<p>",
        // A heading in a comment is emphasis, not page structure.
        Tag::Heading { .. } => "<p><strong>",
        Tag::BlockQuote(_) => "<blockquote>\n",
        Tag::CodeBlock(_) => "<pre><code>",
        Tag::List(Some(_)) => "<ol>\n",
        Tag::List(None) => "<ul>\n",
        Tag::Item => "<li>",
        Tag::Emphasis => "<em>",
        Tag::Strong => "<strong>",
        Tag::Strikethrough => "<del>",
        _ => "",
    }
}

fn end_tag(tag: TagEnd) -> &'static str {
    match tag {
        TagEnd::Paragraph => "</p>\n",
        TagEnd::Heading(_) => "</strong></p>\n",
        TagEnd::BlockQuote(_) => "</blockquote>\n",
        TagEnd::CodeBlock => "</code></pre>\n",
        TagEnd::List(true) => "</ol>\n",
        TagEnd::List(false) => "</ul>\n",
        TagEnd::Item => "</li>\n",
        TagEnd::Emphasis => "</em>",
        TagEnd::Strong => "</strong>",
        TagEnd::Strikethrough => "</del>",
        _ => "",
    }
}

/// `<a href="…" rel="nofollow ugc">` when the target is an absolute URL with an allowed scheme,
/// and whether it was written: a link anywhere else is shown as its text alone (an `<a>` with no
/// address is invalid HTML and reads as a dead link). The URL is written as the `url` crate
/// normalises it (percent-encoded), so what was checked is what the browser gets.
fn push_anchor(out: &mut String, target: &str) -> bool {
    let url = ammonia::Url::parse(target).ok();
    let Some(url) = url.filter(|u| ALLOWED_SCHEMES.contains(&u.scheme())) else {
        return false;
    };
    out.push_str("<a ");
    {
        out.push_str("href=\"");
        for c in url.as_str().chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '"' => out.push_str("&quot;"),
                '\u{a0}' => out.push_str("&nbsp;"),
                // Opaque paths (mailto:) keep brackets; encoded, they cannot end a tag.
                '<' => out.push_str("%3C"),
                '>' => out.push_str("%3E"),
                c => out.push(c),
            }
        }
        out.push_str("\" ");
    }
    out.push_str(REL_ATTRIBUTE);
    out.push('>');
    true
}

/// Text escaped as the HTML serialiser escapes it; line breaks and NUL normalised as an HTML
/// parser would read them. Copies runs of plain text at once: this is the hot loop of 120,000 comments.
fn push_text(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let (mut i, mut plain) = (0, 0);
    while i < bytes.len() {
        let (escaped, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => ("", 1),
            b'\r' => ("\n", 1),
            // The HTML parser drops NUL from text.
            0 => ("", 1),
            // U+00A0 in UTF-8.
            0xC2 if bytes.get(i + 1) == Some(&0xA0) => ("&nbsp;", 2),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[plain..i]);
        out.push_str(escaped);
        i += len;
        plain = i;
    }
    out.push_str(&text[plain..]);
}

/// A reader's website as a link target, or `None` unless it is a plain http(s) address.
pub fn safe_website(raw: &str) -> Option<String> {
    let url = ammonia::Url::parse(raw.trim()).ok()?;
    let web = matches!(url.scheme(), "http" | "https");
    (web && url.host_str().is_some_and(|h| !h.is_empty())).then(|| url.to_string())
}

/// An avatar digest is hex of the length of an MD5 or SHA-256 digest, nothing else.
pub fn is_email_hash(raw: &str) -> bool {
    matches!(raw.len(), 32 | 64) && raw.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_formatting_survives() {
        let html =
            render_comment("Some *emphasis*, **strong**, `code`.\n\n> quoted\n\n- one\n- two\n");
        assert!(html.contains("<em>emphasis</em>"));
        assert!(html.contains("<strong>strong</strong>"));
        assert!(html.contains("<code>code</code>"));
        assert!(html.contains("<blockquote>"));
        assert!(html.contains("<li>one</li>"));
    }

    /// Issue 14: a link to a refused address was an `<a>` without `href` (invalid HTML, a dead
    /// link); it is its text alone.
    #[test]
    fn a_refused_link_is_its_text() {
        for markdown in [
            "[click](javascript:alert(1))",
            "[x](data:text/html,y)",
            "[y](//evil.example/)",
        ] {
            let html = render_comment(markdown);
            assert!(!html.contains("<a"), "{markdown}: {html}");
            assert!(!html.contains("</a>"), "{markdown}: {html}");
            assert!(is_safe_markup(&html));
        }
        // CommonMark lets the inner link win; what is written stays balanced and safe.
        let html = render_comment("[outer [inner](https://x.example/)](javascript:x)");
        assert!(is_safe_markup(&html), "{html}");
        assert_eq!(
            html.matches("<a ").count(),
            html.matches("</a>").count(),
            "{html}"
        );
    }

    #[test]
    fn links_get_nofollow_ugc() {
        let html = render_comment("[report](https://example.org/r)");
        assert_eq!(
            html.trim(),
            r#"<p><a href="https://example.org/r" rel="nofollow ugc">report</a></p>"#
        );
    }

    #[test]
    fn raw_html_is_text() {
        let html = render_comment("<b onclick=alert(1)>hi</b>");
        assert!(!html.contains("<b"), "{html}");
        assert!(html.contains("&lt;b onclick=alert(1)&gt;"), "{html}");
    }

    #[test]
    fn the_check_refuses_what_construction_never_writes() {
        for bad in [
            "<img src=x onerror=alert(1)>",
            "<p onclick=alert(1)>x</p>",
            "<P>x</P>",
            "<p>x",
            "x</p>",
            "<em><strong>x</em></strong>",
            "1 > 0",
            "<p>x<</p>",
            "<scr<p>ipt>",
            "<a href=\"javascript:alert(1)\" rel=\"nofollow ugc\">x</a>",
            "<a href=\"data:text/html,x\" rel=\"nofollow ugc\">x</a>",
            "<a href=\"//evil.example/\" rel=\"nofollow ugc\">x</a>",
            "<a href=\"https://x/\" onclick=\"y\" rel=\"nofollow ugc\">x</a>",
            "<a href=\"https://x/\">x</a>",
            "<a rel=\"nofollow ugc\" href=\"https://x/\">x</a>",
            "<a href=\"https://x/\"\" rel=\"nofollow ugc\">x</a>",
            "<a rel=\"nofollow ugc\"><a rel=\"nofollow ugc\">x</a></a>",
            "<br/>",
            "<!-- x -->",
        ] {
            assert!(!is_safe_markup(bad), "{bad}");
        }
        for good in [
            "",
            "plain &amp; text",
            "<p>a<br>\nb</p>\n",
            "<ul>\n<li><a href=\"https://x.example/?a=1&amp;b\" rel=\"nofollow ugc\">x</a></li>\n</ul>\n",
            "<blockquote>\n<p><a rel=\"nofollow ugc\">refused</a> <a href=\"mailto:a@b.example\" rel=\"nofollow ugc\">mail</a></p>\n</blockquote>\n",
        ] {
            assert!(is_safe_markup(good), "{good}");
        }
    }

    #[test]
    fn markdown_constructs_map_to_allowed_elements() {
        let cases = [
            ("# Big claim", "<p><strong>Big claim</strong></p>\n"),
            (
                "3. three\n4. four",
                "<ol>\n<li>three</li>\n<li>four</li>\n</ol>\n",
            ),
            ("a\n\n---\n\nb", "<p>a</p>\n<p>b</p>\n"),
            ("a  \nb", "<p>a<br>\nb</p>\n"),
            ("~~no~~", "<p><del>no</del></p>\n"),
            ("```js\nx<1\r\n```", "<pre><code>x&lt;1\n</code></pre>\n"),
            ("a\u{a0}b", "<p>a&nbsp;b</p>\n"),
            (
                "[![pic](https://i.example/p.png)](https://x.example/)",
                "<p><a href=\"https://x.example/\" rel=\"nofollow ugc\">pic</a></p>\n",
            ),
            (
                "[m](<mailto:a\" b\\<c\\>@x.example>)",
                "<p><a href=\"mailto:a&quot; b%3Cc%3E@x.example\" rel=\"nofollow ugc\">m</a></p>\n",
            ),
        ];
        for (markdown, html) in cases {
            assert_eq!(render_comment(markdown), html, "{markdown:?}");
            assert_eq!(clean_html(html), html, "{markdown:?} is not a fixed point");
        }
    }

    #[test]
    fn websites_must_be_http() {
        assert_eq!(
            safe_website("https://example.org").as_deref(),
            Some("https://example.org/")
        );
        assert_eq!(
            safe_website("  http://example.org/a  ").as_deref(),
            Some("http://example.org/a")
        );
        assert_eq!(safe_website("javascript:alert(1)"), None);
        assert_eq!(safe_website("JaVaScRiPt:alert(1)"), None);
        assert_eq!(safe_website("data:text/html,<script>"), None);
        assert_eq!(safe_website("//evil.example"), None);
        assert_eq!(safe_website("example.org"), None);
    }

    #[test]
    fn email_hashes_are_hex_digests() {
        assert!(is_email_hash(&"a".repeat(64)));
        assert!(!is_email_hash("\"><script>"));
        assert!(!is_email_hash(&"g".repeat(64)));
    }
}
