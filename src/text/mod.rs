//! Text work that knows nothing of a site: Markdown for the newsroom's own copy, the sanitiser
//! for readers' comments, slugs, and XML escaping.

pub mod html_links;
pub mod markdown;
pub mod sanitize;
pub mod slugs;
pub mod xml;
