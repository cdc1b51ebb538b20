//! The fuzzers' findings as regression tests: every file of `fuzz/corpus/<target>/` (the
//! minimised corpus) and `fuzz/regressions/<target>/` (crash reproducers) goes through the same
//! checks as the `cargo fuzz` targets, so `cargo test` catches a regression without cargo-fuzz or
//! a nightly compiler. The checks live in `fuzz/checks.rs`, shared with the fuzz targets.

#[path = "../../fuzz/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

/// The inputs of one target, corpus then regressions, in name order.
fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut all = Vec::new();
    for kind in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(kind).join(target)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
            .collect();
        files.sort();
        all.extend(files);
    }
    all
}

/// Runs `check` on every input of `target` (on a few threads: a site input builds a whole site)
/// and fails naming each input that panicked; the panic messages are printed as they happen.
fn replay(target: &str, check: fn(&[u8])) {
    let files = inputs(target);
    assert!(
        !files.is_empty(),
        "no inputs in fuzz/corpus/{target}/ or fuzz/regressions/{target}/"
    );
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let chunk = files.len().div_ceil(threads);
    let failed: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .filter(|file| {
                            let data = std::fs::read(file).unwrap();
                            std::panic::catch_unwind(|| check(&data)).is_err()
                        })
                        .map(|file| file.display().to_string())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert!(
        failed.is_empty(),
        "{} of {} {target} inputs fail (replay one with `cargo fuzz run {target} <file>`):\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

#[test]
fn front_matter_corpus() {
    replay("front_matter", checks::front_matter);
}

#[test]
fn comments_corpus() {
    replay("comments", checks::comments);
}

#[test]
fn site_corpus() {
    replay("site", checks::site);
}
