//! The sync server over real HTTP on 127.0.0.1, against SQLite (a temp file) and PostgreSQL
//! (`RAPPORT_TEST_POSTGRES_URL`, set by scripts/with-postgres.sh under `make test`).

mod accounts;
mod concurrency;
mod erasure;
mod limits;
mod robustness;
mod snapshot;
mod support;
mod sync;
mod tls;
