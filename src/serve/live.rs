//! Live reload: open pages listen on a server-sent event stream and reload when the site is
//! rebuilt. The listening script is added to pages as `serve` sends them, never to built files.
//! Also the error page a browser shows while the site does not build.

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use crate::Diagnostic;
use crate::text::xml::escape;

/// Where pages listen for reloads.
pub const EVENTS_PATH: &str = "/__sitrep/live";

/// Added before `</body>`, with the number of the build the page came from (`GENERATION`). The
/// stream names the latest build as soon as it opens and after every rebuild: a page reloads
/// when they differ, so one fetched just before a rebuild, whose stream opened just after it,
/// still reloads.
const SCRIPT: &str = r#"<script data-sitrep-live>(() => {
  const served = "GENERATION";
  const events = new EventSource("/__sitrep/live");
  events.addEventListener("reload", (event) => {
    if (event.data !== served) location.reload();
  });
})();</script>"#;

/// A comment line now and then finds out which listeners have gone.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The listeners of open pages.
#[derive(Default)]
pub struct Hub {
    listeners: Mutex<Vec<Sender<u64>>>,
    /// The latest build's number.
    generation: AtomicU64,
}

impl Hub {
    /// Tells every open page that build `generation` is ready.
    pub fn reload(&self, generation: u64) {
        let mut listeners = self.listeners.lock().unwrap_or_else(|e| e.into_inner());
        self.generation.store(generation, Ordering::SeqCst);
        listeners.retain(|l| l.send(generation).is_ok());
    }

    /// The latest build's number, for the pages sent now.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Streams reload events to `stream` until the page goes away.
    pub fn listen(&self, stream: Box<dyn Write + Send>) {
        let (sender, receiver) = mpsc::channel();
        let mut listeners = self.listeners.lock().unwrap_or_else(|e| e.into_inner());
        // Under the lock, so no rebuild falls between naming the latest and listening.
        let _ = sender.send(self.generation());
        listeners.push(sender);
        drop(listeners);
        // The listener has its own thread: it waits for as long as the page is open.
        std::thread::spawn(move || {
            let _ = stream_events(stream, receiver);
        });
    }
}

fn stream_events(
    mut stream: Box<dyn Write + Send>,
    receiver: Receiver<u64>,
) -> std::io::Result<()> {
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
          Connection: close\r\n\r\nretry: 500\n\n",
    )?;
    stream.flush()?;
    loop {
        match receiver.recv_timeout(KEEP_ALIVE) {
            Ok(generation) => write!(stream, "event: reload\ndata: {generation}\n\n")?,
            Err(RecvTimeoutError::Timeout) => stream.write_all(b": still here\n\n")?,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        stream.flush()?;
    }
}

/// `html` (a page of build `generation`) with the listening script before its closing
/// `</body>`, or at its end.
pub fn inject(mut html: String, generation: u64) -> String {
    let at = html
        .to_ascii_lowercase()
        .rfind("</body>")
        .unwrap_or(html.len());
    html.insert_str(at, &SCRIPT.replace("GENERATION", &generation.to_string()));
    html
}

/// A page listing what stops the site from building (the script is added as it is sent): each error with its file, line and
/// column, and the offending line. Everything in it is escaped, since an error may quote a
/// reader's comment.
pub fn error_page(errors: &[Diagnostic]) -> String {
    let mut items = String::new();
    for error in errors {
        let head = Diagnostic {
            excerpt: None,
            ..error.clone()
        };
        items.push_str(&format!("<li><p>{}</p>", escape(&head.to_string())));
        if let Some((line, caret)) = error.excerpt_lines() {
            items.push_str(&format!("<pre>{}\n{}</pre>", escape(&line), escape(&caret)));
        }
        items.push_str("</li>\n");
    }
    let n = errors.len();
    let title = match n {
        1 => "1 error stops the site from building".to_string(),
        n => format!("{n} errors stop the site from building"),
    };
    format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title>
<style>
body{{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1f2937}}
h1{{color:#b91c1c;font-size:1.4rem}} li{{margin:0 0 1rem}} li p{{margin:0;font-weight:600}}
pre{{background:#f3f4f6;padding:.5rem .75rem;overflow:auto}}
</style></head>
<body>
<h1>{title}</h1>
<ol class="sitrep-errors">
{items}</ol>
<p>Fix the file and save it: this page reloads by itself.</p>
</body>
</html>
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        let page = inject("<html><body><p>x</p></BODY></html>".to_string(), 7);
        assert!(page.starts_with("<html><body><p>x</p><script data-sitrep-live>"));
        assert!(page.contains(r#"const served = "7";"#));
        assert!(page.ends_with("</script></BODY></html>"));
        assert!(inject("plain".to_string(), 0).starts_with("plain<script"));
    }

    #[test]
    fn errors_are_escaped() {
        let error = Diagnostic::at(
            "content/comments/a/1.md",
            2,
            5,
            "<img src=x onerror=alert(1)>",
        )
        .with_excerpt("x\n<script>alert(1)</script>", 1);
        let page = error_page(&[error]);
        assert!(!page.contains("<img"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("content/comments/a/1.md:2:5"));
        assert!(page.contains("<title>1 error stops the site from building</title>"));
    }
}
