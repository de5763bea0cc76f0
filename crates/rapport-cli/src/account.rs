//! `rapport account …` and `rapport sync`: the sync client (rapport-sync) for scripts and
//! people at a terminal.

use std::io::BufRead as _;

use anyhow::{bail, Context as _};
use rapport_core::Store;
use zeroize::Zeroizing;

use crate::args::{AccountCmd, SignInArgs};
use crate::context::Context;
use crate::output;

pub async fn run(ctx: &Context, store: &Store, cmd: AccountCmd) -> anyhow::Result<()> {
    match cmd {
        AccountCmd::Register { sign_in, team, invite } => {
            let password = password(&sign_in)?;
            let team = team.as_deref().or(invite.is_none().then_some("My team"));
            let created = rapport_sync::account::register(
                &sign_in.server,
                &sign_in.email,
                &password,
                team,
                invite.as_deref(),
            )
            .await?;
            if !ctx.json {
                println!(
                    "Created {} ({}) on {}",
                    sign_in.email,
                    created.role.as_str(),
                    sign_in.server
                );
            }
            login(ctx, store, &sign_in, &password).await
        }
        AccountCmd::Login(sign_in) => {
            let password = password(&sign_in)?;
            login(ctx, store, &sign_in, &password).await
        }
        AccountCmd::Logout => {
            rapport_sync::account::logout(store).await?;
            if ctx.json {
                output::json(&serde_json::json!({ "signed_in": false }))
            } else {
                println!("Signed out. Your data and any unsynced changes stay on this device.");
                Ok(())
            }
        }
        AccountCmd::Devices => {
            let devices = rapport_sync::account::devices(store).await?;
            if ctx.json {
                return output::json(&devices);
            }
            for d in devices {
                let state = match (d.revoked_at, d.id == store.device_id()) {
                    (Some(_), _) => "revoked",
                    (None, true) => "this device",
                    (None, false) => "",
                };
                println!("{}  {:<24} {:<28} {state}", d.id, d.name, d.account_email);
            }
            Ok(())
        }
        AccountCmd::Revoke { device } => {
            rapport_sync::account::revoke(store, device).await?;
            if ctx.json {
                output::json(&serde_json::json!({ "revoked": device }))
            } else {
                println!("Revoked {device}: it is signed out and keeps its local data.");
                Ok(())
            }
        }
        AccountCmd::Invite => {
            let invite = rapport_sync::account::invite(store).await?;
            if ctx.json {
                output::json(&invite)
            } else {
                println!("{}", invite.code);
                Ok(())
            }
        }
    }
}

async fn login(
    ctx: &Context,
    store: &Store,
    args: &SignInArgs,
    password: &str,
) -> anyhow::Result<()> {
    let name = args.device_name.clone().unwrap_or_else(device_name);
    let signed_in =
        rapport_sync::account::login(store, &args.server, &args.email, password, &name).await?;
    if ctx.json {
        return output::json(&serde_json::json!({
            "signed_in": true,
            "server": args.server,
            "team_id": signed_in.team_id,
            "device_id": signed_in.device_id,
            "role": signed_in.role,
        }));
    }
    println!("Signed in as {} on {}; run `rapport sync` to sync.", args.email, args.server);
    Ok(())
}

/// One line of standard input; never an argument (it would show in `ps` and the history).
fn password(args: &SignInArgs) -> anyhow::Result<Zeroizing<String>> {
    if !args.password_stdin {
        bail!("password: pass it on standard input with --password-stdin");
    }
    let mut line = Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line).context("password: reading standard input")?;
    let password = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_string());
    if password.is_empty() {
        bail!("password: standard input was empty");
    }
    Ok(password)
}

/// The computer's name, for the device list.
fn device_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Rapport device".to_string())
}

pub async fn sync(ctx: &Context, store: &Store, server: Option<&str>) -> anyhow::Result<()> {
    if let Some(url) = server {
        store.move_sync_server(url).await?;
    }
    let report = rapport_sync::sync(store).await?;
    let status = store.sync_status().await?;
    if ctx.json {
        return output::json(&serde_json::json!({ "report": report, "status": status }));
    }
    println!(
        "Synced with {}: sent {} change(s), received {}{}.",
        output::or_dash(status.server_url.as_deref()),
        report.pushed,
        report.received,
        if report.from_snapshot { " (first sync, from the team's snapshot)" } else { "" },
    );
    if status.conflicts > 0 {
        println!(
            "{} edit(s) made at once on two devices lost; see `rapport conflicts`.",
            status.conflicts
        );
    }
    Ok(())
}
