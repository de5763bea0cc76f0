//! Follow-ups: tasks about a customer with a due time; done, or snoozed to later.

use chrono::{DateTime, Utc};
use rapport_protocol::EntityKind;
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::Store;
use crate::text::{self, parse_id, parse_time};
use crate::timeline::exists_customer;

const E: EntityKind = EntityKind::Followup;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Followup {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub title: String,
    pub due_at: DateTime<Utc>,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Followup {
    /// When it next needs attention: the snooze end if snoozed, else the due time.
    pub fn effective_due(&self) -> DateTime<Utc> {
        self.snoozed_until.map_or(self.due_at, |s| s.max(self.due_at))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FollowupScope {
    #[default]
    Open,
    All,
}

const SELECT: &str = "SELECT f.*, c.display_name AS customer_name FROM followups f
    JOIN customers c ON c.id = f.customer_id";

impl Store {
    pub async fn add_followup(
        &self,
        customer_id: Uuid,
        title: &str,
        due_at: DateTime<Utc>,
    ) -> Result<Followup> {
        let title = text::required("title", title, 500)?;
        // A merged customer's id: the follow-up is the survivor's.
        let customer_id = self.live_customer_id(customer_id).await.unwrap_or(customer_id);
        let mut ch = self.change().await?;
        exists_customer(&mut ch, customer_id).await?;
        let id = Uuid::now_v7();
        sqlx::query("INSERT INTO followups (id, customer_id, title, due_at, created_at) VALUES (?, ?, ?, ?, ?)")
            .bind(id.to_string())
            .bind(customer_id.to_string())
            .bind(&title)
            .bind(due_at.to_rfc3339())
            .bind(ch.now().to_rfc3339())
            .execute(ch.conn())
            .await?;
        ch.set(E, id, "customer_id", customer_id).await?;
        ch.set(E, id, "title", &title).await?;
        ch.set(E, id, "due_at", due_at.to_rfc3339()).await?;
        ch.commit().await?;
        self.followup(id).await
    }

    pub async fn followup(&self, id: Uuid) -> Result<Followup> {
        let row = sqlx::query(&format!("{SELECT} WHERE f.id = ? AND f.deleted_at IS NULL"))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| Error::NotFound(format!("follow-up {id}")))?;
        from_row(&row)
    }

    /// Follow-ups ordered by when they need attention (open ones only, unless `All`).
    pub async fn list_followups(
        &self,
        scope: FollowupScope,
        customer: Option<Uuid>,
    ) -> Result<Vec<Followup>> {
        let open_only = scope == FollowupScope::Open;
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE f.deleted_at IS NULL AND c.deleted_at IS NULL
               AND (?1 = 0 OR f.done_at IS NULL) AND (?2 IS NULL OR f.customer_id = ?2)
             ORDER BY f.done_at IS NOT NULL, max(f.due_at, coalesce(f.snoozed_until, f.due_at)), f.id"
        ))
        .bind(open_only)
        .bind(customer.map(|c| c.to_string()))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Resolves an id or a unique id prefix (as printed by `followup list`).
    pub async fn resolve_followup(&self, id_or_prefix: &str) -> Result<Uuid> {
        let p = id_or_prefix.trim().to_ascii_lowercase();
        if p.len() < 4 || !p.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(Error::invalid("id", format!("`{id_or_prefix}` is not a follow-up id")));
        }
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM followups WHERE id LIKE ? || '%' AND deleted_at IS NULL LIMIT 5",
        )
        .bind(&p)
        .fetch_all(self.pool())
        .await?;
        match ids.as_slice() {
            [] => Err(Error::NotFound(format!("follow-up {id_or_prefix}"))),
            [one] => parse_id(one),
            many => Err(Error::Ambiguous { query: p, candidates: many.to_vec() }),
        }
    }

    pub async fn complete_followup(&self, id: Uuid) -> Result<Followup> {
        let f = self.followup(id).await?;
        if f.done_at.is_some() {
            return Ok(f);
        }
        let mut ch = self.change().await?;
        let now = ch.now().to_rfc3339();
        sqlx::query("UPDATE followups SET done_at = ? WHERE id = ?")
            .bind(&now)
            .bind(id.to_string())
            .execute(ch.conn())
            .await?;
        ch.set(E, id, "done_at", now).await?;
        ch.commit().await?;
        self.followup(id).await
    }

    pub async fn snooze_followup(&self, id: Uuid, until: DateTime<Utc>) -> Result<Followup> {
        let f = self.followup(id).await?;
        if f.done_at.is_some() {
            return Err(Error::invalid("follow-up", "is already done"));
        }
        let mut ch = self.change().await?;
        if until <= ch.now() {
            return Err(Error::invalid("until", "must be in the future"));
        }
        sqlx::query("UPDATE followups SET snoozed_until = ? WHERE id = ?")
            .bind(until.to_rfc3339())
            .bind(id.to_string())
            .execute(ch.conn())
            .await?;
        ch.set(E, id, "snoozed_until", until.to_rfc3339()).await?;
        ch.commit().await?;
        self.followup(id).await
    }
}

fn from_row(row: &SqliteRow) -> Result<Followup> {
    Ok(Followup {
        id: parse_id(row.get("id"))?,
        customer_id: parse_id(row.get("customer_id"))?,
        customer_name: row.get("customer_name"),
        title: row.get("title"),
        due_at: parse_time(row.get("due_at"))?.unwrap_or_default(),
        snoozed_until: parse_time(row.get("snoozed_until"))?,
        done_at: parse_time(row.get("done_at"))?,
        created_at: parse_time(row.get("created_at"))?.unwrap_or_default(),
    })
}
