//! Slugs: the names in URLs. Tag and category slugs are made from names; article, page, author
//! and comment names come from files and front matter and are checked, because they become
//! folders in the output.

/// Paths the site itself uses at its root; no article or page may take them.
pub const RESERVED: &[&str] = &[
    "author",
    "authors",
    "tag",
    "category",
    "page",
    "search",
    "feed.xml",
    "sitemap.xml",
    "news-sitemap.xml",
    "robots.txt",
    "404.html",
    "index.html",
    "search-index.json",
];

/// The slug of a tag or category name: lower-case ASCII words joined by hyphens
/// ("Defence spending" → `defence-spending`, "Grüße" → `grusse`).
///
/// ```
/// assert_eq!(sitrep::slugs::taxon_slug("Defence spending"), "defence-spending");
/// ```
pub fn taxon_slug(name: &str) -> String {
    slug::slugify(name)
}

/// Why `name` cannot be a folder in the output, if it cannot. Letters, digits, `-`, `_` and `.`
/// are allowed, so no slug can climb out of the output folder or hide as a dot-file.
pub fn check(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("is empty".to_string());
    }
    if name.starts_with('.') {
        return Err("starts with `.`".to_string());
    }
    if name.len() > 200 {
        return Err("is longer than 200 bytes".to_string());
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(format!(
            "contains {bad:?}; use only letters, digits, `-`, `_` and `.`"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taxon_slugs_are_lower_ascii_with_hyphens() {
        assert_eq!(taxon_slug("Defence spending"), "defence-spending");
        assert_eq!(
            taxon_slug("  Air & Missile Defence "),
            "air-missile-defence"
        );
        assert_eq!(taxon_slug("Grüße aus Kiel"), "grusse-aus-kiel");
        assert_eq!(taxon_slug("F-35A"), "f-35a");
    }

    #[test]
    fn path_tricks_are_refused() {
        for bad in [
            "", "..", "../etc", "a/b", "a\\b", ".hidden", "x y", "a\0b", "%2e%2e",
        ] {
            assert!(check(bad).is_err(), "{bad:?} should be refused");
        }
        for good in ["frigate-deal", "type_26", "f35.update", "grüße"] {
            assert!(check(good).is_ok(), "{good:?} should be allowed");
        }
    }
}
