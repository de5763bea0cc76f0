//! `rapport customer …` and `rapport log`.

use anyhow::bail;
use rapport_core::customers::{Channel, CustomerFilter, CustomerKind, LifecycleStage, NewCustomer};
use rapport_core::money::Money;
use rapport_core::timeline::{InteractionKind, NewInteraction, INTERACTION_KINDS};
use rapport_core::{parse_enum, Error, Store};

use crate::args::{CustomerAddArgs, CustomerCmd, LogArgs};
use crate::context::Context;
use crate::output::{self, or_dash};
use crate::when;

pub async fn run(ctx: &Context, store: &Store, cmd: CustomerCmd) -> anyhow::Result<()> {
    match cmd {
        CustomerCmd::Add(args) => {
            let new = new_customer(args)?;
            let c = store.add_customer(&new).await?;
            if ctx.json {
                output::json(&c)?;
            } else {
                println!("Added {} ({})", c.display_name, c.id);
            }
        }
        CustomerCmd::Show { customer } => {
            let id = ctx.customer(store, &customer).await?;
            let c = store.get_customer(id).await?;
            let timeline = store.timeline(id, 50).await?;
            let followups = store.list_followups(Default::default(), Some(id)).await?;
            if ctx.json {
                output::json(
                    &serde_json::json!({ "customer": c, "timeline": timeline, "followups": followups }),
                )?;
            } else {
                print_customer(&c, &timeline, &followups);
            }
        }
        CustomerCmd::List { tag, query, stage, owner, limit, offset } => {
            let stage = stage
                .map(|s| {
                    parse_enum::<LifecycleStage>("stage", &s, "lead, prospect, customer, former")
                })
                .transpose()?;
            let filter = CustomerFilter { query, tag, stage, owner, kind: None, limit, offset };
            let list = store.list_customers(&filter).await?;
            if ctx.json {
                output::json(&list)?;
            } else {
                for c in &list {
                    let company =
                        c.company_name.as_deref().map(|n| format!(" · {n}")).unwrap_or_default();
                    let tags = if c.tags.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", c.tags.join(", "))
                    };
                    println!(
                        "{}  {}{}  {}{}",
                        c.id,
                        c.display_name,
                        company,
                        or_dash(c.primary_email.as_deref()),
                        tags
                    );
                }
                let total = store.count_customers(&filter).await?;
                println!("{} of {} customers", list.len(), total);
            }
        }
        CustomerCmd::Edit { customer, set } => {
            let id = ctx.customer(store, &customer).await?;
            let edits = set
                .iter()
                .map(|s| match s.split_once('=') {
                    Some((f, v)) => Ok((f.to_string(), v.to_string())),
                    None => Err(Error::invalid("--set", format!("`{s}` is not FIELD=VALUE"))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            let c = store.edit_customer(id, &edits).await?;
            if ctx.json {
                output::json(&c)?;
            } else {
                println!("Updated {} ({})", c.display_name, c.id);
            }
        }
        CustomerCmd::Delete { customer } => {
            let id = ctx.customer(store, &customer).await?;
            store.delete_customer(id).await?;
            if ctx.json {
                output::json(&serde_json::json!({ "deleted": id }))?;
            } else {
                println!("Deleted {id}");
            }
        }
        CustomerCmd::Merge { duplicate, into, pick } => {
            crate::hygiene::merge(ctx, store, &duplicate, &into, &pick).await?;
        }
    }
    Ok(())
}

fn new_customer(a: CustomerAddArgs) -> anyhow::Result<NewCustomer> {
    Ok(NewCustomer {
        kind: Some(if a.company_record { CustomerKind::Company } else { CustomerKind::Person }),
        name: a.name,
        emails: a.email,
        phones: a.phone,
        company: a.company,
        title: a.title,
        tags: a.tag,
        birthday: a.birthday,
        keep_in_touch_days: a.keep_in_touch,
        preferred_channel: a
            .channel
            .map(|c| parse_enum::<Channel>("channel", &c, "email, phone, sms, whatsapp, in_person"))
            .transpose()?,
        lifecycle_stage: a
            .stage
            .map(|s| parse_enum::<LifecycleStage>("stage", &s, "lead, prospect, customer, former"))
            .transpose()?,
        notes: a.notes,
    })
}

pub async fn log(ctx: &Context, store: &Store, a: LogArgs) -> anyhow::Result<()> {
    let customer_id = ctx.customer(store, &a.customer).await?;
    let kind: InteractionKind = parse_enum("kind", &a.kind, INTERACTION_KINDS)?;
    let occurred_at = a.at.as_deref().map(|t| when::parse(t, ctx.clock.now())).transpose()?;
    let amount = a.amount.as_deref().map(str::parse::<Money>).transpose()?;
    if amount.is_some() && kind != InteractionKind::Purchase {
        bail!(Error::invalid("--amount", "only purchases have an amount"));
    }
    let entry = store
        .log_interaction(&NewInteraction {
            customer_id,
            kind,
            summary: a.summary,
            body: a.body,
            occurred_at,
            amount,
            score: a.score,
        })
        .await?;
    if ctx.json {
        output::json(&entry)?;
    } else {
        println!("Logged {:?} for {} ({})", entry.kind, a.customer, entry.id);
    }
    Ok(())
}

fn print_customer(
    c: &rapport_core::customers::Customer,
    timeline: &[rapport_core::timeline::Interaction],
    followups: &[rapport_core::followups::Followup],
) {
    println!("{}  ({:?}, {:?})", c.display_name, c.kind, c.lifecycle_stage);
    println!("  id            {}", c.id);
    if let Some(company) = &c.company_name {
        println!(
            "  company       {company}{}",
            c.title.as_deref().map(|t| format!(" — {t}")).unwrap_or_default()
        );
    }
    for e in &c.emails {
        println!("  email         {}", e.value);
    }
    for p in &c.phones {
        println!("  phone         {}", p.value);
    }
    if !c.tags.is_empty() {
        println!("  tags          {}", c.tags.join(", "));
    }
    if let Some(b) = &c.birthday {
        println!("  birthday      {b}");
    }
    for d in &c.important_dates {
        println!("  {:<13} {}", d.label, d.date);
    }
    for f in &c.key_facts {
        println!("  {:<13} {}", f.label, f.value);
    }
    if let Some(m) = &c.how_we_met {
        println!("  how we met    {m}");
    }
    if let Some(ch) = &c.preferred_channel {
        println!("  prefers       {ch:?}");
    }
    if let Some(d) = c.keep_in_touch_days {
        println!("  keep in touch every {d} days");
    }
    println!(
        "  last contact  {}",
        c.last_contacted_at
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_else(|| "never".into())
    );
    if let Some(n) = &c.notes {
        println!("  notes         {n}");
    }
    if !followups.is_empty() {
        println!("Follow-ups:");
        for f in followups {
            println!("  {}  due {}  {}", f.id, f.effective_due().format("%Y-%m-%d %H:%M"), f.title);
        }
    }
    if !timeline.is_empty() {
        println!("Timeline:");
        for i in timeline {
            let extra = match (&i.amount, i.score) {
                (Some(m), _) => format!("  {m}"),
                (None, Some(s)) => format!("  score {s}/10"),
                _ => String::new(),
            };
            println!(
                "  {}  {:<9} {}{}",
                i.occurred_at.format("%Y-%m-%d"),
                format!("{:?}", i.kind).to_lowercase(),
                i.summary,
                extra
            );
        }
    }
}
