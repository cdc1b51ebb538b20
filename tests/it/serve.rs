//! `sitrep serve`: the real binary on a free port, pages fetched over HTTP, files edited, the
//! reload event read from the event stream as a browser would; and the incremental rebuild held
//! to a fresh build of the same files, output by output.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use scraper::Html;
use sitrep::BuildOptions;
use sitrep::serve::session::{Body, How, Outcome, Session, Snapshot};

use crate::support::{Page, TestSite, now, site};

/// A running `sitrep serve`, stopped when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT/`
    pub url: String,
    agent: ureq::Agent,
    /// What it prints after the line with its address.
    output: Receiver<String>,
}

impl Server {
    pub fn start(site: &TestSite) -> Server {
        Server::start_on(site, 0)
    }

    fn start_on(site: &TestSite, port: u16) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sitrep"))
            .args(["serve", "--port", &port.to_string(), "--root"])
            .arg(site.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("serve ended before it was ready")
                .unwrap();
            if let Some(at) = line.find("http://") {
                break line[at..].split_whitespace().next().unwrap().to_string();
            }
        };
        // The rest of its output is read as it comes (so the server never blocks) and kept.
        let (sender, output) = channel();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        Server {
            child,
            url,
            agent,
            output,
        }
    }

    /// The status and body at `path`.
    pub fn get(&self, path: &str) -> (u16, String) {
        let mut response = self
            .agent
            .get(format!("{}{}", self.url, path.trim_start_matches('/')))
            .call()
            .unwrap();
        let status = response.status().as_u16();
        (status, response.body_mut().read_to_string().unwrap())
    }

    pub fn page(&self, path: &str) -> (u16, Page) {
        let (status, html) = self.get(path);
        let page = Page {
            html: Html::parse_document(&html),
            text: html,
        };
        (status, page)
    }

    /// Listens on the event stream as an open page does; each reload event arrives on the
    /// channel once the stream is open.
    pub fn listen(&self) -> Receiver<String> {
        let response = ureq::get(format!("{}__sitrep/live", self.url))
            .call()
            .unwrap();
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        let (sender, receiver) = channel();
        let mut lines = BufReader::new(response.into_body().into_reader()).lines();
        // The stream opens with its retry line and names the latest build: from then on no
        // reload can be missed.
        assert_eq!(lines.next().unwrap().unwrap(), "retry: 500");
        assert_eq!(lines.next().unwrap().unwrap(), "");
        assert_eq!(lines.next().unwrap().unwrap(), "event: reload");
        assert!(lines.next().unwrap().unwrap().starts_with("data: "));
        std::thread::spawn(move || {
            for line in lines {
                let Ok(line) = line else { return };
                if let Some(event) = line.strip_prefix("event: ")
                    && sender.send(event.to_string()).is_err()
                {
                    return;
                }
            }
        });
        receiver
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for the next reload event.
fn reloaded(events: &Receiver<String>) {
    let event = events
        .recv_timeout(Duration::from_secs(10))
        .expect("no reload event within 10 s of the edit");
    assert_eq!(event, "reload");
}

/// Whether the element `css` of `page` sits inside an element matching `outer`.
fn inside(page: &Page, css: &str, outer: &str) -> bool {
    let outer = crate::support::sel(outer);
    page.all(css).iter().any(|el| {
        el.ancestors()
            .filter_map(scraper::ElementRef::wrap)
            .any(|a| outer.matches(&a))
    })
}

#[test]
fn serve_shows_the_site_and_reloads_pages_after_an_edit() {
    let site = site("basic");
    let server = Server::start(&site);
    let (status, page) = server.page("/frigate/");
    assert_eq!(status, 200);
    assert_eq!(
        page.text_of("h1.article-title"),
        "Frigate programme slips again"
    );
    // The reload script is in the body of every page served, and its address is served.
    assert!(inside(&page, "script[data-sitrep-live]", "body"));
    let events = server.listen();

    let frigate = site.root().join("content/articles/frigate.md");
    let text = std::fs::read_to_string(&frigate).unwrap();
    std::fs::write(
        &frigate,
        format!("{text}\nA paragraph added in the preview.\n"),
    )
    .unwrap();
    reloaded(&events);
    let (_, page) = server.page("/frigate/");
    let added: Vec<String> = page
        .all(".article-body p")
        .iter()
        .map(|p| p.text().collect())
        .collect();
    assert!(
        added
            .iter()
            .any(|p| p == "A paragraph added in the preview."),
        "{added:?}"
    );

    // serve builds into memory: nothing is written to the deploy output.
    assert!(!site.output().exists());
}

#[test]
fn drafts_and_scheduled_articles_are_shown_and_marked() {
    let site = site("basic");
    let server = Server::start(&site);
    let (status, draft) = server.page("/draft/");
    assert_eq!(status, 200);
    assert!(inside(&draft, "p.status-draft", "header.article-header"));
    let (_, future) = server.page("/future/");
    assert!(inside(
        &future,
        "p.status-scheduled",
        "header.article-header"
    ));
    // A published article carries no mark.
    let (_, frigate) = server.page("/frigate/");
    assert!(frigate.all(".status").is_empty());
    // In lists, the mark is on the card of the article it belongs to.
    let (_, home) = server.page("/");
    let card = home
        .all("li.card")
        .into_iter()
        .find(|card| {
            card.select(&crate::support::sel("h2 a[href='/future/']"))
                .next()
                .is_some()
        })
        .expect("the scheduled article is listed on the home page");
    assert!(
        card.select(&crate::support::sel("p.status-scheduled"))
            .next()
            .is_some()
    );
}

#[test]
fn a_broken_edit_shows_its_error_in_the_browser_and_the_fix_restores_the_site() {
    let site = site("basic");
    let server = Server::start(&site);
    let events = server.listen();
    let frigate = site.root().join("content/articles/frigate.md");
    let good = std::fs::read_to_string(&frigate).unwrap();
    std::fs::write(
        &frigate,
        good.replacen("title = \"Frigate", "title = \"Frigate\nx", 1),
    )
    .unwrap();
    reloaded(&events);

    let (status, page) = server.page("/frigate/");
    assert_eq!(status, 500);
    let errors: Vec<String> = page
        .all("ol.sitrep-errors > li > p")
        .iter()
        .map(|p| p.text().collect())
        .collect();
    // `file:line:column: message`, the line and column where the string breaks off.
    let located = |e: &String| {
        let parts: Vec<&str> = e.splitn(4, ':').collect();
        parts.len() == 4
            && parts[0] == "content/articles/frigate.md"
            && parts[1]
                .parse::<usize>()
                .is_ok_and(|line| (2..=3).contains(&line))
            && parts[2].parse::<usize>().is_ok()
    };
    assert!(errors.iter().any(located), "{errors:?}");
    // The error page reloads by itself once the file is fixed; other pages show the errors
    // too, and styles are still served.
    assert!(inside(&page, "script[data-sitrep-live]", "body"));
    assert_eq!(server.get("/").0, 500);
    assert_eq!(server.get("/css/sitrep.css").0, 200);

    std::fs::write(&frigate, &good).unwrap();
    reloaded(&events);
    // The terminal says so too (issue 14).
    loop {
        let line = (server.output.recv_timeout(Duration::from_secs(10)))
            .expect("serve printed no `fixed:` line after the fix");
        if line.starts_with("fixed:") {
            break;
        }
    }
    let (status, page) = server.page("/frigate/");
    assert_eq!(status, 200);
    assert_eq!(
        page.text_of("h1.article-title"),
        "Frigate programme slips again"
    );
}

#[test]
fn a_changed_headline_and_a_new_comment_reach_every_page_that_shows_them() {
    let site = site("basic");
    let server = Server::start(&site);
    let events = server.listen();
    let budget = site.root().join("content/articles/budget.md");
    let text = std::fs::read_to_string(&budget).unwrap();
    let title = text
        .lines()
        .find(|l| l.starts_with("title"))
        .unwrap()
        .to_string();
    std::fs::write(
        &budget,
        text.replacen(&title, "title = \"Budget rewritten\"", 1),
    )
    .unwrap();
    reloaded(&events);
    let (_, article) = server.page("/budget/");
    assert_eq!(article.text_of("h1.article-title"), "Budget rewritten");
    let (_, list) = server.page("/category/analysis/");
    let titles: Vec<String> = list
        .all("li.card h2 a")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert!(
        titles.contains(&"Budget rewritten".to_string()),
        "{titles:?}"
    );
    let (_, feed) = server.get("/feed.xml");
    let feed = roxmltree::Document::parse(&feed).unwrap();
    assert!(
        feed.descendants()
            .any(|n| n.has_tag_name("title") && n.text() == Some("Budget rewritten"))
    );

    // A comment arrives on the frigate story: it is on the page, inside its parent, escaped.
    let (_, before) = server.page("/frigate/");
    site.file(
        "content/comments/frigate/c9.md",
        "+++\nauthor = \"Late <b>reader</b>\"\ndate = 2026-11-25T10:00:00Z\nparent = \"c1\"\n+++\nI was <script>alert(1)</script> here.\n",
    );
    reloaded(&events);
    let (_, after) = server.page("/frigate/");
    assert_eq!(
        after.all("#comments [id^='comment-']").len(),
        before.all("#comments [id^='comment-']").len() + 1
    );
    assert!(after.comment("c9").is_inside("c1"));
    assert!(after.all("#comments script, #comments b").is_empty());
}

#[test]
fn a_taken_port_moves_serve_to_the_next_free_one() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let site = site("basic");
    let server = Server::start_on(&site, port);
    let served: u16 = server
        .url
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(served > port && served <= port + 20, "{port} → {served}");
    assert_eq!(server.get("/").0, 200);
}

#[test]
fn built_pages_never_carry_the_reload_script() {
    let site = site("basic");
    let built = site.build();
    for url in ["/", "/frigate/", "/draft/"] {
        if !built.exists(&format!("{}index.html", url.trim_start_matches('/'))) {
            continue;
        }
        assert!(built.page(url).all("script[data-sitrep-live]").is_empty());
    }
}

/// Every output of a snapshot, rendered.
fn outputs(snapshot: &Snapshot) -> Vec<(String, String)> {
    snapshot
        .paths()
        .into_iter()
        .map(|path| {
            let text = match snapshot.get(&path).unwrap() {
                Ok(Body::Text(text)) => text,
                Ok(Body::File(from)) => format!("(file {})", from.display()),
                Err(e) => panic!("{path}: {e:?}"),
            };
            (path, text)
        })
        .collect()
}

fn snapshot(outcome: Outcome) -> (std::sync::Arc<Snapshot>, How) {
    match outcome {
        Outcome::Built(snapshot, path, _) => (snapshot, path),
        Outcome::Failed(e) => panic!("{e}"),
        Outcome::Nothing | Outcome::Files => panic!("nothing was built"),
    }
}

/// After each edit, the session that follows the edits file by file has exactly the outputs of
/// a session that reads the whole site afresh.
#[test]
fn every_rebuild_equals_a_fresh_build() {
    let site = site("basic");
    let options = BuildOptions {
        drafts: true,
        now: now(),
        base_url: Some("http://127.0.0.1:1/".to_string()),
        ..BuildOptions::new(site.root())
    };
    let mut live = Session::pinned(options.clone());
    snapshot(live.rebuild(None));
    let frigate = std::fs::read_to_string(site.root().join("content/articles/frigate.md")).unwrap();
    type Edit = (&'static str, How, Box<dyn Fn(&TestSite)>);
    let edits: Vec<Edit> = vec![
        (
            "a body",
            How::Edited,
            Box::new(move |s: &TestSite| {
                s.file(
                    "content/articles/frigate.md",
                    &format!("{frigate}\nMore.\n\nA new first word.\n"),
                );
            }),
        ),
        (
            "a summary-less body",
            How::Edited,
            Box::new(|s: &TestSite| {
                let path = s.root().join("content/articles/closed.md");
                let text = std::fs::read_to_string(path).unwrap();
                let body = text.find("\n+++\n").unwrap() + 5;
                let text = format!(
                    "{}A new opening paragraph.\n\n{}",
                    &text[..body],
                    &text[body..]
                );
                s.file("content/articles/closed.md", &text);
            }),
        ),
        (
            "a new comment",
            How::Edited,
            Box::new(|s: &TestSite| {
                s.file("content/comments/frigate/c8.md", "+++\nauthor = \"Ola\"\ndate = 2026-11-26T00:00:00Z\nparent = \"c2\"\n+++\nAgreed.\n");
            }),
        ),
        (
            "a changed comment",
            How::Edited,
            Box::new(|s: &TestSite| {
                s.file("content/comments/frigate/c8.md", "+++\nauthor = \"Ola N.\"\ndate = 2026-11-26T00:00:00Z\n+++\nOn reflection, no.\n");
            }),
        ),
        (
            "a removed comment",
            How::Edited,
            Box::new(|s: &TestSite| {
                s.remove("content/comments/frigate/c8.md");
            }),
        ),
        (
            "a headline and a summary",
            How::Edited,
            Box::new(|s: &TestSite| {
                let path = s.root().join("content/articles/frigate.md");
                let text = std::fs::read_to_string(path).unwrap();
                let text = text
                    .replacen(
                        "title = \"Frigate programme slips again\"",
                        "title = \"Frigate programme slips a third time\"",
                        1,
                    )
                    .replacen(
                        "summary = \"The lead ship is a year late.\"",
                        "summary = \"Now two years late.\"",
                        1,
                    );
                s.file("content/articles/frigate.md", &text);
            }),
        ),
        (
            "a date",
            How::Resolved,
            Box::new(|s: &TestSite| {
                let path = s.root().join("content/articles/frigate.md");
                let text = std::fs::read_to_string(path).unwrap();
                s.file(
                    "content/articles/frigate.md",
                    &text.replacen(
                        "date = 2026-11-20T09:00:00Z",
                        "date = 2026-11-01T09:00:00Z",
                        1,
                    ),
                );
            }),
        ),
        (
            "a new tag",
            How::Resolved,
            Box::new(|s: &TestSite| {
                let text =
                    std::fs::read_to_string(s.root().join("content/articles/budget.md")).unwrap();
                s.file(
                    "content/articles/budget.md",
                    &text.replacen("tags = [", "tags = [\"Brand new tag\", ", 1),
                );
            }),
        ),
        (
            "a removed tag",
            How::Resolved,
            Box::new(|s: &TestSite| {
                let path = s.root().join("content/articles/frigate.md");
                let text = std::fs::read_to_string(path).unwrap();
                let text =
                    text.replacen("tags = [\"Navy\", \"Procurement\"]", "tags = [\"Navy\"]", 1);
                s.file("content/articles/frigate.md", &text);
            }),
        ),
        (
            "a new article",
            How::Resolved,
            Box::new(|s: &TestSite| {
                s.file("content/articles/late.md", "+++\ntitle = \"Late news\"\ndate = 2026-11-27\nauthor = \"bob-byline\"\ntags = [\"Navy\"]\n+++\nJust in.\n");
            }),
        ),
        (
            "an author's name",
            How::Resolved,
            Box::new(|s: &TestSite| {
                s.file(
                    "content/authors/bob-byline.toml",
                    "name = \"Robert Byline\"\n",
                );
            }),
        ),
        (
            "a template",
            How::Resolved,
            Box::new(|s: &TestSite| {
                s.file("templates/page.html", "{% extends \"base.html\" %}{% block content %}<p class=\"own\">{{ page.title }}</p>{% endblock content %}");
            }),
        ),
        (
            "a removed article",
            How::Resolved,
            Box::new(|s: &TestSite| {
                s.remove("content/articles/late.md");
            }),
        ),
        (
            "a static file",
            How::Loaded,
            Box::new(|s: &TestSite| {
                s.file("static/extra.txt", "hello");
            }),
        ),
    ];
    for (what, how, edit) in edits {
        let before = crate::support::snapshot(&site.root());
        edit(&site);
        let after = crate::support::snapshot(&site.root());
        // What a watcher would report: the files that came, went or were written.
        let changed: Vec<PathBuf> = before
            .keys()
            .chain(after.keys())
            .filter(|p| before.get(*p) != after.get(*p))
            .map(|p| site.root().join(p))
            .collect();
        assert!(!changed.is_empty(), "{what} changed nothing");
        let (incremental, path) = snapshot(live.rebuild(Some(&changed)));
        assert_eq!(path, how, "{what} took the wrong path");
        let (fresh, _) = snapshot(Session::pinned(options.clone()).rebuild(None));
        let (got, want) = (outputs(&incremental), outputs(&fresh));
        assert_eq!(
            got.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            want.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            "after {what}: the paths differ"
        );
        for ((path, a), (_, b)) in got.iter().zip(&want) {
            assert!(a == b, "after {what}: {path} differs from a fresh build");
        }
    }
}

#[test]
fn a_template_that_fails_to_render_shows_its_error_on_the_pages_it_makes() {
    let site = site("basic");
    let server = Server::start(&site);
    let events = server.listen();
    site.file(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ page.nothing.deeper }}</p>\n{% endblock content %}\n",
    );
    reloaded(&events);
    // Only pages made with that template fail, each with the template's file and line.
    let (status, page) = server.page("/about/");
    assert_eq!(status, 500);
    let errors: Vec<String> = page
        .all("ol.sitrep-errors > li > p")
        .iter()
        .map(|p| p.text().collect())
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("templates/page.html:3:")),
        "{errors:?}"
    );
    assert_eq!(server.get("/frigate/").0, 200);
    site.remove("templates/page.html");
    reloaded(&events);
    assert_eq!(server.get("/about/").0, 200);
}

/// Editors leave backup and lock files beside what they save: they change nothing, and a build
/// does not warn about them.
#[test]
fn editor_backup_files_are_not_changes() {
    let site = site("basic");
    let options = BuildOptions {
        drafts: true,
        now: now(),
        ..BuildOptions::new(site.root())
    };
    let mut live = Session::pinned(options);
    snapshot(live.rebuild(None));
    let names = [
        "content/articles/frigate.md~",
        "content/articles/#frigate.md#",
        "content/articles/.frigate.md.swp",
        "content/comments/frigate/c1.md~",
        "templates/.page.html.swp",
    ];
    for name in names {
        site.file(name, "scratch");
    }
    let mut paths: Vec<PathBuf> = names.iter().map(|n| site.root().join(n)).collect();
    assert!(matches!(live.rebuild(Some(&paths)), Outcome::Nothing));
    assert_eq!(site.build().warnings(), Vec::<String>::new());
    // Saved together with a real edit, they do not keep it off the quick path.
    let frigate = site.root().join("content/articles/frigate.md");
    let text = std::fs::read_to_string(&frigate).unwrap();
    std::fs::write(
        &frigate,
        format!(
            "{text}
Saved from an editor.
"
        ),
    )
    .unwrap();
    paths.push(frigate);
    let (_, how) = snapshot(live.rebuild(Some(&paths)));
    assert_eq!(how, How::Edited);
}

/// The errors of a rebuild, as the user reads them.
fn errors(outcome: Outcome) -> Vec<String> {
    match outcome {
        Outcome::Failed(sitrep::Error::Invalid { errors, .. }) => {
            errors.iter().map(|e| e.to_string()).collect()
        }
        Outcome::Failed(other) => vec![other.to_string()],
        _ => Vec::new(),
    }
}

/// A failing site stays failing, with a fresh build's errors, whatever is edited next; and once
/// fixed, it equals a fresh build again.
#[test]
fn failures_seen_while_serving_are_those_of_a_fresh_build() {
    let site = site("basic");
    let options = BuildOptions {
        drafts: true,
        now: now(),
        ..BuildOptions::new(site.root())
    };
    let mut live = Session::pinned(options.clone());
    snapshot(live.rebuild(None));
    let read = |path: &str| std::fs::read_to_string(site.root().join(path)).unwrap();
    let budget = read("content/articles/budget.md");
    let frigate = read("content/articles/frigate.md");
    // What each step is, and the files it writes (or removes, with `None`).
    type Step = (&'static str, Vec<(&'static str, Option<String>)>);
    let steps: Vec<Step> = vec![
        ("an unknown author", vec![("content/articles/budget.md", Some(budget.replacen("\"bob-byline\"", "\"bob-bylin\"", 1)))]),
        // Only a body: the quick path must not paper over the error above.
        ("a body while failing", vec![("content/articles/frigate.md", Some(format!("{frigate}\nMore.\n")))]),
        ("the fix", vec![("content/articles/budget.md", Some(budget.clone()))]),
        ("a staff reply", vec![("content/comments/frigate/c9.md", Some("+++\nauthor = \"Cy\"\ndate = 2026-11-26T00:00:00Z\nauthor_id = \"cy-nobody\"\n+++\nNoted.\n".to_string()))]),
        ("a broken author file", vec![("content/authors/cy-nobody.toml", Some("name = \n".to_string()))]),
        ("the author file gone", vec![("content/authors/cy-nobody.toml", None)]),
        ("all fixed", vec![("content/authors/cy-nobody.toml", Some("name = \"Cy Nobody\"\n".to_string()))]),
    ];
    for (what, writes) in steps {
        let mut changed = Vec::new();
        for (path, text) in writes {
            match text {
                Some(text) => site.file(path, &text),
                None => site.remove(path),
            };
            changed.push(site.root().join(path));
        }
        let got = live.rebuild(Some(&changed));
        let want = Session::pinned(options.clone()).rebuild(None);
        match (got, want) {
            (Outcome::Built(got, _, _), Outcome::Built(want, _, _)) => {
                assert_eq!(outputs(&got), outputs(&want), "after {what}");
            }
            (got, want) => {
                let (got, want) = (errors(got), errors(want));
                assert!(!want.is_empty(), "after {what}: a fresh build did not fail");
                assert_eq!(got, want, "after {what}");
            }
        }
    }
}

/// Issue 11: the layout rule had four copies that disagreed. A macOS `._` file in pages,
/// authors or comments failed `build` (it was read as content) but not `serve`; an Emacs lock (a
/// dangling symlink) failed every build; `x.md.md` was `/x.md/` to `build` and `/x/` to `serve`
/// after an edit. Now both read the site alike.
#[test]
fn build_and_serve_read_the_same_files_by_the_same_names() {
    let site = site("basic");
    let resource_fork = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \xff\xfe";
    for junk in [
        "content/pages/._about.md",
        "content/authors/._ann-author.toml",
        "content/comments/frigate/._c1.md",
    ] {
        std::fs::write(site.root().join(junk), resource_fork).unwrap();
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        "ed@desk.4242:1764000000",
        site.root().join("content/articles/.#frigate.md"),
    )
    .unwrap();
    let article = "+++\ntitle = \"Double extension\"\ndate = 2026-11-02\nauthor = \"ann-author\"\ntags = [\"One\"]\n+++\nBody.\n";
    site.file("content/articles/x.md.md", article);

    let built = site.build();
    assert!(built.exists("/x.md/"));
    assert!(!built.exists("/x/"));
    assert_eq!(built.warnings(), Vec::<String>::new());

    let options = BuildOptions {
        now: now(),
        ..BuildOptions::new(site.root())
    };
    let mut live = Session::pinned(options);
    snapshot(live.rebuild(None));
    site.file(
        "content/articles/x.md.md",
        &article.replace("[\"One\"]", "[\"Two\"]"),
    );
    let (served, _) = snapshot(live.rebuild(Some(&[site.root().join("content/articles/x.md.md")])));
    let paths = served.paths();
    assert!(paths.iter().any(|p| p == "x.md/index.html"), "{paths:?}");
    assert!(!paths.iter().any(|p| p == "x/index.html"), "{paths:?}");
    assert!(paths.iter().any(|p| p == "tag/two/index.html"), "{paths:?}");
}
