//! Flood control: per client address, per subnet, per email address and for the whole site,
//! with governor's rate limiters (GCRA: a few bytes of state per key). The keyed tables are
//! swept of keys that are back to full allowance, and cleared past a hard cap, so a botnet of
//! a million addresses cannot grow them without bound.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};

use crate::Settings;

/// Keys a table may hold before it is swept at once.
const MAX_KEYS: usize = 200_000;
/// Every this many checks, tables are swept of keys that are back to full allowance.
const SWEEP_EVERY: u64 = 4_096;

pub struct Guard {
    client_pace: Table<IpAddr>,
    client_hour: Table<IpAddr>,
    subnet_hour: Table<[u8; 8]>,
    email_pace: Table<String>,
    email_hour: Table<String>,
    site: DefaultDirectRateLimiter,
    checks: AtomicU64,
}

/// One keyed limit, which can be swept, and started afresh past [`MAX_KEYS`].
struct Table<K: std::hash::Hash + Eq + Clone> {
    quota: Quota,
    limiter: RwLock<DefaultKeyedRateLimiter<K>>,
}

impl<K: std::hash::Hash + Eq + Clone> Table<K> {
    fn new(quota: Quota) -> Table<K> {
        Table {
            quota,
            limiter: RwLock::new(RateLimiter::keyed(quota)),
        }
    }

    fn check(&self, key: &K) -> Result<(), governor::NotUntil<governor::clock::QuantaInstant>> {
        let limiter = self.limiter.read().unwrap_or_else(|e| e.into_inner());
        limiter.check_key(key)
    }

    fn sweep(&self) {
        let mut limiter = self.limiter.write().unwrap_or_else(|e| e.into_inner());
        limiter.retain_recent();
        // Past the cap even after the sweep: forget everyone rather than grow.
        if limiter.len() > MAX_KEYS {
            *limiter = RateLimiter::keyed(self.quota);
        }
        limiter.shrink_to_fit();
    }

    fn len(&self) -> usize {
        self.limiter.read().unwrap_or_else(|e| e.into_inner()).len()
    }
}

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl Guard {
    pub fn new(settings: &Settings) -> Guard {
        let pace = Quota::with_period(Duration::from_secs(settings.client_every_seconds.max(1)))
            .expect("a period of at least a second")
            .allow_burst(nonzero(settings.client_burst));
        let hour = Quota::per_hour(nonzero(settings.client_per_hour));
        let site = Quota::per_minute(nonzero(settings.site_per_minute))
            .allow_burst(nonzero(settings.site_burst));
        Guard {
            client_pace: Table::new(pace),
            client_hour: Table::new(hour),
            subnet_hour: Table::new(Quota::per_hour(nonzero(settings.subnet_per_hour))),
            email_pace: Table::new(pace),
            email_hour: Table::new(hour),
            site: RateLimiter::direct(site),
            checks: AtomicU64::new(0),
        }
    }

    /// Takes one comment's allowance from every limit it falls under, or says how long to
    /// wait. The site-wide limit is taken last, so one flooding client cannot use it up.
    pub fn admit(&self, client: IpAddr, email_hash: Option<&str>) -> Result<(), Duration> {
        if self
            .checks
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(SWEEP_EVERY)
        {
            self.sweep();
        }
        let now = DefaultClock::default().now();
        let wait = |e: governor::NotUntil<_>| e.wait_time_from(now).max(Duration::from_secs(1));
        let client = canonical(client);
        self.client_pace.check(&client).map_err(wait)?;
        self.client_hour.check(&client).map_err(wait)?;
        self.subnet_hour.check(&subnet(client)).map_err(wait)?;
        if let Some(hash) = email_hash {
            self.email_pace.check(&hash.to_string()).map_err(wait)?;
            self.email_hour.check(&hash.to_string()).map_err(wait)?;
        }
        self.site.check().map_err(wait)
    }

    fn sweep(&self) {
        self.client_pace.sweep();
        self.client_hour.sweep();
        self.subnet_hour.sweep();
        self.email_pace.sweep();
        self.email_hour.sweep();
    }

    /// How many keys the tables hold, for tests of the memory bound.
    pub fn keys(&self) -> usize {
        self.client_hour.len() + self.subnet_hour.len() + self.email_hour.len()
    }
}

/// An IPv4 address written as IPv6 (`::ffff:1.2.3.4`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The /24 of an IPv4 address or the /48 of an IPv6 one, as a key.
fn subnet(ip: IpAddr) -> [u8; 8] {
    let mut key = [0u8; 8];
    match canonical(ip) {
        IpAddr::V4(v4) => key[1..4].copy_from_slice(&v4.octets()[..3]),
        IpAddr::V6(v6) => {
            key[0] = 6;
            key[1..7].copy_from_slice(&v6.octets()[..6]);
        }
    }
    key
}

/// The client's subnet as the sidecar keeps it: a hash keyed with the queue's own secret, so it
/// tells that two comments came from one place without saying where.
pub fn subnet_hash(secret: &[u8], ip: IpAddr) -> String {
    let mut hasher = Sha256::new();
    hasher.update(secret);
    hasher.update(subnet(ip));
    hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The client: the peer, or the last `X-Forwarded-For` entry when the peer is a trusted proxy
/// (the entry the proxy itself wrote). A garbled header leaves the peer.
pub fn client(peer: IpAddr, forwarded: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&canonical(peer)) && !trusted.contains(&peer) {
        return peer;
    }
    forwarded
        .and_then(|list| list.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok())
        .unwrap_or(peer)
}

/// SHA-256 of the trimmed, lower-cased address, as SPEC's `email_hash`.
pub fn email_hash(email: &str) -> String {
    let digest = Sha256::digest(email.trim().to_lowercase().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_burst_then_waits() {
        let guard = Guard::new(&Settings::default());
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        for _ in 0..3 {
            assert!(guard.admit(ip, None).is_ok());
        }
        let wait = guard.admit(ip, None).unwrap_err();
        assert!(wait >= Duration::from_secs(1) && wait <= Duration::from_secs(15));
        // Another client is still served.
        assert!(guard.admit("198.51.100.1".parse().unwrap(), None).is_ok());
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let trusted = Settings::default().trusted_proxies;
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let outside: IpAddr = "192.0.2.9".parse().unwrap();
        assert_eq!(
            client(local, Some("10.0.0.1, 198.51.100.4"), &trusted),
            "198.51.100.4".parse::<IpAddr>().unwrap()
        );
        assert_eq!(client(local, Some("garbage, ::zz"), &trusted), local);
        assert_eq!(client(outside, Some("198.51.100.4"), &trusted), outside);
    }

    #[test]
    fn email_hash_is_of_the_trimmed_lower_cased_address() {
        assert_eq!(
            email_hash(" Ann@Example.ORG "),
            email_hash("ann@example.org")
        );
        assert_eq!(email_hash("a@b.c").len(), 64);
    }
}
