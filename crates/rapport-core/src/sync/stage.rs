//! Pipeline stages rebuilt from their ops, and their names kept unique.
//!
//! The default stages have the same fixed ids on every device (migration 2), so edits to
//! them are edits to one record everywhere; their first values are the migration's, which
//! is why an existing row takes only the registers ops wrote.
//!
//! Names are unique (regardless of case, as `add_stage` checks), but two devices may each
//! add a stage with the same name. Each stage keeps the name its ops give it (or the
//! migration's); among stages wanting one name, the smallest id shows it and the others
//! show "Name (2)", "Name (3)"… in id order. That depends only on the set of stages, so
//! every device shows the same names, whatever order the ops came in; renaming either one
//! frees the name.

use std::collections::{BTreeMap, BTreeSet};

use rapport_protocol::EntityKind;
use serde_json::Value;
use uuid::Uuid;

use crate::error::Result;
use crate::store::Change;

use super::table::{self, Column, Table};

/// The registers `add_stage` and `edit_stage` write. The name is settled afterwards
/// ([`settle_names`]).
const STAGES: Table = Table {
    table: "pipeline_stages",
    entity: EntityKind::PipelineStage,
    columns: &[("position", Column::Int), ("probability", Column::Int)],
    required: &["name", "position", "probability"],
    created_at: false,
    updated_at: false,
    deleted_at: false,
};

/// Migration 2's stages: their names when no op has renamed them.
const DEFAULTS: &[(&str, &str)] = &[
    ("0190b3c0-0000-7000-8000-000000000001", "Lead"),
    ("0190b3c0-0000-7000-8000-000000000002", "Qualified"),
    ("0190b3c0-0000-7000-8000-000000000003", "Proposal"),
    ("0190b3c0-0000-7000-8000-000000000004", "Negotiation"),
];

/// A name no real one can be: a new row holds it until its name is settled.
fn placeholder(id: &str) -> String {
    format!("\u{1}{id}")
}

pub(super) async fn rebuild(ch: &mut Change<'_>, id: Uuid) -> Result<bool> {
    let (record, first) = crate::oplog::record_and_birth(ch.conn(), STAGES.entity, id).await?;
    let r = &record.registers;
    if STAGES.required.iter().all(|f| r.get(*f).is_some_and(|v| !v.is_null())) {
        // A new stage holds a placeholder name until [`settle_names`] gives it its own.
        sqlx::query(
            "INSERT INTO pipeline_stages (id, name, position, probability) VALUES (?, ?, 0, 0)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(id.to_string())
        .bind(placeholder(&id.to_string()))
        .execute(ch.conn())
        .await?;
    }
    Ok(table::upsert(ch, &STAGES, id, &record, first, false).await?.written())
}

/// Gives every stage the name it shows (see the module docs), after a page's stages are
/// rebuilt.
pub(super) async fn settle_names(ch: &mut Change<'_>) -> Result<()> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, name FROM pipeline_stages").fetch_all(ch.conn()).await?;
    let mut wanted: BTreeMap<String, String> = BTreeMap::new();
    for (id, shown) in &rows {
        let from_ops = match Uuid::parse_str(id) {
            Ok(uuid) => crate::oplog::record(ch.conn(), EntityKind::PipelineStage, uuid)
                .await?
                .registers
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_string),
            Err(_) => None,
        };
        let default = DEFAULTS.iter().find(|(d, _)| d == id).map(|(_, n)| n.to_string());
        // A stage made here has an op for its name; only a default can lack one.
        wanted.insert(id.clone(), from_ops.or(default).unwrap_or_else(|| shown.clone()));
    }
    let names = unique(&wanted);
    let changed: Vec<(&String, &String)> = rows
        .iter()
        .filter_map(|(id, shown)| names.get(id).filter(|n| *n != shown).map(|n| (id, n)))
        .collect();
    // Two steps, so that swapping names never meets the unique index halfway.
    for (id, _) in &changed {
        sqlx::query("UPDATE pipeline_stages SET name = ? WHERE id = ?")
            .bind(placeholder(id))
            .bind(*id)
            .execute(ch.conn())
            .await?;
    }
    for (id, name) in changed {
        sqlx::query("UPDATE pipeline_stages SET name = ? WHERE id = ?")
            .bind(name)
            .bind(id)
            .execute(ch.conn())
            .await?;
    }
    Ok(())
}

/// The name each stage shows: its own, or with " (n)" after it when a stage with a smaller
/// id wants the same one (case-insensitively, like SQLite's NOCASE).
fn unique(wanted: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let key = |n: &str| n.to_ascii_lowercase();
    let taken_by_wish: BTreeSet<String> = wanted.values().map(|n| key(n)).collect();
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut shown = BTreeMap::new();
    // Ids in order: the smallest id wanting a name gets it.
    for (id, name) in wanted {
        let mut candidate = name.clone();
        let mut n = 2;
        while used.contains(&key(&candidate))
            || (candidate != *name && taken_by_wish.contains(&key(&candidate)))
        {
            candidate = format!("{name} ({n})");
            n += 1;
        }
        used.insert(key(&candidate));
        shown.insert(id.clone(), candidate);
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_id_keeps_a_name_and_the_others_are_numbered() {
        let wanted: BTreeMap<String, String> =
            [("b", "Demo"), ("a", "demo"), ("c", "Demo"), ("d", "Demo (2)"), ("e", "Other")]
                .into_iter()
                .map(|(i, n)| (i.to_string(), n.to_string()))
                .collect();
        let shown = unique(&wanted);
        let shown: Vec<&str> = shown.values().map(String::as_str).collect();
        // "Demo (2)" is someone's own wish, so the numbering skips it.
        assert_eq!(shown, ["demo", "Demo (3)", "Demo (4)", "Demo (2)", "Other"]);
    }
}
