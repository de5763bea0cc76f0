//! `rapport search QUERY`: customers best match first, with where each matched.

use rapport_core::customers::search::MatchField;
use rapport_core::Store;

use crate::context::Context;
use crate::output;

fn field(f: MatchField) -> &'static str {
    match f {
        MatchField::Name => "name",
        MatchField::Company => "company",
        MatchField::Email => "email",
        MatchField::Phone => "phone",
        MatchField::Tags => "tags",
        MatchField::Notes => "notes",
        MatchField::Timeline => "timeline",
    }
}

pub async fn run(ctx: &Context, store: &Store, query: &str, limit: u32) -> anyhow::Result<()> {
    let (hits, total) = store.search(query, limit).await?;
    if ctx.json {
        return output::json(&serde_json::json!({ "total": total, "hits": hits }));
    }
    if hits.is_empty() {
        println!("No customer matches “{query}”.");
        return Ok(());
    }
    for (i, hit) in hits.iter().enumerate() {
        let c = &hit.customer;
        let wheres: Vec<&str> = hit.matched_in.iter().map(|f| field(*f)).collect();
        println!(
            "{:>3}. {:<28} {:<24} {:<28} matched in {}",
            i + 1,
            c.display_name,
            output::or_dash(c.company_name.as_deref()),
            output::or_dash(c.primary_email.as_deref()),
            wheres.join(", ")
        );
    }
    if total > hits.len() as u64 {
        println!("{} of {total} shown (--limit).", hits.len());
    }
    Ok(())
}
