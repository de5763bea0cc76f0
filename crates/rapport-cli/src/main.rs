//! `rapport`: every Rapport operation, headless. Thin: parses arguments, calls the core,
//! prints the result (text, or JSON with `--json`).

#![forbid(unsafe_code)]

mod args;
mod context;
mod customer;
mod deal;
mod followup;
mod output;
mod store_cmds;
mod when;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::context::Context;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RAPPORT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
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
    let ctx = Context::new(cli.data_dir, cli.json, cli.now.as_deref())?;
    match cli.command {
        Command::Init => store_cmds::init(&ctx).await,
        Command::Demo { customers, seed } => store_cmds::demo(&ctx, customers, seed).await,
        Command::Customer(cmd) => customer::run(&ctx, cmd).await,
        Command::Log(args) => customer::log(&ctx, args).await,
        Command::Followup(cmd) => followup::run(&ctx, cmd).await,
        Command::Deal(cmd) => deal::run(&ctx, cmd).await,
        Command::Export { format, out, customer } => {
            store_cmds::export(&ctx, format, out, customer).await
        }
        Command::Backup { file } => store_cmds::backup(&ctx, &file).await,
        Command::Doctor => store_cmds::doctor(&ctx).await,
        Command::Debug(cmd) => store_cmds::debug(&ctx, cmd).await,
    }
}
