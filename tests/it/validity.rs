//! The Nu HTML checker (the W3C's validator) over every page the demo site and the fixture
//! sites publish, hostile comments and a preview with drafts included: no errors, no warnings.
//!
//! Needs Java and npm's `vnu-jar`, which `.ci/run` installs (`target/ci-tools`); the path can be
//! given as `SITREP_VNU_JAR`. Without them the test is skipped, unless `SITREP_BROWSER_TESTS=1`
//! (as CI sets it), when their absence is a failure.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::support::{TestSite, demo, site};

/// Where `.ci/run` installs the npm tools the checks use.
pub fn ci_tool(env: &str, installed: &str, install: &str) -> Option<PathBuf> {
    let path = std::env::var_os(env).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("target/ci-tools/node_modules")
            .join(installed)
    });
    if path.exists() {
        return Some(path);
    }
    let required = std::env::var("SITREP_BROWSER_TESTS").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "SITREP_BROWSER_TESTS=1 but {} is missing: {install}, or set {env}",
        path.display()
    );
    eprintln!(
        "skipped: {} is missing ({install}, or set {env})",
        path.display()
    );
    None
}

#[test]
fn the_nu_checker_finds_nothing_wrong_in_any_page() {
    let Some(jar) = ci_tool(
        "SITREP_VNU_JAR",
        "vnu-jar/build/dist/vnu.jar",
        "run .ci/run, or npm install --ignore-scripts --prefix target/ci-tools vnu-jar",
    ) else {
        return;
    };
    let hostile = crate::sanitize::hostile_site();
    let sites: Vec<(&str, TestSite, bool)> = vec![
        ("demo", demo(), false),
        ("demo with drafts", demo(), true),
        ("basic", site("basic"), false),
        ("hostile comments", hostile, false),
    ];
    let mut outputs = Vec::new();
    for (name, s, drafts) in &sites {
        let built = s.build_with(sitrep::BuildOptions {
            drafts: *drafts,
            ..s.options()
        });
        assert!(built.exists("index.html"), "{name}");
        outputs.push(built.out.clone());
    }
    // One Java start for every site: it is most of the time taken.
    let run = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args([
            "--skip-non-html",
            "--also-check-css",
            "--also-check-svg",
            "--format",
            "json",
        ])
        .args(&outputs)
        .output()
        .expect("java runs (apt-get install default-jre-headless)");
    let report: Value = serde_json::from_slice(&run.stderr).unwrap_or_else(|e| {
        panic!(
            "no JSON from the checker ({e}): {}",
            String::from_utf8_lossy(&run.stderr)
        )
    });
    let messages = report["messages"].as_array().expect("a list of messages");
    // Errors and warnings fail; "info" messages (such as the `/>` pulldown-cmark writes on
    // `<img>`, which HTML allows) do not.
    let problems: Vec<String> = messages
        .iter()
        .filter(|m| m["type"] == "error" || m["subType"] == "warning")
        .map(|m| {
            format!(
                "{}:{}: {} {}",
                m["url"].as_str().unwrap_or("?"),
                m["lastLine"],
                m["type"],
                m["message"].as_str().unwrap_or("?"),
            )
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The checker did read the pages: every HTML file of every site was sent.
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}
