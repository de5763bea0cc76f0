//! Wire types shared by the Rapport client and sync server.
//!
//! No I/O lives here: only the hybrid logical clock and the op envelope that every local
//! change is recorded as (and that sync will later ship).

#![forbid(unsafe_code)]

mod hlc;
mod op;

pub use hlc::{Hlc, HlcError, HlcState, MAX_DRIFT_MS};
pub use op::{DeviceId, EntityKind, Op, OpAction, ALL_FIELDS};
