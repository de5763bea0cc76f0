//! `rapport`: every Rapport operation, headless. Thin: parses arguments, calls the core,
//! prints the result (text, or JSON with `--json`).

#![forbid(unsafe_code)]

mod account;
mod args;
mod conflicts;
mod context;
mod customer;
mod deal;
mod followup;
mod hygiene;
mod import;
mod insights;
mod output;
mod privacy;
mod score;
mod search;
mod server;
mod store_cmds;
mod today;
mod when;

use std::process::ExitCode;

use clap::Parser;
use rapport_core::Store;

use crate::args::{Cli, Command};
use crate::context::Context;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A server's log is its output (requests, statuses); other commands speak on stdout.
    let level = if matches!(cli.command, Command::Server(_)) { "info" } else { "warn" };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RAPPORT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .with_writer(std::io::stderr)
        .init();
    let json = cli.json;
    let runtime =
        match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
            Ok(rt) => rt,
            Err(e) => return output::fail(json, &anyhow::anyhow!("cannot start: {e}")),
        };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => output::fail(json, &e),
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    // The server has no store of its own.
    if let Command::Server(args) = cli.command {
        return server::run(args).await;
    }
    let ctx = Context::new(cli.data_dir, cli.json, cli.now.as_deref())?;
    if let Command::Init = cli.command {
        return store_cmds::init(&ctx).await;
    }
    // Restore also works on a store that no longer opens.
    if let Command::Restore { file } = &cli.command {
        return privacy::restore(&ctx, file).await;
    }
    let store = ctx.open().await?;
    let result = dispatch(&ctx, &store, cli.command).await;
    // Always close before the process exits, on success and on error: SQLite finishes its
    // checkpoint and lets go of the files on sqlx's worker threads, and exiting while they
    // still run can crash in libcrypto's exit handlers and leave a half-done checkpoint.
    store.close().await;
    result
}

async fn dispatch(ctx: &Context, store: &Store, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Init => unreachable!("init runs before a store is opened"),
        Command::Demo { customers, seed } => store_cmds::demo(ctx, store, customers, seed).await,
        Command::Customer(cmd) => customer::run(ctx, store, cmd).await,
        Command::Log(args) => customer::log(ctx, store, args).await,
        Command::Followup(cmd) => followup::run(ctx, store, cmd).await,
        Command::Deal(cmd) => deal::run(ctx, store, cmd).await,
        Command::Insights { days, from, to } => {
            insights::run(ctx, store, days, from.as_deref(), to.as_deref()).await
        }
        Command::Score(cmd) => score::run(ctx, store, cmd).await,
        Command::Stage(cmd) => deal::stages(ctx, store, cmd).await,
        Command::Today { days } => today::today(ctx, store, days).await,
        Command::Cadence { tag, every, max, clear } => {
            today::cadence(ctx, store, &tag, if clear { None } else { every.map(|e| (e, max)) })
                .await
        }
        Command::Search { query, limit } => search::run(ctx, store, &query, limit).await,
        Command::Import(args) => import::run(ctx, store, args).await,
        Command::Duplicates { limit, region, action } => {
            hygiene::duplicates(ctx, store, limit, region, action).await
        }
        Command::Merge(cmd) => hygiene::merges(ctx, store, cmd).await,
        Command::Tags(cmd) => hygiene::tags(ctx, store, cmd).await,
        Command::Audit { stale_days, region } => {
            hygiene::audit(ctx, store, stale_days, region).await
        }
        Command::Export { format, out, customer } => {
            store_cmds::export(ctx, store, format, out, customer).await
        }
        Command::Backup { file } => store_cmds::backup(ctx, store, &file).await,
        Command::Restore { .. } => unreachable!("restore runs before a store is opened"),
        Command::Erase { customer, yes } => privacy::erase(ctx, store, &customer, yes).await,
        Command::Doctor => store_cmds::doctor(ctx, store).await,
        Command::Account(cmd) => account::run(ctx, store, cmd).await,
        Command::Sync { server } => account::sync(ctx, store, server.as_deref()).await,
        Command::Conflicts { action } => conflicts::run(ctx, store, action).await,
        Command::Server(_) => unreachable!("the server runs without a store"),
        Command::Debug(cmd) => store_cmds::debug(ctx, store, cmd).await,
    }
}
