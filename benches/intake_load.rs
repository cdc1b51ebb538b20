//! The load generator of `bench/intake`: N clients, each with its own keep-alive connection,
//! post comments as fast as they are answered until TOTAL have been sent; prints one JSON line
//! (accepted, seconds, p50 and p99 latency in ms). Each post comes from its own address
//! (`X-Forwarded-For`, believed from the loopback by both servers as the bench sets them up),
//! so per-address flood control lets the flood through and what is measured is the intake.
//!
//! cargo bench --bench intake_load -- --kind sitrep|isso --url URL --clients N --posts TOTAL

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let Some(kind) = arg("--kind") else {
        // `cargo bench` with no arguments runs every bench: nothing to do without a server.
        eprintln!("intake_load: pass --kind sitrep|isso --url URL (see bench/intake)");
        return;
    };
    let url = arg("--url").expect("--url");
    let clients: usize = arg("--clients").map_or(1, |c| c.parse().unwrap());
    let posts: usize = arg("--posts").map_or(1000, |c| c.parse().unwrap());
    let next = AtomicUsize::new(0);
    let accepted = AtomicUsize::new(0);
    let latencies = Mutex::new(Vec::with_capacity(posts));
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..clients {
            scope.spawn(|| {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .max_redirects(0)
                    .timeout_global(Some(Duration::from_secs(30)))
                    .build()
                    .into();
                let mut mine = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= posts {
                        break;
                    }
                    // A /24 of its own for every post: the subnet limit counts per /24.
                    let client = format!("{}.{}.{}.1", 11 + (n >> 16 & 127), n >> 8 & 255, n & 255);
                    let text = format!("Load comment number {n}: the ministry's figures do not add up.");
                    let sent = Instant::now();
                    let status = match kind.as_str() {
                        "isso" => agent
                            .post(&url)
                            .header("Content-Type", "application/json")
                            .header("X-Forwarded-For", &client)
                            .send(format!(
                                "{{\"text\": \"{text}\", \"author\": \"Reader {n}\", \"email\": null, \"website\": null, \"parent\": null}}"
                            )),
                        _ => agent
                            .post(&url)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .header("X-Forwarded-For", &client)
                            .send(format!(
                                "name=Reader+{n}&slug=frigate&comment={}",
                                text.replace(' ', "+").replace(':', "%3A").replace('\'', "%27")
                            )),
                    }
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                    mine.push(sent.elapsed());
                    let ok = match kind.as_str() {
                        "isso" => status == 201 || status == 202,
                        _ => status == 303,
                    };
                    if ok {
                        accepted.fetch_add(1, Ordering::Relaxed);
                    }
                }
                latencies.lock().unwrap().extend(mine);
            });
        }
    });
    let seconds = started.elapsed().as_secs_f64();
    let mut latencies = latencies.into_inner().unwrap();
    latencies.sort();
    let pick = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{{\"kind\": \"{kind}\", \"clients\": {clients}, \"posts\": {posts}, \"accepted\": {}, \"seconds\": {seconds:.3}, \"p50_ms\": {:.2}, \"p99_ms\": {:.2}}}",
        accepted.load(Ordering::Relaxed),
        pick(0.50),
        pick(0.99)
    );
}
