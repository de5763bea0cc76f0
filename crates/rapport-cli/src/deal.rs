//! `rapport deal …`

use anyhow::Context as _;
use rapport_core::deals::{DealStatus, NewDeal};
use rapport_core::money::Money;
use rapport_core::Store;

use crate::args::{DealCmd, StageCmd};
use crate::context::Context;
use crate::output;

pub async fn run(ctx: &Context, store: &Store, cmd: DealCmd) -> anyhow::Result<()> {
    let deal = match cmd {
        DealCmd::Add { customer, title, value, stage, close } => {
            let customer_id = ctx.customer(store, &customer).await?;
            let expected_close = close
                .map(|c| {
                    chrono::NaiveDate::parse_from_str(&c, "%Y-%m-%d")
                        .with_context(|| format!("--close `{c}` is not a date YYYY-MM-DD"))
                })
                .transpose()?;
            let value: Money = value.parse()?;
            store.add_deal(&NewDeal { customer_id, title, value, stage, expected_close }).await?
        }
        DealCmd::List => {
            let deals = store.list_deals().await?;
            if ctx.json {
                return output::json(&deals);
            }
            for d in &deals {
                println!(
                    "{}  {:<12} {:<5} {:>14}  {} — {}",
                    d.id,
                    d.stage,
                    format!("{:?}", d.status).to_lowercase(),
                    d.value.to_string(),
                    d.customer_name,
                    d.title
                );
            }
            println!("{} deals", deals.len());
            return Ok(());
        }
        DealCmd::Move { deal, stage } => {
            let id = store.resolve_deal(&deal).await?;
            store.move_deal(id, &stage).await?
        }
        DealCmd::Won { deal } => {
            let id = store.resolve_deal(&deal).await?;
            store.close_deal(id, DealStatus::Won, None).await?
        }
        DealCmd::Lost { deal, reason } => {
            let id = store.resolve_deal(&deal).await?;
            store.close_deal(id, DealStatus::Lost, reason.as_deref()).await?
        }
    };
    if ctx.json {
        output::json(&deal)
    } else {
        println!(
            "{}  {}  {:?}  {}  {} — {}",
            deal.id, deal.stage, deal.status, deal.value, deal.customer_name, deal.title
        );
        Ok(())
    }
}

pub async fn stages(ctx: &Context, store: &Store, cmd: StageCmd) -> anyhow::Result<()> {
    match cmd {
        StageCmd::List => {}
        StageCmd::Add { name, probability, position } => {
            store.add_stage(&name, probability, position).await?;
        }
        StageCmd::Edit { stage, rename, probability, position } => {
            if rename.is_none() && probability.is_none() && position.is_none() {
                anyhow::bail!(rapport_core::Error::invalid(
                    "stage edit",
                    "give --rename, --probability or --position"
                ));
            }
            store.edit_stage(&stage, rename.as_deref(), probability, position).await?;
        }
    }
    let stages = store.pipeline_stages().await?;
    if ctx.json {
        return output::json(&stages);
    }
    for s in &stages {
        println!("{}. {:<16} {:>3} %", s.position, s.name, s.probability);
    }
    Ok(())
}
