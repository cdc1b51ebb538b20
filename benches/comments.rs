//! The comment sanitiser on its own (issue 4, point 5): every comment body of a site, rendered
//! the way sitrep does it and the way it used to (Markdown to HTML, then the ammonia allowlist
//! over all of it), in the same run.
//!
//! ```sh
//! bench/gen.py --articles 10000 --comments-per-article 12 --out /tmp/bench/site-10000-c12
//! cargo bench --bench comments -- /tmp/bench/site-10000-c12/sitrep
//! ```
//!
//! Single-threaded on purpose: this measures work per comment, not the machine's cores.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use sitrep::text::sanitize::{clean_html, is_safe_markup, render_comment};

const ROUNDS: usize = 5;

fn main() {
    let site = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/bench/site-10000-c12/sitrep"));
    let bodies = comment_bodies(&site.join("content/comments"));
    assert!(!bodies.is_empty(), "no comments under {}", site.display());
    let bytes: usize = bodies.iter().map(String::len).sum();
    println!(
        "{} comments, {:.1} MB of Markdown, from {}; median of {ROUNDS} rounds, one thread\n",
        bodies.len(),
        bytes as f64 / 1e6,
        site.display()
    );

    // What the output must be, checked before anything is timed.
    let mut fixed_points = 0;
    for body in &bodies {
        let html = render_comment(body);
        assert!(is_safe_markup(&html), "unsafe output for {body:?}");
        fixed_points += usize::from(clean_html(&html) == html);
    }

    let markdown = time(&bodies, markdown_only);
    let allowlist = time(&bodies, |b| clean_html(&markdown_only(b)));
    let sitrep = time(&bodies, render_comment);
    let both = time(&bodies, |b| clean_html(&render_comment(b)));
    let outputs: Vec<String> = bodies.iter().map(|b| render_comment(b)).collect();
    let check = time(&outputs, |html| is_safe_markup(html).to_string());

    let per = |d: Duration| d.as_secs_f64() * 1e6 / bodies.len() as f64;
    println!("| way | total s | µs per comment | × sitrep |");
    println!("|---|---:|---:|---:|");
    for (name, d) in [
        ("Markdown to HTML only, no sanitising (the floor)", markdown),
        ("sitrep: safe by construction + one-pass check", sitrep),
        ("of which the one-pass check", check),
        ("Markdown, then ammonia over the HTML (before)", allowlist),
        ("sitrep's output, then ammonia too", both),
    ] {
        println!(
            "| {name} | {:.3} | {:.2} | {:.2} |",
            d.as_secs_f64(),
            per(d),
            d.as_secs_f64() / sitrep.as_secs_f64()
        );
    }
    println!(
        "\n{fixed_points} of {} outputs are unchanged by ammonia (a fixed point of the allowlist).",
        bodies.len()
    );
}

/// Median wall time of rendering every body, over `ROUNDS` rounds.
fn time(bodies: &[String], render: impl Fn(&str) -> String) -> Duration {
    let mut times: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            let mut len = 0;
            for body in bodies {
                len += std::hint::black_box(render(body)).len();
            }
            std::hint::black_box(len);
            start.elapsed()
        })
        .collect();
    times.sort();
    times[ROUNDS / 2]
}

/// Markdown to HTML with raw HTML as text and images as links, as the comment pipeline reads it.
fn markdown_only(body: &str) -> String {
    let events = Parser::new_ext(body, Options::ENABLE_STRIKETHROUGH).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        other => other,
    });
    let mut html = String::with_capacity(body.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// The body (after the front matter) of every file under `dir`, in a stable order.
fn comment_bodies(dir: &Path) -> Vec<String> {
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            let split = sitrep::load::front_matter::split(path, &text).ok()?;
            Some(split.body.to_string())
        })
        .collect()
}
