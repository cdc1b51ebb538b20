//! Whole-program tests: fixture sites copied into temporary folders, built, and checked by
//! parsing the HTML they produce. One test binary, a module per feature.

mod support;

mod browser;
mod errors;
mod extremes;
mod feeds;
mod fuzz_corpus;
mod images;
mod import;
mod intake;
mod metadata;
mod output;
mod pages;
pub mod sanitize;
mod scaffold;
mod serve;
mod sitemaps;
mod thread_props;
mod threads;
pub mod validity;
mod words;
