//! `sitrep serve`: a local preview of the site that follows every edit. The site is built into
//! memory (never into the deploy output) with drafts and scheduled articles shown and marked,
//! served on 127.0.0.1, rebuilt when content/, templates/, static/ or site.toml change, and open
//! pages reload themselves (see `live.rs`). A build that fails shows its errors in the browser
//! and the server carries on; the next good build replaces them.

pub(crate) mod live;
pub mod session;
pub(crate) mod watch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use percent_encoding::{CONTROLS, percent_decode_str, utf8_percent_encode};
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::render::urls;
use crate::{BuildOptions, Diagnostic, Error, Result};
use session::{Body, Outcome, Session, Snapshot};

/// The port tried first when none is given, as Zola.
pub const DEFAULT_PORT: u16 = 1111;

/// How many ports after the asked-for one are tried when it is taken.
const PORTS_TRIED: u16 = 20;

/// Threads answering requests (event streams have threads of their own).
const WORKERS: usize = 4;

/// What `serve` reports as it goes; the command line prints it.
#[derive(Debug)]
pub enum Event {
    /// The server is up at `url`.
    Ready { url: String },
    /// The site was built, after a change to `changed` files (0 for the first build).
    Built {
        changed: usize,
        elapsed: Duration,
        pages: usize,
        warnings: Vec<Diagnostic>,
        /// The build before this one failed: the errors are fixed.
        fixed: bool,
    },
    /// A static file changed; pages were reloaded.
    Reloaded,
    /// The site does not build; the browser shows why.
    Failed { errors: Vec<Diagnostic> },
}

/// The preview server's settings.
pub struct ServeOptions {
    pub root: PathBuf,
    /// The port to try first; 0 lets the system pick one.
    pub port: u16,
}

/// The state requests are answered from.
struct State {
    /// The last good build, if any.
    snapshot: Option<Arc<Snapshot>>,
    /// The errors of the latest build, when it failed.
    errors: Option<Arc<Vec<Diagnostic>>>,
}

struct Shared {
    state: RwLock<State>,
    hub: live::Hub,
}

/// Serves the site until the process ends; returns only if it cannot start.
pub fn serve(options: &ServeOptions, report: &(dyn Fn(Event) + Sync)) -> Result<()> {
    let root = crate::fs::absolute(&options.root)?;
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "{}: no such site folder (pass the folder that holds site.toml with --root)",
            root.display()
        )));
    }
    let (server, address) = bind(options.port)?;
    let url = format!("http://{address}/");
    let mut session = Session::new(BuildOptions {
        drafts: true,
        base_url: Some(url.clone()),
        ..BuildOptions::new(&root)
    });
    let shared = Arc::new(Shared {
        state: RwLock::new(State {
            snapshot: None,
            errors: None,
        }),
        hub: live::Hub::default(),
    });
    // Watch before the first build, so an edit made while it runs is not missed.
    let mut watch = watch::Watch::start(&root)?;
    apply(&shared, session.rebuild(None), 0, report);

    let server = Arc::new(server);
    for _ in 0..WORKERS {
        let (server, shared) = (server.clone(), shared.clone());
        std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                answer(&shared, request);
            }
        });
    }
    report(Event::Ready { url });

    let mut generation = 0;
    while let Some(batch) = watch.next_batch() {
        let outcome = match batch {
            Ok(paths) if paths.is_empty() => continue,
            Ok(paths) => (
                rebuild_or_start_over(&mut session, &root, &paths),
                paths.len(),
            ),
            Err(e) => {
                // The batch's changes were not read: start over with a full load next time.
                session = Session::new(session.options().clone());
                (Outcome::Failed(e), 0)
            }
        };
        if apply(&shared, outcome.0, outcome.1, report) {
            generation += 1;
            shared.hub.reload(generation);
        }
    }
    Ok(())
}

/// Rebuilds after `paths` changed. A panic (a bug in sitrep) must not end the preview: it is
/// shown as an error, and the session starts over with a full load at the next change.
fn rebuild_or_start_over(
    session: &mut Session,
    root: &std::path::Path,
    paths: &[PathBuf],
) -> Outcome {
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        session.rebuild(Some(paths))
    }));
    attempt.unwrap_or_else(|_| {
        *session = Session::new(session.options().clone());
        let error = Diagnostic::new(
            paths
                .first()
                .and_then(|p| p.strip_prefix(root).ok())
                .unwrap_or(root),
            "sitrep failed while rebuilding after this change (a bug); save again to retry",
        );
        Outcome::Failed(Error::Invalid {
            errors: vec![error],
            warnings: Vec::new(),
        })
    })
}

/// Takes a rebuild's outcome into the shared state; whether pages should reload.
fn apply(shared: &Shared, outcome: Outcome, changed: usize, report: &dyn Fn(Event)) -> bool {
    let mut state = shared.state.write().unwrap_or_else(|e| e.into_inner());
    match outcome {
        Outcome::Nothing => false,
        Outcome::Files => {
            drop(state);
            report(Event::Reloaded);
            true
        }
        Outcome::Built(snapshot, _, elapsed) => {
            let pages = snapshot.outputs.paths.len();
            let warnings = snapshot.site.warnings.clone();
            let old = state.snapshot.replace(snapshot);
            let fixed = state.errors.take().is_some();
            drop(state);
            // Freeing a large site's last build takes tens of milliseconds: not while the
            // editor waits for the page.
            std::thread::spawn(move || drop(old));
            report(Event::Built {
                changed,
                elapsed,
                pages,
                warnings,
                fixed,
            });
            true
        }
        Outcome::Failed(error) => {
            let errors = match error {
                Error::Invalid { errors, .. } => errors,
                other => vec![Diagnostic::new("", other.to_string())],
            };
            state.errors = Some(Arc::new(errors.clone()));
            drop(state);
            report(Event::Failed { errors });
            true
        }
    }
}

/// Listens on 127.0.0.1 at `port`, or the next free port after it.
fn bind(port: u16) -> Result<(Server, SocketAddr)> {
    let tries = if port == 0 { 1 } else { PORTS_TRIED };
    let mut last = None;
    for p in (0..tries).filter_map(|i| port.checked_add(i)) {
        match Server::http(("127.0.0.1", p)) {
            Ok(server) => {
                let address = server
                    .server_addr()
                    .to_ip()
                    .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], p)));
                return Ok((server, address));
            }
            Err(e) => last = Some(e),
        }
    }
    Err(Error::Usage(format!(
        "cannot listen on 127.0.0.1 at ports {port} to {}: {}; pass another --port",
        port.saturating_add(tries - 1),
        last.map(|e| e.to_string()).unwrap_or_default()
    )))
}

/// Answers one request. A panic while rendering must not take a worker with it.
fn answer(shared: &Shared, request: Request) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(Response::from_string("only GET and HEAD").with_status_code(405));
        return;
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if path == live::EVENTS_PATH {
        shared.hub.listen(request.into_writer());
        return;
    }
    // Read before the state: a page is never said to be newer than it is.
    let generation = shared.hub.generation();
    // The headers are made inside the guard too: one that cannot be sent is a bug as well.
    let prepared = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let reply = reply(shared, path);
        let headers = headers(&reply);
        (reply, headers)
    }));
    let (reply, headers) = prepared.unwrap_or_else(|_| {
        let error = Diagnostic::new(path, "sitrep failed while making this page (a bug)");
        let reply = Reply::html(500, live::error_page(&[error]));
        let headers = headers(&reply);
        (reply, headers)
    });
    let _ = respond(request, reply, headers, generation);
}

/// An answer before it is sent.
struct Reply {
    status: u16,
    content_type: String,
    body: ReplyBody,
    location: Option<String>,
}

enum ReplyBody {
    Bytes(Vec<u8>),
    File(PathBuf),
}

impl Reply {
    fn html(status: u16, html: String) -> Reply {
        Reply {
            status,
            content_type: "text/html; charset=utf-8".to_string(),
            body: ReplyBody::Bytes(html.into_bytes()),
            location: None,
        }
    }
}

fn reply(shared: &Shared, path: &str) -> Reply {
    let state = shared.state.read().unwrap_or_else(|e| e.into_inner());
    let (snapshot, errors) = (state.snapshot.clone(), state.errors.clone());
    drop(state);
    let Some(output) = output_path(path) else {
        return Reply::html(
            400,
            live::error_page(&[Diagnostic::new(path, "not a path on this site")]),
        );
    };
    let page = output.is_empty() || output.ends_with(".html") || !output.contains('.');
    // While the site does not build, its pages show why; styles and images still come.
    if let Some(errors) = errors.filter(|_| page) {
        return Reply::html(500, live::error_page(&errors));
    }
    let Some(snapshot) = snapshot else {
        let error = Diagnostic::new("", "the site has not been built yet");
        return Reply::html(503, live::error_page(&[error]));
    };
    let candidates = if output.is_empty() || output.ends_with('/') {
        vec![urls::index_file(&output)]
    } else {
        vec![output.clone()]
    };
    for candidate in &candidates {
        if let Some(found) = snapshot.get(candidate) {
            return match found {
                Ok(body) => ok(candidate, body),
                Err(errors) => Reply::html(500, live::error_page(&errors)),
            };
        }
    }
    // `/story` for `/story/`, as static hosts do.
    if snapshot.has(&urls::index_file(&format!("{output}/"))) {
        return Reply {
            status: 301,
            content_type: "text/plain".to_string(),
            body: ReplyBody::Bytes(Vec::new()),
            // The raw request path may hold any byte; a header holds only ASCII.
            location: Some(utf8_percent_encode(&format!("{path}/"), CONTROLS).to_string()),
        };
    }
    match snapshot.not_found() {
        Ok(html) => Reply::html(404, html),
        Err(errors) => Reply::html(500, live::error_page(&errors)),
    }
}

/// A found output as a reply; HTML pages get the live-reload script.
fn ok(path: &str, body: Body) -> Reply {
    let content_type = mime_guess::from_path(path)
        .first_or_octet_stream()
        .essence_str()
        .to_string();
    let text_type = content_type.starts_with("text/")
        || content_type.ends_with("xml")
        || content_type.ends_with("json")
        || content_type.ends_with("javascript");
    let content_type = if text_type {
        format!("{content_type}; charset=utf-8")
    } else {
        content_type
    };
    let body = match body {
        Body::Text(text) if path.ends_with(".html") => ReplyBody::Bytes(text.into_bytes()),
        Body::Text(text) => ReplyBody::Bytes(text.into_bytes()),
        Body::File(from) => ReplyBody::File(from),
    };
    Reply {
        status: 200,
        content_type,
        body,
        location: None,
    }
}

/// The output path a URL path asks for (`/x/` → `x/`), decoded; `None` for one that climbs out
/// of the site. The preview is always served at the root: its `base_url` is the server's own.
fn output_path(path: &str) -> Option<String> {
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    let rest = decoded.strip_prefix('/')?;
    if rest.split('/').any(|part| part == ".." || part == ".") || rest.contains('\\') {
        return None;
    }
    Some(rest.to_string())
}

/// The headers `reply` is sent with.
fn headers(reply: &Reply) -> Vec<Header> {
    let mut headers = vec![
        header("Content-Type", &reply.content_type),
        // A preview must never show a page from before the last edit.
        header("Cache-Control", "no-store"),
    ];
    if let Some(location) = &reply.location {
        headers.push(header("Location", location));
    }
    headers
}

/// Sends `reply`; an HTML page gets the live-reload script, naming build `generation`.
fn respond(
    request: Request,
    reply: Reply,
    headers: Vec<Header>,
    generation: u64,
) -> std::io::Result<()> {
    let status = StatusCode(reply.status);
    match reply.body {
        ReplyBody::Bytes(bytes) if reply.content_type.starts_with("text/html") => {
            let page = live::inject(String::from_utf8_lossy(&bytes).into_owned(), generation);
            let length = page.len();
            let response = Response::new(status, headers, page.as_bytes(), Some(length), None);
            request.respond(response)
        }
        ReplyBody::Bytes(bytes) => {
            let length = bytes.len();
            let response = Response::new(status, headers, &bytes[..], Some(length), None);
            request.respond(response)
        }
        ReplyBody::File(from) => match std::fs::File::open(&from) {
            Ok(file) => {
                let length = file.metadata().ok().map(|m| m.len() as usize);
                request.respond(Response::new(status, headers, file, length, None))
            }
            Err(e) => {
                let error = Diagnostic::new(from, format!("cannot read this file: {e}"));
                let page = live::error_page(&[error]).into_bytes();
                let length = page.len();
                let response =
                    Response::new(StatusCode(500), headers, &page[..], Some(length), None);
                request.respond(response)
            }
        },
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values are ASCII")
}
