//! `rapport score …`

use rapport_core::scoring::{Condition, LeadScore};
use rapport_core::{Error, Store};
use uuid::Uuid;

use crate::args::ScoreCmd;
use crate::context::Context;
use crate::output;

pub async fn run(ctx: &Context, store: &Store, cmd: ScoreCmd) -> anyhow::Result<()> {
    match cmd {
        ScoreCmd::List { limit } => {
            let scores: Vec<LeadScore> =
                store.lead_scores().await?.into_iter().take(limit).collect();
            if ctx.json {
                return output::json(&scores);
            }
            for s in &scores {
                print_score(s);
            }
        }
        ScoreCmd::Show { customer } => {
            let id = ctx.customer(store, &customer).await?;
            let s = store.lead_score(id).await?;
            if ctx.json {
                return output::json(&s);
            }
            print_score(&s);
        }
        ScoreCmd::Rules => {
            let rules = store.scoring_rules().await?;
            if ctx.json {
                return output::json(&rules);
            }
            for r in &rules {
                println!("{}  {:>+5}  {} — {}", r.id, r.points, r.name, r.condition.describe());
            }
            println!("{} rules", rules.len());
        }
        ScoreCmd::AddRule { name, points, when } => {
            let condition: Condition = serde_json::from_str(&when)
                .map_err(|e| Error::invalid("--when", format!("is not a condition: {e}")))?;
            let rule = store.add_scoring_rule(&name, condition, points).await?;
            if ctx.json {
                return output::json(&rule);
            }
            println!(
                "Added rule {} ({:+} points when {})",
                rule.name,
                rule.points,
                rule.condition.describe()
            );
        }
        ScoreCmd::DeleteRule { id } => {
            let id = Uuid::parse_str(id.trim())
                .map_err(|_| Error::invalid("id", format!("`{id}` is not a rule id")))?;
            store.delete_scoring_rule(id).await?;
            if ctx.json {
                return output::json(&serde_json::json!({ "deleted": id }));
            }
            println!("Deleted rule {id}");
        }
    }
    Ok(())
}

fn print_score(s: &LeadScore) {
    let why: Vec<String> =
        s.top_contributors.iter().map(|c| format!("{:+} {}", c.points, c.because)).collect();
    println!("{:>5}  {:<28} {}", s.score, s.customer_name, why.join(", "));
}
