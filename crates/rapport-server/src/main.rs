//! `rapport-server`: the sync server's command line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use rapport_server::{serve, AppConfig, ServeConfig, DEFAULT_DATABASE, DEFAULT_LISTEN};

/// Rapport's sync server. Logs go to stderr; RUST_LOG sets the level (default info).
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// sqlite://PATH or postgres://USER@HOST/DB (also RAPPORT_SERVER_DATABASE, which keeps a
    /// password out of the process list).
    #[arg(long, env = "RAPPORT_SERVER_DATABASE", default_value = DEFAULT_DATABASE, hide_env_values = true)]
    database: String,
    /// Address and port to listen on.
    #[arg(long, default_value = DEFAULT_LISTEN)]
    listen: SocketAddr,
    /// PEM certificate chain for HTTPS.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Serve plain HTTP on a non-loopback address (only behind a proxy that terminates TLS).
    #[arg(long)]
    allow_plain_http: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let config = ServeConfig {
        database: args.database,
        listen: args.listen,
        tls: args.tls_cert.zip(args.tls_key),
        allow_plain_http: args.allow_plain_http,
        app: AppConfig::default(),
    };
    // The error and its causes in one line, without a backtrace: it is for the operator.
    match serve(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rapport-server: {:#}", anyhow::Error::from(e));
            ExitCode::FAILURE
        }
    }
}
