//! Privacy and recovery: `erase` (a customer everywhere) and `restore` (a backup).

use std::io::BufRead;
use std::path::Path;

use anyhow::{bail, Context as _};
use rapport_core::{ErrorCode, Store, Unlock};

use crate::context::Context;
use crate::output;

pub async fn erase(ctx: &Context, store: &Store, customer: &str, yes: bool) -> anyhow::Result<()> {
    // An ambiguous name or email is refused here, listing the candidates.
    let id = ctx.customer(store, customer).await?;
    let name = store.get_customer(id).await?.display_name;
    if !yes {
        eprintln!(
            "This erases {name} ({id}) from this store for good: their record, timeline, \
             follow-ups, deals and history. Backups made earlier still hold them."
        );
        eprint!("Type their name to confirm: ");
        let mut typed = String::new();
        let read =
            std::io::stdin().lock().read_line(&mut typed).context("reading the confirmation")?;
        if read == 0 {
            bail!("nothing was erased: no confirmation could be read (use --yes in scripts)");
        }
        if typed.trim() != name {
            bail!("nothing was erased: `{}` is not the customer's name `{name}`", typed.trim());
        }
    }
    let report = store.erase_customer(id).await?;
    if ctx.json {
        output::json(&report)?;
    } else {
        let count = |t: &str| report.rows.iter().find(|(n, _)| n == t).map_or(0, |(_, n)| *n);
        println!(
            "Erased {name} ({id}): {} timeline entries, {} follow-ups, {} deals; \
             {} pending changes redacted, {} synced ones dropped.",
            count("interactions"),
            count("followups"),
            count("deals"),
            report.ops_redacted,
            report.ops_removed,
        );
        if !report.wal_truncated {
            println!(
                "Another program is reading the store, so its write-ahead log still holds old \
                 pages; they go when it closes."
            );
        }
    }
    Ok(())
}

pub async fn restore(ctx: &Context, file: &Path) -> anyhow::Result<()> {
    let (store, report) = match ctx.open().await {
        Ok(store) => {
            let result = store.restore(file).await;
            if result.is_err() && store.is_closed() {
                // Failed after the close: open whatever is in place, to close it cleanly.
                if let Ok(s) = store.reopen().await {
                    s.close().await;
                }
            } else if result.is_err() {
                store.close().await;
            }
            result?
        }
        // A store that does not open (damaged, or its database missing) can still be
        // restored with its key.
        Err(e) if e.code() == ErrorCode::Corrupt => {
            let unlock = Unlock { passphrase: Context::passphrase() };
            Store::restore_unopened(&ctx.dir, &unlock, file, ctx.clock.clone()).await?
        }
        Err(e) => return Err(e.into()),
    };
    let customers = store.count_customers(&Default::default()).await;
    store.close().await;
    let customers = customers?;
    if ctx.json {
        output::json(&serde_json::json!({
            "restored_from": report.restored_from,
            "backup_schema_version": report.backup_schema_version,
            "previous_store": report.previous_store,
            "customers": customers,
        }))?;
    } else {
        println!(
            "Restored {} ({customers} customers). The data it replaced is kept in {}.",
            report.restored_from.display(),
            report.previous_store.display()
        );
    }
    Ok(())
}
