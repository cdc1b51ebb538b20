//! The reply form as posted: read from `application/x-www-form-urlencoded` into fields with hard
//! limits, every one of them checked. Nothing here trusts a byte: unknown fields are ignored
//! (so `author_id = "editor"` sent as a field goes nowhere), and names and text are cleaned of
//! the characters that could disguise them.

use std::collections::HashMap;

/// The fields a reader may send, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub name: String,
    /// The comment, with line ends made `\n`.
    pub comment: String,
    pub email: Option<String>,
    pub website: Option<String>,
    pub slug: String,
    pub parent: Option<String>,
    /// The honeypot: filled only by robots.
    pub trap: bool,
    /// When the page was loaded, in milliseconds since 1970, if a script said so.
    pub loaded_ms: Option<i64>,
}

/// A field that is missing or not acceptable, for the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The form field, as its label names it.
    pub field: &'static str,
    pub why: String,
}

pub const MAX_NAME: usize = 100;
pub const MAX_EMAIL: usize = 200;
pub const MAX_WEBSITE: usize = 200;
/// Slugs and comment ids are short names; anything longer is not one.
pub const MAX_NAME_FIELD: usize = 200;

/// What a form body says, and the comment text to give back when it is refused.
pub struct Parsed {
    pub result: Result<Submission, Invalid>,
    /// The reader's comment as sent (cleaned for display), so a refusal loses nothing.
    pub text: String,
}

/// Reads a urlencoded body. Repeated fields take their first value.
pub fn parse(body: &[u8]) -> Parsed {
    let pairs = match decode(body) {
        Some(pairs) => pairs,
        None => {
            return Parsed {
                result: Err(Invalid {
                    field: "form",
                    why: "the form could not be read (it must be sent as a web form, in UTF-8)"
                        .to_string(),
                }),
                text: String::new(),
            };
        }
    };
    let mut fields: HashMap<&str, &str> = HashMap::new();
    for (key, value) in &pairs {
        fields.entry(key.as_str()).or_insert(value.as_str());
    }
    let text = clean_text(fields.get("comment").copied().unwrap_or(""));
    Parsed {
        result: check(&fields, &text),
        text,
    }
}

/// `a=1&b=x+y` as pairs, each key and value percent-decoded and required to be UTF-8: a byte
/// that is not is refused, never guessed at.
fn decode(body: &[u8]) -> Option<Vec<(String, String)>> {
    let text = std::str::from_utf8(body).ok()?;
    let one = |part: &str| -> Option<String> {
        let spaced = part.replace('+', " ");
        let bytes: Vec<u8> = percent_encoding::percent_decode_str(&spaced).collect();
        String::from_utf8(bytes).ok()
    };
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((one(key)?, one(value)?))
        })
        .collect()
}

fn check(fields: &HashMap<&str, &str>, text: &str) -> Result<Submission, Invalid> {
    let invalid = |field: &'static str, why: &str| Invalid {
        field,
        why: why.to_string(),
    };
    let name = clean_line(fields.get("name").copied().unwrap_or(""));
    if name.is_empty() {
        return Err(invalid(
            "name",
            "please give a name to sign your comment with",
        ));
    }
    if name.chars().count() > MAX_NAME {
        return Err(invalid("name", "a name may be at most 100 characters"));
    }
    if text.trim().is_empty() {
        return Err(invalid("comment", "the comment is empty"));
    }
    let email = optional(fields.get("email"));
    if let Some(email) = &email {
        let at = email.find('@');
        let plausible = at.is_some_and(|i| i > 0 && i + 1 < email.len())
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if email.len() > MAX_EMAIL || !plausible {
            return Err(invalid(
                "email",
                "this is not an email address (it may be left empty)",
            ));
        }
    }
    let website = optional(fields.get("website"));
    if let Some(site) = &website {
        let lower = site.to_ascii_lowercase();
        let web = lower.starts_with("https://") || lower.starts_with("http://");
        let clean = !site
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'));
        if site.len() > MAX_WEBSITE || !web || !clean || site.len() < 10 {
            return Err(invalid(
                "website",
                "a website is an address starting with https:// (it may be left empty)",
            ));
        }
    }
    let slug = fields.get("slug").copied().unwrap_or("");
    if slug.is_empty() || slug.len() > MAX_NAME_FIELD {
        return Err(invalid(
            "slug",
            "the form does not say which article it is for",
        ));
    }
    let parent = fields.get("parent").copied().filter(|p| !p.is_empty());
    if parent.is_some_and(|p| p.len() > MAX_NAME_FIELD) {
        return Err(invalid(
            "parent",
            "the comment replied to is not one of this article's",
        ));
    }
    let loaded_ms = fields
        .get("ts")
        .and_then(|ts| ts.trim().parse::<i64>().ok());
    Ok(Submission {
        name,
        comment: text.to_string(),
        email,
        website,
        slug: slug.to_string(),
        parent: parent.map(str::to_string),
        trap: fields.get("url").is_some_and(|v| !v.trim().is_empty()),
        loaded_ms,
    })
}

fn optional(value: Option<&&str>) -> Option<String> {
    value
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// Characters that no name or comment needs and that can disguise one: controls (NUL, escapes)
/// and the bidirectional overrides and isolates that turn text around on screen.
fn is_disguise(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
        || c == '\u{FEFF}'
}

/// A name: one line, trimmed, without disguising characters.
fn clean_line(text: &str) -> String {
    let line: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .filter(|&c| !is_disguise(c))
        .collect();
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A comment: line ends made `\n`, disguising characters dropped, otherwise kept as written.
fn clean_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|&c| !is_disguise(c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(body: &str) -> Result<Submission, Invalid> {
        parse(body.as_bytes()).result
    }

    #[test]
    fn a_good_form_is_read_and_line_ends_become_lf() {
        let s = form(
            "name=%D0%9E%D0%BB%D0%B5%D0%BD%D0%B0&comment=a%0D%0Ab&slug=frigate&parent=c1&ts=1000",
        )
        .unwrap();
        assert_eq!(s.name, "Олена");
        assert_eq!(s.comment, "a\nb");
        assert_eq!(s.parent.as_deref(), Some("c1"));
        assert_eq!(s.loaded_ms, Some(1000));
        assert!(!s.trap);
    }

    #[test]
    fn each_bad_field_is_named() {
        let field = |body: &str| form(body).unwrap_err().field;
        assert_eq!(field("comment=x&slug=a"), "name");
        assert_eq!(field("name=A&comment=%20&slug=a"), "comment");
        assert_eq!(field("name=A&comment=x&slug=a&email=nope"), "email");
        assert_eq!(
            field("name=A&comment=x&slug=a&website=javascript:alert(1)"),
            "website"
        );
        assert_eq!(field("name=A&comment=x"), "slug");
        assert_eq!(field("name=%FF&comment=x&slug=a"), "form");
    }

    #[test]
    fn disguises_are_dropped_and_unknown_fields_ignored() {
        let s = form(
            "name=Ann%E2%80%AEnimda%00&comment=hi%E2%80%AE&slug=a&author_id=editor&email_hash=00",
        )
        .unwrap();
        assert_eq!(s.name, "Annnimda");
        assert_eq!(s.comment, "hi");
    }
}
