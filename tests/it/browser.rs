//! `sitrep serve` in a real browser: headless Chromium, driven through chromedriver over the W3C
//! WebDriver protocol, keeps a page open while the site's files are edited, and the page must
//! reload itself each time; nothing in the test navigates after the first visit.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without them the test is skipped, unless
//! `SITREP_BROWSER_TESTS=1` (as CI sets it), when their absence is a failure.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::serve::Server;
use crate::support::{demo, site};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// How long a page has to reload, and chromedriver to start.
const PATIENCE: Duration = Duration::from_secs(10);

/// Run before any script of every document the tab loads: keeps each `EventSource` the page
/// opens in `window.__sitrepStreams`, so the test can tell when the page's own listener is
/// connected (the live-reload script keeps its `EventSource` to itself). The streams work as
/// before; only a reference is kept.
const TRACK_STREAMS: &str = r#"(() => {
  const Native = window.EventSource;
  window.__sitrepStreams = [];
  window.EventSource = class extends Native {
    constructor(...args) {
      super(...args);
      window.__sitrepStreams.push(this);
    }
  };
})();"#;

/// Whether the page's live-reload stream is open, so a reload sent now reaches the page.
const STREAM_OPEN: &str = r#"return (window.__sitrepStreams || []).some(
  (s) => s.url.endsWith("/__sitrep/live") && s.readyState === EventSource.OPEN);"#;

/// A chromedriver process on a free port, killed when dropped.
struct Driver {
    child: Child,
    /// `http://127.0.0.1:PORT`
    url: String,
}

impl Driver {
    fn start() -> Driver {
        // Port 0: chromedriver picks a free port and prints it.
        let mut child = Command::new(CHROMEDRIVER)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let (sender, ports) = channel();
        // Reads the port, then the rest of the output, so chromedriver never blocks on it.
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if let Some(rest) = line.split("started successfully on port ").nth(1) {
                    let _ = sender.send(rest.trim_end_matches('.').parse::<u16>());
                }
            }
        });
        let mut driver = Driver {
            child,
            url: String::new(),
        };
        let port = ports
            .recv_timeout(PATIENCE)
            .expect("chromedriver did not say which port it listens on")
            .expect("chromedriver's port is a number");
        driver.url = format!("http://127.0.0.1:{port}");
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A WebDriver session: one headless Chromium with a fresh profile and one tab, driven through
/// its own chromedriver. Dropping it closes the browser and stops chromedriver, even when the
/// test fails.
struct Browser {
    agent: ureq::Agent,
    /// `http://127.0.0.1:PORT/session/ID`, the prefix of every command.
    session: String,
    // Dropped after the session is deleted (fields drop in order): chromedriver, then the
    // profile Chromium is done with.
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a browser; `None` (the test is skipped) when they are not
    /// installed and `SITREP_BROWSER_TESTS` is not `1`.
    fn start() -> Option<Browser> {
        let missing: Vec<&str> = [CHROMEDRIVER, CHROMIUM]
            .into_iter()
            .filter(|p| !Path::new(p).exists())
            .collect();
        if !missing.is_empty() {
            let required = std::env::var("SITREP_BROWSER_TESTS").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "SITREP_BROWSER_TESTS=1 but {missing:?} not installed \
                 (apt-get install chromium chromium-driver)"
            );
            eprintln!(
                "skipping the browser test: {missing:?} not installed \
                 (apt-get install chromium chromium-driver, or set SITREP_BROWSER_TESTS=1 \
                 to make this a failure)"
            );
            return None;
        }
        let driver = Driver::start();
        let profile = tempfile::tempdir().unwrap();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let args = [
            "--headless=new".to_string(),
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            // A container's /dev/shm is often too small for Chromium.
            "--disable-dev-shm-usage".to_string(),
            // Nothing but the test's server may be reached.
            "--disable-quic".to_string(),
            "--no-first-run".to_string(),
            "--disable-background-networking".to_string(),
            "--disable-component-update".to_string(),
            "--disable-sync".to_string(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
                }
            }
        });
        let started = send(
            &agent,
            "POST",
            &format!("{}/session", driver.url),
            &capabilities,
        )
        .unwrap_or_else(|e| panic!("no browser session: {e}"));
        let id = started["sessionId"].as_str().expect("a session id");
        Some(Browser {
            session: format!("{}/session/{id}", driver.url),
            agent,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Sends one command of the session (`path` after its prefix); its `value`, or the
    /// WebDriver error.
    fn command(&self, method: &str, path: &str, body: &Value) -> Result<Value, String> {
        send(
            &self.agent,
            method,
            &format!("{}{path}", self.session),
            body,
        )
    }

    /// Opens `url` in the tab, waiting for it to load.
    fn navigate(&self, url: &str) {
        self.command("POST", "/url", &json!({ "url": url }))
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// Runs `script` (a function body: `return` gives the result) in the page.
    fn execute(&self, script: &str) -> Result<Value, String> {
        self.command(
            "POST",
            "/execute/sync",
            &json!({ "script": script, "args": [] }),
        )
    }

    /// Runs `script` (a function body whose last argument is the callback to call with the
    /// result) in the page, waiting for the callback.
    fn execute_async(&self, script: &str) -> Result<Value, String> {
        self.command(
            "POST",
            "/execute/async",
            &json!({ "script": script, "args": [] }),
        )
    }

    /// Sends a Chrome DevTools command (passed on by chromedriver).
    fn devtools(&self, cmd: &str, params: Value) {
        self.command(
            "POST",
            "/goog/cdp/execute",
            &json!({ "cmd": cmd, "params": params }),
        )
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    }

    /// Lays pages out at `width` × `height` CSS pixels, as a phone (with its viewport rules) when
    /// narrower than 600.
    fn viewport(&self, width: u32, height: u32) {
        self.devtools(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600 }),
        );
    }

    /// Runs `script` in every document the tab loads from now on, before the page's own.
    /// (A Chrome DevTools command, passed on by chromedriver: WebDriver has no such thing.)
    fn on_every_page(&self, script: &str) {
        self.command(
            "POST",
            "/goog/cdp/execute",
            &json!({
                "cmd": "Page.addScriptToEvaluateOnNewDocument",
                "params": { "source": script },
            }),
        )
        .unwrap_or_else(|e| panic!("cannot add a script to every page: {e}"));
    }

    /// Waits until `script` returns `true`, running it again every 50 ms. A script that fails
    /// counts as not yet: while the page reloads there may be no page to run it in.
    fn wait_until(&self, what: &str, script: &str) {
        let started = Instant::now();
        let mut last = Ok(Value::Null);
        while started.elapsed() < PATIENCE {
            last = self.execute(script);
            if last == Ok(Value::Bool(true)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let state = self.execute(
            "return { marker: window.__sitrepMarker ?? null, url: location.href, \
             text: document.body.innerText.slice(0, 600) };",
        );
        panic!("{what}: not within {PATIENCE:?} (last: {last:?}); the page: {state:#?}");
    }

    /// Waits for the page's live-reload stream to open, then marks the page: the mark lasts as
    /// long as this very document, so its absence later proves the tab loaded a new one.
    fn mark(&self) {
        self.wait_until("the page's live-reload stream opens", STREAM_OPEN);
        self.execute("window.__sitrepMarker = 42;").unwrap();
        assert_eq!(self.marker(), Some(42));
    }

    /// The mark of [`Browser::mark`], if the page still has it.
    fn marker(&self) -> Option<i64> {
        self.execute("return window.__sitrepMarker;")
            .unwrap()
            .as_i64()
    }

    /// The text of the first element matching `css`, whitespace collapsed.
    fn text(&self, css: &str) -> String {
        let script = format!("return document.querySelector({}).textContent;", json!(css));
        match self.execute(&script) {
            Ok(Value::String(text)) => crate::support::squash(&text),
            other => panic!("no text for {css}: {other:?}"),
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Closes the browser; chromedriver itself is killed next.
        let _ = self.command("DELETE", "", &Value::Null);
    }
}

/// One WebDriver request: the response's `value`, or its error and message.
fn send(agent: &ureq::Agent, method: &str, url: &str, body: &Value) -> Result<Value, String> {
    let response = match method {
        "POST" => agent
            .post(url)
            .header("content-type", "application/json")
            .send(body.to_string()),
        "DELETE" => agent.delete(url).call(),
        _ => unreachable!("{method}"),
    };
    let mut response = response.map_err(|e| format!("{method} {url}: {e}"))?;
    let status = response.status();
    let text = response
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("{method} {url}: {e}"))?;
    let mut reply: Value =
        serde_json::from_str(&text).map_err(|e| format!("{method} {url}: {e}: {text}"))?;
    let value = reply["value"].take();
    if status.is_success() {
        Ok(value)
    } else {
        Err(format!(
            "{method} {url}: {status}: {}: {}",
            value["error"], value["message"]
        ))
    }
}

/// Waits for the server to send a reload event (to the test's own listener; the page has one
/// too).
fn reload_sent(events: &Receiver<String>) {
    let event = events
        .recv_timeout(PATIENCE)
        .expect("no reload event within 10 s of the edit");
    assert_eq!(event, "reload");
}

#[test]
fn an_open_tab_reloads_itself_after_each_edit() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = site("basic");
    let server = Server::start(&site);
    let events = server.listen();
    browser.on_every_page(TRACK_STREAMS);
    browser.navigate(&format!("{}frigate/", server.url));
    assert_eq!(
        browser.text("h1.article-title"),
        "Frigate programme slips again"
    );
    let frigate = site.root().join("content/articles/frigate.md");
    let good = std::fs::read_to_string(&frigate).unwrap();

    // A paragraph is added: the tab reloads by itself and shows it.
    browser.mark();
    std::fs::write(
        &frigate,
        format!("{good}\nReloaded by the browser itself.\n"),
    )
    .unwrap();
    reload_sent(&events);
    browser.wait_until(
        "the tab reloads itself with the new paragraph",
        r#"return window.__sitrepMarker === undefined
          && (document.querySelector(".article-body")?.textContent ?? "")
            .includes("Reloaded by the browser itself.");"#,
    );

    // The front matter breaks: the same tab reloads into the error page, which names the file.
    browser.mark();
    std::fs::write(
        &frigate,
        good.replacen("title = \"Frigate", "title = \"Frigate\nx", 1),
    )
    .unwrap();
    reload_sent(&events);
    browser.wait_until(
        "the tab reloads itself into the error page",
        r#"return window.__sitrepMarker === undefined
          && (document.querySelector("ol.sitrep-errors")?.textContent ?? "")
            .includes("content/articles/frigate.md");"#,
    );

    // The file is fixed: the error page reloads by itself into the article.
    browser.mark();
    std::fs::write(&frigate, &good).unwrap();
    reload_sent(&events);
    browser.wait_until(
        "the error page reloads itself into the article",
        r#"return window.__sitrepMarker === undefined
          && document.querySelector("h1.article-title")?.textContent.trim()
            === "Frigate programme slips again";"#,
    );
    assert!(
        !browser
            .text(".article-body")
            .contains("Reloaded by the browser itself.")
    );
}

/// Issue 11: the search page's script words its messages from the site's words, with the
/// browser's plural rules: a Ukrainian site counts its results in Ukrainian.
#[test]
fn search_speaks_the_sites_language() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = site("basic");
    let config = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    site.file("site.toml", &format!("language = \"uk\"\n{config}"));
    let server = Server::start(&site);
    let status = |query: &str, expected: &str| {
        browser.navigate(&format!("{}search/?q={query}", server.url));
        let script = format!(
            "return document.getElementById('search-status').textContent === {};",
            json!(expected)
        );
        browser.wait_until(
            &format!("the status for {query:?} reads {expected:?}"),
            &script,
        );
    };
    // One hit, then none: `one`, then the no-results sentence, with the query quoted as
    // Ukrainian quotes it.
    status("Frigate", "1 результат за запитом «Frigate»");
    status(
        "zzqx",
        "За запитом «zzqx» нічого не знайдено. Спробуйте інші слова.",
    );
}

/// Issue 14, point 5: the search page finds words of article bodies, by their beginning, folded
/// as the index folds them ("LODZ" finds "Łódź", "f-35" finds "F-35’s"), headline matches
/// first; it fetches only the index files the query needs.
#[test]
fn search_finds_words_in_article_bodies() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = site("basic");
    site.file(
        "content/articles/deep.md",
        "+++\ntitle = \"Deep water\"\ndate = 2026-11-27\nauthor = \"ann-author\"\n+++\nFirst paragraph.\n\nOn the quarterdeck of an F-35’s carrier, in Łódź.\n",
    );
    site.file(
        "content/articles/quarter.md",
        "+++\ntitle = \"Quarterdeck drills\"\ndate = 2026-11-01\nauthor = \"ann-author\"\n+++\nA drill.\n",
    );
    let server = Server::start(&site);
    let results = |query: &str, expected: &[&str]| {
        browser.navigate(&format!("{}search/?q={query}", server.url));
        let script = format!(
            "const r = [...document.querySelectorAll('#search-results .card-title')] \
               .map(h => h.textContent.trim()); \
             return document.getElementById('search-status').textContent !== '' \
               && !document.getElementById('search-status').textContent.startsWith('Searching') \
               && JSON.stringify(r) === {};",
            json!(serde_json::to_string(expected).unwrap())
        );
        browser.wait_until(&format!("{query:?} finds {expected:?}"), &script);
    };
    // The older article has the word in its headline: it comes first.
    results("quarterd", &["Quarterdeck drills", "Deep water"]);
    results("LODZ", &["Deep water"]);
    results("f-35", &["Deep water"]);
    results("quarterdeck%20lodz", &["Deep water"]);
    results("nowhere", &[]);
    let fetched = browser
        .execute(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname) \
               .filter(p => p.startsWith('/search/'));",
        )
        .unwrap();
    let fetched: Vec<&str> = fetched
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(fetched.contains(&"/search/index.json"), "{fetched:?}");
    assert!(
        fetched.iter().all(|p| !p.starts_with("/search/d/")),
        "no result data fetched for a query without results: {fetched:?}"
    );
}

/// Issue 14, point 1: on a 390 px phone a wide table scrolls inside its own region, which shows
/// that it does (a shadow at the edge with more to see) and can be scrolled from the keyboard.
#[test]
fn a_wide_table_scrolls_on_a_phone_and_shows_it() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = site("basic");
    let row = "| Programme | Unit cost (£m) | Delivery | Status of the contract |\n|---|---|---|---|\n| Type 26 frigate | 1,233 | 2028 | Under construction at Govan |\n";
    site.file(
        "content/articles/costs.md",
        &format!("+++\ntitle = \"Costs\"\ndate = 2026-11-01\nauthor = \"ann-author\"\n+++\n{row}"),
    );
    let server = Server::start(&site);
    browser.viewport(390, 844);
    browser.navigate(&format!("{}costs/", server.url));
    let state = browser
        .execute(
            "const w = document.querySelector('.article-body .table-wrap'); \
             return { wider: w.scrollWidth > w.clientWidth, width: w.clientWidth, \
                      shadow: getComputedStyle(w).backgroundImage, \
                      focusable: w.tabIndex === 0, role: w.getAttribute('role'), \
                      page: document.documentElement.scrollWidth <= window.innerWidth };",
        )
        .unwrap();
    assert_eq!(state["wider"], json!(true), "{state}");
    assert_eq!(state["focusable"], json!(true), "{state}");
    assert_eq!(state["role"], json!("region"), "{state}");
    assert_eq!(
        state["page"],
        json!(true),
        "the page itself does not scroll sideways: {state}"
    );
    assert!(
        state["shadow"].as_str().unwrap().contains("gradient"),
        "{state}"
    );
}

/// Issue 14, point 2: on a phone, "Reply" moves the form right under the comment answered (as
/// WordPress's comment-reply script does), not thousands of pixels down to the end of the thread;
/// "Cancel reply" puts it back where it answers the article. Without script the link leads to the
/// form at its usual place.
#[test]
fn reply_moves_the_form_under_the_comment_and_cancel_moves_it_back() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = site("basic");
    let server = Server::start(&site);
    browser.viewport(390, 844);
    browser.navigate(&format!("{}frigate/", server.url));
    let home = "return document.getElementById('respond').parentElement.id === 'comments';";
    assert_eq!(browser.execute(home).unwrap(), json!(true));
    let href = browser
        .execute("return document.querySelector('#comment-c2 .reply-link').getAttribute('href');")
        .unwrap();
    assert_eq!(
        href,
        json!("?replytocom=c2#respond"),
        "the link works without script"
    );

    browser
        .execute("document.querySelector('#comment-c2 > .comment-body .reply-link').click();")
        .unwrap();
    let placed = browser
        .execute(
            "const r = document.getElementById('respond'); \
             const body = document.querySelector('#comment-c2 > .comment-body'); \
             return { owner: r.parentElement.id, after_body: body.nextElementSibling === r, \
                      before_replies: r.nextElementSibling?.classList.contains('children'), \
                      gap: r.getBoundingClientRect().top - body.getBoundingClientRect().bottom, \
                      parent: document.getElementById('respond-parent').value, \
                      focused: document.activeElement.id, \
                      note: !document.querySelector('#respond .replying-to').hidden, \
                      url: location.search };",
        )
        .unwrap();
    assert_eq!(placed["owner"], json!("comment-c2"), "{placed}");
    assert_eq!(placed["after_body"], json!(true), "{placed}");
    assert_eq!(placed["before_replies"], json!(true), "{placed}");
    assert!(placed["gap"].as_f64().unwrap().abs() < 50.0, "{placed}");
    assert_eq!(placed["parent"], json!("c2"), "{placed}");
    assert_eq!(placed["focused"], json!("respond-name"), "{placed}");
    assert_eq!(placed["note"], json!(true), "{placed}");
    assert_eq!(placed["url"], json!("?replytocom=c2"), "{placed}");

    browser
        .execute("document.querySelector('#respond [data-cancel-reply]').click();")
        .unwrap();
    let back = browser
        .execute(
            "const r = document.getElementById('respond'); \
             return { home: r.parentElement.id === 'comments' && !r.closest('.comment'), \
                      parent: document.getElementById('respond-parent').value, \
                      note: document.querySelector('#respond .replying-to').hidden, \
                      focused: document.activeElement.closest('.comment')?.id ?? null, \
                      url: location.search };",
        )
        .unwrap();
    assert_eq!(back["home"], json!(true), "{back}");
    assert_eq!(back["parent"], json!(""), "{back}");
    assert_eq!(back["note"], json!(true), "{back}");
    assert_eq!(
        back["focused"],
        json!("comment-c2"),
        "focus returns to the reply link: {back}"
    );
    assert_eq!(back["url"], json!(""), "{back}");

    // Arriving from the no-script link (or a shared URL) puts the form under that comment too.
    browser.navigate(&format!("{}frigate/?replytocom=c1#respond", server.url));
    let arrived = browser
        .execute("return document.getElementById('respond').parentElement.id;")
        .unwrap();
    assert_eq!(arrived, json!("comment-c1"));
}

/// Issue 14, point 3: in a grid where only some stories have a picture, the headlines of a row
/// still line up (a story without one gets a panel of the same shape), and a list other than the
/// front page's first page has no lead story.
#[test]
fn headlines_in_a_row_line_up_when_only_some_cards_have_pictures() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = site("basic");
    site.file(
        "content/articles/pictured/index.md",
        "+++\ntitle = \"Pictured\"\ndate = 2026-11-20\nauthor = \"ann-author\"\ntags = [\"Grid\"]\nimage = \"pic.svg\"\nimage_alt = \"A ship\"\n+++\nBody.\n",
    );
    site.file(
        "content/articles/pictured/pic.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="160" height="90"><rect width="160" height="90" fill="navy"/></svg>"#,
    );
    site.file(
        "content/articles/plain.md",
        "+++\ntitle = \"Plain\"\ndate = 2026-11-21\nauthor = \"ann-author\"\ntags = [\"Grid\"]\n+++\nBody.\n",
    );
    let server = Server::start(&site);
    browser.viewport(1280, 900);
    browser.navigate(&format!("{}tag/grid/", server.url));
    let tops = browser
        .execute(
            "return [...document.querySelectorAll('.cards > .card')].map(c => ({ \
               row: Math.round(c.getBoundingClientRect().top), \
               title: Math.round(c.querySelector('.card-title').getBoundingClientRect().top), \
               image: !!c.querySelector('.card-image') }));",
        )
        .unwrap();
    let cards = tops.as_array().unwrap();
    assert_eq!(cards.len(), 2, "{tops}");
    assert_eq!(cards[0]["row"], cards[1]["row"], "one row: {tops}");
    assert_ne!(cards[0]["image"], cards[1]["image"], "{tops}");
    let (a, b) = (
        cards[0]["title"].as_i64().unwrap(),
        cards[1]["title"].as_i64().unwrap(),
    );
    assert!((a - b).abs() <= 1, "headlines line up: {tops}");
    assert!(
        a - cards[0]["row"].as_i64().unwrap() > 100,
        "below the pictures: {tops}"
    );
}

/// Issue 14, point 7: axe-core finds no accessibility violation on any kind of page of the demo
/// site (and the reply form opened under a comment), at a desktop and a phone width, in the
/// light and the dark scheme. Needs npm's `axe-core`, which `.ci/run` installs.
#[test]
fn axe_finds_no_violations_on_any_kind_of_page() {
    let Some(axe) = crate::validity::ci_tool(
        "SITREP_AXE_JS",
        "axe-core/axe.min.js",
        "run .ci/run, or npm install --ignore-scripts --prefix target/ci-tools axe-core",
    ) else {
        return;
    };
    let Some(browser) = Browser::start() else {
        return;
    };
    let axe = std::fs::read_to_string(axe).unwrap();
    let site = demo();
    // The article with the longest thread, and one whose comments are closed.
    let threads = std::fs::read_dir(site.root().join("content/comments")).unwrap();
    let longest = threads
        .map(|d| d.unwrap().path())
        .max_by_key(|d| std::fs::read_dir(d).unwrap().count())
        .unwrap();
    let slug = longest.file_name().unwrap().to_str().unwrap().to_string();
    let longest = format!("/{slug}/");
    // What a preview shows besides (a draft and a scheduled story, with their badges), and a
    // reader whose name and words have no place to break.
    let story = |slug: &str, extra: &str| {
        site.file(
            &format!("content/articles/{slug}.md"),
            &format!(
                "+++\ntitle = \"A {slug} story\"\nauthor = \"maren-holt\"\n{extra}\n+++\nBody.\n"
            ),
        );
    };
    story("draft", "date = 2026-11-30\ndraft = true");
    story("scheduled", "date = 2099-01-01");
    site.file(
        &format!("content/comments/{slug}/zz-long.md"),
        &format!(
            "+++\nauthor = \"{}\"\ndate = 2026-11-12T10:00:00Z\n+++\n{} https://example.org/{}\n",
            "N".repeat(200),
            "Supercalifragilistic".repeat(12),
            "a".repeat(300)
        ),
    );
    let server = Server::start(&site);
    let pages = [
        ("home", "/"),
        ("home, page 2", "/page/2/"),
        ("article with the longest thread", longest.as_str()),
        ("article, reply form opened", longest.as_str()),
        (
            "article, comments closed",
            "/commodore-aldous-ferren-obituary/",
        ),
        ("tag", "/tag/procurement/"),
        ("category", "/category/analysis/"),
        ("author", "/author/maren-holt/"),
        ("authors", "/authors/"),
        ("search with results", "/search/?q=frigate"),
        ("page", "/about/"),
        ("not found", "/404.html"),
    ];
    for (kind, path) in pages {
        assert_eq!(server.get(path).0, 200, "{kind}: {path}");
    }
    let mut violations = Vec::new();
    for (width, height) in [(1280, 900), (390, 844)] {
        browser.viewport(width, height);
        for scheme in ["light", "dark"] {
            browser.devtools(
                "Emulation.setEmulatedMedia",
                json!({ "media": "", "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
            );
            for (kind, path) in pages {
                browser.navigate(&format!("{}{}", server.url, path.trim_start_matches('/')));
                if kind.starts_with("search") {
                    browser.wait_until(
                        "search results show",
                        "const r = document.getElementById('search-results'); \
                         return !!r && !r.hidden && r.children.length > 0;",
                    );
                }
                if kind.contains("reply form") {
                    browser
                        .execute("document.querySelector('.comment .reply-link').click();")
                        .unwrap();
                }
                browser.execute(&format!("{axe}\n;return 0;")).unwrap();
                let found = browser
                    .execute_async(
                        "const done = arguments[arguments.length - 1]; \
                         axe.run(document, { resultTypes: ['violations'] }).then(r => done({ \
                           dark: matchMedia('(prefers-color-scheme: dark)').matches, \
                           width: innerWidth, \
                           overflow: document.documentElement.scrollWidth > innerWidth, \
                           violations: r.violations.map(v => ({ id: v.id, impact: v.impact, \
                             nodes: v.nodes.map(n => [n.target.join(' '), n.failureSummary]) })) \
                         })).catch(e => done({ error: String(e) }));",
                    )
                    .unwrap();
                let at = format!("{kind} ({path}) at {width} px, {scheme}");
                assert!(found["error"].is_null(), "{at}: {found}");
                assert_eq!(found["dark"], json!(scheme == "dark"), "{at}: {found}");
                // Something too wide to wrap makes a phone lay the page out wider than itself.
                if found["overflow"] == json!(true) || found["width"] != json!(width) {
                    violations.push(format!("{at}: the page is wider than the screen: {found}"));
                }
                for v in found["violations"].as_array().unwrap() {
                    violations.push(format!("{at}: {v}"));
                }
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}
