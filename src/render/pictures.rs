//! A photograph as a page shows it: the `src`, `srcset`, `width` and `height` of its `<img>`
//! and the WebP `srcset` of its `<source>`, from what the image stage made of it. A picture the
//! stage did not make (an SVG, an address elsewhere) is shown as it is, with its `src` alone.

use serde::Serialize;

use crate::images::{self, Processed, Variant};
use crate::model::site::{Image, Site};

#[derive(Serialize)]
pub struct Picture<'a> {
    pub src: String,
    pub alt: &'a str,
    pub caption: Option<&'a str>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// `a-480.jpg 480w, a-800.jpg 800w`, when there are sizes.
    pub srcset: Option<String>,
    pub webp_srcset: Option<String>,
}

impl<'a> Picture<'a> {
    /// The lead image of an article.
    pub fn of(site: &Site, image: &'a Image) -> Picture<'a> {
        Picture {
            caption: image.caption.as_deref(),
            ..Picture::at(site, &image.src, &image.alt)
        }
    }

    /// The picture at `src` (an address as written in a page), with `alt`.
    pub fn at(site: &Site, src: &str, alt: &'a str) -> Picture<'a> {
        match processed(site, src) {
            Some(made) => {
                let largest = made.largest();
                Picture {
                    src: site.link(&largest.path),
                    alt,
                    caption: None,
                    width: Some(largest.width),
                    height: Some(largest.height),
                    srcset: srcset(site, &made.sized),
                    webp_srcset: srcset(site, &made.webp),
                }
            }
            None => Picture {
                src: src.to_string(),
                alt,
                caption: None,
                width: None,
                height: None,
                srcset: None,
                webp_srcset: None,
            },
        }
    }
}

/// What the image stage made of the picture at `src`, if anything.
pub fn processed<'s>(site: &'s Site, src: &str) -> Option<&'s Processed> {
    site.images.get(&images::local_path(site, src)?)
}

fn srcset(site: &Site, variants: &[Variant]) -> Option<String> {
    (!variants.is_empty()).then(|| {
        variants
            .iter()
            .map(|v| format!("{} {}w", site.link(&v.path), v.width))
            .collect::<Vec<_>>()
            .join(", ")
    })
}
