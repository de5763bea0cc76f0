//! The conflict list (issue 6): a concurrent edit of an important field
//! (`rules::IMPORTANT_FIELDS`) that lost is kept for review instead of disappearing.
//!
//! Every local `set` names the writes of its register by other devices it overwrites
//! (`prev`: the register's heads, [`before_set`]), so only a value its writer never saw
//! can lose silently, and `rules::conflicts` finds those from the ops alone: every device
//! holding the same ops lists the same conflicts. `sync_conflicts` (migration 16) lists the
//! losing ops, refreshed when sync rebuilds a record ([`refresh`]) and emptied for a
//! register when this device writes it; values and labels are read when listed, from the
//! log and the tables, so they are never stale and never copied.

use chrono::{DateTime, Utc};
use rapport_protocol::rules;
use rapport_protocol::{EntityKind, Op, OpAction, OpId};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::SqliteConnection;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::Change;
use crate::Store;

/// A concurrent edit of an important field that lost, kept for review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncConflict {
    /// Stable id of this conflict: the losing op's id as "<device uuid>:<seq>".
    pub id: String,
    /// "customer" | "deal" | "interaction"
    pub entity: String,
    pub record_id: Uuid,
    /// The customer the record belongs to (itself for a customer), to open it; None if gone.
    pub customer_id: Option<Uuid>,
    /// What the record is, in words: "Ada Lovelace", "Deal “Renewal 2027” (Acme Ltd)",
    /// "Note of 3 Nov on Ada Lovelace".
    pub record_label: String,
    /// The op field key: display_name | owner | value | stage_id | summary | body.
    pub field: String,
    /// The field in words: "name", "owner", "value", "stage", "summary", "note".
    pub field_label: String,
    /// The value now in effect, as display text ("" for empty).
    pub current: String,
    /// The value that lost, as display text.
    pub losing: String,
    /// Who wrote the losing value: the device's name if known, else "another device".
    pub losing_device: String,
    /// When the losing edit was made (its clock's wall time).
    pub losing_at: DateTime<Utc>,
}

/// An important field in words (the list itself is `rules::IMPORTANT_FIELDS`).
fn field_label(field: &str) -> &str {
    match field {
        "display_name" => "name",
        "stage_id" => "stage",
        "body" => "note",
        other => other,
    }
}

/// What a set of `field` by this device overwrites: the register's heads written by other
/// devices (its own earlier writes are overwritten implicitly). The register's conflicts
/// go, since the new set names every value in them. Called for every local set.
pub(crate) async fn before_set(ch: &mut Change<'_>, id: Uuid, field: &str) -> Result<Vec<OpId>> {
    // A store that never took in another device's op has nothing to name.
    let synced: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM remote_ops)").fetch_one(ch.conn()).await?;
    if !synced {
        return Ok(Vec::new());
    }
    let own = ch.device().to_string();
    let sets = crate::oplog::sets_of(ch.conn(), id, field).await?;
    let sets: Vec<&Op> = sets.iter().collect();
    let prev = rules::heads(&sets)
        .into_iter()
        .filter(|op| op.device.to_string() != own)
        .map(Op::id)
        .collect();
    sqlx::query("DELETE FROM sync_conflicts WHERE record_id = ? AND field = ?")
        .bind(id.to_string())
        .bind(field)
        .execute(ch.conn())
        .await?;
    Ok(prev)
}

/// Lists a record's conflicts again, from every op known of it (after sync took in ops
/// that write one of its important fields).
pub(super) async fn refresh(ch: &mut Change<'_>, entity: EntityKind, id: Uuid) -> Result<()> {
    let ops = crate::oplog::of_record(ch.conn(), id).await?;
    let ops: Vec<&Op> = ops.iter().filter(|op| op.entity == entity).collect();
    sqlx::query("DELETE FROM sync_conflicts WHERE record_id = ?")
        .bind(id.to_string())
        .execute(ch.conn())
        .await?;
    for c in rules::conflicts(&ops) {
        sqlx::query(
            "INSERT INTO sync_conflicts (device_id, seq, entity, record_id, field)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(c.losing.device.to_string())
        .bind(i64::try_from(c.losing.seq).unwrap_or(i64::MAX))
        .bind(entity.as_str())
        .bind(id.to_string())
        .bind(&c.field)
        .execute(ch.conn())
        .await?;
    }
    Ok(())
}

/// Whether an op may change a record's conflicts: a set of an important field (a create
/// comes before any edit, so it never does).
pub(super) fn matters(op: &Op) -> bool {
    matches!(&op.action, OpAction::Set { field, .. } if rules::is_important(op.entity, field))
}

/// One row of `sync_conflicts`.
type Row = (String, i64, String, String, String);

fn parse_id(id: &str) -> Option<OpId> {
    let (device, seq) = id.rsplit_once(':')?;
    Some(OpId { device: device.parse().ok()?, seq: seq.parse().ok()? })
}

impl Store {
    /// Every conflict kept for review, newest first.
    pub async fn sync_conflicts(&self) -> Result<Vec<SyncConflict>> {
        let mut conn = self.pool().acquire().await?;
        let rows: Vec<Row> =
            sqlx::query_as("SELECT device_id, seq, entity, record_id, field FROM sync_conflicts")
                .fetch_all(&mut *conn)
                .await?;
        let mut list = Vec::new();
        for row in rows {
            if let Some(c) = describe(&mut conn, self.device_id(), row).await? {
                list.push(c);
            }
        }
        list.sort_by(|a, b| b.losing_at.cmp(&a.losing_at).then_with(|| a.id.cmp(&b.id)));
        Ok(list)
    }

    /// How many conflicts are listed (for the status indicator: no log read).
    pub(crate) async fn sync_conflict_count(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM sync_conflicts")
            .fetch_one(self.pool())
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Settles a conflict with one new edit of its field: the losing value if `use_losing`,
    /// else the current one. The edit names every concurrent value as overwritten (every
    /// local set does), so the conflict disappears on every device once it is synced.
    pub async fn resolve_conflict(&self, id: &str, use_losing: bool) -> Result<()> {
        let not_found = || Error::NotFound(format!("conflict {id}"));
        let losing_id = parse_id(id).ok_or_else(not_found)?;
        let mut ch = self.change().await?;
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT entity, record_id, field FROM sync_conflicts WHERE device_id = ? AND seq = ?",
        )
        .bind(losing_id.device.to_string())
        .bind(i64::try_from(losing_id.seq).unwrap_or(i64::MAX))
        .fetch_optional(ch.conn())
        .await?;
        let (entity, record, field) = row.ok_or_else(not_found)?;
        let entity = entity_kind(&entity)?;
        let record = crate::text::parse_id(&record)?;
        let value = if use_losing {
            let op = crate::oplog::by_id(ch.conn(), self.device_id(), losing_id).await?;
            set_value(op.as_ref()).ok_or_else(not_found)?
        } else {
            let now = crate::oplog::record(ch.conn(), entity, record).await?;
            now.registers.get(&field).cloned().unwrap_or(Value::Null)
        };
        ch.op(entity, record, OpAction::Set { field, value, prev: None }).await?;
        // The row follows from the ops, as when sync applies an edit.
        sqlx::query("PRAGMA defer_foreign_keys = ON").execute(ch.conn()).await?;
        match entity {
            EntityKind::Customer => {
                super::customer::rebuild(&mut ch, record).await?;
            }
            EntityKind::Deal => {
                super::deal::rebuild(&mut ch, record).await?;
            }
            EntityKind::Interaction => {
                let mut contacted = std::collections::BTreeSet::new();
                super::interaction::rebuild(&mut ch, record, &mut contacted).await?;
                super::interaction::recompute_last_contacted(&mut ch, &contacted).await?;
            }
            _ => {}
        }
        ch.commit().await
    }
}

fn entity_kind(text: &str) -> Result<EntityKind> {
    serde_json::from_value(Value::String(text.to_string()))
        .map_err(|_| Error::Internal(format!("unknown record kind `{text}` in sync_conflicts")))
}

fn set_value(op: Option<&Op>) -> Option<Value> {
    match op.map(|op| &op.action) {
        Some(OpAction::Set { value, .. }) => Some(value.clone()),
        _ => None,
    }
}

/// One listed conflict in words; None when its losing op is no longer in the log.
async fn describe(
    conn: &mut SqliteConnection,
    own: Uuid,
    (device, seq, entity, record, field): Row,
) -> Result<Option<SyncConflict>> {
    let losing_id =
        OpId { device: crate::text::parse_id(&device)?, seq: u64::try_from(seq).unwrap_or(0) };
    let Some(op) = crate::oplog::by_id(conn, own, losing_id).await? else {
        return Ok(None);
    };
    let Some(losing) = set_value(Some(&op)) else {
        return Ok(None);
    };
    let kind = entity_kind(&entity)?;
    let record_id = crate::text::parse_id(&record)?;
    let now = crate::oplog::record(conn, kind, record_id).await?;
    let current = now.registers.get(&field).cloned().unwrap_or(Value::Null);
    let (record_label, customer_id) = label(conn, kind, record_id, &now).await?;
    let losing_at = i64::try_from(op.hlc.millis)
        .ok()
        .and_then(DateTime::from_timestamp_millis)
        .unwrap_or_default();
    Ok(Some(SyncConflict {
        id: format!("{}:{}", losing_id.device, losing_id.seq),
        entity,
        record_id,
        customer_id,
        record_label,
        field_label: field_label(&field).to_string(),
        current: display(conn, &field, &current).await?,
        losing: display(conn, &field, &losing).await?,
        field,
        losing_device: if losing_id.device == own { "this device" } else { "another device" }
            .to_string(),
        losing_at,
    }))
}

/// A register's value as the app shows it: money with its currency, a stage by name.
async fn display(conn: &mut SqliteConnection, field: &str, value: &Value) -> Result<String> {
    Ok(match (field, value) {
        (_, Value::Null) => String::new(),
        ("value", v) => match serde_json::from_value::<crate::money::Money>(v.clone()) {
            Ok(money) => money.to_string(),
            Err(_) => v.to_string(),
        },
        ("stage_id", Value::String(id)) => {
            let name: Option<String> =
                sqlx::query_scalar("SELECT name FROM pipeline_stages WHERE id = ?")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?;
            name.unwrap_or_else(|| "a stage not on this device".into())
        }
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    })
}

/// A customer's name and id, if the customer is here and not deleted.
async fn customer(conn: &mut SqliteConnection, id: Option<&str>) -> Result<Option<(String, Uuid)>> {
    let Some(id) = id else { return Ok(None) };
    let name: Option<String> = sqlx::query_scalar(
        "SELECT display_name FROM customers WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(name.zip(id.parse().ok()))
}

/// What the record is, in words, and the customer to open for it.
async fn label(
    conn: &mut SqliteConnection,
    kind: EntityKind,
    id: Uuid,
    record: &rules::Record,
) -> Result<(String, Option<Uuid>)> {
    let register = |name: &str| record.registers.get(name).and_then(Value::as_str);
    let own = id.to_string();
    let customer_of = match kind {
        EntityKind::Customer => Some(own.as_str()),
        _ => register("customer_id"),
    };
    let owner = customer(conn, customer_of).await?;
    let name = owner.as_ref().map_or("a deleted customer", |(n, _)| n.as_str()).to_string();
    let label = match kind {
        EntityKind::Customer => register("display_name").unwrap_or(&name).to_string(),
        EntityKind::Deal => {
            format!("Deal “{}” ({name})", register("title").unwrap_or("untitled"))
        }
        EntityKind::Interaction => {
            let what = register("kind").unwrap_or("entry");
            let mut what = what.to_string();
            if let Some(first) = what.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            let on = register("occurred_at")
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| format!(" of {}", t.format("%-d %b")))
                .unwrap_or_default();
            format!("{what}{on} on {name}")
        }
        other => other.as_str().to_string(),
    };
    Ok((label, owner.map(|(_, id)| id)))
}
