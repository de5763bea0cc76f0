//! Process-level tests of the `rapport` binary: one integration-test binary, one module per
//! concern. Tests marked `#[ignore = "needs a Secret Service session…"]` run under
//! `scripts/with-keyring.sh` (`make test`).

mod clean_exit;
mod cli_surface;
mod durability;
mod export;
mod hygiene;
mod import;
mod insights;
mod keychain;
mod no_keychain;
mod privacy;
mod score;
mod search;
mod stages;
mod support;
mod sync;
mod today;
