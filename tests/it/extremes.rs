//! Extremes (issue 5): sizes and shapes far past a normal newsroom's, and files that are not
//! what they seem. Each must build, or fail with an error that names the file, and never crash
//! or hang.

use std::time::Duration;

use crate::support::{TestSite, site, squash};

/// Builds on another thread and fails the test if the build has not ended within a minute:
/// a hang is a failure, not a stuck CI job.
fn build_within_a_minute(s: &TestSite) -> sitrep::Result<sitrep::BuildReport> {
    let options = s.options();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(sitrep::build(&options));
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the build did not end within a minute")
}

fn comment_file(s: &TestSite, article: &str, id: &str, parent: Option<&str>, minute: usize) {
    let parent = parent
        .map(|p| format!("parent = \"{p}\"\n"))
        .unwrap_or_default();
    s.file(
        &format!("content/comments/{article}/{id}.md"),
        &format!(
            "+++\nauthor = \"Reader {id}\"\ndate = 2026-11-{:02}T{:02}:{:02}:00Z\n{parent}+++\nBody of {id}.\n",
            1 + minute / 1440,
            minute / 60 % 24,
            minute % 60
        ),
    );
}

#[test]
fn a_twenty_megabyte_article_builds() {
    let s = site("basic");
    let paragraph = "The ministry's figures, checked line by line, do not add up. ".repeat(20);
    let mut body = String::with_capacity(21 << 20);
    let mut n = 0;
    while body.len() < 20 << 20 {
        body.push_str(&format!("## Part {n}\n\n{paragraph}\n\n"));
        n += 1;
    }
    body.push_str("The very last paragraph.\n");
    s.file(
        "content/articles/huge.md",
        &format!("+++\ntitle = \"Huge\"\ndate = 2026-11-01\nauthor = \"ann-author\"\n+++\n{body}"),
    );
    let built = s.build();
    let page = built.page("/huge/");
    let last = page
        .all(".article-body p")
        .last()
        .map(|p| squash(&p.text().collect::<String>()));
    assert_eq!(last.as_deref(), Some("The very last paragraph."));
    assert_eq!(page.all(".article-body h2").len(), n);
}

#[test]
fn ten_thousand_comments_on_one_article() {
    let s = site("basic");
    s.remove("content/comments/frigate");
    for i in 0..10_000 {
        let parent = (i % 3 != 0).then(|| format!("k{}", i - 1));
        comment_file(&s, "frigate", &format!("k{i}"), parent.as_deref(), i);
    }
    let built = s.build();
    let page = built.page("/frigate/");
    assert_eq!(page.comment_ids().len(), 10_000);
    assert_eq!(page.comment("k2").shown_under().as_deref(), Some("k1"));
}

#[test]
fn a_reply_chain_ten_thousand_deep() {
    let s = site("basic");
    // The deepest nesting sitrep allows, so the template's recursion goes as deep as it can.
    s.file(
        "site.toml",
        &format!(
            "title = \"Deep\"\nbase_url = \"https://test.example/\"\n[comments]\nmax_depth = {}\n",
            sitrep::model::config::MaxDepth::CAP
        ),
    );
    s.remove("content/comments/frigate");
    for i in 0..10_000 {
        let parent = (i > 0).then(|| format!("d{}", i - 1));
        comment_file(&s, "frigate", &format!("d{i}"), parent.as_deref(), i);
    }
    let built = s.build();
    let page = built.page("/frigate/");
    let ids = page.comment_ids();
    assert_eq!(ids.len(), 10_000);
    // Every reply below the cap is shown at the cap, in order, each once.
    assert_eq!(ids[9_999], "d9999");
    assert_eq!(sitrep::model::config::MaxDepth::CAP, 10);
    assert_eq!(page.comment("d8").depth(), 9);
    assert_eq!(page.comment("d9").depth(), 10);
    assert_eq!(page.comment("d9999").depth(), 10);
    assert_eq!(page.comment("d9999").shown_under().as_deref(), Some("d8"));
}

/// 5,000 tags over 100 articles, each tag on one article: 5,000 tag pages and feeds.
#[test]
fn five_thousand_tags() {
    let s = site("basic");
    for a in 0..100 {
        let tags: Vec<String> = (0..50)
            .map(|t| format!("\"Tag number {}\"", a * 50 + t))
            .collect();
        s.file(
            &format!("content/articles/tagged-{a}.md"),
            &format!(
                "+++\ntitle = \"Tagged {a}\"\ndate = 2026-10-01\nauthor = \"ann-author\"\ntags = [{}]\n+++\nBody.\n",
                tags.join(", ")
            ),
        );
    }
    let built = s.build();
    assert_eq!(built.page("/tagged-7/").all("a[rel=tag]").len(), 50);
    for i in [0, 2_500, 4_999] {
        let page = built.page(&format!("/tag/tag-number-{i}/"));
        let titles: Vec<String> = page
            .all(".card-title")
            .iter()
            .map(|t| squash(&t.text().collect::<String>()))
            .collect();
        assert_eq!(titles, [format!("Tagged {}", i / 50)], "tag {i}");
        assert!(built.exists(&format!("/tag/tag-number-{i}/feed.xml")));
    }
}

#[test]
fn ukrainian_and_russian_headlines_and_names() {
    let s = site("basic");
    s.file(
        "content/authors/olena.toml",
        "name = \"Олена Коваленко\"\nrole = \"Кореспондентка\"\n",
    )
    .file(
        "content/articles/kyiv-winter.md",
        "+++\ntitle = \"Київ готується до зими\"\ndate = 2026-11-01\nauthor = \"olena\"\n\
         tags = [\"Київ\", \"Збройні сили України\", \"Москва\"]\ncategory = \"Оборона\"\n+++\n\
         Тіло статті.\n",
    );
    let built = s.build();
    let article = built.page("/kyiv-winter/");
    assert_eq!(article.text_of("h1"), "Київ готується до зими");
    let tags = article.links("a[rel=tag]");
    assert_eq!(
        tags,
        [
            ("Київ".to_string(), "/tag/kyiv/".to_string()),
            (
                "Збройні сили України".to_string(),
                "/tag/zbroini-syly-ukrainy/".to_string()
            ),
            ("Москва".to_string(), "/tag/moskva/".to_string()),
        ]
    );
    assert_eq!(built.page("/tag/kyiv/").text_of("h1"), "Київ");
    assert_eq!(built.page("/category/oborona/").text_of("h1"), "Оборона");
    assert!(
        built
            .page("/author/olena/")
            .text
            .contains("Олена Коваленко")
    );
}

#[test]
fn crlf_and_a_byte_order_mark_before_the_front_matter() {
    let s = site("basic");
    s.file(
        "content/articles/windows.md",
        "\u{feff}+++\r\ntitle = \"Written on Windows\"\r\ndate = 2026-11-01\r\nauthor = \"ann-author\"\r\n+++\r\nLine one.\r\n\r\nLine two.\r\n",
    )
    .file(
        "content/comments/windows/w1.md",
        "\u{feff}+++\r\nauthor = \"Reader\"\r\ndate = 2026-11-02T10:00:00Z\r\n+++\r\nA comment.\r\n",
    );
    let built = s.build();
    let page = built.page("/windows/");
    assert_eq!(page.text_of("h1"), "Written on Windows");
    assert_eq!(page.all(".article-body p").len(), 2);
    assert_eq!(page.comment_ids(), ["w1"]);
}

#[test]
fn a_file_name_with_spaces_is_an_error_that_names_it() {
    let s = site("basic");
    s.file(
        "content/articles/my story.md",
        "+++\ntitle = \"Mine\"\ndate = 2026-11-01\nauthor = \"ann-author\"\n+++\nBody.\n",
    );
    let errors = s.errors();
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("content/articles/my story.md") && e.contains("slug")),
        "{errors:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_reported_with_every_other_error() {
    let s = site("basic");
    std::os::unix::fs::symlink(
        s.root().join("content/articles"),
        s.root().join("content/articles/loop"),
    )
    .unwrap();
    s.file("content/articles/broken.md", "+++\ntitle = \"Broken\n+++\n");
    let errors = build_within_a_minute(&s).unwrap_err().to_string();
    assert!(
        errors.contains("content/articles/loop") && errors.contains("symlink loop"),
        "{errors}"
    );
    assert!(errors.contains("content/articles/broken.md"), "{errors}");
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_named_and_pipes_do_not_hang() {
    use std::os::unix::fs::PermissionsExt;
    let s = site("basic");
    // A link to nothing cannot be read by anyone, root included.
    std::os::unix::fs::symlink(
        "/nonexistent/x.md",
        s.root().join("content/articles/gone.md"),
    )
    .unwrap();
    // Permissions stop everyone but root.
    let locked = s.root().join("content/articles/locked.md");
    std::fs::write(&locked, "+++\ntitle = \"Locked\"\n+++\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let root = unsafe { libc::geteuid() } == 0;
    // A named pipe would block a reader forever.
    let fifo = std::ffi::CString::new(
        s.root()
            .join("content/comments/frigate/pipe.md")
            .to_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let errors = build_within_a_minute(&s).unwrap_err().to_string();
    assert!(errors.contains("content/articles/gone.md"), "{errors}");
    if !root {
        assert!(errors.contains("content/articles/locked.md"), "{errors}");
    }
}

/// Issue 11: `max_depth` far past the cap over a 20,000-deep chain crashed the build with a
/// stack overflow (the range error was reported, but the value was still used). It must fail
/// with the error at its place in site.toml.
#[test]
fn a_huge_max_depth_is_refused_at_its_line_not_a_stack_overflow() {
    let s = site("basic");
    s.file(
        "site.toml",
        "title = \"Deep\"\nbase_url = \"https://test.example/\"\n[comments]\nmax_depth = 1000000\n",
    );
    s.remove("content/comments/frigate");
    for i in 0..20_000 {
        let parent = (i > 0).then(|| format!("d{}", i - 1));
        comment_file(&s, "frigate", &format!("d{i}"), parent.as_deref(), i);
    }
    // In a child process, so a crash fails this test rather than the whole test binary.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(["check", "--root"])
        .arg(s.root())
        .output()
        .expect("sitrep runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("site.toml:4:13: max_depth = 1000000 is out of range: use 1 to 10"),
        "{stderr}"
    );
    // The defaults stood in for the file that could not be read: no warning about them.
    assert!(!stderr.contains("warning: site.toml"), "{stderr}");
}
