//! Links in articles and pages that point at the site itself but at nothing it publishes: a
//! mistyped slug, a renamed tag, an author who has left. Part of the render stage, which knows
//! every output path; `check` fails on them and `build` warns, so a deadline publish is never
//! held up by a link.

use std::collections::HashSet;
use std::path::Path;

use ammonia::Url;
use rayon::prelude::*;

use crate::error::{Diagnostic, closest};
use crate::model::site::Site;
use crate::text::html_links::targets;
use crate::text::markdown::LinkAt;

/// A diagnostic for every internal link, in any article or page body, whose target is not among
/// `outputs` (output paths such as `frigate/index.html`).
pub fn broken(site: &Site, outputs: &HashSet<&str>) -> Vec<Diagnostic> {
    let Some(home) = home(site) else {
        return Vec::new();
    };
    let bodies: Vec<(&Path, &str, &str, &[LinkAt])> = site
        .articles
        .iter()
        .map(|a| {
            let body = &a.body;
            (
                a.source.as_path(),
                a.url.as_str(),
                body.html.as_str(),
                &body.links[..],
            )
        })
        .chain(site.pages.iter().map(|p| {
            let links = &p.links[..];
            (
                p.source.as_path(),
                p.url.as_str(),
                p.body_html.as_str(),
                links,
            )
        }))
        .collect();
    // Every body is scanned on every build: in parallel, like the rest of rendering.
    let mut found: Vec<Diagnostic> = bodies
        .par_iter()
        .flat_map_iter(|&(source, page_url, html, written)| {
            let home = &home;
            let page = home.join(page_url).ok();
            targets(html).into_iter().filter_map(move |link| {
                let missing = missing_target(home, page.as_ref()?, &link, outputs)?;
                let at = written.iter().find(|w| w.address.trim() == link.trim());
                Some(diagnostic(site, source, at, &link, &missing, outputs))
            })
        })
        .collect();
    // Sorted like every other diagnostic, so `check` and `build` list them alike.
    found.sort();
    found.dedup();
    found
}

/// The site's home as a URL: `base_url` itself, or a stand-in host when it is only a path.
fn home(site: &Site) -> Option<Url> {
    let base = &site.config.base_url;
    Url::parse(base)
        .or_else(|_| Url::parse("http://sitrep.invalid/")?.join(base))
        .ok()
}

/// The output path `link` (on the page at `page`) should lead to, when it is on this site and
/// nothing is published there.
fn missing_target(home: &Url, page: &Url, link: &str, outputs: &HashSet<&str>) -> Option<String> {
    let target = page.join(link.trim()).ok()?;
    let same_site = target.scheme() == home.scheme()
        && target.host_str() == home.host_str()
        && target.port_or_known_default() == home.port_or_known_default();
    let inside = target.path().strip_prefix(home.path())?;
    if !same_site {
        return None;
    }
    let inside = percent_encoding::percent_decode_str(inside)
        .decode_utf8()
        .ok()?
        .into_owned();
    let candidates = if inside.is_empty() || inside.ends_with('/') {
        vec![format!("{inside}index.html")]
    } else {
        vec![inside.clone(), format!("{inside}/index.html")]
    };
    (!candidates.iter().any(|c| outputs.contains(c.as_str()))).then_some(inside)
}

/// The diagnostic for a link to `missing`, at the place the link is written when known.
fn diagnostic(
    site: &Site,
    source: &Path,
    at: Option<&LinkAt>,
    link: &str,
    missing: &str,
    outputs: &HashSet<&str>,
) -> Diagnostic {
    // Suggest a page in the same folder (a tag for a tag) or at the top (an article), by the
    // last part of the address: "/tag/nope/" is not a typo of "/tag/navy/".
    let (folder, name) = split_last(missing);
    let pages = outputs
        .iter()
        .filter_map(|path| path.strip_suffix("index.html"))
        .map(split_last)
        .filter(|(f, n)| !n.is_empty() && (*f == folder || f.is_empty()));
    let pages: Vec<(&str, &str)> = pages.collect();
    let suggestion = closest(name, pages.iter().map(|(_, n)| *n))
        .and_then(|best| pages.iter().find(|(_, n)| *n == best))
        .map(|(f, n)| {
            let page = if f.is_empty() {
                format!("{n}/")
            } else {
                format!("{f}/{n}/")
            };
            format!(" (did you mean \"{}\"?)", site.link(&page))
        })
        .unwrap_or_default();
    let path = crate::error::relative(&site.root, source);
    let message = format!("links to {link}, which is not on this site{suggestion}");
    match at {
        Some(at) => Diagnostic::at(path, at.line, at.column, message),
        None => Diagnostic::new(path, message),
    }
}

/// `("tag", "navy")` for `tag/navy/`, `("", "frigate")` for `frigate/`.
fn split_last(path: &str) -> (&str, &str) {
    let path = path.trim_end_matches('/');
    path.rsplit_once('/').unwrap_or(("", path))
}
