//! Rules that turn personal memory and history into follow-ups: "birthday in 7 days →
//! send a card", "no purchase for 90 days from someone with 3+ purchases → check in".
//! Each follow-up a rule makes is keyed by (rule, customer, occurrence), so running the
//! rules again — on every Today — never makes it twice.

use chrono::{DateTime, Days, Duration, Utc};
use rapport_protocol::EntityKind;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::customers::ImportantDate;
use crate::dates::PersonalDate;
use crate::error::{Error, Result};
use crate::store::{Change, Deletable, Store};
use crate::text::{self, json, parse_id, parse_time, to_json};
use crate::today::TodayOptions;

const E: EntityKind = EntityKind::FollowupRule;

/// When a rule fires, as JSON, e.g. `{"when": "birthday_in", "days": 7}` or
/// `{"when": "no_purchase_for", "days": 90, "min_purchases": 3}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "when", rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    /// The customer's birthday is this many days away or fewer.
    BirthdayIn { days: u32 },
    /// An important date (optionally only those with this label) is this close.
    DateIn { days: u32, label: Option<String> },
    /// No purchase for this many days, from a customer with at least `min_purchases`.
    NoPurchaseFor { days: u32, min_purchases: u32 },
    /// No contact of any kind for this many days.
    NoContactFor { days: u32 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FollowupRule {
    pub id: Uuid,
    pub name: String,
    pub trigger: Trigger,
    /// The follow-up's title.
    pub title: String,
}

impl Store {
    pub async fn add_followup_rule(
        &self,
        name: &str,
        trigger: Trigger,
        title: &str,
    ) -> Result<FollowupRule> {
        let name = text::required("name", name, 200)?;
        let title = text::required("title", title, 500)?;
        let (days, min, max) = match &trigger {
            Trigger::BirthdayIn { days } | Trigger::DateIn { days, .. } => (*days, 0, 366),
            Trigger::NoPurchaseFor { days, .. } | Trigger::NoContactFor { days } => {
                (*days, 1, 3650)
            }
        };
        if !(min..=max).contains(&days) {
            return Err(Error::invalid("days", format!("must be from {min} to {max}")));
        }
        let mut ch = self.change().await?;
        let id = Uuid::now_v7();
        sqlx::query("INSERT INTO followup_rules (id, name, trigger, title, created_at) VALUES (?, ?, ?, ?, ?)")
            .bind(id.to_string())
            .bind(&name)
            .bind(to_json(&trigger))
            .bind(&title)
            .bind(ch.now().to_rfc3339())
            .execute(ch.conn())
            .await?;
        ch.set(E, id, "name", &name).await?;
        ch.set(E, id, "trigger", &trigger).await?;
        ch.set(E, id, "title", &title).await?;
        ch.commit().await?;
        Ok(FollowupRule { id, name, trigger, title })
    }

    pub async fn followup_rules(&self) -> Result<Vec<FollowupRule>> {
        let rows = sqlx::query("SELECT id, name, trigger, title FROM followup_rules WHERE deleted_at IS NULL ORDER BY created_at, id")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(FollowupRule {
                    id: parse_id(r.get("id"))?,
                    name: r.get("name"),
                    trigger: json("trigger", r.get("trigger"))?,
                    title: r.get("title"),
                })
            })
            .collect()
    }

    pub async fn delete_followup_rule(&self, id: Uuid) -> Result<()> {
        self.soft_delete(Deletable::FollowupRule, id).await
    }

    /// Runs every rule; returns how many follow-ups were created (0 when all already exist).
    pub async fn apply_followup_rules(&self, opts: &TodayOptions) -> Result<u32> {
        let rules = self.followup_rules().await?;
        if rules.is_empty() {
            return Ok(0);
        }
        let mut due: Vec<(Uuid, String, String)> = Vec::new(); // (customer, key, title)
        for rule in &rules {
            for (customer, occurrence) in self.matches(&rule.trigger, opts).await? {
                due.push((
                    customer,
                    format!("{}:{customer}:{occurrence}", rule.id),
                    rule.title.clone(),
                ));
            }
        }
        let mut ch = self.change().await?;
        let mut created = 0;
        for (customer, key, title) in due {
            if insert_once(&mut ch, customer, &key, &title, opts.now).await? {
                created += 1;
            }
        }
        ch.commit().await?;
        Ok(created)
    }

    /// The customers a trigger fires for now, each with the occurrence it fires for.
    async fn matches(&self, trigger: &Trigger, opts: &TodayOptions) -> Result<Vec<(Uuid, String)>> {
        let mut out = Vec::new();
        match trigger {
            Trigger::BirthdayIn { days } | Trigger::DateIn { days, .. } => {
                let horizon = opts.today + Days::new(u64::from(*days));
                let rows = sqlx::query(
                    "SELECT id, birthday, important_dates FROM customers WHERE deleted_at IS NULL",
                )
                .fetch_all(self.pool())
                .await?;
                for r in rows {
                    let dates: Vec<PersonalDate> = match trigger {
                        Trigger::BirthdayIn { .. } => r
                            .get::<Option<String>, _>("birthday")
                            .map(|b| b.parse())
                            .transpose()?
                            .into_iter()
                            .collect(),
                        Trigger::DateIn { label, .. } => {
                            json::<Vec<ImportantDate>>("important_dates", r.get("important_dates"))?
                                .into_iter()
                                .filter(|d| {
                                    label.as_ref().is_none_or(|l| d.label.eq_ignore_ascii_case(l))
                                })
                                .map(|d| d.date)
                                .collect()
                        }
                        _ => Vec::new(),
                    };
                    for d in dates {
                        let next = d.next_on_or_after(opts.today);
                        if next <= horizon {
                            out.push((parse_id(r.get("id"))?, next.to_string()));
                        }
                    }
                }
            }
            Trigger::NoPurchaseFor { days, min_purchases } => {
                let cutoff = opts.now - Duration::days(i64::from(*days));
                let rows: Vec<(String, String)> = sqlx::query_as(
                    "SELECT i.customer_id, max(i.occurred_at) FROM interactions i JOIN customers c ON c.id = i.customer_id
                     WHERE i.kind = 'purchase' AND i.deleted_at IS NULL AND c.deleted_at IS NULL
                     GROUP BY i.customer_id HAVING count(*) >= ? AND max(i.occurred_at) <= ?",
                )
                .bind(min_purchases)
                .bind(cutoff.to_rfc3339())
                .fetch_all(self.pool())
                .await?;
                for (id, last) in rows {
                    // Keyed by the last purchase: after the next purchase, a new silence counts again.
                    out.push((parse_id(&id)?, last));
                }
            }
            Trigger::NoContactFor { days } => {
                let cutoff = opts.now - Duration::days(i64::from(*days));
                let rows = sqlx::query(
                    "SELECT id, coalesce(last_contacted_at, created_at) AS since FROM customers
                     WHERE deleted_at IS NULL AND coalesce(last_contacted_at, created_at) <= ?",
                )
                .bind(cutoff.to_rfc3339())
                .fetch_all(self.pool())
                .await?;
                for r in rows {
                    let since: Option<DateTime<Utc>> = parse_time(r.get("since"))?;
                    out.push((
                        parse_id(r.get("id"))?,
                        since.map(|s| s.to_rfc3339()).unwrap_or_default(),
                    ));
                }
            }
        }
        Ok(out)
    }
}

/// A rule follow-up's id, from its key: every device running the same rule for the same
/// customer and occurrence makes the same record, so their ops merge into one follow-up
/// (a random id would make two, and the second would break the key's unique index).
pub(crate) fn rule_followup_id(key: &str) -> Uuid {
    use sha2::{Digest, Sha256};
    let hash = Sha256::new().chain_update(b"rapport rule follow-up\0").chain_update(key).finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// Creates the follow-up unless one with this key (or its id) exists already.
async fn insert_once(
    ch: &mut Change<'_>,
    customer: Uuid,
    key: &str,
    title: &str,
    due: DateTime<Utc>,
) -> Result<bool> {
    let id = rule_followup_id(key);
    let n = sqlx::query(
        "INSERT INTO followups (id, customer_id, title, due_at, created_at, rule_key) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING",
    )
    .bind(id.to_string())
    .bind(customer.to_string())
    .bind(title)
    .bind(due.to_rfc3339())
    .bind(ch.now().to_rfc3339())
    .bind(key)
    .execute(ch.conn())
    .await?
    .rows_affected();
    if n == 0 {
        return Ok(false);
    }
    ch.set(EntityKind::Followup, id, "customer_id", customer).await?;
    ch.set(EntityKind::Followup, id, "title", title).await?;
    ch.set(EntityKind::Followup, id, "due_at", due.to_rfc3339()).await?;
    ch.set(EntityKind::Followup, id, "rule_key", key).await?;
    Ok(true)
}
