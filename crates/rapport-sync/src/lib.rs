//! Rapport's sync client (DESIGN §5). The core knows nothing of HTTP: this crate talks to
//! the team's server ([`Client`]) and moves ops between it and a [`rapport_core::Store`]:
//!
//! - [`account`]: register, sign in (the token is kept inside the encrypted store), sign
//!   out, list and revoke devices, invite;
//! - [`sync`]: push the outbox, then take in what other devices wrote — from a compacted
//!   snapshot the first time, then page by page — each page applied with its cursor in
//!   one transaction, so a sync stopped anywhere resumes without loss or duplicates;
//! - [`wait_for_changes`]: a long poll that returns as soon as a teammate pushes.

#![forbid(unsafe_code)]

pub mod account;
mod client;
mod error;
mod run;
mod watch;

pub use client::Client;
pub use error::{Result, SyncError};
pub use run::{sync, SyncReport, PULL_PAGE, PUSH_BATCH};
pub use watch::wait_for_changes;
