//! Related articles: for each article, up to three others that share the most tags, then its
//! category, newest first. Part of the resolve stage; works from the tag and category indexes so
//! it never compares every article with every other.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::site::{Article, Taxon};

/// How many related articles each article gets.
pub const COUNT: usize = 3;

/// How far into each tag's (newest first) list to look: enough to find the best few on any
/// real site, and a bound on the work for a tag that covers thousands of articles.
const SCAN: usize = 2000;

/// Related articles of every article, by index into `articles` (sorted newest first).
pub fn all(
    articles: &[Article],
    tags: &BTreeMap<String, Taxon>,
    categories: &BTreeMap<String, Taxon>,
) -> Vec<Vec<usize>> {
    let n = articles.len();
    (0..n)
        .into_par_iter()
        // Each worker keeps a score slot per article and the list of slots it touched, so no
        // article's search allocates or hashes.
        .map_init(
            || (vec![Score::default(); n], Vec::new()),
            |(scores, touched), i| {
                let article = &articles[i];
                for tag in &article.tags {
                    for &j in tags[&tag.slug].articles.iter().take(SCAN) {
                        if scores[j] == Score::default() {
                            touched.push(j);
                        }
                        scores[j].shared_tags += 1;
                    }
                }
                if let Some(category) = &article.category {
                    for &j in categories[&category.slug].articles.iter().take(SCAN) {
                        if scores[j] == Score::default() {
                            touched.push(j);
                        }
                        scores[j].same_category = true;
                    }
                }
                let mut best: Vec<(Score, usize)> = Vec::with_capacity(COUNT + 1);
                for j in touched.drain(..) {
                    let score = std::mem::take(&mut scores[j]);
                    if j == i {
                        continue;
                    }
                    // Higher scores first; among equals the lower index, which is newer.
                    let at = best.partition_point(|&(s, k)| s > score || (s == score && k < j));
                    if at < COUNT {
                        best.insert(at, (score, j));
                        best.truncate(COUNT);
                    }
                }
                best.into_iter().map(|(_, j)| j).collect()
            },
        )
        .collect()
}

/// How closely one article matches another: compared by shared tags, then category.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    shared_tags: u32,
    same_category: bool,
}
