//! Sync's local half: taking in ops from other devices. Each op is kept once in the log
//! (`remote_ops`), and every record they touch is rebuilt from everything known of it by
//! `rapport_protocol::rules::materialize` — the same function the protocol's property tests
//! check — so the order ops arrive in, and how often, can't change the result.

mod apply;
mod customer;
mod state;
mod view;

pub use apply::ApplyReport;
pub use state::{SyncAccount, SyncStatus};
pub use view::{SyncDevice, SyncInvite, SyncOutcome, SyncView};
