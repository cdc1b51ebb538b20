//! The HTTP around [`Intake::accept`]: hyper on tokio, with every resource bounded: a cap on
//! open connections (past it a new one is closed at once), 16 KiB for a request's head, ten
//! seconds to send it (slow or idle clients are cut off), a minute for a whole connection,
//! 64 KiB and twenty seconds for a body. Every answer is a page for a person; none is a 500.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tower::ServiceExt;

use crate::form;
use crate::pages::refusal;
use crate::{Intake, Outcome};

/// Decisions (and their synced writes) under way at once.
static WRITERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(64);

/// Largest body taken: SPEC's 64 KiB.
pub const MAX_BODY: usize = 64 * 1024;
/// How much of a too-long body is read anyway, so the sender gets its answer.
const DRAIN_LIMIT: usize = 1024 * 1024;
/// Open connections at once.
const MAX_CONNECTIONS: usize = 1024;
const HEAD_LIMIT: usize = 16 * 1024;
const HEAD_TIME: Duration = Duration::from_secs(10);
const BODY_TIME: Duration = Duration::from_secs(20);
const CONNECTION_TIME: Duration = Duration::from_secs(60);

/// A running intake: its address, and the way to stop it.
pub struct Running {
    pub address: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Serves until the process ends.
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    /// Stops taking connections and waits for the server's thread.
    pub fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Serves `intake` on `listener` from a thread of its own.
pub fn start(listener: std::net::TcpListener, intake: Arc<Intake>) -> std::io::Result<Running> {
    listener.set_nonblocking(true)?;
    let address = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let form_path = intake.directory().form_path.clone();
    let router = Router::new()
        .route(&form_path, post(submit).fallback(wrong_method))
        .fallback(not_here)
        .with_state(intake);
    let thread = std::thread::Builder::new()
        .name("sitrep-intake".to_string())
        .spawn(move || runtime.block_on(accept_loop(listener, router, stopped)))?;
    Ok(Running {
        address,
        stop: Some(stop),
        thread: Some(thread),
    })
}

async fn accept_loop(
    listener: std::net::TcpListener,
    router: Router,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    let permits = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file handles, say: wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // Past the cap, a new connection is closed at once: the open ones are served.
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let router = router.clone();
        tokio::spawn(async move {
            let service =
                hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(peer));
                    router.clone().oneshot(request)
                });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_TIME)
                .max_buf_size(HEAD_LIMIT)
                .serve_connection(TokioIo::new(stream), service);
            let _ = tokio::time::timeout(CONNECTION_TIME, connection).await;
            drop(permit);
        });
    }
}

fn page(status: StatusCode, html: String) -> Response {
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn not_here() -> Response {
    page(
        StatusCode::NOT_FOUND,
        refusal("Not here", "This address only receives comments.", "", "/"),
    )
}

async fn wrong_method(State(intake): State<Arc<Intake>>) -> Response {
    let home = intake.directory().page("");
    let mut response = page(
        StatusCode::METHOD_NOT_ALLOWED,
        refusal(
            "Comments are sent with the form",
            "This address receives the comment form; open an article to write one.",
            "",
            home.trim_end_matches('/'),
        ),
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    response
}

async fn submit(
    State(intake): State<Arc<Intake>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let directory = intake.directory();
    let home = directory.page("");
    let home = home.trim_end_matches('/').to_string() + "/";
    let refuse = |status: StatusCode, title: &str, message: &str, text: &str, back: &str| {
        page(status, refusal(title, message, text, back))
    };
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !is_form {
        let message = "Comments are sent with the form on the article's page.";
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Comment not sent",
            message,
            "",
            &home,
        );
    }
    if !origin_allowed(&headers, &directory.base_url) {
        let message = "This form was sent from another site.";
        return refuse(
            StatusCode::FORBIDDEN,
            "Comment not sent",
            message,
            "",
            &home,
        );
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_long = || {
        let message =
            "The comment is too long: a comment may be up to 64 KiB (about ten thousand words).";
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Comment too long",
            message,
            "",
            &home,
        )
    };
    // A body a little too long is read to its end (and thrown away) before the answer, so the
    // browser, still sending, sees the 413 rather than a broken connection; a huge one is not.
    if declared.is_some_and(|n| n > DRAIN_LIMIT as u64) {
        return too_long();
    }
    let read = tokio::time::timeout(BODY_TIME, read_body(body)).await;
    let bytes = match read {
        Ok(Ok(Some(bytes))) => bytes,
        Ok(Ok(None)) => return too_long(),
        _ => {
            let message = "The comment did not arrive whole; please send it again.";
            return refuse(
                StatusCode::BAD_REQUEST,
                "Comment not sent",
                message,
                "",
                &home,
            );
        }
    };
    let parsed = form::parse(&bytes);
    let post = match parsed.result {
        Ok(post) => post,
        Err(invalid) => {
            let message = format!("Please check the {} field: {}.", invalid.field, invalid.why);
            return refuse(
                StatusCode::BAD_REQUEST,
                "Comment not sent",
                &message,
                &parsed.text,
                &home,
            );
        }
    };
    let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    let client = crate::guard::client(peer.ip(), forwarded, &intake.settings().trusted_proxies);
    let now = chrono::Utc::now();
    let not_saved = || {
        let message = "Your comment could not be saved just now; please try again in a minute.";
        let title = "Comment not saved";
        refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            title,
            message,
            &parsed.text,
            &home,
        )
    };
    // A few decisions at once (each ends in a synced write): more would only queue in the
    // disk, each on a thread of its own.
    let Ok(_turn) = WRITERS.acquire().await else {
        return not_saved();
    };
    let worker = intake.clone();
    let decided = tokio::task::spawn_blocking(move || {
        let outcome = worker.accept(&post, client, now);
        (outcome, post)
    })
    .await;
    let Ok((outcome, post)) = decided else {
        return not_saved();
    };
    let back = directory
        .articles
        .get_key_value(post.slug.as_str())
        .map_or(home.clone(), |(slug, _)| directory.page(slug));
    let text = &post.comment;
    match outcome {
        Outcome::Held { to } => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(location) = HeaderValue::from_str(&to) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        Outcome::Invalid { field, why } => {
            let message = format!("Please check the {field} field: {why}.");
            refuse(
                StatusCode::BAD_REQUEST,
                "Comment not sent",
                &message,
                text,
                &back,
            )
        }
        Outcome::NoArticle => {
            let message = "The article this comment is for is not on the site.";
            refuse(
                StatusCode::NOT_FOUND,
                "Article not found",
                message,
                text,
                &home,
            )
        }
        Outcome::Closed => {
            let message = "Comments on this article are closed.";
            refuse(
                StatusCode::FORBIDDEN,
                "Comments closed",
                message,
                text,
                &back,
            )
        }
        Outcome::Duplicate => {
            let message = "This comment was already received: it is waiting for a moderator.";
            refuse(
                StatusCode::CONFLICT,
                "Already received",
                message,
                text,
                &back,
            )
        }
        Outcome::Flood { wait } => {
            let seconds = wait.as_secs().max(1);
            let message = format!(
                "Comments are coming too fast from here; please wait {seconds} seconds and send it again."
            );
            let mut response = refuse(
                StatusCode::TOO_MANY_REQUESTS,
                "Please wait",
                &message,
                text,
                &back,
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            response
        }
        Outcome::Unavailable { why } => {
            let message = format!("{why}; please try again later.");
            let mut response = refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "Comment not saved",
                &message,
                text,
                &back,
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
            response
        }
    }
}

/// The body, or `None` if it is over [`MAX_BODY`] (then read on to its end, up to
/// [`DRAIN_LIMIT`], and dropped); an error if the client broke off.
async fn read_body(body: Body) -> Result<Option<Vec<u8>>, axum::Error> {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut bytes = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else {
            continue;
        };
        seen += data.len();
        if seen > DRAIN_LIMIT {
            return Ok(None);
        }
        if seen <= MAX_BODY {
            bytes.extend_from_slice(&data);
        }
    }
    Ok((seen <= MAX_BODY).then_some(bytes))
}

/// A browser says which page sent the form; one from another site is refused. No `Origin` (an
/// old browser, a privacy setting) is let through, as is any when `base_url` has no host.
fn origin_allowed(headers: &HeaderMap, base_url: &str) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let Some((scheme, rest)) = base_url.trim().split_once("://") else {
        return true;
    };
    let host = rest.split('/').next().unwrap_or(rest);
    origin.eq_ignore_ascii_case(&format!("{scheme}://{host}"))
}
