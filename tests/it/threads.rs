//! Threaded comments on the article page.

use crate::support::{site, squash};

#[test]
fn replies_are_inside_their_parents_oldest_first() {
    let built = site("basic").build();
    let page = built.page("/frigate/");
    assert_eq!(
        page.comment_ids(),
        ["c1", "c2", "c3", "c4", "c6", "c5", "c7"]
    );
    assert_eq!(page.comment("c1").shown_under(), None);
    assert_eq!(page.comment("c2").shown_under().as_deref(), Some("c1"));
    assert_eq!(page.comment("c5").shown_under().as_deref(), Some("c1"));
    assert_eq!(page.comment("c3").shown_under().as_deref(), Some("c2"));
    assert!(page.comment("c3").is_inside("c1"));
    assert_eq!(page.comment("c7").shown_under(), None);
    assert!(!page.comment("c7").is_inside("c1"));
}

#[test]
fn replies_past_the_cap_are_kept_at_the_cap() {
    // max_depth = 3 in the fixture; c4 answers c3 and c6 answers c4, both below the cap.
    let built = site("basic").build();
    let page = built.page("/frigate/");
    for id in ["c3", "c4", "c6"] {
        let c = page.comment(id);
        assert_eq!(c.depth(), 3, "{id}");
        assert_eq!(c.shown_under().as_deref(), Some("c2"), "{id}");
    }
    let c4 = page.comment("c4");
    let reply_to = c4
        .own(".comment-reply-to a")
        .expect("c4 says whom it answers");
    assert_eq!(reply_to.value().attr("href"), Some("#comment-c3"));
    // The words are part of the link, which is then unlike the name's other links (to the
    // author's page, say): a screen reader's list of links tells them apart.
    assert_eq!(
        squash(&reply_to.text().collect::<String>()),
        "in reply to Reader c3"
    );
    assert!(page.comment("c3").own(".comment-reply-to").is_none());
}

#[test]
fn the_default_cap_is_five() {
    let s = site("basic");
    let config = std::fs::read_to_string(s.root().join("site.toml"))
        .unwrap()
        .replace("max_depth = 3\n", "");
    s.file("site.toml", &config);
    // A chain of eight replies.
    for i in 1..=8 {
        let parent = if i > 1 {
            format!("parent = \"d{}\"\n", i - 1)
        } else {
            String::new()
        };
        s.file(
            &format!("content/comments/budget/d{i}.md"),
            &format!("+++\nauthor = \"R{i}\"\ndate = 2026-11-11T10:0{i}:00Z\n{parent}+++\nx\n"),
        );
    }
    let page = s.build().page("/budget/");
    let depths: Vec<usize> = (1..=8)
        .map(|i| page.comment(&format!("d{i}")).depth())
        .collect();
    assert_eq!(depths, [1, 2, 3, 4, 5, 5, 5, 5]);
    assert_eq!(page.text_of("#comments-title"), "8 Comments");
}

#[test]
fn the_count_includes_replies() {
    let built = site("basic").build();
    assert_eq!(
        built.page("/frigate/").text_of("#comments-title"),
        "7 Comments"
    );
    assert_eq!(
        built.page("/closed/").text_of("#comments-title"),
        "1 Comment"
    );
    assert_eq!(
        built.page("/budget/").text_of("#comments-title"),
        "No Comments"
    );
}

#[test]
fn anchors_link_to_each_comment() {
    let built = site("basic").build();
    let page = built.page("/frigate/");
    let c2 = page.comment("c2");
    let permalink = c2.own("a.comment-date").unwrap();
    assert_eq!(permalink.value().attr("href"), Some("#comment-c2"));
    assert_eq!(
        permalink
            .select(&crate::support::sel("time"))
            .next()
            .unwrap()
            .value()
            .attr("datetime"),
        Some("2026-11-20T10:02:00Z")
    );
}

#[test]
fn staff_replies_are_marked_by_author_id_only() {
    let s = site("basic");
    // A reader typing the author's name is not the author.
    s.file(
        "content/comments/frigate/c8.md",
        "+++\nauthor = \"Ann Author\"\ndate = 2026-11-20T11:00:00Z\n+++\nI am totally Ann.\n",
    );
    let page = s.build().page("/frigate/");
    let c5 = page.comment("c5");
    assert!(c5.has_class("by-article-author"));
    assert_eq!(
        c5.own(".badge").map(|b| b.text().collect::<String>()),
        Some("Author".into())
    );
    let c7 = page.comment("c7");
    assert!(
        !c7.has_class("by-article-author"),
        "bob did not write this article"
    );
    assert!(c7.has_class("by-staff"));
    let c8 = page.comment("c8");
    assert!(!c8.has_class("by-article-author") && !c8.has_class("by-staff"));
    assert!(c8.own(".badge").is_none());
}

#[test]
fn the_reply_form_follows_the_thread() {
    let built = site("basic").build();
    let page = built.page("/frigate/");
    let form = page.one("section#comments > section#respond form.comment-form");
    assert_eq!(
        form.value().attr("action"),
        Some("https://forms.test.example/comment")
    );
    assert_eq!(form.value().attr("method"), Some("post"));
    for (name, required) in [
        ("name", true),
        ("comment", true),
        ("email", false),
        ("website", false),
    ] {
        let field = page.one(&format!("form.comment-form [name=\"{name}\"]"));
        assert_eq!(field.value().attr("required").is_some(), required, "{name}");
        let id = field.value().id().unwrap();
        page.one(&format!("form.comment-form label[for=\"{id}\"]"));
    }
    assert_eq!(
        page.one("form.comment-form input[type=hidden][name=slug]")
            .value()
            .attr("value"),
        Some("frigate")
    );
    assert_eq!(
        page.one("form.comment-form input[type=hidden][name=parent]")
            .value()
            .attr("value"),
        Some("")
    );
    // The thread comes before the form, and each comment offers a reply link to it.
    assert!(
        page.text.find("id=\"comment-c7\"").unwrap() < page.text.find("id=\"respond\"").unwrap()
    );
    let reply = page
        .comment("c3")
        .own("a.reply-link")
        .expect("a reply link");
    assert_eq!(reply.value().attr("href"), Some("?replytocom=c3#respond"));
    assert_eq!(reply.value().attr("data-reply-to"), Some("c3"));
}

#[test]
fn no_form_without_form_action() {
    let s = site("basic");
    let config = std::fs::read_to_string(s.root().join("site.toml"))
        .unwrap()
        .replace("form_action", "# form_action");
    s.file("site.toml", &config);
    let page = s.build().page("/frigate/");
    assert!(page.all("form").is_empty());
    assert!(page.all("a.reply-link").is_empty());
    assert_eq!(page.comment_ids().len(), 7);
}

#[test]
fn closed_comments_show_the_thread_and_no_form() {
    let built = site("basic").build();
    let page = built.page("/closed/");
    assert_eq!(page.comment_ids(), ["c1"]);
    assert_eq!(
        page.text_of("section#comments > p.comments-closed"),
        "Comments are closed."
    );
    assert!(page.all("form").is_empty());
    assert!(page.all("a.reply-link").is_empty());
}

#[test]
fn comment_ids_cannot_take_the_form_s_ids() {
    let s = site("basic");
    for id in ["name", "parent", "text", "email", "website"] {
        s.file(
            &format!("content/comments/frigate/{id}.md"),
            "+++\nauthor = \"R\"\ndate = 2026-11-22\n+++\nx\n",
        );
    }
    let page = s.build().page("/frigate/");
    let mut ids: Vec<&str> = page
        .all("[id]")
        .iter()
        .map(|e| e.value().id().unwrap())
        .collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "every id on the page is unique");
    let parent = page.one("#respond-parent");
    assert_eq!(
        (parent.value().name(), parent.value().attr("name")),
        ("input", Some("parent"))
    );
    for label in page.all("form.comment-form label") {
        let target = page.one(&format!("#{}", label.value().attr("for").unwrap()));
        assert!(matches!(target.value().name(), "input" | "textarea"));
    }
}

/// Issue 11: a heading "Comment c1" took `id="comment-c1"`, so the comment's permalink landed
/// on the heading. No heading may take an id of the page, even one written by hand.
#[test]
fn headings_never_take_a_comment_permalink_or_a_theme_id() {
    let s = site("basic");
    let path = s.root().join("content/articles/frigate.md");
    let text = std::fs::read_to_string(&path).unwrap();
    s.file(
        "content/articles/frigate.md",
        &format!(
            "{text}\n## Comment c1\n\nWhat the first reader got wrong.\n\n## Our reply {{#respond}}\n\n## Related {{#related-title}}\n"
        ),
    );
    let built = s.build();
    let page = built.page("/frigate/");
    let mut ids: Vec<&str> = page
        .all("[id]")
        .iter()
        .filter_map(|e| e.value().id())
        .collect();
    ids.sort();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before, "an id is used twice on the page");
    // The permalink's target is the comment, and the headings are still linkable.
    assert_eq!(page.one("#comment-c1").value().name(), "li");
    let headings: Vec<&str> = page
        .all(".article-body h2")
        .iter()
        .filter_map(|h| h.value().id())
        .collect();
    assert!(headings.contains(&"section-comment-c1"), "{headings:?}");
    assert!(headings.contains(&"our-reply"), "{headings:?}");
    assert!(headings.contains(&"related"), "{headings:?}");
}

/// The page's "awaiting moderation" notice is `#comment-held`: no comment may be `held`.
#[test]
fn no_comment_may_take_the_held_notices_id() {
    let s = site("basic");
    s.file(
        "content/comments/frigate/held.md",
        "+++\nauthor = \"R\"\ndate = 2026-11-22\n+++\nx\n",
    );
    crate::support::assert_prefixes(
        &s.errors(),
        &[
            "content/comments/frigate/held.md: the comment id `held` would take the page's #comment-held notice",
        ],
    );
}

/// Issue 14, point 2: the thread comes before "Related", which used to push it a screen down
/// on a phone.
#[test]
fn the_thread_comes_before_related_articles() {
    let built = site("basic").build();
    let page = built.page("/frigate/");
    let order: Vec<String> = page
        .all("main section#comments, main section.related")
        .iter()
        .map(|s| s.value().attr("class").unwrap_or("").to_string())
        .collect();
    assert_eq!(order, ["comments", "related"]);
}
