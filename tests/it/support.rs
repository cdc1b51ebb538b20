//! A small harness so tests read like
//! `site("basic").build().page("/frigate/").comment("c4").is_inside("c2")`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use chrono::{DateTime, Utc};
use scraper::{ElementRef, Html, Selector};
use sitrep::{BuildOptions, Error};

/// The clock every test build runs at, so scheduled articles are decided the same way always.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-28T00:00:00Z")
        .unwrap()
        .to_utc()
}

/// A site in a temporary folder.
pub struct TestSite {
    pub dir: Rc<tempfile::TempDir>,
}

/// A copy of `tests/fixtures/<name>` in a fresh temporary folder.
pub fn site(name: &str) -> TestSite {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    copy_tree(&from, &dir.path().join("site"));
    TestSite { dir: Rc::new(dir) }
}

/// A copy of the demo site (the repository's own site.toml, content, templates and static).
pub fn demo() -> TestSite {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = dir.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::copy(repo.join("site.toml"), site.join("site.toml")).unwrap();
    for folder in ["content", "templates", "static"] {
        copy_tree(&repo.join(folder), &site.join(folder));
    }
    TestSite { dir: Rc::new(dir) }
}

impl TestSite {
    /// A site with one author, `x`, and nothing else, for tests that write their own content.
    pub fn empty() -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        let s = TestSite { dir: Rc::new(dir) };
        s.file(
            "site.toml",
            "title = \"Test Desk\"\nbase_url = \"https://test.example/\"\n",
        );
        s.file("content/authors/x.toml", "name = \"X\"\n");
        s
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl TestSite {
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    pub fn output(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Writes (or replaces) a file of the site.
    pub fn file(&self, path: &str, text: &str) -> &Self {
        let path = self.root().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    pub fn remove(&self, path: &str) -> &Self {
        let path = self.root().join(path);
        if path.is_dir() {
            std::fs::remove_dir_all(path).unwrap();
        } else {
            std::fs::remove_file(path).unwrap();
        }
        self
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            now: now(),
            ..BuildOptions::new(self.root())
        }
    }

    /// Builds with the test clock; panics with the errors if the build fails.
    pub fn build(&self) -> Built {
        self.build_with(self.options())
    }

    pub fn build_with(&self, options: BuildOptions) -> Built {
        let output = options.output.clone().unwrap_or_else(|| self.output());
        match sitrep::build(&options) {
            Ok(report) => Built {
                out: output,
                report,
                _site: Rc::clone(&self.dir),
            },
            Err(e) => panic!("build failed:\n{e}"),
        }
    }

    /// Builds expecting failure; the errors as the user sees them, one per line.
    pub fn errors(&self) -> Vec<String> {
        match sitrep::build(&self.options()) {
            Ok(_) => panic!("the build should have failed"),
            Err(Error::Invalid { errors, .. }) => errors.iter().map(ToString::to_string).collect(),
            Err(other) => vec![other.to_string()],
        }
    }
}

/// Asserts there is one error per prefix, each starting with its prefix (for messages whose
/// tail comes from a parser and may be worded differently by its next version).
pub fn assert_prefixes(errors: &[String], prefixes: &[&str]) {
    assert_eq!(errors.len(), prefixes.len(), "{errors:#?}");
    for (error, prefix) in errors.iter().zip(prefixes) {
        assert!(
            error.starts_with(prefix),
            "{error:?} should start with {prefix:?}"
        );
    }
}

/// A finished build.
pub struct Built {
    pub out: PathBuf,
    pub report: sitrep::BuildReport,
    /// Keeps the temporary folder alive as long as the build is looked at.
    _site: Rc<tempfile::TempDir>,
}

impl Built {
    /// The page at a site URL such as `/frigate/` or `/404.html`, parsed.
    pub fn page(&self, url: &str) -> Page {
        let rel = url.trim_start_matches('/');
        let path = if rel.is_empty() || rel.ends_with('/') {
            self.out.join(rel).join("index.html")
        } else {
            self.out.join(rel)
        };
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Page {
            html: Html::parse_document(&text),
            text,
        }
    }

    /// The build's warnings as the user sees them.
    pub fn warnings(&self) -> Vec<String> {
        self.report
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    pub fn exists(&self, path: &str) -> bool {
        self.out.join(path.trim_start_matches('/')).exists()
    }
}

/// Every file under `dir` with its bytes, for comparing whole outputs.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// A parsed page.
pub struct Page {
    pub html: Html,
    pub text: String,
}

pub fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"))
}

impl Page {
    pub fn all(&self, css: &str) -> Vec<ElementRef<'_>> {
        self.html.select(&sel(css)).collect()
    }

    pub fn one(&self, css: &str) -> ElementRef<'_> {
        let found = self.all(css);
        assert_eq!(
            found.len(),
            1,
            "expected one `{css}`, found {}",
            found.len()
        );
        found[0]
    }

    /// The text of the one element matching `css`, whitespace collapsed.
    /// (text, `href`) of every link matching `css`, text with white space collapsed.
    pub fn links(&self, css: &str) -> Vec<(String, String)> {
        self.all(css)
            .iter()
            .map(|a| {
                let text = squash(&a.text().collect::<String>());
                (text, a.value().attr("href").unwrap_or_default().to_string())
            })
            .collect()
    }

    pub fn text_of(&self, css: &str) -> String {
        squash(&self.one(css).text().collect::<String>())
    }

    /// The comment element `li#comment-<id>`.
    pub fn comment(&self, id: &str) -> CommentEl<'_> {
        CommentEl(self.one(&format!("li[id=\"comment-{id}\"]")))
    }

    /// Ids of the comments in document order.
    pub fn comment_ids(&self) -> Vec<String> {
        self.all("li.comment").into_iter().map(comment_id).collect()
    }
}

/// `c4` for the element `li#comment-c4`.
fn comment_id(element: ElementRef<'_>) -> String {
    let id = element.value().id().expect("comment elements have ids");
    id.trim_start_matches("comment-").to_string()
}

pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A comment's element.
pub struct CommentEl<'a>(pub ElementRef<'a>);

impl<'a> CommentEl<'a> {
    /// The ids of the comments this one is nested inside, nearest first.
    pub fn ancestors(&self) -> Vec<String> {
        self.0
            .ancestors()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "li" && e.value().classes().any(|c| c == "comment"))
            .map(comment_id)
            .collect()
    }

    pub fn is_inside(&self, id: &str) -> bool {
        self.ancestors().iter().any(|a| a == id)
    }

    /// The comment it is shown directly under, if any.
    pub fn shown_under(&self) -> Option<String> {
        self.ancestors().into_iter().next()
    }

    pub fn depth(&self) -> usize {
        self.ancestors().len() + 1
    }

    pub fn has_class(&self, class: &str) -> bool {
        self.0.value().classes().any(|c| c == class)
    }

    /// The text of the first element matching `css` inside this comment's own body (not its
    /// replies').
    pub fn own(&self, css: &str) -> Option<ElementRef<'a>> {
        let body = self.0.select(&sel(":scope > .comment-body")).next()?;
        body.select(&sel(css)).next()
    }
}
