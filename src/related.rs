//! Related articles: for each article, up to three others that share the most tags, then its
//! category, newest first. Part of the resolve stage; works from the tag and category indexes so
//! it never compares every article with every other.

use std::collections::{BTreeMap, HashMap};

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
    (0..articles.len())
        .into_par_iter()
        .map(|i| {
            let article = &articles[i];
            // (shared tags, same category) for each candidate.
            let mut scores: HashMap<usize, (usize, bool)> = HashMap::new();
            for tag in &article.tags {
                for &j in tags[&tag.slug].articles.iter().take(SCAN) {
                    scores.entry(j).or_default().0 += 1;
                }
            }
            if let Some(category) = &article.category {
                for &j in categories[&category.slug].articles.iter().take(SCAN) {
                    scores.entry(j).or_default().1 = true;
                }
            }
            scores.remove(&i);
            let mut ranked: Vec<(usize, (usize, bool))> = scores.into_iter().collect();
            // Most shared tags, then same category, then newest (lowest index).
            ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            ranked.into_iter().take(COUNT).map(|(j, _)| j).collect()
        })
        .collect()
}
