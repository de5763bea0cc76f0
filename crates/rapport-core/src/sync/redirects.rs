//! Merge redirects as every device derives them (`rapport_protocol::merges`): which merged
//! records lead where (loops broken the same way everywhere), the late edits a survivor
//! takes from its merged records, and the timeline entries, follow-ups, deals and people
//! that follow a redirect when it appears, changes or is undone.

use std::collections::{BTreeMap, BTreeSet};

use rapport_protocol::merges::{self, MergeSeen, Redirects, MERGED_INTO, MERGE_SEEN};
use rapport_protocol::rules::{self, Record};
use rapport_protocol::{EntityKind, Op, OpAction};
use serde_json::Value;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::Change;
use crate::text::parse_id;

/// What points at a customer and follows it into a merge: (table, column, entity).
pub(crate) const FOLLOWERS: [(&str, &str, EntityKind); 4] = [
    ("interactions", "customer_id", EntityKind::Interaction),
    ("followups", "customer_id", EntityKind::Followup),
    ("deals", "customer_id", EntityKind::Deal),
    ("customers", "company_id", EntityKind::Customer),
];

/// The team's redirects as this device knows them: each customer's `merged_into` (as its
/// ops left it; the column holds it even when a loop makes it give way).
pub(crate) async fn load(ch: &mut Change<'_>) -> Result<Redirects> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, merged_into FROM customers WHERE merged_into IS NOT NULL")
            .fetch_all(ch.conn())
            .await?;
    let mut edges = BTreeMap::new();
    for (id, into) in rows {
        edges.insert(parse_id(&id)?, parse_id(&into)?);
    }
    // Only the edges on a loop are asked for their merge's stamp (rare: crossed merges).
    let mut stamps = BTreeMap::new();
    for id in merges::on_loops(&edges) {
        stamps.insert(id, merge_stamp(ch, id).await?);
    }
    Ok(Redirects::new(edges, |id| stamps.get(&id).copied().unwrap_or_default()))
}

/// The stamp of the `merged_into` write that won on `id`.
async fn merge_stamp(ch: &mut Change<'_>, id: Uuid) -> Result<merges::Stamp> {
    let sets = crate::oplog::sets_of(ch.conn(), id, MERGED_INTO).await?;
    sets.iter().map(rules::stamp).max().ok_or_else(|| {
        Error::Internal(format!("customer {id}: merged, but no merge is in the log"))
    })
}

/// The ops that `survivor` takes from the records merged into it: each one's late edits
/// (see `merges::is_late`), as ops of the survivor.
pub(crate) async fn late_ops(
    ch: &mut Change<'_>,
    survivor: Uuid,
    redirects: &Redirects,
) -> Result<Vec<Vec<Op>>> {
    let mut out = Vec::new();
    for &source in redirects.sources(survivor) {
        let ops = crate::oplog::of_record(ch.conn(), source).await?;
        let record = rules::materialize(ops.iter())
            .remove(&(EntityKind::Customer, source))
            .unwrap_or_default();
        let Some(into) = record.registers.get(MERGED_INTO).and_then(Value::as_str) else {
            continue;
        };
        let seen: Option<MergeSeen> = record
            .registers
            .get(MERGE_SEEN)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .filter(|s: &MergeSeen| s.into.to_string() == into);
        let merge = ops
            .iter()
            .filter(|op| op.action.field() == MERGED_INTO)
            .map(rules::stamp)
            .max()
            .unwrap_or_default();
        // Only a register's latest write counts (a set's adds and removes all do): what a
        // compacted snapshot keeps, so a device bootstrapped from one agrees.
        let mut latest: BTreeMap<&str, merges::Stamp> = BTreeMap::new();
        for op in &ops {
            for field in op.action.fields() {
                let at = latest.entry(field).or_insert(rules::stamp(op));
                *at = (*at).max(rules::stamp(op));
            }
        }
        let counts = |op: &Op| match &op.action {
            OpAction::Set { field, .. } => latest.get(field.as_str()) == Some(&rules::stamp(op)),
            _ => true,
        };
        let late: Vec<Op> = ops
            .iter()
            .filter(|op| op.entity == EntityKind::Customer)
            .filter(|op| counts(op) && merges::is_late(op, seen.as_ref(), merge))
            .cloned()
            .map(|mut op| {
                op.entity_id = survivor;
                op
            })
            .collect();
        if !late.is_empty() {
            out.push(late);
        }
    }
    Ok(out)
}

/// A survivor's record: its own ops and its merged records' late edits, last writer
/// winning; lists (emails, phones, addresses…) keep the items of both, so a late edit
/// adds what it brought without dropping what the survivor had.
pub(crate) fn with_late(own: &[Op], late: &[Vec<Op>], id: Uuid) -> Record {
    let key = (EntityKind::Customer, id);
    let mine = rules::materialize(own.iter()).remove(&key).unwrap_or_default();
    if late.is_empty() {
        return mine;
    }
    let all = own.iter().chain(late.iter().flatten());
    let mut record = rules::materialize(all).remove(&key).unwrap_or_default();
    for ops in late {
        let theirs = rules::materialize(ops.iter()).remove(&key).unwrap_or_default();
        for (field, value) in &theirs.registers {
            let Value::Array(items) = value else { continue };
            let mut list = match mine.registers.get(field) {
                Some(Value::Array(a)) => a.clone(),
                _ => Vec::new(),
            };
            for item in items {
                if !list.iter().any(|have| same_item(have, item)) {
                    list.push(item.clone());
                }
            }
            record.registers.insert(field.clone(), Value::Array(list));
        }
    }
    record
}

/// Two list items are one if equal, or (labelled emails and phones) of one value.
fn same_item(a: &Value, b: &Value) -> bool {
    a == b || (a.get("value").is_some() && a.get("value") == b.get("value"))
}

/// Settles what follows from redirects that changed in this change (`before` is how they
/// were at its start): records that now give way to a loop (or no longer do) are rebuilt,
/// survivors are rebuilt with their merged records' late edits (`touched`: customers
/// whose ops arrived, whose survivors may have new late edits), the timeline entries,
/// follow-ups, deals and people of a record whose redirect changed are rebuilt, and
/// whatever points at a merged record is pointed at its survivor. Returns the customers
/// whose timelines changed.
pub(crate) async fn settle(
    ch: &mut Change<'_>,
    before: &Redirects,
    touched: &[Uuid],
) -> Result<BTreeSet<String>> {
    let after = load(ch).await?;
    let mut contacted = BTreeSet::new();
    if before.is_empty() && after.is_empty() {
        return Ok(contacted);
    }
    let ids: BTreeSet<Uuid> = before.merged().chain(after.merged()).collect();
    let changed: BTreeSet<Uuid> = ids
        .into_iter()
        .filter(|id| {
            before.target(*id) != after.target(*id)
                || before.is_dropped(*id) != after.is_dropped(*id)
        })
        .collect();
    // Survivors that lost a merged record are rewritten whole: a late edit may have been
    // the only write of one of their fields.
    let mut again: BTreeMap<Uuid, bool> = changed.iter().map(|id| (*id, false)).collect();
    for id in changed.iter().chain(touched) {
        if let Some(old) = before.target(*id) {
            *again.entry(old).or_default() |= after.target(*id) != Some(old);
        }
        if let Some(new) = after.target(*id) {
            again.entry(new).or_default();
        }
    }
    for (id, whole) in again {
        super::customer::rebuild_with(ch, id, &after, whole).await?;
    }
    if !changed.is_empty() {
        let mut places = changed.clone();
        for id in &changed {
            places.extend(before.target(*id));
            places.extend(after.target(*id));
        }
        for (entity, id) in followers_of(ch, &changed, &places).await? {
            match entity {
                EntityKind::Interaction => {
                    super::interaction::rebuild(ch, id, &mut contacted).await?;
                }
                EntityKind::Followup => {
                    super::followup::rebuild(ch, id).await?;
                }
                EntityKind::Deal => {
                    super::deal::rebuild(ch, id).await?;
                }
                _ => {
                    super::customer::rebuild_with(ch, id, &after, false).await?;
                }
            };
        }
        for id in &changed {
            contacted.insert(id.to_string());
            contacted.extend(before.target(*id).map(|t| t.to_string()));
        }
    }
    contacted.extend(repoint(ch, &after).await?);
    Ok(contacted)
}

/// The records whose own ops point them at one of `ids` (as their customer or company).
/// They are stored at one of `places` (the records `ids` led to before, lead to now, or
/// themselves), so only those rows' ops are read, by the log's record index.
async fn followers_of(
    ch: &mut Change<'_>,
    ids: &BTreeSet<Uuid>,
    places: &BTreeSet<Uuid>,
) -> Result<Vec<(EntityKind, Uuid)>> {
    let json = |ids: &BTreeSet<Uuid>| {
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        serde_json::to_string(&ids).map_err(|e| Error::Internal(e.to_string()))
    };
    let (ids, places) = (json(ids)?, json(places)?);
    let mut candidates: Vec<String> = Vec::new();
    for (table, col, _) in FOLLOWERS {
        // Table and column names come from the constant above, never from input.
        let found: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT id FROM {table} WHERE {col} IN (SELECT value FROM json_each(?1))"
        ))
        .bind(&places)
        .fetch_all(ch.conn())
        .await?;
        candidates.extend(found);
    }
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let candidates =
        serde_json::to_string(&candidates).map_err(|e| Error::Internal(e.to_string()))?;
    // A set's value is JSON text ("\"<id>\""); a create holds the fields as an object.
    let rows: Vec<(String, String)> = sqlx::query_as(
        "WITH wanted(id) AS (SELECT value FROM json_each(?1)),
              these(id) AS (SELECT value FROM json_each(?2)),
              log AS (SELECT entity, entity_id, action, field, value FROM ops
                        WHERE entity_id IN (SELECT id FROM these)
                      UNION ALL SELECT entity, entity_id, action, field, value FROM remote_ops
                        WHERE entity_id IN (SELECT id FROM these))
         SELECT DISTINCT entity, entity_id FROM log
         WHERE (action = 'set' AND field IN ('customer_id', 'company_id')
                AND value ->> '$' IN (SELECT id FROM wanted))
            OR (action = 'create' AND (value ->> '$.customer_id' IN (SELECT id FROM wanted)
                                    OR value ->> '$.company_id' IN (SELECT id FROM wanted)))",
    )
    .bind(ids)
    .bind(candidates)
    .fetch_all(ch.conn())
    .await?;
    let mut out = Vec::new();
    for (entity, id) in rows {
        let entity: EntityKind = serde_json::from_value(Value::String(entity.clone()))
            .map_err(|_| Error::Internal(format!("entity {entity} in the log")))?;
        out.push((entity, parse_id(&id)?));
    }
    Ok(out)
}

/// Points whatever points at a merged record at the record it leads to. Returns the
/// customers that got timeline entries this way.
pub(crate) async fn repoint(ch: &mut Change<'_>, redirects: &Redirects) -> Result<Vec<String>> {
    let map: Vec<(String, String)> = redirects
        .merged()
        .filter_map(|id| redirects.target(id).map(|t| (id.to_string(), t.to_string())))
        .collect();
    if map.is_empty() {
        return Ok(Vec::new());
    }
    let json = serde_json::to_string(&map).map_err(|e| Error::Internal(e.to_string()))?;
    let mut contacted = Vec::new();
    for (table, col, _) in FOLLOWERS {
        // Table and column names come from the constant above, never from input.
        let moved: Vec<String> = sqlx::query_scalar(&format!(
            "UPDATE {table} SET {col} = (SELECT value ->> 1 FROM json_each(?1)
                                         WHERE value ->> 0 = {table}.{col})
             WHERE {col} IN (SELECT value ->> 0 FROM json_each(?1))
             RETURNING {col}"
        ))
        .bind(&json)
        .fetch_all(ch.conn())
        .await?;
        if table == "interactions" {
            contacted.extend(moved);
        }
    }
    Ok(contacted)
}
