//! Where the links of an HTML fragment are: the value of every ` href="…"` and ` src="…"`, for
//! the link check, for rewriting links in feeds, and for finding a link's line in Markdown.

/// Every `href` and `src` in `html`, Markdown links and raw HTML alike, unescaped.
pub fn targets(html: &str) -> Vec<String> {
    link_values(html)
        .into_iter()
        .map(|value| unescape(&html[value]))
        .collect()
}

/// Where the value of each ` href="…"` and ` src="…"` (either quote, any case) lies in `html`,
/// as byte ranges in order: for reading links here and for rewriting them in feeds.
pub fn link_values(html: &str) -> Vec<std::ops::Range<usize>> {
    let mut values = Vec::new();
    let mut from = 0;
    while let Some((at, quote)) = next_link_attribute(&html[from..]) {
        let start = from + at;
        let end = html[start..].find(quote).map_or(html.len(), |i| start + i);
        values.push(start..end);
        from = end;
    }
    values
}

/// An attribute value as the browser reads it, for the entities a link can hold.
pub fn unescape(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    [
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&#x27;", "'"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(value.to_string(), |v, (entity, c)| v.replace(entity, c))
}

/// The offset just after the next ` href="` or ` src="` (either quote, any case) in `html`,
/// with the quote that closes the value.
fn next_link_attribute(html: &str) -> Option<(usize, char)> {
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            for name in ["href=", "src="] {
                let end = i + 1 + name.len();
                if bytes.len() > end
                    && bytes[i + 1..end].eq_ignore_ascii_case(name.as_bytes())
                    && matches!(bytes[end], b'"' | b'\'')
                {
                    return Some((end + 1, bytes[end] as char));
                }
            }
        }
        i += 1;
    }
    None
}
