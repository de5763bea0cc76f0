//! A follow-up rebuilt from its ops. One a rule made carries the rule's key, which only one
//! follow-up may hold: rule follow-ups now take their id from the key, so two devices
//! running the same rule make the same record, but two made before that (two ids, one
//! key) would break the unique index. The smaller id keeps the key and shows; the other
//! is hidden here as a duplicate, on every device alike.

use rapport_protocol::EntityKind;
use serde_json::Value;
use uuid::Uuid;

use crate::error::Result;
use crate::store::Change;

use super::table::{self, Column, Table};

/// The registers `add_followup`, `complete_followup`, `snooze_followup` and the rules'
/// `insert_once` write; `rule_key` is set after the row (see [`rebuild`]).
const FOLLOWUPS: Table = Table {
    table: "followups",
    entity: EntityKind::Followup,
    columns: &[
        ("customer_id", Column::Text),
        ("title", Column::Text),
        ("due_at", Column::Text),
        ("snoozed_until", Column::Text),
        ("done_at", Column::Text),
    ],
    required: &["customer_id", "title", "due_at"],
    created_at: true,
    updated_at: false,
    deleted_at: true,
};

pub(super) async fn rebuild(ch: &mut Change<'_>, id: Uuid) -> Result<bool> {
    let (record, first) = crate::oplog::record_and_birth(ch.conn(), FOLLOWUPS.entity, id).await?;
    if super::erased(ch, FOLLOWUPS.entity, id, &record).await? {
        return Ok(false);
    }
    let deleted = table::deleted(&record);
    if !table::upsert(ch, &FOLLOWUPS, id, &record, first, deleted).await?.written() {
        return Ok(false);
    }
    let Some(key) = record.registers.get("rule_key").and_then(Value::as_str) else {
        return Ok(true);
    };
    let me = id.to_string();
    let holder: Option<String> =
        sqlx::query_scalar("SELECT id FROM followups WHERE rule_key = ? AND id <> ?")
            .bind(key)
            .bind(&me)
            .fetch_optional(ch.conn())
            .await?;
    let now = ch.now().to_rfc3339();
    let hide =
        "UPDATE followups SET rule_key = NULL, deleted_at = coalesce(deleted_at, ?) WHERE id = ?";
    match holder {
        Some(other) if other < me => {
            sqlx::query(hide).bind(&now).bind(&me).execute(ch.conn()).await?;
        }
        other => {
            if let Some(other) = other {
                sqlx::query(hide).bind(&now).bind(&other).execute(ch.conn()).await?;
            }
            sqlx::query("UPDATE followups SET rule_key = ? WHERE id = ?")
                .bind(key)
                .bind(&me)
                .execute(ch.conn())
                .await?;
        }
    }
    Ok(true)
}
