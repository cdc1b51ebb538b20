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
    refused(
        &intake,
        intake.post(&good(&[("comment", "  ")])),
        400,
        "comment field",
    );
    refused(
        &intake,
        intake.post(&good(&[("email", "nope")])),
        400,
        "email field",
    );
    refused(
        &intake,
        intake.post(&good(&[("website", "javascript:alert(1)")])),
        400,
        "website field",
    );
    refused(
        &intake,
        intake.post(&good(&[("slug", "no-such-article")])),
        404,
        "not on the site",
    );
    refused(
        &intake,
        intake.post(&good(&[("slug", "draft")])),
        404,
        "not on the site",
    );
    refused(
        &intake,
        intake.post(&good(&[("slug", "future")])),
        404,
        "not on the site",
    );
    refused(
        &intake,
        intake.post(&good(&[("slug", "closed")])),
        403,
        "closed",
    );
    refused(
        &intake,
        intake.post(&good(&[("parent", "c99")])),
        400,
        "parent field",
    );
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
    for i in 0..12 {
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
        9,
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
