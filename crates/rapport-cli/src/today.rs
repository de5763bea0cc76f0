//! `rapport today` and `rapport cadence`.

use rapport_core::today::{TodayOptions, TodayReason};
use rapport_core::Store;

use crate::context::Context;
use crate::output;

pub async fn today(ctx: &Context, store: &Store, days: u32) -> anyhow::Result<()> {
    let opts = TodayOptions::local(ctx.clock.now(), days);
    // Rules may have follow-ups to create first (idempotent: each occurrence once).
    store.apply_followup_rules(&opts).await?;
    let items = store.today(&opts).await?;
    if ctx.json {
        return output::json(&items);
    }
    if items.is_empty() {
        println!("Nothing needs your attention today.");
        return Ok(());
    }
    let mut last = None;
    for item in &items {
        let section = match item.reason {
            TodayReason::Overdue => "Overdue",
            TodayReason::FollowupOverdue | TodayReason::FollowupDue => "Follow-ups",
            TodayReason::DueSoon => "Due soon",
            TodayReason::PersonalDate => "Coming up",
        };
        if last != Some(section) {
            println!("{section}");
            last = Some(section);
        }
        println!("  {:<28} {:<22} {}", item.customer_name, item.headline, item.explanation);
    }
    Ok(())
}

pub async fn cadence(
    ctx: &Context,
    store: &Store,
    tag: &str,
    cadence: Option<(u32, Option<u32>)>,
) -> anyhow::Result<()> {
    store.set_tag_cadence(tag, cadence).await?;
    if ctx.json {
        return output::json(&serde_json::json!({ "tag": tag, "cadence": cadence }));
    }
    match cadence {
        Some((every, max)) => println!(
            "Customers tagged “{tag}” are due after {every} days without contact{}.",
            max.map(|m| format!(", overdue after {m}")).unwrap_or_default()
        ),
        None => println!("Removed the cadence for “{tag}”."),
    }
    Ok(())
}
