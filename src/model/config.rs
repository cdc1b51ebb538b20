//! `site.toml`: the site's settings, as the load stage reads them.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::words::Phrase;

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
    /// Build settings.
    pub build: BuildConfig,
    /// The footer's links.
    pub footer: FooterConfig,
    /// Comment settings.
    pub comments: CommentsConfig,
    /// Related-article settings.
    pub related: RelatedConfig,
    /// How photographs are resized.
    pub images: ImagesConfig,
    /// The site's own words, over the theme's for its language (see [`crate::model::words`]).
    pub words: BTreeMap<String, Phrase>,
}

/// The `[footer]` table: where the footer's About, Contact and Privacy links lead (each shown
/// only when set; the RSS link always is).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FooterConfig {
    pub about: Option<String>,
    pub contact: Option<String>,
    pub privacy: Option<String>,
}

/// The `[images]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ImagesConfig {
    /// The widths each photograph is published in (never wider than it is).
    pub widths: Vec<u32>,
    /// JPEG and WebP quality, 1 to 100.
    pub quality: u8,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            widths: vec![480, 800, 1200, 1600],
            quality: 82,
        }
    }
}

/// The `[related]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct RelatedConfig {
    /// Categories (by name or slug) whose articles are followed only by related articles of the
    /// same category: an obituary is not followed by an unrelated piece of good news. Articles of
    /// other categories may still point to them.
    pub kept_apart: Vec<String>,
}

impl Default for RelatedConfig {
    fn default() -> Self {
        let sombre = ["Obituaries", "Obituary", "In memoriam", "Opinion"];
        RelatedConfig {
            kept_apart: sombre.map(String::from).to_vec(),
        }
    }
}

/// The `[build]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct BuildConfig {
    /// A link to a page the site does not have is an error for `build` and `check` alike; when
    /// false, both publish (or pass) and warn.
    pub strict_links: bool,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig { strict_links: true }
    }
}

/// The `[comments]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CommentsConfig {
    /// Deepest level of nesting shown; replies below it are shown at this depth.
    pub max_depth: MaxDepth,
    /// Where the reply form posts to; no form is shown without it.
    pub form_action: Option<String>,
    /// An avatar image address with `{hash}` standing for the commenter's `email_hash`, such as
    /// a self-hosted avatar service. Without it, avatars are drawn from initials, with no request
    /// to anyone.
    pub avatar_url: Option<String>,
    /// Days after an article's date when its comments close (never, unset).
    pub close_after_days: Option<u32>,
    /// The intake's settings (`[comments.intake]`).
    pub intake: sitrep_intake::Settings,
}

/// How deep comment replies nest: 1 to [`MaxDepth::CAP`], checked as `site.toml` is read (with
/// the line and column of a bad value), so no other value ever reaches the thread builder or the
/// templates, which recurse once per level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "i64")]
pub struct MaxDepth(u8);

impl MaxDepth {
    /// The deepest nesting a site may ask for: WordPress's own limit. The thread is drawn by a
    /// recursive template component, and Tera stops at 20 nested components.
    pub const CAP: usize = 10;

    /// `depth` brought into 1..=[`MaxDepth::CAP`].
    pub fn clamped(depth: usize) -> MaxDepth {
        MaxDepth(depth.clamp(1, Self::CAP) as u8)
    }

    pub fn get(self) -> usize {
        usize::from(self.0)
    }
}

impl TryFrom<i64> for MaxDepth {
    type Error = String;

    fn try_from(depth: i64) -> Result<MaxDepth, String> {
        match usize::try_from(depth) {
            Ok(d) if (1..=Self::CAP).contains(&d) => Ok(MaxDepth::clamped(d)),
            _ => Err(format!(
                "max_depth = {depth} is out of range: use 1 to {} (as WordPress)",
                Self::CAP
            )),
        }
    }
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
            build: BuildConfig::default(),
            footer: FooterConfig::default(),
            comments: CommentsConfig::default(),
            related: RelatedConfig::default(),
            images: ImagesConfig::default(),
            words: BTreeMap::new(),
        }
    }
}

impl Default for CommentsConfig {
    fn default() -> Self {
        CommentsConfig {
            max_depth: MaxDepth(5),
            form_action: None,
            avatar_url: None,
            close_after_days: None,
            intake: sitrep_intake::Settings::default(),
        }
    }
}

impl Config {
    /// The path part of `base_url`, always starting and ending with `/`: every link in the
    /// output starts with it, so a site served from a sub-folder keeps working.
    pub fn base_path(&self) -> String {
        let path = url_path(&self.base_url).trim_matches('/');
        if path.is_empty() {
            "/".to_string()
        } else {
            format!("/{path}/")
        }
    }
}

/// The path part of an address (`https://example.org/news/` → `/news/`, `https://example.org`
/// → ``); an address without a scheme is a path already.
pub fn url_path(url: &str) -> &str {
    let url = url.trim();
    match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => url,
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

    #[test]
    fn max_depth_outside_one_to_ten_is_refused_where_it_is_written() {
        for (text, ok) in [
            ("0", false),
            ("-1", false),
            ("11", false),
            ("1", true),
            ("10", true),
        ] {
            let toml = format!("[comments]\nmax_depth = {text}\n");
            let parsed = crate::load::front_matter::parse_toml::<Config>(
                std::path::Path::new("site.toml"),
                &toml,
                0,
            );
            match parsed {
                Ok((config, _)) => {
                    assert!(ok, "{text} was accepted");
                    assert_eq!(config.comments.max_depth.get().to_string(), text);
                }
                Err(e) => {
                    assert!(!ok, "{text} was refused: {e}");
                    assert!(
                        e.to_string().starts_with("site.toml:2:13: max_depth = "),
                        "{e}"
                    );
                }
            }
        }
    }
}
