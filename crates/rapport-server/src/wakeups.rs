//! Long-poll wake-ups: a pull that found nothing new waits (`wait=` seconds) until a push
//! to its team, so a change reaches the team's other devices in one round trip instead of
//! at their next periodic sync.
//!
//! This only covers pushes to this process. Another instance on the same PostgreSQL can't
//! wake it, so a waiting pull also looks at the database every [`RECHECK`]: at worst a
//! change arrives that much later, never lost.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::watch;
use uuid::Uuid;

/// The longest a pull may wait: below common proxies' idle timeouts (60 s).
pub const MAX_WAIT_S: u64 = 25;
/// How often a waiting pull looks for pushes made through another instance.
pub const RECHECK: Duration = Duration::from_secs(1);

/// One counter per team with a pull waiting, bumped by every push to that team.
#[derive(Default)]
pub struct Wakeups {
    teams: Mutex<HashMap<Uuid, watch::Sender<u64>>>,
}

impl Wakeups {
    /// Taken *before* a pull reads the database, so a push landing between that read and
    /// the wait still wakes it.
    pub fn subscribe(&self, team: Uuid) -> watch::Receiver<u64> {
        let mut teams = self.teams.lock().unwrap_or_else(|p| p.into_inner());
        teams.entry(team).or_insert_with(|| watch::channel(0).0).subscribe()
    }

    /// A push to `team` was stored: wakes its waiting pulls. Teams nobody waits on are
    /// forgotten here, so the map holds only teams with a pull in flight.
    pub fn pushed(&self, team: Uuid) {
        let mut teams = self.teams.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tx) = teams.get(&team) {
            if tx.receiver_count() == 0 {
                teams.remove(&team);
            } else {
                tx.send_modify(|n| *n = n.wrapping_add(1));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_push_wakes_only_its_own_teams_waiters() {
        let w = Wakeups::default();
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut ra = w.subscribe(a);
        let rb = w.subscribe(b);
        w.pushed(a);
        assert!(ra.has_changed().unwrap());
        assert!(!rb.has_changed().unwrap());
        ra.borrow_and_update();
        w.pushed(b);
        assert!(rb.has_changed().unwrap());
        assert!(!ra.has_changed().unwrap());
        drop((ra, rb));
        w.pushed(a);
        assert!(w.teams.lock().unwrap().get(&a).is_none(), "no waiter left: forgotten");
    }
}
