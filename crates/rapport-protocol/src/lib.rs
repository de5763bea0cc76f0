//! Wire types shared by the Rapport client and sync server.
//!
//! No I/O lives here: only the hybrid logical clock, the op envelope that every local
//! change is recorded as (and that sync will later ship), and the rules ops follow
//! (`rules`: their order, what a record is after them, what compaction may leave out).

#![forbid(unsafe_code)]

mod hlc;
pub mod merges;
mod op;
pub mod rules;
pub mod wire;

pub use hlc::{Hlc, HlcError, HlcState, MAX_DRIFT_MS};
pub use op::{DeviceId, EntityKind, Op, OpAction, OpId, ALL_FIELDS, ERASED_FIELD};
