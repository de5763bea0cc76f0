//! `rapport followup …`

use rapport_core::followup_rules::Trigger;
use rapport_core::followups::FollowupScope;
use rapport_core::{Error, Store};
use uuid::Uuid;

use crate::args::{FollowupCmd, FollowupRuleCmd};
use crate::context::Context;
use crate::output;
use crate::when;

pub async fn run(ctx: &Context, store: &Store, cmd: FollowupCmd) -> anyhow::Result<()> {
    let now = ctx.clock.now();
    let f = match cmd {
        FollowupCmd::Add { customer, due, title } => {
            let id = ctx.customer(store, &customer).await?;
            store.add_followup(id, &title, when::parse(&due, now)?).await?
        }
        FollowupCmd::List { all, customer } => {
            let customer = match customer {
                Some(c) => Some(ctx.customer(store, &c).await?),
                None => None,
            };
            let scope = if all { FollowupScope::All } else { FollowupScope::Open };
            let list = store.list_followups(scope, customer).await?;
            if ctx.json {
                return output::json(&list);
            }
            for f in &list {
                let state = match f.done_at {
                    Some(_) => "done",
                    None if f.effective_due() < now => "overdue",
                    None => "open",
                };
                println!(
                    "{}  {:<7}  due {}  {} — {}",
                    f.id,
                    state,
                    f.effective_due().format("%Y-%m-%d %H:%M"),
                    f.customer_name,
                    f.title
                );
            }
            println!("{} follow-ups", list.len());
            return Ok(());
        }
        FollowupCmd::Done { id } => {
            let id = store.resolve_followup(&id).await?;
            store.complete_followup(id).await?
        }
        FollowupCmd::Rule(cmd) => return rules(ctx, store, cmd).await,
        FollowupCmd::Snooze { id, until } => {
            let id = store.resolve_followup(&id).await?;
            store.snooze_followup(id, when::parse(&until, now)?).await?
        }
    };
    if ctx.json {
        output::json(&f)
    } else {
        let state = if f.done_at.is_some() { "done" } else { "open" };
        println!(
            "{}  {state}  due {}  {} — {}",
            f.id,
            f.effective_due().format("%Y-%m-%d %H:%M"),
            f.customer_name,
            f.title
        );
        Ok(())
    }
}

async fn rules(ctx: &Context, store: &Store, cmd: FollowupRuleCmd) -> anyhow::Result<()> {
    match cmd {
        FollowupRuleCmd::Add { name, when, title } => {
            let trigger: Trigger = serde_json::from_str(&when)
                .map_err(|e| Error::invalid("--when", format!("is not a trigger: {e}")))?;
            let rule = store.add_followup_rule(&name, trigger, &title).await?;
            if ctx.json {
                return output::json(&rule);
            }
            println!("Added rule {} ({})", rule.name, rule.id);
        }
        FollowupRuleCmd::List => {
            let rules = store.followup_rules().await?;
            if ctx.json {
                return output::json(&rules);
            }
            for r in &rules {
                println!(
                    "{}  {} → “{}”  {}",
                    r.id,
                    r.name,
                    r.title,
                    serde_json::to_string(&r.trigger)?
                );
            }
            println!("{} rules", rules.len());
        }
        FollowupRuleCmd::Delete { id } => {
            let id = Uuid::parse_str(id.trim())
                .map_err(|_| Error::invalid("id", format!("`{id}` is not a rule id")))?;
            store.delete_followup_rule(id).await?;
            if ctx.json {
                return output::json(&serde_json::json!({ "deleted": id }));
            }
            println!("Deleted rule {id}");
        }
    }
    Ok(())
}
