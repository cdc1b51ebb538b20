//! The templates: the default theme compiled into the binary, with the site's own `templates/`
//! files replacing it one file at a time. Parsed once per build. Part of the render stage.

use tera::{ErrorKind, Kwargs, State, Tera, TeraResult, Value};

use crate::error::{Diagnostic, Diagnostics, Result};
use crate::model::words::{Words, fill};
use crate::render::urls;

/// The default theme: the demo site's own `templates/` folder, built into the binary so a site
/// without templates still builds.
pub const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    (
        "components.html",
        include_str!("../../templates/components.html"),
    ),
    ("index.html", include_str!("../../templates/index.html")),
    ("article.html", include_str!("../../templates/article.html")),
    ("page.html", include_str!("../../templates/page.html")),
    ("author.html", include_str!("../../templates/author.html")),
    ("authors.html", include_str!("../../templates/authors.html")),
    (
        "taxonomy.html",
        include_str!("../../templates/taxonomy.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    ("search.html", include_str!("../../templates/search.html")),
    (
        "redirect.html",
        include_str!("../../templates/redirect.html"),
    ),
    ("feed.xml", include_str!("../../templates/feed.xml")),
];

/// Files the default theme puts in the output unless `static/` has its own.
pub const BUILTIN_STATIC: &[(&str, &str)] = &[
    (
        urls::STYLESHEET,
        include_str!("../../static/css/sitrep.css"),
    ),
    (urls::REPLY_SCRIPT, include_str!("../../static/js/reply.js")),
    (
        urls::SEARCH_SCRIPT,
        include_str!("../../static/js/search.js"),
    ),
    (urls::FAVICON, include_str!("../../static/favicon.svg")),
];

/// The parsed templates, with the site's own texts for pointing at a line in an error.
pub struct Theme {
    pub tera: Tera,
    own: Vec<(String, String)>,
}

impl Theme {
    /// Renders `template`; errors name the template file, line and column.
    pub fn render(
        &self,
        template: &str,
        context: &tera::Context,
    ) -> std::result::Result<String, Vec<Diagnostic>> {
        (self.tera.render(template, context)).map_err(|e| template_errors(&e, &self.own))
    }
}

/// Builds the template set: the built-in theme overlaid with `site` (name, text) pairs.
pub fn load(site: &[(String, String)], words: Words) -> Result<Theme> {
    let mut tera = Tera::default();
    let words = std::sync::Arc::new(words);
    let shared = words.clone();
    tera.register_function("t", move |kwargs: Kwargs, _: &State| {
        translate(&shared, &kwargs)
    });
    tera.register_function("words_json", move |kwargs: Kwargs, _: &State| {
        words_json(&words, &kwargs)
    });
    let mut set: Vec<(String, String)> = BUILTIN
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    for (name, text) in site {
        match set.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = text.clone(),
            None => set.push((name.clone(), text.clone())),
        }
    }
    let mut diagnostics = Diagnostics::default();
    if let Err(error) = tera.add_raw_templates(set) {
        for diagnostic in template_errors(&error, site) {
            diagnostics.error(diagnostic);
        }
    }
    diagnostics.finish()?;
    Ok(Theme {
        tera,
        own: site.to_vec(),
    })
}

/// `t(key="comments", n=3)`, `t(key="articles_by", name=author.name)`: the site's phrase
/// `key`, in the form for `n`, with each other argument filled in where the phrase names it.
fn translate(words: &Words, kwargs: &Kwargs) -> TeraResult<String> {
    let key: &str = kwargs.must_get("key")?;
    let n: Option<i64> = kwargs.get("n")?;
    let text = words.pick(key, n).ok_or_else(|| {
        tera::Error::message(format!(
            "t(key=\"{key}\"): no such word in the theme or in [words] in site.toml; add it there"
        ))
    })?;
    // Most words have no places: a page asks for dozens of them.
    if !text.contains('{') {
        return Ok(text.to_string());
    }
    Ok(fill(text, n, |name| {
        let value = kwargs.get::<Value>(name).ok().flatten();
        value.map(|v| v.to_string())
    }))
}

/// `words_json(keys=["searching", "search_results"])`: those phrases as JSON, for a script.
fn words_json(words: &Words, kwargs: &Kwargs) -> TeraResult<String> {
    let keys: Vec<Value> = kwargs.must_get::<&[Value]>("keys")?.to_vec();
    let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    words.json(&keys).map_err(|key| {
        tera::Error::message(format!(
            "words_json: no word `{key}` in the theme or in [words] in site.toml; add it there"
        ))
    })
}

/// A Tera error as diagnostics naming the template file (under `templates/` when it is one of
/// `site`'s own, `(built-in theme)` otherwise), line and column, with the offending line.
pub fn template_errors(error: &tera::Error, site: &[(String, String)]) -> Vec<Diagnostic> {
    let source = |name: &str| -> Option<&str> {
        let own = site
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str());
        own.or_else(|| BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t))
    };
    let file = |name: &str| {
        if site.iter().any(|(n, _)| n == name) {
            format!("templates/{name}")
        } else {
            format!("templates/{name} (built-in theme)")
        }
    };
    let at = |name: &str, line: usize, column: usize, message: String| {
        let diagnostic = Diagnostic::at(file(name), line, column, message);
        match source(name) {
            Some(text) => diagnostic.with_excerpt(text, 1),
            None => diagnostic,
        }
    };
    if let ErrorKind::Msg(text) = error.kind() {
        // Checks made when templates are added (unknown filters, components...) arrive as one
        // message holding a report per problem: `error: <what>` then ` --> <name>:<line>:<col>`.
        let reports = parse_reports(text, &at);
        if !reports.is_empty() {
            return reports;
        }
    }
    vec![match error.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => at(
            report.filename(),
            report.span().start_line,
            report.span().start_col + 1,
            report.message().to_string(),
        ),
        ErrorKind::TemplateNotFound(name) => {
            Diagnostic::new("templates", format!("template `{name}` is missing"))
        }
        ErrorKind::MissingParent { current, parent } => Diagnostic::new(
            file(current),
            format!("extends `{parent}`, which does not exist"),
        ),
        _ => {
            let mut message = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(cause) = source {
                message.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            Diagnostic::new("templates", message)
        }
    }]
}

fn parse_reports(
    text: &str,
    at: &dyn Fn(&str, usize, usize, String) -> Diagnostic,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(message) = line.strip_prefix("error: ") else {
            continue;
        };
        let Some(locus) = lines
            .next()
            .and_then(|l| l.trim_start().strip_prefix("--> "))
        else {
            continue;
        };
        let mut parts = locus.rsplitn(3, ':');
        let (Some(col), Some(line_no), Some(name)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if let (Ok(line_no), Ok(col)) = (line_no.parse(), col.parse()) {
            found.push(at(name, line_no, col, message.to_string()));
        }
    }
    found
}
