//! Page contexts: what each kind of page shows, as the templates see it. Each view borrows from
//! the [`Site`] and holds only what its page needs, so a page's context stays small however big
//! the site grows. Part of the render stage.

use std::borrow::Cow;

use serde::Serialize;

use crate::model::comment::Node;
use crate::model::date::Date;
use crate::model::site::{Article, Author, Site, Status, TaxonRef};
use crate::render::pictures::{self, Picture};
use crate::render::urls;

/// A footer link: which one (`rss`, `about`, `contact`, `privacy`, for the template to word)
/// and where it leads.
#[derive(Serialize)]
pub struct FooterLink {
    pub kind: &'static str,
    pub url: String,
}

/// Site-wide values every template may use (`site.title`, `site.nav`...).
#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub language: &'a str,
    /// Stand-alone pages and the main sections, for the header menu.
    pub nav: Vec<Link>,
    /// Where the theme's stylesheet is.
    pub stylesheet: String,
    /// The list of authors, which the theme links to from more than the navigation.
    pub authors_url: String,
    /// The search page (its form submits to itself, so it works before the script loads).
    pub search_url: String,
    /// The site's icon.
    pub favicon: String,
    /// The footer's links, in order (RSS always, About, Contact and Privacy when set).
    pub footer: Vec<FooterLink>,
    /// The theme's scripts: the reply form's and the search page's.
    pub reply_script: String,
    pub search_script: String,
}

/// A name and where it leads.
#[derive(Serialize, Clone)]
pub struct Link {
    pub name: String,
    pub url: String,
}

/// A date both ways a page needs it.
#[derive(Serialize)]
pub struct DateView {
    /// For `<time datetime>`.
    pub iso: String,
    /// For the reader.
    pub human: String,
}

impl DateView {
    pub fn new(site: &Site, date: &Date) -> Self {
        DateView {
            iso: date.iso(),
            human: date.human(&site.words),
        }
    }
}

/// An author as shown in a byline, an author box or an archive header.
#[derive(Serialize)]
pub struct AuthorView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: &'a str,
    pub role: Option<&'a str>,
    pub bio_html: &'a str,
    pub avatar: Option<Picture<'a>>,
    pub twitter: Option<&'a str>,
    pub twitter_url: Option<String>,
    pub website: Option<&'a str>,
    /// For the all-authors page.
    pub article_count: usize,
}

impl<'a> AuthorView<'a> {
    pub fn new(site: &'a Site, author: &'a Author) -> Self {
        AuthorView {
            id: &author.id,
            name: &author.name,
            url: &author.url,
            role: author.role.as_deref(),
            bio_html: &author.bio_html,
            avatar: author.avatar.as_deref().map(|a| Picture::at(site, a, "")),
            twitter: author.twitter.as_deref(),
            twitter_url: author
                .twitter
                .as_ref()
                .map(|t| format!("https://x.com/{t}")),
            website: author.website.as_deref(),
            article_count: site.by_author.get(&author.id).map_or(0, Vec::len),
        }
    }
}

/// An article in a list (home page, archives).
#[derive(Serialize)]
pub struct Card<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub date: DateView,
    pub summary: &'a str,
    pub authors: Vec<Link>,
    pub category: Option<Link>,
    pub image: Option<Picture<'a>>,
    pub comment_count: usize,
    /// Set only on a preview of a draft or scheduled article, which the page marks as such.
    pub status: Option<Status>,
}

impl<'a> Card<'a> {
    pub fn new(site: &'a Site, article: &'a Article) -> Self {
        Card {
            title: &article.title,
            url: &article.url,
            date: DateView::new(site, &article.date),
            summary: &article.summary,
            authors: site
                .authors_of(article)
                .map(|a| Link {
                    name: a.name.clone(),
                    url: a.url.clone(),
                })
                .collect(),
            category: category_link(site, article),
            image: article.image.as_ref().map(|i| Picture::of(site, i)),
            comment_count: article.thread.count,
            status: preview_status(article),
        }
    }
}

/// A tag or category link.
/// The link to an article's section, if it has one.
fn category_link(site: &Site, article: &Article) -> Option<Link> {
    let category = article.category.as_ref()?;
    Some(taxon_link(site, urls::CATEGORY, category))
}

pub fn taxon_link(site: &Site, kind: &str, taxon: &TaxonRef) -> Link {
    Link {
        name: taxon.name.clone(),
        url: site.link(&urls::taxon(kind, &taxon.slug)),
    }
}

/// An article page's own article.
#[derive(Serialize)]
pub struct ArticleView<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub slug: &'a str,
    pub date: DateView,
    pub updated: Option<DateView>,
    pub summary: &'a str,
    pub body_html: Cow<'a, str>,
    pub authors: Vec<AuthorView<'a>>,
    pub tags: Vec<Link>,
    pub category: Option<Link>,
    pub image: Option<Picture<'a>>,
    pub word_count: usize,
    /// Minutes to read at 230 words a minute, at least 1.
    pub reading_minutes: usize,
    /// As on [`Card`].
    pub status: Option<Status>,
}

impl<'a> ArticleView<'a> {
    pub fn new(site: &'a Site, article: &'a Article) -> Self {
        ArticleView {
            title: &article.title,
            url: &article.url,
            slug: &article.slug,
            date: DateView::new(site, &article.date),
            updated: article
                .updated
                .as_ref()
                .filter(|u| **u > article.date)
                .map(|u| DateView::new(site, u)),
            summary: &article.summary,
            body_html: pictures::rewrite_body(
                site,
                &urls::article(&article.slug),
                &article.body.html,
            ),
            authors: site
                .authors_of(article)
                .map(|a| AuthorView::new(site, a))
                .collect(),
            tags: article
                .tags
                .iter()
                .map(|t| taxon_link(site, urls::TAG, t))
                .collect(),
            category: category_link(site, article),
            image: article.image.as_ref().map(|i| Picture::of(site, i)),
            word_count: article.body.word_count,
            reading_minutes: article.body.word_count.div_ceil(230).max(1),
            status: preview_status(article),
        }
    }
}

/// `draft` or `scheduled` for an article shown only as a preview; nothing for a published one.
fn preview_status(article: &Article) -> Option<Status> {
    (article.status != Status::Published).then_some(article.status)
}

/// The comment section of an article page.
#[derive(Serialize)]
pub struct ThreadView<'a> {
    pub count: usize,
    /// "No Comments", "1 Comment", "12 Comments".
    pub count_label: String,
    pub open: bool,
    pub comments: Vec<CommentView<'a>>,
    /// Where the reply form posts, when comments are open and a form is set up.
    pub form_action: Option<&'a str>,
    pub slug: &'a str,
}

impl<'a> ThreadView<'a> {
    pub fn new(site: &'a Site, article: &'a Article) -> Self {
        let count = article.thread.count;
        let context = CommentContext { site, article };
        ThreadView {
            count,
            count_label: site.words.phrase("comments", Some(count as i64), &[]),
            open: article.comments_open,
            comments: article
                .thread
                .roots
                .iter()
                .map(|n| context.view(n, 1))
                .collect(),
            form_action: site
                .config
                .comments
                .form_action
                .as_deref()
                .filter(|_| article.comments_open),
            slug: &article.slug,
        }
    }
}

/// One comment and its replies. Everything here but `id`, `date`, the flags and `avatar` came
/// from a reader; `body_html` is sanitised, the rest is escaped by the templates.
#[derive(Serialize)]
pub struct CommentView<'a> {
    pub id: &'a str,
    pub author: &'a str,
    /// The first letter of the name, for an avatar drawn without any request.
    pub initial: String,
    pub website: Option<&'a str>,
    pub avatar: Option<String>,
    pub date: DateView,
    pub body_html: &'a str,
    /// Written by one of the article's own authors (set by the newsroom's `author_id`).
    pub by_article_author: bool,
    /// Written by any site author.
    pub staff: bool,
    /// When shown beside rather than under the comment it answers (past the depth cap).
    pub reply_to: Option<Link>,
    pub depth: usize,
    /// Whether a reply link is offered: comments are open and a reply form is set up.
    pub can_reply: bool,
    pub replies: Vec<CommentView<'a>>,
}

struct CommentContext<'a> {
    site: &'a Site,
    article: &'a Article,
}

impl<'a> CommentContext<'a> {
    fn view(&self, node: &'a Node, depth: usize) -> CommentView<'a> {
        let c = &node.comment;
        let config = &self.site.config.comments;
        CommentView {
            id: &c.id,
            author: &c.author,
            initial: c
                .author
                .trim()
                .chars()
                .next()
                .map(|ch| ch.to_uppercase().collect())
                .unwrap_or_default(),
            website: c.website.as_deref(),
            avatar: config
                .avatar_url
                .as_ref()
                .zip(c.email_hash.as_ref())
                .map(|(template, hash)| template.replace("{hash}", hash)),
            date: DateView::new(self.site, &c.date),
            body_html: &c.body_html,
            by_article_author: c
                .author_id
                .as_ref()
                .is_some_and(|id| self.article.authors.contains(id)),
            staff: c.author_id.is_some(),
            reply_to: node.reply_to.as_ref().map(|(id, author)| Link {
                name: author.clone(),
                url: format!("#{}", urls::comment_anchor(id)),
            }),
            depth,
            can_reply: self.article.comments_open && config.form_action.is_some(),
            replies: node
                .replies
                .iter()
                .map(|r| self.view(r, depth + 1))
                .collect(),
        }
    }
}

/// Where a paginated list is and the way to its neighbours.
#[derive(Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
}
