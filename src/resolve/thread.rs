//! Comment threads: the tree of replies under one article, built from each comment's `parent`,
//! oldest first, with the depth cap applied. Part of the resolve stage.

use std::collections::HashMap;

use crate::model::comment::{Comment, Node, Thread};
use crate::model::config::MaxDepth;

/// Something wrong with a comment's place in its thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThreadError {
    /// `parent` names no comment of this article.
    MissingParent { id: String, parent: String },
    /// Following `parent` from this comment comes back to it; the ids of the loop, in order.
    Loop { id: String, cycle: Vec<String> },
}

/// Builds the tree. `max_depth` is the deepest level shown (1 = no nesting); replies below it
/// are shown at that level, after their ancestors, never dropped. A comment with a broken
/// `parent` is reported and shown at the top level so the other errors can still be found.
pub fn build(mut comments: Vec<Comment>, max_depth: MaxDepth) -> (Thread, Vec<ThreadError>) {
    // The builder recurses once per level shown: the cap bounds its stack.
    let max_depth = max_depth.get();
    comments.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    let index: HashMap<&str, usize> = comments
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut errors = Vec::new();

    let mut parent_of: Vec<Option<usize>> = vec![None; comments.len()];
    for (i, c) in comments.iter().enumerate() {
        if let Some(p) = &c.parent {
            match index.get(p.as_str()) {
                Some(&j) => parent_of[i] = Some(j),
                None => errors.push(ThreadError::MissingParent {
                    id: c.id.clone(),
                    parent: p.clone(),
                }),
            }
        }
    }
    for cycle in find_loops(&parent_of) {
        for &i in &cycle {
            parent_of[i] = None;
        }
        let ids: Vec<String> = cycle.iter().map(|&i| comments[i].id.clone()).collect();
        errors.push(ThreadError::Loop {
            id: ids[0].clone(),
            cycle: ids,
        });
    }

    let mut children: Vec<Vec<usize>> = vec![Vec::new(); comments.len()];
    let mut roots = Vec::new();
    // Comments are sorted by date, so every child list comes out oldest first.
    for (i, parent) in parent_of.iter().enumerate() {
        match parent {
            Some(p) => children[*p].push(i),
            None => roots.push(i),
        }
    }

    let count = comments.len();
    let mut slots: Vec<Option<Comment>> = comments.into_iter().map(Some).collect();
    let builder = Builder {
        children: &children,
        parent_of: &parent_of,
        max_depth,
    };
    let roots = builder.level(&roots, 1, &mut slots);
    (Thread { count, roots }, errors)
}

struct Builder<'a> {
    children: &'a [Vec<usize>],
    parent_of: &'a [Option<usize>],
    max_depth: usize,
}

impl Builder<'_> {
    fn level(&self, members: &[usize], depth: usize, slots: &mut [Option<Comment>]) -> Vec<Node> {
        if depth < self.max_depth {
            return members
                .iter()
                .map(|&i| {
                    let replies = self.level(&self.children[i], depth + 1, slots);
                    Node {
                        comment: slots[i].take().expect("each comment is placed once"),
                        reply_to: None,
                        replies,
                    }
                })
                .collect();
        }
        // At the cap: the members and everything below them, side by side, oldest first.
        let mut flat = Vec::new();
        let mut stack: Vec<usize> = members.iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            flat.push(i);
            stack.extend(self.children[i].iter().rev());
        }
        flat.sort_unstable();
        let names: HashMap<usize, (String, String)> = flat
            .iter()
            .filter_map(|&i| {
                slots[i]
                    .as_ref()
                    .map(|c| (i, (c.id.clone(), c.author.clone())))
            })
            .collect();
        flat.iter()
            .map(|&i| Node {
                comment: slots[i].take().expect("each comment is placed once"),
                // Members answer the comment they are shown under, which is not in `flat`; the
                // rest say whom they answer.
                reply_to: self.parent_of[i].and_then(|p| names.get(&p).cloned()),
                replies: Vec::new(),
            })
            .collect()
    }
}

/// Cycles in the parent links, each once, as lists of indices starting from the lowest.
fn find_loops(parent_of: &[Option<usize>]) -> Vec<Vec<usize>> {
    // 0 = not seen, 1 = on the current path, 2 = done.
    let mut state = vec![0u8; parent_of.len()];
    let mut loops = Vec::new();
    for start in 0..parent_of.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            match state[i] {
                0 => {
                    state[i] = 1;
                    path.push(i);
                    at = parent_of[i];
                }
                1 => {
                    let from = path.iter().position(|&p| p == i).expect("on the path");
                    let mut cycle = path[from..].to_vec();
                    let lowest = cycle
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, v)| **v)
                        .map(|(k, _)| k)
                        .unwrap_or(0);
                    cycle.rotate_left(lowest);
                    loops.push(cycle);
                    break;
                }
                _ => break,
            }
        }
        for i in path {
            state[i] = 2;
        }
    }
    loops
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::date::Date;

    fn build(comments: Vec<Comment>, max_depth: usize) -> (Thread, Vec<ThreadError>) {
        super::build(comments, MaxDepth::clamped(max_depth))
    }

    fn c(id: &str, parent: Option<&str>, minute: u32) -> Comment {
        Comment {
            id: id.to_string(),
            parent: parent.map(str::to_string),
            author: format!("reader {id}"),
            date: Date::parse(&format!("2026-11-01T10:{minute:02}:00Z")).unwrap(),
            website: None,
            email_hash: None,
            author_id: None,
            body_html: String::new(),
        }
    }

    fn shape(nodes: &[Node]) -> String {
        nodes
            .iter()
            .map(|n| {
                if n.replies.is_empty() {
                    n.comment.id.clone()
                } else {
                    format!("{}({})", n.comment.id, shape(&n.replies))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn replies_nest_oldest_first() {
        let (t, errors) = build(
            vec![
                c("c3", Some("c1"), 3),
                c("c1", None, 1),
                c("c2", None, 2),
                c("c4", Some("c1"), 4),
                c("c5", Some("c4"), 5),
            ],
            5,
        );
        assert!(errors.is_empty());
        assert_eq!(t.count, 5);
        assert_eq!(shape(&t.roots), "c1(c3 c4(c5)) c2");
    }

    #[test]
    fn deep_replies_are_kept_at_the_cap() {
        // A chain c1 <- c2 <- c3 <- c4 <- c5, capped at 3 levels.
        let chain = vec![
            c("c1", None, 1),
            c("c2", Some("c1"), 2),
            c("c3", Some("c2"), 3),
            c("c4", Some("c3"), 4),
            c("c5", Some("c4"), 5),
        ];
        let (t, _) = build(chain, 3);
        assert_eq!(shape(&t.roots), "c1(c2(c3 c4 c5))");
        let level3 = &t.roots[0].replies[0].replies;
        assert_eq!(level3[0].reply_to, None);
        assert_eq!(
            level3[1].reply_to,
            Some(("c3".to_string(), "reader c3".to_string()))
        );
        assert_eq!(
            level3[2].reply_to,
            Some(("c4".to_string(), "reader c4".to_string()))
        );
    }

    #[test]
    fn a_cap_of_one_is_flat() {
        let (t, _) = build(
            vec![c("c1", None, 1), c("c2", Some("c1"), 2), c("c3", None, 3)],
            1,
        );
        assert_eq!(shape(&t.roots), "c1 c2 c3");
        assert_eq!(
            t.roots[1].reply_to.as_ref().map(|r| r.0.as_str()),
            Some("c1")
        );
    }

    #[test]
    fn missing_parents_are_reported_and_kept() {
        let (t, errors) = build(vec![c("c1", Some("nope"), 1)], 5);
        assert_eq!(
            errors,
            vec![ThreadError::MissingParent {
                id: "c1".into(),
                parent: "nope".into()
            }]
        );
        assert_eq!(t.count, 1);
        assert_eq!(shape(&t.roots), "c1");
    }

    #[test]
    fn loops_are_reported_and_kept() {
        let (t, errors) = build(
            vec![
                c("c1", Some("c3"), 1),
                c("c2", Some("c1"), 2),
                c("c3", Some("c2"), 3),
                c("c4", Some("c4"), 4),
            ],
            5,
        );
        assert_eq!(
            errors,
            vec![
                ThreadError::Loop {
                    id: "c1".into(),
                    cycle: vec!["c1".into(), "c3".into(), "c2".into()]
                },
                ThreadError::Loop {
                    id: "c4".into(),
                    cycle: vec!["c4".into()]
                },
            ]
        );
        assert_eq!(shape(&t.roots), "c1 c2 c3 c4");
    }

    #[test]
    fn a_very_long_chain_does_not_overflow() {
        let chain: Vec<Comment> = (0..20_000)
            .map(|i| {
                let mut x = c(
                    &format!("c{i}"),
                    (i > 0).then(|| format!("c{}", i - 1)).as_deref(),
                    0,
                );
                x.date = Date::parse("2026-11-01T10:00:00Z").unwrap();
                x
            })
            .collect();
        let (t, errors) = build(chain, 5);
        assert!(errors.is_empty());
        assert_eq!(t.count, 20_000);
    }
}
