//! Reader comments are hostile: real attack strings in bodies, names and websites.

use sitrep::text::sanitize::{clean_html, is_safe_markup, render_comment};

use crate::support::{Page, TestSite, sel, site, squash};

/// Bodies that try to get markup, script or a dangerous link onto the page.
const BODY_ATTACKS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle r=9 /></svg>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<style>body{display:none}</style>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<object data=\"https://evil.example/x.swf\"></object><embed src=x>",
    "<form action=\"https://evil.example/\"><input name=password></form>",
    "<base href=\"https://evil.example/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
    "<a href=\"https://ok.example/\" onclick=\"alert(1)\">x</a>",
    "<details open ontoggle=alert(1)>x</details>",
    "<div style=\"position:fixed;inset:0\">cover</div>",
    "<<script>script>alert(1)<</script>/script>",
    "[a](javascript:alert(1))",
    "[a](JaVaScRiPt:alert(1))",
    "[a]( javascript:alert(1))",
    "[a](&#106;avascript:alert(1))",
    "[a](&#x6A;&#x61;vascript:alert(1))",
    "[a](java&#x09;script:alert(1))",
    "[a](jav&#x0A;ascript:alert(1))",
    "[a](\u{1}javascript:alert(1))",
    "[a](vbscript:msgbox(1))",
    "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[a](//evil.example/)",
    "![a](javascript:alert(1))",
    "![a](https://tracker.example/pixel.gif)",
    "<https://ok.example/\" onmouseover=\"alert(1)>",
    "[a](https://ok.example/ \"t\\\" onmouseover=alert(1)\")",
];

/// Display names and websites as a hostile reader might type them.
const NAME_ATTACKS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "' onmouseover='alert(1)",
    "{{ 7 * 7 }} {% raw %}",
    "<svg/onload=alert(1)>",
];

const WEBSITE_ATTACKS: &[&str] = &[
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "  javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/",
    "evil.example",
];

/// Every name attack, and every body attack typed as a name too.
fn names() -> impl Iterator<Item = &'static str> {
    NAME_ATTACKS.iter().chain(BODY_ATTACKS).copied()
}

/// Every website attack, and every body attack typed as a website too.
fn websites() -> impl Iterator<Item = &'static str> {
    WEBSITE_ATTACKS.iter().chain(BODY_ATTACKS).copied()
}

const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
];

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn comment(s: &TestSite, id: &str, fields: &str, body: &str) {
    s.file(
        &format!("content/comments/budget/{id}.md"),
        &format!("+++\ndate = 2026-11-12T10:00:00Z\n{fields}\n+++\n{body}\n"),
    );
}

/// The basic site with a comment for every attack body, name and website above (on `budget`).
pub fn hostile_site() -> TestSite {
    let s = site("basic");
    for (i, body) in BODY_ATTACKS.iter().enumerate() {
        comment(&s, &format!("b{i:02}"), "author = \"Reader\"", body);
    }
    for (i, name) in names().enumerate() {
        comment(
            &s,
            &format!("n{i:02}"),
            &format!(
                "author = {}\nwebsite = {}",
                toml_string(name),
                toml_string("https://ok.example/a\"b<c>")
            ),
            "hi",
        );
    }
    for (i, url) in websites().enumerate() {
        comment(
            &s,
            &format!("w{i:02}"),
            &format!("author = \"W{i}\"\nwebsite = {}", toml_string(url)),
            "hi",
        );
    }
    s
}

/// Every element inside the comments' bodies is on the allowlist, with only safe attributes.
fn assert_bodies_are_clean(page: &Page) {
    for content in page.all(".comment-content") {
        for el in content
            .descendants()
            .filter_map(scraper::ElementRef::wrap)
            .skip(1)
        {
            let name = el.value().name();
            assert!(
                ALLOWED_TAGS.contains(&name),
                "<{name}> got through: {}",
                content.html()
            );
            for (attr, value) in el.value().attrs() {
                match (name, attr) {
                    ("a", "href") => {
                        let scheme = value.split(':').next().unwrap_or("");
                        assert!(
                            ["http", "https", "mailto"].contains(&scheme) && value.contains(':'),
                            "bad link {value:?} in {}",
                            content.html()
                        );
                    }
                    ("a", "rel") => assert_eq!(value, "nofollow ugc"),
                    _ => panic!(
                        "attribute {attr}={value:?} on <{name}> got through: {}",
                        content.html()
                    ),
                }
            }
            if name == "a" {
                assert_eq!(
                    el.value().attr("rel"),
                    Some("nofollow ugc"),
                    "{}",
                    el.html()
                );
            }
        }
    }
}

/// Nothing anywhere on the page can run script or change where it points.
fn assert_page_is_inert(page: &Page) {
    for el in page
        .html
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let name = el.value().name();
        assert!(
            ![
                "iframe", "object", "embed", "svg", "math", "style", "base", "meta"
            ]
            .contains(&name)
                || (name == "meta" && el.value().attr("http-equiv").is_none()),
            "<{name}> on the page: {}",
            el.html()
        );
        for (attr, value) in el.value().attrs() {
            assert!(!attr.starts_with("on"), "event handler {attr} on <{name}>");
            if matches!(attr, "href" | "src" | "action") {
                let lower: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_lowercase();
                assert!(
                    !lower.starts_with("javascript:")
                        && !lower.starts_with("vbscript:")
                        && !lower.starts_with("data:"),
                    "{attr}={value:?}"
                );
            }
        }
    }
    // Only the theme's reply script runs; the rest are JSON-LD data blocks, which must parse
    // and cannot hold markup.
    let (data, code): (Vec<_>, Vec<_>) = page
        .all("script")
        .into_iter()
        .partition(|s| s.value().attr("type") == Some("application/ld+json"));
    assert_eq!(code.len(), 1, "only the theme's reply script");
    assert_eq!(code[0].value().attr("src"), Some("/js/reply.js"));
    for block in data {
        let text: String = block.text().collect();
        assert!(!text.contains('<'), "{text}");
        serde_json::from_str::<serde_json::Value>(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    }
    assert_eq!(page.all("form").len(), 1, "only the theme's comment form");
}

/// Markdown that exercises every construct the comment parser knows, for the fixed-point test.
const MARKDOWN_CONSTRUCTS: &[&str] = &[
    "# h1\n## h2 *em*\nSetext\n===",
    "> quote\n> > nested **strong** `code`\n\n>     indented code",
    "- a\n  - b\n    1. c\n    2. d\n\n- loose\n\n  para",
    "7. seven\n8) eight",
    "```\n<script>\n```\n\n    indented <b>\n\n~~~rust title=\"x\"\ncode\n~~~",
    "line  \nbreak\\\nagain\r\nCRLF\rCR",
    "***\n___\n- - -",
    "[ref][r] [collapsed][] [r]\n\n[r]: https://example.org/r \"title\"",
    "<https://example.org/auto> <desk@example.org> www.example.org",
    "[empty]() [rel](/relative) [frag](#x) [q](?a=1) [ftp](ftp://x.example/)",
    "[a [nested](https://b.example/) link](https://a.example/)",
    "![img ![inner](https://i.example/)](https://o.example/)",
    "&amp; &lt;b&gt; &#60;i&#62; &nbsp; &copy; &#0; &bogus;",
    "\u{0}\u{1}\u{b}\u{c}\u{7f}\u{a0}\u{200b}\u{feff}\u{fffe}\u{10ffff}",
    "<div>\n*html block*\n</div>\n\n<!-- comment -->\n\n<?php x ?>\n\n<![CDATA[x]]>",
    "*a **b** a* _c __d__ c_ ~~e~~ ~f~ `` ` `` \\*not\\*",
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]\n\n[^1]: note\n\n- [ ] task\n\n$x$",
    "Київ — «цитата» & 日本語 <عربى> 🚢",
    "<pre>\n\nx</pre> <textarea><p></textarea> <noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "[x](https://example.org/a\"onmouseover=\"alert(1)) [y](https://example.org/<b>)",
    "[x](mailto:a@b.example?subject=<script>&body=\"x\")",
];

/// Wall 1 writes only what the allowlist keeps unchanged, so wall 2's check never has to fall
/// back to ammonia: for each input, ammonia over sitrep's output returns it byte for byte.
#[test]
fn construction_is_a_fixed_point_of_the_allowlist() {
    let singles = BODY_ATTACKS.iter().chain(MARKDOWN_CONSTRUCTS).copied();
    // Pairs too: one input's unclosed construct must not change how the next one is read.
    let pairs = MARKDOWN_CONSTRUCTS.iter().flat_map(|a| {
        BODY_ATTACKS
            .iter()
            .chain(MARKDOWN_CONSTRUCTS)
            .map(move |b| format!("{a}{b}\n\n{b} {a}"))
    });
    let inputs: Vec<String> = singles.map(String::from).chain(pairs).collect();
    assert!(inputs.len() > 1000);
    for input in &inputs {
        let html = render_comment(input);
        assert!(is_safe_markup(&html), "{input:?} gave {html:?}");
        assert_eq!(clean_html(&html), html, "{input:?} is not a fixed point");
    }
}

#[test]
fn attack_bodies_never_become_markup() {
    let s = hostile_site();
    let page = s.build().page("/budget/");
    assert_eq!(
        page.comment_ids().len(),
        names().count() + websites().count() + BODY_ATTACKS.len()
    );
    assert_bodies_are_clean(&page);
    assert_page_is_inert(&page);
    // Raw HTML is shown to readers as the text they typed, not silently dropped.
    let shown = squash(
        &page
            .comment("b00")
            .own(".comment-content")
            .unwrap()
            .text()
            .collect::<String>(),
    );
    assert_eq!(shown, "<script>alert(1)</script>");
    let shown = squash(
        &page
            .comment("b01")
            .own(".comment-content")
            .unwrap()
            .text()
            .collect::<String>(),
    );
    assert_eq!(shown, "<img src=x onerror=alert(1)>");
}

#[test]
fn safe_links_survive_with_nofollow_ugc() {
    let s = site("basic");
    comment(
        &s,
        "ok1",
        "author = \"A\"",
        "See [the report](https://example.org/r?a=1&b=2) or mail <mailto:desk@example.org>.",
    );
    let page = s.build().page("/budget/");
    let links = page
        .comment("ok1")
        .0
        .select(&sel(".comment-content a"))
        .map(|a| {
            (
                a.value().attr("href").unwrap().to_string(),
                a.value().attr("rel").unwrap().to_string(),
            )
        })
        .collect::<Vec<_>>();
    assert_eq!(
        links,
        [
            (
                "https://example.org/r?a=1&b=2".to_string(),
                "nofollow ugc".to_string()
            ),
            (
                "mailto:desk@example.org".to_string(),
                "nofollow ugc".to_string()
            )
        ]
    );
}

#[test]
fn hostile_names_are_text() {
    let s = hostile_site();
    let page = s.build().page("/budget/");
    for (i, name) in names().enumerate() {
        let c = page.comment(&format!("n{i:02}"));
        let author = c.own(".comment-author").unwrap();
        // Exactly as typed, less the characters no HTML page may hold (U+0001, say).
        let shown = sitrep::text::sanitize::page_text(name);
        assert_eq!(
            author.text().collect::<String>(),
            shown,
            "the name is shown exactly as typed"
        );
        assert_eq!(
            author.select(&sel("*")).count(),
            1,
            "only the website link inside: {}",
            author.html()
        );
        // The reply link carries the name in an attribute; it must stay one attribute.
        let reply = c.own("a.reply-link").unwrap();
        assert_eq!(reply.value().attr("data-reply-name"), Some(&*shown));
    }
    assert_page_is_inert(&page);
}

#[test]
fn only_http_websites_become_links() {
    let s = hostile_site();
    let page = s.build().page("/budget/");
    for (i, url) in websites().enumerate() {
        let c = page.comment(&format!("w{i:02}"));
        assert!(
            c.own(".comment-author a").is_none(),
            "{url:?} became a link"
        );
    }
    // A real address with quotes and brackets stays one well-formed href.
    let link = page.comment("n00").own(".comment-author a").unwrap();
    assert_eq!(
        link.value().attr("href"),
        Some("https://ok.example/a%22b%3Cc%3E")
    );
    assert_eq!(link.value().attr("rel"), Some("nofollow ugc"));
}

#[test]
fn avatar_hashes_must_be_hex() {
    let s = site("basic");
    let config = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
    s.file(
        "site.toml",
        &format!("{config}avatar_url = \"https://avatars.test.example/{{hash}}.png\"\n"),
    );
    comment(
        &s,
        "h1",
        &format!("author = \"A\"\nemail_hash = \"{}\"", "ab".repeat(32)),
        "x",
    );
    comment(
        &s,
        "h2",
        "author = \"B\"\nemail_hash = \"\\\"><script>alert(1)</script>\"",
        "x",
    );
    let built = s.build();
    let page = built.page("/budget/");
    let img = page.comment("h1").own("img.avatar").expect("an avatar");
    assert_eq!(
        img.value().attr("src"),
        Some(format!("https://avatars.test.example/{}.png", "ab".repeat(32)).as_str())
    );
    assert!(page.comment("h2").own("img.avatar").is_none());
    assert_page_is_inert(&page);
    assert!(built.warnings().iter().any(|w| w == "content/comments/budget/h2.md: email_hash is not a hex SHA-256 or MD5 digest; no avatar is shown"));
}
