//! The external link check: each address fetched politely — one request
//! per host at a time and at most one per `gap` (or the host's
//! `Crawl-delay`), nothing that the host's `robots.txt` forbids — with
//! redirects followed a few hops, and the outcome returned for keeping.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use jiff::Timestamp;
use kreiskom_core::freshness::{host_of, LinkCheck};
use tokio::time::Instant;

/// How the checker names itself to the sites it visits.
pub const AGENT: &str = "kreiskom-Linkpruefung/1.0";
/// At most one request per host in this time.
pub const GAP: Duration = Duration::from_secs(1);
const HOPS: usize = 5;
const TIMEOUT: Duration = Duration::from_secs(15);

struct Host {
    robots: Option<texting_robots::Robot>,
    last: Option<Instant>,
}

pub struct Checker {
    client: reqwest::Client,
    gap: Duration,
    hosts: HashMap<String, Host>,
}

impl Checker {
    pub fn new(gap: Duration) -> Self {
        let client = reqwest::Client::builder()
            .user_agent(AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .build()
            .expect("a client without special settings builds");
        Self {
            client,
            gap,
            hosts: HashMap::new(),
        }
    }

    /// Waits until the host may be asked again, then asks.
    async fn get(&mut self, url: &str, head: bool) -> Result<reqwest::Response, String> {
        let host = host_of(url).ok_or_else(|| "keine Webadresse".to_owned())?;
        let gap = self.gap;
        let entry = self.hosts.entry(host).or_insert(Host {
            robots: None,
            last: None,
        });
        let delay = entry
            .robots
            .as_ref()
            .and_then(|r| r.delay)
            .map(|d| Duration::from_secs_f32(d.clamp(0.0, 30.0)))
            .unwrap_or_default()
            .max(gap);
        if let Some(last) = entry.last {
            tokio::time::sleep_until(last + delay).await;
        }
        let request = if head {
            self.client.head(url)
        } else {
            self.client.get(url)
        };
        let answer = request.send().await;
        if let Some(h) = host_of(url).and_then(|h| self.hosts.get_mut(&h)) {
            h.last = Some(Instant::now());
        }
        answer.map_err(plain_error)
    }

    /// Reads the host's `robots.txt` once; a missing one allows all.
    async fn allowed(&mut self, url: &str) -> bool {
        let Some(host) = host_of(url) else {
            return false;
        };
        if self.hosts.get(&host).is_none_or(|h| h.robots.is_none()) {
            let scheme = if url.starts_with("https://") {
                "https"
            } else {
                "http"
            };
            let robots_url = format!("{scheme}://{host}/robots.txt");
            let text = match self.get(&robots_url, false).await {
                Ok(r) if r.status().is_success() => r.bytes().await.unwrap_or_default().to_vec(),
                _ => Vec::new(),
            };
            let robot = texting_robots::Robot::new(AGENT, &text)
                .or_else(|_| texting_robots::Robot::new(AGENT, b""))
                .ok();
            if let (Some(h), Some(robot)) = (self.hosts.get_mut(&host), robot) {
                h.robots = Some(robot);
            }
        }
        self.hosts
            .get(&host)
            .and_then(|h| h.robots.as_ref())
            .is_none_or(|r| r.allowed(url))
    }

    /// Checks one address.
    pub async fn check(&mut self, url: &str, now: Timestamp) -> LinkCheck {
        let mut result = LinkCheck {
            url: url.to_owned(),
            checked: now,
            status: None,
            final_url: None,
            error: None,
            robots_denied: false,
        };
        if !self.allowed(url).await {
            result.robots_denied = true;
            return result;
        }
        let mut at = url.to_owned();
        for _ in 0..HOPS {
            let mut answer = self.get(&at, true).await;
            // Some servers do not answer HEAD; ask for the page itself.
            if matches!(&answer, Ok(r) if matches!(r.status().as_u16(), 405 | 501)) {
                answer = self.get(&at, false).await;
            }
            let answer = match answer {
                Ok(a) => a,
                Err(e) => {
                    result.error = Some(e);
                    break;
                }
            };
            let status = answer.status();
            result.status = Some(status.as_u16());
            let next = status
                .is_redirection()
                .then(|| answer.headers().get(reqwest::header::LOCATION).cloned())
                .flatten()
                .and_then(|l| l.to_str().ok().map(str::to_owned))
                .and_then(|l| answer.url().join(&l).ok());
            match next {
                Some(next) => at = next.to_string(),
                None => break,
            }
            // Another host has its own robots.txt; where it forbids the
            // next hop, the move is known without asking.
            if !self.allowed(&at).await {
                break;
            }
        }
        if host_of(&at) != host_of(url) {
            result.final_url = Some(at);
        }
        result
    }
}

/// The message of a failed request, without the address (shown beside it).
fn plain_error(e: reqwest::Error) -> String {
    if e.is_timeout() {
        "keine Antwort in 15 Sekunden".to_owned()
    } else if e.is_connect() {
        "keine Verbindung".to_owned()
    } else {
        e.without_url().to_string()
    }
}

/// Checks every address once, taking the hosts in turn so that no host is
/// waited for while another could be asked; `progress` hears of each.
pub async fn check_all(
    urls: &[String],
    gap: Duration,
    mut progress: impl FnMut(usize, usize, &LinkCheck),
) -> Vec<LinkCheck> {
    let mut by_host: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    for url in urls.iter().filter(|u| seen.insert(u.as_str())) {
        by_host
            .entry(host_of(url).unwrap_or_default())
            .or_default()
            .push(url);
    }
    let mut order = Vec::new();
    let longest = by_host.values().map(Vec::len).max().unwrap_or(0);
    for i in 0..longest {
        order.extend(by_host.values().filter_map(|v| v.get(i).copied()));
    }
    let mut checker = Checker::new(gap);
    let mut out = Vec::with_capacity(order.len());
    for (i, url) in order.iter().enumerate() {
        let result = checker.check(url, Timestamp::now()).await;
        progress(i + 1, order.len(), &result);
        out.push(result);
    }
    out
}
