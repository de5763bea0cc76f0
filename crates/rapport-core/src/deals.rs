//! Deals and the pipeline they move through. Stage changes are kept as history.

use chrono::{DateTime, NaiveDate, Utc};
use rapport_protocol::EntityKind;
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::money::Money;
use crate::store::{Change, Store};
use crate::text::{self, enum_str, parse_enum, parse_id, parse_time};
use crate::timeline::exists_customer;

const E: EntityKind = EntityKind::Deal;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PipelineStage {
    pub id: Uuid,
    pub name: String,
    #[ts(type = "number")]
    pub position: i64,
    /// Default win probability, percent.
    pub probability: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DealStatus {
    Open,
    Won,
    Lost,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Deal {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub title: String,
    pub value: Money,
    pub stage: String,
    pub status: DealStatus,
    #[ts(type = "string | null")]
    pub expected_close: Option<NaiveDate>,
    pub closed_at: Option<DateTime<Utc>>,
    pub lost_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NewDeal {
    pub customer_id: Uuid,
    pub title: String,
    pub value: Money,
    /// Stage name; the first stage when absent.
    pub stage: Option<String>,
    #[ts(type = "string | null")]
    pub expected_close: Option<NaiveDate>,
}

const SELECT: &str = "SELECT d.*, c.display_name AS customer_name, s.name AS stage_name
    FROM deals d JOIN customers c ON c.id = d.customer_id JOIN pipeline_stages s ON s.id = d.stage_id";

impl Store {
    pub async fn pipeline_stages(&self) -> Result<Vec<PipelineStage>> {
        let rows = sqlx::query("SELECT * FROM pipeline_stages ORDER BY position, id")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(PipelineStage {
                    id: parse_id(r.get("id"))?,
                    name: r.get("name"),
                    position: r.get("position"),
                    probability: r.get::<i64, _>("probability") as u8,
                })
            })
            .collect()
    }

    /// Adds a stage (at the end unless `position` is given) with its default probability.
    pub async fn add_stage(
        &self,
        name: &str,
        probability: u8,
        position: Option<u32>,
    ) -> Result<PipelineStage> {
        let name = text::required("name", name, 60)?;
        check_probability(probability)?;
        let mut ch = self.change().await?;
        name_is_free(&mut ch, &name, None).await?;
        let count: i64 =
            sqlx::query_scalar("SELECT count(*) FROM pipeline_stages").fetch_one(ch.conn()).await?;
        let pos = position.map_or(count + 1, |p| i64::from(p).clamp(1, count + 1));
        sqlx::query("UPDATE pipeline_stages SET position = position + 1 WHERE position >= ?")
            .bind(pos)
            .execute(ch.conn())
            .await?;
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO pipeline_stages (id, name, position, probability) VALUES (?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(&name)
        .bind(pos)
        .bind(i64::from(probability))
        .execute(ch.conn())
        .await
        .map_err(|e| unique_name(e, &name))?;
        ch.set(EntityKind::PipelineStage, id, "name", &name).await?;
        ch.set(EntityKind::PipelineStage, id, "probability", probability).await?;
        record_positions(&mut ch).await?;
        ch.commit().await?;
        self.stage(id).await
    }

    /// Renames a stage, changes its default probability, or moves it to `position` (1-based).
    pub async fn edit_stage(
        &self,
        stage: &str,
        rename: Option<&str>,
        probability: Option<u8>,
        position: Option<u32>,
    ) -> Result<PipelineStage> {
        let mut ch = self.change().await?;
        let id = stage_id(&mut ch, Some(stage)).await?;
        if let Some(new) = rename {
            let new = text::required("name", new, 60)?;
            name_is_free(&mut ch, &new, Some(id)).await?;
            sqlx::query("UPDATE pipeline_stages SET name = ? WHERE id = ?")
                .bind(&new)
                .bind(id.to_string())
                .execute(ch.conn())
                .await
                .map_err(|e| unique_name(e, &new))?;
            ch.set(EntityKind::PipelineStage, id, "name", &new).await?;
        }
        if let Some(p) = probability {
            check_probability(p)?;
            sqlx::query("UPDATE pipeline_stages SET probability = ? WHERE id = ?")
                .bind(i64::from(p))
                .bind(id.to_string())
                .execute(ch.conn())
                .await?;
            ch.set(EntityKind::PipelineStage, id, "probability", p).await?;
        }
        if let Some(p) = position {
            let mut ids: Vec<String> =
                sqlx::query_scalar("SELECT id FROM pipeline_stages ORDER BY position, id")
                    .fetch_all(ch.conn())
                    .await?;
            ids.retain(|x| *x != id.to_string());
            let at = (p.max(1) as usize - 1).min(ids.len());
            ids.insert(at, id.to_string());
            for (n, sid) in ids.iter().enumerate() {
                sqlx::query("UPDATE pipeline_stages SET position = ? WHERE id = ?")
                    .bind(n as i64 + 1)
                    .bind(sid)
                    .execute(ch.conn())
                    .await?;
            }
            record_positions(&mut ch).await?;
        }
        ch.commit().await?;
        self.stage(id).await
    }

    async fn stage(&self, id: Uuid) -> Result<PipelineStage> {
        self.pipeline_stages()
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| Error::NotFound(format!("stage {id}")))
    }

    pub async fn add_deal(&self, new: &NewDeal) -> Result<Deal> {
        // A merged customer's id: the deal is the survivor's.
        let new = &NewDeal {
            customer_id: self.live_customer_id(new.customer_id).await.unwrap_or(new.customer_id),
            ..new.clone()
        };
        let title = text::required("title", &new.title, 500)?;
        Money::new(new.value.minor, &new.value.currency)?;
        if new.value.minor < 0 {
            return Err(Error::invalid("value", "cannot be negative"));
        }
        let mut ch = self.change().await?;
        exists_customer(&mut ch, new.customer_id).await?;
        let stage = stage_id(&mut ch, new.stage.as_deref()).await?;
        let id = Uuid::now_v7();
        let now = ch.now().to_rfc3339();
        let close = new.expected_close.map(|d| d.to_string());
        sqlx::query(
            "INSERT INTO deals (id, customer_id, title, value_minor, currency, stage_id, expected_close, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(new.customer_id.to_string())
        .bind(&title)
        .bind(new.value.minor)
        .bind(&new.value.currency)
        .bind(stage.to_string())
        .bind(&close)
        .bind(&now)
        .bind(&now)
        .execute(ch.conn())
        .await?;
        record_stage(&mut ch, id, None, stage).await?;
        ch.set(E, id, "customer_id", new.customer_id).await?;
        ch.set(E, id, "title", &title).await?;
        ch.set(E, id, "value", &new.value).await?;
        ch.set(E, id, "stage_id", stage).await?;
        ch.set(E, id, "status", "open").await?;
        if close.is_some() {
            ch.set(E, id, "expected_close", close).await?;
        }
        ch.commit().await?;
        self.deal(id).await
    }

    pub async fn deal(&self, id: Uuid) -> Result<Deal> {
        let row = sqlx::query(&format!("{SELECT} WHERE d.id = ? AND d.deleted_at IS NULL"))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| Error::NotFound(format!("deal {id}")))?;
        from_row(&row)
    }

    pub async fn list_deals(&self) -> Result<Vec<Deal>> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE d.deleted_at IS NULL AND c.deleted_at IS NULL ORDER BY s.position, d.created_at, d.id"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Open deals, by stage position then age.
    pub async fn open_deals(&self) -> Result<Vec<Deal>> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE d.status = 'open' AND d.deleted_at IS NULL AND c.deleted_at IS NULL
             ORDER BY s.position, d.created_at, d.id"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// One customer's deals, every status, newest first.
    pub async fn customer_deals(&self, customer: Uuid) -> Result<Vec<Deal>> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE d.customer_id = ? AND d.deleted_at IS NULL ORDER BY d.created_at DESC, d.id DESC"
        ))
        .bind(customer.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    pub async fn move_deal(&self, id: Uuid, stage: &str) -> Result<Deal> {
        let deal = self.deal(id).await?;
        let mut ch = self.change().await?;
        let to = stage_id(&mut ch, Some(stage)).await?;
        let from: String = sqlx::query_scalar("SELECT stage_id FROM deals WHERE id = ?")
            .bind(id.to_string())
            .fetch_one(ch.conn())
            .await?;
        if from == to.to_string() && deal.status == DealStatus::Open {
            return Ok(deal);
        }
        sqlx::query("UPDATE deals SET stage_id = ?, status = 'open', closed_at = NULL, updated_at = ? WHERE id = ?")
            .bind(to.to_string())
            .bind(ch.now().to_rfc3339())
            .bind(id.to_string())
            .execute(ch.conn())
            .await?;
        record_stage(&mut ch, id, Some(from), to).await?;
        ch.set(E, id, "stage_id", to).await?;
        if deal.status != DealStatus::Open {
            ch.set(E, id, "status", "open").await?;
            // Reopening clears the close time: other devices must clear it too.
            ch.set(E, id, "closed_at", None::<String>).await?;
        }
        ch.commit().await?;
        self.deal(id).await
    }

    /// Closes a deal as won or lost (with an optional reason for a loss).
    pub async fn close_deal(
        &self,
        id: Uuid,
        status: DealStatus,
        reason: Option<&str>,
    ) -> Result<Deal> {
        if status == DealStatus::Open {
            return Err(Error::invalid("status", "use move to reopen a deal"));
        }
        let reason = reason.map(|r| text::clean("reason", r, 1_000)).transpose()?.flatten();
        self.deal(id).await?;
        let mut ch = self.change().await?;
        let now = ch.now().to_rfc3339();
        let status_text = enum_str(&status);
        sqlx::query("UPDATE deals SET status = ?, closed_at = ?, lost_reason = ?, updated_at = ? WHERE id = ?")
            .bind(&status_text)
            .bind(&now)
            .bind(&reason)
            .bind(&now)
            .bind(id.to_string())
            .execute(ch.conn())
            .await?;
        ch.set(E, id, "status", &status_text).await?;
        ch.set(E, id, "closed_at", &now).await?;
        // Always: closing without a reason clears an earlier one, everywhere.
        ch.set(E, id, "lost_reason", &reason).await?;
        ch.commit().await?;
        self.deal(id).await
    }

    /// Resolves a deal id, unique id prefix, or exact title.
    pub async fn resolve_deal(&self, query: &str) -> Result<Uuid> {
        let q = query.trim();
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, title FROM deals WHERE deleted_at IS NULL
               AND (id = ?1 OR (length(?1) >= 4 AND id LIKE ?1 || '%') OR title = ?1 COLLATE NOCASE) LIMIT 10",
        )
        .bind(if q.chars().all(|c| c.is_ascii_hexdigit() || c == '-') { q.to_ascii_lowercase() } else { q.to_string() })
        .fetch_all(self.pool())
        .await?;
        match rows.as_slice() {
            [] => Err(Error::NotFound(format!("deal `{q}`"))),
            [(id, _)] => parse_id(id),
            many => Err(Error::Ambiguous {
                query: q.into(),
                candidates: many.iter().map(|(id, t)| format!("{t} ({id})")).collect(),
            }),
        }
    }
}

async fn stage_id(ch: &mut Change<'_>, name: Option<&str>) -> Result<Uuid> {
    let row: Option<String> = match name {
        Some(n) => {
            sqlx::query_scalar("SELECT id FROM pipeline_stages WHERE name = ? COLLATE NOCASE")
                .bind(n.trim())
                .fetch_optional(ch.conn())
                .await?
        }
        None => {
            sqlx::query_scalar("SELECT id FROM pipeline_stages ORDER BY position, id LIMIT 1")
                .fetch_optional(ch.conn())
                .await?
        }
    };
    match row {
        Some(id) => parse_id(&id),
        None => {
            let names: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pipeline_stages ORDER BY position, id")
                    .fetch_all(ch.conn())
                    .await?;
            Err(Error::invalid(
                "stage",
                format!("`{}` is not a stage; stages: {}", name.unwrap_or(""), names.join(", ")),
            ))
        }
    }
}

/// Stage names are unique regardless of case ("Lead" and "lead" would be confusing).
async fn name_is_free(ch: &mut Change<'_>, name: &str, except: Option<Uuid>) -> Result<()> {
    let taken: Option<String> = sqlx::query_scalar(
        "SELECT name FROM pipeline_stages WHERE name = ? COLLATE NOCASE AND id IS NOT ?",
    )
    .bind(name)
    .bind(except.map(|i| i.to_string()))
    .fetch_optional(ch.conn())
    .await?;
    match taken {
        Some(t) => Err(Error::AlreadyExists(format!("a stage named `{t}` already exists"))),
        None => Ok(()),
    }
}

fn check_probability(p: u8) -> Result<()> {
    if p > 100 {
        return Err(Error::invalid("probability", "must be a percentage from 0 to 100"));
    }
    Ok(())
}

fn unique_name(e: sqlx::Error, name: &str) -> Error {
    match &e {
        sqlx::Error::Database(d) if d.message().contains("UNIQUE") => {
            Error::AlreadyExists(format!("a stage named `{name}` already exists"))
        }
        _ => Error::Database(e),
    }
}

/// Positions are one register per stage (so concurrent reorders converge field by field).
async fn record_positions(ch: &mut Change<'_>) -> Result<()> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT id, position FROM pipeline_stages ORDER BY position, id")
            .fetch_all(ch.conn())
            .await?;
    for (id, pos) in rows {
        ch.set(EntityKind::PipelineStage, parse_id(&id)?, "position", pos).await?;
    }
    Ok(())
}

async fn record_stage(
    ch: &mut Change<'_>,
    deal: Uuid,
    from: Option<String>,
    to: Uuid,
) -> Result<()> {
    sqlx::query("INSERT INTO deal_stage_changes (deal_id, from_stage, to_stage, changed_at) VALUES (?, ?, ?, ?)")
        .bind(deal.to_string())
        .bind(from)
        .bind(to.to_string())
        .bind(ch.now().to_rfc3339())
        .execute(ch.conn())
        .await?;
    Ok(())
}

fn from_row(row: &SqliteRow) -> Result<Deal> {
    Ok(Deal {
        id: parse_id(row.get("id"))?,
        customer_id: parse_id(row.get("customer_id"))?,
        customer_name: row.get("customer_name"),
        title: row.get("title"),
        value: Money { minor: row.get("value_minor"), currency: row.get("currency") },
        stage: row.get("stage_name"),
        status: parse_enum("status", row.get("status"), "open, won, lost")?,
        expected_close: row
            .get::<Option<String>, _>("expected_close")
            .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
        closed_at: parse_time(row.get("closed_at"))?,
        lost_reason: row.get("lost_reason"),
        created_at: parse_time(row.get("created_at"))?.unwrap_or_default(),
    })
}
