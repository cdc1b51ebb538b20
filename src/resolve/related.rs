//! Related articles: for each article, up to three others that share the most tags, then its
//! category, newest first; an article of a category kept apart (`[related] kept_apart`, an
//! obituary, say) gets only articles of its own category. Part of the resolve stage; works from
//! the tag and category indexes so it never compares every article with every other.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use rayon::prelude::*;

use crate::model::config::RelatedConfig;
use crate::model::site::{Article, Taxon};
use crate::text::slugs::taxon_slug;

/// How many related articles each article gets.
pub const COUNT: usize = 3;

/// How far into each tag's (newest first) list to look: enough to find the best few on any
/// real site, and a bound on the work for a tag that covers thousands of articles.
const SCAN: usize = 2000;

/// The indexes related articles are found from, and the rule they follow.
pub struct Index<'a> {
    pub tags: &'a BTreeMap<String, Taxon>,
    pub categories: &'a BTreeMap<String, Taxon>,
    /// Slugs of the categories kept apart.
    pub apart: BTreeSet<String>,
}

impl<'a> Index<'a> {
    pub fn new(
        tags: &'a BTreeMap<String, Taxon>,
        categories: &'a BTreeMap<String, Taxon>,
        config: &RelatedConfig,
    ) -> Self {
        let apart = config.kept_apart.iter().map(|c| taxon_slug(c)).collect();
        Index {
            tags,
            categories,
            apart,
        }
    }
}

/// Related articles of every article, by index into `articles` (sorted newest first).
pub fn all(articles: &[Article], index: &Index) -> Vec<Vec<usize>> {
    let every: Vec<usize> = (0..articles.len()).collect();
    of(articles, index, &every)
}

/// What related articles were last computed from, and the result, so that after an edit only
/// the articles it could affect are computed again (for `serve`).
pub struct Memory {
    /// A digest of the articles' slugs in order and of the categories kept apart: indexes and
    /// the rule mean the same while it holds.
    order: u64,
    /// Each article's tag slugs and category slug.
    taxa: Vec<Taxa>,
    related: Vec<Vec<usize>>,
}

type Taxa = (Vec<String>, Option<String>);

impl Memory {
    /// Related articles of every article, as [`all`] gives them.
    pub fn related(&self) -> &[Vec<usize>] {
        &self.related
    }
}

/// [`all`], computing again only what `memory` cannot answer. When the articles and their order
/// are the same, an article's related list can change only if it shares a tag or the category
/// (before or after the edit) with an article whose tags or category changed: only those are
/// computed again. Anything else computes all.
pub fn remember(articles: &[Article], index: &Index, memory: Option<Memory>) -> Memory {
    let mut hasher = DefaultHasher::new();
    articles.iter().for_each(|a| a.slug.hash(&mut hasher));
    index.apart.hash(&mut hasher);
    let order = hasher.finish();
    let taxa: Vec<Taxa> = articles
        .iter()
        .map(|a| {
            let tags = a.tags.iter().map(|t| t.slug.clone()).collect();
            (tags, a.category.as_ref().map(|c| c.slug.clone()))
        })
        .collect();
    let related = match memory {
        Some(memory) if memory.order == order => {
            let changed = (0..articles.len()).filter(|&i| memory.taxa[i] != taxa[i]);
            let mut affected = BTreeSet::new();
            for i in changed {
                affected.insert(i);
                for (tag_slugs, category) in [&memory.taxa[i], &taxa[i]] {
                    let lists = tag_slugs
                        .iter()
                        .filter_map(|slug| index.tags.get(slug))
                        .chain(
                            category
                                .as_ref()
                                .and_then(|slug| index.categories.get(slug)),
                        );
                    for list in lists {
                        affected.extend(list.articles.iter().copied());
                    }
                }
            }
            let which: Vec<usize> = affected.into_iter().collect();
            let mut related = memory.related;
            for (i, list) in which.iter().zip(of(articles, index, &which)) {
                related[*i] = list;
            }
            related
        }
        _ => all(articles, index),
    };
    Memory {
        order,
        taxa,
        related,
    }
}

/// Related articles of the articles `which`, in that order.
fn of(articles: &[Article], index: &Index, which: &[usize]) -> Vec<Vec<usize>> {
    let n = articles.len();
    which
        .par_iter()
        .copied()
        // Each worker keeps a score slot per article and the list of slots it touched, so no
        // article's search allocates or hashes.
        .map_init(
            || (vec![Score::default(); n], Vec::new()),
            |(scores, touched), i| {
                let article = &articles[i];
                let category = article.category.as_ref().map(|c| &c.slug);
                let apart = category.is_some_and(|c| index.apart.contains(c));
                for tag in &article.tags {
                    for &j in index.tags[&tag.slug].articles.iter().take(SCAN) {
                        if apart && articles[j].category.as_ref().map(|c| &c.slug) != category {
                            continue;
                        }
                        if scores[j] == Score::default() {
                            touched.push(j);
                        }
                        scores[j].shared_tags += 1;
                    }
                }
                if let Some(category) = category {
                    for &j in index.categories[category].articles.iter().take(SCAN) {
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
