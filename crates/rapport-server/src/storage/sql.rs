//! The SQL both backends run, instantiated for each driver by [`sql_storage!`]: the text
//! is the same for SQLite and PostgreSQL (`$n` parameters, `RETURNING`, upserts, row
//! values), only the driver's types differ.
//!
//! ## Compaction from envelopes
//!
//! At push, each op's register keys go to `op_registers`, and `latest_writers` keeps, per
//! (team, record, register), the greatest (hlc, device) ever pushed. A snapshot page keeps
//! an op when it touches a set, writes no register, or equals the latest writer of one of
//! its registers — exactly what `rapport_protocol::rules::compact` keeps over all the
//! team's ops (it compares each op's stamp with the maximum stamp per register), restricted
//! to `server_seq <= upto`. An op left out has a later writer for every register; if that
//! writer came after `upto`, the device gets it by pulling from `upto`, so snapshot ∪ pull
//! materializes the same records as all ops. Ops with no register and no set (a create
//! with no fields) are kept: they still bring their record into being.
//!
//! A snapshot also keeps every **head** (`rules::compact` does): a set with `prev` that no
//! pushed op supersedes, the value a conflict may need. At push, the ops named in `prev`
//! go to `superseded_ops`, and `own_writers` keeps each device's greatest seq per record
//! and register (its earlier writes of it were overwritten knowingly).

/// Implements [`super::Storage`] for `$name`, a struct with a `pool: sqlx::Pool<$db>`.
macro_rules! sql_storage {
    ($name:ident, $db:ty, $kind:literal) => {
        impl $name {
            /// Erasure, in the push's transaction: for each record the ops after
            /// `after` touched whose erasure key (`rapport_protocol::ERASED_FIELD`) was
            /// ever pushed, every op but its tombstones is deleted, with its register keys
            /// and latest writers. A tombstone (an op writing the erasure key) carries no
            /// personal data and stays, so devices and snapshots learn of the erasure, and
            /// an op pushed later about the record (a device that was offline) is
            /// forgotten in the push that brings it.
            async fn forget_erased(
                tx: &mut sqlx::Transaction<'_, $db>,
                team: &[u8],
                after: i64,
            ) -> Result<bool, $crate::storage::StorageError> {
                use rapport_protocol::ERASED_FIELD;
                let erased: Vec<(String, Vec<u8>)> = sqlx::query_as(
                    "SELECT DISTINCT o.entity, o.entity_id FROM ops o JOIN latest_writers l \
                     ON l.team_id = o.team_id AND l.entity = o.entity \
                     AND l.entity_id = o.entity_id AND l.field = $3 \
                     WHERE o.team_id = $1 AND o.server_seq > $2",
                )
                .bind(team)
                .bind(after)
                .bind(ERASED_FIELD)
                .fetch_all(&mut **tx)
                .await?;
                for (entity, id) in &erased {
                    // Register keys first: then a tombstone is the op that still has one.
                    sqlx::query(
                        "DELETE FROM op_registers WHERE team_id = $1 AND field <> $4 \
                         AND server_seq IN (SELECT server_seq FROM ops \
                         WHERE team_id = $1 AND entity = $2 AND entity_id = $3)",
                    )
                    .bind(team)
                    .bind(entity)
                    .bind(id)
                    .bind(ERASED_FIELD)
                    .execute(&mut **tx)
                    .await?;
                    sqlx::query(
                        "DELETE FROM ops WHERE team_id = $1 AND entity = $2 AND entity_id = $3 \
                         AND NOT EXISTS (SELECT 1 FROM op_registers r \
                         WHERE r.team_id = ops.team_id AND r.server_seq = ops.server_seq)",
                    )
                    .bind(team)
                    .bind(entity)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                    sqlx::query(
                        "DELETE FROM latest_writers WHERE team_id = $1 AND entity = $2 \
                         AND entity_id = $3 AND field <> $4",
                    )
                    .bind(team)
                    .bind(entity)
                    .bind(id)
                    .bind(ERASED_FIELD)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(!erased.is_empty())
            }
        }

        #[async_trait::async_trait]
        impl $crate::storage::Storage for $name {
            fn kind(&self) -> &'static str {
                $kind
            }

            async fn create_account(
                &self,
                new: $crate::storage::NewAccount<'_>,
                now: u64,
            ) -> Result<$crate::storage::Account, $crate::storage::StorageError> {
                use $crate::storage::{int, Account, Joining, Role, StorageError};
                let mut tx = self.pool.begin().await?;
                // Every write transaction starts with a write, so SQLite takes its write lock
                // first and never fails upgrading a read.
                let (team_id, role) = match new.joining {
                    Joining::NewTeam { id, name } => {
                        sqlx::query("INSERT INTO teams (id, name, created_at) VALUES ($1, $2, $3)")
                            .bind(id.as_bytes().as_slice())
                            .bind(name)
                            .bind(int(now))
                            .execute(&mut *tx)
                            .await?;
                        (id, Role::Owner)
                    }
                    Joining::Invite { code_hash } => {
                        let team: Option<(Vec<u8>,)> = sqlx::query_as(
                            "UPDATE invites SET used_at = $1 \
                             WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1 \
                             RETURNING team_id",
                        )
                        .bind(int(now))
                        .bind(code_hash)
                        .fetch_optional(&mut *tx)
                        .await?;
                        let Some((team,)) = team else {
                            return Err(StorageError::Invalid(
                                "invite: this code is unknown, used already, or expired; \
                                 ask for a new one"
                                    .into(),
                            ));
                        };
                        ($crate::storage::uuid(&team)?, Role::Member)
                    }
                };
                let inserted = sqlx::query(
                    "INSERT INTO accounts (id, team_id, email, password_hash, role, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(new.id.as_bytes().as_slice())
                .bind(team_id.as_bytes().as_slice())
                .bind(new.email)
                .bind(new.password_hash)
                .bind(role.as_str())
                .bind(int(now))
                .execute(&mut *tx)
                .await;
                if let Err(e) = inserted {
                    let taken = e.as_database_error().is_some_and(|d| d.is_unique_violation());
                    return Err(if taken {
                        StorageError::Conflict(
                            "email: an account with this email exists already; sign in instead"
                                .into(),
                        )
                    } else {
                        e.into()
                    });
                }
                tx.commit().await?;
                Ok(Account {
                    id: new.id,
                    team_id,
                    role,
                    password_hash: new.password_hash.to_string(),
                })
            }

            async fn account_by_email(
                &self,
                email: &str,
            ) -> Result<Option<$crate::storage::Account>, $crate::storage::StorageError> {
                use $crate::storage::{uuid, Account};
                let row: Option<(Vec<u8>, Vec<u8>, String, String)> = sqlx::query_as(
                    "SELECT id, team_id, role, password_hash FROM accounts WHERE email = $1",
                )
                .bind(email)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|(id, team, role, password_hash)| {
                    Ok(Account {
                        id: uuid(&id)?,
                        team_id: uuid(&team)?,
                        role: $crate::storage::parse_role(&role)?,
                        password_hash,
                    })
                })
                .transpose()
            }

            async fn start_session(
                &self,
                device: $crate::storage::NewDevice<'_>,
                now: u64,
            ) -> Result<(), $crate::storage::StorageError> {
                use $crate::storage::{int, StorageError};
                let id = device.id.as_bytes().as_slice();
                let account = device.account.id.as_bytes().as_slice();
                // One statement: a new device, or the same account's device signing in
                // again; a device of another account or a revoked one is left as it is.
                let done: Option<(Vec<u8>,)> = sqlx::query_as(
                    "INSERT INTO devices \
                     (id, team_id, account_id, name, token_hash, created_at, last_seen_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $6) \
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
                     token_hash = excluded.token_hash, last_seen_at = excluded.last_seen_at \
                     WHERE devices.account_id = excluded.account_id \
                     AND devices.revoked_at IS NULL \
                     RETURNING id",
                )
                .bind(id)
                .bind(device.account.team_id.as_bytes().as_slice())
                .bind(account)
                .bind(device.name)
                .bind(device.token_hash)
                .bind(int(now))
                .fetch_optional(&self.pool)
                .await?;
                if done.is_some() {
                    return Ok(());
                }
                let row: Option<(Vec<u8>, Option<i64>)> =
                    sqlx::query_as("SELECT account_id, revoked_at FROM devices WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                Err(match row {
                    Some((owner, _)) if owner != account => StorageError::Conflict(
                        "device_id: this device id belongs to another account; \
                         a device signs in to one account"
                            .into(),
                    ),
                    _ => StorageError::Forbidden(
                        "this device was signed out by an administrator and can't sign in \
                         again; ask them, or sign in from a new device"
                            .into(),
                    ),
                })
            }

            async fn session(
                &self,
                token_hash: &[u8],
            ) -> Result<Option<$crate::storage::Session>, $crate::storage::StorageError> {
                use $crate::storage::{uuid, Session};
                type Row = (Vec<u8>, Vec<u8>, Vec<u8>, String, Option<i64>, Option<i64>);
                let row: Option<Row> = sqlx::query_as(
                    "SELECT d.id, d.account_id, d.team_id, a.role, d.revoked_at, d.last_seen_at \
                     FROM devices d JOIN accounts a ON a.id = d.account_id \
                     WHERE d.token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|(device, account, team, role, revoked_at, last_seen_at)| {
                    Ok(Session {
                        device_id: uuid(&device)?,
                        account_id: uuid(&account)?,
                        team_id: uuid(&team)?,
                        role: $crate::storage::parse_role(&role)?,
                        revoked: revoked_at.is_some(),
                        last_seen_at: last_seen_at.map(|t| t as u64),
                    })
                })
                .transpose()
            }

            async fn touch_device(
                &self,
                device_id: uuid::Uuid,
                now: u64,
            ) -> Result<(), $crate::storage::StorageError> {
                use $crate::storage::int;
                sqlx::query(
                    "UPDATE devices SET last_seen_at = $1 \
                     WHERE id = $2 AND (last_seen_at IS NULL OR last_seen_at < $3)",
                )
                .bind(int(now))
                .bind(device_id.as_bytes().as_slice())
                .bind(int(now.saturating_sub($crate::storage::SEEN_EVERY_MS)))
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn end_session(
                &self,
                device_id: uuid::Uuid,
            ) -> Result<(), $crate::storage::StorageError> {
                sqlx::query("UPDATE devices SET token_hash = NULL WHERE id = $1")
                    .bind(device_id.as_bytes().as_slice())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn devices(
                &self,
                team_id: uuid::Uuid,
                account: Option<uuid::Uuid>,
            ) -> Result<Vec<$crate::storage::DeviceInfo>, $crate::storage::StorageError> {
                use $crate::storage::{uuid, DeviceInfo};
                const SELECT: &str = "SELECT d.id, d.name, d.account_id, a.email, \
                     d.created_at, d.last_seen_at, d.revoked_at \
                     FROM devices d JOIN accounts a ON a.id = d.account_id \
                     WHERE d.team_id = $1";
                type Row = (Vec<u8>, String, Vec<u8>, String, i64, Option<i64>, Option<i64>);
                let rows: Vec<Row> = match account {
                    None => {
                        sqlx::query_as(&format!("{SELECT} ORDER BY d.created_at, d.id"))
                            .bind(team_id.as_bytes().as_slice())
                            .fetch_all(&self.pool)
                            .await?
                    }
                    Some(account) => {
                        sqlx::query_as(&format!(
                            "{SELECT} AND d.account_id = $2 ORDER BY d.created_at, d.id"
                        ))
                        .bind(team_id.as_bytes().as_slice())
                        .bind(account.as_bytes().as_slice())
                        .fetch_all(&self.pool)
                        .await?
                    }
                };
                rows.into_iter()
                    .map(|(id, name, account, account_email, created_at, last_seen_at, revoked_at)| {
                        Ok(DeviceInfo {
                            id: uuid(&id)?,
                            name,
                            account_id: uuid(&account)?,
                            account_email,
                            created_at: created_at as u64,
                            last_seen_at: last_seen_at.map(|t| t as u64),
                            revoked_at: revoked_at.map(|t| t as u64),
                        })
                    })
                    .collect()
            }

            async fn device_owner(
                &self,
                team_id: uuid::Uuid,
                device_id: uuid::Uuid,
            ) -> Result<Option<uuid::Uuid>, $crate::storage::StorageError> {
                let row: Option<(Vec<u8>,)> = sqlx::query_as(
                    "SELECT account_id FROM devices WHERE id = $1 AND team_id = $2",
                )
                .bind(device_id.as_bytes().as_slice())
                .bind(team_id.as_bytes().as_slice())
                .fetch_optional(&self.pool)
                .await?;
                row.map(|(a,)| $crate::storage::uuid(&a)).transpose()
            }

            async fn account_role(
                &self,
                team_id: uuid::Uuid,
                account_id: uuid::Uuid,
            ) -> Result<Option<$crate::storage::Role>, $crate::storage::StorageError> {
                let row: Option<(String,)> =
                    sqlx::query_as("SELECT role FROM accounts WHERE id = $1 AND team_id = $2")
                        .bind(account_id.as_bytes().as_slice())
                        .bind(team_id.as_bytes().as_slice())
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(|(role,)| $crate::storage::parse_role(&role)).transpose()
            }

            async fn set_role(
                &self,
                team_id: uuid::Uuid,
                account_id: uuid::Uuid,
                role: $crate::storage::Role,
            ) -> Result<(), $crate::storage::StorageError> {
                // The owner stays the owner (there is one per team).
                sqlx::query(
                    "UPDATE accounts SET role = $1 \
                     WHERE id = $2 AND team_id = $3 AND role <> 'owner'",
                )
                .bind(role.as_str())
                .bind(account_id.as_bytes().as_slice())
                .bind(team_id.as_bytes().as_slice())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn revoke_device(
                &self,
                team_id: uuid::Uuid,
                device_id: uuid::Uuid,
                now: u64,
            ) -> Result<(), $crate::storage::StorageError> {
                sqlx::query(
                    "UPDATE devices SET revoked_at = $1 \
                     WHERE id = $2 AND team_id = $3 AND revoked_at IS NULL",
                )
                .bind($crate::storage::int(now))
                .bind(device_id.as_bytes().as_slice())
                .bind(team_id.as_bytes().as_slice())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn create_invite(
                &self,
                session: &$crate::storage::Session,
                code_hash: &[u8],
                now: u64,
                expires_at: u64,
            ) -> Result<(), $crate::storage::StorageError> {
                use $crate::storage::int;
                sqlx::query(
                    "INSERT INTO invites (code_hash, team_id, created_by, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(code_hash)
                .bind(session.team_id.as_bytes().as_slice())
                .bind(session.account_id.as_bytes().as_slice())
                .bind(int(now))
                .bind(int(expires_at))
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn push(
                &self,
                team_id: uuid::Uuid,
                device_id: uuid::Uuid,
                ops: &[rapport_protocol::wire::Envelope],
            ) -> Result<$crate::storage::PushOutcome, $crate::storage::StorageError> {
                use $crate::storage::{int, PushOutcome, StorageError};
                let team = team_id.as_bytes().as_slice();
                let device = device_id.as_bytes().as_slice();
                let mut tx = self.pool.begin().await?;
                // Locks the team's row (PostgreSQL) or the database (SQLite) until commit:
                // pushes to one team take turns, so server_seq has no gaps and commits in
                // order.
                let last: Option<(i64,)> = sqlx::query_as(
                    "UPDATE teams SET next_seq = next_seq WHERE id = $1 RETURNING next_seq",
                )
                .bind(team)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((mut server_seq,)) = last else {
                    return Err(StorageError::NotFound("team not found".into()));
                };
                // Every seq up to `held` was taken (an erased record's ops are then
                // forgotten, so the ops stored may have fewer).
                let (held,): (i64,) = sqlx::query_as(
                    "SELECT held_seq FROM devices WHERE id = $1 AND team_id = $2",
                )
                .bind(device)
                .bind(team)
                .fetch_one(&mut *tx)
                .await?;
                let first_new = server_seq;
                let mut expected = held as u64 + 1;
                type Fresh<'a> = (i64, &'a rapport_protocol::wire::Envelope, String, Option<String>);
                let mut fresh: Vec<Fresh<'_>> = Vec::new();
                for op in ops {
                    if op.seq < expected {
                        continue; // held already (a retried push)
                    }
                    if op.seq > expected {
                        return Err(StorageError::SeqGap { expected });
                    }
                    server_seq += 1;
                    let registers = serde_json::to_string(&op.registers)
                        .map_err(|e| StorageError::Corrupt(e.to_string()))?;
                    let prev = op
                        .prev
                        .as_ref()
                        .map(serde_json::to_string)
                        .transpose()
                        .map_err(|e| StorageError::Corrupt(e.to_string()))?;
                    fresh.push((server_seq, op, registers, prev));
                    expected += 1;
                }
                // Multi-row statements: a push of 1000 ops is a few round trips, not
                // thousands (the team's other pushes wait for this one).
                for chunk in fresh.chunks($crate::storage::sql::CHUNK) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO ops (team_id, server_seq, device_id, seq, hlc_millis, \
                         hlc_counter, entity, entity_id, registers, touches_set, payload, prev) ",
                    );
                    insert.push_values(chunk, |mut row, (server_seq, op, registers, prev)| {
                        row.push_bind(team)
                            .push_bind(*server_seq)
                            .push_bind(device)
                            .push_bind(int(op.seq))
                            .push_bind(int(op.hlc.millis))
                            .push_bind(i64::from(op.hlc.counter))
                            .push_bind(op.entity.as_str())
                            .push_bind(op.entity_id.as_bytes().as_slice())
                            .push_bind(registers.as_str())
                            .push_bind(op.touches_set)
                            .push_bind(op.payload.as_slice())
                            .push_bind(prev.as_deref());
                    });
                    insert.build().execute(&mut *tx).await?;
                }
                // Each op's register keys (once each), and the latest writer per register:
                // all new ops are this device's, so the latest is the greatest clock.
                let mut keys: Vec<(i64, &str)> = Vec::new();
                let mut latest: std::collections::BTreeMap<
                    (&str, &[u8], &str),
                    rapport_protocol::Hlc,
                > = std::collections::BTreeMap::new();
                // This device's greatest seq per register, and the ops sets named.
                let mut own: std::collections::BTreeMap<(&str, &[u8], &str), i64> =
                    std::collections::BTreeMap::new();
                let mut named: std::collections::BTreeSet<(&[u8], i64)> =
                    std::collections::BTreeSet::new();
                for (server_seq, op, _, _) in &fresh {
                    for id in op.prev.iter().flatten() {
                        named.insert((id.device.as_bytes().as_slice(), int(id.seq)));
                    }
                    let mut fields: Vec<&str> = op.registers.iter().map(String::as_str).collect();
                    fields.sort_unstable();
                    fields.dedup();
                    for field in fields {
                        keys.push((*server_seq, field));
                        let key = (op.entity.as_str(), op.entity_id.as_bytes().as_slice(), field);
                        let at = latest.entry(key).or_insert(op.hlc);
                        *at = (*at).max(op.hlc);
                        let seq = own.entry(key).or_insert(int(op.seq));
                        *seq = (*seq).max(int(op.seq));
                    }
                }
                for chunk in keys.chunks($crate::storage::sql::CHUNK) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO op_registers (team_id, server_seq, field) ",
                    );
                    insert.push_values(chunk, |mut row, (server_seq, field)| {
                        row.push_bind(team).push_bind(*server_seq).push_bind(*field);
                    });
                    insert.build().execute(&mut *tx).await?;
                }
                let latest: Vec<_> = latest.into_iter().collect();
                for chunk in latest.chunks($crate::storage::sql::CHUNK) {
                    let mut upsert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO latest_writers (team_id, entity, entity_id, field, \
                         hlc_millis, hlc_counter, device_id) ",
                    );
                    upsert.push_values(chunk, |mut row, ((entity, entity_id, field), hlc)| {
                        row.push_bind(team)
                            .push_bind(*entity)
                            .push_bind(*entity_id)
                            .push_bind(*field)
                            .push_bind(int(hlc.millis))
                            .push_bind(i64::from(hlc.counter))
                            .push_bind(device);
                    });
                    // Replaced only by a greater (clock, device): the order every replica
                    // agrees on.
                    upsert.push(
                        " ON CONFLICT (team_id, entity, entity_id, field) DO UPDATE SET \
                         hlc_millis = excluded.hlc_millis, \
                         hlc_counter = excluded.hlc_counter, \
                         device_id = excluded.device_id \
                         WHERE (excluded.hlc_millis, excluded.hlc_counter, excluded.device_id) \
                         > (latest_writers.hlc_millis, latest_writers.hlc_counter, \
                         latest_writers.device_id)",
                    );
                    upsert.build().execute(&mut *tx).await?;
                }
                let named: Vec<_> = named.into_iter().collect();
                for chunk in named.chunks($crate::storage::sql::CHUNK) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO superseded_ops (team_id, device_id, seq) ",
                    );
                    insert.push_values(chunk, |mut row, (device, seq)| {
                        row.push_bind(team).push_bind(*device).push_bind(*seq);
                    });
                    insert.push(" ON CONFLICT DO NOTHING");
                    insert.build().execute(&mut *tx).await?;
                }
                let own: Vec<_> = own.into_iter().collect();
                for chunk in own.chunks($crate::storage::sql::CHUNK) {
                    let mut upsert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO own_writers (team_id, entity, entity_id, field, device_id, \
                         seq) ",
                    );
                    upsert.push_values(chunk, |mut row, ((entity, entity_id, field), seq)| {
                        row.push_bind(team)
                            .push_bind(*entity)
                            .push_bind(*entity_id)
                            .push_bind(*field)
                            .push_bind(device)
                            .push_bind(*seq);
                    });
                    upsert.push(
                        " ON CONFLICT (team_id, entity, entity_id, field, device_id) DO UPDATE \
                         SET seq = excluded.seq WHERE excluded.seq > own_writers.seq",
                    );
                    upsert.build().execute(&mut *tx).await?;
                }
                let stored = fresh.len() as u64;
                let mut forgot = false;
                if stored > 0 {
                    forgot = Self::forget_erased(&mut tx, team, first_new).await?;
                    sqlx::query("UPDATE teams SET next_seq = $1 WHERE id = $2")
                        .bind(server_seq)
                        .bind(team)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("UPDATE devices SET held_seq = $1 WHERE id = $2")
                        .bind(int(expected - 1))
                        .bind(device)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                if forgot {
                    self.after_erasure().await;
                }
                Ok(PushOutcome { acked_seq: expected - 1, stored })
            }

            async fn pull(
                &self,
                team_id: uuid::Uuid,
                after: u64,
                limit: u32,
            ) -> Result<$crate::storage::Page, $crate::storage::StorageError> {
                use $crate::storage::{int, OpRow};
                let rows: Vec<OpRow> = sqlx::query_as(
                    "SELECT server_seq, device_id, seq, hlc_millis, hlc_counter, entity, \
                     entity_id, registers, touches_set, payload, prev FROM ops \
                     WHERE team_id = $1 AND server_seq > $2 ORDER BY server_seq LIMIT $3",
                )
                .bind(team_id.as_bytes().as_slice())
                .bind(int(after))
                .bind(i64::from(limit) + 1)
                .fetch_all(&self.pool)
                .await?;
                $crate::storage::page(rows, limit)
            }

            async fn head(
                &self,
                team_id: uuid::Uuid,
            ) -> Result<u64, $crate::storage::StorageError> {
                let row: Option<(i64,)> = sqlx::query_as("SELECT next_seq FROM teams WHERE id = $1")
                    .bind(team_id.as_bytes().as_slice())
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map_or(0, |(n,)| n as u64))
            }

            async fn snapshot(
                &self,
                team_id: uuid::Uuid,
                after: u64,
                upto: u64,
                limit: u32,
            ) -> Result<$crate::storage::Page, $crate::storage::StorageError> {
                use $crate::storage::{int, OpRow};
                let rows: Vec<OpRow> = sqlx::query_as(
                    "SELECT o.server_seq, o.device_id, o.seq, o.hlc_millis, o.hlc_counter, \
                     o.entity, o.entity_id, o.registers, o.touches_set, o.payload, o.prev \
                     FROM ops o \
                     WHERE o.team_id = $1 AND o.server_seq > $2 AND o.server_seq <= $3 \
                     AND (o.touches_set \
                       OR NOT EXISTS (SELECT 1 FROM op_registers r \
                         WHERE r.team_id = o.team_id AND r.server_seq = o.server_seq) \
                       OR EXISTS (SELECT 1 FROM op_registers r JOIN latest_writers l \
                         ON l.team_id = r.team_id AND l.entity = o.entity \
                         AND l.entity_id = o.entity_id AND l.field = r.field \
                         WHERE r.team_id = o.team_id AND r.server_seq = o.server_seq \
                         AND l.hlc_millis = o.hlc_millis AND l.hlc_counter = o.hlc_counter \
                         AND l.device_id = o.device_id) \
                       OR (o.prev IS NOT NULL \
                         AND NOT EXISTS (SELECT 1 FROM superseded_ops s \
                           WHERE s.team_id = o.team_id AND s.device_id = o.device_id \
                           AND s.seq = o.seq) \
                         AND NOT EXISTS (SELECT 1 FROM op_registers r JOIN own_writers w \
                           ON w.team_id = r.team_id AND w.entity = o.entity \
                           AND w.entity_id = o.entity_id AND w.field = r.field \
                           AND w.device_id = o.device_id \
                           WHERE r.team_id = o.team_id AND r.server_seq = o.server_seq \
                           AND w.seq > o.seq))) \
                     ORDER BY o.server_seq LIMIT $4",
                )
                .bind(team_id.as_bytes().as_slice())
                .bind(int(after))
                .bind(int(upto))
                .bind(i64::from(limit) + 1)
                .fetch_all(&self.pool)
                .await?;
                $crate::storage::page(rows, limit)
            }
        }
    };
}

pub(crate) use sql_storage;

/// Rows per multi-row statement: 12 parameters each stays far below both databases'
/// limits on bound parameters.
pub(crate) const CHUNK: usize = 200;
