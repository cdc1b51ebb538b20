//! Page words (issue 11): the theme words its pages from a table for the site's language
//! (English and Ukrainian ship), which `[words]` in site.toml extends or replaces, with each
//! language's plural rules.

use crate::support::{TestSite, site, squash};

/// The basic fixture in `language`, with `extra` appended to its site.toml.
fn in_language(language: &str, extra: &str) -> TestSite {
    let s = site("basic");
    let config = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
    let (top, comments) = config.split_once("[comments]").unwrap();
    s.file(
        "site.toml",
        &format!("{top}language = \"{language}\"\n{extra}\n[comments]{comments}"),
    );
    s
}

fn nav(page: &crate::support::Page) -> Vec<String> {
    page.all(".site-nav a")
        .iter()
        .map(|a| squash(&a.text().collect::<String>()))
        .collect()
}

#[test]
fn a_ukrainian_site_is_worded_in_ukrainian_with_three_plural_forms() {
    let s = in_language("uk", "");
    // Two more comments on `closed` (which has one): 3 is `few`.
    for id in ["c2", "c3"] {
        s.file(
            &format!("content/comments/closed/{id}.md"),
            "+++\nauthor = \"Олена\"\ndate = 2026-11-22T10:00:00Z\n+++\nТак.\n",
        );
    }
    let built = s.build();
    let frigate = built.page("/frigate/");
    assert_eq!(built.report.warnings, Vec::new());
    // Seven comments: `many`.
    assert_eq!(frigate.text_of("#comments-title"), "7 коментарів");
    assert_eq!(
        built.page("/closed/").text_of("#comments-title"),
        "3 коментарі"
    );
    let nav = nav(&frigate);
    assert!(nav.contains(&"Автори".to_string()), "{nav:?}");
    assert!(nav.contains(&"Пошук".to_string()), "{nav:?}");
    assert!(
        frigate
            .text_of(".byline time[datetime^=\"2026-11-20\"]")
            .ends_with("листопада 2026"),
        "{}",
        frigate.text_of(".byline time[datetime^=\"2026-11-20\"]")
    );
    assert_eq!(frigate.text_of("#respond-title"), "Залишити коментар");
    assert_eq!(
        built.page("/404.html").text_of("h1"),
        "Сторінку не знайдено"
    );
    assert_eq!(
        built.page("/page/2/").text_of("title"),
        "Сторінка 2 – Test Desk"
    );
    assert_eq!(built.page("/authors/").text_of("h1"), "Автори");
}

#[test]
fn a_site_gives_its_own_words_for_a_language_the_theme_lacks() {
    let s = in_language(
        "pl",
        "[words]\nauthors = \"Autorzy\"\ncomments = { one = \"{n} komentarz\", few = \"{n} komentarze\", many = \"{n} komentarzy\", other = \"{n} komentarza\" }\n",
    );
    let built = s.build();
    let frigate = built.page("/frigate/");
    assert_eq!(frigate.text_of("#comments-title"), "7 komentarzy");
    assert!(nav(&frigate).contains(&"Autorzy".to_string()));
    // What the site did not give stays English, and the build says so.
    assert_eq!(frigate.text_of("#respond-title"), "Leave a comment");
    let warnings = built.warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("site.toml: language = \"pl\"")),
        "{warnings:?}"
    );
}

#[test]
fn a_malformed_word_is_an_error_at_its_line() {
    let s = in_language(
        "en",
        "[words]\ncomments = { single = \"x\", other = \"y\" }\n",
    );
    let errors = s.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("site.toml:8:12: unknown field `single`"),
        "{errors:?}"
    );
}

#[test]
fn a_template_asking_for_an_unknown_word_names_the_template() {
    let s = site("basic");
    s.file(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{{ t(key=\"no_such_word\") }}{% endblock content %}",
    );
    let errors = s.errors();
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("templates/page.html") && e.contains("no_such_word")),
        "{errors:?}"
    );
}
