//! The site's layout: what each file under the site folder is to sitrep, decided by where it
//! sits and what it is called. This is the one copy of the rule: the full load, `serve`'s
//! patching of changed files, its quick path and `sitrep new` all ask [`classify`], so a file is
//! an article (with one slug), a stray or nothing in every one of them.

use std::path::{Component, Path};

/// What a path, relative to the site root, is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// `site.toml`.
    SiteConfig,
    /// `content/articles/<stem>.md`, or `content/articles/<stem>/index.md` (a bundle).
    Article { stem: String, bundle: bool },
    /// Any other file below a folder of `content/articles/`: published beside the article when
    /// the folder is a bundle (see [`bundle_file`]), a stray otherwise.
    BundleFile {
        bundle: String,
        /// Its path below the bundle folder, `/`-separated.
        name: String,
        markdown: bool,
    },
    /// `content/comments/<article>/<id>.md`.
    Comment { article: String, id: String },
    /// `content/authors/<id>.toml`.
    Author { id: String },
    /// `content/pages/<stem>.md`.
    Page { stem: String },
    /// A file under `templates/`, by its `/`-separated name there.
    Template { name: String },
    /// A file under `static/`, by its `/`-separated name there.
    Static { name: String },
    /// An editor's or the system's own file (a lock, a backup, a swap file, `.DS_Store`,
    /// macOS `._` files), or a dot-file among the content or templates: never read, never
    /// reported, and a broken one (an Emacs lock is a dangling link) is no error.
    Skipped,
    /// In a folder sitrep reads, but not where anything is read from: warned about, with why.
    Stray(&'static str),
    /// Not sitrep's: the output folder, a README, anything beside the site's own folders.
    Outside,
}

const ARTICLES: &str =
    "ignored: articles are `<slug>.md` or `<slug>/index.md` directly under content/articles/";
const IN_BUNDLE: &str =
    "ignored: a bundle's one Markdown file is its index.md; other .md files are not published";
const COMMENTS: &str = "ignored: comments are `content/comments/<article-slug>/<comment-id>.md`";
const AUTHORS: &str = "ignored: only `.toml` files directly in content/authors are read";
const PAGES: &str = "ignored: only `.md` files directly in content/pages are read";

/// What the file at `rel` (relative to the site root) is.
pub fn classify(rel: &Path) -> Entry {
    let mut parts = Vec::new();
    for component in rel.components() {
        match component {
            Component::Normal(name) => parts.push(name.to_string_lossy()),
            // `..`, a root or a prefix: not a path inside the site.
            _ => return Entry::Outside,
        }
    }
    let parts: Vec<&str> = parts.iter().map(|p| p.as_ref()).collect();
    let owned = |s: &str| s.to_string();
    match parts.as_slice() {
        ["site.toml"] => Entry::SiteConfig,
        ["static", rest @ ..] if !rest.is_empty() => {
            // Other dot-files are published: `.well-known/` is a web standard.
            if rest.iter().any(|p| is_junk(p)) {
                Entry::Skipped
            } else {
                Entry::Static {
                    name: rest.join("/"),
                }
            }
        }
        ["templates" | "content", rest @ ..]
            if rest.iter().any(|p| is_junk(p) || p.starts_with('.')) =>
        {
            Entry::Skipped
        }
        ["templates", rest @ ..] if !rest.is_empty() => Entry::Template {
            name: rest.join("/"),
        },
        ["content", "articles", file] => match markdown_stem(file) {
            Some(stem) => Entry::Article {
                stem: owned(stem),
                bundle: false,
            },
            None => Entry::Stray(ARTICLES),
        },
        ["content", "articles", folder, "index.md"] => Entry::Article {
            stem: owned(folder),
            bundle: true,
        },
        ["content", "articles", folder, rest @ ..] => Entry::BundleFile {
            bundle: owned(folder),
            name: rest.join("/"),
            markdown: rest.last().is_some_and(|f| markdown_stem(f).is_some()),
        },
        ["content", "comments", article, file] => match markdown_stem(file) {
            Some(id) => Entry::Comment {
                article: owned(article),
                id: owned(id),
            },
            None => Entry::Stray(COMMENTS),
        },
        ["content", "comments", ..] => Entry::Stray(COMMENTS),
        ["content", "authors", file] => match file.strip_suffix(".toml") {
            Some(id) if !id.is_empty() => Entry::Author { id: owned(id) },
            _ => Entry::Stray(AUTHORS),
        },
        ["content", "authors", ..] => Entry::Stray(AUTHORS),
        ["content", "pages", file] => match markdown_stem(file) {
            Some(stem) => Entry::Page { stem: owned(stem) },
            None => Entry::Stray(PAGES),
        },
        ["content", "pages", ..] => Entry::Stray(PAGES),
        _ => Entry::Outside,
    }
}

/// Whether a file beside a bundle's index.md is published (`Ok`) or why not. `is_bundle`:
/// whether its folder has an index.md.
pub fn bundle_file(is_bundle: bool, markdown: bool) -> Result<(), &'static str> {
    match (is_bundle, markdown) {
        (true, false) => Ok(()),
        (true, true) => Err(IN_BUNDLE),
        (false, _) => Err(ARTICLES),
    }
}

/// The name a Markdown file gives its item: the file name less exactly one `.md`, so
/// `x.md.md` is `x.md` everywhere.
fn markdown_stem(file: &str) -> Option<&str> {
    file.strip_suffix(".md").filter(|stem| !stem.is_empty())
}

/// Files that editors and operating systems leave beside the real ones: Emacs locks (`.#x.md`,
/// often a dangling symlink) and autosaves (`#x.md#`), backups (`x.md~`), Vim swap files,
/// macOS's `.DS_Store` and `._x.md` resource forks, Windows's `Thumbs.db`.
fn is_junk(name: &str) -> bool {
    name.starts_with(".#")
        || name.starts_with("._")
        || name.ends_with('~')
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || name == ".DS_Store"
        || name == "Thumbs.db"
        || (name.starts_with('.') && [".swp", ".swo", ".swx"].iter().any(|e| name.ends_with(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(path: &str) -> Entry {
        classify(Path::new(path))
    }

    #[test]
    fn each_folder_has_its_one_shape() {
        let article = |stem: &str, bundle| Entry::Article {
            stem: stem.to_string(),
            bundle,
        };
        assert_eq!(of("content/articles/a.md"), article("a", false));
        assert_eq!(of("content/articles/x.md.md"), article("x.md", false));
        assert_eq!(of("content/articles/b/index.md"), article("b", true));
        assert_eq!(
            of("content/articles/b/img/p.jpg"),
            Entry::BundleFile {
                bundle: "b".into(),
                name: "img/p.jpg".into(),
                markdown: false
            }
        );
        assert_eq!(
            of("content/comments/a/c1.md"),
            Entry::Comment {
                article: "a".into(),
                id: "c1".into()
            }
        );
        assert_eq!(
            of("content/authors/ann.toml"),
            Entry::Author { id: "ann".into() }
        );
        assert_eq!(
            of("content/pages/about.md"),
            Entry::Page {
                stem: "about".into()
            }
        );
        assert_eq!(of("content/pages/sub/x.md"), Entry::Stray(PAGES));
        assert_eq!(of("content/comments/a.md"), Entry::Stray(COMMENTS));
        assert_eq!(of("content/articles/a.txt"), Entry::Stray(ARTICLES));
        assert_eq!(of("site.toml"), Entry::SiteConfig);
        assert_eq!(of("public/index.html"), Entry::Outside);
        assert_eq!(of("content/../site.toml"), Entry::Outside);
    }

    #[test]
    fn editor_and_system_files_are_skipped_everywhere() {
        for junk in [
            ".#a.md",
            "#a.md#",
            "a.md~",
            "._a.md",
            ".DS_Store",
            ".a.md.swp",
        ] {
            for dir in [
                "content/articles",
                "content/pages",
                "content/authors",
                "content/comments/a",
                "templates",
                "static",
            ] {
                assert_eq!(of(&format!("{dir}/{junk}")), Entry::Skipped, "{dir}/{junk}");
            }
        }
        assert_eq!(of("content/pages/.hidden.md"), Entry::Skipped);
        assert_eq!(
            of("static/.well-known/security.txt"),
            Entry::Static {
                name: ".well-known/security.txt".into()
            }
        );
    }
}
