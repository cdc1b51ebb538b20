//! The library's one error type and the diagnostics it collects.
//!
//! Content problems are gathered as [`Diagnostic`]s across the whole site so that one run reports
//! all of them, sorted by file; anything else (the disk, the output folder) is a plain [`Error`].

use std::fmt;
use std::path::{Path, PathBuf};

/// Everything that can stop a build.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file-system call failed; the path says where.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The site's content or templates hold one or more errors; all of them are listed.
    #[error("{}", Diagnostics::summary(errors))]
    Invalid {
        errors: Vec<Diagnostic>,
        warnings: Vec<Diagnostic>,
    },
    /// A setting or argument that cannot work, with what to do about it.
    #[error("{0}")]
    Usage(String),
}

/// Results of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One problem in one file, with the line and column where the parser knows them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file, relative to the site root.
    pub path: PathBuf,
    /// 1-based line in the file.
    pub line: Option<usize>,
    /// 1-based column in the line.
    pub column: Option<usize>,
    /// What is wrong and, where we can tell, what to do.
    pub message: String,
    /// The text of the line at `line`, shown under the message with a caret at `column`.
    pub excerpt: Option<String>,
}

impl Diagnostic {
    /// A problem with a whole file (no known position).
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
            excerpt: None,
        }
    }

    /// A problem at a known line and column.
    pub fn at(
        path: impl Into<PathBuf>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            line: Some(line),
            column: Some(column),
            message: message.into(),
            excerpt: None,
        }
    }

    /// Adds the offending line, taken from `text`, whose first line is line `first_line` of
    /// the file (front matter starts below the `+++`).
    pub fn with_excerpt(mut self, text: &str, first_line: usize) -> Self {
        self.excerpt = self
            .line
            .and_then(|line| line.checked_sub(first_line))
            .and_then(|index| text.lines().nth(index))
            .map(str::to_string);
        self
    }

    /// The excerpt as two lines, the second with a caret under the column:
    ///
    /// ```text
    ///   2 | title = "Broken
    ///     |         ^
    /// ```
    pub fn excerpt_lines(&self) -> Option<(String, String)> {
        let (excerpt, line) = (self.excerpt.as_ref()?, self.line?);
        let number = line.to_string();
        let gutter = " ".repeat(number.len());
        let shown = printable(excerpt);
        // Tabs stay tabs under the text so the caret lines up however the terminal draws them.
        let pad: String = shown
            .chars()
            .take(self.column.unwrap_or(1).saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        Some((
            format!("  {number} | {shown}"),
            format!("  {gutter} | {pad}^"),
        ))
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:column: message`. Control characters are shown escaped: a file name or a
    /// value quoted from a reader's comment must not drive the terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", printable(&self.path.display().to_string()))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", printable(&self.message))?;
        if let Some((text, caret)) = self.excerpt_lines() {
            write!(f, "\n{text}\n{caret}")?;
        }
        Ok(())
    }
}

fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Errors and warnings gathered while a stage runs; a stage fails at its end if any error was
/// found, so the user sees every problem at once.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Diagnostics {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn error(&mut self, diagnostic: Diagnostic) {
        self.errors.push(diagnostic);
    }

    pub fn warn(&mut self, diagnostic: Diagnostic) {
        self.warnings.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.errors.extend(other.errors);
        self.warnings.extend(other.warnings);
    }

    /// Fails with every error found, sorted by file then position; otherwise hands back the
    /// warnings (sorted the same way) for the build report.
    pub fn finish(mut self) -> Result<Vec<Diagnostic>> {
        self.errors.sort();
        self.errors.dedup();
        self.warnings.sort();
        self.warnings.dedup();
        if self.errors.is_empty() {
            Ok(self.warnings)
        } else {
            Err(Error::Invalid {
                errors: self.errors,
                warnings: self.warnings,
            })
        }
    }

    fn summary(errors: &[Diagnostic]) -> String {
        let mut text = String::new();
        for error in errors {
            text.push_str(&format!("error: {error}\n"));
        }
        let n = errors.len();
        text.push_str(&format!(
            "{n} error{} found; the output was left as it was",
            if n == 1 { "" } else { "s" }
        ));
        text
    }
}

/// Both results, or every error of both: two stages that ran side by side report together.
pub fn both<A, B>(a: Result<A>, b: Result<B>) -> Result<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (
            Err(Error::Invalid { errors, warnings }),
            Err(Error::Invalid {
                errors: more_errors,
                warnings: more_warnings,
            }),
        ) => {
            let mut all = Diagnostics { errors, warnings };
            all.extend(Diagnostics {
                errors: more_errors,
                warnings: more_warnings,
            });
            all.finish().map(|_| unreachable!("there are errors"))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// ` (did you mean "x"?)` when a known name is close to `wrong`.
pub fn did_you_mean<'a>(wrong: &str, known: impl Iterator<Item = &'a str>) -> String {
    closest(wrong, known)
        .map(|k| format!(" (did you mean \"{k}\"?)"))
        .unwrap_or_default()
}

/// The known name most like `wrong`, if one is close enough to be a likely typo.
pub fn closest<'a>(wrong: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| (strsim::jaro_winkler(wrong, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, k)| k)
}

/// The 1-based line and column of a byte offset in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// `path` relative to `root` for messages, or unchanged if it is elsewhere.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        assert_eq!(line_column("abc", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("ab\n", 3), (2, 1));
    }

    #[test]
    fn suggestions_pick_the_closest_name() {
        let known = ["george-allison", "maren-holt"];
        assert_eq!(
            did_you_mean("geroge-allison", known.into_iter()),
            " (did you mean \"george-allison\"?)"
        );
        assert_eq!(did_you_mean("zzz", known.into_iter()), "");
    }

    #[test]
    fn diagnostics_sort_by_file_then_line() {
        let mut d = Diagnostics::default();
        d.error(Diagnostic::at("b.md", 1, 1, "x"));
        d.error(Diagnostic::at("a.md", 9, 1, "y"));
        d.error(Diagnostic::at("a.md", 2, 5, "z"));
        let Err(Error::Invalid { errors, .. }) = d.finish() else {
            panic!("expected errors")
        };
        let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(shown, ["a.md:2:5: z", "a.md:9:1: y", "b.md:1:1: x"]);
    }
}
