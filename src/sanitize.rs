//! Reader-written text: comment bodies and the fields a reader typed. All of it is hostile.
//!
//! A comment body is Markdown in which raw HTML is shown as text, never as markup; the HTML that
//! Markdown produces then passes a strict allowlist (ammonia) as a second wall: paragraphs, line
//! breaks, emphasis, code, quotes, lists, and links to http, https or mailto only, each carrying
//! `rel="nofollow ugc"`. Part of the resolve stage.

use std::collections::HashSet;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

static ALLOWLIST: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::empty();
    builder
        .tags(HashSet::from([
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
            "a",
        ]))
        .tag_attributes([("a", HashSet::from(["href"]))].into())
        .generic_attributes(HashSet::new())
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::Deny)
        .link_rel(Some("nofollow ugc"))
        .strip_comments(true);
    builder
});

/// Renders a reader's comment to HTML that is safe to put on the page as it is.
///
/// ```
/// let html = sitrep::sanitize::render_comment("Hi <script>x</script> [a](javascript:x) *ok*");
/// assert_eq!(html.trim(), "<p>Hi &lt;script&gt;x&lt;/script&gt; <a rel=\"nofollow ugc\">a</a> <em>ok</em></p>");
/// ```
pub fn render_comment(markdown: &str) -> String {
    let events =
        Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).map(|event| match event {
            // Raw HTML is the reader's text, shown as typed.
            Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
            // An image would load a stranger's URL for every visitor; it becomes a link instead.
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }),
            Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
            other => other,
        });
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events);
    ALLOWLIST.clean(&html).to_string()
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
