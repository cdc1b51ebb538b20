//! The pages the intake answers with when it cannot take a comment: written for a person, in
//! plain HTML with no script, naming what to fix, and giving the reader's text back in a
//! textarea so nothing typed is lost. Everything from the request is escaped.

/// `&`, `<`, `>`, `"` and `'` as entities: safe in text and in quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A refusal page: a title, what happened, the reader's comment to copy, and a way back.
pub fn refusal(title: &str, message: &str, text: &str, back: &str) -> String {
    let kept = if text.trim().is_empty() {
        String::new()
    } else {
        format!(
            "<p>Your comment is below, so nothing you wrote is lost: copy it before you go back.</p>\n\
             <textarea readonly rows=\"12\" cols=\"72\" aria-label=\"Your comment\">{}</textarea>\n",
            escape(text)
        )
    };
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n<title>{title}</title>\n</head>\n<body>\n\
         <main>\n<h1>{title}</h1>\n<p>{message}</p>\n{kept}<p><a href=\"{back}\">Go back</a></p>\n\
         </main>\n</body>\n</html>\n",
        title = escape(title),
        message = escape(message),
        back = escape(back),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readers_text_cannot_leave_the_textarea() {
        let page = refusal(
            "Comment not sent",
            "<b>x</b>",
            "</textarea><script>alert(1)</script>",
            "javascript:\"x",
        );
        assert!(!page.contains("<script>"));
        assert!(!page.contains("</textarea><"));
        assert!(page.contains("&lt;/textarea&gt;&lt;script&gt;"));
        assert!(page.contains("href=\"javascript:&quot;x\""));
        assert!(page.contains("&lt;b&gt;x&lt;/b&gt;"));
    }
}
