//! A record's row written from its registers, the same way for every kind: each kind is a
//! [`Table`] (which register goes in which column), and [`upsert`] does the rest.
//!
//! A new row needs its kind's required registers (else nothing is written until they
//! arrive); an existing row takes only the registers the ops wrote, so a row whose first
//! values came from a migration (the default pipeline stages) keeps the rest. `deleted`
//! becomes `deleted_at`, kept from when this device first saw it. `created_at` is the
//! record's first op's clock (the same on every device: a deal's age, the order of rules);
//! `updated_at` is this device's.

use chrono::{DateTime, Utc};
use rapport_protocol::rules::Record;
use rapport_protocol::{EntityKind, Hlc};
use serde_json::Value;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::Change;

/// How a register is kept in its column(s).
#[derive(Clone, Copy)]
pub(super) enum Column {
    Text,
    /// Text with the table's default, for a register never written (or null).
    TextOr(&'static str),
    Int,
    /// JSON text, with the table's default.
    Json(Option<&'static str>),
    /// A `Money {minor, currency}` register, kept in these two columns.
    Money(&'static str, &'static str),
}

/// One kind of record and its table. Names are our own constants: they reach SQL text.
pub(super) struct Table {
    pub table: &'static str,
    pub entity: EntityKind,
    /// (register, how it is kept); the register's name is its column's, except money's.
    pub columns: &'static [(&'static str, Column)],
    /// Registers a new row can't be written without.
    pub required: &'static [&'static str],
    pub created_at: bool,
    pub updated_at: bool,
    pub deleted_at: bool,
}

/// What [`upsert`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Upserted {
    /// The record's first values have not arrived yet: nothing was written.
    Waiting,
    Inserted,
    Updated,
}

impl Upserted {
    pub fn written(self) -> bool {
        self != Upserted::Waiting
    }
}

/// A column's value.
enum Sql {
    Text(Option<String>),
    Int(Option<i64>),
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The column values of one register (`None`: never written, or null).
fn values(id: Uuid, register: &str, kind: Column, value: Option<&Value>) -> Result<Vec<Sql>> {
    let value = value.filter(|v| !v.is_null());
    Ok(match kind {
        Column::Text => vec![Sql::Text(value.map(text))],
        Column::TextOr(default) => {
            vec![Sql::Text(Some(value.map_or_else(|| default.to_string(), text)))]
        }
        Column::Int => vec![Sql::Int(value.and_then(Value::as_i64))],
        Column::Json(default) => {
            vec![Sql::Text(value.map(Value::to_string).or_else(|| default.map(str::to_string)))]
        }
        Column::Money(..) => {
            let money = value
                .map(|v| serde_json::from_value::<crate::money::Money>(v.clone()))
                .transpose()
                .map_err(|e| Error::Internal(format!("record {id}: {register} in its ops: {e}")))?;
            let (minor, currency) = money.map(|m| (m.minor, m.currency)).unzip();
            vec![Sql::Int(minor), Sql::Text(currency)]
        }
    })
}

fn names(register: &'static str, kind: Column) -> Vec<&'static str> {
    match kind {
        Column::Money(minor, currency) => vec![minor, currency],
        _ => vec![register],
    }
}

/// Whether the ops say the record is deleted.
pub(super) fn deleted(record: &Record) -> bool {
    record.registers.get("deleted").and_then(Value::as_bool).unwrap_or(false)
}

/// When the record was made: its first op's clock, never later than now.
fn birth(first: Option<Hlc>, now: DateTime<Utc>) -> DateTime<Utc> {
    first
        .and_then(|h| DateTime::from_timestamp_millis(i64::try_from(h.millis).ok()?))
        .map_or(now, |t| t.min(now))
}

/// Writes one record's row from its registers; `deleted` is whether it is deleted (a
/// kind may have more ways to be gone than the `deleted` register).
pub(super) async fn upsert(
    ch: &mut Change<'_>,
    t: &Table,
    id: Uuid,
    record: &Record,
    first: Option<Hlc>,
    deleted: bool,
) -> Result<Upserted> {
    upsert_with(ch, t, id, record, first, deleted, false).await
}

/// [`upsert`]; with `every_column`, an existing row's columns that no op wrote are
/// cleared too (a survivor that no longer takes a merged record's edits).
pub(super) async fn upsert_with(
    ch: &mut Change<'_>,
    t: &Table,
    id: Uuid,
    record: &Record,
    first: Option<Hlc>,
    deleted: bool,
    every_column: bool,
) -> Result<Upserted> {
    let r = &record.registers;
    let exists: Option<i64> =
        sqlx::query_scalar(&format!("SELECT 1 FROM {} WHERE id = ?", t.table))
            .bind(id.to_string())
            .fetch_optional(ch.conn())
            .await?;
    let insert = exists.is_none();
    if insert && !t.required.iter().all(|f| r.get(*f).is_some_and(|v| !v.is_null())) {
        return Ok(Upserted::Waiting);
    }
    let now = ch.now();
    let mut cols: Vec<&str> = Vec::new();
    let mut vals: Vec<Sql> = Vec::new();
    for (register, kind) in t.columns {
        // An existing row keeps what no op wrote.
        if insert || every_column || r.contains_key(*register) {
            cols.extend(names(register, *kind));
            vals.extend(values(id, register, *kind, r.get(*register))?);
        }
    }
    let at = Some(now.to_rfc3339());
    let gone = deleted.then(|| now.to_rfc3339());
    if t.updated_at {
        cols.push("updated_at");
        vals.push(Sql::Text(at.clone()));
    }
    let sql = if insert {
        if t.created_at {
            cols.push("created_at");
            vals.push(Sql::Text(Some(birth(first, now).to_rfc3339())));
        }
        if t.deleted_at {
            cols.push("deleted_at");
            vals.push(Sql::Text(gone));
        }
        let marks = vec!["?"; cols.len()].join(", ");
        format!("INSERT INTO {} (id, {}) VALUES (?, {marks})", t.table, cols.join(", "))
    } else {
        let mut sets: Vec<String> = cols.iter().map(|c| format!("{c} = ?")).collect();
        if t.deleted_at {
            // A deleted record keeps the time it was first seen deleted here.
            sets.push(
                "deleted_at = CASE WHEN ? IS NULL THEN NULL ELSE coalesce(deleted_at, ?) END"
                    .into(),
            );
            vals.push(Sql::Text(gone.clone()));
            vals.push(Sql::Text(gone));
        }
        if sets.is_empty() {
            return Ok(Upserted::Updated);
        }
        format!("UPDATE {} SET {} WHERE id = ?", t.table, sets.join(", "))
    };
    let mut query = sqlx::query(&sql);
    if insert {
        query = query.bind(id.to_string());
    }
    for v in vals {
        query = match v {
            Sql::Text(v) => query.bind(v),
            Sql::Int(v) => query.bind(v),
        };
    }
    if !insert {
        query = query.bind(id.to_string());
    }
    query.execute(ch.conn()).await.map_err(|e| {
        Error::Internal(format!("{} {id} from its ops: {e}", t.entity.as_str().replace('_', " ")))
    })?;
    Ok(if insert { Upserted::Inserted } else { Upserted::Updated })
}

/// A record [`insert_new`] writes: its registers, first clock and whether it is deleted.
pub(super) struct NewRow<'a> {
    pub id: Uuid,
    pub record: &'a Record,
    pub first: Option<Hlc>,
    pub deleted: bool,
}

impl Sql {
    fn json(self) -> Value {
        match self {
            Sql::Text(v) => v.map_or(Value::Null, Value::String),
            Sql::Int(v) => v.map_or(Value::Null, Value::from),
        }
    }
}

/// Inserts rows for records this device doesn't have yet, with the values [`upsert`] gives
/// a new row, in a few statements (a bootstrap brings thousands per page). Records without
/// their required registers are left out, as `upsert` leaves them waiting. Returns the ids
/// written.
pub(super) async fn insert_new(
    ch: &mut Change<'_>,
    t: &Table,
    rows: &[NewRow<'_>],
) -> Result<Vec<Uuid>> {
    let now = ch.now();
    let at = now.to_rfc3339();
    let mut cols: Vec<&str> = vec!["id"];
    for (register, kind) in t.columns {
        cols.extend(names(register, *kind));
    }
    for (wanted, name) in
        [(t.updated_at, "updated_at"), (t.created_at, "created_at"), (t.deleted_at, "deleted_at")]
    {
        if wanted {
            cols.push(name);
        }
    }
    let mut written = Vec::with_capacity(rows.len());
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let r = &row.record.registers;
        if !t.required.iter().all(|f| r.get(*f).is_some_and(|v| !v.is_null())) {
            continue;
        }
        let mut values_ = vec![Value::String(row.id.to_string())];
        for (register, kind) in t.columns {
            values_.extend(
                values(row.id, register, *kind, r.get(*register))?.into_iter().map(Sql::json),
            );
        }
        if t.updated_at {
            values_.push(Value::String(at.clone()));
        }
        if t.created_at {
            values_.push(Value::String(birth(row.first, now).to_rfc3339()));
        }
        if t.deleted_at {
            values_.push(if row.deleted { Value::String(at.clone()) } else { Value::Null });
        }
        out.push(Value::Array(values_));
        written.push(row.id);
    }
    let head = format!("INSERT INTO {} ({})", t.table, cols.join(", "));
    crate::bulk::insert_json_arrays(ch.conn(), &head, cols.len(), &out).await.map_err(|e| {
        Error::Internal(format!("{}s from their ops: {e}", t.entity.as_str().replace('_', " ")))
    })?;
    Ok(written)
}
