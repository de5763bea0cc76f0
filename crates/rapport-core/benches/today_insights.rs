//! Benchmark: Today, insights, the insight charts, the customer list and search on a large
//! store (default 100k customers, 1M timeline entries); reports p50/p99/max, and each against
//! a trivial query (the first page of the list) as a reference.
//!
//! Run: `cargo bench -p rapport-core --bench today_insights`
//!
//! Environment:
//! - `RAPPORT_BENCH_CUSTOMERS` (default 100000; 10 timeline entries each)
//! - `RAPPORT_BENCH_TODAY_RUNS` (30), `RAPPORT_BENCH_INSIGHTS_RUNS` (15),
//!   `RAPPORT_BENCH_CHARTS_RUNS` (15), `RAPPORT_BENCH_LIST_RUNS` (200), `RAPPORT_BENCH_SEARCH_RUNS` (50)
//! - `RAPPORT_BENCH_DIR`: keep the store there instead of a temp dir; if it already holds
//!   a store, that store is reused and generation is skipped (a store from an older schema
//!   is migrated on open: the time to open is printed, backup included).
//!
//! The dataset and its generation are in `common/` (shared with the search benchmark).

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use chrono::Duration;
use common::*;
use rapport_core::customers::{CustomerFilter, LifecycleStage};
use rapport_core::today::{TodayOptions, TodayReason};
use rapport_core::{Protection, Store, Unlock};
use zeroize::Zeroizing;

fn row(name: &str, s: &Stats, reference: &Stats) {
    println!(
        "{:<34} {:>5} {:>9.2} {:>9.2} {:>9.2} {:>8.0}x {:>8.0}x",
        name,
        s.runs,
        s.p50,
        s.p99,
        s.max,
        s.p50 / reference.p50,
        s.p99 / reference.p99
    );
}

fn money(v: &[rapport_core::money::Money]) -> String {
    let parts: Vec<String> =
        v.iter().map(|m| format!("{:.2} {}", m.minor as f64 / 100.0, m.currency)).collect();
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join(", ")
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{:.1}%", v * 100.0))
}

#[tokio::main]
async fn main() {
    let n = env_usize("RAPPORT_BENCH_CUSTOMERS", 100_000).max(1);
    let today_runs = env_usize("RAPPORT_BENCH_TODAY_RUNS", 30);
    let insights_runs = env_usize("RAPPORT_BENCH_INSIGHTS_RUNS", 15);
    let charts_runs = env_usize("RAPPORT_BENCH_CHARTS_RUNS", 15);
    let list_runs = env_usize("RAPPORT_BENCH_LIST_RUNS", 200);
    let search_runs = env_usize("RAPPORT_BENCH_SEARCH_RUNS", 50);

    let temp;
    let dir: PathBuf = match std::env::var_os("RAPPORT_BENCH_DIR") {
        Some(d) => PathBuf::from(d),
        None => {
            temp = tempfile::tempdir().expect("temp dir");
            temp.path().join("store")
        }
    };
    let unlock = Unlock { passphrase: Some(Zeroizing::new(PASS.into())) };

    println!("Rapport benchmark: Today and insights (profile: release, SQLCipher store)");
    println!("store: {}", dir.display());
    if dir.join(rapport_core::DB_FILE).exists() {
        println!("reusing the existing store (generation skipped)");
    } else {
        println!(
            "generating {n} customers, {} timeline entries (seed {SEED:#x}) ...",
            n * ENTRIES_PER_CUSTOMER
        );
        let store = Store::init(&dir, Protection::Passphrase(Zeroizing::new(PASS.into())), clock())
            .await
            .expect("init store");
        let c = generate(&store, n).await;
        println!(
            "  {} customers ({} with own cadence, {} with a birthday, {} tagged / {} tag rows), \
             {} entries, {} open + {} done follow-ups, {} deals",
            c.customers,
            c.cadence,
            c.birthdays,
            c.tagged,
            c.tag_rows,
            c.entries,
            c.followups_open,
            c.followups_done,
            c.deals
        );
        store.close().await;
    }

    // Measure on a freshly opened store: the app's own pool settings, a cold page cache.
    let opening = Instant::now();
    let store = Store::open(&dir, &unlock, clock()).await.expect("open store");
    println!(
        "opened in {:.1} s (any pending migrations included, with their backup)",
        opening.elapsed().as_secs_f64()
    );
    // A migration can leave a large WAL behind; measure the database itself.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(store.pool()).await.expect("checkpoint");
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT 'customers', count(*) FROM customers UNION ALL
         SELECT 'interactions', count(*) FROM interactions UNION ALL
         SELECT 'deals', count(*) FROM deals UNION ALL
         SELECT 'open follow-ups', count(*) FROM followups WHERE done_at IS NULL",
    )
    .fetch_all(store.pool())
    .await
    .expect("counts");
    let counts: Vec<String> = rows.iter().map(|(k, v)| format!("{v} {k}")).collect();
    println!("dataset: {}", counts.join(", "));
    println!(
        "store on disk: {:.1} MiB (checkpointed, {} + key file)",
        dir_size(&dir) as f64 / (1024.0 * 1024.0),
        rapport_core::DB_FILE
    );

    let now = store.now();
    let opts = TodayOptions::utc(now, 7);
    let from = now - Duration::days(365);
    let filter = CustomerFilter { limit: 50, ..CustomerFilter::default() };

    println!();
    println!(
        "{:<34} {:>5} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "operation", "runs", "p50 ms", "p99 ms", "max ms", "p50/ref", "p99/ref"
    );
    println!("{}", "-".repeat(90));
    // Each row is printed as soon as it is measured (a full run takes minutes).
    let (list, listed) =
        measure(list_runs, || async { store.list_customers(&filter).await.expect("list") }).await;
    row("list_customers(limit 50) [ref]", &list, &list);
    let (today, items) =
        measure(today_runs, || async { store.today(&opts).await.expect("today") }).await;
    row("today(utc, 7-day horizon)", &today, &list);
    let (insights, ins) =
        measure(insights_runs, || async { store.insights(from, now).await.expect("insights") })
            .await;
    row("insights(last 365 days)", &insights, &list);
    let (charts, ch) =
        measure(charts_runs, || async { store.insight_charts().await.expect("charts") }).await;
    row("insight_charts()", &charts, &list);

    let (today_top, top) =
        measure(today_runs, || async { store.today_list(&opts, 50).await.expect("today list") })
            .await;
    row("today_list(limit 50)", &today_top, &list);

    let page = |f: CustomerFilter| {
        let store = &store;
        move || {
            let f = f.clone();
            async move { store.customer_page(&f).await.expect("page") }
        }
    };
    let at = |offset: u32| CustomerFilter { limit: 50, offset, ..CustomerFilter::default() };
    let (s, _) = measure(list_runs, page(at(0))).await;
    row("customer_page(first 50 + total)", &s, &list);
    let (s, deep) = measure(list_runs, page(at(n as u32 / 2))).await;
    row("customer_page(offset n/2)", &s, &list);
    let filtered = CustomerFilter {
        tag: Some("vip".into()),
        stage: Some(LifecycleStage::Customer),
        offset: 1_000,
        ..at(0)
    };
    let (s, vip) = measure(list_runs, page(filtered)).await;
    row("customer_page(tag+stage, offset 1000)", &s, &list);
    let mut searched = Vec::new();
    for (label, q) in [
        ("search(\"muller\", accents)", "muller"),
        ("search(\"anna mül\", 2 words)", "anna mül"),
        ("search(order no., timeline)", "54321"),
        ("search(\"damaged\", timeline)", "damaged"),
        ("search(\"a\", worst prefix)", "a"),
        ("search(no match)", "zzyzx"),
    ] {
        let f = CustomerFilter { query: Some(q.into()), ..at(0) };
        let (s, p) = measure(search_runs, page(f)).await;
        row(label, &s, &list);
        searched.push((q, p.total));
    }
    let (s, facets) =
        measure(list_runs, || async { store.customer_facets().await.expect("facets") }).await;
    row("customer_facets()", &s, &list);
    let some = deep.items.first().expect("a customer").id;
    let (s, detail) =
        measure(list_runs, || async { store.customer_detail(some).await.expect("detail") }).await;
    row("customer_detail(one customer)", &s, &list);
    let (s, board) =
        measure(list_runs, || async { store.pipeline().await.expect("pipeline") }).await;
    row("pipeline()", &s, &list);
    println!();

    let mut by_reason: BTreeMap<TodayReason, usize> = BTreeMap::new();
    for i in &items {
        *by_reason.entry(i.reason).or_default() += 1;
    }
    let reasons: Vec<String> = by_reason.iter().map(|(r, c)| format!("{r:?} {c}")).collect();
    println!("list_customers: {} rows", listed.len());
    println!(
        "customer_page: deep page {} rows of {}; vip customers {}; facets {} tags, {} owners",
        deep.items.len(),
        deep.total,
        vip.total,
        facets.tags.len(),
        facets.owners.len()
    );
    let found: Vec<String> = searched.iter().map(|(q, n)| format!("{q:?} {n}")).collect();
    println!("search matches: {}", found.join(", "));
    println!(
        "detail: {} entries, {} deals; pipeline: {} open deals; today_list: {} of {}",
        detail.timeline.len(),
        detail.deals.len(),
        board.deals.len(),
        top.items.len(),
        top.total
    );
    println!("today: {} items ({})", items.len(), reasons.join(", "));
    if let Some(first) = items.first() {
        println!("  first: {} — {} ({})", first.customer_name, first.headline, first.explanation);
    }
    println!(
        "insights: deals won {} / lost {} (win rate {}), pipeline {}, weighted {}",
        ins.deals_won,
        ins.deals_lost,
        pct(ins.win_rate),
        money(&ins.pipeline),
        money(&ins.weighted_pipeline)
    );
    println!(
        "  CLV {}, retention {}, repeat purchase {}, NPS {} ({} responses)",
        money(&ins.customer_lifetime_value),
        pct(ins.retention_rate),
        pct(ins.repeat_purchase_rate),
        ins.nps.map_or("-".into(), |v| v.to_string()),
        ins.nps_responses
    );
    println!(
        "  complaints: {} open, mean resolution {} h; forecast months {}; slipping shown {}",
        ins.open_complaints,
        ins.complaint_resolution_hours.map_or("-".into(), |h| format!("{h:.1}")),
        ins.forecast.len(),
        ins.slipping.len()
    );

    let nps: Vec<String> = ch
        .nps_by_month
        .iter()
        .map(|m| format!("{} {}", m.month, m.nps.map_or("-".into(), |v| v.to_string())))
        .collect();
    println!("charts: NPS by month {}", nps.join(", "));
    if let Some(c) = ch.cohorts.last().filter(|_| ch.cohorts.len() > 1) {
        let first = &ch.cohorts[0];
        println!(
            "  {} cohorts; {} has {} customers, retained {}; latest {} has {}",
            ch.cohorts.len(),
            first.month,
            first.customers,
            first.retained.iter().map(|r| pct(Some(*r))).collect::<Vec<_>>().join(" "),
            c.month,
            c.customers
        );
    }
    let stages: Vec<String> = ch
        .pipeline_by_stage
        .iter()
        .map(|t| format!("{} {} ({})", t.stage, t.deals, money(&t.value)))
        .collect();
    println!("  pipeline by stage: {}", stages.join("; "));

    store.close().await;
}
