//! What to tell the user now, as OS notifications: follow-ups that fell due, keep-in-touch
//! nudges that became overdue, and personal dates today.
//!
//! Nothing is lost to quiet times: while the user's do-not-disturb window or a customer's
//! own quiet hours contain "now", the item is held back and returned by a later check
//! (every check looks back `LOOKBACK`). What was shown is recorded on this device (not
//! synced: each device notifies its own user), so nothing repeats, across restarts too.

use std::collections::{HashMap, HashSet};
use std::future::Future;

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use sqlx::Row;
use uuid::Uuid;

use crate::customers::{ImportantDate, QuietHours};
use crate::dates::PersonalDate;
use crate::error::Result;
use crate::prefs::QuietWindow;
use crate::store::Store;
use crate::text::{json, parse_id, parse_time};
use crate::today::{every, keep_in_touch, KeepInTouch, CADENCE_COLUMNS, CADENCE_FROM};

/// How far back a check looks for items it has not shown yet. Longer than any quiet
/// window, so held-back items still come; short enough that a store opened after weeks
/// does not replay every old reminder (Today lists those).
pub const LOOKBACK: Duration = Duration::hours(24);
/// How long shown items are remembered (anything older is outside every look-back).
const RETENTION: Duration = Duration::days(7);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    Followup,
    Nudge,
    PersonalDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Identifies this occurrence (a snoozed follow-up or a new overdue spell is a new one).
    pub key: String,
    pub kind: NotificationKind,
    pub customer_id: Uuid,
    pub title: String,
    pub body: String,
}

impl Store {
    /// What has come due in `(since, now]` and was not shown yet: nothing while the user's
    /// do-not-disturb window (`dnd`) contains `now`, and nothing for a customer whose own
    /// quiet hours contain it. Times of day are read in `zone` (the user's).
    /// Call [`Store::mark_notified`] with what was actually shown.
    pub fn due_notifications<Tz: TimeZone>(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        dnd: Option<QuietWindow>,
        zone: &Tz,
    ) -> impl Future<Output = Result<Vec<Notification>>> + Send + '_ {
        // Only the local wall time is needed; computed here so the future holds no zone.
        let local = now.with_timezone(zone).naive_local();
        self.due_at_local(since, now, dnd, local)
    }

    async fn due_at_local(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        dnd: Option<QuietWindow>,
        local: NaiveDateTime,
    ) -> Result<Vec<Notification>> {
        if dnd.is_some_and(|w| w.contains(local.time())) {
            return Ok(Vec::new());
        }
        let mut out = self.due_followups(since, now).await?;
        out.extend(self.overdue_nudges(since, now).await?);
        out.extend(self.dates_today(local).await?);
        let shown: HashSet<String> = sqlx::query_scalar("SELECT key FROM notifications_sent")
            .fetch_all(self.pool())
            .await?
            .into_iter()
            .collect();
        let quiet = self.customer_quiet_hours(&out).await?;
        out.retain(|n| {
            !shown.contains(&n.key)
                && !quiet.get(&n.customer_id).is_some_and(|w| w.contains(local.time()))
        });
        Ok(out)
    }

    /// Records notifications as shown, and forgets ones older than any look-back.
    pub async fn mark_notified(&self, keys: &[String]) -> Result<()> {
        let mut ch = self.change().await?;
        let now = ch.now();
        for key in keys {
            sqlx::query("INSERT OR IGNORE INTO notifications_sent (key, sent_at) VALUES (?, ?)")
                .bind(key)
                .bind(now.to_rfc3339())
                .execute(ch.conn())
                .await?;
        }
        sqlx::query("DELETE FROM notifications_sent WHERE sent_at < ?")
            .bind((now - RETENTION).to_rfc3339())
            .execute(ch.conn())
            .await?;
        // Device-local bookkeeping: no ops, so `commit` leaves the op log alone.
        ch.commit().await
    }

    async fn due_followups(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Notification>> {
        // RFC 3339 text in UTC compares like time; the SQL narrows, Rust decides exactly.
        let rows = sqlx::query(
            "SELECT f.id, f.title, f.due_at, f.snoozed_until, c.id AS customer_id, c.display_name
             FROM followups f JOIN customers c ON c.id = f.customer_id
             WHERE f.done_at IS NULL AND f.deleted_at IS NULL AND c.deleted_at IS NULL
               AND f.due_at <= ?2 AND max(f.due_at, coalesce(f.snoozed_until, f.due_at)) >= ?1",
        )
        .bind(since.to_rfc3339())
        .bind(now.to_rfc3339())
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let due_at = parse_time(r.get("due_at"))?.unwrap_or(now);
            let due = parse_time(r.get("snoozed_until"))?.map_or(due_at, |s| s.max(due_at));
            if due <= since || due > now {
                continue;
            }
            let name: String = r.get("display_name");
            out.push(Notification {
                key: format!("followup:{}:{}", r.get::<String, _>("id"), due.to_rfc3339()),
                kind: NotificationKind::Followup,
                customer_id: parse_id(r.get("customer_id"))?,
                title: format!("Follow up with {name}"),
                body: r.get("title"),
            });
        }
        Ok(out)
    }

    async fn overdue_nudges(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Notification>> {
        let tag_rules = self.tag_cadences().await?;
        let sql = format!("SELECT {CADENCE_COLUMNS} {CADENCE_FROM}");
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        let mut out = Vec::new();
        for r in rows {
            // A snoozed nudge is silent here too, as it is on Today.
            let Some(KeepInTouch { cadence, since: last, .. }) =
                keep_in_touch(&r, &tag_rules, now)?
            else {
                continue;
            };
            // The moment Today starts calling it overdue (whole days past the maximum).
            let overdue_at = last + Duration::days(i64::from(cadence.max_days));
            if overdue_at <= since || overdue_at > now {
                continue;
            }
            let name: String = r.get("display_name");
            out.push(Notification {
                key: format!("nudge:{}:{}", r.get::<String, _>("id"), overdue_at.to_rfc3339()),
                kind: NotificationKind::Nudge,
                customer_id: parse_id(r.get("id"))?,
                title: format!("Get in touch with {name}"),
                body: format!(
                    "No contact for {} days; you usually talk {}",
                    (now - last).num_days(),
                    every(cadence.ideal_days)
                ),
            });
        }
        Ok(out)
    }

    async fn dates_today(&self, local: NaiveDateTime) -> Result<Vec<Notification>> {
        let today = local.date();
        let rows = sqlx::query(
            "SELECT id, display_name, birthday, important_dates FROM customers NOT INDEXED
             WHERE deleted_at IS NULL AND (birthday IS NOT NULL OR important_dates <> '[]')",
        )
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let mut dates: Vec<(String, PersonalDate)> = Vec::new();
            if let Some(b) = r.get::<Option<String>, _>("birthday") {
                dates.push(("Birthday".into(), b.parse()?));
            }
            let important: Vec<ImportantDate> =
                json("important_dates", &r.get::<String, _>("important_dates"))?;
            dates.extend(important.into_iter().map(|d| (d.label, d.date)));
            let id: String = r.get("id");
            let name: String = r.get("display_name");
            for (label, date) in dates {
                if date.next_on_or_after(today) != today {
                    continue;
                }
                let body = match (label.as_str(), date.years_on(today).filter(|y| *y > 0)) {
                    ("Birthday", Some(y)) => format!("Birthday today: turns {y}"),
                    (l, Some(y)) => format!("{} today: {y} years", capitalise(l)),
                    (l, None) => format!("{} today", capitalise(l)),
                };
                out.push(Notification {
                    key: format!("date:{id}:{}:{today}", label.to_lowercase()),
                    kind: NotificationKind::PersonalDate,
                    customer_id: parse_id(&id)?,
                    title: name.clone(),
                    body,
                });
            }
        }
        Ok(out)
    }

    /// The quiet hours of the customers these notifications are about.
    async fn customer_quiet_hours(
        &self,
        items: &[Notification],
    ) -> Result<HashMap<Uuid, QuietWindow>> {
        let mut out = HashMap::new();
        let ids: HashSet<Uuid> = items.iter().map(|n| n.customer_id).collect();
        for id in ids {
            let q: Option<String> =
                sqlx::query_scalar("SELECT quiet_hours FROM customers WHERE id = ?")
                    .bind(id.to_string())
                    .fetch_optional(self.pool())
                    .await?
                    .flatten();
            let Some(q) = q else { continue };
            let q: QuietHours = json("quiet_hours", &q)?;
            if let Some(w) = QuietWindow::parse(&q.start, &q.end) {
                out.insert(id, w);
            }
        }
        Ok(out)
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
