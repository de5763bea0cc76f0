//! The op log read back as protocol ops: this device's own (`ops`, the outbox once
//! unpushed) and those received from other devices (`remote_ops`). Everything known of a
//! record is here, so `rapport_protocol::rules::materialize` over a record's ops is what
//! the record should be, on every device.

use rapport_protocol::rules::{self, Record};
use rapport_protocol::{EntityKind, Hlc, Op, OpAction, OpId};
use serde_json::Value;
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::error::{Error, Result};

/// One row of `ops` or `remote_ops`. The `observed` column holds a remove's observed adds,
/// or a set's `prev` (the writes it knowingly overwrote), as JSON op ids.
type Row = (String, i64, String, String, String, String, String, String, Option<String>);

const COLUMNS: &str = "device_id, seq, hlc, entity, entity_id, action, field, value, observed";

fn bad(what: &str, device: &str, seq: i64, detail: impl std::fmt::Display) -> Error {
    Error::Internal(format!("op {device}/{seq} in the log: {what} ({detail})"))
}

/// A log row as the op it records.
fn to_op(row: Row) -> Result<Op> {
    let (device, seq, hlc, entity, entity_id, action, field, value, observed) = row;
    let value: Value = serde_json::from_str(&value).map_err(|e| bad("value", &device, seq, e))?;
    let ids = |what| {
        observed
            .as_deref()
            .map(serde_json::from_str::<Vec<OpId>>)
            .transpose()
            .map_err(|e| bad(what, &device, seq, e))
    };
    let action = match action.as_str() {
        "set" => OpAction::Set { field, value, prev: ids("overwritten writes")? },
        "add" => OpAction::Add { field, element: value },
        "remove" => OpAction::Remove { field, element: value, observed: ids("observed adds")? },
        "create" => match value {
            Value::Object(fields) => OpAction::Create { fields },
            other => return Err(bad("create fields", &device, seq, other)),
        },
        other => return Err(bad("action", &device, seq, other)),
    };
    Ok(Op {
        device: device.parse().map_err(|e| bad("device", &device, seq, e))?,
        seq: u64::try_from(seq).map_err(|e| bad("seq", &device, seq, e))?,
        hlc: hlc.parse().map_err(|e| bad("clock", &device, seq, e))?,
        entity: serde_json::from_value(Value::String(entity.clone()))
            .map_err(|_| bad("entity", &device, seq, entity))?,
        entity_id: entity_id.parse().map_err(|e| bad("record id", &device, seq, e))?,
        action,
    })
}

/// How an action is kept in a log row: (action, value as JSON, a remove's observed adds or
/// a set's `prev` as JSON). The inverse of [`to_op`].
pub(crate) fn columns(action: &OpAction) -> (&'static str, String, Option<String>) {
    // JSON values, maps of them and op ids always serialize.
    match action {
        OpAction::Set { value, prev, .. } => (
            "set",
            value.to_string(),
            prev.as_ref().map(|p| serde_json::to_string(p).unwrap_or_default()),
        ),
        OpAction::Add { element, .. } => ("add", element.to_string(), None),
        OpAction::Remove { element, observed, .. } => (
            "remove",
            element.to_string(),
            observed.as_ref().map(|o| serde_json::to_string(o).unwrap_or_default()),
        ),
        OpAction::Create { fields } => {
            ("create", serde_json::to_string(fields).unwrap_or_default(), None)
        }
    }
}

/// Every op known of one record (ours and other devices'), in no particular order.
pub(crate) async fn of_record(conn: &mut SqliteConnection, id: Uuid) -> Result<Vec<Op>> {
    let id = id.to_string();
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM ops WHERE entity_id = ?1
         UNION ALL SELECT {COLUMNS} FROM remote_ops WHERE entity_id = ?1"
    ))
    .bind(&id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(to_op).collect()
}

/// Every op known of many records at once (a bootstrap page): one query, not one each.
pub(crate) async fn of_records(conn: &mut SqliteConnection, ids: &[Uuid]) -> Result<Vec<Op>> {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let ids = serde_json::to_string(&ids).map_err(|e| Error::Internal(e.to_string()))?;
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM ops WHERE entity_id IN (SELECT value FROM json_each(?1))
         UNION ALL
         SELECT {COLUMNS} FROM remote_ops WHERE entity_id IN (SELECT value FROM json_each(?1))"
    ))
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(to_op).collect()
}

/// Every `set` known of one register of one record (ours and other devices'): what its
/// heads are found among.
pub(crate) async fn sets_of(conn: &mut SqliteConnection, id: Uuid, field: &str) -> Result<Vec<Op>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM ops WHERE entity_id = ?1 AND field = ?2 AND action = 'set'
         UNION ALL SELECT {COLUMNS} FROM remote_ops
            WHERE entity_id = ?1 AND field = ?2 AND action = 'set'"
    ))
    .bind(id.to_string())
    .bind(field)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(to_op).collect()
}

/// One op by its id, from our log or other devices'; None if it is not (or no longer) here.
pub(crate) async fn by_id(conn: &mut SqliteConnection, own: Uuid, id: OpId) -> Result<Option<Op>> {
    let seq = i64::try_from(id.seq).unwrap_or(i64::MAX);
    let sql = if id.device == own {
        format!("SELECT {COLUMNS} FROM ops WHERE seq = ?2 AND device_id = ?1")
    } else {
        format!("SELECT {COLUMNS} FROM remote_ops WHERE device_id = ?1 AND seq = ?2")
    };
    let row: Option<Row> = sqlx::query_as(&sql)
        .bind(id.device.to_string())
        .bind(seq)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(to_op).transpose()
}

/// What one record is after every op known of it.
pub(crate) async fn record(
    conn: &mut SqliteConnection,
    entity: EntityKind,
    id: Uuid,
) -> Result<Record> {
    let ops = of_record(conn, id).await?;
    Ok(rules::materialize(ops.iter()).remove(&(entity, id)).unwrap_or_default())
}

/// What one record is after every op known of it, and the clock of its earliest op: when
/// it was made, as its writer's clock saw it (the same on every device, unlike the time
/// this device first heard of it).
pub(crate) async fn record_and_birth(
    conn: &mut SqliteConnection,
    entity: EntityKind,
    id: Uuid,
) -> Result<(Record, Option<Hlc>)> {
    let ops = of_record(conn, id).await?;
    let birth = ops.iter().filter(|op| op.entity == entity).map(|op| op.hlc).min();
    let record = rules::materialize(ops.iter()).remove(&(entity, id)).unwrap_or_default();
    Ok((record, birth))
}

/// The adds that keep `element` in a set of a record now: what a remove of it names, so
/// that an add made meanwhile on another device survives (add-wins).
pub(crate) async fn live_adds(
    conn: &mut SqliteConnection,
    entity: EntityKind,
    id: Uuid,
    field: &str,
    element: &Value,
) -> Result<Vec<OpId>> {
    let record = record(conn, entity, id).await?;
    Ok(record
        .sets
        .get(field)
        .and_then(|elements| elements.get(&element.to_string()))
        .cloned()
        .unwrap_or_default())
}

impl crate::Store {
    /// This device's ops the server doesn't hold yet (the outbox), oldest first, at most
    /// `limit`: what a push sends.
    pub async fn unpushed_ops(&self, limit: u32) -> Result<Vec<Op>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM ops WHERE pushed = 0 ORDER BY seq LIMIT ?"
        ))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(to_op).collect()
    }
}
