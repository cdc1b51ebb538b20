//! `[comments.intake]` in site.toml: every anti-spam rule is on by default, and each can be
//! tuned. Parsed by sitrep with the rest of site.toml, so a bad value is reported at its line.

use std::net::IpAddr;
use std::path::PathBuf;

use serde::Deserialize;

/// The intake's settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Where the moderation queue is, relative to the site folder.
    pub queue: PathBuf,
    /// Drop a post whose hidden `url` field is filled (only robots see it).
    pub honeypot: bool,
    /// Drop a post whose `ts` (set by a script when the page loaded) is younger than this.
    pub min_seconds: u64,
    /// One comment per this many seconds from one client address...
    pub client_every_seconds: u64,
    /// ...with a burst of this many...
    pub client_burst: u32,
    /// ...and at most this many an hour. The same limits hold per email address.
    pub client_per_hour: u32,
    /// Comments an hour from one /24 (IPv4) or /48 (IPv6) subnet.
    pub subnet_per_hour: u32,
    /// Comments a minute from everyone together, and the burst above it (a big story brings a
    /// rush: never set lower than 300 and 100).
    pub site_per_minute: u32,
    pub site_burst: u32,
    /// More links than this marks a comment for a closer look.
    pub max_links: usize,
    /// Words or addresses that mark a comment for a closer look (case-insensitive).
    pub moderation_keys: Vec<String>,
    /// Words or addresses that send a comment straight to `spam/`.
    pub disallowed_keys: Vec<String>,
    /// Peers whose `X-Forwarded-For` is believed (its last entry is then the client).
    pub trusted_proxies: Vec<IpAddr>,
    /// Pending comments the queue may hold before the intake answers 503.
    pub max_pending: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            queue: PathBuf::from("moderation"),
            honeypot: true,
            min_seconds: 3,
            client_every_seconds: 15,
            client_burst: 3,
            client_per_hour: 20,
            subnet_per_hour: 60,
            site_per_minute: 300,
            site_burst: 100,
            max_links: 2,
            moderation_keys: Vec::new(),
            disallowed_keys: Vec::new(),
            trusted_proxies: vec![
                IpAddr::from([127, 0, 0, 1]),
                IpAddr::from([0, 0, 0, 0, 0, 0, 0, 1]),
            ],
            max_pending: 10_000,
        }
    }
}

impl Settings {
    /// Settings that cannot work, each as a sentence naming the setting.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let zero = |name: &str, value: u64, problems: &mut Vec<String>| {
            if value == 0 {
                problems.push(format!("[comments.intake] {name} = 0: use 1 or more"));
            }
        };
        zero(
            "client_every_seconds",
            self.client_every_seconds,
            &mut problems,
        );
        zero("client_burst", self.client_burst.into(), &mut problems);
        zero(
            "client_per_hour",
            self.client_per_hour.into(),
            &mut problems,
        );
        zero(
            "subnet_per_hour",
            self.subnet_per_hour.into(),
            &mut problems,
        );
        zero("max_pending", self.max_pending as u64, &mut problems);
        if self.site_per_minute < 300 || self.site_burst < 100 {
            problems.push(
                "[comments.intake] site_per_minute must be at least 300 and site_burst at least \
                 100: a big story brings a rush of honest readers"
                    .to_string(),
            );
        }
        if self.queue.is_absolute()
            || self
                .queue
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            problems.push(format!(
                "[comments.intake] queue = {:?}: give a folder inside the site, such as \"moderation\"",
                self.queue
            ));
        }
        problems
    }
}
