//! The timeline: one typed, append-only history per customer. "Last contacted" is derived
//! from it and kept in step on the customer row in the same transaction.

use chrono::{DateTime, Utc};
use rapport_protocol::EntityKind;
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::money::Money;
use crate::store::{Change, Store};
use crate::text::{self, enum_str, parse_enum, parse_time};

const E: EntityKind = EntityKind::Interaction;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InteractionKind {
    Note,
    Call,
    Email,
    Meeting,
    Visit,
    Purchase,
    Complaint,
    Feedback,
}

pub const INTERACTION_KINDS: &str =
    "note, call, email, meeting, visit, purchase, complaint, feedback";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Interaction {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub kind: InteractionKind,
    pub occurred_at: DateTime<Utc>,
    pub summary: String,
    pub body: Option<String>,
    pub amount: Option<Money>,
    /// NPS score 0–10, for feedback.
    pub score: Option<u8>,
    /// When a complaint was resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NewInteraction {
    pub customer_id: Uuid,
    pub kind: InteractionKind,
    pub summary: String,
    #[serde(default)]
    pub body: Option<String>,
    /// Defaults to now.
    #[serde(default)]
    pub occurred_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub amount: Option<Money>,
    #[serde(default)]
    pub score: Option<u8>,
}

impl Store {
    pub async fn log_interaction(&self, new: &NewInteraction) -> Result<Interaction> {
        // Logged on a merged customer's id: it goes on the survivor's timeline.
        let new = &NewInteraction {
            customer_id: self.live_customer_id(new.customer_id).await.unwrap_or(new.customer_id),
            ..new.clone()
        };
        let summary = text::required("summary", &new.summary, 1_000)?;
        let body =
            new.body.as_deref().map(|b| text::clean("body", b, 50_000)).transpose()?.flatten();
        if let Some(score) = new.score {
            if score > 10 {
                return Err(Error::invalid("score", "must be from 0 to 10"));
            }
            if new.kind != InteractionKind::Feedback {
                return Err(Error::invalid("score", "only feedback has a score"));
            }
        }
        if let Some(m) = &new.amount {
            Money::new(m.minor, &m.currency)?;
        }
        let mut ch = self.change().await?;
        exists_customer(&mut ch, new.customer_id).await?;
        let id = Uuid::now_v7();
        let occurred = new.occurred_at.unwrap_or_else(|| ch.now());
        insert(&mut ch, id, new, &summary, body.as_deref(), occurred).await?;
        ch.commit().await?;
        self.interaction(id).await
    }

    pub async fn interaction(&self, id: Uuid) -> Result<Interaction> {
        let row = sqlx::query("SELECT * FROM interactions WHERE id = ? AND deleted_at IS NULL")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| Error::NotFound(format!("timeline entry {id}")))?;
        from_row(&row)
    }

    /// A customer's timeline, newest first.
    pub async fn timeline(&self, customer_id: Uuid, limit: u32) -> Result<Vec<Interaction>> {
        let rows = sqlx::query(
            "SELECT * FROM interactions WHERE customer_id = ? AND deleted_at IS NULL
             ORDER BY occurred_at DESC, id DESC LIMIT ?",
        )
        .bind(customer_id.to_string())
        .bind(limit.clamp(1, 10_000))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Marks a complaint resolved.
    pub async fn resolve_complaint(&self, id: Uuid) -> Result<Interaction> {
        let current = self.interaction(id).await?;
        if current.kind != InteractionKind::Complaint {
            return Err(Error::invalid("entry", "only complaints can be resolved"));
        }
        let mut ch = self.change().await?;
        let at = ch.now();
        sqlx::query("UPDATE interactions SET resolved_at = ? WHERE id = ?")
            .bind(at.to_rfc3339())
            .bind(id.to_string())
            .execute(ch.conn())
            .await?;
        ch.set(E, id, "resolved_at", at.to_rfc3339()).await?;
        ch.commit().await?;
        self.interaction(id).await
    }
}

pub(crate) async fn exists_customer(ch: &mut Change<'_>, id: Uuid) -> Result<()> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM customers WHERE id = ? AND deleted_at IS NULL")
            .bind(id.to_string())
            .fetch_optional(ch.conn())
            .await?;
    found.map(|_| ()).ok_or_else(|| Error::NotFound(format!("customer {id}")))
}

pub(crate) async fn insert(
    ch: &mut Change<'_>,
    id: Uuid,
    new: &NewInteraction,
    summary: &str,
    body: Option<&str>,
    occurred: DateTime<Utc>,
) -> Result<()> {
    let created = ch.now();
    let kind = enum_str(&new.kind);
    sqlx::query(
        "INSERT INTO interactions (id, customer_id, kind, occurred_at, summary, body, amount_minor, currency, score, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(new.customer_id.to_string())
    .bind(&kind)
    .bind(occurred.to_rfc3339())
    .bind(summary)
    .bind(body)
    .bind(new.amount.as_ref().map(|m| m.minor))
    .bind(new.amount.as_ref().map(|m| m.currency.clone()))
    .bind(new.score.map(i64::from))
    .bind(created.to_rfc3339())
    .execute(ch.conn())
    .await?;
    // Derived, so not an op: every device recomputes it from the timeline it holds.
    sqlx::query(
        "UPDATE customers SET last_contacted_at = ?1
         WHERE id = ?2 AND (last_contacted_at IS NULL OR last_contacted_at < ?1)",
    )
    .bind(occurred.to_rfc3339())
    .bind(new.customer_id.to_string())
    .execute(ch.conn())
    .await?;

    // Any contact ends a snoozed keep-in-touch nudge (an op: the user's snooze was one).
    let unsnoozed = sqlx::query(
        "UPDATE customers SET nudge_snoozed_until = NULL WHERE id = ? AND nudge_snoozed_until IS NOT NULL",
    )
    .bind(new.customer_id.to_string())
    .execute(ch.conn())
    .await?
    .rows_affected();
    if unsnoozed > 0 {
        ch.set(EntityKind::Customer, new.customer_id, "nudge_snoozed_until", None::<String>)
            .await?;
    }

    ch.set(E, id, "customer_id", new.customer_id).await?;
    ch.set(E, id, "kind", kind).await?;
    ch.set(E, id, "occurred_at", occurred.to_rfc3339()).await?;
    ch.set(E, id, "summary", summary).await?;
    if let Some(b) = body {
        ch.set(E, id, "body", b).await?;
    }
    if let Some(m) = &new.amount {
        ch.set(E, id, "amount", m).await?;
    }
    if let Some(s) = new.score {
        ch.set(E, id, "score", s).await?;
    }
    Ok(())
}

fn from_row(row: &SqliteRow) -> Result<Interaction> {
    let amount =
        match (row.get::<Option<i64>, _>("amount_minor"), row.get::<Option<String>, _>("currency"))
        {
            (Some(minor), Some(currency)) => Some(Money { minor, currency }),
            _ => None,
        };
    let id: String = row.get("id");
    let customer: String = row.get("customer_id");
    Ok(Interaction {
        id: Uuid::parse_str(&id).map_err(|e| Error::Internal(e.to_string()))?,
        customer_id: Uuid::parse_str(&customer).map_err(|e| Error::Internal(e.to_string()))?,
        kind: parse_enum("kind", row.get("kind"), INTERACTION_KINDS)?,
        occurred_at: parse_time(row.get("occurred_at"))?.unwrap_or_default(),
        summary: row.get("summary"),
        body: row.get("body"),
        amount,
        score: row.get::<Option<i64>, _>("score").map(|s| s as u8),
        resolved_at: parse_time(row.get("resolved_at"))?,
        created_at: parse_time(row.get("created_at"))?.unwrap_or_default(),
    })
}
