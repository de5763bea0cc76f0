//! The sync client against a real server on 127.0.0.1 (SQLite behind it) and real
//! encrypted stores: what two devices of one team see after syncing. `two_instances` needs
//! PostgreSQL (`make test` provides it).

mod conflicts;
mod convergence;
mod erasure;
mod merges;
mod support;
mod two_devices;
mod two_instances;
