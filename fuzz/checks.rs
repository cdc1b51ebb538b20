//! The checks behind sitrep's fuzz targets, shared by `cargo fuzz` (fuzz/fuzz_targets/*.rs) and
//! by the corpus replay in `cargo test` (tests/it/fuzz_corpus.rs), which includes this file with
//! `#[path]`. It uses only std, `tempfile` and sitrep's public API, so it builds on stable
//! without libFuzzer.
//!
//! Each check takes the fuzzer's raw bytes and panics when sitrep breaks one of its promises.
//! The byte formats are plain text so that corpus files can be read and written by hand:
//!
//! - [`front_matter`]: a content file, as it would be on disk.
//! - [`comments`]: one byte for `max_depth` (`1 + byte % 10`), then comments separated by lines
//!   of `%%`; each comment is a line `<id> <parent or -> <minutes after 2026-11-01>` followed by
//!   its Markdown body.
//! - [`site`]: files, each introduced by a line `==> <path>` (or `==> <path> -> <target>` for a
//!   symbolic link to another path of the site); the directives `==> @default-output` (build
//!   into `<site>/public` rather than a folder beside the site), `==> @drafts` and
//!   `==> @base_url <url>` set build options.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sitrep::load::front_matter;
use sitrep::model::comment::{Comment, Node};
use sitrep::model::config::MaxDepth;
use sitrep::model::date::Date;
use sitrep::model::sources::{ArticleFront, AuthorFront, CommentFront, PageFront};
use sitrep::resolve::thread::{self, ThreadError};
use sitrep::text::sanitize::{clean_html, is_safe_markup, render_comment};
use sitrep::{BuildOptions, Diagnostic, Error};

// ---------------------------------------------------------------------------------------------
// front_matter

/// Splits a content file and reads its front matter as every kind of content; never panics, and
/// every diagnostic points inside the file and prints without control characters.
pub fn front_matter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("content/articles/fuzz.md");
    let lines = text.lines().count() + 1;
    match front_matter::split(path, text) {
        Ok(split) => {
            assert!(
                is_within(text, split.front_matter),
                "front matter not a slice of the file"
            );
            assert!(is_within(text, split.body), "body not a slice of the file");
            let fm = split.front_matter;
            let off = split.line_offset;
            parsed(
                front_matter::parse_toml::<ArticleFront>(path, fm, off),
                lines,
            );
            parsed(
                front_matter::parse_toml::<CommentFront>(path, fm, off),
                lines,
            );
            parsed(front_matter::parse_toml::<PageFront>(path, fm, off), lines);
        }
        Err(d) => check_diagnostic(&d, lines),
    }
    // The same bytes as an author file and as site.toml.
    parsed(
        front_matter::parse_toml::<AuthorFront>(path, text, 0),
        lines,
    );
    parsed(
        front_matter::parse_toml::<sitrep::model::config::Config>(path, text, 0),
        lines,
    );
    if let Some(date) = Date::parse(text) {
        let _ = (date.iso(), date.human(&Default::default()));
    }
}

fn parsed<T>(result: Result<(T, Vec<Diagnostic>), Diagnostic>, lines: usize) {
    match result {
        Ok((_, warnings)) => warnings.iter().for_each(|w| check_diagnostic(w, lines)),
        Err(e) => check_diagnostic(&e, lines),
    }
}

fn check_diagnostic(d: &Diagnostic, lines: usize) {
    if let Some(line) = d.line {
        assert!(
            line >= 1 && line <= lines,
            "line {line} outside a file of {lines} lines: {d:?}"
        );
    }
    if let Some(column) = d.column {
        assert!(column >= 1, "column {column}: {d:?}");
    }
    printable(d);
}

/// A diagnostic prints as `path:line:column: message`, perhaps followed by the offending line
/// and a caret: new lines are its own, but no other control character (from a file name or a
/// reader's text) may reach the terminal.
fn printable(d: &Diagnostic) {
    let shown = d.to_string();
    assert!(
        !shown.chars().any(|c| c.is_control() && c != '\n'),
        "a diagnostic prints a control character: {shown:?}"
    );
}

/// Whether `part` is a slice of `whole`.
fn is_within(whole: &str, part: &str) -> bool {
    let w = whole.as_ptr() as usize;
    let p = part.as_ptr() as usize;
    p >= w && p + part.len() <= w + whole.len()
}

// ---------------------------------------------------------------------------------------------
// comments

/// One comment as decoded from the fuzzer's bytes, before rendering.
struct Raw {
    id: String,
    parent: Option<String>,
    date: Date,
    body: String,
}

fn decode_comments(data: &[u8]) -> (usize, Vec<Raw>) {
    let Some((&first, rest)) = data.split_first() else {
        return (1, Vec::new());
    };
    let max_depth = 1 + usize::from(first % 10);
    let text = String::from_utf8_lossy(rest);
    let mut comments = Vec::new();
    for (i, record) in text.split("\n%%\n").take(64).enumerate() {
        let (head, body) = record.split_once('\n').unwrap_or((record, ""));
        let mut fields = head.split_whitespace();
        let id = fields
            .next()
            .map_or_else(|| format!("c{i}"), str::to_string);
        let parent = fields.next().filter(|p| *p != "-").map(str::to_string);
        let minutes: u32 = fields
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(i as u32);
        let date = format!(
            "2026-11-{:02}T{:02}:{:02}:00Z",
            1 + (minutes / 1440) % 28,
            (minutes / 60) % 24,
            minutes % 60
        );
        comments.push(Raw {
            id,
            parent,
            date: Date::parse(&date).expect("a valid date"),
            body: body.to_string(),
        });
    }
    (max_depth, comments)
}

/// Renders each comment body and threads the comments: the HTML is safe and a fixed point of
/// the ammonia allowlist, and every comment is in the thread exactly once, in place.
pub fn comments(data: &[u8]) {
    let (max_depth, raw) = decode_comments(data);
    let mut expected: Vec<(String, String)> = Vec::new();
    let comments: Vec<Comment> = raw
        .into_iter()
        .map(|r| {
            let html = render_comment(&r.body);
            assert!(
                is_safe_markup(&html),
                "unsafe markup from {:?}: {html:?}",
                r.body
            );
            let cleaned = clean_html(&html);
            assert_eq!(
                cleaned, html,
                "ammonia changes the rendering of {:?}",
                r.body
            );
            expected.push((r.id.clone(), html.clone()));
            Comment {
                author: format!("reader {}", r.id),
                id: r.id,
                parent: r.parent,
                date: r.date,
                website: None,
                email_hash: None,
                author_id: None,
                body_html: html,
            }
        })
        .collect();
    let ids: std::collections::HashSet<String> = comments.iter().map(|c| c.id.clone()).collect();
    let mut orphans: Vec<String> = comments
        .iter()
        .filter(|c| c.parent.as_ref().is_some_and(|p| !ids.contains(p)))
        .map(|c| c.id.clone())
        .collect();
    let n = comments.len();

    let (thread, errors) = thread::build(comments, MaxDepth::clamped(max_depth));
    assert_eq!(thread.count, n, "thread count");
    let mut seen = Vec::new();
    walk_nodes(&thread.roots, 1, max_depth, &mut seen);
    seen.sort();
    expected.sort();
    assert_eq!(
        seen, expected,
        "the thread does not hold each comment exactly once"
    );

    let mut missing: Vec<String> = errors
        .iter()
        .filter_map(|e| match e {
            ThreadError::MissingParent { id, .. } => Some(id.clone()),
            ThreadError::Loop { cycle, .. } => {
                assert!(!cycle.is_empty(), "an empty loop");
                None
            }
        })
        .collect();
    missing.sort();
    orphans.sort();
    assert_eq!(missing, orphans, "missing parents reported");
}

fn walk_nodes(nodes: &[Node], depth: usize, max_depth: usize, seen: &mut Vec<(String, String)>) {
    assert!(
        nodes.is_empty() || depth <= max_depth,
        "a comment at depth {depth} > {max_depth}"
    );
    for pair in nodes.windows(2) {
        let (a, b) = (&pair[0].comment, &pair[1].comment);
        assert!(
            (a.date, &a.id) <= (b.date, &b.id),
            "replies out of order: {} before {}",
            a.id,
            b.id
        );
    }
    for node in nodes {
        if depth < max_depth {
            assert!(node.reply_to.is_none(), "reply_to above the cap");
        } else {
            assert!(node.replies.is_empty(), "replies nested below the cap");
        }
        seen.push((node.comment.id.clone(), node.comment.body_html.clone()));
        walk_nodes(&node.replies, depth + 1, max_depth, seen);
    }
}

// ---------------------------------------------------------------------------------------------
// site

const MAX_FILES: usize = 40;
const MAX_DEPTH: usize = 6;

enum Entry {
    File(PathBuf, Vec<u8>),
    Link(PathBuf, PathBuf),
}

struct SiteInput {
    entries: Vec<Entry>,
    default_output: bool,
    drafts: bool,
    base_url: Option<String>,
}

/// A path inside the site from the fuzzer's text: no `..`, no root, a few short components.
fn site_path(text: &str) -> Option<PathBuf> {
    let mut path = PathBuf::new();
    for part in text
        .split('/')
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
    {
        let part: String = part.chars().filter(|&c| c != '\0').take(60).collect();
        if part.is_empty() || part == "." || part == ".." {
            continue;
        }
        path.push(part);
    }
    let n = path.components().count();
    (n > 0 && n <= MAX_DEPTH).then_some(path)
}

fn decode_site(data: &[u8]) -> SiteInput {
    let mut input = SiteInput {
        entries: Vec::new(),
        default_output: false,
        drafts: false,
        base_url: None,
    };
    // Header lines and the bytes after each, up to the next header.
    let mut starts = Vec::new();
    let mut at = 0;
    while at < data.len() {
        if data[at..].starts_with(b"==> ") {
            starts.push(at);
        }
        match data[at..].iter().position(|&b| b == b'\n') {
            Some(nl) => at += nl + 1,
            None => break,
        }
    }
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(data.len());
        let section = &data[start + 4..end];
        let (head, body) = match section.iter().position(|&b| b == b'\n') {
            Some(nl) => (&section[..nl], &section[nl + 1..]),
            None => (section, &[][..]),
        };
        let head = String::from_utf8_lossy(head);
        let head = head.trim_end_matches('\r');
        match head {
            "@default-output" => input.default_output = true,
            "@drafts" => input.drafts = true,
            _ if head.starts_with("@base_url ") => {
                input.base_url = Some(head["@base_url ".len()..].to_string());
            }
            _ => {
                if input.entries.len() >= MAX_FILES {
                    continue;
                }
                if let Some((from, to)) = head.split_once(" -> ") {
                    if let (Some(from), Some(to)) = (site_path(from), site_path(to)) {
                        input.entries.push(Entry::Link(from, to));
                    }
                } else if let Some(path) = site_path(head) {
                    input.entries.push(Entry::File(path, body.to_vec()));
                }
            }
        }
    }
    input
}

/// What is on disk under a folder, symbolic links not followed.
#[derive(Debug, PartialEq, Eq)]
enum Node2 {
    Dir,
    File(Vec<u8>),
    Link(PathBuf),
    Other,
}

fn snapshot(root: &Path) -> BTreeMap<PathBuf, Node2> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            let node = if meta.file_type().is_symlink() {
                Node2::Link(std::fs::read_link(&path).unwrap_or_default())
            } else if meta.is_dir() {
                stack.push(path.clone());
                Node2::Dir
            } else if meta.is_file() {
                Node2::File(std::fs::read(&path).unwrap_or_default())
            } else {
                Node2::Other
            };
            found.insert(rel, node);
        }
    }
    found
}

/// The build's clock: fixed, so a corpus file always means the same site.
fn clock() -> Date {
    Date::parse("2026-11-28T00:00:00Z").expect("a valid date")
}

fn check_error(e: &Error) {
    if let Error::Invalid { errors, warnings } = e {
        assert!(!errors.is_empty(), "Error::Invalid without errors");
        errors.iter().chain(warnings).for_each(printable);
    }
    let _ = e.to_string();
}

/// Writes a site made of the fuzzer's files into a temporary folder, checks it and builds it:
/// neither may panic, `check` writes nothing, and `build` writes only its output folder and the
/// `.<name>.sitrep-*` folders beside it.
pub fn site(data: &[u8]) {
    let input = decode_site(data);
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let top = tmp.path();
    let root = top.join("site");
    std::fs::create_dir_all(&root).expect("the site folder");
    for entry in &input.entries {
        // Clashing paths (a file where a folder should be) just fail to be written.
        match entry {
            Entry::File(path, bytes) => {
                let path = root.join(path);
                if let Some(parent) = path.parent() {
                    let _ = std::fs::create_dir_all(parent);
                }
                let _ = std::fs::write(&path, bytes);
            }
            Entry::Link(from, to) => {
                let from = root.join(from);
                if let Some(parent) = from.parent() {
                    let _ = std::fs::create_dir_all(parent);
                }
                #[cfg(unix)]
                let _ = std::os::unix::fs::symlink(root.join(to), &from);
                #[cfg(not(unix))]
                let _ = to;
            }
        }
    }

    let output = if input.default_output {
        root.join("public")
    } else {
        top.join("out")
    };
    let mut options = BuildOptions::new(&root);
    options.output = (!input.default_output).then(|| output.clone());
    options.drafts = input.drafts;
    options.base_url = input.base_url.clone();
    options.now = clock().0.to_utc();

    let before = snapshot(top);
    let checked = sitrep::check(&options);
    assert!(before == snapshot(top), "check changed the files on disk");
    if let Err(e) = &checked {
        check_error(e);
    }
    if let Ok(report) = &checked {
        report.warnings.iter().for_each(printable);
    }

    let first = sitrep::build(&options);
    assert_only_output_changed(top, &output, &before);
    match &first {
        Ok(built) => {
            match &checked {
                Ok(checked) => assert_eq!(
                    (
                        checked.articles,
                        checked.authors,
                        checked.comments,
                        checked.pages,
                        checked.files
                    ),
                    (
                        built.articles,
                        built.authors,
                        built.comments,
                        built.pages,
                        built.files
                    ),
                    "check and build disagree"
                ),
                // `check` is stricter (broken links are errors there, warnings in a build), but
                // only by what the build reported.
                Err(Error::Invalid { errors, .. }) => {
                    for e in errors {
                        assert!(
                            built.warnings.contains(e),
                            "check fails on {e:?}, which the build that succeeded did not report"
                        );
                    }
                }
                Err(e) => panic!("check fails on a site that builds: {e}"),
            }
            // Again, over the first build: the recycling path.
            let second = sitrep::build(&options);
            assert_only_output_changed(top, &output, &before);
            let second = second.expect("a site that built once fails the second time");
            assert_eq!(
                second.files, built.files,
                "a rebuild writes another number of files"
            );
        }
        Err(e) => check_error(e),
    }
}

fn assert_only_output_changed(top: &Path, output: &Path, before: &BTreeMap<PathBuf, Node2>) {
    let rel_output = output.strip_prefix(top).unwrap();
    let name = rel_output
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let prefix = format!(".{name}.sitrep-");
    let parent = rel_output.parent().unwrap_or(Path::new(""));
    let ours = |path: &Path| {
        path.ancestors().any(|a| {
            a == rel_output
                || a.parent() == Some(parent)
                    && a.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
        })
    };
    let after = snapshot(top);
    let outside = |map: &BTreeMap<PathBuf, Node2>| -> Vec<PathBuf> {
        map.keys().filter(|p| !ours(p)).cloned().collect()
    };
    let (was, is) = (outside(before), outside(&after));
    assert_eq!(
        was, is,
        "the build added or removed files outside its output folder"
    );
    for path in &is {
        assert!(
            before[path] == after[path],
            "the build changed {} outside its output",
            path.display()
        );
    }
}
