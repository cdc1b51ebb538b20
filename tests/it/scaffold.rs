//! `sitrep init` and `sitrep new`, run as the real binary: what they write must build into the
//! pages an editor expects, and nothing they are refused may touch the site.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use scraper::Html;

use crate::support::{Page, TestSite, now, sel, site, snapshot, squash};

/// The clock `new` runs at: the evening before the builds, so what it writes is not scheduled.
fn new_at() -> i64 {
    now().timestamp() - 14 * 3600
}

/// What one run of the binary did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn ok(self) -> Run {
        assert_eq!(self.code, Some(0), "stderr: {}", self.stderr);
        self
    }

    fn refused(self) -> Run {
        assert_eq!(self.code, Some(1), "stdout: {}", self.stdout);
        assert!(self.stdout.is_empty(), "{}", self.stdout);
        self
    }

    /// The files it reported writing (`init` then says what to do next).
    fn written(&self) -> Vec<PathBuf> {
        self.stdout
            .lines()
            .filter(|l| !l.starts_with("next: "))
            .map(|l| PathBuf::from(l.strip_prefix("wrote ").expect(l)))
            .collect()
    }

    /// The one file it reported writing.
    fn file(&self) -> PathBuf {
        let written = self.written();
        assert_eq!(written.len(), 1, "{written:?}");
        written[0].clone()
    }
}

/// Runs `sitrep` with `args`, `stdin` as its standard input, at the time `epoch`.
fn sitrep_at(epoch: i64, args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// `sitrep new ...` in the site at `root`.
fn new(root: &Path, args: &[&str]) -> Run {
    new_with_body(root, args, "")
}

fn new_with_body(root: &Path, args: &[&str], body: &str) -> Run {
    let root = root.to_str().unwrap();
    let mut all = vec!["new"];
    all.extend(args);
    all.extend(["--root", root]);
    sitrep_at(new_at(), &all, body)
}

/// A site built by the binary.
struct Out(PathBuf);

impl Out {
    fn page(&self, url: &str) -> Page {
        let path = self.0.join(url.trim_start_matches('/')).join("index.html");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Page {
            html: Html::parse_document(&text),
            text,
        }
    }

    fn has(&self, url: &str) -> bool {
        self.0
            .join(url.trim_start_matches('/'))
            .join("index.html")
            .exists()
    }
}

/// `sitrep build` of the site at `root` into `<root>/<output>`, at the test clock.
fn build(root: &Path, output: &str, drafts: bool) -> Out {
    let out = root.join(output);
    let mut args = vec![
        "build",
        "--quiet",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ];
    if drafts {
        args.push("--drafts");
    }
    sitrep_at(now().timestamp(), &args, "").ok();
    Out(out)
}

/// The `<h1>` of an article page.
fn headline(page: &Page) -> String {
    page.text_of("h1.article-title")
}

/// The id of a comment file (`…/<id>.md`).
fn id_of(path: &Path) -> String {
    path.file_stem().unwrap().to_str().unwrap().to_string()
}

const SAMPLE: &str = "/coastal-radar-upgrade-passes-first-acceptance-test/";

#[test]
fn init_makes_a_site_whose_first_build_shows_the_sample() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ridgeline-news");
    let run = sitrep_at(new_at(), &["init", dir.to_str().unwrap()], "").ok();
    assert!(
        run.stdout
            .trim_end()
            .ends_with("sitrep serve   (and set base_url in site.toml to the site's address)"),
        "{}",
        run.stdout
    );
    let written = run.written();
    let mut sorted = written.clone();
    sorted.sort();
    assert_eq!(written, sorted);
    // The theme is copied out byte for byte, to be customised.
    for (folder, files) in [
        ("templates", sitrep::render::templates::BUILTIN),
        ("static", sitrep::render::templates::BUILTIN_STATIC),
    ] {
        for (name, text) in files {
            let path = dir.join(folder).join(name);
            assert!(written.contains(&path), "{} not reported", path.display());
            assert_eq!(std::fs::read_to_string(&path).unwrap(), *text);
        }
    }
    assert!(written.contains(&dir.join("site.toml")));

    // The first build is clean: no warning about the placeholder address.
    let report = sitrep::build(&sitrep::BuildOptions::new(&dir)).unwrap();
    assert_eq!(report.warnings, Vec::new());
    let ignored = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    for line in ["/public/", "/.public.sitrep-*", "/moderation/"] {
        assert!(ignored.lines().any(|l| l == line), "{ignored}");
    }
    let out = build(&dir, "public", false);
    let page = out.page(SAMPLE);
    assert_eq!(
        headline(&page),
        "Coastal radar upgrade passes first acceptance test"
    );
    let comments = page.all("section#comments li.comment");
    assert_eq!(comments.len(), 1);
    let comment = page.comment("20260105-101500-001");
    assert_eq!(comment.depth(), 1);
    assert_eq!(
        squash(
            &comment
                .own(".comment-author")
                .unwrap()
                .text()
                .collect::<String>()
        ),
        "Former radar operator"
    );
    let byline = page.one(".byline a[rel=author]");
    assert_eq!(byline.value().attr("href"), Some("/author/elin-marsh/"));
    assert_eq!(squash(&byline.text().collect::<String>()), "Elin Marsh");
    assert!(out.has("/author/elin-marsh/"));
    // Published, not a draft: the home page lists it, under the title from the folder's name.
    let home = out.page("/");
    assert_eq!(home.text_of("a.site-title"), "Ridgeline News");
    let links: Vec<&str> = home
        .all("a")
        .into_iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(links.contains(&SAMPLE), "{links:?}");
}

#[test]
fn init_copies_the_theme_the_binary_would_use() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("desk");
    sitrep_at(new_at(), &["init", dir.to_str().unwrap()], "").ok();
    let copied = snapshot(&build(&dir, "public", false).0);
    std::fs::remove_dir_all(dir.join("templates")).unwrap();
    std::fs::remove_dir_all(dir.join("static")).unwrap();
    let built_in = snapshot(&build(&dir, "public-built-in", false).0);
    assert_eq!(
        copied.keys().collect::<Vec<_>>(),
        built_in.keys().collect::<Vec<_>>()
    );
    assert!(copied == built_in, "the copied theme builds other pages");
}

#[test]
fn init_uses_an_empty_folder_and_refuses_any_other() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    sitrep_at(new_at(), &["init", empty.to_str().unwrap()], "").ok();
    assert!(empty.join("site.toml").is_file());

    let busy = tmp.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("notes.txt"), "mine").unwrap();
    let before = snapshot(&busy);
    let run = sitrep_at(new_at(), &["init", busy.to_str().unwrap()], "").refused();
    assert_eq!(
        run.stderr.trim_end(),
        format!(
            "error: {} is not empty: sitrep init makes a site in a new or empty folder so that \
             nothing is overwritten; pass another folder",
            busy.display()
        )
    );
    assert_eq!(snapshot(&busy), before);
    assert_eq!(std::fs::read_dir(&busy).unwrap().count(), 1);

    let file = busy.join("notes.txt");
    let run = sitrep_at(new_at(), &["init", file.to_str().unwrap()], "").refused();
    assert!(run.stderr.contains("is not a folder"), "{}", run.stderr);
    assert_eq!(snapshot(&busy), before);
}

#[test]
fn a_new_article_is_a_draft_until_published() {
    let s = site("basic");
    let run = new(
        &s.root(),
        &[
            "article",
            "Frigate refit slips to 2028",
            "--author",
            "ann-author",
        ],
    )
    .ok();
    let path = run.file();
    assert_eq!(
        path,
        s.root()
            .join("content/articles/frigate-refit-slips-to-2028.md")
    );

    let preview = build(&s.root(), "preview", true);
    let page = preview.page("/frigate-refit-slips-to-2028/");
    assert_eq!(headline(&page), "Frigate refit slips to 2028");
    let byline = page.one(".byline a[rel=author]");
    assert_eq!(byline.value().attr("href"), Some("/author/ann-author/"));
    // Dated when it was written, to the second.
    let time = page.one(".byline time");
    assert_eq!(time.value().attr("datetime"), Some("2026-11-27T10:00:00Z"));

    let public = build(&s.root(), "public", false);
    assert!(public.has("/frigate/"));
    assert!(!public.has("/frigate-refit-slips-to-2028/"));
}

#[test]
fn cyrillic_headlines_get_transliterated_slugs() {
    let s = site("basic");
    let run = new(
        &s.root(),
        &["article", "Київ посилює ППО", "--author", "bob-byline"],
    )
    .ok();
    assert_eq!(
        run.file(),
        s.root().join("content/articles/kyiv-posyliuie-ppo.md")
    );
    let page = build(&s.root(), "preview", true).page("/kyiv-posyliuie-ppo/");
    assert_eq!(headline(&page), "Київ посилює ППО");
}

#[test]
fn quotes_and_backslashes_in_a_headline_reach_the_page_unchanged() {
    let s = site("basic");
    let title = r#"The "Tempest" deal \ C:\drive, 'quoted' & <b>not bold</b>"#;
    let run = new(&s.root(), &["article", title, "--author", "ann-author"]).ok();
    let slug = id_of(&run.file());
    let page = build(&s.root(), "preview", true).page(&format!("/{slug}/"));
    assert_eq!(headline(&page), title);
    assert!(page.all("h1 b").is_empty());
    assert!(
        page.text_of("title").starts_with(title),
        "{}",
        page.text_of("title")
    );
}

#[test]
fn a_new_article_never_overwrites_one() {
    let s = site("basic");
    let args = ["article", "Shipyard strike ends", "--author", "ann-author"];
    let path = new(&s.root(), &args).ok().file();
    std::fs::write(&path, "+++\ntitle = \"Edited\"\n").unwrap();
    let before = snapshot(&s.root());

    let run = new(&s.root(), &args).refused();
    assert_eq!(
        run.stderr.trim_end(),
        "error: content/articles/shipyard-strike-ends.md already exists: pick another headline \
         (the title can be changed in the file afterwards), or edit that file"
    );
    // Nor when the slug is taken by the other form of article.
    let mut bundled = args.to_vec();
    bundled.push("--bundle");
    let run = new(&s.root(), &bundled).refused();
    assert_eq!(
        run.stderr.trim_end(),
        "error: the slug `shipyard-strike-ends` is already taken by \
         content/articles/shipyard-strike-ends.md: pick another headline (the title can be \
         changed in the file afterwards)"
    );
    // Nor when an existing article has claimed it with its `slug` field.
    let run = new(&s.root(), &["article", "Bundle", "--author", "ann-author"]).refused();
    assert!(run.stderr.contains("already"), "{}", run.stderr);
    assert_eq!(snapshot(&s.root()), before);
}

#[test]
fn bundle_makes_a_folder_for_the_article_and_its_images() {
    let s = site("basic");
    let run = new(
        &s.root(),
        &[
            "article",
            "Patrol ship sea trials",
            "--author",
            "ann-author",
            "--bundle",
        ],
    )
    .ok();
    let path = run.file();
    assert_eq!(
        path,
        s.root()
            .join("content/articles/patrol-ship-sea-trials/index.md")
    );
    std::fs::write(path.with_file_name("lead.svg"), "<svg/>").unwrap();
    let preview = build(&s.root(), "preview", true);
    assert_eq!(
        headline(&preview.page("/patrol-ship-sea-trials/")),
        "Patrol ship sea trials"
    );
    assert!(preview.0.join("patrol-ship-sea-trials/lead.svg").is_file());

    let run = new(
        &s.root(),
        &[
            "article",
            "Patrol ship sea trials",
            "--author",
            "ann-author",
        ],
    )
    .refused();
    assert!(
        run.stderr
            .contains("taken by content/articles/patrol-ship-sea-trials/index.md"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_author_must_be_one_of_the_sites() {
    let s = site("basic");
    let before = snapshot(&s.root());
    let run = new(&s.root(), &["article", "Budget day"]).refused();
    assert_eq!(
        run.stderr.trim_end(),
        "error: the site has 3 authors: pass --author with one of ann-author, bob-byline, cy-nobody"
    );
    let run = new(
        &s.root(),
        &["article", "Budget day", "--author", "ann-autor"],
    )
    .refused();
    assert_eq!(
        run.stderr.trim_end(),
        "error: author \"ann-autor\" is not in content/authors/ (did you mean \"ann-author\"?): \
         pass the id of an author (the file name without .toml)"
    );
    assert_eq!(snapshot(&s.root()), before);

    // A site with one author needs no --author.
    let one = TestSite::empty();
    new(&one.root(), &["article", "Budget day"]).ok();
    let page = build(&one.root(), "preview", true).page("/budget-day/");
    let byline = page.one(".byline a[rel=author]");
    assert_eq!(byline.value().attr("href"), Some("/author/x/"));
}

#[test]
fn a_new_author_can_write_at_once() {
    let s = site("basic");
    let path = new(&s.root(), &["author", "kit-harlow"]).ok().file();
    assert_eq!(path, s.root().join("content/authors/kit-harlow.toml"));
    new(
        &s.root(),
        &[
            "article",
            "Reserve call-up widened",
            "--author",
            "kit-harlow",
        ],
    )
    .ok();
    let preview = build(&s.root(), "preview", true);
    let page = preview.page("/reserve-call-up-widened/");
    let byline = page.one(".byline a[rel=author]");
    assert_eq!(byline.value().attr("href"), Some("/author/kit-harlow/"));
    assert_eq!(squash(&byline.text().collect::<String>()), "Kit Harlow");
    assert!(preview.has("/author/kit-harlow/"));

    let before = snapshot(&s.root());
    for bad in ["Kit-Harlow", "../kit", "kit harlow", "kit-harlow"] {
        new(&s.root(), &["author", bad]).refused();
    }
    assert_eq!(snapshot(&s.root()), before);
    assert!(!s.root().join("content/kit.toml").exists());
}

#[test]
fn a_hostile_comment_is_filed_and_shown_escaped() {
    let s = site("basic");
    let name = "Eve \"\n+++\n<b>bold</b>";
    let body = "Nice piece <img src=x onerror=alert(1)>\n+++\n<script>alert(2)</script>\n\nSecond paragraph.\n";
    let path = new_with_body(&s.root(), &["comment", "frigate", "--author", name], body)
        .ok()
        .file();
    assert_eq!(
        path.parent().unwrap(),
        s.root().join("content/comments/frigate")
    );

    let page = build(&s.root(), "public", false).page("/frigate/");
    assert_eq!(page.text_of("#comments-title"), "8 Comments");
    let comment = page.comment(&id_of(&path));
    assert!(
        page.all("section#comments li.comment")
            .iter()
            .any(|c| c.id() == comment.0.id())
    );
    assert_eq!(comment.depth(), 1);
    assert!(page.all("img[onerror]").is_empty());
    assert!(comment.0.select(&sel("img, script")).next().is_none());
    let author = comment.own(".comment-author").unwrap();
    assert_eq!(author.text().collect::<String>(), name);
    assert!(author.select(&sel("b")).next().is_none());
    let content = squash(
        &comment
            .own(".comment-content")
            .unwrap()
            .text()
            .collect::<String>(),
    );
    assert!(content.starts_with("Nice piece"), "{content}");
    assert!(content.ends_with("Second paragraph."), "{content}");
}

#[test]
fn comments_in_one_second_get_distinct_ids_in_order() {
    let s = site("basic");
    let args = ["comment", "frigate", "--author", "Reader"];
    let first = new_with_body(&s.root(), &args, "First.").ok().file();
    let second = new_with_body(&s.root(), &args, "Second.").ok().file();
    let (a, b) = (id_of(&first), id_of(&second));
    assert_eq!(a, "20261127-100000-001");
    assert_eq!(b, "20261127-100000-002");
    let later = sitrep_at(
        new_at() + 1,
        &[
            "new",
            "comment",
            "frigate",
            "--author",
            "Reader",
            "--root",
            s.root().to_str().unwrap(),
        ],
        "Third.",
    )
    .ok()
    .file();
    let c = id_of(&later);
    assert!(a < b && b < c, "{a} {b} {c}");

    let page = build(&s.root(), "public", false).page("/frigate/");
    let ids = page.comment_ids();
    let at = |id: &str| ids.iter().position(|x| x == id).unwrap();
    assert!(at(&a) < at(&b) && at(&b) < at(&c), "{ids:?}");
}

#[test]
fn a_comment_needs_an_article_a_parent_a_name_and_a_body() {
    let s = site("basic");
    let before = snapshot(&s.root());
    let refused = |args: &[&str], body: &str| new_with_body(&s.root(), args, body).refused().stderr;
    let stderr = refused(&["comment", "frigat", "--author", "R"], "Text");
    assert_eq!(
        stderr.trim_end(),
        "error: there is no article `frigat` in content/articles/ (did you mean \"frigate\"?): \
         pass the slug of the article commented on"
    );
    let stderr = refused(
        &["comment", "frigate", "--author", "R", "--parent", "c7x"],
        "Text",
    );
    assert_eq!(
        stderr.trim_end(),
        "error: parent \"c7x\" is not a comment on `frigate` (did you mean \"c7\"?): pass the id \
         of a comment in content/comments/frigate/ (its file name without .md)"
    );
    let stderr = refused(&["comment", "frigate", "--author", "  "], "Text");
    assert!(stderr.contains("name is empty"), "{stderr}");
    let stderr = refused(&["comment", "frigate", "--author", "R"], " \n\t\n");
    assert!(stderr.contains("the comment is empty"), "{stderr}");
    let stderr = refused(&["comment", "../frigate", "--author", "R"], "Text");
    assert!(stderr.contains("../frigate"), "{stderr}");
    assert_eq!(snapshot(&s.root()), before);
}

#[test]
fn a_reply_nests_inside_its_parent() {
    let s = site("basic");
    let top = new_with_body(
        &s.root(),
        &["comment", "frigate", "--author", "First reader"],
        "A question.",
    )
    .ok()
    .file();
    let top = id_of(&top);
    let reply = new_with_body(
        &s.root(),
        &[
            "comment",
            "frigate",
            "--author",
            "Ann Author",
            "--parent",
            &top,
        ],
        "An answer.",
    )
    .ok()
    .file();
    let reply = id_of(&reply);
    let to_old = new_with_body(
        &s.root(),
        &[
            "comment",
            "frigate",
            "--author",
            "Late reader",
            "--parent",
            "c1",
        ],
        "Agreed.",
    )
    .ok()
    .file();

    let page = build(&s.root(), "public", false).page("/frigate/");
    let nested = page.all(&format!(
        "li[id=\"comment-{top}\"] li[id=\"comment-{reply}\"]"
    ));
    assert_eq!(nested.len(), 1);
    assert_eq!(
        page.comment(&reply).shown_under().as_deref(),
        Some(top.as_str())
    );
    assert_eq!(
        page.comment(&id_of(&to_old)).shown_under().as_deref(),
        Some("c1")
    );
}

#[test]
fn comments_go_with_an_article_renamed_by_its_slug_field() {
    let s = site("basic");
    s.file(
        "content/articles/old-file-name.md",
        "+++\ntitle = \"Renamed\"\ndate = 2026-11-02\nauthor = \"ann-author\"\nslug = \"renamed\"\n+++\nText\n",
    );
    let by_slug = new_with_body(&s.root(), &["comment", "renamed", "--author", "R"], "One.")
        .ok()
        .file();
    assert_eq!(
        by_slug.parent().unwrap(),
        s.root().join("content/comments/renamed")
    );
    // By the file's name too, into the same folder.
    let by_stem = new_with_body(
        &s.root(),
        &[
            "comment",
            "old-file-name",
            "--author",
            "R",
            "--parent",
            &id_of(&by_slug),
        ],
        "Two.",
    )
    .ok()
    .file();
    assert_eq!(by_stem.parent(), by_slug.parent());

    let page = build(&s.root(), "public", false).page("/renamed/");
    assert!(page.comment(&id_of(&by_stem)).is_inside(&id_of(&by_slug)));
}
