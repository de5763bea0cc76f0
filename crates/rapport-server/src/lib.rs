//! The Rapport sync server (DESIGN §5): accounts, teams and devices, and a per-team log of
//! op envelopes that devices push, pull, and bootstrap from as a compacted snapshot. It
//! never reads an op's payload.
//!
//! [`app`] builds the router from an [`AppState`] (storage, clock, config); [`serve`] opens
//! the database and listens.

#![forbid(unsafe_code)]

mod accounts;
mod app;
mod auth;
pub mod clock;
mod devices;
mod error;
pub mod limits;
mod ops;
mod serve;
pub mod storage;
mod wakeups;

pub use accounts::{INVITE_TTL_MS, SIGN_IN_FAILED};
pub use app::{app, AppConfig, AppState};
pub use error::ApiError;
pub use serve::{serve, ServeConfig, ServeError, DEFAULT_DATABASE, DEFAULT_LISTEN};
pub use wakeups::MAX_WAIT_S;
