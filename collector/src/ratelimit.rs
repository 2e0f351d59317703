//! Per-client rate limiting with token buckets, keyed by a keyed hash of the peer address.
//!
//! The hash key is random per process (std's `RandomState`) and lives only in memory, so the
//! limiter's keys cannot be reversed or linked across restarts; nothing here is ever written
//! to disk, and the address itself is never kept.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Token-bucket parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Burst size, in requests.
    pub burst: f64,
    /// Sustained rate, requests per second.
    pub per_second: f64,
}

impl Default for RateLimit {
    /// 20 requests of burst, one every 2 s sustained: far above what one browser sends
    /// (a batch per page view at most), far below abuse.
    fn default() -> Self {
        RateLimit {
            burst: 20.0,
            per_second: 0.5,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Most buckets kept before full (idle) ones are evicted.
const MAX_BUCKETS: usize = 100_000;

/// The limiter.
pub struct RateLimiter {
    limit: RateLimit,
    hasher: RandomState,
    buckets: Mutex<HashMap<u64, Bucket>>,
}

impl RateLimiter {
    /// A limiter with `limit`.
    pub fn new(limit: RateLimit) -> RateLimiter {
        RateLimiter {
            limit,
            hasher: RandomState::new(),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `client` at `now`; `Err(seconds)` to wait when none is left.
    pub fn check(&self, client: Option<IpAddr>, now: Instant) -> Result<(), f64> {
        // Without a peer address (a server mounted without connect info) all clients share
        // one bucket: degraded, but never unlimited.
        let key = self.hasher.hash_one(client);
        let RateLimit { burst, per_second } = self.limit;
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= MAX_BUCKETS {
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * per_second < burst
            });
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err((1.0 - bucket.tokens) / per_second)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn buckets_are_per_client_and_refill() {
        let limiter = RateLimiter::new(RateLimit {
            burst: 2.0,
            per_second: 1.0,
        });
        let a = Some("10.0.0.1".parse().unwrap());
        let b = Some("10.0.0.2".parse().unwrap());
        let t0 = Instant::now();
        assert!(limiter.check(a, t0).is_ok());
        assert!(limiter.check(a, t0).is_ok());
        let wait = limiter.check(a, t0).unwrap_err();
        assert!((wait - 1.0).abs() < 1e-9);
        assert!(
            limiter.check(b, t0).is_ok(),
            "another client has its own bucket"
        );
        assert!(limiter.check(a, t0 + Duration::from_millis(1_100)).is_ok());
    }
}
