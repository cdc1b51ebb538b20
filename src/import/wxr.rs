//! Reading WordPress's export (WXR 1.0–1.2): a streaming pass over the XML that hands each
//! author and each item to the caller as soon as it is read, so memory holds one item at a time
//! however large the export. Namespaces are recognised by their URI (`…wordpress.org/export/1.x/`
//! and its `excerpt/`), not by prefix. Malformed XML is an error at `file:line:col`.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

use crate::error::{Diagnostic, line_column};
use crate::{Error, Result};

/// A `wp:author`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Author {
    /// WordPress's user id, which comments by the author carry.
    pub id: u64,
    pub login: String,
    pub email: String,
    pub display_name: String,
}

/// A category or tag on an item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Term {
    /// `category` or `post_tag`.
    pub domain: String,
    pub nicename: String,
    pub name: String,
}

/// A `wp:comment`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comment {
    pub id: u64,
    pub author: String,
    pub email: String,
    pub url: String,
    pub date: String,
    pub date_gmt: String,
    pub content: String,
    /// `1`, `0`, `spam` or `trash`.
    pub approved: String,
    /// ``, `comment`, `pingback` or `trackback`.
    pub kind: String,
    pub parent: u64,
    pub user_id: u64,
}

/// An `item`: a post, page or attachment, with its terms, meta and comments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    pub id: u64,
    pub title: String,
    pub link: String,
    pub creator: String,
    pub content: String,
    pub excerpt: String,
    pub post_date: String,
    pub post_date_gmt: String,
    pub comment_status: String,
    pub post_name: String,
    pub status: String,
    pub post_parent: u64,
    pub post_type: String,
    pub password: String,
    pub attachment_url: String,
    pub terms: Vec<Term>,
    pub meta: Vec<(String, String)>,
    pub comments: Vec<Comment>,
}

impl Item {
    /// The first value of the meta `key`.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The channel's own facts.
#[derive(Debug, Clone, Default)]
pub struct Channel {
    pub title: String,
    pub link: String,
    pub base_url: String,
}

/// A `wp:category` of the channel: its term id (which Yoast's primary category names) and name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Category {
    pub term_id: u64,
    pub name: String,
}

/// What the reader hands over as it goes.
pub enum Found {
    Author(Author),
    Category(Category),
    Item(Box<Item>),
}

/// Which vocabulary an element is from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ns {
    None,
    Wp,
    Excerpt,
    Content,
    Dc,
    Other,
}

fn namespace(uri: &str) -> Ns {
    let uri = uri.trim_end_matches('/');
    if uri.starts_with("http://wordpress.org/export/")
        || uri.starts_with("https://wordpress.org/export/")
    {
        if uri.ends_with("/excerpt") {
            Ns::Excerpt
        } else {
            Ns::Wp
        }
    } else if uri.starts_with("http://purl.org/rss/1.0/modules/content") {
        Ns::Content
    } else if uri.starts_with("http://purl.org/dc/elements/1.1") {
        Ns::Dc
    } else {
        Ns::Other
    }
}

/// Reads the export at `path`, calling `found` for every author and item.
pub fn read(path: &Path, found: &mut dyn FnMut(Found)) -> Result<Channel> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read_from(
        std::io::BufReader::with_capacity(1 << 16, file),
        path,
        found,
    )
}

/// [`read`] over any reader (`path` names it in errors).
pub fn read_from(
    source: impl BufRead,
    path: &Path,
    found: &mut dyn FnMut(Found),
) -> Result<Channel> {
    let mut reader = NsReader::from_reader(source);
    reader.config_mut().trim_text(false);
    let mut buf = Vec::new();
    // The names of the open elements, with their vocabulary.
    let mut stack: Vec<(Ns, String)> = Vec::new();
    let mut text = String::new();
    let mut channel = Channel::default();
    let mut author: Option<Author> = None;
    let mut item: Option<Item> = None;
    let mut comment: Option<Comment> = None;
    let mut meta: Option<(String, String)> = None;
    let mut category: Option<Category> = None;
    loop {
        let position = reader.buffer_position();
        let event = reader.read_resolved_event_into(&mut buf);
        let (resolved, event) = match event {
            Ok(pair) => pair,
            Err(e) => {
                return Err(malformed(
                    path,
                    reader.error_position().max(position),
                    &e.to_string(),
                ));
            }
        };
        let ns = match resolved {
            ResolveResult::Bound(uri) => namespace(uri.as_ref()),
            ResolveResult::Unbound => Ns::None,
            ResolveResult::Unknown(_) => Ns::Other,
        };
        match event {
            Event::Start(start) => {
                let local = start.local_name().as_ref().to_string();
                match (ns, local.as_str()) {
                    (Ns::Wp, "author") if item.is_none() => author = Some(Author::default()),
                    (Ns::Wp, "category") if item.is_none() => category = Some(Category::default()),
                    (Ns::None, "item") => item = Some(Item::default()),
                    (Ns::Wp, "comment") if item.is_some() => comment = Some(Comment::default()),
                    (Ns::Wp, "postmeta") if item.is_some() => meta = Some(Default::default()),
                    (Ns::None, "category") if item.is_some() => {
                        let mut term = Term::default();
                        for attribute in start.attributes().flatten() {
                            let value = attribute
                                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .map(|v| v.into_owned())
                                .unwrap_or_default();
                            match attribute.key.local_name().as_ref() {
                                "domain" => term.domain = value,
                                "nicename" => term.nicename = value,
                                _ => {}
                            }
                        }
                        if let Some(item) = item.as_mut() {
                            item.terms.push(term);
                        }
                    }
                    _ => {}
                }
                stack.push((ns, local));
                text.clear();
            }
            Event::Empty(_) => text.clear(),
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t),
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                match r.resolve_char_ref() {
                    Ok(Some(c)) => text.push(c),
                    _ => text.push_str(match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    }),
                }
            }
            Event::End(_) => {
                let Some((ns, local)) = stack.pop() else {
                    continue;
                };
                let value = clean(&text);
                let parent = stack.last().map(|(n, l)| (*n, l.as_str()));
                assign(
                    (ns, local.as_str()),
                    parent,
                    value,
                    Records {
                        channel: &mut channel,
                        category: &mut category,
                        author: &mut author,
                        item: &mut item,
                        comment: &mut comment,
                        meta: &mut meta,
                    },
                    found,
                );
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !stack.is_empty() {
        let names: Vec<&str> = stack.iter().map(|(_, l)| l.as_str()).collect();
        return Err(malformed(
            path,
            reader.buffer_position(),
            &format!("the file ends inside <{}>", names.join("> <")),
        ));
    }
    Ok(channel)
}

/// The records being filled as the reader goes.
struct Records<'a> {
    channel: &'a mut Channel,
    category: &'a mut Option<Category>,
    author: &'a mut Option<Author>,
    item: &'a mut Option<Item>,
    comment: &'a mut Option<Comment>,
    meta: &'a mut Option<(String, String)>,
}

/// Puts the text of the element that just ended where it belongs.
fn assign(
    (ns, local): (Ns, &str),
    parent: Option<(Ns, &str)>,
    value: String,
    r: Records,
    found: &mut dyn FnMut(Found),
) {
    let number = |v: &str| v.trim().parse::<u64>().unwrap_or(0);
    if let Some(c) = r.comment.as_mut() {
        if (ns, local) == (Ns::Wp, "comment") {
            if let (Some(item), Some(c)) = (r.item.as_mut(), r.comment.take()) {
                item.comments.push(c);
            }
            return;
        }
        if ns == Ns::Wp && parent == Some((Ns::Wp, "comment")) {
            match local {
                "comment_id" => c.id = number(&value),
                "comment_author" => c.author = value,
                "comment_author_email" => c.email = value,
                "comment_author_url" => c.url = value,
                "comment_date" => c.date = value,
                "comment_date_gmt" => c.date_gmt = value,
                "comment_content" => c.content = value,
                "comment_approved" => c.approved = value,
                "comment_type" => c.kind = value,
                "comment_parent" => c.parent = number(&value),
                "comment_user_id" => c.user_id = number(&value),
                _ => {}
            }
        }
        return;
    }
    if let Some(m) = r.meta.as_mut() {
        match (ns, local) {
            (Ns::Wp, "meta_key") => m.0 = value,
            (Ns::Wp, "meta_value") => m.1 = value,
            (Ns::Wp, "postmeta") => {
                if let (Some(item), Some(m)) = (r.item.as_mut(), r.meta.take()) {
                    item.meta.push(m);
                }
            }
            _ => {}
        }
        return;
    }
    if let Some(item) = r.item.as_mut() {
        if (ns, local) == (Ns::None, "item") {
            if let Some(item) = r.item.take() {
                found(Found::Item(Box::new(item)));
            }
            return;
        }
        if parent != Some((Ns::None, "item")) {
            return;
        }
        match (ns, local) {
            (Ns::None, "title") => item.title = value,
            (Ns::None, "link") => item.link = value,
            (Ns::Dc, "creator") => item.creator = value,
            (Ns::Content, "encoded") => item.content = value,
            (Ns::Excerpt, "encoded") => item.excerpt = value,
            (Ns::None, "category") => {
                if let Some(term) = item.terms.last_mut() {
                    term.name = value;
                }
            }
            (Ns::Wp, field) => match field {
                "post_id" => item.id = number(&value),
                "post_date" => item.post_date = value,
                "post_date_gmt" => item.post_date_gmt = value,
                "comment_status" => item.comment_status = value,
                "post_name" => item.post_name = value,
                "status" => item.status = value,
                "post_parent" => item.post_parent = number(&value),
                "post_type" => item.post_type = value,
                "post_password" => item.password = value,
                "attachment_url" => item.attachment_url = value,
                _ => {}
            },
            _ => {}
        }
        return;
    }
    if let Some(c) = r.category.as_mut() {
        match (ns, local) {
            (Ns::Wp, "term_id") => c.term_id = number(&value),
            (Ns::Wp, "cat_name") => c.name = value,
            (Ns::Wp, "category") => {
                if let Some(c) = r.category.take() {
                    found(Found::Category(c));
                }
            }
            _ => {}
        }
        return;
    }
    if let Some(a) = r.author.as_mut() {
        match (ns, local) {
            (Ns::Wp, "author_id") => a.id = number(&value),
            (Ns::Wp, "author_login") => a.login = value,
            (Ns::Wp, "author_email") => a.email = value,
            (Ns::Wp, "author_display_name") => a.display_name = value,
            (Ns::Wp, "author") => {
                if let Some(a) = r.author.take() {
                    found(Found::Author(a));
                }
            }
            _ => {}
        }
        return;
    }
    if parent == Some((Ns::None, "channel")) {
        match (ns, local) {
            (Ns::None, "title") => r.channel.title = value,
            (Ns::None, "link") => r.channel.link = value,
            (Ns::Wp, "base_blog_url") => r.channel.base_url = value,
            _ => {}
        }
    }
}

/// Text as WordPress meant it: whitespace around CDATA trimmed, and the control characters that
/// XML 1.0 forbids (some exports carry them) dropped.
fn clean(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|&c| !c.is_control() || matches!(c, '\n' | '\t' | '\r'))
        .collect()
}

fn malformed(path: &Path, offset: u64, why: &str) -> Error {
    // The position as line and column, read again from the start (only on this error).
    let (line, column) = std::fs::read(path)
        .ok()
        .map(|bytes| {
            let end = (offset as usize).min(bytes.len());
            let text = String::from_utf8_lossy(&bytes[..end]).into_owned();
            line_column(&text, text.len())
        })
        .unwrap_or((1, 1));
    Error::Invalid {
        errors: vec![Diagnostic::at(
            PathBuf::from(path),
            line,
            column,
            format!("this is not a readable WordPress export: {why}"),
        )],
        warnings: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.1/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wpx="http://wordpress.org/export/1.1/">
<channel>
<title>Old Desk</title>
<wpx:author><wpx:author_login><![CDATA[ann]]></wpx:author_login><wpx:author_display_name>  <![CDATA[Ann Author]]>  </wpx:author_display_name></wpx:author>
<item>
<title>Frigate &amp; sub</title>
<dc:creator>ANN</dc:creator>
<content:encoded><![CDATA[Body]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wpx:post_id>7</wpx:post_id>
<wpx:post_name>frigate</wpx:post_name>
<category domain="category" nicename="news"><![CDATA[News]]></category>
<wpx:postmeta><wpx:meta_key>_wp_old_slug</wpx:meta_key><wpx:meta_value>old</wpx:meta_value></wpx:postmeta>
<wpx:comment><wpx:comment_id>3</wpx:comment_id><wpx:comment_parent>9</wpx:comment_parent><wpx:comment_content>Hi&#x1;</wpx:comment_content></wpx:comment>
</item>
</channel>
</rss>"#;

    #[test]
    fn an_export_with_its_own_prefixes_and_version_is_read() {
        let mut authors = Vec::new();
        let mut items = Vec::new();
        let channel = read_from(SMALL.as_bytes(), Path::new("x.xml"), &mut |f| match f {
            Found::Author(a) => authors.push(a),
            Found::Item(i) => items.push(*i),
            Found::Category(_) => {}
        })
        .unwrap();
        assert_eq!(channel.title, "Old Desk");
        assert_eq!(authors[0].display_name, "Ann Author");
        let item = &items[0];
        assert_eq!(item.title, "Frigate & sub");
        assert_eq!(item.creator, "ANN");
        assert_eq!(item.post_name, "frigate");
        assert_eq!(item.terms[0].name, "News");
        assert_eq!(item.meta("_wp_old_slug"), Some("old"));
        assert_eq!(item.comments[0].parent, 9);
        assert_eq!(item.comments[0].content, "Hi");
    }

    #[test]
    fn malformed_xml_is_reported_where_it_breaks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.xml");
        std::fs::write(&path, "<rss>\n<channel>\n<item></channel>\n</rss>\n").unwrap();
        let error = read(&path, &mut |_| {}).unwrap_err().to_string();
        assert!(error.contains("bad.xml:3:"), "{error}");
    }
}
