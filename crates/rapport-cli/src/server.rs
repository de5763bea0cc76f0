//! `rapport server`: the sync server, for one binary to do everything.

use anyhow::Context as _;
use rapport_server::{serve, AppConfig, ServeConfig};

use crate::args::ServerArgs;

pub async fn run(args: ServerArgs) -> anyhow::Result<()> {
    let config = ServeConfig {
        database: args.database,
        listen: args.listen,
        tls: args.tls_cert.zip(args.tls_key),
        allow_plain_http: args.allow_plain_http,
        app: AppConfig::default(),
    };
    serve(config).await.context("rapport server")
}
