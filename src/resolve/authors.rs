//! Authors: reading author files into [`Author`]s and checking the ids that bylines and staff
//! replies use. Part of the resolve stage.

use std::collections::{BTreeMap, HashSet};

use crate::error::{Diagnostic, Diagnostics, did_you_mean};
use crate::model::site::{Author, resolve_link};
use crate::model::sources::{ArticleFront, AuthorFront, Source};
use crate::render::urls;
use crate::text::{markdown, sanitize, slugs};

/// The site's authors, by id.
pub struct Authors {
    pub by_id: BTreeMap<String, Author>,
    /// Ids whose files failed to load: their errors are already reported.
    failed: HashSet<String>,
}

impl Authors {
    /// Reads every author file; `failed` are the ids whose files could not be read.
    pub fn new(
        sources: &[Source<AuthorFront>],
        failed: &HashSet<String>,
        base_path: &str,
        diagnostics: &mut Diagnostics,
    ) -> Authors {
        let mut by_id = BTreeMap::new();
        for source in sources {
            if let Err(why) = slugs::check(&source.stem) {
                diagnostics.error(Diagnostic::new(
                    &source.path,
                    format!("the author id `{}` {why}", source.stem),
                ));
                continue;
            }
            let front = source.front.clone();
            let author = Author {
                url: format!("{base_path}{}", urls::author(&source.stem)),
                id: source.stem.clone(),
                name: front.name,
                role: front.role,
                bio_html: front
                    .bio
                    .map(|bio| markdown::render(&bio, urls::is_theme_id).html)
                    .unwrap_or_default(),
                avatar: front.avatar.map(|a| resolve_link(base_path, "", &a)),
                twitter: front.twitter.and_then(|t| {
                    let handle = t.trim().trim_start_matches('@').to_string();
                    let valid = (1..=15).contains(&handle.len())
                        && handle.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                    if !valid {
                        diagnostics.warn(Diagnostic::new(
                            &source.path,
                            format!("twitter {t:?} is not an X/Twitter handle (letters, digits and _, at most 15); it is left out"),
                        ));
                    }
                    valid.then_some(handle)
                }),
                // Newsroom-written, but a `javascript:` here would still be a link on every page.
                website: front.website.as_deref().and_then(sanitize::safe_website),
            };
            by_id.insert(source.stem.clone(), author);
        }
        Authors {
            by_id,
            failed: failed.clone(),
        }
    }

    /// The authors of a site already resolved; `failed` as for [`Authors::new`].
    pub fn known(by_id: BTreeMap<String, Author>, failed: HashSet<String>) -> Authors {
        Authors { by_id, failed }
    }

    /// Whether `id` names an author, reporting it against `path` (as `field`) if not. An id
    /// whose file failed to load is not reported again.
    /// Whether `id` is a known author; if not (and its file did not merely fail), reports it
    /// with `at`, which places the message at the field that names it.
    pub fn check(
        &self,
        id: &str,
        field: &str,
        at: &dyn Fn(String) -> Diagnostic,
        diagnostics: &mut Diagnostics,
    ) -> bool {
        if self.by_id.contains_key(id) {
            return true;
        }
        if !self.failed.contains(id) {
            diagnostics.error(at(format!(
                "{field} \"{id}\" is not in content/authors/{}",
                did_you_mean(id, self.by_id.keys().map(String::as_str))
            )));
        }
        false
    }

    /// An article's byline: `author` first, then `authors`, each once and each known.
    pub fn byline(
        &self,
        source: &Source<ArticleFront>,
        diagnostics: &mut Diagnostics,
    ) -> Vec<String> {
        let (author, authors, path) = (
            source.front.author.as_ref(),
            &source.front.authors,
            &source.path,
        );
        let mut seen = HashSet::new();
        let ids: Vec<String> = author
            .into_iter()
            .chain(authors)
            .filter(|id| seen.insert(*id))
            .cloned()
            .collect();
        if ids.is_empty() {
            diagnostics.error(Diagnostic::new(
                path,
                "no author: add `author = \"<id>\"` (a file stem under content/authors/), or `authors = [...]`",
            ));
        }
        let single = author.is_some_and(|a| !authors.contains(a));
        ids.into_iter()
            .filter(|id| {
                let key = if single && author == Some(id) {
                    "author"
                } else {
                    "authors"
                };
                let at = |message: String| source.at(key, message);
                self.check(id, "author", &at, diagnostics)
            })
            .collect()
    }
}
