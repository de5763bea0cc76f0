//! Many new customers rebuilt with a few statements: what a bootstrap page mostly is.
//!
//! The per-record rebuild ([`super::customer::rebuild`]) costs about ten statements a
//! customer, and through sqlx each is a round trip to the connection's worker thread; a page
//! of a thousand customers paid ten thousand. Here a page's customers that this device
//! doesn't have yet are read with one query, materialized in memory by the same
//! `rules::materialize`, and written like the import writes: one statement per table.
//!
//! Only the plain case is done here: a customer not yet in the store, with no record merged
//! into it, not erased here, whose ops write only registers this file knows. Anything else
//! (an existing row, a merge, a photo, an erasure tombstone, a register a later version
//! added) goes the per-record way, so there is one place that knows each special case.

use std::collections::{HashMap, HashSet};

use rapport_protocol::merges::MERGED_INTO;
use rapport_protocol::rules::{self, Record};
use rapport_protocol::{EntityKind, Hlc};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::customers::Labeled;
use crate::error::{Error, Result};
use crate::store::Change;
use crate::text::{normalize_email, normalize_phone};

use super::customer::CUSTOMERS;
use super::table::{self, NewRow};

/// Below this many customers in a page, the per-record way is as quick.
pub(super) const BULK_MIN: usize = 16;

/// Whether the record's registers are all ones the bulk insert writes.
fn plain(record: &Record) -> bool {
    let known = |k: &str| CUSTOMERS.columns.iter().any(|(c, _)| *c == k);
    record.registers.iter().all(|(k, v)| match k.as_str() {
        MERGED_INTO => v.is_null(),
        "emails" | "phones" | "deleted" => true,
        other => known(other),
    }) && record.sets.keys().all(|f| f == "tags")
}

fn labeled(id: Uuid, field: &str, v: Option<&Value>) -> Result<Vec<Labeled>> {
    match v {
        Some(v) if !v.is_null() => serde_json::from_value(v.clone())
            .map_err(|e| Error::Internal(format!("customer {id}: {field} in its ops: {e}"))),
        _ => Ok(Vec::new()),
    }
}

/// Writes the customers among `ids` that this device doesn't have yet, in bulk. Returns how
/// many it wrote and the ids left for the per-record rebuild.
pub(super) async fn new_customers(ch: &mut Change<'_>, ids: &[Uuid]) -> Result<(u64, Vec<Uuid>)> {
    let all: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let all = serde_json::to_string(&all).map_err(|e| Error::Internal(e.to_string()))?;
    // Rows that exist, survivors of merges, and people erased here: the per-record way.
    let taken: HashSet<String> = sqlx::query_scalar(
        "SELECT id FROM customers WHERE id IN (SELECT value FROM json_each(?1))
         UNION SELECT merged_into FROM customers
            WHERE merged_into IN (SELECT value FROM json_each(?1))
         UNION SELECT id FROM erased_customers WHERE id IN (SELECT value FROM json_each(?1))",
    )
    .bind(&all)
    .fetch_all(ch.conn())
    .await?
    .into_iter()
    .collect();
    let mut rest: Vec<Uuid> = Vec::new();
    let fresh: Vec<Uuid> = ids
        .iter()
        .copied()
        .filter(|id| {
            let new = !taken.contains(&id.to_string());
            if !new {
                rest.push(*id);
            }
            new
        })
        .collect();

    let ops = crate::oplog::of_records(ch.conn(), &fresh).await?;
    let mut births: HashMap<Uuid, Hlc> = HashMap::new();
    for op in ops.iter().filter(|op| op.entity == EntityKind::Customer) {
        let at = births.entry(op.entity_id).or_insert(op.hlc);
        *at = (*at).min(op.hlc);
    }
    let records = rules::materialize(ops.iter());
    let mut rows = Vec::with_capacity(fresh.len());
    for id in fresh {
        match records.get(&(EntityKind::Customer, id)) {
            Some(record) if plain(record) => rows.push(NewRow {
                id,
                record,
                first: births.get(&id).copied(),
                deleted: table::deleted(record),
            }),
            _ => rest.push(id),
        }
    }
    // Indexed for search once the page's rows are in, as an import does: the triggers
    // would re-index each customer for every email, phone and tag.
    let suspended = crate::import::search_index::suspend(ch.conn()).await?;
    let written = table::insert_new(ch, &CUSTOMERS, &rows).await?;
    let written_set: HashSet<Uuid> = written.iter().copied().collect();

    let mut points = Vec::new();
    let mut tags = Vec::new();
    for row in rows.iter().filter(|r| written_set.contains(&r.id)) {
        let (id, r) = (row.id, &row.record.registers);
        for (field, kind) in [("emails", "email"), ("phones", "phone")] {
            for (pos, v) in labeled(id, field, r.get(field))?.into_iter().enumerate() {
                let normalized = match kind {
                    "email" => normalize_email(&v.value),
                    _ => normalize_phone(&v.value),
                };
                points.push(json!([id.to_string(), kind, pos, v.label, v.value, normalized]));
            }
        }
        for tag in row.record.elements("tags") {
            if let Ok(tag) = serde_json::from_str::<String>(tag) {
                tags.push(json!([id.to_string(), tag]));
            }
        }
    }
    crate::bulk::insert_json_arrays(
        ch.conn(),
        "INSERT INTO contact_points (customer_id, kind, position, label, value, normalized)",
        6,
        &points,
    )
    .await?;
    crate::bulk::insert_json_arrays(
        ch.conn(),
        "INSERT OR IGNORE INTO customer_tags (customer_id, tag)",
        2,
        &tags,
    )
    .await?;
    crate::import::search_index::resume(ch.conn(), suspended).await?;
    Ok((written.len() as u64, rest))
}
