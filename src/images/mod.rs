//! The image stage, between resolve and render: every local photograph a page shows (lead
//! images, which cards show too, and author photos) is published in the widths of `[images]
//! widths`, never wider than it is, in its own format and in WebP, upright and without its
//! metadata, plus a 1,200 × 630 crop for social cards of each lead image. The render stage
//! writes `srcset`, `width` and `height` from what this stage made.
//!
//! Resizing is the slow part of a build, so every file made is kept in a cache folder beside
//! the output (`.<output>.sitrep-images`), named by a hash of the source's bytes and of what was
//! asked of it; the cache remembers each source's size and modification time, so a rebuild
//! neither resizes nor even reads a photograph that did not change. Entries no build used are
//! swept at the end.

pub mod cache;
#[cfg(test)]
mod codec_tests;
pub use sitrep_photo as codec;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Diagnostic, Diagnostics, relative};
use crate::model::config::ImagesConfig;
use crate::model::site::{Site, resolve_link};
use crate::render::urls;
use codec::Format;

/// The social card's size, as Facebook, LinkedIn and X ask for it.
pub const SOCIAL: (u32, u32) = (1200, 630);

/// One published file made from a photograph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// Output path, relative to the output folder (`slug/lead-800.jpg`).
    pub path: String,
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// Its size in bytes (for feeds' enclosures).
    pub bytes: u64,
}

/// What a photograph was made into.
#[derive(Debug, Clone, Default)]
pub struct Processed {
    /// The widths in its own format, narrowest first; the last is also published at the
    /// original's own path.
    pub sized: Vec<Variant>,
    /// The same widths in WebP.
    pub webp: Vec<Variant>,
    /// The social-card crop (lead images only).
    pub social: Option<Variant>,
}

impl Processed {
    /// The largest size: the `src`, `width` and `height` of the `<img>`.
    pub fn largest(&self) -> &Variant {
        self.sized
            .last()
            .expect("every photograph has one size at least")
    }
}

/// What was made of one photograph, with (cache file, output path) for each file to publish.
pub type Made = (Processed, Vec<(PathBuf, String)>);

/// Every photograph processed, by the output path of the original (`slug/lead.jpg`).
#[derive(Debug, Clone, Default)]
pub struct Images {
    pub by_path: HashMap<String, Processed>,
    /// (cache file, output path) for every file to publish.
    pub files: Vec<(PathBuf, String)>,
}

/// Where a photograph is used: the file that names it, for messages, and whether it needs a
/// social card.
struct Use {
    named_in: PathBuf,
    /// The social card's focal point, for a lead image.
    social: Option<(f64, f64)>,
}

/// Raster formats resized; anything else (SVG, GIF) is published as it is.
pub fn is_raster(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".webp"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// Processes every photograph `site` shows, with `cache` as the cache folder; errors name the
/// image and the file that uses it. `progress` is told (done, total) as photographs are made.
pub fn process(
    site: &Site,
    config: &ImagesConfig,
    cache: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> (Images, Diagnostics) {
    let published = published(site);
    let (used, mut diagnostics) = photographs(site, &published);
    let store = cache::Cache::open(cache);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = used.len();
    let made: Vec<(String, Result<Made, Diagnostic>)> = used
        .par_iter()
        .map(|(path, used)| {
            let from = published[path.as_str()];
            let result = store
                .make(from, path, config, used.social)
                .map_err(|why| used.error(site, from, &why));
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n, total);
            (path.clone(), result)
        })
        .collect();
    let mut images = Images::default();
    for (path, result) in made {
        match result {
            Ok((processed, files)) => {
                images.files.extend(files);
                images.by_path.insert(path, processed);
            }
            Err(diagnostic) => diagnostics.error(diagnostic),
        }
    }
    // A file of the site whose name a size of a photograph takes would be lost.
    for (_, path) in &images.files {
        if let Some(file) = published.get(path.as_str())
            && !images.by_path.contains_key(path)
        {
            diagnostics.error(Diagnostic::new(
                relative(&site.root, file),
                format!("sitrep publishes a size of a photograph at {path}, where this file would go: rename it"),
            ));
        }
    }
    if diagnostics.errors.is_empty() {
        store.sweep(images.files.iter().map(|(file, _)| file.as_path()));
    }
    store.save();
    (images, diagnostics)
}

/// What `check` says of the photographs: the errors [`process`] would report, found without
/// writing anything (a photograph the cache at `cache` knows unchanged is not read again).
pub fn check(site: &Site, cache: &Path) -> Diagnostics {
    let published = published(site);
    let (used, mut diagnostics) = photographs(site, &published);
    let store = cache::Cache::open(cache);
    let errors: Vec<Diagnostic> = used
        .par_iter()
        .filter_map(|(path, used)| {
            let from = published[path.as_str()];
            let why = store.verify(from).err()?;
            Some(used.error(site, from, &why))
        })
        .collect();
    errors.into_iter().for_each(|e| diagnostics.error(e));
    diagnostics
}

impl Use {
    /// The error about the photograph at `from`, named where it is used.
    fn error(&self, site: &Site, from: &Path, why: &str) -> Diagnostic {
        Diagnostic::new(
            relative(&site.root, &self.named_in),
            format!("the image {} {why}", relative(&site.root, from).display()),
        )
    }
}

/// Output path → file on disk, of every file the site publishes as it is.
fn published(site: &Site) -> HashMap<&str, &Path> {
    site.files
        .iter()
        .map(|(from, path)| (path.as_str(), from.as_path()))
        .collect()
}

/// Every local photograph a page shows, by output path, with where it is used; and an error
/// for each that names a file the site does not have.
fn photographs(
    site: &Site,
    published: &HashMap<&str, &Path>,
) -> (BTreeMap<String, Use>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    // Sorted by output path, so the work and the messages come in the same order every time.
    let mut used: BTreeMap<String, Use> = BTreeMap::new();
    let mut note = |src: &str,
                    named_in: PathBuf,
                    social: Option<(f64, f64)>,
                    diagnostics: Option<&mut Diagnostics>| {
        let Some(path) = local_path(site, src) else {
            return;
        };
        if !is_raster(&path) {
            return;
        }
        if !published.contains_key(path.as_str()) {
            // A body's pictures are links the link check already follows.
            let Some(diagnostics) = diagnostics else {
                return;
            };
            diagnostics.error(Diagnostic::new(
                relative(&site.root, &named_in),
                format!("the image {src} is not a file of the site: put it beside the article (a bundle) or under static/"),
            ));
            return;
        }
        let entry = used.entry(path).or_insert(Use {
            named_in,
            social: None,
        });
        entry.social = entry.social.or(social);
    };
    for article in &site.articles {
        if let Some(image) = &article.image {
            note(
                &image.src,
                article.source.clone(),
                Some(image.focus),
                Some(&mut diagnostics),
            );
        }
    }
    // Pictures in article and page bodies (`![](…)` and `<img src>`), relative to the page.
    let bodies = site
        .articles
        .iter()
        .map(|a| (&a.source, &a.slug, &a.body.links))
        .chain(site.pages.iter().map(|p| (&p.source, &p.slug, &p.links)));
    for (source, slug, links) in bodies {
        for link in links.iter().filter(|l| l.image) {
            let src = resolve_link(&site.base_path, &urls::article(slug), &link.address);
            note(&src, source.clone(), None, None);
        }
    }
    for author in site.authors.values() {
        if let Some(avatar) = &author.avatar {
            let file = PathBuf::from(format!("content/authors/{}.toml", author.id));
            note(avatar, file, None, Some(&mut diagnostics));
        }
    }

    (used, diagnostics)
}

/// Puts what [`process`] made into `site`: the resized files are published, each processed
/// original's own address taking its largest size instead of the original.
pub fn publish(site: &mut Site, images: Images) {
    site.files
        .retain(|(_, path)| !images.by_path.contains_key(path.as_str()));
    site.files.extend(images.files);
    site.files.sort_by(|a, b| a.1.cmp(&b.1));
    site.files.dedup_by(|a, b| a.1 == b.1);
    site.images = images.by_path;
}

/// The output path an address on this site leads to (`/news/slug/lead.jpg` → `slug/lead.jpg`
/// under base path `/news/`), or `None` for an address elsewhere.
pub fn local_path(site: &Site, src: &str) -> Option<String> {
    if src.contains("://") || src.starts_with("//") || src.starts_with("data:") {
        return None;
    }
    let base = site.config.base_path();
    let path = src.strip_prefix(base.as_str())?;
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    Some(decoded.into_owned())
}

/// `"0.5,0.3"` as (0.5, 0.3): a point of a picture as fractions of its width and height.
pub fn parse_focus(text: &str) -> Option<(f64, f64)> {
    let (x, y) = text.split_once(',')?;
    let fraction = |s: &str| {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|f| (0.0..=1.0).contains(f))
    };
    Some((fraction(x)?, fraction(y)?))
}

/// The output path of a variant: `slug/lead.jpg` at 800 wide in WebP is `slug/lead-800.webp`.
pub fn variant_path(original: &str, width: u32, format: Format) -> String {
    let (stem, _) = original.rsplit_once('.').unwrap_or((original, ""));
    format!("{stem}-{width}.{}", format.extension())
}

/// The output path of the social card of `original`.
pub fn social_path(original: &str) -> String {
    let (stem, _) = original.rsplit_once('.').unwrap_or((original, ""));
    format!("{stem}-social.jpg")
}

/// The widths to make of a photograph `width` pixels wide: those of `widths` narrower than it,
/// and then its own width when it is narrower than the widest asked for (never upscaled).
pub fn widths_for(width: u32, widths: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = widths.iter().copied().filter(|&w| w < width).collect();
    let widest = widths.iter().copied().max().unwrap_or(width);
    if width <= widest || out.is_empty() {
        out.push(width.min(widest.max(1)));
    } else if !out.contains(&widest) {
        out.push(widest);
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_never_upscaled() {
        let asked = [480, 800, 1200, 1600];
        assert_eq!(widths_for(5000, &asked), [480, 800, 1200, 1600]);
        assert_eq!(widths_for(1000, &asked), [480, 800, 1000]);
        assert_eq!(widths_for(1600, &asked), [480, 800, 1200, 1600]);
        assert_eq!(widths_for(300, &asked), [300]);
    }

    #[test]
    fn variants_sit_beside_the_original() {
        assert_eq!(
            variant_path("a/lead.jpeg", 800, Format::WebP),
            "a/lead-800.webp"
        );
        assert_eq!(social_path("images/x.png"), "images/x-social.jpg");
        assert!(is_raster("A/B.JPG") && !is_raster("a/b.svg"));
    }
}
