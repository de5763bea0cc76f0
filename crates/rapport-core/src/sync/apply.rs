//! `Store::apply_remote_ops`: one pulled page, in one transaction.

use std::collections::{BTreeSet, HashSet};

use rapport_protocol::{EntityKind, Op};
use serde::Serialize;
use uuid::Uuid;

use crate::error::Result;
use crate::Store;

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
        for op in ops {
            if op.device.to_string() == own || !insert(&mut ch, op).await? {
                report.known += 1;
                continue;
            }
            report.new += 1;
            ch.observe(op.hlc);
            if seen.insert((op.entity, op.entity_id)) {
                touched.push((op.entity, op.entity_id));
            }
        }
        // A person may arrive before their company, or a merged record before its
        // survivor: references are checked when the page commits, not row by row.
        sqlx::query("PRAGMA defer_foreign_keys = ON").execute(ch.conn()).await?;
        // Customers whose "last contacted" follows from their timelines, once all are in.
        let mut contacted = BTreeSet::new();
        let mut stages = false;
        for (entity, id) in touched {
            let rebuilt = match entity {
                EntityKind::Customer => super::customer::rebuild(&mut ch, id).await?,
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
        }
        super::interaction::recompute_last_contacted(&mut ch, &contacted).await?;
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

/// Keeps one op in the log; false when it was already there.
async fn insert(ch: &mut crate::store::Change<'_>, op: &Op) -> Result<bool> {
    let (action, value, observed) = crate::oplog::columns(&op.action);
    let n = sqlx::query(
        "INSERT INTO remote_ops
            (device_id, seq, hlc, entity, entity_id, action, field, value, observed)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(op.device.to_string())
    .bind(i64::try_from(op.seq).unwrap_or(i64::MAX))
    .bind(op.hlc.to_string())
    .bind(op.entity.as_str())
    .bind(op.entity_id.to_string())
    .bind(action)
    .bind(op.action.field())
    .bind(value)
    .bind(observed)
    .execute(ch.conn())
    .await?
    .rows_affected();
    Ok(n == 1)
}
