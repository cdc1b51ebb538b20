//! Text for XML files (feeds, sitemaps): escaping, and dropping the characters XML 1.0 forbids,
//! which TOML strings and Markdown may hold but which make a whole feed unreadable.

use std::borrow::Cow;

/// `text` without characters XML 1.0 does not allow (most C0 controls, U+FFFE, U+FFFF).
pub fn clean(text: &str) -> Cow<'_, str> {
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| allowed(c)).collect())
    }
}

/// `text` cleaned and escaped for XML element content or attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_drops_forbidden_characters() {
        assert_eq!(escape("a&b<c>\"'"), "a&amp;b&lt;c&gt;&quot;&apos;");
        assert_eq!(clean("a\u{1}b\u{b}c\u{fffe}d\te\n"), "abcd\te\n");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
    }
}
