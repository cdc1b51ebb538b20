//! Reader comments: checking each comment file, rendering its body safely, and placing it in
//! its article's thread (see [`crate::resolve::thread`]). Part of the resolve stage.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::error::{Diagnostic, Diagnostics};
use crate::model::comment::{Comment, Thread};
use crate::model::config::MaxDepth;
use crate::model::sources::{CommentFront, CommentSource, Source};
use crate::render::urls;
use crate::resolve::authors::Authors;
use crate::resolve::thread::{self, ThreadError};
use crate::text::{sanitize, slugs};

/// The thread of one article from its comment files; every problem goes to `diagnostics`.
pub fn thread(
    comments: &[&CommentSource],
    authors: &Authors,
    max_depth: MaxDepth,
    diagnostics: &mut Diagnostics,
) -> Thread {
    // Each comment's file, for its errors: placed at its `parent` field, which they are about.
    let mut source_of: HashMap<String, &Source<CommentFront>> = HashMap::new();
    let mut checked = Vec::with_capacity(comments.len());
    for CommentSource { source, .. } in comments.iter().copied() {
        if urls::comment_anchor(&source.stem) == urls::HELD_NOTICE {
            diagnostics.error(Diagnostic::new(
                &source.path,
                format!(
                    "the comment id `{}` would take the page's #{} notice: rename the file",
                    source.stem,
                    urls::HELD_NOTICE
                ),
            ));
            continue;
        }
        if let Err(why) = slugs::check(&source.stem) {
            diagnostics.error(Diagnostic::new(
                &source.path,
                format!("the comment id `{}` {why}", source.stem),
            ));
            continue;
        }
        let front = &source.front;
        let author_id = front.author_id.clone().filter(|id| {
            let at = |message: String| source.at("author_id", message);
            authors.check(id, "author_id", &at, diagnostics)
        });
        let email_hash = front.email_hash.as_ref().filter(|hash| {
            let ok = sanitize::is_email_hash(hash);
            if !ok {
                diagnostics.warn(Diagnostic::new(
                    &source.path,
                    "email_hash is not a hex SHA-256 or MD5 digest; no avatar is shown",
                ));
            }
            ok
        });
        source_of.insert(source.stem.clone(), source);
        checked.push(Comment {
            id: source.stem.clone(),
            parent: front.parent.clone(),
            author: sanitize::page_text(&front.author).into_owned(),
            date: front.date,
            website: front.website.as_deref().and_then(sanitize::safe_website),
            email_hash: email_hash.map(|h| h.to_ascii_lowercase()),
            author_id,
            body_html: sanitize::render_comment(&source.body),
        });
    }
    let (thread, errors) = thread::build(checked, max_depth);
    for error in errors {
        let (id, message) = match error {
            ThreadError::MissingParent { id, parent } => (
                id,
                format!(
                    "parent {parent:?} is not a comment on this article (comment ids are file stems in this folder)"
                ),
            ),
            ThreadError::Loop { id, cycle } => {
                let chain = format!("{} → {}", cycle.join(" → "), cycle[0]);
                (
                    id,
                    format!("reply loop: {chain}; one of these must not have a `parent`"),
                )
            }
        };
        diagnostics.error(match source_of.get(&id) {
            Some(source) => source.at("parent", message),
            None => Diagnostic::new(PathBuf::new(), message),
        });
    }
    thread
}
