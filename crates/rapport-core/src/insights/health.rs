//! Relationship health: regular buyers who have gone quiet for much longer than usual.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::error::Result;
use crate::store::Store;

/// Purchases needed before a customer has a "usual" rhythm.
pub const MIN_PURCHASES: usize = 3;
/// Slipping when the silence is this many times the usual gap (and at least two weeks).
pub const SLIP_FACTOR: f64 = 2.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Slipping {
    pub customer_id: Uuid,
    pub customer_name: String,
    pub usual_gap_days: f64,
    pub days_since_last_purchase: f64,
    /// In words: "usually buys every 23 days; nothing for 71 days".
    pub reason: String,
}

pub(super) async fn slipping(
    store: &Store,
    purchases: &BTreeMap<Uuid, Vec<DateTime<Utc>>>,
    at: DateTime<Utc>,
) -> Result<Vec<Slipping>> {
    let mut out = Vec::new();
    for (customer, times) in purchases {
        let times: Vec<_> = times.iter().filter(|t| **t <= at).collect();
        if times.len() < MIN_PURCHASES {
            continue;
        }
        let (first, last) = (*times[0], *times[times.len() - 1]);
        let days = |d: chrono::Duration| d.num_minutes() as f64 / (60.0 * 24.0);
        let gap = days(last - first) / (times.len() - 1) as f64;
        let since = days(at - last);
        if since >= 14.0 && since > SLIP_FACTOR * gap {
            out.push(Slipping {
                customer_id: *customer,
                customer_name: String::new(),
                usual_gap_days: gap,
                days_since_last_purchase: since,
                reason: format!(
                    "usually buys every {:.0} days; nothing for {:.0} days",
                    gap, since
                ),
            });
        }
    }
    out.sort_by(|a, b| {
        (b.days_since_last_purchase / b.usual_gap_days.max(1.0))
            .total_cmp(&(a.days_since_last_purchase / a.usual_gap_days.max(1.0)))
    });
    out.truncate(20);
    // Names only for the ones shown.
    for s in &mut out {
        s.customer_name = sqlx::query_scalar("SELECT display_name FROM customers WHERE id = ?")
            .bind(s.customer_id.to_string())
            .fetch_one(store.pool())
            .await?;
    }
    Ok(out)
}
