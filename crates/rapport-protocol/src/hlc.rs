//! Hybrid logical clock: physical milliseconds plus a counter, so events keep causal order
//! even when a device's wall clock stands still or jumps backwards.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How far a remote clock may run ahead of ours before we refuse it (clock skew guard).
pub const MAX_DRIFT_MS: u64 = 5 * 60 * 1000;

/// One timestamp. Ordered by `(millis, counter)`; ties between devices are broken by the
/// device id at the op level, not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hlc {
    pub millis: u64,
    pub counter: u32,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HlcError {
    #[error("clock value {remote} ms is {ahead} ms ahead of this device's clock (limit {limit} ms); check the clock of the device that wrote it")]
    TooFarAhead { remote: u64, ahead: u64, limit: u64 },
    #[error("malformed clock value `{0}`: expected `<millis>-<counter>` in hex")]
    Malformed(String),
}

/// The clock state a device keeps between events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HlcState {
    last: Hlc,
}

impl HlcState {
    pub fn new(last: Hlc) -> Self {
        Self { last }
    }

    pub fn last(&self) -> Hlc {
        self.last
    }

    /// A new local event at physical time `now_ms`: strictly greater than anything seen.
    pub fn tick(&mut self, now_ms: u64) -> Hlc {
        self.last = if now_ms > self.last.millis {
            Hlc { millis: now_ms, counter: 0 }
        } else {
            Hlc { millis: self.last.millis, counter: self.last.counter + 1 }
        };
        self.last
    }

    /// Merge a clock received from elsewhere so later local events order after it.
    pub fn observe(&mut self, remote: Hlc, now_ms: u64) -> Result<Hlc, HlcError> {
        if remote.millis > now_ms + MAX_DRIFT_MS {
            return Err(HlcError::TooFarAhead {
                remote: remote.millis,
                ahead: remote.millis - now_ms,
                limit: MAX_DRIFT_MS,
            });
        }
        let millis = now_ms.max(self.last.millis).max(remote.millis);
        let counter = match (millis == self.last.millis, millis == remote.millis) {
            (true, true) => self.last.counter.max(remote.counter) + 1,
            (true, false) => self.last.counter + 1,
            (false, true) => remote.counter + 1,
            (false, false) => 0,
        };
        self.last = Hlc { millis, counter };
        Ok(self.last)
    }
}

/// Fixed-width hex so the text form sorts like the value (handy in SQL `ORDER BY`).
impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:012x}-{:08x}", self.millis, self.counter)
    }
}

impl FromStr for Hlc {
    type Err = HlcError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || HlcError::Malformed(s.chars().take(64).collect());
        let (m, c) = s.split_once('-').ok_or_else(bad)?;
        if m.len() != 12 || c.len() != 8 {
            return Err(bad());
        }
        Ok(Hlc {
            millis: u64::from_str_radix(m, 16).map_err(|_| bad())?,
            counter: u32::from_str_radix(c, 16).map_err(|_| bad())?,
        })
    }
}

impl Serialize for Hlc {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Hlc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tick_is_monotonic_when_wall_clock_goes_backwards() {
        let mut s = HlcState::default();
        let a = s.tick(1_000);
        let b = s.tick(900); // clock jumped back
        let c = s.tick(900);
        assert!(a < b && b < c, "{a} {b} {c}");
        assert_eq!(b, Hlc { millis: 1_000, counter: 1 });
    }

    #[test]
    fn observe_orders_after_remote_and_refuses_far_future() {
        let mut s = HlcState::default();
        s.tick(1_000);
        let remote = Hlc { millis: 2_000, counter: 7 };
        let after = s.observe(remote, 1_500).unwrap();
        assert!(after > remote);
        assert!(s.tick(1_500) > after);
        let far = Hlc { millis: 1_500 + MAX_DRIFT_MS + 1, counter: 0 };
        assert!(matches!(s.observe(far, 1_500), Err(HlcError::TooFarAhead { .. })));
    }

    #[test]
    fn text_form_round_trips_and_rejects_garbage() {
        let h = Hlc { millis: 1_700_000_000_123, counter: 42 };
        assert_eq!(h.to_string().parse::<Hlc>().unwrap(), h);
        assert!("nonsense".parse::<Hlc>().is_err());
        assert!("zz-00000000".parse::<Hlc>().is_err());
    }

    proptest! {
        // Any interleaving of local ticks and remote observations yields strictly
        // increasing clocks, every observation orders after what it observed, and the
        // text form sorts exactly like the value.
        #[test]
        fn events_strictly_increase(steps in proptest::collection::vec((0u64..10_000, any::<bool>(), 0u64..10_000, 0u32..5), 1..200)) {
            let mut s = HlcState::default();
            let mut prev: Option<Hlc> = None;
            for (now, remote, rm, rc) in steps {
                let next = if remote {
                    let seen = Hlc { millis: rm, counter: rc };
                    let next = s.observe(seen, now).unwrap();
                    prop_assert!(next > seen, "observe({seen}) gave {next}");
                    next
                } else {
                    s.tick(now)
                };
                if let Some(p) = prev {
                    prop_assert!(next > p);
                    prop_assert!(next.to_string() > p.to_string());
                }
                prev = Some(next);
            }
        }
    }
}
