//! `Store::apply_remote_ops`: one pulled page, in one transaction.

use std::collections::{BTreeSet, HashSet};

use rapport_protocol::{EntityKind, Op};
use serde::Serialize;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::Store;
use serde_json::json;

/// What applying a page of ops did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApplyReport {
    /// Ops kept in the log for the first time.
    pub new: u64,
    /// Ops already known (a page pulled again), or this device's own coming back.
    pub known: u64,
    /// Records rebuilt from their ops.
    pub rebuilt: u64,
    /// Records whose kind this version doesn't rebuild: their ops are kept, and are
    /// applied when it does. Every kind this version knows is rebuilt; the count stays for
    /// kinds a later one adds.
    pub kept_for_later: u64,
}

impl Store {
    /// Takes in ops written by other devices (a pulled page), in one transaction: each op
    /// is kept once, and each record they touch is rebuilt from every op known of it.
    /// `cursor`, the page's place in the team's sequence, is saved in the same
    /// transaction, so a sync stopped at any point resumes from a page fully applied.
    pub async fn apply_remote_ops(&self, ops: &[Op], cursor: Option<u64>) -> Result<ApplyReport> {
        let mut ch = self.change().await?;
        let own = ch.device().to_string();
        let mut report = ApplyReport::default();
        let mut touched: Vec<(EntityKind, Uuid)> = Vec::new();
        let mut seen = HashSet::new();
        // Records whose conflicts may have changed (see `conflicts::matters`).
        let mut contested: Vec<(EntityKind, Uuid)> = Vec::new();
        let mut contested_seen = HashSet::new();
        // The redirects before this page: a merge, an undo or a late edit that arrives
        // changes what follows them (see `redirects::settle`).
        let redirects = super::redirects::load(&mut ch).await?;
        let fresh = insert_new(&mut ch, ops, &own).await?;
        report.known = ops.len() as u64 - fresh.len() as u64;
        for op in fresh {
            report.new += 1;
            ch.observe(op.hlc);
            if seen.insert((op.entity, op.entity_id)) {
                touched.push((op.entity, op.entity_id));
            }
            if super::conflicts::matters(op) && contested_seen.insert((op.entity, op.entity_id)) {
                contested.push((op.entity, op.entity_id));
            }
        }
        // A person may arrive before their company, or a merged record before its
        // survivor: references are checked when the page commits, not row by row.
        sqlx::query("PRAGMA defer_foreign_keys = ON").execute(ch.conn()).await?;
        // Customers whose "last contacted" follows from their timelines, once all are in.
        let mut contacted = BTreeSet::new();
        let mut stages = false;
        // New customers in bulk (a bootstrap page); the rest one by one below.
        let customers: Vec<Uuid> =
            touched.iter().filter(|(e, _)| *e == EntityKind::Customer).map(|(_, id)| *id).collect();
        if customers.len() >= super::bulk::BULK_MIN {
            let (written, rest) = super::bulk::new_customers(&mut ch, &customers).await?;
            report.rebuilt += written;
            let rest: HashSet<Uuid> = rest.into_iter().collect();
            touched.retain(|(e, id)| *e != EntityKind::Customer || rest.contains(id));
        }
        for (entity, id) in touched {
            let rebuilt = match entity {
                EntityKind::Customer => {
                    super::customer::rebuild_with(&mut ch, id, &redirects, false).await?
                }
                EntityKind::Interaction => {
                    super::interaction::rebuild(&mut ch, id, &mut contacted).await?
                }
                EntityKind::Followup => super::followup::rebuild(&mut ch, id).await?,
                EntityKind::Deal => super::deal::rebuild(&mut ch, id).await?,
                EntityKind::PipelineStage => {
                    stages = true;
                    super::stage::rebuild(&mut ch, id).await?
                }
                EntityKind::ScoringRule | EntityKind::FollowupRule => {
                    super::rules::rebuild(&mut ch, entity, id).await?
                }
            };
            report.rebuilt += u64::from(rebuilt);
            if !rebuilt {
                // Not here (yet, or erased): nothing of it is listed.
                contested.retain(|c| *c != (entity, id));
            }
        }
        contacted.extend(super::redirects::settle(&mut ch, &redirects, &customers).await?);
        super::interaction::recompute_last_contacted(&mut ch, &contacted).await?;
        for (entity, id) in contested {
            super::conflicts::refresh(&mut ch, entity, id).await?;
        }
        if stages {
            super::stage::settle_names(&mut ch).await?;
        }
        // Someone was erased (their tombstone arrived, or a record of theirs did).
        let erased = ch.erased;
        if erased {
            crate::privacy::settle(&mut ch).await?;
        }
        if let Some(cursor) = cursor {
            sqlx::query("UPDATE sync_state SET cursor = max(cursor, ?)")
                .bind(i64::try_from(cursor).unwrap_or(i64::MAX))
                .execute(ch.conn())
                .await?;
        }
        ch.commit().await?;
        if erased {
            self.truncate_wal().await?;
        }
        Ok(report)
    }
}

/// Keeps the ops not yet in the log (other devices' only, each once), in two statements
/// however many there are; returns them.
async fn insert_new<'o>(
    ch: &mut crate::store::Change<'_>,
    ops: &'o [Op],
    own: &str,
) -> Result<Vec<&'o Op>> {
    let theirs: Vec<&Op> = ops.iter().filter(|op| op.device.to_string() != own).collect();
    let keys: Vec<(String, i64)> = theirs
        .iter()
        .map(|op| (op.device.to_string(), i64::try_from(op.seq).unwrap_or(i64::MAX)))
        .collect();
    let keys_json = serde_json::to_string(&keys).map_err(|e| Error::Internal(e.to_string()))?;
    let known: Vec<(String, i64)> = sqlx::query_as(
        "SELECT r.device_id, r.seq FROM json_each(?1) j
         JOIN remote_ops r ON r.device_id = j.value ->> 0 AND r.seq = j.value ->> 1",
    )
    .bind(keys_json)
    .fetch_all(ch.conn())
    .await?;
    let mut seen: HashSet<(String, i64)> = known.into_iter().collect();
    let mut fresh = Vec::new();
    let mut rows = Vec::new();
    for (op, key) in theirs.into_iter().zip(keys) {
        if !seen.insert(key.clone()) {
            continue;
        }
        let (action, value, observed) = crate::oplog::columns(&op.action);
        rows.push(json!([
            key.0,
            key.1,
            op.hlc.to_string(),
            op.entity.as_str(),
            op.entity_id.to_string(),
            action,
            op.action.field(),
            value,
            observed
        ]));
        fresh.push(op);
    }
    crate::bulk::insert_json_arrays(
        ch.conn(),
        "INSERT OR IGNORE INTO remote_ops
            (device_id, seq, hlc, entity, entity_id, action, field, value, observed)",
        9,
        &rows,
    )
    .await?;
    Ok(fresh)
}
