//! A photograph as a page shows it: the `src`, `srcset`, `width` and `height` of its `<img>`
//! and the WebP `srcset` of its `<source>`, from what the image stage made of it. A picture the
//! stage did not make (an SVG, an address elsewhere) is shown as it is, with its `src` alone.

use std::borrow::Cow;

use serde::Serialize;

use crate::images::{self, Processed, Variant};
use crate::model::site::{Image, Site};
use crate::text::html_links as links;
use crate::text::xml::escape;

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

/// `html` (an article's or page's body, whose relative addresses are relative to `folder`) with
/// each `<img>` of a photograph the image stage made given its sizes: wrapped in a `<picture>`
/// with the WebP sizes, and `srcset`, `sizes`, `width`, `height` and lazy loading on the `<img>`.
/// Its other attributes (`alt`, `title`, `class`) are kept; an `<img>` that already has a
/// `srcset` or `width` is left as written.
pub fn rewrite_body<'h>(site: &Site, folder: &str, html: &'h str) -> Cow<'h, str> {
    if site.images.is_empty() || !html.contains("<img") {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + 512);
    let mut rest = html;
    while let Some(at) = rest.find("<img") {
        out.push_str(&rest[..at]);
        let tag_end = rest[at..].find('>').map_or(rest.len(), |i| at + i + 1);
        let tag = &rest[at..tag_end];
        rest = &rest[tag_end..];
        match picture_for(site, folder, tag) {
            Some(picture) => out.push_str(&picture),
            None => out.push_str(tag),
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// How wide a picture in a body is shown: the column's width on a wide screen, else the screen.
const BODY_SIZES: &str = "(min-width: 48rem) 46rem, 100vw";

fn picture_for(site: &Site, folder: &str, tag: &str) -> Option<String> {
    let attributes = attributes(
        tag.strip_prefix("<img")?
            .trim_end_matches('>')
            .trim_end_matches('/'),
    );
    if attributes
        .iter()
        .any(|(name, _)| matches!(name.as_str(), "srcset" | "width" | "height"))
    {
        return None;
    }
    let src = &attributes.iter().find(|(name, _)| name == "src")?.1;
    let src = crate::model::site::resolve_link(&site.base_path, folder, &links::unescape(src));
    let made = processed(site, &src)?;
    let largest = made.largest();
    let mut img = format!(
        "<img src=\"{}\" srcset=\"{}\" sizes=\"{BODY_SIZES}\" width=\"{}\" height=\"{}\" loading=\"lazy\" decoding=\"async\"",
        escape(&site.link(&largest.path)),
        escape(&srcset(site, &made.sized).unwrap_or_default()),
        largest.width,
        largest.height,
    );
    for (name, value) in &attributes {
        if !matches!(name.as_str(), "src" | "loading" | "decoding") {
            img.push_str(&format!(" {name}=\"{value}\""));
        }
    }
    img.push('>');
    Some(match srcset(site, &made.webp) {
        Some(webp) => format!(
            "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{BODY_SIZES}\">{img}</picture>",
            escape(&webp)
        ),
        None => img,
    })
}

/// The attributes of a start tag's inside (after the name), as written: names in lower case,
/// values still escaped (they go back into HTML as they came), `""` for a bare name.
fn attributes(inside: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = inside.trim_start();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, tail) = match after.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let end = after[1..].find(quote).map_or(after.len(), |i| i + 1);
                    (&after[1..end], after.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            rest = tail.trim_start();
            // Kept escaped; a `"` inside a single-quoted value must become `&quot;`.
            value.replace('"', "&quot;")
        } else {
            String::new()
        };
        if !name.is_empty() {
            out.push((name, value));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::attributes;

    #[test]
    fn attributes_are_read_as_written() {
        assert_eq!(
            attributes(r#" src="a.jpg" alt='It&apos;s "x"' class=wide hidden"#),
            [
                ("src".to_string(), "a.jpg".to_string()),
                ("alt".to_string(), "It&apos;s &quot;x&quot;".to_string()),
                ("class".to_string(), "wide".to_string()),
                ("hidden".to_string(), String::new()),
            ]
        );
    }
}
