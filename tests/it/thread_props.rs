//! Property tests for threading (issue 5, point 2): any set of comments with any parent links
//! gives either a clear error (missing parent, loop) or a thread, and a page, where every
//! comment appears exactly once, inside its parent or at the depth cap.

use std::collections::HashMap;

use proptest::prelude::*;
use sitrep::model::comment::{Comment, Node};
use sitrep::model::config::MaxDepth;
use sitrep::model::date::Date;
use sitrep::resolve::thread::{self, ThreadError};

use crate::support::TestSite;

/// A generated comment: which comment it answers (an index; one past the end names a comment
/// that does not exist) and its minute, so dates tie often.
#[derive(Debug, Clone)]
struct Spec {
    parent: Option<usize>,
    minute: u32,
}

fn specs() -> impl Strategy<Value = (Vec<Spec>, usize)> {
    (1usize..30).prop_flat_map(|n| {
        let spec = (proptest::option::of(0..n + 2), 0u32..20)
            .prop_map(|(parent, minute)| Spec { parent, minute });
        (proptest::collection::vec(spec, n), 1usize..=10)
    })
}

fn id(i: usize) -> String {
    format!("c{i}")
}

fn comments(specs: &[Spec]) -> Vec<Comment> {
    specs
        .iter()
        .enumerate()
        .map(|(i, s)| Comment {
            id: id(i),
            parent: s.parent.map(id),
            author: format!("Reader {i}"),
            date: Date::parse(&format!("2026-11-01T10:{:02}:00Z", s.minute)).unwrap(),
            website: None,
            email_hash: None,
            author_id: None,
            body_html: String::new(),
        })
        .collect()
}

/// What the links mean, worked out the slow, obvious way: the comments whose parent does not
/// exist, and those on a loop.
fn expected_faults(specs: &[Spec]) -> (Vec<usize>, Vec<usize>) {
    let n = specs.len();
    let missing: Vec<usize> = (0..n)
        .filter(|&i| specs[i].parent.is_some_and(|p| p >= n))
        .collect();
    let on_loop = (0..n)
        .filter(|&i| {
            let mut at = i;
            for _ in 0..n {
                match specs[at].parent {
                    Some(p) if p < n => at = p,
                    _ => return false,
                }
                if at == i {
                    return true;
                }
            }
            false
        })
        .collect();
    (missing, on_loop)
}

/// Where each comment was placed: (depth, the comment it is shown under, reply_to).
type Placement = HashMap<String, Vec<(usize, Option<String>, Option<String>)>>;

fn placements(roots: &[Node]) -> Placement {
    let mut found: Placement = HashMap::new();
    let mut stack: Vec<(&Node, usize, Option<String>)> =
        roots.iter().map(|n| (n, 1, None)).collect();
    while let Some((node, depth, under)) = stack.pop() {
        let reply_to = node.reply_to.as_ref().map(|(id, _)| id.clone());
        found
            .entry(node.comment.id.clone())
            .or_default()
            .push((depth, under, reply_to));
        for reply in &node.replies {
            stack.push((reply, depth + 1, Some(node.comment.id.clone())));
        }
    }
    found
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn every_comment_is_placed_once_under_its_parent_or_at_the_cap((specs, max_depth) in specs()) {
        let n = specs.len();
        let (thread, errors) = thread::build(comments(&specs), MaxDepth::clamped(max_depth));
        let (missing, on_loop) = expected_faults(&specs);

        // The errors are exactly the broken links, each named.
        let mut reported_missing: Vec<usize> = Vec::new();
        let mut reported_loop: Vec<usize> = Vec::new();
        for e in &errors {
            match e {
                ThreadError::MissingParent { id, .. } => reported_missing.push(id[1..].parse().unwrap()),
                ThreadError::Loop { cycle, .. } => reported_loop.extend(cycle.iter().map(|c| c[1..].parse::<usize>().unwrap())),
            }
        }
        reported_missing.sort_unstable();
        reported_loop.sort_unstable();
        prop_assert_eq!(&reported_missing, &missing);
        prop_assert_eq!(&reported_loop, &on_loop);

        // Every comment exactly once, at most `max_depth` deep.
        let placed = placements(&thread.roots);
        prop_assert_eq!(thread.count, n);
        prop_assert_eq!(placed.len(), n);
        for (i, spec) in specs.iter().enumerate() {
            let at = &placed[&id(i)];
            prop_assert_eq!(at.len(), 1, "{} placed {} times", id(i), at.len());
            let (depth, under, reply_to) = at[0].clone();
            prop_assert!(depth <= max_depth);
            let parent = spec.parent.filter(|p| *p < n && !on_loop.contains(&i));
            match parent {
                // No parent, or a broken one: at the top, answering nobody.
                None => {
                    prop_assert_eq!(depth, 1);
                    prop_assert_eq!(reply_to, None);
                }
                Some(p) => {
                    let (parent_depth, parent_under, _) = placed[&id(p)][0].clone();
                    if parent_depth < max_depth {
                        // Inside its parent.
                        prop_assert_eq!(under, Some(id(p)));
                        prop_assert_eq!(depth, parent_depth + 1);
                        prop_assert_eq!(reply_to, None);
                    } else {
                        // Beside its parent at the cap, saying whom it answers.
                        prop_assert_eq!(depth, max_depth);
                        prop_assert_eq!(under, parent_under);
                        prop_assert_eq!(reply_to, Some(id(p)));
                    }
                }
            }
        }
    }
}

proptest! {
    // Whole builds: fewer cases.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn a_page_shows_every_comment_once_or_the_build_names_the_broken_ones((specs, max_depth) in specs()) {
        let s = TestSite::empty();
        s.file(
            "site.toml",
            &format!("title = \"T\"\nbase_url = \"https://t.example/\"\n[comments]\nmax_depth = {max_depth}\n"),
        )
        .file(
            "content/articles/a.md",
            "+++\ntitle = \"A\"\ndate = 2026-10-01\nauthor = \"x\"\n+++\nBody.\n",
        );
        for (i, spec) in specs.iter().enumerate() {
            let parent = spec.parent.map(|p| format!("parent = \"{}\"\n", id(p))).unwrap_or_default();
            s.file(
                &format!("content/comments/a/{}.md", id(i)),
                &format!("+++\nauthor = \"Reader {i}\"\ndate = 2026-11-01T10:{:02}:00Z\n{parent}+++\nHi.\n", spec.minute),
            );
        }
        let (missing, on_loop) = expected_faults(&specs);
        if missing.is_empty() && on_loop.is_empty() {
            let built = s.build();
            let page = built.page("/a/");
            let mut ids = page.comment_ids();
            ids.sort();
            let mut all: Vec<String> = (0..specs.len()).map(id).collect();
            all.sort();
            prop_assert_eq!(ids, all);
            for (i, spec) in specs.iter().enumerate() {
                let c = page.comment(&id(i));
                prop_assert!(c.depth() <= max_depth);
                if let Some(p) = spec.parent {
                    // Inside its parent, or at the cap beside it.
                    prop_assert!(c.is_inside(&id(p)) || c.depth() == max_depth, "{} not under {}", id(i), id(p));
                }
            }
        } else {
            let errors = s.errors();
            // Each comment with a missing parent is an error of its own file; a loop is one
            // error that lists every comment on it.
            for i in &missing {
                let file = format!("content/comments/a/{}.md", id(*i));
                prop_assert!(errors.iter().any(|e| e.starts_with(&file)), "{} not named in {:?}", file, errors);
            }
            for i in &on_loop {
                let named = errors.iter().any(|e| {
                    e.contains("reply loop") && e.split([' ', ':']).any(|word| word == id(*i))
                });
                prop_assert!(named, "{} not in a loop error: {:?}", id(*i), errors);
            }
        }
    }
}
