//! Sync's local half: taking in ops from other devices. Each op is kept once in the log
//! (`remote_ops`), and every record they touch is rebuilt from everything known of it by
//! `rapport_protocol::rules::materialize` — the same function the protocol's property tests
//! check — so the order ops arrive in, and how often, can't change the result.

mod apply;
mod bulk;
pub(crate) mod conflicts;
mod customer;
mod deal;
mod followup;
mod interaction;
pub(crate) mod redirects;
mod rules;
mod stage;
mod state;
mod table;
mod view;

pub use apply::ApplyReport;
pub use conflicts::SyncConflict;
pub use state::{SyncAccount, SyncStatus};
pub use view::{SyncDevice, SyncInvite, SyncOutcome, SyncView};

/// Whether a record is gone for good: its own tombstone arrived, or its customer was erased
/// here (an entry logged elsewhere before the erasure arrived). Either way it is removed
/// with the erasure's steps, its ops too (but the tombstones), and it gets a tombstone if
/// it had none, so the server forgets it as well.
async fn erased(
    ch: &mut crate::store::Change<'_>,
    entity: rapport_protocol::EntityKind,
    id: uuid::Uuid,
    record: &rapport_protocol::rules::Record,
) -> crate::error::Result<bool> {
    if !tombstoned(record) && !erased_customer(ch, record).await? {
        return Ok(false);
    }
    crate::privacy::erase_record(ch, entity, id).await?;
    Ok(true)
}

/// Whether a customer was erased, here or by another device (whose tombstone is in the
/// record): everything about them goes, as `Store::erase_customer` does it.
async fn erased_person(
    ch: &mut crate::store::Change<'_>,
    id: uuid::Uuid,
    record: &rapport_protocol::rules::Record,
) -> crate::error::Result<bool> {
    let known: Option<i64> = sqlx::query_scalar("SELECT 1 FROM erased_customers WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(ch.conn())
        .await?;
    if known.is_none() && !tombstoned(record) {
        return Ok(false);
    }
    crate::privacy::erase_person(ch, id).await?;
    Ok(true)
}

fn tombstoned(record: &rapport_protocol::rules::Record) -> bool {
    record.registers.get(rapport_protocol::ERASED_FIELD).and_then(serde_json::Value::as_bool)
        == Some(true)
}

/// Whether the customer a record belongs to was erased here.
async fn erased_customer(
    ch: &mut crate::store::Change<'_>,
    record: &rapport_protocol::rules::Record,
) -> crate::error::Result<bool> {
    let Some(customer) = record.registers.get("customer_id").and_then(serde_json::Value::as_str)
    else {
        return Ok(false);
    };
    let erased: Option<i64> = sqlx::query_scalar("SELECT 1 FROM erased_customers WHERE id = ?")
        .bind(customer)
        .fetch_optional(ch.conn())
        .await?;
    Ok(erased.is_some())
}
