//! The comment intake (issue 12): a real server on a loopback port over a fixture site, posted
//! to as a browser (or an attacker) would. Every answer of SPEC's table, and on every refusal,
//! nothing written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use scraper::Html;

use crate::support::{TestSite, sel, site};

/// A running intake over a test site.
pub struct Intake {
    pub site: TestSite,
    pub url: String,
    agent: ureq::Agent,
    _running: sitrep_intake::Running,
}

/// What a post got back.
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub retry_after: Option<String>,
    pub body: String,
}

impl Intake {
    /// The basic fixture (form_action `/comment`), with `extra` added to `[comments]`.
    pub fn start(extra: &str) -> Intake {
        let site = site("basic");
        let config = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
        site.file("site.toml", &format!("{config}{extra}"));
        Intake::on(site)
    }

    pub fn on(site: TestSite) -> Intake {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let (_, running) = sitrep::comments::start(&site.root(), listener).unwrap();
        let url = format!("http://{}/comment", running.address);
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        Intake {
            site,
            url,
            agent,
            _running: running,
        }
    }

    /// Posts `body` as the reply form does.
    pub fn post(&self, body: &str) -> Answer {
        self.post_as("application/x-www-form-urlencoded", body, &[])
    }

    pub fn post_as(&self, content_type: &str, body: &str, headers: &[(&str, &str)]) -> Answer {
        let mut request = self
            .agent
            .post(&self.url)
            .header("Content-Type", content_type);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        answer(request.send(body).expect("the intake answers"))
    }

    pub fn get(&self) -> Answer {
        answer(
            self.agent
                .get(&self.url)
                .call()
                .expect("the intake answers"),
        )
    }

    /// Every file under the queue (its secret aside), with its text.
    pub fn queue(&self) -> BTreeMap<PathBuf, String> {
        let dir = self.site.root().join("moderation");
        let mut files = BTreeMap::new();
        for entry in walkdir::WalkDir::new(&dir) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(&dir).unwrap().to_path_buf();
            if entry.file_type().is_file() && rel != Path::new(".secret") {
                files.insert(rel, std::fs::read_to_string(entry.path()).unwrap());
            }
        }
        files
    }

    /// The comment files queued (not the sidecars).
    pub fn comments(&self) -> Vec<(PathBuf, String)> {
        self.queue()
            .into_iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "md"))
            .collect()
    }
}

fn answer(mut response: ureq::http::Response<ureq::Body>) -> Answer {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (location, retry_after) = (header("location"), header("retry-after"));
    Answer {
        status: response.status().as_u16(),
        location,
        retry_after,
        body: response.body_mut().read_to_string().unwrap_or_default(),
    }
}

/// A form body from pairs, encoded as a browser encodes it.
pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The text given back in the refusal page's textarea.
fn given_back(page: &str) -> Option<String> {
    let html = Html::parse_document(page);
    let textarea = html.select(&sel("main textarea")).next()?;
    Some(textarea.text().collect())
}

#[test]
fn a_comment_is_queued_whole_and_the_reader_sent_back_to_the_article() {
    let intake = Intake::start("");
    let body = "Two frigates, not one.\r\nSecond line: «Слава».";
    let answer = intake.post(&form(&[
        ("name", "Олена Коваленко"),
        ("email", "Olena@Example.org"),
        ("website", "https://olena.example/"),
        ("comment", body),
        ("slug", "frigate"),
        ("parent", "c2"),
    ]));
    assert_eq!(answer.status, 303, "{}", answer.body);
    assert_eq!(
        answer.location.as_deref(),
        Some("https://test.example/frigate/#comment-held")
    );
    let comments = intake.comments();
    assert_eq!(comments.len(), 1);
    let (path, text) = &comments[0];
    assert!(path.starts_with("pending/frigate"), "{path:?}");
    let id = path.file_stem().unwrap().to_string_lossy();
    assert!(id.len() == 29 && id.as_bytes()[15] == b'Z', "{id}");
    // Read back as the build reads a comment file.
    let split = sitrep::load::front_matter::split(path, text).unwrap();
    let table: toml::Table = toml::from_str(split.front_matter).unwrap();
    let keys: Vec<&str> = table.keys().map(String::as_str).collect();
    assert_eq!(keys, ["author", "date", "email_hash", "parent", "website"]);
    assert_eq!(table["author"].as_str(), Some("Олена Коваленко"));
    assert_eq!(table["parent"].as_str(), Some("c2"));
    assert_eq!(
        table["email_hash"].as_str(),
        Some(sitrep_intake::guard::email_hash("olena@example.org").as_str())
    );
    assert_eq!(
        split.body,
        "Two frigates, not one.\nSecond line: «Слава».\n"
    );
    assert!(intake.queue().contains_key(&path.with_extension("toml")));
}

/// One refusal: the status, the field named or words said, and nothing written.
fn refused(intake: &Intake, answer: Answer, status: u16, says: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert!(
        answer.body.contains(says),
        "{says:?} not in {}",
        answer.body
    );
    assert!(intake.comments().is_empty(), "{:?}", intake.queue().keys());
}

#[test]
fn every_refusal_of_the_answer_table_writes_nothing() {
    let intake = Intake::start("close_after_days = 30\n");
    let good = |extra: &[(&str, &str)]| {
        let mut pairs = vec![
            ("name", "Reader"),
            ("comment", "A fair point."),
            ("slug", "frigate"),
        ];
        for (k, v) in extra {
            pairs.retain(|(key, _)| key != k);
            pairs.push((*k, *v));
        }
        form(&pairs)
    };
    let a = intake.post(&good(&[("name", "")]));
    assert_eq!(given_back(&a.body).as_deref(), Some("A fair point."));
    refused(&intake, a, 400, "name field");
    // One wrong field at a time: (field, value, status, what the page says).
    let table = [
        ("comment", "  ", 400, "comment field"),
        ("email", "nope", 400, "email field"),
        ("website", "javascript:alert(1)", 400, "website field"),
        ("slug", "no-such-article", 404, "not on the site"),
        ("slug", "draft", 404, "not on the site"),
        ("slug", "future", 404, "not on the site"),
        ("slug", "closed", 403, "closed"),
        ("parent", "c99", 400, "parent field"),
    ];
    for (field, value, status, says) in table {
        refused(&intake, intake.post(&good(&[(field, value)])), status, says);
    }
    let big = "x".repeat(70 * 1024);
    refused(
        &intake,
        intake.post(&good(&[("comment", &big)])),
        413,
        "too long",
    );
    refused(&intake, intake.get(), 405, "form");
    let json = "{\"name\":\"a\",\"comment\":\"b\",\"slug\":\"frigate\"}";
    refused(
        &intake,
        intake.post_as("application/json", json, &[]),
        415,
        "form",
    );
    let foreign = [("Origin", "https://evil.example")];
    refused(
        &intake,
        intake.post_as("application/x-www-form-urlencoded", &good(&[]), &foreign),
        403,
        "another site",
    );
    // A robot that fills the honeypot, or posts the moment the page loads, is told it worked.
    let trap = intake.post(&good(&[("url", "http://spam.example")]));
    assert_eq!(trap.status, 303);
    let now_ms = chrono::Utc::now().timestamp_millis().to_string();
    let quick = intake.post(&good(&[("ts", &now_ms)]));
    assert_eq!(quick.status, 303);
    assert!(intake.comments().is_empty(), "{:?}", intake.queue().keys());

    // Then a good one is taken, and the same again is a duplicate.
    assert_eq!(intake.post(&good(&[])).status, 303);
    let again = intake.post(&good(&[]));
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(intake.comments().len(), 1);
}

#[test]
fn an_old_article_is_closed_after_close_after_days() {
    let intake = Intake::start("close_after_days = 1\n");
    // The fixture's articles are from November 2026, long before now... unless the clock is
    // earlier; either way `budget` is compared with the real time.
    let answer = intake.post(&form(&[
        ("name", "Reader"),
        ("comment", "Late to this."),
        ("slug", "budget"),
    ]));
    let now = chrono::Utc::now();
    let budget_date = chrono::DateTime::parse_from_rfc3339("2026-11-10T00:00:00Z").unwrap();
    if now > budget_date + chrono::Duration::days(2) {
        refused(&intake, answer, 403, "closed");
    }
}

#[test]
fn a_flood_from_one_client_is_slowed_and_others_still_served() {
    let intake = Intake::start("");
    let mut statuses = Vec::new();
    for i in 0..200 {
        let answer = intake.post(&form(&[
            ("name", "Flooder"),
            ("comment", &format!("Message number {i}")),
            ("slug", "frigate"),
        ]));
        if answer.status == 429 {
            let seconds: u64 = answer.retry_after.as_deref().unwrap().parse().unwrap();
            assert!((1..=15).contains(&seconds));
        }
        statuses.push(answer.status);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        197,
        "{statuses:?}"
    );
    assert_eq!(intake.comments().len(), 3);
    // Another client, behind the trusted proxy (the loopback), is still served.
    let other = intake.post_as(
        "application/x-www-form-urlencoded",
        &form(&[
            ("name", "Other"),
            ("comment", "Hello."),
            ("slug", "frigate"),
        ]),
        &[("X-Forwarded-For", "198.51.100.20")],
    );
    assert_eq!(other.status, 303, "{}", other.body);
}

#[test]
fn a_full_queue_is_a_503() {
    let intake = Intake::start("[comments.intake]\nmax_pending = 1\n");
    let post = |text: &str| {
        intake.post_as(
            "application/x-www-form-urlencoded",
            &form(&[("name", "A"), ("comment", text), ("slug", "frigate")]),
            &[("X-Forwarded-For", &format!("198.51.100.{}", text.len()))],
        )
    };
    assert_eq!(post("first").status, 303);
    let full = post("second one");
    assert_eq!(full.status, 503, "{}", full.body);
    assert!(full.retry_after.is_some());
    assert_eq!(intake.comments().len(), 1);
}

/// The front-matter keys a queued comment may have: never `author_id`, never a key a reader
/// named.
const ALLOWED_KEYS: [&str; 5] = ["author", "date", "email_hash", "parent", "website"];

/// Every file in the queue is where the intake puts files, and every comment's front matter
/// holds only the keys it writes.
fn queue_is_sound(intake: &Intake) {
    for (path, text) in intake.queue() {
        let parts: Vec<String> = path
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        assert_eq!(parts.len(), 3, "{path:?}");
        assert!(["pending", "spam"].contains(&parts[0].as_str()), "{path:?}");
        assert!(
            ["frigate", "budget"].contains(&parts[1].as_str()),
            "{path:?}"
        );
        if parts[2].ends_with(".md") {
            let split = sitrep::load::front_matter::split(&path, &text).unwrap();
            let table: toml::Table = toml::from_str(split.front_matter)
                .unwrap_or_else(|e| panic!("{path:?}: {e}\n{text}"));
            for key in table.keys() {
                assert!(ALLOWED_KEYS.contains(&key.as_str()), "{path:?} has {key}");
            }
            assert!(
                table["author"].as_str().is_some_and(|a| !a.contains('\n')),
                "{path:?}"
            );
        }
    }
}

/// Every file of the site folder outside the queue, with its bytes.
fn outside_the_queue(intake: &Intake) -> BTreeMap<PathBuf, Vec<u8>> {
    crate::support::snapshot(&intake.site.root())
        .into_iter()
        .filter(|(path, _)| !path.starts_with("moderation"))
        .collect()
}

/// Sends raw bytes and reads the status code, if any answer comes.
fn raw(intake: &Intake, request: &[u8]) -> Option<u16> {
    use std::io::{Read, Write};
    let address = intake.url.trim_start_matches("http://");
    let address = address.split('/').next().unwrap();
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let _ = stream.write_all(request);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let head = String::from_utf8_lossy(&answer);
    head.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_hundred_hostile_requests_crash_nothing_and_write_only_sound_comments() {
    let intake = Intake::start("");
    let before = outside_the_queue(&intake);
    let xss = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "\"><svg/onload=alert(1)>",
        "javascript:alert(document.cookie)",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<iframe srcdoc=\"<script>alert(1)</script>\">",
        "{{ site.title }}{% raw %}",
        "<style>@import'//evil.example'</style>",
    ];
    let injections = [
        "x\"\n+++\nauthor_id = \"editor\"\n+++\n",
        "x\nauthor_id = \"editor\"",
        "\"\"\"\n+++\nemail_hash = \"00\"",
        "x'\r\n+++\r\ndate = 1999-01-01",
    ];
    let paths = [
        "../../etc/passwd",
        "/etc/passwd",
        "frigate/../../x",
        "fri\u{0}gate",
        "\u{202E}etagirf",
        "frigate\u{2066}",
    ];
    let fields = ["name", "comment", "email", "website", "slug", "parent"];
    let mut bodies: Vec<String> = Vec::new();
    for value in xss.iter().chain(&injections) {
        for field in fields {
            let mut pairs = vec![
                ("name", "Reader"),
                ("comment", "Point."),
                ("slug", "frigate"),
            ];
            pairs.retain(|(k, _)| *k != field);
            pairs.push((field, value));
            bodies.push(form(&pairs));
        }
    }
    for value in paths {
        for field in ["slug", "parent"] {
            let mut pairs = vec![
                ("name", "Reader"),
                ("comment", "Point."),
                ("slug", "frigate"),
            ];
            pairs.retain(|(k, _)| *k != field);
            pairs.push((field, value));
            bodies.push(form(&pairs));
        }
    }
    for extra in [
        ("author_id", "editor"),
        ("email_hash", "00ff"),
        ("date", "1999-01-01"),
    ] {
        bodies.push(form(&[
            ("name", "Reader"),
            ("comment", &format!("With {}.", extra.0)),
            ("slug", "frigate"),
            extra,
        ]));
    }
    bodies.push("name=%FF%FE&comment=x&slug=frigate".to_string());
    bodies.push("name=a&comment=%C3%28&slug=frigate".to_string());
    bodies.push("name=a&comment=x&slug=%00".to_string());
    bodies.push("&&&=&=x&name".to_string());
    let mut answered = 0;
    for (i, body) in bodies.iter().enumerate() {
        // Each from its own address behind the proxy, so flood control lets them reach the queue.
        let client = format!("10.{}.{}.1", i / 200, i % 200);
        let answer = intake.post_as(
            "application/x-www-form-urlencoded",
            body,
            &[("X-Forwarded-For", &client)],
        );
        assert!(answer.status < 500, "{body}: {}", answer.status);
        answered += 1;
    }
    for (content_type, body) in [
        (
            "application/json",
            "{\"name\":\"a\",\"comment\":\"b\",\"slug\":\"frigate\"}",
        ),
        (
            "multipart/form-data; boundary=x",
            "--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\na\r\n--x--\r\n",
        ),
        ("text/plain", "name=a&comment=b&slug=frigate"),
    ] {
        let answer = intake.post_as(content_type, body, &[]);
        assert_eq!(answer.status, 415, "{content_type}");
        answered += 1;
    }
    for forwarded in [
        "garbage",
        "1.2.3.4.5",
        "::zz",
        "'; DROP TABLE",
        &"9".repeat(4000),
    ] {
        let answer = intake.post_as(
            "application/x-www-form-urlencoded",
            &form(&[("name", "X"), ("comment", forwarded), ("slug", "frigate")]),
            &[("X-Forwarded-For", forwarded)],
        );
        assert!(answer.status < 500, "{forwarded}: {}", answer.status);
        answered += 1;
    }
    let huge_header = format!(
        "POST /comment HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nContent-Length: 0\r\n\r\n",
        "a".repeat(100_000)
    );
    let huge_line = format!(
        "POST /comment?{} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(100_000)
    );
    let raws: Vec<Vec<u8>> = vec![
        huge_header.into_bytes(),
        huge_line.into_bytes(),
        b"POST /comment HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: -5\r\n\r\nname=a".to_vec(),
        b"POST /comment HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 99999999999999999999\r\n\r\nname=a".to_vec(),
        b"POST /comment HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\nname=a".to_vec(),
        b"GARBAGE\r\n\r\n".to_vec(),
        b"\x00\x01\x02\xff\xfe".to_vec(),
    ];
    for request in &raws {
        if let Some(status) = raw(&intake, request) {
            assert!((400..500).contains(&status), "{status}");
        }
        answered += 1;
    }
    assert!(answered >= 100, "{answered}");
    queue_is_sound(&intake);
    assert!(
        !intake.comments().is_empty(),
        "some hostile-but-valid comments are queued"
    );
    assert_eq!(outside_the_queue(&intake), before);
    // And the server still serves.
    assert_eq!(
        intake
            .post_as(
                "application/x-www-form-urlencoded",
                &form(&[
                    ("name", "After"),
                    ("comment", "Still here?"),
                    ("slug", "budget")
                ]),
                &[("X-Forwarded-For", "192.0.2.200")]
            )
            .status,
        303
    );
}

#[test]
fn fifty_clients_at_once_give_fifty_whole_files() {
    let intake = Intake::start("");
    let (url, agent) = (&intake.url, &intake.agent);
    std::thread::scope(|scope| {
        for i in 0..50 {
            scope.spawn(move || {
                let body = form(&[
                    ("name", &format!("Reader {i}")),
                    (
                        "comment",
                        &format!("Comment number {i}, {}", "word ".repeat(200)),
                    ),
                    ("slug", "frigate"),
                ]);
                let response = agent
                    .post(url)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("X-Forwarded-For", &format!("10.{i}.0.1"))
                    .send(&body)
                    .unwrap();
                let answer = answer(response);
                assert_eq!(answer.status, 303, "{}", answer.body);
            });
        }
    });
    let comments = intake.comments();
    assert_eq!(comments.len(), 50);
    let mut names: Vec<String> = comments
        .iter()
        .map(|(path, text)| {
            let split = sitrep::load::front_matter::split(path, text).unwrap();
            let table: toml::Table = toml::from_str(split.front_matter).unwrap();
            let (_, rest) = split.body.split_once(", ").unwrap();
            assert_eq!(rest, format!("{}\n", "word ".repeat(200)));
            table["author"].as_str().unwrap().to_string()
        })
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 50);
}

#[test]
fn idle_connections_do_not_starve_new_clients() {
    let intake = Intake::start("");
    let address = intake.url.trim_start_matches("http://");
    let address = address.split('/').next().unwrap().to_string();
    // Two hundred clients that connect and say nothing, and ten that send half a head.
    let mut idle = Vec::new();
    for _ in 0..200 {
        idle.push(std::net::TcpStream::connect(&address).unwrap());
    }
    for _ in 0..10 {
        use std::io::Write;
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        stream
            .write_all(b"POST /comment HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        idle.push(stream);
    }
    let answer = intake.post(&form(&[
        ("name", "Patient reader"),
        ("comment", "Still served."),
        ("slug", "frigate"),
    ]));
    assert_eq!(answer.status, 303);
    drop(idle);
}

/// SIGKILL in the middle of a stream of posts: every comment the server answered 303 for is on
/// disk whole, and no half-written file has a name a moderator's tools would read.
#[test]
fn a_killed_server_leaves_every_answered_comment_whole() {
    let site = site("basic");
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(["comments", "serve", "--root"])
        .arg(site.root())
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/comment");
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the intake did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into();
    let text = |i: usize| format!("Comment {i}: {}", "kept whole ".repeat(500));
    let answered = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for worker in 0..4 {
            let (agent, url, answered) = (&agent, &url, &answered);
            scope.spawn(move || {
                for n in 0..400 {
                    let i = worker * 1000 + n;
                    let body = form(&[
                        ("name", "Steady"),
                        ("comment", &text(i)),
                        ("slug", "frigate"),
                    ]);
                    let sent = agent
                        .post(url)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("X-Forwarded-For", &format!("10.{}.{}.1", i / 200, i % 200))
                        .send(&body);
                    match sent {
                        Ok(response) if response.status().as_u16() == 303 => {
                            answered.lock().unwrap().push(i)
                        }
                        Ok(_) => {}
                        Err(_) => return, // the server is gone
                    }
                }
            });
        }
        std::thread::sleep(Duration::from_millis(300));
        child.kill().unwrap(); // SIGKILL
    });
    child.wait().unwrap();
    let answered = answered.into_inner().unwrap();
    assert!(!answered.is_empty(), "no post was answered before the kill");
    let pending = site.root().join("moderation/pending/frigate");
    let mut on_disk = std::collections::HashSet::new();
    for entry in std::fs::read_dir(&pending).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !name.ends_with(".md") {
            continue;
        }
        let file = std::fs::read_to_string(entry.path()).unwrap();
        let split = sitrep::load::front_matter::split(Path::new(&name), &file).unwrap();
        let (number, _) = split.body.split_once(':').unwrap();
        let i: usize = number.trim_start_matches("Comment ").parse().unwrap();
        assert_eq!(split.body, format!("{}\n", text(i)), "{name} is not whole");
        on_disk.insert(i);
    }
    for i in answered {
        assert!(
            on_disk.contains(&i),
            "comment {i} was answered but is not on disk"
        );
    }
}

/// The theme's side of the loop: the form carries the honeypot (hidden from people and screen
/// readers, never focused) and the time field, says comments are moderated, and the page the
/// reader is sent back to has the notice, shown by CSS alone when its id is the target.
#[test]
fn the_form_carries_the_traps_and_the_page_has_the_held_notice() {
    let built = site("basic").build();
    let page = built.page("/frigate/");
    let form = page.one("#respond form.comment-form");
    let inside = |css: &str| form.select(&sel(css)).next();
    let honeypot = inside("input[name=url]").expect("the honeypot field");
    assert_eq!(honeypot.value().attr("tabindex"), Some("-1"));
    let holder = honeypot
        .ancestors()
        .filter_map(scraper::ElementRef::wrap)
        .find(|e| e.value().attr("aria-hidden") == Some("true"))
        .expect("the honeypot is hidden from screen readers");
    assert!(holder.value().classes().any(|c| c == "hp"));
    assert_eq!(
        inside("input[name=ts]").unwrap().value().attr("type"),
        Some("hidden")
    );
    assert!(page.text_of("#respond .comment-note").contains("moderator"));
    let notice = page.one("section#comments #comment-held");
    assert_eq!(notice.value().attr("role"), Some("status"));
    let css = std::fs::read_to_string(built.out.join("css/sitrep.css")).unwrap();
    assert!(css.contains(".comment-held{display:none"));
    assert!(css.contains(".comment-held:target{display:block}"));
}

/// Runs `sitrep comments ARGS` on the site; (exit code, stdout, stderr).
fn moderate(site: &TestSite, args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .arg("comments")
        .args(args)
        .arg("--root")
        .arg(site.root())
        .env("SOURCE_DATE_EPOCH", "1796212800")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The id of the one queued comment whose body starts with `text`.
fn queued_id(intake: &Intake, text: &str) -> String {
    let found: Vec<String> = intake
        .comments()
        .into_iter()
        .filter(|(_, body)| {
            body.split("+++\n")
                .nth(2)
                .is_some_and(|b| b.starts_with(text))
        })
        .map(|(path, _)| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(found.len(), 1, "{text}: {found:?}");
    found[0].clone()
}

#[test]
fn moderation_end_to_end_parents_first_then_built_nested() {
    let intake = Intake::start("");
    let post = |name: &str, text: &str, client: &str| {
        let answer = intake.post_as(
            "application/x-www-form-urlencoded",
            &form(&[
                ("name", name),
                ("email", "ann@example.org"),
                ("comment", text),
                ("slug", "frigate"),
            ]),
            &[("X-Forwarded-For", client)],
        );
        assert_eq!(answer.status, 303, "{}", answer.body);
    };
    post("Ann", "The parent comment.", "198.51.100.1");
    let parent = queued_id(&intake, "The parent comment.");
    // A reply to a comment still in the queue (as an import files them), written by hand.
    let reply_id = format!("{parent}-r");
    let pending = intake.site.root().join("moderation/pending/frigate");
    std::fs::write(
        pending.join(format!("{reply_id}.md")),
        format!("+++\nauthor = \"Bo\"\ndate = 2026-11-30T10:00:00Z\nparent = \"{parent}\"\n+++\nThe reply.\n"),
    )
    .unwrap();

    let (code, listed, _) = moderate(&intake.site, &["list"], "");
    assert_eq!(code, 0);
    assert!(
        listed.contains(&parent) && listed.contains(&reply_id),
        "{listed}"
    );
    assert!(
        listed.contains("in reply to Ann (pending): The parent comment."),
        "{listed}"
    );

    let (code, _, err) = moderate(&intake.site, &["approve", &reply_id], "");
    assert_eq!(code, 1);
    assert!(err.contains(&format!("approve `{parent}` first")), "{err}");
    assert!(pending.join(format!("{reply_id}.md")).exists());

    let (code, out, err) = moderate(
        &intake.site,
        &["approve", &reply_id, &parent, "--build"],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("built"), "{out}");
    assert!(intake.comments().is_empty());
    let built = intake.site.build();
    let page = built.page("/frigate/");
    assert!(page.comment(&reply_id).is_inside(&parent));
    assert_eq!(
        page.comment(&parent).0.value().id(),
        Some(format!("comment-{parent}").as_str())
    );
    // The intake read the site again: the approved comment may now be replied to.
    let started = std::time::Instant::now();
    let mut n = 0;
    loop {
        n += 1;
        let answer = intake.post_as(
            "application/x-www-form-urlencoded",
            &form(&[
                ("name", "Cy"),
                ("comment", &format!("Reply {n}.")),
                ("slug", "frigate"),
                ("parent", &parent),
            ]),
            &[("X-Forwarded-For", &format!("192.0.2.{n}"))],
        );
        if answer.status == 303 {
            break;
        }
        assert_eq!(answer.status, 400, "{}", answer.body);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the intake did not see the approval"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let cy = queued_id(&intake, &format!("Reply {n}."));
    moderate(&intake.site, &["reject", &cy, "--reason", "test"], "");
    let log = std::fs::read_to_string(intake.site.root().join("moderation/log.jsonl")).unwrap();
    assert_eq!(
        log.lines()
            .filter(|l| l.contains("\"act\":\"approve\""))
            .count(),
        2
    );

    // A second comment by the same reader waits in the queue; erase finds both.
    post("Ann", "Another thought.", "198.51.100.2");
    let (code, listed, _) = moderate(&intake.site, &["list", "--json"], "");
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(json[0]["approved_before"], serde_json::Value::Bool(true));
    let (code, out, err) = moderate(&intake.site, &["erase", "--email", "Ann@Example.org"], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("git history"), "{out}");
    let published = std::fs::read_to_string(
        intake
            .site
            .root()
            .join(format!("content/comments/frigate/{parent}.md")),
    )
    .unwrap();
    assert!(
        published.contains("author = \"Anonymous\"") && !published.contains("email_hash"),
        "{published}"
    );
    let queued: Vec<_> = (intake.comments().into_iter())
        .filter(|(p, _)| p.starts_with("pending"))
        .collect();
    assert_eq!(queued.len(), 1);
    assert!(queued[0].1.contains("Anonymous") && !queued[0].1.contains("email_hash"));
}

#[test]
fn a_blocked_sender_goes_to_spam_and_a_staff_reply_is_published() {
    let intake = Intake::start("");
    let post = |text: &str| {
        intake.post_as(
            "application/x-www-form-urlencoded",
            &form(&[
                ("name", "Troll"),
                ("email", "t@example.org"),
                ("comment", text),
                ("slug", "frigate"),
            ]),
            &[("X-Forwarded-For", "203.0.113.9")],
        )
    };
    assert_eq!(post("First provocation.").status, 303);
    let id = queued_id(&intake, "First provocation.");
    let (code, _, err) = moderate(&intake.site, &["spam", &id, "--block"], "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(post("Second provocation.").status, 303);
    let spam: Vec<PathBuf> = intake.comments().into_iter().map(|(p, _)| p).collect();
    assert!(
        spam.iter().all(|p| p.starts_with("spam/frigate")),
        "{spam:?}"
    );
    assert_eq!(spam.len(), 2);

    let (code, out, err) = moderate(
        &intake.site,
        &["reply", "c1", "--article", "frigate", "--as", "ann-author"],
        "Thank you.\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("published"), "{out}");
    let built = intake.site.build();
    let page = built.page("/frigate/");
    let staff: Vec<_> = page.all("li.comment.by-staff, li.comment.by-article-author");
    assert!(
        staff
            .iter()
            .any(|li| li.text().collect::<String>().contains("Thank you.")),
        "the staff reply is on the page: {:?}\n{}",
        page.comment_ids(),
        page.text
    );
}

/// Two intake processes may share one queue folder (two hosts behind one balancer, or a
/// restart overlapping the old process): ids are unique across them and every write is whole,
/// so concurrent posts to both lose nothing and double nothing.
#[test]
fn two_intakes_on_one_queue_lose_and_double_nothing() {
    let one = Intake::start("");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let (_, two) = sitrep::comments::start(&one.site.root(), listener).unwrap();
    let urls = [one.url.clone(), format!("http://{}/comment", two.address)];
    let agent = &one.agent;
    std::thread::scope(|scope| {
        for i in 0..60 {
            let url = &urls[i % 2];
            scope.spawn(move || {
                let body = form(&[
                    ("name", &format!("Reader {i}")),
                    ("comment", &format!("Shared queue, comment {i}.")),
                    ("slug", "budget"),
                ]);
                let response = agent
                    .post(url)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("X-Forwarded-For", &format!("10.9.{i}.1"))
                    .send(&body)
                    .unwrap();
                assert_eq!(response.status().as_u16(), 303);
            });
        }
    });
    let mut numbers: Vec<usize> = one
        .comments()
        .iter()
        .map(|(_, text)| {
            let tail = text.rsplit("comment ").next().unwrap();
            tail.trim().trim_end_matches('.').parse().unwrap()
        })
        .collect();
    numbers.sort();
    assert_eq!(numbers, (0..60).collect::<Vec<_>>());
    two.stop();
}

/// `show` prints the comment as the page will (the sanitiser's HTML), `approve --commit` makes
/// one git commit per comment, `purge` removes old spam and rejects for good.
#[test]
fn show_commit_and_purge() {
    let intake = Intake::start("");
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(intake.site.root())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    git(&["init", "-q"]);
    git(&[
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@example.org",
        "add",
        ".",
    ]);
    git(&[
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@example.org",
        "commit",
        "-qm",
        "site",
    ]);
    for (i, text) in ["First *point* <script>alert(1)</script>", "Second point."]
        .iter()
        .enumerate()
    {
        let answer = intake.post_as(
            "application/x-www-form-urlencoded",
            &form(&[("name", "Reader"), ("comment", text), ("slug", "budget")]),
            &[("X-Forwarded-For", &format!("192.0.2.{}", 10 + i))],
        );
        assert_eq!(answer.status, 303);
    }
    let first = queued_id(&intake, "First");
    let second = queued_id(&intake, "Second");
    let (code, shown, _) = moderate(&intake.site, &["show", &first], "");
    assert_eq!(code, 0);
    assert!(shown.contains("<em>point</em>"), "{shown}");
    assert!(!shown.contains("<script>"), "{shown}");

    let (code, _, err) = std::process::Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(["comments", "approve", &first, &second, "--commit", "--root"])
        .arg(intake.site.root())
        .env("GIT_AUTHOR_NAME", "Mod")
        .env("GIT_AUTHOR_EMAIL", "mod@example.org")
        .env("GIT_COMMITTER_NAME", "Mod")
        .env("GIT_COMMITTER_EMAIL", "mod@example.org")
        .output()
        .map(|o| {
            (
                o.status.code().unwrap(),
                o.stdout,
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .unwrap();
    assert_eq!(code, 0, "{err}");
    // One commit per comment, oldest id first (so the newest commit is the last id).
    let log = git(&["log", "--format=%s"]);
    let mut ids = [first.clone(), second.clone()];
    ids.sort();
    let expected: Vec<String> = (ids.iter().rev())
        .map(|id| format!("Approve comment {id} on budget"))
        .collect();
    assert_eq!(log.lines().take(2).collect::<Vec<_>>(), expected);

    // Spam from long ago is purged; today's stays.
    let spam = intake.site.root().join("moderation/spam/budget");
    std::fs::create_dir_all(&spam).unwrap();
    std::fs::write(
        spam.join("old.md"),
        "+++\nauthor = \"S\"\ndate = 2020-01-01T00:00:00Z\n+++\nBuy.\n",
    )
    .unwrap();
    std::fs::write(
        spam.join("old.toml"),
        "received = 2020-01-01T00:00:00Z\nsubnet = \"x\"\nsignals = []\n",
    )
    .unwrap();
    std::fs::write(
        spam.join("new.md"),
        "+++\nauthor = \"S\"\ndate = 2026-12-01T23:00:00Z\n+++\nBuy.\n",
    )
    .unwrap();
    let (code, out, err) = moderate(&intake.site, &["purge", "--older-than", "30d"], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("old.md"), "{out}");
    assert!(!spam.join("old.md").exists() && !spam.join("old.toml").exists());
    assert!(spam.join("new.md").exists());
}

/// `erase --delete`: the reader's comments go, and replies to them move up a level (to the
/// deleted comment's own parent), so the thread still builds.
#[test]
fn erase_with_delete_moves_replies_up_a_level() {
    let s = site("basic");
    let hash = sitrep_intake::guard::email_hash("gone@example.org");
    s.file(
        "content/comments/frigate/e1.md",
        &format!("+++\nauthor = \"Gone\"\ndate = 2026-11-22T10:00:00Z\nparent = \"c1\"\nemail_hash = \"{hash}\"\n+++\nTo be erased.\n"),
    );
    s.file(
        "content/comments/frigate/e2.md",
        "+++\nauthor = \"Stays\"\ndate = 2026-11-22T11:00:00Z\nparent = \"e1\"\n+++\nA reply that stays.\n",
    );
    let (code, out, err) = moderate(&s, &["erase", "--email-hash", &hash, "--delete"], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("git history"), "{out}");
    assert!(!s.root().join("content/comments/frigate/e1.md").exists());
    let page = s.build().page("/frigate/");
    assert_eq!(page.comment("e2").shown_under().as_deref(), Some("c1"));
}

/// A comment refused for the moment (503 for a full queue, 429 for a flood) is not remembered
/// as received: sent again once the moderators have made room, it is taken, not a 409.
#[test]
fn a_comment_refused_for_now_is_taken_when_sent_again() {
    let intake = Intake::start("[comments.intake]\nmax_pending = 1\n");
    let send = |text: &str, client: &str| {
        intake.post_as(
            "application/x-www-form-urlencoded",
            &form(&[("name", "A"), ("comment", text), ("slug", "frigate")]),
            &[("X-Forwarded-For", client)],
        )
    };
    assert_eq!(send("first", "198.51.100.1").status, 303);
    assert_eq!(send("second", "198.51.100.2").status, 503);
    let first = queued_id(&intake, "first");
    let (code, _, err) = moderate(&intake.site, &["reject", &first], "");
    assert_eq!(code, 0, "{err}");
    let again = send("second", "198.51.100.3");
    assert_eq!(again.status, 303, "{}", again.body);
}
