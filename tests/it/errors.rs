//! Bad input: every error is reported in one run, naming the file, line and column.

use std::process::Command;

use crate::support::{assert_prefixes, site};

fn broken_site() -> crate::support::TestSite {
    let s = site("basic");
    s.file(
        "content/articles/bad-toml.md",
        "+++\ntitle = \"Unclosed\ndate = 2026-11-01\nauthor = \"ann-author\"\n+++\nx\n",
    );
    s.file(
        "content/articles/no-date.md",
        "+++\ntitle = \"No date\"\nauthor = \"ann-author\"\n+++\nx\n",
    );
    s.file(
        "content/articles/bad-date.md",
        "+++\ntitle = \"Bad date\"\ndate = \"yesterday\"\nauthor = \"ann-author\"\n+++\nx\n",
    );
    s.file(
        "content/articles/typo-author.md",
        "+++\ntitle = \"Typo\"\ndate = 2026-11-01\nauthor = \"ann-autor\"\n+++\nx\n",
    );
    s.file(
        "content/articles/no-author.md",
        "+++\ntitle = \"Nobody\"\ndate = 2026-11-01\n+++\nx\n",
    );
    s.file("content/articles/yaml.md", "---\ntitle: YAML\n---\nx\n");
    s.file("content/articles/twin.md", "+++\ntitle = \"Twin\"\ndate = 2026-11-01\nauthor = \"ann-author\"\nslug = \"frigate\"\n+++\nx\n");
    s.file("content/articles/reserved.md", "+++\ntitle = \"Reserved\"\ndate = 2026-11-01\nauthor = \"ann-author\"\nslug = \"tag\"\n+++\nx\n");
    s.file("content/articles/escape.md", "+++\ntitle = \"Escape\"\ndate = 2026-11-01\nauthor = \"ann-author\"\nslug = \"../../evil\"\n+++\nx\n");
    s.file(
        "content/pages/about-twin.md",
        "+++\ntitle = \"About twin\"\nslug = \"about\"\n+++\nx\n",
    );
    s.file(
        "content/comments/nowhere/c1.md",
        "+++\nauthor = \"R\"\ndate = 2026-11-01\n+++\nx\n",
    );
    s.file(
        "content/comments/frigate/orphan.md",
        "+++\nauthor = \"R\"\ndate = 2026-11-21\nparent = \"c99\"\n+++\nx\n",
    );
    s.file(
        "content/comments/frigate/loop1.md",
        "+++\nauthor = \"R\"\ndate = 2026-11-21\nparent = \"loop2\"\n+++\nx\n",
    );
    s.file(
        "content/comments/frigate/loop2.md",
        "+++\nauthor = \"R\"\ndate = 2026-11-22\nparent = \"loop1\"\n+++\nx\n",
    );
    s.file(
        "content/comments/frigate/fake-staff.md",
        "+++\nauthor = \"R\"\ndate = 2026-11-21\nauthor_id = \"nobody\"\n+++\nx\n",
    );
    s.file(
        "content/comments/frigate/no-name.md",
        "+++\ndate = 2026-11-21\n+++\nx\n",
    );
    std::fs::write(
        s.root().join("content/comments/frigate/latin1.md"),
        b"+++\nauthor = \"Jos\xe9\"\ndate = 2026-11-21\n+++\nx\n",
    )
    .unwrap();
    s
}

#[test]
fn every_error_is_reported_once_sorted_by_file() {
    // Each error's first line; the excerpt under it is tested on its own.
    let errors: Vec<String> = broken_site()
        .errors()
        .iter()
        .map(|e| e.lines().next().unwrap().to_string())
        .collect();
    let expected = [
        "content/articles/bad-date.md:3:8: `yesterday` is not a date: write 2026-11-28, or 2026-11-28T09:30:00Z with a time",
        "content/articles/bad-toml.md:2:18: invalid basic string, expected `\"`: a `\"` string must close on the same line; is the closing `\"` missing? (use `\"\"\"` for text over several lines)",
        "content/articles/escape.md: the slug `../../evil` starts with `.`",
        "content/articles/no-author.md: no author: add `author = \"<id>\"` (a file stem under content/authors/), or `authors = [...]`",
        "content/articles/no-date.md:2:1: missing field `date`",
        "content/articles/reserved.md: the slug `tag` is already taken by (a path sitrep itself uses): give one of them another `slug`",
        "content/articles/twin.md: the slug `frigate` is already taken by content/articles/frigate.md: give one of them another `slug`",
        "content/articles/typo-author.md:4:10: author \"ann-autor\" is not in content/authors/ (did you mean \"ann-author\"?)",
        "content/articles/yaml.md:1:1: this file starts with `---` (YAML front matter), but sitrep reads TOML front matter between two lines of `+++`: change both `---` lines to `+++` and write the fields as TOML (`title = \"...\"`)",
        "content/comments/frigate/fake-staff.md:4:13: author_id \"nobody\" is not in content/authors/ (did you mean \"cy-nobody\"?)",
        "content/comments/frigate/latin1.md: cannot read this file: it is not UTF-8 text",
        "content/comments/frigate/loop1.md:4:10: reply loop: loop1 → loop2 → loop1; one of these must not have a `parent`",
        "content/comments/frigate/no-name.md:2:1: missing field `author`",
        "content/comments/frigate/orphan.md:4:10: parent \"c99\" is not a comment on this article (comment ids are file stems in this folder)",
        "content/comments/nowhere/c1.md: this comment is filed under `nowhere`, but there is no article with that slug",
        "content/pages/about.md: the slug `about` is already taken by content/pages/about-twin.md: give one of them another `slug`",
    ];
    assert_eq!(errors, expected);
}

#[test]
fn the_command_exits_1_and_names_the_files() {
    let s = broken_site();
    let out = Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(["build", "--root"])
        .arg(s.root())
        .env("SOURCE_DATE_EPOCH", "1795046400")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("error: content/articles/bad-toml.md:2:18: invalid basic string"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: content/comments/frigate/orphan.md:4:10: parent \"c99\""),
        "{stderr}"
    );
    assert!(
        stderr
            .trim_end()
            .ends_with("16 errors found; the output was left as it was"),
        "{stderr}"
    );
    assert!(!s.output().exists(), "nothing was written");
}

#[test]
fn unknown_fields_are_warnings() {
    let s = site("basic");
    s.file("content/articles/typo.md", "+++\ntitle = \"Typo\"\ntittle = \"Typo\"\ndate = 2026-11-01\nauthor = \"ann-author\"\n+++\nx\n");
    let built = s.build();
    let warnings: Vec<String> = built.warnings();
    assert_eq!(
        warnings,
        ["content/articles/typo.md:3:1: unknown field `tittle` is ignored (check its spelling)"]
    );
}

#[test]
fn template_errors_name_the_template_line_and_column() {
    let s = site("basic");
    s.file("templates/page.html", "{% extends \"base.html\" %}\n{% block content %}\n  {{ page.title | nosuchfilter }}\n{% endblock content %}\n");
    let errors = s.errors();
    assert_prefixes(
        &errors,
        &["templates/page.html:3:19: Unknown filter `nosuchfilter`"],
    );
    // The template's own line, with the caret under the filter.
    assert!(
        errors[0].ends_with("\n  3 |   {{ page.title | nosuchfilter }}\n    |                   ^"),
        "{}",
        errors[0]
    );
}

#[test]
fn template_and_content_errors_are_reported_together() {
    let s = site("basic");
    s.file("templates/page.html", "{% extends \"base.html\" %}\n{% block content %}{{ page.title | nosuchfilter }}{% endblock content %}\n");
    s.file(
        "content/articles/no-date.md",
        "+++\ntitle = \"No date\"\nauthor = \"ann-author\"\n+++\nx\n",
    );
    assert_prefixes(
        &s.errors(),
        &[
            "content/articles/no-date.md:2:1: missing field `date`",
            "templates/page.html:2:",
        ],
    );
}

#[test]
fn bad_site_toml_is_reported_with_its_line() {
    let s = site("basic");
    s.file("site.toml", "title = \"x\"\nper_page = \"ten\"\n");
    assert_prefixes(&s.errors(), &["site.toml:2:12: invalid type"]);
}

#[test]
fn a_broken_file_is_reported_once_not_by_everything_that_names_it() {
    let s = site("basic");
    s.file(
        "content/authors/ann-author.toml",
        "name = \"Ann\nrole = \"x\"\n",
    );
    s.file(
        "content/articles/frigate.md",
        "+++\ntitle = \"Frigate\"\n+++\n",
    );
    assert_prefixes(
        &s.errors(),
        &[
            "content/articles/frigate.md:2:1: missing field `date`",
            "content/authors/ann-author.toml:1:",
        ],
    );
}

#[test]
fn comments_of_unpublished_articles_are_still_checked() {
    let s = site("basic");
    s.file(
        "content/comments/draft/c2.md",
        "+++\nauthor = \"R\"\ndate = 2026-11-02\nparent = \"nope\"\n+++\nx\n",
    );
    s.file(
        "content/comments/future/c1.md",
        "+++\nauthor = \"R\"\n+++\nx\n",
    );
    assert_eq!(
        s.errors(),
        [
            "content/comments/draft/c2.md:4:10: parent \"nope\" is not a comment on this article (comment ids are file stems in this folder)",
            "content/comments/future/c1.md:2:1: missing field `date`",
        ]
    );
}

#[test]
fn published_files_may_not_replace_pages_or_take_slugs() {
    let s = site("basic");
    s.file("static/index.html", "<p>not the home page</p>");
    s.file("static/tag/navy/index.html", "x");
    s.file("static/about", "a file named like a page");
    s.file("content/articles/bundle/index.html", "x");
    assert_eq!(
        s.errors(),
        [
            "content/articles/bundle/index.html: a bundle file named index.html would replace the article's page: rename it",
            "content/pages/about.md: the slug `about` is already taken by static/about: give one of them another `slug`",
        ]
    );
    // Which pages exist is known once the content is sound: clashes with them come next.
    s.remove("static/about")
        .remove("content/articles/bundle/index.html");
    assert_eq!(
        s.errors(),
        [
            "static/index.html: this file would replace what sitrep makes at index.html: rename or remove it",
            "static/tag/navy/index.html: this file would replace what sitrep makes at tag/navy/index.html: rename or remove it",
        ]
    );
}

#[test]
fn stray_files_are_warned_about_and_never_published() {
    let s = site("basic");
    s.file(
        "content/articles/2026/tanks/index.md",
        "+++\ntitle = \"Nested\"\ndate = 2026-11-01\nauthor = \"ann-author\"\n+++\nx\n",
    );
    s.file("content/articles/bundle/notes.md", "private notes");
    s.file(
        "content/articles/bundle/img/map.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    s.file("content/articles/.frigate.md.swp", "junk");
    s.file(
        "content/comments/loose.md",
        "+++\nauthor = \"R\"\ndate = 2026-11-01\n+++\nx\n",
    );
    s.file("templates/.page.html.swp", "{% broken");
    let built = s.build();
    let warnings: Vec<String> = built.warnings();
    assert_eq!(
        warnings,
        [
            "content/articles/2026/tanks/index.md: ignored: articles are `<slug>.md` or `<slug>/index.md` directly under content/articles/",
            "content/articles/bundle/notes.md: ignored: a bundle's one Markdown file is its index.md; other .md files are not published",
            "content/comments/loose.md: ignored: comments are `content/comments/<article-slug>/<comment-id>.md`",
        ]
    );
    assert!(built.exists("/bundle/img/map.svg"));
    assert!(!built.exists("/bundle/notes.md"));
    assert!(!built.exists("/tanks/index.html"));
}

#[test]
fn control_characters_in_messages_are_escaped() {
    let s = site("basic");
    s.file(
        "content/comments/frigate/c9.md",
        "+++\nauthor = \"R\"\ndate = 2026-11-21\nparent = \"\\u001b[2J\\u001b[31mowned\"\n+++\nx\n",
    );
    let errors = s.errors();
    assert_eq!(errors.len(), 1);
    assert!(!errors[0].contains('\u{1b}'), "{:?}", errors[0]);
    assert!(errors[0].contains("\\u{1b}[2J"), "{:?}", errors[0]);
}

#[test]
fn base_url_must_be_an_address_or_a_path() {
    let s = site("basic");
    let result = sitrep::build(&sitrep::BuildOptions {
        base_url: Some("example.org/news".into()),
        ..s.options()
    });
    let Err(sitrep::Error::Invalid { errors, .. }) = result else {
        panic!("should fail")
    };
    assert_eq!(
        errors[0].to_string(),
        "site.toml: base_url \"example.org/news\" must be an address such as https://example.org/ or a path such as /news/"
    );
}

/// The offending line is shown under the message with a caret under the column, and common
/// mistakes come with a hint.
#[test]
fn errors_show_the_line_with_a_caret_and_a_hint() {
    let s = site("basic");
    s.file(
        "content/articles/frigate.md",
        "+++\ndate = 2026-11-01\ntitle = \"Unclosed\n+++\nBody.\n",
    );
    let errors = s.errors();
    let error = errors
        .iter()
        .find(|e| e.starts_with("content/articles/frigate.md:3:"))
        .unwrap_or_else(|| panic!("{errors:?}"));
    assert!(error.contains("is the closing `\"` missing?"), "{error}");
    let lines: Vec<&str> = error.lines().collect();
    assert_eq!(lines.len(), 3, "{error}");
    assert_eq!(lines[1], "  3 | title = \"Unclosed");
    // The caret sits under the column the first line names.
    let column: usize = lines[0].split(':').nth(2).unwrap().parse().unwrap();
    let caret = lines[2].find('^').unwrap();
    assert_eq!(caret - "  3 | ".len(), column - 1, "{error}");
}

#[test]
fn the_command_prints_no_colour_when_not_on_a_terminal() {
    let s = site("basic");
    s.file("content/articles/frigate.md", "---\ntitle: yaml\n---\n");
    let out = run(&s, "check");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("error: content/articles/frigate.md:1:1: this file starts with `---`"));
    assert!(stderr.contains("  1 | ---\n    | ^\n"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
}

/// `check` and `build` fail on links (Markdown or raw HTML) to pages of this site that do not
/// exist, each at its line and column (issue 14, point 9), or with `[build] strict_links = false` both warn. Links elsewhere, to anchors, and to pages that exist (however written) are fine.
#[test]
fn check_finds_broken_internal_links() {
    let s = site("basic");
    s.file(
        "content/articles/linker.md",
        "+++\ntitle = \"Linker\"\ndate = 2026-11-01\nauthor = \"ann-author\"\n+++\n\
         Fine: [a](/frigate/), [b](../budget/), [c](/tag/procurement/), [d](https://test.example/about/),\n\
         [e](/frigate/?a=1#comments), [f](#top), [g](mailto:desk@test.example), [h](https://other.example/x),\n\
         [i](/css/sitrep.css), [j](/feed.xml), [k](/author/ann-author/), [l](/bundle/pic.svg), [m](/).\n\n\
         Broken: [w](/frigat/), [x](/tag/nope/), [y](https://test.example/author/ann-autor/), [z](missing-page/).\n\n\
         <p>Raw HTML too: <a href=\"/budget/?x=1&amp;y=2\">fine</a> <img src=\"/bundle/pic.svg\" alt=\"\"> <a href='/about-us/'>broken</a></p>\n",
    );
    let result = sitrep::check(&s.options());
    let errors: Vec<String> = match result {
        Err(sitrep::Error::Invalid { errors, .. }) => {
            errors.iter().map(ToString::to_string).collect()
        }
        other => panic!("check should fail: {other:?}"),
    };
    assert_eq!(
        errors,
        [
            "content/articles/linker.md:10:9: links to /frigat/, which is not on this site (did you mean \"/frigate/\"?)",
            "content/articles/linker.md:10:24: links to /tag/nope/, which is not on this site",
            "content/articles/linker.md:10:41: links to https://test.example/author/ann-autor/, which is not on this site (did you mean \"/author/ann-author/\"?)",
            "content/articles/linker.md:10:86: links to missing-page/, which is not on this site",
            "content/articles/linker.md:12:102: links to /about-us/, which is not on this site (did you mean \"/about/\"?)",
        ]
    );
    // A build follows the same rule (issue 14): it fails with the same errors...
    assert_eq!(s.errors(), errors);
    // ...and with `strict_links = false`, both go ahead and say the same as warnings.
    let config = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
    let (top, comments) = config.split_once("[comments]").unwrap();
    s.file(
        "site.toml",
        &format!("{top}[build]\nstrict_links = false\n[comments]{comments}"),
    );
    let checked = sitrep::check(&s.options()).unwrap();
    assert_eq!(
        checked
            .warnings
            .iter()
            .filter(|w| w.to_string().contains("not on this site"))
            .count(),
        5
    );
    let built = s.build();
    let warned: Vec<String> = built
        .report
        .warnings
        .iter()
        .map(ToString::to_string)
        .filter(|w| w.contains("which is not on this site"))
        .collect();
    assert_eq!(warned, errors);
}

/// On a terminal (a pseudo-terminal from `script`, part of every Debian system) errors are
/// coloured, unless NO_COLOR is set.
#[cfg(unix)]
#[test]
fn the_command_colours_errors_on_a_terminal_unless_no_color() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` to make a terminal");
        return;
    }
    let s = site("basic");
    s.file("content/articles/frigate.md", "---\ntitle: yaml\n---\n");
    let on_terminal = |no_color: bool| {
        let mut command = Command::new("script");
        command.args(["-qec"]).arg(format!(
            "'{}' check --root '{}'",
            env!("CARGO_BIN_EXE_sitrep"),
            s.root().display()
        ));
        command.arg("/dev/null").env_remove("NO_COLOR");
        if no_color {
            command.env("NO_COLOR", "1");
        }
        String::from_utf8(command.output().unwrap().stdout).unwrap()
    };
    let coloured = on_terminal(false);
    assert!(
        coloured.contains("\x1b[1;31merror\x1b[0m: content/articles/frigate.md:1:1"),
        "{coloured:?}"
    );
    let plain = on_terminal(true);
    assert!(
        plain.contains("error: content/articles/frigate.md:1:1"),
        "{plain:?}"
    );
    assert!(!plain.contains('\x1b'), "{plain:?}");
}

/// Issue 14: a misspelt field names the misspelling; a bad date says what a date looks like;
/// `check` does not speak of an output it never writes; counts are singular when they are one.
#[test]
fn messages_say_what_to_fix() {
    let s = crate::support::TestSite::empty();
    s.file(
        "content/articles/one.md",
        "+++\ntittle = \"x\"\ndate = 2026-11-01\nauthor = \"x\"\n+++\nB\n",
    );
    s.file(
        "content/articles/two.md",
        "+++\ntitle = \"x\"\ndate = notadate\nauthor = \"x\"\n+++\nB\n",
    );
    crate::support::assert_prefixes(
        &s.errors(),
        &[
            "content/articles/one.md:2:1: missing field `title`: `tittle` on line 2 is not a field; is it a misspelling of `title`?",
            "content/articles/two.md:3:8: invalid float",
        ],
    );
    assert!(s.errors()[1].contains("a date looks like 2026-11-28"));
    let out = run(&s, "check");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.trim_end().ends_with("2 errors found"), "{stderr}");

    s.remove("content/articles/two.md");
    s.file(
        "content/articles/one.md",
        "+++\ntitle = \"x\"\ndate = 2026-11-01\nauthor = \"x\"\n+++\nB\n",
    );
    let out = run(&s, "build");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(", 1 article, 1 author, 0 comments,"),
        "{stdout}"
    );
}

/// Issue 14: an article whose front matter is broken still has its comments checked, so one
/// run reports a comment's missing parent too, not only after the article is fixed.
#[test]
fn comments_of_a_broken_article_are_checked_in_the_same_run() {
    let s = crate::support::TestSite::empty();
    s.file(
        "content/articles/broken.md",
        "+++\ntitle = \"Unclosed\ndate = 2026-11-01\nauthor = \"x\"\n+++\nB\n",
    );
    s.file(
        "content/comments/broken/c1.md",
        "+++\nauthor = \"R\"\ndate = 2026-11-02\nparent = \"c0\"\n+++\nReply.\n",
    );
    assert_prefixes(
        &s.errors(),
        &[
            "content/articles/broken.md:2:18: invalid basic string",
            "content/comments/broken/c1.md:4:10: parent \"c0\" is not a comment on this article",
        ],
    );
}

/// Issue 14: `build` in a folder without site.toml refuses, says how to start a site, and
/// writes nothing (it used to build an empty site into ./public).
#[test]
fn a_folder_without_site_toml_is_not_built() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.md"), "Not a site.\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .arg("build")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("no site.toml here") && stderr.contains("sitrep init"),
        "{stderr}"
    );
    assert!(!dir.path().join("public").exists());
}

/// A broken link in a stand-alone page is reported at its line too, counted in the file (front
/// matter included), with CRLF line ends as well.
#[test]
fn a_broken_link_in_a_page_names_its_line() {
    let s = site("basic");
    s.file(
        "content/pages/contact.md",
        "+++\r\ntitle = \"Contact\"\r\n+++\r\nWrite to us.\r\n\r\nOr see [the desk](/desk/).\r\n",
    );
    assert_eq!(
        s.errors(),
        ["content/pages/contact.md:6:8: links to /desk/, which is not on this site"]
    );
}

/// `sitrep <command> --root <site>`, run as a user would run it.
fn run(s: &crate::support::TestSite, command: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args([command, "--root"])
        .arg(s.root())
        .output()
        .unwrap()
}
