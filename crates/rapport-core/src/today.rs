//! Today: who needs attention now. Overdue and due-soon keep-in-touch nudges, follow-ups
//! that are due, and personal dates coming up, ranked, each with a reason in words.

use std::collections::HashMap;

use chrono::{DateTime, Days, Local, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::customers::ImportantDate;
use crate::dates::PersonalDate;
use crate::error::Result;
use crate::followups::FollowupScope;
use crate::store::Store;
use crate::text::{json, parse_id, parse_time};
use crate::timeline::exists_customer;

/// When "now" and "today" are, for one Today computation.
#[derive(Debug, Clone, Copy)]
pub struct TodayOptions {
    pub now: DateTime<Utc>,
    /// The user's calendar day (personal dates are days, never shifted by time zones).
    pub today: NaiveDate,
    /// The end of the user's day: follow-ups due before it are due today.
    pub day_end: DateTime<Utc>,
    /// How many days ahead personal dates are announced.
    pub date_horizon_days: u32,
}

impl TodayOptions {
    /// In the machine's local time zone.
    pub fn local(now: DateTime<Utc>, date_horizon_days: u32) -> Self {
        Self::in_zone(now, &Local, date_horizon_days)
    }

    /// In a given time zone: "today" is the calendar day there, and the day ends at the
    /// next local midnight (23 or 25 hours away on a DST change).
    pub fn in_zone<Tz: TimeZone>(now: DateTime<Utc>, zone: &Tz, date_horizon_days: u32) -> Self {
        let today = now.with_timezone(zone).date_naive();
        let tomorrow = today + Days::new(1);
        let day_end = tomorrow
            .and_hms_opt(0, 0, 0)
            .and_then(|m| zone.from_local_datetime(&m).earliest())
            .map_or(now, |t| t.with_timezone(&Utc));
        TodayOptions { now, today, day_end, date_horizon_days }
    }

    /// In UTC (tests, servers).
    pub fn utc(now: DateTime<Utc>, date_horizon_days: u32) -> Self {
        let today = now.date_naive();
        let day_end = (today + Days::new(1)).and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        TodayOptions { now, today, day_end, date_horizon_days }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TodayReason {
    /// Past the maximum keep-in-touch interval.
    Overdue,
    FollowupOverdue,
    FollowupDue,
    /// Past the ideal interval, not yet the maximum.
    DueSoon,
    PersonalDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TodayItem {
    pub reason: TodayReason,
    pub customer_id: Uuid,
    pub customer_name: String,
    /// What to do, in a few words ("Get in touch", "Send quote", "Birthday").
    pub headline: String,
    /// Why, in words ("overdue by 12 days — usually every 3 weeks").
    pub explanation: String,
    /// Higher first within a reason.
    pub score: f64,
    pub followup_id: Option<Uuid>,
    #[ts(type = "string | null")]
    pub date: Option<NaiveDate>,
}

/// The top of the Today list and how long it is in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TodayList {
    /// Ranked, at most the `limit` asked for.
    pub items: Vec<TodayItem>,
    /// Everything that is due, shown or not.
    #[ts(type = "number")]
    pub total: u64,
}

/// A customer's keep-in-touch interval and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Cadence {
    pub ideal_days: u32,
    pub max_days: u32,
    /// `None` when set on the customer, else the tag it comes from.
    pub tag: Option<String>,
}

impl Cadence {
    /// The customer's own interval wins; else the tightest of their tags' intervals.
    pub fn effective(
        own: Option<(u32, Option<u32>)>,
        tags: &[String],
        tag_rules: &HashMap<String, (u32, u32)>,
    ) -> Option<Cadence> {
        if let Some((ideal, max)) = own {
            return Some(Cadence {
                ideal_days: ideal,
                max_days: max.unwrap_or_else(|| default_max(ideal)),
                tag: None,
            });
        }
        tags.iter()
            .filter_map(|t| tag_rules.get(&t.to_lowercase()).map(|&(i, m)| (i, m, t)))
            .min_by_key(|&(i, m, t)| (i, m, t.clone()))
            .map(|(ideal_days, max_days, t)| Cadence { ideal_days, max_days, tag: Some(t.clone()) })
    }
}

/// Without an explicit maximum, a contact becomes overdue half an interval after it is due.
pub fn default_max(ideal: u32) -> u32 {
    ideal + ideal.div_ceil(2)
}

/// "every 3 weeks", "every month", "every 10 days".
pub fn every(days: u32) -> String {
    match days {
        1 => "every day".into(),
        7 => "every week".into(),
        d if d % 7 == 0 && d <= 56 => format!("every {} weeks", d / 7),
        30 | 31 => "every month".into(),
        d if d % 30 == 0 && d <= 330 => format!("every {} months", d / 30),
        365 => "every year".into(),
        d => format!("every {d} days"),
    }
}

fn days_word(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

impl Store {
    /// The Today list, most urgent first.
    pub async fn today(&self, opts: &TodayOptions) -> Result<Vec<TodayItem>> {
        let mut items = self.cadence_items(opts).await?;
        items.extend(self.followup_items(opts).await?);
        items.extend(self.date_items(opts).await?);
        items.sort_by(|a, b| {
            a.reason
                .cmp(&b.reason)
                .then(b.score.total_cmp(&a.score))
                .then(a.date.cmp(&b.date))
                .then(a.customer_name.cmp(&b.customer_name))
        });
        Ok(items)
    }

    /// The first `limit` items of the Today list, ranked as `today` ranks them, and the
    /// total (a big store can have tens of thousands due; nobody reads past the first few).
    pub async fn today_list(&self, opts: &TodayOptions, limit: u32) -> Result<TodayList> {
        let mut items = self.today(opts).await?;
        let total = items.len() as u64;
        items.truncate(limit as usize);
        Ok(TodayList { items, total })
    }

    /// Leaves a customer's keep-in-touch nudge out of Today until `until`. Logging any
    /// timeline entry for them ends the snooze (see `timeline::insert`).
    pub async fn snooze_nudge(&self, customer: Uuid, until: DateTime<Utc>) -> Result<()> {
        let mut ch = self.change().await?;
        if until <= ch.now() {
            return Err(crate::Error::invalid("until", "must be in the future"));
        }
        exists_customer(&mut ch, customer).await?;
        crate::customers::column(
            &mut ch,
            customer,
            "nudge_snoozed_until",
            Some(until.to_rfc3339()),
            None,
            &until.to_rfc3339(),
        )
        .await?;
        ch.commit().await
    }

    pub(crate) async fn tag_cadences(&self) -> Result<HashMap<String, (u32, u32)>> {
        let rows: Vec<(String, i64, i64)> =
            sqlx::query_as("SELECT tag, ideal_days, max_days FROM tag_cadences")
                .fetch_all(self.pool())
                .await?;
        Ok(rows.into_iter().map(|(t, i, m)| (t.to_lowercase(), (i as u32, m as u32))).collect())
    }

    /// Sets (or with `None`, removes) the keep-in-touch cadence for everyone with `tag`.
    pub async fn set_tag_cadence(
        &self,
        tag: &str,
        cadence: Option<(u32, Option<u32>)>,
    ) -> Result<()> {
        let tag =
            crate::text::tag(tag)?.ok_or_else(|| crate::Error::invalid("tag", "is required"))?;
        let mut ch = self.change().await?;
        match cadence {
            Some((ideal, max)) => {
                let max = max.unwrap_or_else(|| default_max(ideal));
                if ideal == 0 || max < ideal || ideal > 3650 {
                    return Err(crate::Error::invalid(
                        "cadence",
                        "needs 1 ≤ ideal ≤ maximum days (up to 3650)",
                    ));
                }
                sqlx::query("INSERT INTO tag_cadences (tag, ideal_days, max_days) VALUES (?, ?, ?) ON CONFLICT (tag) DO UPDATE SET ideal_days = excluded.ideal_days, max_days = excluded.max_days")
                    .bind(&tag).bind(ideal).bind(max).execute(ch.conn()).await?;
            }
            None => {
                sqlx::query("DELETE FROM tag_cadences WHERE tag = ?")
                    .bind(&tag)
                    .execute(ch.conn())
                    .await?;
            }
        }
        ch.commit().await
    }

    async fn cadence_items(&self, opts: &TodayOptions) -> Result<Vec<TodayItem>> {
        let tag_rules = self.tag_cadences().await?;
        // Customers with their own cadence, or any tag that has one; with what ranking needs.
        let sql = format!(
            "SELECT {CADENCE_COLUMNS},
                    (SELECT max(total) FROM (SELECT sum(amount_minor) AS total FROM interactions i INDEXED BY interactions_kind_cover
                        WHERE i.kind = 'purchase' AND i.customer_id = c.id AND i.deleted_at IS NULL GROUP BY currency)) AS spend
             {CADENCE_FROM}"
        );
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        let mut out = Vec::new();
        for r in rows {
            let Some(KeepInTouch { cadence, last, since, created }) =
                keep_in_touch(&r, &tag_rules, opts.now)?
            else {
                continue;
            };
            let days = (opts.now - since).num_days().max(0);
            if days < i64::from(cadence.ideal_days) {
                continue;
            }
            let overdue = days >= i64::from(cadence.max_days);
            let usually = match &cadence.tag {
                None => format!("usually {}", every(cadence.ideal_days)),
                Some(t) => format!("{} for “{t}”", every(cadence.ideal_days)),
            };
            let explanation = match (overdue, last) {
                (true, Some(_)) => format!(
                    "overdue by {} — {usually}",
                    days_word(days - i64::from(cadence.ideal_days))
                ),
                (false, Some(_)) => format!("last contact {} ago — {usually}", days_word(days)),
                (_, None) => format!("no contact yet in {} — {usually}", days_word(days)),
            };
            // Urgency, weighted by what the customer spends and how long we have known them.
            let spend_major = r.get::<Option<i64>, _>("spend").unwrap_or(0).max(0) as f64 / 100.0;
            let years = (opts.now - created).num_days().max(0) as f64 / 365.0;
            let score = days as f64 / f64::from(cadence.max_days)
                * (1.0 + (1.0 + spend_major).ln() / 5.0)
                * (1.0 + years.min(10.0) / 10.0);
            out.push(TodayItem {
                reason: if overdue { TodayReason::Overdue } else { TodayReason::DueSoon },
                customer_id: parse_id(r.get("id"))?,
                customer_name: r.get("display_name"),
                headline: "Get in touch".into(),
                explanation,
                score,
                followup_id: None,
                date: None,
            });
        }
        Ok(out)
    }

    async fn followup_items(&self, opts: &TodayOptions) -> Result<Vec<TodayItem>> {
        let mut out = Vec::new();
        for f in self.list_followups(FollowupScope::Open, None).await? {
            let due = f.effective_due();
            if due >= opts.day_end {
                continue;
            }
            let late = (opts.now - due).num_days();
            let (reason, explanation) = if due < opts.now && late >= 1 {
                (TodayReason::FollowupOverdue, format!("overdue by {}", days_word(late)))
            } else {
                (
                    TodayReason::FollowupDue,
                    format!("due today, {}", due.with_timezone(&Local).format("%H:%M")),
                )
            };
            out.push(TodayItem {
                reason,
                customer_id: f.customer_id,
                customer_name: f.customer_name,
                headline: f.title,
                explanation,
                score: (opts.now - due).num_minutes() as f64,
                followup_id: Some(f.id),
                date: Some(due.with_timezone(&Local).date_naive()),
            });
        }
        Ok(out)
    }

    async fn date_items(&self, opts: &TodayOptions) -> Result<Vec<TodayItem>> {
        let rows = sqlx::query(
            "SELECT id, display_name, birthday, important_dates FROM customers NOT INDEXED
             WHERE deleted_at IS NULL AND (birthday IS NOT NULL OR important_dates <> '[]')",
        )
        .fetch_all(self.pool())
        .await?;
        let horizon = opts.today + Days::new(u64::from(opts.date_horizon_days));
        let mut out = Vec::new();
        for r in rows {
            let mut dates: Vec<(String, PersonalDate)> = Vec::new();
            if let Some(b) = r.get::<Option<String>, _>("birthday") {
                dates.push(("Birthday".into(), b.parse()?));
            }
            let important: Vec<ImportantDate> =
                json("important_dates", &r.get::<String, _>("important_dates"))?;
            dates.extend(important.into_iter().map(|d| (capitalise(&d.label), d.date)));
            for (label, date) in dates {
                let next = date.next_on_or_after(opts.today);
                if next > horizon {
                    continue;
                }
                let in_days = (next - opts.today).num_days();
                let when = match in_days {
                    0 => "today".to_string(),
                    1 => "tomorrow".to_string(),
                    n => format!("in {n} days, {}", next.format("%a %-d %b")),
                };
                let years = date.years_on(next).filter(|y| *y > 0);
                let explanation = match (label.as_str(), years) {
                    ("Birthday", Some(y)) => format!("{when} — turns {y}"),
                    (_, Some(y)) => format!("{when} — {y} years"),
                    _ => when,
                };
                out.push(TodayItem {
                    reason: TodayReason::PersonalDate,
                    customer_id: parse_id(r.get("id"))?,
                    customer_name: r.get("display_name"),
                    headline: label,
                    explanation,
                    score: -(in_days as f64),
                    followup_id: None,
                    date: Some(next),
                });
            }
        }
        Ok(out)
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// What Today and notifications read about each customer who has a keep-in-touch cadence
/// (their own, or a tag's): `SELECT {CADENCE_COLUMNS} … {CADENCE_FROM}`.
pub(crate) const CADENCE_COLUMNS: &str =
    "c.id, c.display_name, c.keep_in_touch_days, c.keep_in_touch_max_days,
     c.last_contacted_at, c.created_at, c.nudge_snoozed_until,
     (SELECT json_group_array(tag) FROM customer_tags t WHERE t.customer_id = c.id) AS tags";
pub(crate) const CADENCE_FROM: &str =
    "FROM customers c NOT INDEXED -- in table order: the name index means random reads
     WHERE c.deleted_at IS NULL
       AND (c.keep_in_touch_days IS NOT NULL
            OR EXISTS (SELECT 1 FROM customer_tags t JOIN tag_cadences tc ON tc.tag = t.tag WHERE t.customer_id = c.id))";

/// A customer's keep-in-touch state as of `now`.
pub(crate) struct KeepInTouch {
    pub cadence: Cadence,
    /// The last contact, if there ever was one.
    pub last: Option<DateTime<Utc>>,
    /// What the cadence counts from: the last contact, else when the customer was added.
    pub since: DateTime<Utc>,
    /// When the customer was added (how long the relationship has lasted).
    pub created: DateTime<Utc>,
}

/// Reads a `CADENCE_COLUMNS` row; `None` when no cadence applies or the nudge is snoozed.
pub(crate) fn keep_in_touch(
    r: &sqlx::sqlite::SqliteRow,
    tag_rules: &HashMap<String, (u32, u32)>,
    now: DateTime<Utc>,
) -> Result<Option<KeepInTouch>> {
    let own = r
        .get::<Option<i64>, _>("keep_in_touch_days")
        .map(|i| (i as u32, r.get::<Option<i64>, _>("keep_in_touch_max_days").map(|m| m as u32)));
    let tags: Vec<String> = json("tags", &r.get::<String, _>("tags"))?;
    let Some(cadence) = Cadence::effective(own, &tags, tag_rules) else { return Ok(None) };
    if parse_time(r.get("nudge_snoozed_until"))?.is_some_and(|until| until > now) {
        return Ok(None);
    }
    let created = parse_time(r.get("created_at"))?.unwrap_or(now);
    let last = parse_time(r.get("last_contacted_at"))?;
    Ok(Some(KeepInTouch { cadence, last, since: last.unwrap_or(created), created }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_cadence_wins_over_tags_and_tightest_tag_applies() {
        let rules: HashMap<String, (u32, u32)> =
            [("vip".into(), (14, 21)), ("wholesale".into(), (30, 45))].into();
        let tags = vec!["Wholesale".to_string(), "VIP".to_string()];
        let c = Cadence::effective(None, &tags, &rules).unwrap();
        assert_eq!((c.ideal_days, c.max_days, c.tag.as_deref()), (14, 21, Some("VIP")));
        let c = Cadence::effective(Some((60, None)), &tags, &rules).unwrap();
        assert_eq!((c.ideal_days, c.max_days, c.tag), (60, 90, None));
        assert_eq!(Cadence::effective(None, &["other".into()], &rules), None);
    }

    #[test]
    fn intervals_read_like_people_talk() {
        assert_eq!(every(21), "every 3 weeks");
        assert_eq!(every(7), "every week");
        assert_eq!(every(30), "every month");
        assert_eq!(every(90), "every 3 months");
        assert_eq!(every(10), "every 10 days");
    }
}
