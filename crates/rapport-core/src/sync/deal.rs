//! A deal rebuilt from its ops, with its stage history (`deal_stage_changes`, which
//! insights count): one change per op that wrote the stage, in the order every device
//! agrees on, at that op's clock. A local move writes the same row (`deals::record_stage`,
//! at the device's time, which is its op's clock while the clock runs forward), so every
//! device holding the same ops holds the same history. A device started from a compacted snapshot only has the latest stage
//! ops, so its history is shorter.

use chrono::DateTime;
use rapport_protocol::rules::stamp;
use rapport_protocol::{EntityKind, Op, OpAction};
use serde_json::Value;
use uuid::Uuid;

use crate::error::Result;
use crate::store::Change;

use super::table::{self, Column, Table};

/// The registers `add_deal`, `move_deal`, `close_deal` and the demo's deals write.
const DEALS: Table = Table {
    table: "deals",
    entity: EntityKind::Deal,
    columns: &[
        ("customer_id", Column::Text),
        ("title", Column::Text),
        ("value", Column::Money("value_minor", "currency")),
        ("stage_id", Column::Text),
        ("status", Column::TextOr("open")),
        ("expected_close", Column::Text),
        ("closed_at", Column::Text),
        ("lost_reason", Column::Text),
    ],
    required: &["customer_id", "title", "value", "stage_id"],
    created_at: true,
    updated_at: true,
    deleted_at: true,
};

pub(super) async fn rebuild(ch: &mut Change<'_>, id: Uuid) -> Result<bool> {
    let (record, first) = crate::oplog::record_and_birth(ch.conn(), DEALS.entity, id).await?;
    if super::erased(ch, DEALS.entity, id, &record).await? {
        return Ok(false);
    }
    let deleted = table::deleted(&record);
    if !table::upsert(ch, &DEALS, id, &record, first, deleted).await?.written() {
        return Ok(false);
    }
    let mut ops = crate::oplog::of_record(ch.conn(), id).await?;
    ops.retain(|op| op.entity == EntityKind::Deal && stage_of(op).is_some());
    ops.sort_by_key(stamp);
    sqlx::query("DELETE FROM deal_stage_changes WHERE deal_id = ?")
        .bind(id.to_string())
        .execute(ch.conn())
        .await?;
    let mut from: Option<&str> = None;
    for op in &ops {
        let to = stage_of(op);
        let at = i64::try_from(op.hlc.millis).ok().and_then(DateTime::from_timestamp_millis);
        sqlx::query(
            "INSERT INTO deal_stage_changes (deal_id, from_stage, to_stage, changed_at)
             VALUES (?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(from)
        .bind(to)
        .bind(at.unwrap_or_else(|| ch.now()).to_rfc3339())
        .execute(ch.conn())
        .await?;
        from = to;
    }
    Ok(true)
}

/// The stage an op puts the deal in, if it writes the stage.
fn stage_of(op: &Op) -> Option<&str> {
    match &op.action {
        OpAction::Set { field, value, .. } if field == "stage_id" => value.as_str(),
        OpAction::Create { fields } => fields.get("stage_id").and_then(Value::as_str),
        _ => None,
    }
}
