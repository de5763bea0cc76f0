//! Commands about the store itself: init, demo, export, backup, doctor.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use rapport_core::timeline::{InteractionKind, NewInteraction};
use rapport_core::Store;

use crate::args::{DebugCmd, ExportFormat};
use crate::context::Context;
use crate::output;

pub async fn init(ctx: &Context) -> anyhow::Result<()> {
    let store = ctx.init().await?;
    let protection = match Context::protection() {
        rapport_core::Protection::Keychain => "the system keychain",
        rapport_core::Protection::Passphrase(_) => "your passphrase (RAPPORT_PASSPHRASE)",
    };
    if ctx.json {
        output::json(
            &serde_json::json!({ "data_dir": store.dir(), "device_id": store.device_id(), "schema_version": rapport_core::SCHEMA_VERSION }),
        )?;
    } else {
        println!(
            "Created an encrypted store in {}; its key is protected by {protection}.",
            store.dir().display()
        );
    }
    store.close().await;
    Ok(())
}

pub async fn demo(ctx: &Context, store: &Store, customers: u32, seed: u64) -> anyhow::Result<()> {
    let n = store.demo(customers, seed).await?;
    if ctx.json {
        output::json(&serde_json::json!({ "customers": n }))?;
    } else {
        println!("Added {n} demo customers with their history.");
    }
    Ok(())
}

pub async fn export(
    ctx: &Context,
    store: &Store,
    format: ExportFormat,
    out: Option<PathBuf>,
    customer: Option<String>,
) -> anyhow::Result<()> {
    let only = match customer {
        Some(c) => Some(ctx.customer(store, &c).await?),
        None => None,
    };
    let bytes = match format {
        ExportFormat::Json => serde_json::to_vec_pretty(&store.export(only).await?)?,
        ExportFormat::Csv => {
            if only.is_some() {
                bail!("--customer: the CSV export is of every customer; use --format json for one");
            }
            let mut bytes = Vec::new();
            store.export_csv(&mut bytes).await?;
            bytes
        }
    };
    match out {
        Some(path) => write_new(&path, &bytes)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&bytes)?;
            if matches!(format, ExportFormat::Json) {
                stdout.write_all(b"\n")?;
            }
        }
    }
    Ok(())
}

/// Writes a new file; never overwrites one that exists.
pub fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {} (it must not exist yet)", path.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}

pub async fn backup(ctx: &Context, store: &Store, file: &Path) -> anyhow::Result<()> {
    store.backup(file).await?;
    if ctx.json {
        output::json(&serde_json::json!({ "backup": file }))?;
    } else {
        println!("Wrote an encrypted backup to {}", file.display());
    }
    Ok(())
}

pub async fn doctor(ctx: &Context, store: &Store) -> anyhow::Result<()> {
    let r = store.doctor().await?;
    if ctx.json {
        output::json(&r)?;
    } else {
        println!("Store          {}", r.data_dir);
        println!("Encryption     SQLCipher {} (key: {})", r.cipher_version, r.key_protection);
        println!("Integrity      {}", r.integrity);
        println!("Schema         version {} ({} journal)", r.schema_version, r.journal_mode);
        println!("Device         {}", r.device_id);
        println!(
            "Records        {} customers, {} timeline entries, {} follow-ups, {} deals",
            r.customers, r.interactions, r.followups, r.deals
        );
        println!("Outbox         {} changes not yet synced", r.outbox_ops);
        println!("Size           {} bytes (+{} WAL)", r.database_bytes, r.wal_bytes);
    }
    if !r.healthy() {
        bail!("the store is not healthy: integrity check says `{}`", r.integrity);
    }
    Ok(())
}

pub async fn debug(ctx: &Context, store: &Store, cmd: DebugCmd) -> anyhow::Result<()> {
    match cmd {
        DebugCmd::WriteLoop { customer, count } => {
            let customer_id = ctx.customer(store, &customer).await?;
            let mut stdout = std::io::stdout().lock();
            for i in 0..count {
                let e = store
                    .log_interaction(&NewInteraction {
                        customer_id,
                        kind: InteractionKind::Note,
                        summary: format!("durability note {i}"),
                        body: None,
                        occurred_at: None,
                        amount: None,
                        score: None,
                    })
                    .await?;
                // Printed only after the commit returned: an acknowledged write.
                writeln!(stdout, "{}", e.id)?;
                stdout.flush()?;
            }
            Ok(())
        }
    }
}
