//! `sitrep new` and `sitrep init`: files an editor would otherwise copy by hand. Nothing here
//! ever overwrites a file: every file is created with `create_new`, which checks and creates in
//! one step, so even a file that appears while the command runs is kept.
//!
//! Outside the build pipeline: these commands read only the names (and `slug` fields) of the
//! site's files, never the whole site, so they work on a site that does not build yet.

mod comment;
mod init;
mod new;
pub(crate) mod site_files;

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::fs;

pub use comment::new_comment;
pub use init::init;
pub use new::{new_article, new_author};

/// `text` as a TOML string value that fits on one line, so that no line of it can be the `+++`
/// that ends front matter, whatever a reader typed.
///
/// The toml crate does the escaping. It writes a value with a line break as a multi-line
/// `"""` string, whose lines are raw, so such a value is written as a key instead: TOML keys are
/// never multi-line, and a key with a line break cannot be bare or `'literal'`, so it comes out
/// as a `"basic string"` with `\n` escaped, which is also a valid value.
fn toml_string(text: &str) -> Result<String> {
    let value = toml::Value::String(text.to_string()).to_string();
    let one_line = if value.contains('\n') {
        let table = toml::Table::from_iter([(text.to_string(), toml::Value::Integer(0))]);
        let line = toml::to_string(&table).map_err(|e| cannot_encode(text, &e.to_string()))?;
        line.trim_end()
            .strip_suffix(" = 0")
            .map(str::to_string)
            .ok_or_else(|| cannot_encode(text, "unexpected key form"))?
    } else {
        value
    };
    // Whatever the toml crate's next version does, what is written must read back unchanged.
    let back: Option<String> = toml::from_str::<toml::Table>(&format!("v = {one_line}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .and_then(|v| v.as_str().map(str::to_string));
    if one_line.contains('\n') || back.as_deref() != Some(text) {
        return Err(cannot_encode(text, "it does not read back the same"));
    }
    Ok(one_line)
}

fn cannot_encode(text: &str, why: &str) -> Error {
    Error::Usage(format!("cannot write {text:?} as a TOML string: {why}"))
}

/// A time as a TOML datetime in UTC to the second ("2026-11-29T04:12:33Z"): unquoted, so the
/// front matter holds a real datetime and scheduled publishing is exact.
fn toml_datetime(time: chrono::DateTime<chrono::Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Writes a new file, failing with `AlreadyExists` if anything is at `path`. A file left half
/// written by a failing disk is removed, so a retry is not refused because of it.
///
/// Here rather than in `crate::fs` because callers must tell "already there" (pick another
/// name) from other failures, so the error stays an `io::Error` until they have looked at it.
fn create_new(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes()).inspect_err(|_| {
        // The write's error is the one to report; the file is gone or will be refused anyway.
        let _ = fs::remove_file(path);
    })
}

/// An I/O error as the library's error, naming the file.
fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A refusal, with what to do about it.
fn usage(message: String) -> Error {
    Error::Usage(message)
}

/// The site folder must be there: `new` never makes one (`init` does).
fn site_root(root: &Path) -> Result<()> {
    if root.is_dir() {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "{}: no such site folder (pass the folder that holds site.toml with --root, or make \
             one with `sitrep init`)",
            root.display()
        )))
    }
}

/// A display name from an id: "maren-holt" → "Maren Holt".
fn name_from_id(id: &str) -> String {
    id.split(['-', '_', ' '])
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `path` under `root` with `/` separators, for messages ("content/articles/x.md").
fn shown(root: &Path, path: &Path) -> String {
    crate::error::relative(root, path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn toml_strings_stay_on_one_line_and_read_back() {
        for text in [
            "plain",
            "The \"Tempest\" deal \\ C:\\path",
            "Київ посилює ППО",
            "Eve\"\n+++\n<b>x</b>",
            "a\r\nb",
            "tab\tand\u{7f}del\u{1}",
            "'''\"\"\"",
            "",
        ] {
            let encoded = toml_string(text).unwrap();
            assert!(!encoded.contains('\n'), "{encoded}");
            let table: toml::Table = toml::from_str(&format!("v = {encoded}")).unwrap();
            assert_eq!(table["v"].as_str(), Some(text));
        }
    }

    proptest! {
        #[test]
        fn any_text_is_one_toml_line(text in "\\PC*|[\\s\\S]{0,40}") {
            let encoded = toml_string(&text).unwrap();
            prop_assert!(!encoded.contains('\n'));
            let table: toml::Table = toml::from_str(&format!("v = {encoded}")).unwrap();
            prop_assert_eq!(table["v"].as_str(), Some(text.as_str()));
        }
    }

    #[test]
    fn datetimes_are_utc_to_the_second() {
        let time = chrono::DateTime::parse_from_rfc3339("2026-11-29T05:12:33.789+01:00")
            .unwrap()
            .to_utc();
        assert_eq!(toml_datetime(time), "2026-11-29T04:12:33Z");
    }

    #[test]
    fn names_come_from_ids() {
        assert_eq!(name_from_id("maren-holt"), "Maren Holt");
        assert_eq!(name_from_id("jean_luc--picard"), "Jean Luc Picard");
        assert_eq!(name_from_id("ömer-2"), "Ömer 2");
        assert_eq!(name_from_id("-"), "");
    }
}
