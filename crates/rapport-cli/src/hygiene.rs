//! `rapport duplicates`, `customer merge`, `merge …`, `tags …`, `audit`.

use rapport_core::hygiene::{AuditKind, HygieneOptions, Pick, PickSide};
use rapport_core::{Error, Store};
use uuid::Uuid;

use crate::args::{DuplicatesCmd, MergeCmd, TagsCmd};
use crate::context::Context;
use crate::output::{self, or_dash};

fn options(region: Option<String>, stale_days: Option<u32>) -> HygieneOptions {
    let mut opts = HygieneOptions::from_system();
    if region.is_some() {
        opts.region = region;
    }
    if let Some(d) = stale_days {
        opts.stale_days = d;
    }
    opts
}

pub async fn duplicates(
    ctx: &Context,
    store: &Store,
    limit: u32,
    region: Option<String>,
    action: Option<DuplicatesCmd>,
) -> anyhow::Result<()> {
    if let Some(DuplicatesCmd::Dismiss { a, b }) = action {
        let (a, b) = (ctx.customer(store, &a).await?, ctx.customer(store, &b).await?);
        store.dismiss_duplicate(a, b).await?;
        if ctx.json {
            return output::json(&serde_json::json!({ "dismissed": [a, b] }));
        }
        println!("{a} and {b} will not be proposed as duplicates again.");
        return Ok(());
    }
    let pairs = store.duplicates_with(limit, &options(region, None)).await?;
    if ctx.json {
        return output::json(&pairs);
    }
    for p in &pairs {
        println!(
            "{:>3}  {} <{}> ({})\n     {} <{}> ({})\n     {}",
            p.score,
            p.a.display_name,
            or_dash(p.a.primary_email.as_deref()),
            p.a.id,
            p.b.display_name,
            or_dash(p.b.primary_email.as_deref()),
            p.b.id,
            p.reasons.join("; ")
        );
    }
    println!("{} possible duplicates", pairs.len());
    Ok(())
}

/// `--pick FIELD=duplicate|survivor` arguments.
fn parse_pick(pick: &[String]) -> Result<Pick, Error> {
    pick.iter()
        .map(|p| {
            let (field, side) = p.split_once('=').ok_or_else(|| {
                Error::invalid("--pick", format!("`{p}` is not FIELD=duplicate or FIELD=survivor"))
            })?;
            let side = match side.trim().to_ascii_lowercase().as_str() {
                "duplicate" => PickSide::Duplicate,
                "survivor" => PickSide::Survivor,
                other => {
                    return Err(Error::invalid(
                        "--pick",
                        format!("`{other}` is neither duplicate nor survivor"),
                    ))
                }
            };
            Ok((field.trim().to_string(), side))
        })
        .collect()
}

pub async fn merge(
    ctx: &Context,
    store: &Store,
    duplicate: &str,
    into: &str,
    pick: &[String],
) -> anyhow::Result<()> {
    let pick = parse_pick(pick)?;
    let dup = ctx.customer(store, duplicate).await?;
    let into = ctx.customer(store, into).await?;
    let merged_name = store.customer_summary(dup).await?.display_name;
    let result = store.merge_customers(dup, into, &pick).await?;
    if ctx.json {
        return output::json(&result);
    }
    println!(
        "Merged {merged_name} into {} ({}). Undo with `rapport merge undo {}`.",
        result.survivor.display_name, result.survivor.id, result.merge_id
    );
    Ok(())
}

pub async fn merges(ctx: &Context, store: &Store, cmd: MergeCmd) -> anyhow::Result<()> {
    match cmd {
        MergeCmd::List => {
            let list = store.merges().await?;
            if ctx.json {
                return output::json(&list);
            }
            for m in &list {
                let state = m.undone_at.map(|t| format!("  (undone {t})")).unwrap_or_default();
                println!(
                    "{}  {}  {} → {}{state}",
                    m.id,
                    m.at.format("%Y-%m-%d %H:%M"),
                    m.merged_name,
                    m.survivor_name
                );
            }
            println!("{} merges", list.len());
        }
        MergeCmd::Undo { merge } => {
            let id = match merge {
                Some(m) => Uuid::parse_str(m.trim())
                    .map_err(|_| Error::invalid("merge", format!("`{m}` is not a merge id")))?,
                None => store.latest_merge().await?,
            };
            let m = store.undo_merge(id).await?;
            if ctx.json {
                return output::json(&m);
            }
            println!("Undid the merge of {} into {}.", m.merged_name, m.survivor_name);
        }
    }
    Ok(())
}

pub async fn tags(ctx: &Context, store: &Store, cmd: TagsCmd) -> anyhow::Result<()> {
    match cmd {
        TagsCmd::List => {
            let usage = store.tag_usage().await?;
            if ctx.json {
                return output::json(&usage);
            }
            for u in &usage {
                println!("{:>6}  {}", u.customers, u.tag);
            }
            // Tags compare case-insensitively everywhere; two spellings are one tag.
            let mut seen: Vec<&str> = Vec::new();
            for u in &usage {
                if let Some(other) = seen.iter().find(|s| s.eq_ignore_ascii_case(&u.tag)) {
                    println!(
                        "note: “{other}” and “{}” differ only in case: `rapport tags rename {} {other}` makes them one",
                        u.tag, u.tag
                    );
                } else {
                    seen.push(&u.tag);
                }
            }
            println!("{} tags", usage.len());
        }
        TagsCmd::Rename { from, to } => {
            let change = store.rename_tag(&from, &to).await?;
            if ctx.json {
                return output::json(&change);
            }
            let how = if change.merged { " (merged into the existing tag)" } else { "" };
            println!(
                "Renamed {} to “{to}” on {} customers{how}.",
                change.variants.iter().map(|v| format!("“{v}”")).collect::<Vec<_>>().join(", "),
                change.customers
            );
        }
        TagsCmd::Delete { tag } => {
            let change = store.delete_tag(&tag).await?;
            if ctx.json {
                return output::json(&change);
            }
            println!("Removed “{tag}” from {} customers.", change.customers);
        }
        TagsCmd::Unused => {
            let unused = store.unused_tags().await?;
            if ctx.json {
                return output::json(&unused);
            }
            for u in &unused {
                println!("{}  — named by {}", u.tag, u.used_by.join(", "));
            }
            println!("{} unused tags", unused.len());
        }
    }
    Ok(())
}

pub async fn audit(
    ctx: &Context,
    store: &Store,
    stale_days: u32,
    region: Option<String>,
) -> anyhow::Result<()> {
    let report = store.data_audit_with(&options(region, Some(stale_days))).await?;
    if ctx.json {
        return output::json(&report);
    }
    let mut last = None;
    for f in &report.findings {
        if last != Some(f.kind) {
            println!("{}", heading(f.kind));
            last = Some(f.kind);
        }
        match &f.customer {
            Some(c) => println!("  {:<28} {}", c.display_name, f.detail),
            None => println!("  {}", f.detail),
        }
    }
    let c = &report.counts;
    println!(
        "{} stale, {} without contact data, {} invalid emails, {} invalid phones, {} inconsistent tags",
        c.stale, c.missing_contact, c.invalid_email, c.invalid_phone, c.inconsistent_tag
    );
    Ok(())
}

fn heading(kind: AuditKind) -> &'static str {
    match kind {
        AuditKind::Stale => "Stale",
        AuditKind::MissingContact => "No email and no phone",
        AuditKind::InvalidEmail => "Invalid emails",
        AuditKind::InvalidPhone => "Invalid phones",
        AuditKind::InconsistentTag => "Inconsistent tags",
    }
}
