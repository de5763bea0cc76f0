//! The benchmarks' shared dataset (100k customers, 1M timeline entries by default) and
//! timing helpers. The dataset is written with plain SQL in one transaction, straight into
//! the tables. This bypasses the op log (no `ops` rows, no HLC ticks) on purpose: the
//! benchmarks are about the read path, and going through the API would take hours for 1M
//! entries. Derived columns the write path keeps in step (`customers.last_contacted_at`)
//! are set the same way the API would leave them; the search index is kept by triggers, as
//! for any write.

#![allow(dead_code)] // each bench uses part of it

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rapport_core::{FixedClock, SharedClock, Store};
use sqlx::sqlite::SqliteConnection;
use sqlx::{Connection, QueryBuilder, Sqlite};

pub const PASS: &str = "correct horse battery staple";
pub const NOW: &str = "2026-11-22T10:00:00Z";
pub const ENTRIES_PER_CUSTOMER: usize = 10;
pub const DEALS_PER_100K: usize = 5_000;
pub const SEED: u64 = 0x5EED_2026;
/// Rows per INSERT statement (at most 13 columns: 6,500 variables, well under 32,766).
pub const CHUNK: usize = 500;
/// The default pipeline stages (migrations/0002_default_stages.sql).
pub const STAGES: [&str; 4] = [
    "0190b3c0-0000-7000-8000-000000000001",
    "0190b3c0-0000-7000-8000-000000000002",
    "0190b3c0-0000-7000-8000-000000000003",
    "0190b3c0-0000-7000-8000-000000000004",
];
pub const GIVEN: [&str; 32] = [
    "Anna", "Ben", "Clara", "David", "Elif", "Felix", "Greta", "Hugo", "Ines", "Jonas", "Katja",
    "Lukas", "Maya", "Noah", "Olga", "Paul", "Quinn", "Rosa", "Sami", "Tara", "Ugo", "Vera", "Wim",
    "Xenia", "Yusuf", "Zoe", "Marta", "Luca", "Sofia", "Emil", "Nora", "Theo",
];
pub const FAMILY: [&str; 32] = [
    "Müller",
    "Schmidt",
    "Rossi",
    "García",
    "Dubois",
    "Novak",
    "Jansen",
    "Kowalski",
    "Silva",
    "Nielsen",
    "Papadopoulos",
    "Horvat",
    "Ivanova",
    "Smith",
    "O'Brien",
    "Costa",
    "Weber",
    "Fischer",
    "Moreau",
    "Bianchi",
    "Lindqvist",
    "Meyer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Schulz",
    "Keller",
    "Roth",
    "Vogel",
    "Brandt",
    "Lang",
    "Berg",
];
pub const TAGS: [(&str, u32); 8] = [
    ("vip", 10),
    ("wholesale", 18),
    ("retail", 30),
    ("newsletter", 25),
    ("partner", 6),
    ("referral", 8),
    ("b2b", 12),
    ("event-2025", 6),
];
/// Interaction kinds and their share in percent.
pub const KINDS: [(&str, u32); 8] = [
    ("note", 20),
    ("call", 18),
    ("email", 24),
    ("meeting", 10),
    ("visit", 6),
    ("purchase", 12),
    ("complaint", 3),
    ("feedback", 7),
];

pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.trim().replace('_', "").parse().ok()).unwrap_or(default)
}

pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("valid time").to_utc()
}

pub fn clock() -> SharedClock {
    Arc::new(FixedClock(at(NOW)))
}

/// A UUIDv7 for `t` (as `Uuid::now_v7` would give at that instant), random bits from `rng`.
pub fn v7(t: DateTime<Utc>, rng: &mut StdRng) -> String {
    let bytes: [u8; 10] = rng.gen();
    uuid::Builder::from_unix_timestamp_millis(t.timestamp_millis() as u64, &bytes)
        .into_uuid()
        .to_string()
}

/// `t` in the store's time format (whole seconds, as `to_rfc3339` writes them).
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

pub fn pick<'a>(rng: &mut StdRng, weighted: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = weighted.iter().map(|w| w.1).sum();
    let mut r = rng.gen_range(0..total);
    for &(v, w) in weighted {
        if r < w {
            return v;
        }
        r -= w;
    }
    weighted[weighted.len() - 1].0
}

pub fn random_date(rng: &mut StdRng, years: std::ops::Range<i32>) -> NaiveDate {
    loop {
        let y = rng.gen_range(years.clone());
        if let Some(d) = NaiveDate::from_ymd_opt(y, rng.gen_range(1..=12), rng.gen_range(1..=31)) {
            return d;
        }
    }
}

struct Customer {
    id: String,
    given: &'static str,
    family: &'static str,
    stage: &'static str,
    source: Option<&'static str>,
    channel: Option<&'static str>,
    birthday: Option<String>,
    keep_in_touch: Option<i64>,
    important_dates: String,
    created: DateTime<Utc>,
    tags: Vec<&'static str>,
}

struct Entry {
    id: String,
    customer: usize,
    kind: &'static str,
    occurred: DateTime<Utc>,
    created: DateTime<Utc>,
    summary: String,
    body: Option<String>,
    amount: Option<(i64, &'static str)>,
    score: Option<i64>,
    resolved: Option<DateTime<Utc>>,
}

#[derive(Default)]
pub struct Counts {
    pub customers: usize,
    pub entries: usize,
    pub tagged: usize,
    pub tag_rows: usize,
    pub cadence: usize,
    pub birthdays: usize,
    pub followups_open: usize,
    pub followups_done: usize,
    pub deals: usize,
}

/// Writes the whole dataset in one transaction on a connection of its own (detached from
/// the pool, so its large page cache does not leak into the measurements).
pub async fn generate(store: &Store, n: usize) -> Counts {
    let now = at(NOW);
    let mut rng = StdRng::seed_from_u64(SEED);
    let t = Instant::now();

    // Customers, in the order they were created (ids are v7, so ascending too).
    let five_years = 5 * 365 * 86_400;
    let mut created: Vec<DateTime<Utc>> =
        (0..n).map(|_| now - Duration::seconds(rng.gen_range(3_600..five_years))).collect();
    created.sort();
    let customers: Vec<Customer> = created
        .into_iter()
        .map(|created| {
            let birthday = rng.gen_bool(0.30).then(|| {
                if rng.gen_bool(0.25) {
                    random_date(&mut rng, 2000..2001).format("--%m-%d").to_string()
                } else {
                    random_date(&mut rng, 1950..2006).format("%Y-%m-%d").to_string()
                }
            });
            let important_dates = if rng.gen_bool(0.05) {
                format!(
                    r#"[{{"label":"anniversary","date":"{}"}}]"#,
                    random_date(&mut rng, 1990..2024).format("%Y-%m-%d")
                )
            } else {
                "[]".to_string()
            };
            let mut tags = Vec::new();
            if rng.gen_bool(0.5) {
                for _ in 0..rng.gen_range(1..=3) {
                    let tag = pick(&mut rng, &TAGS);
                    if !tags.contains(&tag) {
                        tags.push(tag);
                    }
                }
            }
            Customer {
                id: v7(created, &mut rng),
                given: GIVEN[rng.gen_range(0..GIVEN.len())],
                family: FAMILY[rng.gen_range(0..FAMILY.len())],
                stage: pick(
                    &mut rng,
                    &[("lead", 20), ("prospect", 20), ("customer", 55), ("former", 5)],
                ),
                source: rng.gen_bool(0.6).then(|| {
                    pick(
                        &mut rng,
                        &[("referral", 3), ("website", 4), ("fair", 2), ("cold call", 1)],
                    )
                }),
                channel: rng.gen_bool(0.5).then(|| {
                    pick(&mut rng, &[("email", 5), ("phone", 3), ("whatsapp", 1), ("in_person", 1)])
                }),
                birthday,
                keep_in_touch: rng.gen_bool(0.40).then(|| [14, 30, 60, 90][rng.gen_range(0..4)]),
                important_dates,
                created,
                tags,
            }
        })
        .collect();

    // Timeline entries: over the last three years (never before the customer existed),
    // inserted in the order they were logged, as a real store would have them.
    let three_years_ago = now - Duration::days(3 * 365);
    let mut entries: Vec<Entry> = Vec::with_capacity(n * ENTRIES_PER_CUSTOMER);
    for (ci, c) in customers.iter().enumerate() {
        let start = c.created.max(three_years_ago);
        let span = (now - start).num_seconds().max(60);
        for _ in 0..ENTRIES_PER_CUSTOMER {
            let occurred = start + Duration::seconds(rng.gen_range(0..span));
            let created = (occurred + Duration::seconds(rng.gen_range(0..7_200))).min(now);
            let kind = pick(&mut rng, &KINDS);
            let (mut amount, mut score, mut resolved, mut body) = (None, None, None, None);
            let summary = match kind {
                "purchase" => {
                    let currency = if rng.gen_bool(0.85) { "EUR" } else { "USD" };
                    amount = Some((rng.gen_range(500..250_000), currency));
                    format!("Order #{}", rng.gen_range(10_000..99_999))
                }
                "feedback" => {
                    score = Some(rng.gen_range(0..=10));
                    "Survey answer".to_string()
                }
                "complaint" => {
                    if rng.gen_bool(0.7) {
                        let r = occurred + Duration::seconds(rng.gen_range(1_800..14 * 86_400));
                        resolved = (r < now).then_some(r);
                    }
                    body = Some("Delivery arrived damaged; asked for a replacement.".to_string());
                    "Damaged delivery".to_string()
                }
                "call" => format!("Call with {}", c.given),
                "email" => "Re: your order".to_string(),
                "meeting" => "Quarterly review".to_string(),
                "visit" => "Visited the shop".to_string(),
                _ => {
                    body = Some(format!(
                        "{} mentioned their plans for next season; follow up on samples.",
                        c.given
                    ));
                    "Note".to_string()
                }
            };
            entries.push(Entry {
                id: String::new(),
                customer: ci,
                kind,
                occurred,
                created,
                summary,
                body,
                amount,
                score,
                resolved,
            });
        }
    }
    entries.sort_by_key(|e| e.created);
    for e in &mut entries {
        e.id = v7(e.created, &mut rng);
    }
    let mut last_contact: Vec<Option<DateTime<Utc>>> = vec![None; n];
    for e in &entries {
        let l = &mut last_contact[e.customer];
        *l = Some(l.map_or(e.occurred, |l| l.max(e.occurred)));
    }
    let built = t.elapsed();

    let mut conn: SqliteConnection = store.pool().acquire().await.expect("connection").detach();
    sqlx::query("PRAGMA cache_size = -1048576").execute(&mut conn).await.expect("cache size");
    let mut tx = conn.begin().await.expect("begin");
    let mut counts = Counts { customers: n, entries: entries.len(), ..Counts::default() };

    for chunk in customers.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT INTO customers (id, kind, display_name, given_name, family_name, lifecycle_stage,
                lead_source, preferred_channel, birthday, keep_in_touch_days, important_dates,
                created_at, updated_at) ",
        );
        qb.push_values(chunk, |mut b, c| {
            b.push_bind(c.id.as_str())
                .push_bind("person")
                .push_bind(format!("{} {}", c.given, c.family))
                .push_bind(c.given)
                .push_bind(c.family)
                .push_bind(c.stage)
                .push_bind(c.source)
                .push_bind(c.channel)
                .push_bind(c.birthday.as_deref())
                .push_bind(c.keep_in_touch)
                .push_bind(c.important_dates.as_str())
                .push_bind(ts(c.created))
                .push_bind(ts(c.created));
        });
        qb.build().execute(&mut *tx).await.expect("insert customers");
    }
    for c in &customers {
        counts.cadence += usize::from(c.keep_in_touch.is_some());
        counts.birthdays += usize::from(c.birthday.is_some());
        counts.tagged += usize::from(!c.tags.is_empty());
        counts.tag_rows += c.tags.len();
    }

    let emails: Vec<(usize, usize)> = (0..n)
        .flat_map(|i| {
            let extra = rng.gen_bool(0.2);
            std::iter::once((i, 0)).chain(extra.then_some((i, 1)))
        })
        .collect();
    for chunk in emails.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT INTO contact_points (customer_id, kind, position, label, value, normalized) ",
        );
        qb.push_values(chunk, |mut b, &(i, pos)| {
            let c = &customers[i];
            let domain = if pos == 0 { "example.com" } else { "mail.example.org" };
            let value =
                format!("{}.{}{i}@{domain}", c.given, c.family.replace(['\'', 'ü', 'í', 'ç'], ""));
            b.push_bind(c.id.as_str())
                .push_bind("email")
                .push_bind(pos as i64)
                .push_bind(if pos == 0 { "work" } else { "home" })
                .push_bind(value.to_lowercase())
                .push_bind(value.to_lowercase());
        });
        qb.build().execute(&mut *tx).await.expect("insert contact points");
    }

    let tag_rows: Vec<(&str, &str)> =
        customers.iter().flat_map(|c| c.tags.iter().map(|t| (c.id.as_str(), *t))).collect();
    for chunk in tag_rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Sqlite>::new("INSERT INTO customer_tags (customer_id, tag) ");
        qb.push_values(chunk, |mut b, &(id, tag)| {
            b.push_bind(id).push_bind(tag);
        });
        qb.build().execute(&mut *tx).await.expect("insert tags");
    }

    for chunk in entries.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT INTO interactions (id, customer_id, kind, occurred_at, summary, body,
                amount_minor, currency, score, resolved_at, created_at) ",
        );
        qb.push_values(chunk, |mut b, e| {
            b.push_bind(e.id.as_str())
                .push_bind(customers[e.customer].id.as_str())
                .push_bind(e.kind)
                .push_bind(ts(e.occurred))
                .push_bind(e.summary.as_str())
                .push_bind(e.body.as_deref())
                .push_bind(e.amount.map(|a| a.0))
                .push_bind(e.amount.map(|a| a.1))
                .push_bind(e.score)
                .push_bind(e.resolved.map(ts))
                .push_bind(ts(e.created));
        });
        qb.build().execute(&mut *tx).await.expect("insert interactions");
    }
    // Derived column, kept in step by the write path: the latest entry per customer.
    sqlx::query(
        "UPDATE customers SET last_contacted_at =
            (SELECT max(occurred_at) FROM interactions i WHERE i.customer_id = customers.id)",
    )
    .execute(&mut *tx)
    .await
    .expect("last_contacted_at");

    // Follow-ups: ~2% of customers with an open one (some snoozed), ~3% with a done one.
    struct Followup {
        customer: usize,
        due: DateTime<Utc>,
        snoozed: Option<DateTime<Utc>>,
        done: Option<DateTime<Utc>>,
    }
    let mut followups = Vec::new();
    for ci in 0..n {
        let r: f64 = rng.gen();
        if r < 0.02 {
            let due = now + Duration::minutes(rng.gen_range(-30 * 1_440..14 * 1_440));
            let snoozed =
                rng.gen_bool(0.1).then(|| due + Duration::minutes(rng.gen_range(60..7 * 1_440)));
            followups.push(Followup { customer: ci, due, snoozed, done: None });
            counts.followups_open += 1;
        } else if r < 0.05 {
            let due = now - Duration::minutes(rng.gen_range(1_440..365 * 1_440));
            let done = Some((due + Duration::minutes(rng.gen_range(-1_440..2 * 1_440))).min(now));
            followups.push(Followup { customer: ci, due, snoozed: None, done });
            counts.followups_done += 1;
        }
    }
    for chunk in followups.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT INTO followups (id, customer_id, title, due_at, snoozed_until, done_at, created_at) ",
        );
        qb.push_values(chunk, |mut b, f| {
            let created = f.due - Duration::days(7);
            b.push_bind(v7(created, &mut rng))
                .push_bind(customers[f.customer].id.as_str())
                .push_bind(if f.done.is_some() { "Send catalogue" } else { "Send quote" })
                .push_bind(ts(f.due))
                .push_bind(f.snoozed.map(ts))
                .push_bind(f.done.map(ts))
                .push_bind(ts(created));
        });
        qb.build().execute(&mut *tx).await.expect("insert followups");
    }

    // Deals across the default stages, each with the stage change that put it there.
    struct Deal {
        id: String,
        customer: usize,
        value: i64,
        currency: &'static str,
        stage: &'static str,
        status: &'static str,
        expected: Option<String>,
        created: DateTime<Utc>,
        closed: Option<DateTime<Utc>>,
    }
    let deal_count = (n * DEALS_PER_100K).div_ceil(100_000);
    let mut deals = Vec::with_capacity(deal_count);
    for _ in 0..deal_count {
        let created = now - Duration::seconds(rng.gen_range(3_600..3 * 365 * 86_400));
        let mut status = pick(&mut rng, &[("open", 40), ("won", 35), ("lost", 25)]);
        let mut closed = None;
        if status != "open" {
            let c = created + Duration::seconds(rng.gen_range(3 * 86_400..150 * 86_400));
            if c < now {
                closed = Some(c);
            } else {
                status = "open";
            }
        }
        let expected = match closed {
            Some(c) => Some(c.date_naive()),
            None => rng
                .gen_bool(0.8)
                .then(|| (now + Duration::days(rng.gen_range(-20..180))).date_naive()),
        };
        deals.push(Deal {
            id: v7(created, &mut rng),
            customer: rng.gen_range(0..n),
            value: rng.gen_range(10_000..5_000_000),
            currency: if rng.gen_bool(0.85) { "EUR" } else { "USD" },
            stage: STAGES[rng.gen_range(0..STAGES.len())],
            status,
            expected: expected.map(|d| d.format("%Y-%m-%d").to_string()),
            created,
            closed,
        });
    }
    deals.sort_by_key(|d| d.created);
    counts.deals = deals.len();
    for chunk in deals.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT INTO deals (id, customer_id, title, value_minor, currency, stage_id, status,
                expected_close, closed_at, lost_reason, created_at, updated_at) ",
        );
        qb.push_values(chunk, |mut b, d| {
            b.push_bind(d.id.as_str())
                .push_bind(customers[d.customer].id.as_str())
                .push_bind(format!("{} — spring order", customers[d.customer].family))
                .push_bind(d.value)
                .push_bind(d.currency)
                .push_bind(d.stage)
                .push_bind(d.status)
                .push_bind(d.expected.as_deref())
                .push_bind(d.closed.map(ts))
                .push_bind((d.status == "lost").then_some("price"))
                .push_bind(ts(d.created))
                .push_bind(ts(d.closed.unwrap_or(d.created)));
        });
        qb.build().execute(&mut *tx).await.expect("insert deals");
        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT INTO deal_stage_changes (deal_id, from_stage, to_stage, changed_at) ",
        );
        qb.push_values(chunk, |mut b, d| {
            b.push_bind(d.id.as_str())
                .push_bind(None::<&str>)
                .push_bind(d.stage)
                .push_bind(ts(d.created));
        });
        qb.build().execute(&mut *tx).await.expect("insert stage changes");
    }
    let inserted = t.elapsed();
    tx.commit().await.expect("commit");
    conn.close().await.expect("close generation connection");
    let committed = t.elapsed();

    // Two tag cadences, through the API.
    store.set_tag_cadence("vip", Some((14, Some(21)))).await.expect("vip cadence");
    store.set_tag_cadence("wholesale", Some((30, None))).await.expect("wholesale cadence");

    println!(
        "generated in {:.1} s (rows in memory {:.1} s, inserts {:.1} s, commit {:.1} s)",
        committed.as_secs_f64(),
        built.as_secs_f64(),
        (inserted - built).as_secs_f64(),
        (committed - inserted).as_secs_f64()
    );
    counts
}

pub fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| rd.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum())
        .unwrap_or(0)
}

pub struct Stats {
    pub runs: usize,
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
}

/// Nearest-rank percentiles, in milliseconds.
pub fn stats(mut samples: Vec<StdDuration>) -> Stats {
    samples.sort();
    let rank = |p: f64| {
        let r = (p / 100.0 * samples.len() as f64).ceil() as usize;
        samples[r.clamp(1, samples.len()) - 1].as_secs_f64() * 1e3
    };
    Stats {
        runs: samples.len(),
        p50: rank(50.0),
        p99: rank(99.0),
        max: samples[samples.len() - 1].as_secs_f64() * 1e3,
    }
}

/// Two warm-up runs, then `runs` timed ones. Returns the stats and the last result.
pub async fn measure<T, F, Fut>(runs: usize, mut f: F) -> (Stats, T)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    for _ in 0..2 {
        f().await;
    }
    let mut samples = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let r = f().await;
        samples.push(t.elapsed());
        last = Some(r);
    }
    (stats(samples), last.expect("at least one run"))
}

/// The store to measure: the one in `RAPPORT_BENCH_DIR` if it holds one (generation is
/// skipped; an older schema is migrated on open), else a new one with `n` customers there
/// (or in a temp dir, returned so it lives as long as the store).
pub async fn bench_store(n: usize) -> (Store, std::path::PathBuf, Option<tempfile::TempDir>) {
    use rapport_core::{Protection, Unlock};
    use zeroize::Zeroizing;
    let (dir, temp) = match std::env::var_os("RAPPORT_BENCH_DIR") {
        Some(d) => (std::path::PathBuf::from(d), None),
        None => {
            let t = tempfile::tempdir().expect("temp dir");
            (t.path().join("store"), Some(t))
        }
    };
    if dir.join(rapport_core::DB_FILE).exists() {
        println!("reusing the store in {} (generation skipped)", dir.display());
    } else {
        println!(
            "generating {n} customers, {} timeline entries (seed {SEED:#x}) in {} ...",
            n * ENTRIES_PER_CUSTOMER,
            dir.display()
        );
        let store = Store::init(&dir, Protection::Passphrase(Zeroizing::new(PASS.into())), clock())
            .await
            .expect("init store");
        generate(&store, n).await;
        store.close().await;
    }
    let opening = Instant::now();
    let unlock = Unlock { passphrase: Some(Zeroizing::new(PASS.into())) };
    let store = Store::open(&dir, &unlock, clock()).await.expect("open store");
    println!(
        "opened in {:.1} s (any pending migrations included, with their backup)",
        opening.elapsed().as_secs_f64()
    );
    (store, dir, temp)
}
