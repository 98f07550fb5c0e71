//! Limits on what the public may send: a form that stores what it gets
//! (press inquiries) must not be fillable by a script. Counted in memory
//! per node, per client address and per e-mail address (as a hash), so
//! nothing more about a sender is kept than the inquiry itself.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Inquiries one client may send: 10 at once, then one every 6 minutes.
const PER_CLIENT: (u32, Duration) = (10, Duration::from_secs(6 * 60));
/// Inquiries under one e-mail address: 3 at once, then one every 20 minutes.
const PER_ADDRESS: (u32, Duration) = (3, Duration::from_secs(20 * 60));
/// Beyond this many remembered keys, forgotten ones are dropped.
const MAX_KEYS: usize = 100_000;

/// Reset links one address may ask for: 3 at once, then one every 20
/// minutes, so nobody floods a colleague's inbox.
const RESETS: (u32, Duration) = (3, Duration::from_secs(20 * 60));

pub struct Throttle {
    clients: DefaultKeyedRateLimiter<IpAddr>,
    addresses: DefaultKeyedRateLimiter<[u8; 32]>,
    resets: DefaultKeyedRateLimiter<[u8; 32]>,
}

fn address_key(email: &str) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(kreiskom_store::normalize_email(email).as_bytes()).into()
}

fn limiter<K: std::hash::Hash + Eq + Clone>(
    (burst, every): (u32, Duration),
) -> DefaultKeyedRateLimiter<K> {
    let quota = Quota::with_period(every)
        .expect("a period above zero")
        .allow_burst(NonZeroU32::new(burst).expect("a burst above zero"));
    RateLimiter::keyed(quota)
}

impl Default for Throttle {
    fn default() -> Self {
        Self {
            clients: limiter(PER_CLIENT),
            addresses: limiter(PER_ADDRESS),
            resets: limiter(RESETS),
        }
    }
}

impl Throttle {
    /// Counts one submission of a public form (a press inquiry, feedback
    /// on accessibility); `false` when the client or the address has sent
    /// too many lately. Without an address only the client counts.
    pub fn public_form(&self, client: IpAddr, email: &str) -> bool {
        let address = address_key(email);
        self.forget_old();
        // Both are asked, so a refused address still counts for its client.
        let client_ok = self.clients.check_key(&client).is_ok();
        let address_ok = email.trim().is_empty() || self.addresses.check_key(&address).is_ok();
        client_ok && address_ok
    }

    /// Counts one request for a password reset link to `email`.
    pub fn reset_request(&self, email: &str) -> bool {
        self.forget_old();
        self.resets.check_key(&address_key(email)).is_ok()
    }

    fn forget_old(&self) {
        for keys in [self.clients.len(), self.addresses.len(), self.resets.len()] {
            if keys > MAX_KEYS {
                self.clients.retain_recent();
                self.addresses.retain_recent();
                self.resets.retain_recent();
            }
        }
    }
}
