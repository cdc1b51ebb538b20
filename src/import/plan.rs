//! What each WordPress item becomes: decided from the first pass (every id, status, slug and
//! link, but no texts), then applied to each item as the second pass reads it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use chrono::{Duration, NaiveDateTime};

use super::Report;
use super::body::{self, Attachment};
use super::wxr::{Author, Found, Item};
use crate::render::urls;
use crate::text::slugs;

/// What becomes of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fate {
    Publish,
    /// Imported with `draft = true`, and why.
    Draft(String),
    /// Not imported, and why.
    Skip(String),
}

/// What the first pass keeps of a post or page.
#[derive(Debug, Clone)]
struct Info {
    id: u64,
    page: bool,
    title: String,
    fate: Fate,
    wanted: String,
    link: String,
    old_slugs: Vec<String>,
    /// (comment id, approved status, type)
    /// Comments that become files: (id, published at once rather than queued). A few bytes a
    /// comment, so the index of 120,000 stays small.
    comments: Vec<(u64, bool)>,
}

/// An author to write.
#[derive(Debug, Clone)]
struct Writer {
    /// WordPress's user id (0 when the export has no author list).
    user: u64,
    id: String,
    name: String,
    email: String,
}

/// The import's decisions.
#[derive(Debug, Default)]
pub struct Plan {
    authors: BTreeMap<String, Writer>,
    attachments: BTreeMap<u64, Attachment>,
    items: Vec<Info>,
    skipped: Vec<(u64, String, String)>,
    counts: BTreeMap<String, usize>,
    /// Minutes the site's local time is ahead of UTC, seen on items with both dates: how many.
    offsets: BTreeMap<i64, usize>,
    offset: Duration,
    slug_of: BTreeMap<u64, String>,
    aliases: BTreeMap<u64, Vec<String>>,
    query_links: Vec<(String, String)>,
    /// Author ids by WordPress user id and by email hash, for staff comments (made in `settle`).
    author_of_user: HashMap<u64, String>,
    author_of_hash: HashMap<String, String>,
    /// The channel's categories by term id, for Yoast's primary category.
    categories: BTreeMap<u64, String>,
    /// Old addresses that could not become redirects (the site itself uses them).
    lost_aliases: Vec<(String, String)>,
}

const WP_TIME: &str = "%Y-%m-%d %H:%M:%S";

fn fate(item: &Item) -> Option<Fate> {
    if !matches!(item.post_type.as_str(), "post" | "page") {
        return None;
    }
    Some(match item.status.as_str() {
        _ if !item.password.is_empty() => Fate::Draft("password-protected".to_string()),
        "publish" | "future" => Fate::Publish,
        "draft" | "pending" | "private" => Fate::Draft(format!("status {}", item.status)),
        other => Fate::Skip(format!("status {other}")),
    })
}

impl Plan {
    /// First pass: takes note of an author or an item.
    pub fn index(&mut self, found: Found) {
        match found {
            Found::Author(author) => self.add_author(&author),
            Found::Category(category) => {
                self.categories.insert(category.term_id, category.name);
            }
            Found::Item(item) => self.index_item(&item),
        }
    }

    fn add_author(&mut self, author: &Author) {
        let login = author.login.trim();
        let key = login.to_lowercase();
        if key.is_empty() || self.authors.contains_key(&key) {
            return;
        }
        let mut id = slug::slugify(login);
        if id.is_empty() {
            id = format!("author-{}", self.authors.len() + 1);
        }
        while self.authors.values().any(|w| w.id == id) {
            id.push_str("-2");
        }
        let name = if author.display_name.trim().is_empty() {
            login.to_string()
        } else {
            author.display_name.trim().to_string()
        };
        self.authors.insert(
            key,
            Writer {
                user: author.id,
                id,
                name,
                email: author.email.trim().to_string(),
            },
        );
    }

    fn index_item(&mut self, item: &Item) {
        if item.post_type == "attachment" {
            *self.counts.entry("attachment".to_string()).or_default() += 1;
            self.attachments.insert(
                item.id,
                Attachment {
                    url: item.attachment_url.clone(),
                    alt: item
                        .meta("_wp_attachment_image_alt")
                        .unwrap_or("")
                        .to_string(),
                    caption: item.excerpt.clone(),
                    parent: item.post_parent,
                },
            );
            return;
        }
        if let (Some(local), Some(gmt)) =
            (parse_time(&item.post_date), parse_time(&item.post_date_gmt))
        {
            *self.offsets.entry((local - gmt).num_minutes()).or_default() += 1;
        }
        let Some(fate) = fate(item) else {
            let what = format!(
                "{} (not imported)",
                if item.post_type.is_empty() {
                    "item"
                } else {
                    &item.post_type
                }
            );
            *self.counts.entry(what).or_default() += 1;
            return;
        };
        let creator = byline(&item.creator);
        if !creator.is_empty() && !self.authors.contains_key(&creator.to_lowercase()) {
            let creator = creator.to_string();
            self.add_author(&Author {
                id: 0,
                login: creator.clone(),
                email: String::new(),
                display_name: creator,
            });
            *self
                .counts
                .entry("author not in the export's list (made from the byline)".to_string())
                .or_default() += 1;
        }
        let wanted = percent_decode(item.post_name.trim());
        self.items.push(Info {
            id: item.id,
            page: item.post_type == "page",
            title: item.title.clone(),
            fate,
            wanted,
            link: item.link.clone(),
            old_slugs: item
                .meta
                .iter()
                .filter(|(k, _)| k == "_wp_old_slug")
                .map(|(_, v)| percent_decode(v))
                .collect(),
            comments: item
                .comments
                .iter()
                .filter(|c| matches!(c.kind.as_str(), "" | "comment"))
                .filter(|c| matches!(c.approved.as_str(), "1" | "0"))
                .map(|c| (c.id, c.approved == "1"))
                .collect(),
        });
    }

    /// Between the passes: the site's time zone, every slug (a taken one becomes `-2`, the old
    /// address kept as a redirect) and every redirect.
    pub fn settle(&mut self) {
        let offset = self
            .offsets
            .iter()
            .max_by_key(|(m, n)| (**n, -**m))
            .map_or(0, |(m, _)| *m);
        self.offset = Duration::minutes(offset);
        for writer in self.authors.values() {
            if writer.user != 0 {
                self.author_of_user.insert(writer.user, writer.id.clone());
            }
            if !writer.email.is_empty() {
                let hash = sitrep_intake::guard::email_hash(&writer.email);
                self.author_of_hash.insert(hash, writer.id.clone());
            }
        }
        self.items.sort_by_key(|i| i.id);
        let mut taken: BTreeSet<String> = urls::reserved_names().map(str::to_string).collect();
        let mut paths: BTreeSet<String> = BTreeSet::new();
        let reserved: BTreeSet<&str> = urls::reserved_names().collect();
        for info in &self.items {
            if matches!(info.fate, Fate::Skip(_)) {
                continue;
            }
            let base = [
                info.wanted.clone(),
                last_part(&info.link),
                slugs::taxon_slug(&info.title),
            ]
            .into_iter()
            .map(|s| {
                if slugs::check(&s).is_ok() {
                    s
                } else {
                    slugs::taxon_slug(&s)
                }
            })
            .find(|s| !s.is_empty() && slugs::check(s).is_ok())
            .unwrap_or_else(|| format!("post-{}", info.id));
            let mut slug = base.clone();
            let mut n = 2;
            while taken.contains(&slug) {
                slug = format!("{base}-{n}");
                n += 1;
            }
            taken.insert(slug.clone());
            paths.insert(format!("/{slug}/"));
            self.slug_of.insert(info.id, slug);
        }
        for info in &self.items {
            let Some(slug) = self.slug_of.get(&info.id) else {
                continue;
            };
            let mut aliases = Vec::new();
            let link_path = path_of(&info.link);
            if link_path.contains("?p=")
                || link_path.contains("&p=")
                || link_path.contains("?page_id=")
            {
                self.query_links
                    .push((info.link.clone(), format!("/{slug}/")));
            } else if !link_path.is_empty() && link_path != format!("/{slug}/") {
                aliases.push(link_path.clone());
            }
            for old in &info.old_slugs {
                let old_path = match link_path.rsplit_once(&format!("/{}/", info.wanted)) {
                    Some((head, _)) if !info.wanted.is_empty() => format!("{head}/{old}/"),
                    _ => format!("/{old}/"),
                };
                aliases.push(old_path);
            }
            // An old address the site itself now uses (`/search/`, `/tag/…`) cannot redirect.
            let (kept, lost): (Vec<String>, Vec<String>) = aliases.into_iter().partition(|a| {
                let top = a.trim_start_matches('/').split('/').next().unwrap_or("");
                !paths.contains(a) && a.starts_with('/') && a.len() > 1 && !reserved.contains(top)
            });
            let mut aliases = kept;
            for old in lost.into_iter().filter(|a| !paths.contains(a)) {
                self.lost_aliases.push((old, format!("/{slug}/")));
            }
            aliases.sort();
            aliases.dedup();
            for a in &aliases {
                paths.insert(a.clone());
            }
            if !aliases.is_empty() {
                self.aliases.insert(info.id, aliases);
            }
        }
    }

    /// Every file the import will write, relative to the site root, one at a time (there may
    /// be a hundred thousand).
    pub fn paths(&self) -> impl Iterator<Item = PathBuf> + '_ {
        let authors = self.authors.values().map(|w| author_path(&w.id));
        let items = self.items.iter().flat_map(move |info| {
            let slug = self.slug_of.get(&info.id);
            let own = slug.map(|slug| item_path(info.page, slug));
            let comments = (slug.filter(|_| !info.page).into_iter()).flat_map(move |slug| {
                info.comments.iter().map(move |(id, published)| {
                    let folder = if *published {
                        "content/comments"
                    } else {
                        "moderation/pending"
                    };
                    PathBuf::from(format!("{folder}/{slug}/{id}.md"))
                })
            });
            own.into_iter().chain(comments)
        });
        authors.chain(items)
    }

    /// Items the export holds (posts, pages, attachments and the rest).
    pub fn item_count(&self) -> usize {
        self.items.len() + self.counts.values().sum::<usize>()
    }

    pub fn author_count(&self) -> usize {
        self.authors.len()
    }

    /// The author files.
    pub fn author_files(&self) -> Vec<(PathBuf, String)> {
        self.authors
            .values()
            .map(|w| {
                // The address only matches the author's own comments (`author_id`): an author
                // who commented is a commenter too, and no commenter's address is written.
                let mut table = toml::Table::new();
                table.insert("name".into(), w.name.clone().into());
                (
                    author_path(&w.id),
                    toml::to_string(&table).expect("strings serialize"),
                )
            })
            .collect()
    }

    /// Second pass: the files an item becomes (none if it is not imported).
    pub fn convert(&self, item: &Item, report: &mut Report) -> Vec<(PathBuf, String)> {
        // Sorted by id in `settle`.
        let Ok(at) = self.items.binary_search_by_key(&item.id, |i| i.id) else {
            return Vec::new();
        };
        let info = self.items[at].clone();
        let kind = if info.page { "page" } else { "post" };
        match &info.fate {
            Fate::Skip(why) => {
                report
                    .skipped
                    .push((item.id, item.title.clone(), why.clone()));
                report.count(format!("{kind}/{} (skipped)", item.status));
                return Vec::new();
            }
            Fate::Draft(why) => {
                report
                    .drafted
                    .push((item.id, item.title.clone(), why.clone()));
                report.count(format!("{kind}/{} (draft)", item.status));
            }
            Fate::Publish => report.count(format!("{kind}/{}", item.status)),
        }
        let Some(slug) = self.slug_of.get(&item.id).cloned() else {
            return Vec::new();
        };
        let converted = body::convert(&item.content, item.id, &self.attachments);
        for name in &converted.unknown_shortcodes {
            *report.unknown_shortcodes.entry(name.clone()).or_default() += 1;
        }
        let mut front = toml::Table::new();
        front.insert("title".into(), item.title.trim().to_string().into());
        if let Fate::Draft(_) = info.fate {
            front.insert("draft".into(), true.into());
        }
        let mut files = Vec::new();
        if info.page {
            if let Some(aliases) = self.aliases.get(&info.id) {
                front.insert("aliases".into(), aliases.clone().into());
            }
            let text = format!(
                "+++\n{}+++\n{}",
                toml::to_string(&front).expect("a table serializes"),
                converted.markdown
            );
            files.push((item_path(true, &slug), text));
            let page_comments = item.comments.iter().filter(|c| c.approved == "1").count();
            if page_comments > 0 {
                *report
                    .counts
                    .entry("comment on a page (not imported)".into())
                    .or_default() += page_comments;
            }
            return files;
        }
        self.article_front(item, &info, &converted, &mut front);
        let text = format!(
            "+++\n{}+++\n{}",
            toml::to_string(&front).expect("a table serializes"),
            converted.markdown
        );
        files.push((item_path(false, &slug), text));
        files.extend(self.comments(item, &slug, report));
        files
    }

    fn article_front(
        &self,
        item: &Item,
        info: &Info,
        converted: &body::Converted,
        front: &mut toml::Table,
    ) {
        if let Some(date) = self.date(&item.post_date_gmt, &item.post_date) {
            front.insert("date".into(), date);
        }
        if let Some(writer) = self.authors.get(&byline(&item.creator).to_lowercase()) {
            front.insert("author".into(), writer.id.clone().into());
        }
        let excerpt = body::plain_text(&item.excerpt);
        let summary = if excerpt.is_empty() {
            converted.standfirst.clone()
        } else {
            Some(excerpt)
        };
        if let Some(summary) = summary.filter(|s| !s.is_empty()) {
            front.insert("summary".into(), summary.into());
        }
        let categories: Vec<&str> = (item.terms.iter())
            .filter(|t| t.domain == "category" && !t.name.is_empty())
            .map(|t| t.name.as_str())
            .collect();
        // Yoast's primary category when it names one of the post's, else the first that is not
        // "Uncategorized".
        let yoast = (item.meta("_yoast_wpseo_primary_category"))
            .and_then(|id| id.trim().parse::<u64>().ok())
            .and_then(|id| self.categories.get(&id))
            .and_then(|name| categories.iter().find(|c| **c == name.as_str()));
        let primary = yoast
            .or_else(|| {
                categories
                    .iter()
                    .find(|c| !c.eq_ignore_ascii_case("uncategorized"))
            })
            .copied();
        let mut tags: Vec<String> = (item.terms.iter())
            .filter(|t| t.domain == "post_tag" && !t.name.is_empty())
            .map(|t| t.name.clone())
            .collect();
        tags.extend(
            categories
                .iter()
                .filter(|c| Some(**c) != primary && !c.eq_ignore_ascii_case("uncategorized"))
                .map(|c| c.to_string()),
        );
        tags.dedup();
        if let Some(category) = primary {
            front.insert("category".into(), category.into());
        }
        if !tags.is_empty() {
            front.insert("tags".into(), tags.into());
        }
        let featured = item
            .meta("_thumbnail_id")
            .and_then(|id| id.trim().parse::<u64>().ok());
        if let Some(image) = featured.and_then(|id| self.attachments.get(&id)) {
            front.insert("image".into(), image.url.clone().into());
            if !image.alt.is_empty() {
                front.insert("image_alt".into(), image.alt.clone().into());
            }
            if !image.caption.is_empty() {
                front.insert(
                    "image_caption".into(),
                    body::plain_text(&image.caption).into(),
                );
            }
        }
        if item.comment_status == "closed" {
            front.insert("comments".into(), false.into());
        }
        if let Some(aliases) = self.aliases.get(&info.id) {
            front.insert("aliases".into(), aliases.clone().into());
        }
    }

    /// An item's date in UTC: the GMT date, or the local one less the site's offset when the
    /// export's GMT date is zero.
    fn date(&self, gmt: &str, local: &str) -> Option<toml::Value> {
        let utc = parse_time(gmt).or_else(|| parse_time(local).map(|l| l - self.offset))?;
        let text = utc.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        text.parse::<toml::value::Datetime>()
            .ok()
            .map(toml::Value::Datetime)
    }

    /// The comment files of a post: approved ones published, pending ones to the queue, with
    /// parents resolved to the nearest approved ancestor.
    fn comments(&self, item: &Item, slug: &str, report: &mut Report) -> Vec<(PathBuf, String)> {
        let by_id: HashMap<u64, &super::wxr::Comment> =
            item.comments.iter().map(|c| (c.id, c)).collect();
        let approved: BTreeSet<u64> = (item.comments.iter())
            .filter(|c| c.approved == "1" && matches!(c.kind.as_str(), "" | "comment"))
            .map(|c| c.id)
            .collect();
        let loops = approved_loops(&approved, &by_id);
        let mut files = Vec::new();
        let mut sorted: Vec<&super::wxr::Comment> = item.comments.iter().collect();
        sorted.sort_by_key(|c| c.id);
        for c in sorted {
            match c.kind.as_str() {
                "" | "comment" => {}
                other => {
                    report.count(other.to_string());
                    continue;
                }
            }
            let folder = match c.approved.as_str() {
                "1" => "content/comments",
                "0" => "moderation/pending",
                other => {
                    report.count(format!("comment/{other} (left out)"));
                    continue;
                }
            };
            report.count(if folder.starts_with("content") {
                "comment/approved"
            } else {
                "comment/pending (to the queue)"
            });
            // The nearest approved ancestor, however the ids are ordered; a loop is broken.
            let mut parent = c.parent;
            let mut seen = BTreeSet::from([c.id]);
            while parent != 0 && !approved.contains(&parent) {
                if !seen.insert(parent) {
                    report.reattached.push((
                        item.id,
                        c.id,
                        "its parents form a loop: shown at the top".into(),
                    ));
                    parent = 0;
                    break;
                }
                parent = by_id.get(&parent).map_or(0, |p| p.parent);
            }
            if loops.contains(&c.id) {
                report.reattached.push((
                    item.id,
                    c.id,
                    "a loop of replies: shown at the top".into(),
                ));
                parent = 0;
            }
            // A pending reply may keep a pending parent: moderation approves parents first.
            let kept_pending =
                c.approved == "0" && by_id.get(&c.parent).is_some_and(|p| p.approved == "0");
            if kept_pending {
                parent = c.parent;
            } else if parent != c.parent
                && c.parent != 0
                && !report.reattached.iter().any(|r| r.1 == c.id)
            {
                let why = if parent == 0 {
                    "parent missing or not approved: shown at the top".to_string()
                } else {
                    format!(
                        "parent {} missing or not approved: shown under {parent}",
                        c.parent
                    )
                };
                report.reattached.push((item.id, c.id, why));
            }
            let mut front = toml::Table::new();
            let name = c.author.trim();
            front.insert(
                "author".into(),
                if name.is_empty() { "Anonymous" } else { name }.into(),
            );
            if let Some(date) = self.date(&c.date_gmt, &c.date) {
                front.insert("date".into(), date);
            }
            if parent != 0 {
                front.insert("parent".into(), parent.to_string().into());
            }
            let website = c.url.trim();
            if website.starts_with("http://") || website.starts_with("https://") {
                front.insert("website".into(), website.into());
            }
            // A site author's comment: by their WordPress user, or by their address.
            let by_user = (c.user_id != 0)
                .then(|| self.author_of_user.get(&c.user_id))
                .flatten();
            let hash =
                (!c.email.trim().is_empty()).then(|| sitrep_intake::guard::email_hash(&c.email));
            let by_email = hash.as_ref().and_then(|h| self.author_of_hash.get(h));
            if let Some(id) = by_user.or(by_email) {
                front.insert("author_id".into(), id.as_str().into());
            }
            if let Some(hash) = hash {
                front.insert("email_hash".into(), hash.into());
            }
            let text = format!(
                "+++\n{}+++\n{}",
                toml::to_string(&front).expect("a table serializes"),
                body::comment(&c.content)
            );
            files.push((PathBuf::from(format!("{folder}/{slug}/{}.md", c.id)), text));
        }
        files
    }

    /// After the second pass: what only the whole import knows.
    pub fn finish(&self, report: &mut Report) {
        for (what, n) in &self.counts {
            *report.counts.entry(what.clone()).or_default() += n;
        }
        report.counts.insert("author".into(), self.authors.len());
        for (id, aliases) in &self.aliases {
            let slug = &self.slug_of[id];
            report
                .aliases
                .extend(aliases.iter().map(|a| (a.clone(), slug.clone())));
        }
        report.query_links = self.query_links.clone();
        report.query_links.extend(self.lost_aliases.iter().cloned());
        report.skipped.extend(self.skipped.iter().cloned());
    }
}

/// For each loop of approved comments that answer each other round (which the build refuses),
/// the lowest id of the loop: it is shown at the top, which breaks the loop.
fn approved_loops(
    approved: &BTreeSet<u64>,
    by_id: &HashMap<u64, &super::wxr::Comment>,
) -> BTreeSet<u64> {
    let mut breaks = BTreeSet::new();
    for &start in approved {
        let mut path = vec![start];
        let mut at = start;
        while let Some(parent) = by_id
            .get(&at)
            .map(|c| c.parent)
            .filter(|p| approved.contains(p))
        {
            if let Some(i) = path.iter().position(|&p| p == parent) {
                let cycle = &path[i..];
                if let Some(&low) = cycle.iter().min()
                    && !cycle.iter().any(|c| breaks.contains(c))
                {
                    breaks.insert(low);
                }
                break;
            }
            if path.len() > approved.len() {
                break;
            }
            path.push(parent);
            at = parent;
        }
    }
    breaks
}

/// A `dc:creator` as a login: real exports carry stray marks around it (`>themereviewteam`).
fn byline(creator: &str) -> &str {
    creator.trim_matches(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@')))
}

fn author_path(id: &str) -> PathBuf {
    PathBuf::from(format!("content/authors/{id}.toml"))
}

fn item_path(page: bool, slug: &str) -> PathBuf {
    PathBuf::from(format!(
        "content/{}/{slug}.md",
        if page { "pages" } else { "articles" }
    ))
}

/// WordPress's times, or `None` for the zero date some exports carry.
fn parse_time(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    if text.is_empty() || text.starts_with("0000") {
        return None;
    }
    NaiveDateTime::parse_from_str(text, WP_TIME).ok()
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// The path of an address (`https://old.example/2008/09/x/` → `/2008/09/x/`).
fn path_of(link: &str) -> String {
    let after_scheme = link.split_once("://").map_or(link, |(_, rest)| rest);
    let path = match after_scheme.find('/') {
        Some(i) => percent_decode(&after_scheme[i..]),
        None => return "/".to_string(),
    };
    // `//greek/…`: doubled slashes are one on a web server.
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    out
}

/// The last part of an address's path, decoded (`…/2008/09/my-post/` → `my-post`).
fn last_part(link: &str) -> String {
    let path = path_of(link);
    if path.contains('?') {
        return String::new();
    }
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_string()
}
