//! A customer rebuilt from its ops: the row, its emails and phones, its tags. The search
//! indexes follow through the tables' triggers, as they do for local edits.

use rapport_protocol::merges::{Redirects, MERGED_INTO};
use rapport_protocol::rules::NOT_DUPLICATES;
use rapport_protocol::EntityKind;
use serde_json::Value;
use uuid::Uuid;

use crate::customers::{write_contact_points, Labeled};
use crate::error::{Error, Result};
use crate::store::Change;

use super::table::{self, Column, Table};

/// Every customer register that is a column of `customers`, by the name ops use (the
/// column's). The local writers (`customers::write`, `customers::edit`, merges) put the
/// same value in the column and the op.
pub(super) const CUSTOMERS: Table = Table {
    table: "customers",
    entity: EntityKind::Customer,
    columns: &[
        ("kind", Column::Text),
        ("display_name", Column::Text),
        ("given_name", Column::Text),
        ("family_name", Column::Text),
        ("company_id", Column::Text),
        ("title", Column::Text),
        ("lifecycle_stage", Column::TextOr("lead")),
        ("lead_source", Column::Text),
        ("owner", Column::Text),
        ("birthday", Column::Text),
        ("how_we_met", Column::Text),
        ("preferred_channel", Column::Text),
        ("quiet_hours", Column::Json(None)),
        ("keep_in_touch_days", Column::Int),
        ("keep_in_touch_max_days", Column::Int),
        ("notes", Column::Text),
        ("addresses", Column::Json(Some("[]"))),
        ("important_dates", Column::Json(Some("[]"))),
        ("key_facts", Column::Json(Some("[]"))),
        ("custom_fields", Column::Json(Some("{}"))),
        ("nudge_snoozed_until", Column::Text),
        ("merged_into", Column::Text),
    ],
    required: &["kind", "display_name"],
    created_at: true,
    updated_at: true,
    deleted_at: true,
};

/// Rebuilds one customer from every op known of it. False when its first values have not
/// arrived yet (nothing is written until they do).
pub(super) async fn rebuild(ch: &mut Change<'_>, id: Uuid) -> Result<bool> {
    let redirects = super::redirects::load(ch).await?;
    rebuild_with(ch, id, &redirects, false).await
}

/// [`rebuild`] with the team's redirects known: a survivor takes its merged records' late
/// edits, and a merged record is gone unless its redirect gives way to a loop. With
/// `every_column`, columns no op wrote are cleared (a survivor losing a merged record's
/// late edits: they may have been the only writes of a field).
pub(crate) async fn rebuild_with(
    ch: &mut Change<'_>,
    id: Uuid,
    redirects: &Redirects,
    every_column: bool,
) -> Result<bool> {
    let ops = crate::oplog::of_record(ch.conn(), id).await?;
    let first = ops.iter().filter(|op| op.entity == EntityKind::Customer).map(|op| op.hlc).min();
    let late = super::redirects::late_ops(ch, id, redirects).await?;
    let record = super::redirects::with_late(&ops, &late, id);
    if super::erased_person(ch, id, &record).await? {
        return Ok(false);
    }
    let r = &record.registers;
    let merged = r.get(MERGED_INTO).is_some_and(Value::is_string) && !redirects.is_dropped(id);
    let deleted = table::deleted(&record) || merged;
    if !table::upsert_with(ch, &CUSTOMERS, id, &record, first, deleted, every_column)
        .await?
        .written()
    {
        return Ok(false);
    }

    for (field, kind) in [("emails", "email"), ("phones", "phone")] {
        let list: Vec<Labeled> = match r.get(field) {
            Some(v) if !v.is_null() => serde_json::from_value(v.clone())
                .map_err(|e| Error::Internal(format!("customer {id}: {field} in its ops: {e}")))?,
            _ => Vec::new(),
        };
        write_contact_points(ch, id, kind, &list).await?;
    }
    crate::import::apply_photo(ch, id, r.get("photo")).await?;

    let tags: Vec<String> = record
        .elements("tags")
        .into_iter()
        .filter_map(|e| serde_json::from_str::<String>(e).ok())
        .collect();
    let tags_json = serde_json::to_string(&tags).map_err(|e| Error::Internal(e.to_string()))?;
    sqlx::query(
        "DELETE FROM customer_tags WHERE customer_id = ?1
            AND tag NOT IN (SELECT value FROM json_each(?2))",
    )
    .bind(id.to_string())
    .bind(&tags_json)
    .execute(ch.conn())
    .await?;
    sqlx::query(
        "INSERT OR IGNORE INTO customer_tags (customer_id, tag)
         SELECT ?1, value FROM json_each(?2)",
    )
    .bind(id.to_string())
    .bind(&tags_json)
    .execute(ch.conn())
    .await?;
    // Pairs said not to be one person, on any device (never taken back, so only added).
    let own = id.to_string();
    for other in record.elements(NOT_DUPLICATES) {
        match serde_json::from_str::<String>(other) {
            Ok(other) if own < other => {
                crate::hygiene::duplicates::remember_dismissal(ch, id, &other).await?;
            }
            // Not a pair this device would have written (lower id first): ignored.
            _ => {}
        }
    }
    Ok(true)
}
