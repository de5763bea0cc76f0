//! `rapport conflicts`: edits of an important field that lost to one made at once on
//! another device, kept for review, and settling them.

use rapport_core::Store;

use crate::args::ConflictsCmd;
use crate::context::Context;
use crate::output;

pub async fn run(ctx: &Context, store: &Store, action: Option<ConflictsCmd>) -> anyhow::Result<()> {
    match action {
        None => list(ctx, store).await,
        Some(ConflictsCmd::Resolve { id, use_losing, .. }) => {
            store.resolve_conflict(&id, use_losing).await?;
            if ctx.json {
                return output::json(
                    &serde_json::json!({ "resolved": id, "use_losing": use_losing }),
                );
            }
            let kept = if use_losing {
                "the value that lost is now in effect"
            } else {
                "the current value stays"
            };
            println!("Resolved {id}: {kept}, on every device once synced.");
            Ok(())
        }
    }
}

async fn list(ctx: &Context, store: &Store) -> anyhow::Result<()> {
    let conflicts = store.sync_conflicts().await?;
    if ctx.json {
        return output::json(&conflicts);
    }
    if conflicts.is_empty() {
        println!("No conflicts: no edit made at once on two devices was lost.");
        return Ok(());
    }
    println!(
        "{:<40} {:<28} {:<7} {:<20} {:<20} {:<15} when",
        "id", "record", "field", "current", "losing", "from"
    );
    for c in &conflicts {
        println!(
            "{:<40} {:<28} {:<7} {:<20} {:<20} {:<15} {}",
            c.id,
            cut(&c.record_label, 28),
            c.field_label,
            cut(&c.current, 20),
            cut(&c.losing, 20),
            c.losing_device,
            c.losing_at.format("%Y-%m-%d %H:%M"),
        );
    }
    println!("Settle one with `rapport conflicts resolve ID --keep-current` or `--use-losing`.");
    Ok(())
}

/// At most `max` characters on one line, with an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() <= max && line.len() == text.len() {
        return line.to_string();
    }
    let kept: String = line.chars().take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}
