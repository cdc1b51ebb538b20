//! `sitrep import wordpress`: a WordPress export (WXR) into the site's own files, as SPEC's
//! "Leaving WordPress" says. Two streaming passes over the exports: the first reads everything
//! but the texts (authors, attachments, every item's id, status, slug and link, every comment's
//! id and status) and so finds malformed XML and files that exist before anything is written;
//! the second converts each item as it is read and writes it. Memory holds one item's text.

pub mod body;
mod plan;
pub mod wxr;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::{Error, Result, fs};

pub use plan::Plan;

/// Items converted at once.
const BATCH: usize = 256;

/// What to import, and how.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub root: PathBuf,
    pub exports: Vec<PathBuf>,
    /// Write nothing; report what would be written.
    pub dry_run: bool,
    /// Replace files that exist.
    pub force: bool,
    /// A local copy of the old site's `wp-content/uploads`, copied to
    /// `static/wp-content/uploads/` so the old image addresses work on the new site.
    pub media_from: Option<PathBuf>,
    /// Called with (items done, items in all) as the import goes.
    pub progress: Option<fn(usize, usize)>,
}

/// What the import did, for the closing report (and `--report` as JSON).
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// Items and comments by kind and what became of them (`post/publish`, `comment/approved`…).
    pub counts: BTreeMap<String, usize>,
    /// Items not imported, or imported as drafts: (WordPress id, title, why).
    pub skipped: Vec<(u64, String, String)>,
    pub drafted: Vec<(u64, String, String)>,
    /// Comments shown under another parent than WordPress's: (post id, comment id, why).
    pub reattached: Vec<(u64, u64, String)>,
    /// Shortcodes kept as text, with how many posts had each.
    pub unknown_shortcodes: BTreeMap<String, usize>,
    /// Old addresses given redirects: (old path, new slug).
    pub aliases: Vec<(String, String)>,
    /// `?p=ID` links, which a static host cannot serve: (old address, where it should go).
    pub query_links: Vec<(String, String)>,
    /// Files written (or, with --dry-run, that would be).
    pub files: usize,
}

impl Report {
    pub fn count(&mut self, what: impl Into<String>) {
        *self.counts.entry(what.into()).or_default() += 1;
    }

    /// Adds what one part of the import found.
    fn merge(&mut self, other: Report) {
        for (what, n) in other.counts {
            *self.counts.entry(what).or_default() += n;
        }
        for (name, n) in other.unknown_shortcodes {
            *self.unknown_shortcodes.entry(name).or_default() += n;
        }
        self.skipped.extend(other.skipped);
        self.drafted.extend(other.drafted);
        self.reattached.extend(other.reattached);
        self.aliases.extend(other.aliases);
        self.query_links.extend(other.query_links);
        self.files += other.files;
    }

    /// The report as a person reads it.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (what, n) in &self.counts {
            out.push_str(&format!("{n:>7}  {what}\n"));
        }
        let list = |title: &str, rows: Vec<String>, out: &mut String| {
            if !rows.is_empty() {
                out.push_str(&format!("\n{title}:\n"));
                for row in rows {
                    out.push_str(&format!("  {row}\n"));
                }
            }
        };
        list(
            "skipped",
            self.skipped
                .iter()
                .map(|(id, t, why)| format!("#{id} {t:?}: {why}"))
                .collect(),
            &mut out,
        );
        list(
            "imported as drafts",
            self.drafted
                .iter()
                .map(|(id, t, why)| format!("#{id} {t:?}: {why}"))
                .collect(),
            &mut out,
        );
        list(
            "comments re-attached",
            self.reattached
                .iter()
                .map(|(p, c, why)| format!("post #{p}, comment {c}: {why}"))
                .collect(),
            &mut out,
        );
        list(
            "shortcodes kept as text",
            self.unknown_shortcodes
                .iter()
                .map(|(s, n)| format!("[{s}] in {n} posts"))
                .collect(),
            &mut out,
        );
        list(
            "redirects from old addresses",
            self.aliases
                .iter()
                .map(|(old, slug)| format!("{old} → /{slug}/"))
                .collect(),
            &mut out,
        );
        list(
            "?p= links a static host cannot serve (point them at the new address)",
            self.query_links
                .iter()
                .map(|(old, new)| format!("{old} → {new}"))
                .collect(),
            &mut out,
        );
        out.push_str(&format!("\n{} files\n", self.files));
        out
    }
}

/// The files of an uploads folder, each with where it goes (`static/wp-content/uploads/…`);
/// editors' and systems' own files, as the layout names them, left behind.
fn media_files(uploads: Option<&Path>) -> Result<Vec<(PathBuf, PathBuf)>> {
    let Some(uploads) = uploads else {
        return Ok(Vec::new());
    };
    if !uploads.is_dir() {
        return Err(Error::Usage(format!(
            "{}: no such folder (pass the old site's wp-content/uploads with --media-from)",
            uploads.display()
        )));
    }
    let (files, errors) = fs::files_under(uploads);
    if let Some(error) = errors.into_iter().next() {
        return Err(error);
    }
    Ok(files
        .into_iter()
        .filter_map(|from| {
            let rel = from.strip_prefix(uploads).ok()?.to_path_buf();
            let to = Path::new("static/wp-content/uploads").join(&rel);
            let skipped = crate::load::layout::classify(&to) == crate::load::layout::Entry::Skipped;
            (!skipped).then_some((from, to))
        })
        .collect())
}

/// Imports the exports into the site at `options.root`.
pub fn wordpress(options: &ImportOptions) -> Result<Report> {
    let root = fs::absolute(&options.root)?;
    if options.exports.is_empty() {
        return Err(Error::Usage(
            "give the WordPress export (WXR) file to import".to_string(),
        ));
    }
    let mut plan = Plan::default();
    for export in &options.exports {
        wxr::read(export, &mut |found| plan.index(found))?;
    }
    plan.settle();
    let media = media_files(options.media_from.as_deref())?;
    if !options.force {
        let mut existing = 0;
        let mut shown = Vec::new();
        let targets = plan.paths().chain(media.iter().map(|(_, to)| to.clone()));
        for path in targets.filter(|p| root.join(p).exists()) {
            existing += 1;
            if shown.len() < 5 {
                shown.push(path.display().to_string());
            }
        }
        if existing > 0 {
            return Err(Error::Usage(format!(
                "{existing} files the import would write exist already ({}{}): pass --force to replace them",
                shown.join(", "),
                if existing > 5 { ", …" } else { "" }
            )));
        }
    }
    let mut report = Report::default();
    let write = |rel: &Path, text: &str| -> Result<()> {
        if options.dry_run {
            return Ok(());
        }
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, text.as_bytes())
    };
    for (rel, text) in plan.author_files() {
        write(&rel, &text)?;
    }
    report.files = plan.author_count();
    // Items are converted a batch at a time on every core, and written in the export's order:
    // memory holds one batch.
    let mut batch: Vec<Box<wxr::Item>> = Vec::with_capacity(BATCH);
    let total = plan.item_count();
    let mut done_items = 0;
    let mut run = |batch: &mut Vec<Box<wxr::Item>>, report: &mut Report| -> Result<()> {
        done_items += batch.len();
        let done: Vec<(Vec<(PathBuf, String)>, Report)> = batch
            .par_iter()
            .map(|item| {
                let mut part = Report::default();
                let files = plan.convert(item, &mut part);
                (files, part)
            })
            .collect();
        batch.clear();
        if let Some(progress) = options.progress {
            progress(done_items.min(total), total);
        }
        for (files, part) in done {
            report.merge(part);
            report.files += files.len();
            files
                .par_iter()
                .map(|(rel, text)| write(rel, text))
                .collect::<Result<Vec<()>>>()?;
        }
        Ok(())
    };
    for export in &options.exports {
        let mut failed = None;
        wxr::read(export, &mut |found| {
            if let (wxr::Found::Item(item), None) = (found, &failed) {
                batch.push(item);
                if batch.len() == BATCH
                    && let Err(e) = run(&mut batch, &mut report)
                {
                    failed = Some(e);
                }
            }
        })?;
        if let Some(e) = failed {
            return Err(e);
        }
    }
    run(&mut batch, &mut report)?;
    for (from, to) in &media {
        report.count("media file");
        report.files += 1;
        if !options.dry_run {
            let target = root.join(to);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::copy(from, &target)?;
        }
    }
    plan.finish(&mut report);
    Ok(report)
}
