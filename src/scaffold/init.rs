//! `sitrep init DIR`: a new site with the default theme copied out to customise, a commented
//! site.toml and one sample of each kind of content, so the first build shows a whole article
//! page.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::{create_new, io_error, name_from_id, toml_string};
use crate::error::{Error, Result};
use crate::fs;
use crate::render::templates;

/// site.toml with every setting at its default, commented out; `@TITLE@` is the site's title.
const SITE_TOML: &str = include_str!("site.toml");

/// The sample content, with the paths it is written to.
const SAMPLES: &[(&str, &str)] = &[
    (
        "content/articles/coastal-radar-upgrade-passes-first-acceptance-test.md",
        include_str!("sample/article.md"),
    ),
    (
        "content/authors/elin-marsh.toml",
        include_str!("sample/author.toml"),
    ),
    (
        "content/comments/coastal-radar-upgrade-passes-first-acceptance-test/20260105-101500-001.md",
        include_str!("sample/comment.md"),
    ),
    // The output is rebuilt from the sources, so it has no place in version control.
    // The output, the build's own staging folders beside it, and the comment queue (readers'
    // unmoderated words) have no place in version control.
    (".gitignore", "/public/\n/.public.sitrep-*\n/moderation/\n"),
];

/// Makes a new site in `dir` (absent or empty); returns the files written, sorted.
///
/// The site gets the default theme's templates under `templates/` and its static files under
/// `static/`, to customise; a `site.toml` with every setting shown, commented out, at its
/// default (only the title is set, from the folder's name); and one published sample article
/// with its author and a reader comment. A `dir` that holds anything is refused, and no file is
/// ever overwritten, even one that appears while this runs.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "{} is not a folder: pass a new or empty folder for the site",
                dir.display()
            )));
        }
        if !fs::is_empty_dir(dir)? {
            return Err(Error::Usage(format!(
                "{} is not empty: sitrep init makes a site in a new or empty folder so that \
                 nothing is overwritten; pass another folder",
                dir.display()
            )));
        }
    }
    fs::create_dir_all(dir)?;

    let mut files: Vec<(PathBuf, Cow<str>)> = vec![(
        PathBuf::from("site.toml"),
        Cow::Owned(SITE_TOML.replace("@TITLE@", &toml_string(&site_title(dir))?)),
    )];
    let theme = templates::BUILTIN
        .iter()
        .map(|(name, text)| (Path::new("templates").join(name), text));
    let statics = templates::BUILTIN_STATIC
        .iter()
        .map(|(name, text)| (Path::new("static").join(name), text));
    let samples = SAMPLES
        .iter()
        .map(|(path, text)| (PathBuf::from(path), text));
    files.extend(
        theme
            .chain(statics)
            .chain(samples)
            .map(|(path, text)| (path, Cow::Borrowed(*text))),
    );

    let mut written = Vec::with_capacity(files.len());
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        create_new(&path, &text).map_err(|e| io_error(&path, e))?;
        written.push(path);
    }
    written.sort();
    Ok(written)
}

/// The site's title from its folder's name ("ridgeline-news" → "Ridgeline News"), or the
/// default title when the name gives none.
fn site_title(dir: &Path) -> String {
    let from_name = std::path::absolute(dir)
        .ok()
        .and_then(|dir| dir.file_name().map(|n| name_from_id(&n.to_string_lossy())))
        .filter(|name| name.chars().any(char::is_alphabetic) && !name.starts_with('.'));
    from_name.unwrap_or_else(|| crate::model::config::Config::default().title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::front_matter::parse_toml;
    use crate::model::config::Config;

    fn parse(text: &str) -> Config {
        let (config, warnings) = parse_toml::<Config>(Path::new("site.toml"), text, 0).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        config
    }

    /// Every `# key = value` line of the template made live.
    fn uncommented() -> String {
        SITE_TOML
            .replace("@TITLE@", "\"sitrep site\"")
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(setting)
                    if setting
                        .split_once(" = ")
                        .is_some_and(|(k, _)| !k.contains(' ')) =>
                {
                    setting
                }
                _ => line,
            })
            .map(|line| format!("{line}\n"))
            .collect()
    }

    #[test]
    fn site_toml_as_written_holds_the_defaults() {
        let config = parse(&SITE_TOML.replace("@TITLE@", "\"Ridgeline\""));
        let default = Config {
            title: "Ridgeline".to_string(),
            base_url: "https://www.example.org/".to_string(),
            ..Config::default()
        };
        assert_eq!(format!("{config:?}"), format!("{default:?}"));
    }

    #[test]
    fn site_toml_shows_every_setting_with_its_default() {
        let mut config = parse(&uncommented());
        // Settings unset by default are shown with an example value instead.
        for example in [
            &mut config.twitter,
            &mut config.logo,
            &mut config.comments.form_action,
            &mut config.comments.avatar_url,
            &mut config.footer.about,
            &mut config.footer.contact,
            &mut config.footer.privacy,
        ] {
            assert!(example.take().is_some());
        }
        assert!(config.comments.close_after_days.take().is_some());
        // The words shown are examples of the theme's own: a site has none by default.
        assert!(!std::mem::take(&mut config.words).is_empty());
        // base_url is a placeholder to replace, so a new site builds without a warning.
        assert_eq!(config.base_url, "https://www.example.org/");
        config.base_url = Config::default().base_url;
        assert_eq!(format!("{config:?}"), format!("{:?}", Config::default()));

        // Config's Debug lists its fields (`name: value`, nested tables indented), so a setting
        // added to Config later fails here until site.toml shows it.
        let debug = format!("{:#?}", Config::default());
        let live = uncommented();
        for field in debug
            .lines()
            .filter_map(|l| l.trim().split_once(": "))
            .map(|(k, _)| k)
        {
            let shown = live.lines().any(|l| l.starts_with(&format!("{field} = ")))
                || live.contains(&format!("[{field}]"))
                || live.contains(&format!(".{field}]"));
            assert!(shown, "site.toml does not show `{field}`");
        }
    }

    #[test]
    fn titles_come_from_the_folder() {
        assert_eq!(
            site_title(Path::new("/tmp/ridgeline-news")),
            "Ridgeline News"
        );
        assert_eq!(site_title(Path::new("/tmp/.tmpX1y2")), "sitrep site");
        assert_eq!(site_title(Path::new("/tmp/2027")), "sitrep site");
    }
}
