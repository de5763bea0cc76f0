//! Scoring rules and follow-up rules: shared by the team, rebuilt like any record.

use rapport_protocol::EntityKind;
use uuid::Uuid;

use crate::error::Result;
use crate::store::Change;

use super::table::{self, Column, Table};

/// The registers `add_scoring_rule`, tag renames and deletes write.
const SCORING_RULES: Table = Table {
    table: "scoring_rules",
    entity: EntityKind::ScoringRule,
    columns: &[("name", Column::Text), ("condition", Column::Json(None)), ("points", Column::Int)],
    required: &["name", "condition", "points"],
    created_at: true,
    updated_at: false,
    deleted_at: true,
};

/// The registers `add_followup_rule` and deletes write.
const FOLLOWUP_RULES: Table = Table {
    table: "followup_rules",
    entity: EntityKind::FollowupRule,
    columns: &[("name", Column::Text), ("trigger", Column::Json(None)), ("title", Column::Text)],
    required: &["name", "trigger", "title"],
    created_at: true,
    updated_at: false,
    deleted_at: true,
};

pub(super) async fn rebuild(ch: &mut Change<'_>, entity: EntityKind, id: Uuid) -> Result<bool> {
    let t = match entity {
        EntityKind::ScoringRule => &SCORING_RULES,
        _ => &FOLLOWUP_RULES,
    };
    let (record, first) = crate::oplog::record_and_birth(ch.conn(), entity, id).await?;
    let deleted = table::deleted(&record);
    Ok(table::upsert(ch, t, id, &record, first, deleted).await?.written())
}
