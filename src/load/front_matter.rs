//! Front matter: splitting a content file into its TOML header and Markdown body, and reading
//! TOML (front matter, author files, site.toml) with positions that point into the real file.
//!
//! Part of the load stage.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Diagnostic, line_column};

/// A content file cut in two: its front matter and its body.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The TOML between the `+++` lines.
    pub front_matter: &'a str,
    /// How many lines of the file come before the front matter (the opening `+++`), so a line
    /// number in the TOML becomes a line number in the file.
    pub line_offset: usize,
    /// The Markdown after the closing `+++`.
    pub body: &'a str,
}

/// Cuts `text` at its `+++` lines; the error says how to fix the file.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or("");
    if first_line.trim_end() == "---" {
        return Err(Diagnostic::at(
            path,
            1,
            1,
            "this file starts with `---` (YAML front matter), but sitrep reads TOML front matter \
             between two lines of `+++`: change both `---` lines to `+++` and write the fields as \
             TOML (`title = \"...\"`)",
        )
        .with_excerpt(text, 1));
    }
    if first_line.trim_end() != "+++" {
        return Err(Diagnostic::at(
            path,
            1,
            1,
            "missing front matter: the file must start with a line of `+++`, then TOML fields, \
             then another line of `+++`",
        )
        .with_excerpt(text, 1));
    }
    let after_open = &text[first_line.len()..];
    let after_open = after_open
        .strip_prefix("\r\n")
        .or_else(|| after_open.strip_prefix('\n'))
        .unwrap_or(after_open);
    let mut offset = 0;
    for line in after_open.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Ok(Split {
                front_matter: &after_open[..offset],
                line_offset: 1,
                body: &after_open[offset + line.len()..],
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::at(
        path,
        1,
        1,
        "the front matter opened with `+++` on line 1 is never closed: add a line of `+++` after \
         the last field",
    ))
}

/// Reads TOML into `T`. Keys `T` does not know become warnings (they catch `tittle = ...`);
/// errors carry the file's own line and column, `line_offset` lines below the TOML's.
pub fn parse_toml<T: DeserializeOwned>(
    path: &Path,
    toml_text: &str,
    line_offset: usize,
) -> Result<(T, Vec<Diagnostic>), Diagnostic> {
    let mut unknown = Vec::new();
    let deserializer = toml::Deserializer::parse(toml_text)
        .map_err(|e| toml_error(path, toml_text, line_offset, &e))?;
    let value: T = serde_ignored::deserialize(deserializer, |key| unknown.push(key.to_string()))
        .map_err(|e| toml_error(path, toml_text, line_offset, &e))?;
    let warnings = unknown
        .into_iter()
        .map(|key| {
            let message = format!("unknown field `{key}` is ignored (check its spelling)");
            match find_key_line(toml_text, &key) {
                Some(line) => Diagnostic::at(path, line + line_offset, 1, message),
                None => Diagnostic::new(path, message),
            }
        })
        .collect();
    Ok((value, warnings))
}

fn toml_error(
    path: &Path,
    toml_text: &str,
    line_offset: usize,
    error: &toml::de::Error,
) -> Diagnostic {
    let message = error.message().trim();
    // The key on the line the parser stopped at, for hints that depend on the field.
    let key = error.span().and_then(|span| {
        let start = toml_text[..span.start.min(toml_text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let line = toml_text[start..].lines().next()?;
        Some(line.split('=').next()?.trim().to_string())
    });
    let message = match (hint(message), key.as_deref()) {
        // Our own date errors say so already; the TOML parser's ("invalid float") do not.
        (_, Some("date" | "updated"))
            if !message.starts_with("missing field") && !message.contains("2026-11-28") =>
        {
            format!("{message}: a date looks like 2026-11-28, or 2026-11-28T09:30:00Z with a time")
        }
        (Some(hint), _) => format!("{message}: {hint}"),
        (None, _) => match misspelling(message, toml_text) {
            Some((key, line, field)) => format!(
                "{message}: `{key}` on line {} is not a field; is it a misspelling of `{field}`?",
                line + line_offset
            ),
            None => message.to_string(),
        },
    };
    match error.span() {
        Some(span) => {
            let (line, column) = line_column(toml_text, span.start);
            // A missing field, or a span over several lines, has no one line to point at.
            let one_line = toml_text
                .get(span.clone())
                .is_some_and(|s| !s.contains('\n'));
            let pointed = one_line && !message.starts_with("missing field");
            let at = Diagnostic::at(path, line + line_offset, column, message);
            match pointed {
                true => at.with_excerpt(toml_text, line_offset + 1),
                false => at,
            }
        }
        None => Diagnostic::new(path, message),
    }
}

/// For "missing field `title`": a top-level key written near it (`tittle`), and its line.
fn misspelling<'m>(message: &'m str, toml_text: &str) -> Option<(String, usize, &'m str)> {
    let field = message.strip_prefix("missing field `")?.strip_suffix('`')?;
    toml_text
        .lines()
        .enumerate()
        .take_while(|(_, line)| !line.trim_start().starts_with('['))
        .filter_map(|(i, line)| Some((line.split_once('=')?.0.trim(), i + 1)))
        .find(|(key, _)| *key != field && strsim::damerau_levenshtein(key, field) <= 2)
        .map(|(key, line)| (key.to_string(), line, field))
}

/// Where each top-level key of `toml_text` is written: (key, line, column of its value), lines
/// counted in the file (`line_offset` lines come before the TOML).
pub fn field_positions(toml_text: &str, line_offset: usize) -> Vec<(String, usize, usize)> {
    toml_text
        .lines()
        .enumerate()
        .take_while(|(_, line)| !line.trim_start().starts_with('['))
        .filter_map(|(i, line)| {
            let (key, rest) = line.split_once('=')?;
            let key = key.trim().trim_matches('"');
            if key.is_empty() || key.contains(char::is_whitespace) {
                return None;
            }
            let value_at = line.len() - rest.trim_start().len();
            Some((key.to_string(), i + 1 + line_offset, value_at + 1))
        })
        .collect()
}

/// What usually causes a TOML error that editors make, in words they can act on.
fn hint(toml_message: &str) -> Option<&'static str> {
    let hints: [(&str, &str); 5] = [
        (
            "invalid basic string",
            "a `\"` string must close on the same line; is the closing `\"` missing? (use \
             `\"\"\"` for text over several lines)",
        ),
        (
            "invalid literal string",
            "a `'` string must close on the same line; is the closing `'` missing?",
        ),
        (
            "unclosed array",
            "a list opened with `[` needs its closing `]`, and its items a comma between them",
        ),
        (
            "key with no value",
            "write `key = value`, with text in quotes: `title = \"...\"`",
        ),
        (
            "invalid string\nexpected `\"`, `'`",
            "text values need quotes: `title = \"...\"`",
        ),
    ];
    hints
        .iter()
        .find(|(start, _)| toml_message.starts_with(start))
        .map(|(_, hint)| *hint)
}

/// The 1-based line where a top-level key (the last part of a dotted path) is written.
fn find_key_line(toml_text: &str, key: &str) -> Option<usize> {
    let last = key.rsplit('.').next()?;
    toml_text
        .lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix(last)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::date::Date;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Fm {
        title: String,
        date: Date,
    }

    #[test]
    fn splits_front_matter_and_body() {
        let s = split(Path::new("a.md"), "+++\ntitle = \"x\"\n+++\nBody\n").unwrap();
        assert_eq!(s.front_matter, "title = \"x\"\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.line_offset, 1);
    }

    #[test]
    fn splits_crlf_files() {
        let s = split(Path::new("a.md"), "+++\r\ntitle = \"x\"\r\n+++\r\nBody").unwrap();
        assert_eq!(s.front_matter, "title = \"x\"\r\n");
        assert_eq!(s.body, "Body");
    }

    #[test]
    fn yaml_front_matter_is_explained() {
        let e = split(Path::new("a.md"), "---\ntitle: x\n---\n").unwrap_err();
        assert!(e.message.contains("TOML front matter"), "{}", e.message);
        assert_eq!((e.line, e.column), (Some(1), Some(1)));
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = split(Path::new("a.md"), "+++\ntitle = \"x\"\n").unwrap_err();
        assert!(e.message.contains("never closed"));
    }

    #[test]
    fn toml_errors_point_at_the_file_line() {
        let text = "+++\ntitle = \"x\"\ndate = 2026-13-45\n+++\n";
        let s = split(Path::new("a.md"), text).unwrap();
        let e = parse_toml::<Fm>(Path::new("a.md"), s.front_matter, s.line_offset).unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
    }

    #[test]
    fn missing_fields_are_named() {
        let e = parse_toml::<Fm>(Path::new("a.md"), "title = \"x\"\n", 1).unwrap_err();
        assert!(e.message.contains("date"), "{e}");
    }

    #[test]
    fn unknown_keys_are_warnings_with_lines() {
        let (fm, warnings) = parse_toml::<Fm>(
            Path::new("a.md"),
            "title = \"x\"\ndate = 2026-01-02\ntittle = \"y\"\n",
            1,
        )
        .unwrap();
        assert_eq!(fm.title, "x");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, Some(4));
        assert!(warnings[0].message.contains("tittle"));
    }

    #[test]
    fn dates_in_every_accepted_form() {
        let cases = [
            "date = 2026-11-28",
            "date = 2026-11-28T09:30:00Z",
            "date = 2026-11-28T10:30:00+01:00",
            "date = 2026-11-28T09:30:00",
            "date = \"2026-11-28T09:30:00Z\"",
            "date = \"2026-11-28\"",
        ];
        for case in cases {
            let text = format!("title = \"t\"\n{case}\n");
            let (fm, _) = parse_toml::<Fm>(Path::new("a.md"), &text, 0).unwrap();
            assert_eq!(fm.date.0.date_naive().to_string(), "2026-11-28", "{case}");
        }
        let (a, _) = parse_toml::<Fm>(
            Path::new("a"),
            "title=\"\"\ndate = 2026-11-28T10:30:00+01:00",
            0,
        )
        .unwrap();
        let (b, _) =
            parse_toml::<Fm>(Path::new("a"), "title=\"\"\ndate = 2026-11-28T09:30:00Z", 0).unwrap();
        assert_eq!(a.date, b.date);
        assert_eq!(b.date.human(&Default::default()), "28 November 2026");
        assert_eq!(b.date.iso(), "2026-11-28T09:30:00Z");
    }

    #[test]
    fn bad_date_strings_are_errors_on_their_line() {
        let e = parse_toml::<Fm>(
            Path::new("a.md"),
            "title = \"x\"\ndate = \"last tuesday\"\n",
            1,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("last tuesday"), "{e}");
    }
}
