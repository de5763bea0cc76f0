//! Sync's local half: taking in ops from other devices. Each op is kept once in the log
//! (`remote_ops`), and every record they touch is rebuilt from everything known of it by
//! `rapport_protocol::rules::materialize` — the same function the protocol's property tests
//! check — so the order ops arrive in, and how often, can't change the result.

mod apply;
mod bulk;
mod customer;
mod deal;
mod followup;
mod interaction;
mod rules;
mod stage;
mod state;
mod table;
mod view;

pub use apply::ApplyReport;
pub use state::{SyncAccount, SyncStatus};
pub use view::{SyncDevice, SyncInvite, SyncOutcome, SyncView};

/// Whether the customer a record belongs to was erased here: nothing about them comes back
/// (an entry logged elsewhere before the erasure arrived stays in the log only).
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
