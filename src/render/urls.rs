//! The site's URL scheme: where every page, feed and generated file of a site lives, and the
//! element ids the theme links to inside a page. Paths here are relative to the site's base path
//! (`author/ann/`, with the trailing `/` of a folder), so [`crate::model::site::Site::link`]
//! turns them into links and [`index_file`] into output paths. The names no article or page may
//! take, and the ids no heading may take, come from these lists, so they cannot fall out of step
//! with what is really written.

/// Folder of each author's page: `author/<id>/`.
pub const AUTHOR: &str = "author";
/// The list of authors: `authors/`.
pub const AUTHORS: &str = "authors";
/// Folder of each tag's page: `tag/<slug>/`.
pub const TAG: &str = "tag";
/// Folder of each category's page: `category/<slug>/`.
pub const CATEGORY: &str = "category";
/// Later pages of a list: `<list>/page/<n>/`.
pub const PAGE: &str = "page";
/// The search page: `search/`.
pub const SEARCH: &str = "search";
/// A list's feed: `<list>/feed.xml`, the site's at the root.
pub const FEED: &str = "feed.xml";
pub const SITEMAP: &str = "sitemap.xml";
pub const NEWS_SITEMAP: &str = "news-sitemap.xml";
pub const ROBOTS: &str = "robots.txt";
pub const NOT_FOUND: &str = "404.html";
/// The search index's layout; its words and result data are in files beside it.
pub const SEARCH_INDEX: &str = "search/index.json";
/// The page a folder holds.
pub const INDEX: &str = "index.html";
/// The theme's stylesheet and scripts, under `css/` and `js/`.
pub const STYLESHEET: &str = "css/sitrep.css";
pub const SCRIPTS: &str = "js";
pub const REPLY_SCRIPT: &str = "js/reply.js";
/// The site's icon (browsers ask for `/favicon.ico` only when a page names none).
pub const FAVICON: &str = "favicon.svg";
pub const SEARCH_SCRIPT: &str = "js/search.js";
/// `serve`'s own addresses (the live-reload events); never written to the output.
pub const SERVE: &str = "__sitrep";

/// The names at the root of every site that sitrep itself takes.
const ROOT: &[&str] = &[
    AUTHOR,
    AUTHORS,
    TAG,
    CATEGORY,
    PAGE,
    SEARCH,
    FEED,
    SITEMAP,
    NEWS_SITEMAP,
    ROBOTS,
    NOT_FOUND,
    INDEX,
    "css",
    SCRIPTS,
    FAVICON,
    SERVE,
];

/// The names at the site's root that no article, page or static file may take.
pub fn reserved_names() -> impl Iterator<Item = &'static str> {
    ROOT.iter().copied()
}

/// Whether `slug` is a root name sitrep takes for itself (its sitemap parts included).
pub fn is_reserved_name(slug: &str) -> bool {
    ROOT.contains(&slug) || is_sitemap_part(slug)
}

/// The `n`th bucket of the search index's words.
pub fn search_words(n: usize) -> String {
    format!("{SEARCH}/w/{n}.json")
}

/// The `n`th file of the search index's result data.
pub fn search_docs(n: usize) -> String {
    format!("{SEARCH}/d/{n}.json")
}

/// Whether `path` is one of the search index's files of words or result data.
pub fn is_search_part(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("search/") else {
        return false;
    };
    let n = rest
        .strip_prefix("w/")
        .or_else(|| rest.strip_prefix("d/"))
        .and_then(|rest| rest.strip_suffix(".json"));
    n.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// `sitemap-<n>.xml`, the parts of a large sitemap.
pub fn is_sitemap_part(path: &str) -> bool {
    path.strip_prefix("sitemap-")
        .and_then(|rest| rest.strip_suffix(".xml"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The `n`th part of a large sitemap.
pub fn sitemap_part(n: usize) -> String {
    format!("sitemap-{n}.xml")
}

/// An article's or a page's folder.
pub fn article(slug: &str) -> String {
    format!("{slug}/")
}

/// An author's page.
pub fn author(id: &str) -> String {
    format!("{AUTHOR}/{id}/")
}

/// The list of authors.
pub fn authors() -> String {
    format!("{AUTHORS}/")
}

/// The search page.
pub fn search() -> String {
    format!("{SEARCH}/")
}

/// A tag's or category's page; `kind` is [`TAG`] or [`CATEGORY`].
pub fn taxon(kind: &str, slug: &str) -> String {
    format!("{kind}/{slug}/")
}

/// Page `n` of the list in `folder` (`""` for the home page): the list's own folder for page 1,
/// `page/<n>/` below it after.
pub fn list_page(folder: &str, n: usize) -> String {
    if n == 1 {
        folder.to_string()
    } else {
        format!("{folder}{PAGE}/{n}/")
    }
}

/// The feed of the list in `folder`.
pub fn feed(folder: &str) -> String {
    format!("{folder}{FEED}")
}

/// The output file of the page at `folder`.
pub fn index_file(folder: &str) -> String {
    format!("{folder}{INDEX}")
}

/// Ids of the theme's own elements on a page, which links point at (`#comments`, `#respond`)
/// and the reply script looks for.
const THEME_IDS: &[&str] = &[
    "main",
    "comments",
    "comments-title",
    HELD_NOTICE,
    "respond-url",
    "related-title",
    "respond",
    "respond-title",
    "respond-name",
    "respond-email",
    "respond-website",
    "respond-text",
    "respond-parent",
    "search-q",
    "not-found-q",
    "latest-title",
    "search-status",
    "search-results",
];

/// The notice "your comment is awaiting moderation", where the intake sends a reader back to.
pub const HELD_NOTICE: &str = "comment-held";

/// Every comment's permalink is `#comment-<id>`.
pub const COMMENT_ANCHOR: &str = "comment-";

/// A comment's element id, the target of its permalink.
pub fn comment_anchor(id: &str) -> String {
    format!("{COMMENT_ANCHOR}{id}")
}

/// Whether an element id belongs to the theme: a heading in an article must not take it, or a
/// link to the comments (or to one comment) would land on the heading.
pub fn is_theme_id(id: &str) -> bool {
    THEME_IDS.contains(&id) || id.starts_with(COMMENT_ANCHOR)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every id the built-in theme writes is one the scheme knows, so no heading can take it.
    #[test]
    fn every_id_in_the_built_in_templates_is_a_theme_id() {
        let mut seen = 0;
        for (name, text) in crate::render::templates::BUILTIN {
            for (at, _) in text.match_indices(" id=\"") {
                let rest = &text[at + 5..];
                let id = &rest[..rest.find('"').unwrap()];
                // `comment-{{ c.id }}`: the fixed part before the template code.
                let fixed = id.split("{{").next().unwrap();
                let probe = if fixed.len() < id.len() {
                    format!("{fixed}x")
                } else {
                    id.to_string()
                };
                assert!(is_theme_id(&probe), "{name}: id=\"{id}\" is not in urls.rs");
                seen += 1;
            }
        }
        assert!(
            seen >= 10,
            "only {seen} ids found: is the scan still right?"
        );
    }

    /// The theme's files and serve's own addresses are where the root names say.
    #[test]
    fn fixed_files_sit_under_reserved_names() {
        for path in [STYLESHEET, REPLY_SCRIPT, SEARCH_SCRIPT, FAVICON] {
            let top = path.split('/').next().unwrap();
            assert!(is_reserved_name(top), "{path}");
        }
        let live = crate::serve::live::EVENTS_PATH;
        assert!(live.starts_with(&format!("/{SERVE}/")), "{live}");
        for (path, _) in crate::render::templates::BUILTIN_STATIC {
            assert!(
                [STYLESHEET, REPLY_SCRIPT, SEARCH_SCRIPT, FAVICON].contains(path),
                "{path}"
            );
        }
    }

    #[test]
    fn lists_pages_and_sitemap_parts() {
        assert_eq!(list_page("tag/navy/", 1), "tag/navy/");
        assert_eq!(list_page("tag/navy/", 3), "tag/navy/page/3/");
        assert_eq!(index_file(&list_page("", 2)), "page/2/index.html");
        assert!(is_reserved_name("sitemap-12.xml"));
        assert!(!is_reserved_name("sitemap-x.xml"));
        assert!(is_reserved_name("authors") && !is_reserved_name("frigate"));
    }
}
