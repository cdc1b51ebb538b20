//! The layout rule gives every path one answer everywhere: a random site tree read whole by
//! [`load`](super::load) equals an empty site patched file by file (as `serve` does), and the
//! names `sitrep new` sees are the names the build uses.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use crate::load::layout::{self, Entry};
use crate::load::patch::{self, Patched};
use crate::model::sources::Sources;

/// Folders a file may land in, including ones sitrep does not read.
const FOLDERS: &[&str] = &[
    "content/articles",
    "content/articles/bundle",
    "content/articles/loose",
    "content/pages",
    "content/pages/sub",
    "content/authors",
    "content/comments/a",
    "content/comments/x.md",
    "content/comments",
    "content/other",
    "templates",
    "templates/partials",
    "static",
    "static/.well-known",
    "",
];

/// File names, real and junk, including the ones of issue 11.
const NAMES: &[&str] = &[
    "a.md",
    "x.md.md",
    "index.md",
    "._about.md",
    ".#a.md",
    "a.md~",
    "#a.md#",
    ".DS_Store",
    ".hidden.md",
    ".a.md.swp",
    "ann.toml",
    "notes.txt",
    "photo.jpg",
    "b.html",
];

const MARKDOWN: &str = "+++\ntitle = \"T\"\ndate = 2026-11-01\nauthor = \"ann\"\n+++\nBody.\n";

/// Writes `rel` under `root`: a dangling symlink for an Emacs lock (as Emacs makes them), else
/// text that parses as whatever the file might be.
fn write(root: &Path, rel: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    if name.starts_with(".#") {
        #[cfg(unix)]
        std::os::unix::fs::symlink("user@host.1234:1700000000", &path).unwrap();
        return;
    }
    let text = if name.ends_with(".toml") {
        "name = \"Ann\"\n"
    } else {
        MARKDOWN
    };
    std::fs::write(path, text).unwrap();
}

/// What a load found, in a form two loads can be compared by.
fn summary(s: &Sources) -> Vec<String> {
    let mut out = Vec::new();
    for a in &s.articles {
        out.push(format!("article {} {}", a.path.display(), a.stem));
    }
    for p in &s.pages {
        out.push(format!("page {} {}", p.path.display(), p.stem));
    }
    for a in &s.authors {
        out.push(format!("author {} {}", a.path.display(), a.stem));
    }
    for c in &s.comments {
        out.push(format!(
            "comment {} {} {}",
            c.article,
            c.source.path.display(),
            c.source.stem
        ));
    }
    for a in &s.assets {
        out.push(format!("asset {} {}", a.bundle, a.name));
    }
    for f in &s.static_files {
        out.push(format!("static {f}"));
    }
    for (name, _) in &s.templates {
        out.push(format!("template {name}"));
    }
    let mut reported: Vec<String> = (s.diagnostics.errors.iter())
        .chain(&s.diagnostics.warnings)
        .map(|d| format!("reported {d}"))
        .collect();
    reported.sort();
    out.extend(reported);
    out
}

fn tree() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec((0..FOLDERS.len(), 0..NAMES.len()), 1..14).prop_map(|picks| {
        let mut paths: Vec<String> = picks
            .into_iter()
            .map(|(f, n)| match FOLDERS[f] {
                "" => NAMES[n].to_string(),
                folder => format!("{folder}/{}", NAMES[n]),
            })
            .filter(|p| p != "site.toml")
            .collect();
        paths.sort();
        paths.dedup();
        paths
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_path_gets_one_answer_everywhere(paths in tree()) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        std::fs::write(root.join("site.toml"), "title = \"T\"\n").unwrap();
        let mut patched = super::load(&root).unwrap();
        let root = patched.root.clone();
        for rel in &paths {
            write(&root, rel);
            let answer = patch::apply(&mut patched, &[root.join(rel)]);
            match layout::classify(Path::new(rel)) {
                Entry::Skipped | Entry::Outside => prop_assert_eq!(&answer, &Patched::Nothing, "{}", rel),
                Entry::Article { bundle: false, .. }
                | Entry::Page { .. }
                | Entry::Author { .. }
                | Entry::Comment { .. }
                | Entry::Template { .. } => prop_assert!(matches!(answer, Patched::Sources(_)), "{rel}: {answer:?}"),
                _ => {}
            }
            if answer == Patched::Reload {
                patched = super::load(&root).unwrap();
            }
        }
        let full = super::load(&root).unwrap();
        prop_assert_eq!(summary(&patched), summary(&full));

        // `sitrep new` sees the same articles, pages and authors.
        let stems = |found: Vec<crate::scaffold::site_files::Named>| -> Vec<(PathBuf, String)> {
            found.into_iter().map(|n| (n.path.strip_prefix(&root).unwrap().to_path_buf(), n.stem)).collect()
        };
        let loaded = |list: Vec<(&PathBuf, &String)>| -> Vec<(PathBuf, String)> {
            list.into_iter().map(|(p, s)| (p.clone(), s.clone())).collect()
        };
        prop_assert_eq!(
            stems(crate::scaffold::site_files::articles(&root)),
            loaded(full.articles.iter().map(|a| (&a.path, &a.stem)).collect())
        );
        prop_assert_eq!(
            stems(crate::scaffold::site_files::pages(&root)),
            loaded(full.pages.iter().map(|a| (&a.path, &a.stem)).collect())
        );
        let ids: Vec<String> = full.authors.iter().map(|a| a.stem.clone()).collect();
        prop_assert_eq!(crate::scaffold::site_files::author_ids(&root), ids);
    }
}
