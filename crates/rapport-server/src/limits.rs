//! Caps on what a request may carry, and the login rate limiter.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::clock::Clock;
use crate::error::ApiError;

/// A push body, after gzip decompression.
pub const MAX_PUSH_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Any other body (accounts, sessions…).
pub const MAX_SMALL_BODY_BYTES: usize = 64 * 1024;
/// Ops in one push.
pub const MAX_BATCH_OPS: usize = 1000;
/// One op's payload: a vCard photo is at most 256 KiB, about 342 KiB as base64 inside
/// the op's JSON; 1 MiB leaves room for the rest of a record.
pub const MAX_PAYLOAD_BYTES: usize = 1024 * 1024;
/// Register keys one op may name, and each key's length.
pub const MAX_REGISTERS: usize = 256;
pub const MAX_FIELD_KEY_BYTES: usize = 128;
pub const MAX_EMAIL_BYTES: usize = 254;
/// Argon2 is fed at most this much, so a huge password can't be used to burn CPU.
pub const MAX_PASSWORD_BYTES: usize = 1024;
pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_NAME_CHARS: usize = 200;
pub const DEFAULT_PAGE: u32 = 500;
pub const MAX_PAGE: u32 = 2000;

/// A token bucket: `burst` attempts at once, one more every `refill_ms`.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    pub burst: u32,
    pub refill_ms: u64,
}

/// How often sign-ins (and sign-ups) may be tried.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    /// Per client address, across accounts (a guesser spraying many emails).
    pub per_ip: Quota,
    /// Per account email, across addresses (a distributed guesser).
    pub per_account: Quota,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            per_ip: Quota { burst: 30, refill_ms: 2_000 },
            per_account: Quota { burst: 10, refill_ms: 30_000 },
        }
    }
}

/// Token buckets by key, in memory. Each instance counts on its own: with N instances an
/// attacker gets at most N times the quota, still bounded.
#[derive(Debug, Default)]
pub struct Limiter {
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at_ms: u64,
}

/// Buckets kept before idle (full) ones are dropped.
const MAX_BUCKETS: usize = 100_000;

impl Limiter {
    /// Takes one attempt from `key`'s bucket, or says how many seconds until one is free.
    pub fn check(&self, key: &str, quota: Quota, clock: &dyn Clock) -> Result<(), ApiError> {
        let now = clock.now_ms();
        let burst = f64::from(quota.burst.max(1));
        let refill = |b: Bucket| {
            let earned = now.saturating_sub(b.at_ms) as f64 / quota.refill_ms.max(1) as f64;
            (b.tokens + earned).min(burst)
        };
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_BUCKETS {
            buckets.retain(|_, b| refill(*b) < burst);
        }
        let bucket = buckets.entry(key.to_string()).or_insert(Bucket { tokens: burst, at_ms: now });
        let tokens = refill(*bucket);
        if tokens >= 1.0 {
            *bucket = Bucket { tokens: tokens - 1.0, at_ms: now };
            Ok(())
        } else {
            let wait_ms = ((1.0 - tokens) * quota.refill_ms as f64).ceil() as u64;
            Err(ApiError::RateLimited { retry_after_secs: wait_ms.div_ceil(1000).max(1) })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    #[test]
    fn a_bucket_empties_then_refills_with_time() {
        let clock = ManualClock::new(1_000);
        let limiter = Limiter::default();
        let quota = Quota { burst: 2, refill_ms: 10_000 };
        assert!(limiter.check("a", quota, &clock).is_ok());
        assert!(limiter.check("a", quota, &clock).is_ok());
        match limiter.check("a", quota, &clock) {
            Err(ApiError::RateLimited { retry_after_secs }) => assert_eq!(retry_after_secs, 10),
            other => panic!("expected rate limited, got {other:?}"),
        }
        assert!(limiter.check("b", quota, &clock).is_ok(), "keys are separate");
        clock.advance(4_000);
        match limiter.check("a", quota, &clock) {
            Err(ApiError::RateLimited { retry_after_secs }) => assert_eq!(retry_after_secs, 6),
            other => panic!("expected rate limited, got {other:?}"),
        }
        clock.advance(6_000);
        assert!(limiter.check("a", quota, &clock).is_ok());
    }
}
