//! A timeline entry rebuilt from its ops, and its customer's "last contacted", which no op
//! carries: every device derives it from the timeline it holds.

use std::collections::BTreeSet;

use rapport_protocol::EntityKind;
use serde_json::Value;
use uuid::Uuid;

use crate::error::Result;
use crate::store::Change;

use super::table::{self, Column, Table};

/// The registers `timeline::insert` and `resolve_complaint` write.
const INTERACTIONS: Table = Table {
    table: "interactions",
    entity: EntityKind::Interaction,
    columns: &[
        ("customer_id", Column::Text),
        ("kind", Column::Text),
        ("occurred_at", Column::Text),
        ("summary", Column::Text),
        ("body", Column::Text),
        ("amount", Column::Money("amount_minor", "currency")),
        ("score", Column::Int),
        ("resolved_at", Column::Text),
    ],
    required: &["customer_id", "kind", "occurred_at", "summary"],
    created_at: true,
    updated_at: false,
    deleted_at: true,
};

/// Rebuilds one entry. Its customer before and after (a merge moves entries) go in
/// `customers`, whose last contact is recomputed once the page is in.
pub(super) async fn rebuild(
    ch: &mut Change<'_>,
    id: Uuid,
    customers: &mut BTreeSet<String>,
) -> Result<bool> {
    let (record, first) =
        crate::oplog::record_and_birth(ch.conn(), INTERACTIONS.entity, id).await?;
    if super::erased(ch, INTERACTIONS.entity, id, &record).await? {
        return Ok(false);
    }
    let before: Option<String> =
        sqlx::query_scalar("SELECT customer_id FROM interactions WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(ch.conn())
            .await?;
    let deleted = table::deleted(&record);
    let written = table::upsert(ch, &INTERACTIONS, id, &record, first, deleted).await?.written();
    if written {
        customers.extend(before);
        customers
            .extend(record.registers.get("customer_id").and_then(Value::as_str).map(String::from));
    }
    Ok(written)
}

/// "Last contacted" as local writes keep it: the latest entry of any kind on the
/// customer's timeline (`timeline::insert` raises it; a merge takes both records' latest).
pub(super) async fn recompute_last_contacted(
    ch: &mut Change<'_>,
    customers: &BTreeSet<String>,
) -> Result<()> {
    for id in customers {
        sqlx::query(
            "UPDATE customers SET last_contacted_at = (SELECT max(occurred_at) FROM interactions
                WHERE customer_id = ?1 AND deleted_at IS NULL)
             WHERE id = ?1",
        )
        .bind(id)
        .execute(ch.conn())
        .await?;
    }
    Ok(())
}
