//! `rapport insights`

use chrono::Duration;
use rapport_core::insights::{Insights, ProbabilitySource};
use rapport_core::money::Money;
use rapport_core::Store;

use crate::context::Context;
use crate::{output, when};

pub async fn run(
    ctx: &Context,
    store: &Store,
    days: u32,
    from: Option<&str>,
    to: Option<&str>,
) -> anyhow::Result<()> {
    let now = ctx.clock.now();
    let (from, to) = match from {
        Some(f) => {
            (when::parse(f, now)?, to.map(|t| when::parse(t, now)).transpose()?.unwrap_or(now))
        }
        None => (now - Duration::days(i64::from(days)), now),
    };
    let i = store.insights(from, to).await?;
    if ctx.json {
        output::json(&i)
    } else {
        print(&i);
        Ok(())
    }
}

fn money(list: &[Money]) -> String {
    if list.is_empty() {
        return "—".into();
    }
    list.iter().map(ToString::to_string).collect::<Vec<_>>().join(" + ")
}

fn pct(r: Option<f64>) -> String {
    r.map_or("—".into(), |r| format!("{:.0} %", r * 100.0))
}

fn print(i: &Insights) {
    println!("Insights from {} to {}", i.from.format("%Y-%m-%d"), i.to.format("%Y-%m-%d"));
    println!(
        "Pipeline            {} open, {} weighted",
        money(&i.pipeline),
        money(&i.weighted_pipeline)
    );
    for m in &i.forecast {
        println!("  forecast {:<11} {} ({} deals)", m.month, m.weighted, m.deals);
    }
    for s in &i.stage_probabilities {
        let how = match s.source {
            ProbabilitySource::History => {
                format!("your history: {} of {} closed deals won", s.won_deals, s.closed_deals)
            }
            ProbabilitySource::Default => {
                format!("stage default; {} closed deals so far", s.closed_deals)
            }
        };
        println!("  {:<18} {:>4.0} %  ({how})", s.stage, s.probability * 100.0);
    }
    println!(
        "Win rate            {} ({} won, {} lost)",
        pct(i.win_rate),
        i.deals_won,
        i.deals_lost
    );
    println!(
        "Sales cycle         {}",
        i.average_sales_cycle_days.map_or("—".into(), |d| format!("{d:.0} days on average"))
    );
    println!("Lifetime value      {} per buying customer", money(&i.customer_lifetime_value));
    println!("Retention           {}", pct(i.retention_rate));
    println!("Repeat purchases    {}", pct(i.repeat_purchase_rate));
    println!(
        "NPS                 {} ({} responses)",
        i.nps.map_or("—".into(), |n| n.to_string()),
        i.nps_responses
    );
    println!(
        "Complaints          {} to resolve on average, {} open",
        i.complaint_resolution_hours.map_or("—".into(), |h| format!("{h:.0} h")),
        i.open_complaints
    );
    if !i.slipping.is_empty() {
        println!("Slipping away");
        for s in &i.slipping {
            println!("  {:<28} {}", s.customer_name, s.reason);
        }
    }
}
