//! `site.toml`: the site's settings. Part of the load stage.

use serde::Deserialize;

/// The site's settings as written in `site.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Config {
    /// The site's name, shown in the header and in titles.
    pub title: String,
    /// One line on what the site is.
    pub description: String,
    /// Where the site will live, such as `https://example.org/` or `https://example.org/news/`;
    /// its path is the prefix of every link in the pages.
    pub base_url: String,
    /// The language of the content, for `<html lang>`.
    pub language: String,
    /// Articles per page on the home page and the archives.
    pub per_page: usize,
    /// The site's own handle on X/Twitter, without the `@`.
    pub twitter: Option<String>,
    /// The publisher's logo (a path under static/, or an address), for search engines.
    pub logo: Option<String>,
    /// How many of the newest articles each feed holds.
    pub feed_limit: usize,
    /// Comment settings.
    pub comments: CommentsConfig,
}

/// The `[comments]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CommentsConfig {
    /// Deepest level of nesting shown; replies below it are shown at this depth.
    pub max_depth: usize,
    /// Where the reply form posts to; no form is shown without it.
    pub form_action: Option<String>,
    /// An avatar image address with `{hash}` standing for the commenter's `email_hash`, such as
    /// a self-hosted avatar service. Without it, avatars are drawn from initials, with no request
    /// to anyone.
    pub avatar_url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "sitrep site".to_string(),
            description: String::new(),
            base_url: "/".to_string(),
            language: "en".to_string(),
            per_page: 10,
            twitter: None,
            logo: None,
            feed_limit: 20,
            comments: CommentsConfig::default(),
        }
    }
}

impl Default for CommentsConfig {
    fn default() -> Self {
        CommentsConfig {
            max_depth: 5,
            form_action: None,
            avatar_url: None,
        }
    }
}

impl Config {
    /// The path part of `base_url`, always starting and ending with `/`: every link in the
    /// output starts with it, so a site served from a sub-folder keeps working.
    pub fn base_path(&self) -> String {
        let url = self.base_url.trim();
        let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
        let path = if url.contains("://") {
            after_scheme.find('/').map_or("", |i| &after_scheme[i..])
        } else {
            after_scheme
        };
        let path = path.trim_matches('/');
        if path.is_empty() {
            "/".to_string()
        } else {
            format!("/{path}/")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_base(url: &str) -> Config {
        Config {
            base_url: url.to_string(),
            ..Config::default()
        }
    }

    #[test]
    fn base_path_comes_from_base_url() {
        assert_eq!(with_base("https://example.org").base_path(), "/");
        assert_eq!(with_base("https://example.org/").base_path(), "/");
        assert_eq!(with_base("https://example.org/news").base_path(), "/news/");
        assert_eq!(with_base("/").base_path(), "/");
        assert_eq!(with_base("/preview/").base_path(), "/preview/");
    }
}
