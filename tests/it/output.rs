//! The output folder: atomic swap, nothing lost on failure, nothing written outside it,
//! byte-identical rebuilds.

use crate::support::{site, snapshot};

#[test]
fn two_builds_are_byte_identical() {
    let s = site("basic");
    let first = snapshot(&s.build().out);
    let other = s.dir.path().join("second");
    let second = snapshot(
        &s.build_with(sitrep::BuildOptions {
            output: Some(other),
            ..s.options()
        })
        .out,
    );
    assert!(first.len() > 20);
    assert_eq!(first, second);
}

#[test]
fn a_failed_build_keeps_the_last_good_output() {
    let s = site("basic");
    let before = snapshot(&s.build().out);
    s.file(
        "content/articles/frigate.md",
        "+++\ntitle = \"Broken\n+++\n",
    );
    s.errors();
    assert_eq!(snapshot(&s.output()), before);
    // And no staging folder is left behind: only the (empty) lock file.
    let leftovers: Vec<_> = std::fs::read_dir(s.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("sitrep-"))
        .collect();
    assert_eq!(leftovers, [".public.sitrep-lock"]);
}

#[test]
fn a_rebuild_removes_pages_that_are_gone() {
    let s = site("basic");
    assert!(s.build().exists("/closed/index.html"));
    s.remove("content/articles/closed.md");
    s.remove("content/comments/closed");
    assert!(!s.build().exists("/closed/index.html"));
}

#[test]
fn build_never_touches_the_sources() {
    let s = site("basic");
    let before: Vec<_> = ["content", "static", "site.toml"]
        .iter()
        .map(|d| snapshot(&s.root().join(d)))
        .collect();
    s.build();
    s.build();
    let after: Vec<_> = ["content", "static", "site.toml"]
        .iter()
        .map(|d| snapshot(&s.root().join(d)))
        .collect();
    assert_eq!(before, after);
}

#[test]
fn no_slug_or_id_reaches_outside_the_output() {
    let s = site("basic");
    s.file("content/articles/evil.md", "+++\ntitle = \"E\"\ndate = 2026-11-01\nauthor = \"ann-author\"\nslug = \"../../outside\"\n+++\nx\n");
    s.file(
        "content/pages/evil.md",
        "+++\ntitle = \"E\"\nslug = \"/etc/cron.d/x\"\n+++\nx\n",
    );
    s.file(
        "content/comments/frigate/..hidden.md",
        "+++\nauthor = \"R\"\ndate = 2026-11-21\n+++\nx\n",
    );
    let errors = s.errors();
    // The dot-file comment is skipped, as every dot-file among the content is (issue 11).
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(!s.dir.path().join("outside").exists());
    assert!(!s.output().exists());
}

#[test]
fn refuses_an_output_folder_holding_other_files() {
    let s = site("basic");
    let elsewhere = s.dir.path().join("precious");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("notes.txt"), "keep me").unwrap();
    let result = sitrep::build(&sitrep::BuildOptions {
        output: Some(elsewhere.clone()),
        ..s.options()
    });
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("holds files that sitrep did not write"),
        "{message}"
    );
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn refuses_an_output_folder_that_holds_the_site() {
    let s = site("basic");
    for output in [
        s.root(),
        s.root().join("content/out"),
        s.dir.path().to_path_buf(),
    ] {
        let result = sitrep::build(&sitrep::BuildOptions {
            output: Some(output.clone()),
            ..s.options()
        });
        assert!(result.is_err(), "{} should be refused", output.display());
    }
    assert!(s.root().join("content/articles/frigate.md").exists());
}

#[test]
fn check_writes_nothing_and_finds_the_same_errors() {
    let s = site("basic");
    let report = sitrep::check(&s.options()).unwrap();
    assert_eq!(report.articles, 4);
    assert!(!s.output().exists());
    s.file("content/articles/x.md", "+++\ntitle = \"x\"\n+++\n");
    assert!(sitrep::check(&s.options()).is_err());
}

#[test]
fn a_failed_render_keeps_the_last_good_output() {
    let s = site("basic");
    let before = snapshot(&s.build().out);
    // Parses, but fails on every article page as it renders.
    s.file("templates/article.html", "{% extends \"base.html\" %}{% block content %}{{ article.no_such_field }}{% endblock content %}");
    let errors = s.errors();
    assert_eq!(errors.len(), 1, "one error, not one per page: {errors:?}");
    assert!(
        errors[0].starts_with("templates/article.html:1:"),
        "{}",
        errors[0]
    );
    assert_eq!(snapshot(&s.output()), before);
}

#[test]
fn the_command_line_flags_reach_the_build() {
    let s = site("basic");
    let out = s.dir.path().join("elsewhere");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args([
            "build",
            "--quiet",
            "--drafts",
            "--base-url",
            "https://test.example/sub/",
            "--root",
        ])
        .arg(s.root())
        .arg("--output")
        .arg(&out)
        .env("SOURCE_DATE_EPOCH", "1795046400")
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(status.stdout.is_empty(), "--quiet prints nothing");
    assert!(out.join("draft/index.html").exists(), "--drafts");
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    let home = scraper::Html::parse_document(&home);
    let title = home
        .select(&crate::support::sel("a.site-title"))
        .next()
        .unwrap();
    assert_eq!(title.value().attr("href"), Some("/sub/"), "--base-url");
    assert!(!s.output().exists(), "--output");
}

#[cfg(unix)]
#[test]
fn a_symlinked_content_folder_is_guarded_where_it_really_is() {
    let s = site("basic");
    let real = s.dir.path().join("real-content");
    std::fs::rename(s.root().join("content"), &real).unwrap();
    std::os::unix::fs::symlink(&real, s.root().join("content")).unwrap();
    let result = sitrep::build(&sitrep::BuildOptions {
        output: Some(real.join("out")),
        ..s.options()
    });
    assert!(result.unwrap_err().to_string().contains("inside content/"));
    assert!(!real.join("out").exists());
}

#[cfg(unix)]
#[test]
fn a_rebuild_writes_only_what_changed() {
    use std::os::unix::fs::MetadataExt;
    let s = site("basic");
    let first = s.build();
    let inode = |path: &str| std::fs::metadata(s.output().join(path)).unwrap().ino();
    let (about, frigate, css) = (
        inode("about/index.html"),
        inode("frigate/index.html"),
        inode("css/sitrep.css"),
    );
    assert_eq!(first.report.unchanged, 0);

    s.file(
        "content/articles/frigate.md",
        &std::fs::read_to_string(s.root().join("content/articles/frigate.md"))
            .unwrap()
            .replace("The lead ship is late.", "The lead ship is later."),
    );
    let second = s.build();
    // The swap is still whole: a new folder took the old one's place.
    assert_eq!(
        inode("about/index.html"),
        about,
        "an unchanged page is the same file"
    );
    assert_eq!(
        inode("css/sitrep.css"),
        css,
        "an unchanged copied file is the same file"
    );
    assert_ne!(
        inode("frigate/index.html"),
        frigate,
        "a changed page is written anew"
    );
    assert!(
        std::fs::read_to_string(s.output().join("frigate/index.html"))
            .unwrap()
            .contains("later")
    );
    // The frigate page, the feeds holding it and the search index changed; nothing else did.
    assert!(
        second.report.written > 0 && second.report.written < 10,
        "{} written",
        second.report.written
    );
    assert_eq!(
        second.report.written + second.report.unchanged,
        second.report.files
    );
    // And the result is the same as building from nothing.
    assert_eq!(snapshot(&s.output()), from_nothing(&s));
}

/// The files of the output and of the hidden folders beside it.
#[cfg(unix)]
fn siblings(s: &crate::support::TestSite) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(s.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("sitrep-"))
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn a_rebuild_recycles_the_build_before_last() {
    use std::os::unix::fs::MetadataExt;
    let s = site("basic");
    let inode = |path: &str| std::fs::metadata(s.output().join(path)).unwrap().ino();
    s.file("static/notes", "a file that becomes a folder\n")
        .file("static/docs/old.txt", "a folder that becomes a file\n");
    s.build();
    let about = inode("about/index.html");
    // Second build: the first one is set aside as `.public.sitrep-old`.
    s.remove("content/articles/closed.md")
        .remove("content/comments/closed");
    let second = s.build();
    assert!(!second.exists("/closed/index.html"));
    assert_eq!(siblings(&s), [".public.sitrep-lock", ".public.sitrep-old"]);
    // Third build: the first build's tree is recycled as the staging folder. It still holds the
    // closed article, `notes` as a file and `docs` as a folder; all of that must go.
    s.remove("static/notes")
        .remove("static/docs")
        .file("static/notes/new.txt", "now inside a folder\n")
        .file("static/docs", "now a file\n");
    let third = s.build();
    assert!(!third.exists("/closed/index.html"));
    assert_eq!(
        std::fs::read_to_string(s.output().join("notes/new.txt")).unwrap(),
        "now inside a folder\n"
    );
    assert_eq!(
        std::fs::read_to_string(s.output().join("docs")).unwrap(),
        "now a file\n"
    );
    assert_eq!(
        inode("about/index.html"),
        about,
        "unchanged through three builds"
    );
    assert_eq!(
        third.report.written + third.report.unchanged,
        third.report.files
    );
    assert!(third.report.written < 5, "{} written", third.report.written);
    assert_eq!(siblings(&s), [".public.sitrep-lock", ".public.sitrep-old"]);
    assert_eq!(snapshot(&s.output()), from_nothing(&s));
}

/// What a killed build, or a stranger, leaves in the folder that is recycled: truncated and
/// foreign files, a symlink out of the folder, a folder where a page goes. None of it survives,
/// and nothing is written through the symlink.
#[cfg(unix)]
#[test]
fn a_damaged_staging_folder_is_repaired_not_trusted() {
    let s = site("basic");
    let clean = s.build();
    let expected = snapshot(&clean.out);
    let outside = s.dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    for leftover in [".public.sitrep-staging", ".public.sitrep-old"] {
        let dir = s.root().join(leftover);
        std::fs::create_dir_all(dir.join("about")).unwrap();
        std::fs::write(dir.join("about/index.html"), "<p>trunc").unwrap();
        std::fs::write(dir.join("stray.html"), "not ours").unwrap();
        std::fs::create_dir_all(dir.join("robots.txt/deep")).unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("frigate")).unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("css")).unwrap();
    }
    let rebuilt = s.build();
    assert_eq!(snapshot(&rebuilt.out), expected);
    assert!(
        std::fs::read_dir(&outside).unwrap().next().is_none(),
        "written through a symlink"
    );
    assert_eq!(siblings(&s), [".public.sitrep-lock", ".public.sitrep-old"]);
}

#[test]
fn a_failed_render_sets_the_staging_folder_aside() {
    let s = site("basic");
    let before = snapshot(&s.build().out);
    s.build();
    // A template error that only rendering finds: the build stops after writing some pages.
    s.file("templates/page.html", "{{ missing_variable.field }}");
    s.errors();
    assert_eq!(snapshot(&s.output()), before);
    #[cfg(unix)]
    assert_eq!(siblings(&s), [".public.sitrep-lock", ".public.sitrep-old"]);
    s.remove("templates/page.html");
    assert_eq!(snapshot(&s.build().out), before);
}

#[test]
fn a_second_build_at_once_is_refused_and_harms_nothing() {
    let s = site("basic");
    let before = snapshot(&s.build().out);
    // Another build holds the lock beside the output.
    let held = std::fs::OpenOptions::new()
        .write(true)
        .open(s.root().join(".public.sitrep-lock"))
        .unwrap();
    held.lock().unwrap();
    let refused = sitrep::build(&s.options()).unwrap_err().to_string();
    assert!(refused.contains("another sitrep build"), "{refused}");
    assert_eq!(snapshot(&s.output()), before);
    drop(held);
    // Two real builds racing: each one finishes or is refused; the output is whole either way.
    let options = s.options();
    let results: Vec<_> = std::thread::scope(|scope| {
        let racers: Vec<_> = (0..2)
            .map(|_| scope.spawn(|| sitrep::build(&options)))
            .collect();
        racers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert!(results.iter().any(Result::is_ok));
    for result in &results {
        if let Err(e) = result {
            assert!(e.to_string().contains("another sitrep build"), "{e}");
        }
    }
    assert_eq!(snapshot(&s.output()), before);
}

/// A build killed at any moment (SIGKILL: no clean-up runs) leaves the last good output as it
/// was, and the next build finishes from whatever it left.
#[cfg(unix)]
#[test]
fn a_killed_build_loses_nothing() {
    let s = site("basic");
    // Big enough that a build takes a while to write.
    for i in 0..400 {
        s.file(
            &format!("content/articles/filler-{i}.md"),
            &format!(
                "+++\ntitle = \"Filler {i}\"\ndate = 2026-01-{:02}\nauthor = \"ann-author\"\n\
                 tags = [\"t{}\"]\n+++\n{}",
                i % 28 + 1,
                i % 7,
                "Words of a filler article. ".repeat(200)
            ),
        );
    }
    let mut last_good = snapshot(&s.build().out);
    for delay_ms in [0, 5, 15, 30, 60, 100, 150, 250] {
        // A change, so the killed build has something new to write.
        s.file(
            "content/pages/about.md",
            &format!("+++\ntitle = \"About\"\n+++\nVersion {delay_ms}.\n"),
        );
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sitrep"))
            .args(["build", "--quiet", "--root"])
            .arg(s.root())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();
        // The last good output or, if the build got as far as its swap, the new one: never a mix.
        let now = snapshot(&s.output());
        if now != last_good {
            let complete = from_nothing(&s);
            assert_eq!(now, complete, "killed after {delay_ms} ms");
        }
        let next = s.build();
        let complete = from_nothing(&s);
        last_good = snapshot(&next.out);
        assert_eq!(last_good, complete);
    }
}

/// A write that fails half-way (here the file-size limit, as a full disk would) stops the build
/// with an error naming the file, and the last good output is untouched.
#[cfg(unix)]
#[test]
fn a_failed_write_keeps_the_last_good_output() {
    let s = site("basic");
    let before = snapshot(&s.build().out);
    s.file(
        "content/articles/frigate.md",
        &std::fs::read_to_string(s.root().join("content/articles/frigate.md"))
            .unwrap()
            .replace(
                "The lead ship is late.",
                &"The lead ship is later. ".repeat(400),
            ),
    );
    // `ulimit -f` in 512-byte blocks; with SIGXFSZ ignored, a write past it fails with EFBIG.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 16; exec '{}' build --quiet --root '{}'",
            env!("CARGO_BIN_EXE_sitrep"),
            s.root().display()
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("File too large") && stderr.contains(".public.sitrep-staging/"),
        "{stderr}"
    );
    assert_eq!(snapshot(&s.output()), before);
    let after = snapshot(&s.build().out);
    let complete = from_nothing(&s);
    assert_eq!(after, complete);
}

/// What building the site as it is now from nothing gives, in a folder of its own.
fn from_nothing(
    s: &crate::support::TestSite,
) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let fresh = s.dir.path().join("fresh");
    let built = s.build_with(sitrep::BuildOptions {
        output: Some(fresh),
        ..s.options()
    });
    snapshot(&built.out)
}
