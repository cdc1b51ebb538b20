//! The `sitrep` command: parses the command line, runs the library, prints its report.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sitrep::{BuildOptions, BuildReport, Error};

// A build allocates millions of small strings and values on every core; glibc's allocator spent
// about a third of the build's CPU time on them (perf, bench/README.md). mimalloc's per-thread
// heaps cut the whole build's CPU time by about 30 %.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A static site generator for defence and security newsrooms.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into its output folder.
    Build {
        /// The site folder (holding site.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: <root>/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Include drafts and future-dated articles (preview).
        #[arg(long)]
        drafts: bool,
        /// Replace base_url from site.toml.
        #[arg(long)]
        base_url: Option<String>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Check content and templates without writing anything.
    Check {
        /// The site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Check drafts and future-dated articles' pages too.
        #[arg(long)]
        drafts: bool,
    },
    /// Preview the site with drafts, rebuilding and reloading open pages on every change.
    Serve {
        /// The site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on (127.0.0.1 only); the next free one if it is taken. 0 lets the
        /// system choose.
        #[arg(long, default_value_t = sitrep::serve::DEFAULT_PORT)]
        port: u16,
    },
    /// Write a new article, author or comment file (never overwriting one).
    New {
        #[command(subcommand)]
        what: New,
        /// The site folder.
        #[arg(long, default_value = ".", global = true)]
        root: PathBuf,
    },
    /// Readers' comments: the intake server and moderation.
    Comments {
        #[command(subcommand)]
        what: Comments,
        /// The site folder.
        #[arg(long, default_value = ".", global = true)]
        root: PathBuf,
    },
    /// Bring a site in from elsewhere.
    Import {
        #[command(subcommand)]
        from: Import,
        /// The site folder.
        #[arg(long, default_value = ".", global = true)]
        root: PathBuf,
    },
    /// Make a new site in DIR (absent or empty) with the default theme copied out to customise.
    Init {
        /// The folder for the new site.
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum Import {
    /// Articles, pages, authors and comment threads from WordPress's export (WXR).
    Wordpress {
        /// The export file(s); a split export is merged.
        #[arg(required = true)]
        exports: Vec<PathBuf>,
        /// Write nothing; report what would be written.
        #[arg(long)]
        dry_run: bool,
        /// Replace files that exist.
        #[arg(long)]
        force: bool,
        /// Also write the report as JSON to this file.
        #[arg(long)]
        report: Option<PathBuf>,
        /// The old site's wp-content/uploads folder, copied to static/wp-content/uploads/.
        #[arg(long)]
        media_from: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum Comments {
    /// Receive the reply form's posts into the moderation queue (moderation/).
    Serve {
        /// The address to listen on; put the site's web server in front of it.
        #[arg(long, default_value = sitrep::comments::DEFAULT_LISTEN)]
        listen: std::net::SocketAddr,
    },
    /// List queued comments with their article, parent, signals and history.
    List {
        #[arg(long, default_value = "pending", value_parser = ["pending", "spam", "rejected"])]
        status: String,
        /// Only this article's (its slug).
        #[arg(long)]
        article: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Print a queued comment as the page will show it.
    Show { id: String },
    /// Publish comments into content/comments/ (a reply's parent must be published first).
    Approve {
        ids: Vec<String>,
        /// Approve every pending comment of a commenter approved before (same name and email).
        #[arg(long, conflicts_with = "ids")]
        trusted: bool,
        /// Build the site afterwards.
        #[arg(long)]
        build: bool,
        /// Commit each approved comment to git.
        #[arg(long)]
        commit: bool,
    },
    /// Move comments to the rejected shelf.
    Reject {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Move comments to the spam shelf.
    Spam {
        #[arg(required = true)]
        ids: Vec<String>,
        /// Block their email address and subnet from now on.
        #[arg(long)]
        block: bool,
    },
    /// Publish a staff reply (its Markdown on standard input) to a published comment.
    Reply {
        id: String,
        /// The article's slug, when comments of several articles have this id.
        #[arg(long)]
        article: Option<String>,
        /// The site author replying (a file stem under content/authors/).
        #[arg(long = "as")]
        author: String,
    },
    /// Anonymise (or delete) every comment by one email address, published or queued.
    Erase {
        #[arg(
            long,
            conflicts_with = "email_hash",
            required_unless_present = "email_hash"
        )]
        email: Option<String>,
        #[arg(long)]
        email_hash: Option<String>,
        /// Delete the comments instead (their replies move up a level).
        #[arg(long)]
        delete: bool,
    },
    /// Remove spam and rejected comments older than this (30d, 12h, 2w).
    Purge {
        #[arg(long, default_value = "30d")]
        older_than: String,
    },
}

#[derive(Subcommand)]
enum New {
    /// A draft article with a slug made from the headline and today's date.
    Article {
        /// The headline.
        headline: String,
        /// The author's id (a file stem under content/authors); needed when the site has several.
        #[arg(long)]
        author: Option<String>,
        /// Make a folder (articles/<slug>/index.md) to keep images beside the article.
        #[arg(long)]
        bundle: bool,
    },
    /// An author file, content/authors/ID.toml.
    Author {
        /// The author's id: lower-case letters, digits and hyphens, such as maren-holt.
        id: String,
    },
    /// A reader comment, its Markdown body read from standard input (the moderation step).
    Comment {
        /// The slug of the article commented on.
        article: String,
        /// The commenter's name as they gave it.
        #[arg(long)]
        author: String,
        /// The id of the comment this one replies to.
        #[arg(long)]
        parent: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let now = match sitrep::build_clock() {
        Ok(now) => now,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    // (what happened, print nothing but errors, whether an output folder was at stake)
    let (result, quiet, writes) = match cli.command {
        Command::Build {
            root,
            output,
            drafts,
            base_url,
            quiet,
        } => {
            // Long builds show how far they are, on a terminal only.
            let progress = (!quiet && std::io::stderr().is_terminal()).then(|| {
                sitrep::Progress(std::sync::Arc::new(
                    |stage: &str, done: usize, total: usize| {
                        eprint!("\r{stage} {done}/{total}");
                        if done == total {
                            eprint!("\r\x1b[2K");
                        }
                    },
                ))
            });
            let options = BuildOptions {
                output,
                drafts,
                base_url,
                now,
                progress,
                ..BuildOptions::new(root)
            };
            (sitrep::build(&options), quiet, true)
        }
        Command::Check { root, drafts } => {
            let options = BuildOptions {
                drafts,
                now,
                ..BuildOptions::new(root)
            };
            (sitrep::check(&options), false, false)
        }
        Command::Serve { root, port } => return serve(root, port),
        Command::Import { from, root } => {
            return written(import(from, &root).map(|()| Vec::new()));
        }
        Command::Comments { what, root } => {
            return written(comments(what, &root).map(|()| Vec::new()));
        }
        Command::New { what, root } => return written(new(what, &root, now)),
        Command::Init { dir } => {
            let code = written(sitrep::scaffold::init(&dir));
            if code == ExitCode::SUCCESS {
                println!(
                    "next: cd {} && sitrep serve   (and set base_url in site.toml to the site's address)",
                    dir.display()
                );
            }
            return code;
        }
    };
    match result {
        Ok(report) => {
            print_warnings(&report.warnings);
            if !quiet {
                print_summary(&report);
            }
            ExitCode::SUCCESS
        }
        Err(Error::Invalid { errors, warnings }) => {
            print_warnings(&warnings);
            for error in &errors {
                print_diagnostic(Level::Error, error);
            }
            let n = errors.len();
            // `check` writes nothing, so it has no output to speak of.
            eprintln!(
                "{n} error{} found{}",
                if n == 1 { "" } else { "s" },
                if writes {
                    "; the output was left as it was"
                } else {
                    ""
                }
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `sitrep serve` until the process is stopped, printing what happens.
fn serve(root: PathBuf, port: u16) -> ExitCode {
    use sitrep::serve::Event;
    let report = |event: Event| match event {
        Event::Ready { url } => {
            println!(
                "serving {} at {url} (drafts shown; Ctrl-C stops)",
                root.display()
            );
            // Scripts and tests read the address as soon as it is there.
            let _ = std::io::Write::flush(&mut std::io::stdout());
        }
        Event::Built {
            changed,
            elapsed,
            pages,
            warnings,
            fixed,
        } => {
            print_warnings(&warnings);
            if fixed {
                println!("fixed: the site builds again");
            }
            let what = match changed {
                0 => "built".to_string(),
                1 => "rebuilt after 1 change".to_string(),
                n => format!("rebuilt after {n} changes"),
            };
            println!("{what}: {pages} outputs in {} ms", elapsed.as_millis());
        }
        Event::Reloaded => println!("static files changed: pages reloaded"),
        Event::Failed { errors } => {
            for error in &errors {
                print_diagnostic(Level::Error, error);
            }
            eprintln!(
                "{} error{}: the browser shows them until they are fixed",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            );
        }
    };
    let options = sitrep::serve::ServeOptions {
        root: root.clone(),
        port,
    };
    match sitrep::serve::serve(&options, &report) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `sitrep new`.
fn new(
    what: New,
    root: &std::path::Path,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<PathBuf>, Error> {
    use sitrep::scaffold;
    let one = match what {
        New::Article {
            headline,
            author,
            bundle,
        } => scaffold::new_article(root, &headline, author.as_deref(), bundle, now),
        New::Author { id } => scaffold::new_author(root, &id),
        New::Comment {
            article,
            author,
            parent,
        } => {
            let body = read_stdin()?;
            scaffold::new_comment(root, &article, &author, parent.as_deref(), &body, now)
        }
    };
    one.map(|path| vec![path])
}

/// Prints the files `new` or `init` wrote, or its error.
fn import(from: Import, root: &std::path::Path) -> Result<(), Error> {
    let Import::Wordpress {
        exports,
        dry_run,
        force,
        report,
        media_from,
    } = from;
    // A progress line on a terminal only.
    fn show(done: usize, total: usize) {
        eprint!("\rimporting {done}/{total}");
        if done == total {
            eprint!("\r\x1b[2K");
        }
    }
    let options = sitrep::import::ImportOptions {
        root: root.to_path_buf(),
        exports,
        dry_run,
        force,
        media_from,
        progress: std::io::stderr()
            .is_terminal()
            .then_some(show as fn(usize, usize)),
    };
    let done = sitrep::import::wordpress(&options)?;
    print!("{}", done.text());
    if dry_run {
        println!("(a dry run: nothing was written)");
    }
    if let Some(path) = report {
        let json = serde_json::to_string_pretty(&done).expect("a report serializes");
        std::fs::write(&path, json).map_err(|source| Error::Io { path, source })?;
    }
    Ok(())
}

fn comments(what: Comments, root: &std::path::Path) -> Result<(), Error> {
    use sitrep::comments::moderate::{self, Desk};
    let now = sitrep::build_clock()?;
    let show = |paths: Vec<PathBuf>, verb: &str| {
        for path in paths {
            println!("{verb} {}", path.display());
        }
    };
    if let Comments::Serve { listen } = what {
        return sitrep::comments::serve(root, listen);
    }
    let mut desk = Desk::open(root, now)?;
    match what {
        Comments::Serve { .. } => unreachable!("handled above"),
        Comments::List {
            status,
            article,
            json,
        } => {
            let status = sitrep::comments::queue::SHELVES
                .into_iter()
                .find(|s| *s == status)
                .unwrap_or("pending");
            print!(
                "{}",
                moderate::list(&desk, status, article.as_deref(), json)
            );
        }
        Comments::Show { id } => print!("{}", moderate::show(&desk, &id)?),
        Comments::Approve {
            ids,
            trusted,
            build,
            commit,
        } => {
            let ids = if trusted {
                moderate::trusted(&desk)
            } else {
                moderate::unique(ids)
            };
            if ids.is_empty() {
                println!("nothing to approve");
                return Ok(());
            }
            show(moderate::approve(&mut desk, &ids, commit)?, "published");
            if build {
                let report = sitrep::build(&BuildOptions {
                    now,
                    ..BuildOptions::new(root)
                })?;
                print_warnings(&report.warnings);
                println!(
                    "built {} pages in {} ms",
                    report.pages,
                    report.elapsed.as_millis()
                );
            }
        }
        Comments::Reject { ids, reason } => show(
            moderate::shelve(
                &desk,
                &moderate::unique(ids),
                "rejected",
                reason.as_deref(),
                false,
            )?,
            "rejected",
        ),
        Comments::Spam { ids, block } => show(
            moderate::shelve(&desk, &moderate::unique(ids), "spam", None, block)?,
            "marked as spam",
        ),
        Comments::Reply {
            id,
            article,
            author,
        } => {
            let body = read_stdin()?;
            show(
                vec![moderate::reply(
                    &desk,
                    &id,
                    article.as_deref(),
                    &author,
                    &body,
                    now,
                )?],
                "published",
            );
        }
        Comments::Erase {
            email,
            email_hash,
            delete,
        } => {
            let hash = match (email, email_hash) {
                (Some(email), _) => sitrep_intake::guard::email_hash(&email),
                (None, Some(hash)) => hash,
                (None, None) => unreachable!("clap requires one"),
            };
            let touched = moderate::erase(&desk, &hash, delete)?;
            let verb = if delete {
                "deleted or re-parented"
            } else {
                "anonymised"
            };
            show(touched, verb);
            println!("git history still holds the old text: rewrite it too if the law requires");
        }
        Comments::Purge { older_than } => {
            let before = now - moderate::parse_age(&older_than)?;
            show(moderate::purge(&desk, before)?, "removed");
        }
    }
    Ok(())
}

/// A comment or reply body, from standard input.
fn read_stdin() -> Result<String, Error> {
    let mut body = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut body).map_err(|source| {
        Error::Io {
            path: PathBuf::from("(standard input)"),
            source,
        }
    })?;
    Ok(body)
}

fn written(result: Result<Vec<PathBuf>, Error>) -> ExitCode {
    match result {
        Ok(paths) => {
            for path in paths {
                println!("wrote {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_warnings(warnings: &[sitrep::Diagnostic]) {
    for warning in warnings {
        print_diagnostic(Level::Warning, warning);
    }
}

#[derive(Clone, Copy)]
enum Level {
    Error,
    Warning,
}

/// `error: file:line:column: message`, then the offending line with a caret under the column.
/// Coloured only on a terminal, and never when `NO_COLOR` is set (no-color.org).
fn print_diagnostic(level: Level, diagnostic: &sitrep::Diagnostic) {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let (name, style) = match level {
        Level::Error => ("error", "\x1b[1;31m"),
        Level::Warning => ("warning", "\x1b[1;33m"),
    };
    let (on, off) = if colour { (style, "\x1b[0m") } else { ("", "") };
    let head = sitrep::Diagnostic {
        excerpt: None,
        ..diagnostic.clone()
    };
    eprintln!("{on}{name}{off}: {head}");
    if let Some((text, caret)) = diagnostic.excerpt_lines() {
        eprintln!("{text}\n{on}{caret}{off}");
    }
}

fn print_summary(report: &BuildReport) {
    let what = match &report.output {
        Some(dir) => format!("built into {}", dir.display()),
        None => "checked, nothing written".to_string(),
    };
    let files = match &report.output {
        Some(_) => format!(
            "{} files ({} written, {} unchanged)",
            report.files, report.written, report.unchanged
        ),
        None => format!("{} files", report.files),
    };
    let stages: Vec<String> = report
        .stages
        .iter()
        .map(|(name, time)| format!("{name} {} ms", time.as_millis()))
        .collect();
    let counted = |n: usize, one: &str, many: &str| match n {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    };
    let left_out = match report.left_out {
        0 => String::new(),
        n => format!(
            " ({} left out: drafts and scheduled; --drafts shows them)",
            counted(n, "article", "articles")
        ),
    };
    println!(
        "{what}: {}, {}{left_out}, {}, {}, {files} in {} ms ({})",
        counted(report.pages, "page", "pages"),
        counted(report.articles, "article", "articles"),
        counted(report.authors, "author", "authors"),
        counted(report.comments, "comment", "comments"),
        report.elapsed.as_millis(),
        stages.join(", ")
    );
}
