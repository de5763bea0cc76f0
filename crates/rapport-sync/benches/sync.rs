//! Benchmark: sync over loopback against a real server (SQLite) with real encrypted stores
//! (DESIGN §7). Prints each figure beside its reference or target:
//!
//! - **bootstrap**: a new device's first sync of N customers (snapshot download and apply),
//!   against the `automerge` crate loading a document holding the same records in memory
//!   (target: ours ≤ automerge);
//! - **one edit to a second device**: an edit on A, A's sync, then B's sync, until B shows
//!   it; p50/p99 over many edits (target p99 ≤ 250 ms); then the same with B's long poll
//!   already waiting, as the desktop keeps one;
//! - **many devices**: D devices each making edits and syncing at once, round after round
//!   until nothing moves; ops per second, and whether every device shows the same.
//!
//! Run: `cargo bench -p rapport-sync --bench sync`. Environment: `RAPPORT_BENCH_SYNC_CUSTOMERS`
//! (default 100000), `RAPPORT_BENCH_SYNC_DEVICES` (default 50), `RAPPORT_BENCH_SYNC_EDITS`
//! (latency samples, default 200).

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use automerge::transaction::Transactable as _;
use automerge::{AutoCommit, ObjType, ReadDoc as _, ROOT};
use rapport_core::customers::NewCustomer;
use rapport_core::import::ImportOptions;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The records both sides hold: one customer per row.
struct Person {
    given: String,
    family: String,
    email: String,
    phone: String,
    company: String,
    tag: &'static str,
    notes: String,
}

fn people(n: usize) -> Vec<Person> {
    const GIVEN: [&str; 8] = ["Anna", "Ben", "Clara", "David", "Elif", "Felix", "Greta", "Zoë"];
    const FAMILY: [&str; 8] =
        ["Müller", "Rossi", "García", "Dubois", "Novak", "Silva", "Costa", "Weber"];
    (0..n)
        .map(|i| Person {
            given: GIVEN[i % 8].to_string(),
            family: format!("{} {i}", FAMILY[(i / 8) % 8]),
            email: format!("p{i}@example.com"),
            phone: format!("+44 20 {:04} {:04}", i / 10_000, i % 10_000),
            company: format!("Company {}", i % 5000),
            tag: ["customers", "trade-fair", "vip"][i % 3],
            notes: format!("Met at the fair, row {i}"),
        })
        .collect()
}

fn csv(people: &[Person]) -> String {
    let mut out = String::from(
        "First Name,Last Name,Company,E-mail 1 - Value,Phone 1 - Value,Labels,Notes\n",
    );
    for p in people {
        out.push_str(&format!(
            "{},{},{},{},{},{},\"{}\"\n",
            p.given, p.family, p.company, p.email, p.phone, p.tag, p.notes
        ));
    }
    out
}

/// The reference: the same people as maps in one automerge document, saved, then loaded.
fn automerge_load(people: &[Person]) -> (Duration, usize) {
    let mut doc = AutoCommit::new();
    for (i, p) in people.iter().enumerate() {
        let c = doc.put_object(ROOT, format!("c{i}"), ObjType::Map).unwrap();
        doc.put(&c, "kind", "person").unwrap();
        doc.put(&c, "display_name", format!("{} {}", p.given, p.family)).unwrap();
        doc.put(&c, "given_name", p.given.as_str()).unwrap();
        doc.put(&c, "family_name", p.family.as_str()).unwrap();
        doc.put(&c, "company", p.company.as_str()).unwrap();
        doc.put(&c, "notes", p.notes.as_str()).unwrap();
        for (field, value) in [("emails", &p.email), ("phones", &p.phone)] {
            let list = doc.put_object(&c, field, ObjType::List).unwrap();
            doc.insert(&list, 0, value.as_str()).unwrap();
        }
        let tags = doc.put_object(&c, "tags", ObjType::Map).unwrap();
        doc.put(&tags, p.tag, true).unwrap();
    }
    let bytes = doc.save();
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        let loaded = AutoCommit::load(&bytes).unwrap();
        best = best.min(started.elapsed());
        assert_eq!(loaded.length(ROOT), people.len());
    }
    (best, bytes.len())
}

// The sync tests' real server, encrypted stores and team set-up, shared rather than
// written again (not every helper is used here).
#[path = "../tests/sync/support.rs"]
#[allow(dead_code)]
mod support;

use support::{member as join, owner, store, Server};

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn run() {
    let n = env_usize("RAPPORT_BENCH_SYNC_CUSTOMERS", 100_000);
    let devices = env_usize("RAPPORT_BENCH_SYNC_DEVICES", 50);
    let samples = env_usize("RAPPORT_BENCH_SYNC_EDITS", 200);
    let server = Server::start().await;
    let dirs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let (a, b) = (store(dirs[0].path()).await, store(dirs[1].path()).await);
    owner(&server, &a, "owner@example.com").await;
    join(&server, &a, &b, "b@example.com").await;

    println!("sync benchmark: {n} customers, loopback, SQLite server, encrypted stores");
    let people = people(n);
    let started = Instant::now();
    let never = AtomicBool::new(false);
    a.import_file(
        "bench.csv",
        csv(&people).as_bytes(),
        &ImportOptions::default(),
        &|_, _| {},
        &never,
    )
    .await
    .unwrap();
    println!("  import on A (not compared)        {}", secs(started.elapsed()));
    let started = Instant::now();
    let pushed = rapport_sync::sync(&a).await.unwrap();
    println!("  A pushes {} ops (not compared)    {}", pushed.pushed, secs(started.elapsed()));

    // Bootstrap: B's first sync, against automerge loading the same records.
    let started = Instant::now();
    let first = rapport_sync::sync(&b).await.unwrap();
    let ours = started.elapsed();
    let shown = b.info().await.unwrap().customers as usize;
    let (reference, bytes) = automerge_load(&people);
    println!("bootstrap of {n} customers to a new device");
    println!(
        "  ours: snapshot + apply            {} ({} ops received, {} records)",
        secs(ours),
        first.received,
        first.rebuilt
    );
    println!("  automerge: load {:.1} MB in memory  {}", bytes as f64 / 1e6, secs(reference));
    println!(
        "  ratio ours / automerge            {:.2}× (target ≤ 1×){}",
        ours.as_secs_f64() / reference.as_secs_f64(),
        if shown >= n { "" } else { "  — B does not show every customer!" }
    );

    // One edit, until the second device shows it.
    let ada = NewCustomer { name: "Ada Latency".into(), ..Default::default() };
    let ada = a.add_customer(&ada).await.unwrap().id;
    rapport_sync::sync(&a).await.unwrap();
    rapport_sync::sync(&b).await.unwrap();
    let mut times = Vec::with_capacity(samples);
    for i in 0..samples {
        let title = format!("Title {i}");
        let started = Instant::now();
        a.edit_customer(ada, &[("title".into(), title.clone())]).await.unwrap();
        rapport_sync::sync(&a).await.unwrap();
        rapport_sync::sync(&b).await.unwrap();
        let seen = b.get_customer(ada).await.unwrap().title;
        times.push(started.elapsed());
        assert_eq!(seen.as_deref(), Some(title.as_str()), "B shows the edit");
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
    println!("one edit visible on a second device (edit, A syncs, B syncs), {samples} edits");
    println!(
        "  p50 {}  p99 {}  (target p99 ≤ 250 ms; the {}-customer team store)",
        ms(pct(0.5)),
        ms(pct(0.99)),
        n
    );

    // The same as the desktop does it: B's long poll is already waiting when A edits; A
    // pushes right after its change; the poll wakes and B syncs.
    let mut times = Vec::with_capacity(samples);
    for i in 0..samples {
        let title = format!("Polled title {i}");
        let account = b.sync_account().await.unwrap().unwrap();
        let started = Instant::now();
        let ((), ()) = tokio::join!(
            async {
                let wait = Duration::from_secs(25);
                while rapport_sync::wait_for_changes(&account, wait).await.unwrap() {
                    rapport_sync::sync(&b).await.unwrap();
                    if b.get_customer(ada).await.unwrap().title.as_deref() == Some(&title) {
                        return;
                    }
                }
                panic!("the long poll ended without A's edit");
            },
            async {
                a.edit_customer(ada, &[("title".into(), title.clone())]).await.unwrap();
                rapport_sync::sync(&a).await.unwrap();
            }
        );
        times.push(started.elapsed());
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
    println!("the same with B's long poll waiting, as the desktop does, {samples} edits");
    println!("  p50 {}  p99 {}  (target p99 ≤ 250 ms)", ms(pct(0.5)), ms(pct(0.99)));

    // Many devices at once, on a fresh team.
    let server = Server::start().await;
    let dirs: Vec<tempfile::TempDir> = (0..devices).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut stores = Vec::new();
    for dir in &dirs {
        stores.push(Arc::new(store(dir.path()).await));
    }
    owner(&server, &stores[0], "lead@example.com").await;
    for (i, s) in stores.iter().enumerate().skip(1) {
        join(&server, &stores[0], s, &format!("d{i}@example.com")).await;
    }
    const EDITS: usize = 20;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (d, s) in stores.iter().enumerate() {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            for e in 0..EDITS {
                let c =
                    NewCustomer { name: format!("Device {d} customer {e}"), ..Default::default() };
                s.add_customer(&c).await.unwrap();
                if e % 5 == 4 {
                    rapport_sync::sync(&s).await.unwrap();
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let mut rounds = 0;
    loop {
        rounds += 1;
        let mut tasks = Vec::new();
        for s in &stores {
            let s = s.clone();
            tasks.push(tokio::spawn(async move { rapport_sync::sync(&s).await.unwrap() }));
        }
        let mut moved = 0;
        for t in tasks {
            let r = t.await.unwrap();
            moved += r.pushed + r.received;
        }
        if moved == 0 || rounds >= 10 {
            break;
        }
    }
    let elapsed = started.elapsed();
    let total = devices * EDITS;
    let mut first: Option<Vec<String>> = None;
    let mut same = true;
    for s in &stores {
        let query = rapport_core::customers::CustomerQuery { limit: 10_000, ..Default::default() };
        let mut names: Vec<String> =
            s.list_customers(&query).await.unwrap().into_iter().map(|c| c.display_name).collect();
        names.sort();
        same &= names.len() == total && first.as_ref().is_none_or(|f| *f == names);
        first.get_or_insert(names);
    }
    println!("{devices} devices, {EDITS} new customers each, syncing at once ({rounds} rounds until quiet)");
    println!(
        "  {total} ops to every device in {}: {:.0} ops/s pushed, {:.0} op deliveries/s; all converge: {}",
        secs(elapsed),
        total as f64 / elapsed.as_secs_f64(),
        (total * devices) as f64 / elapsed.as_secs_f64(),
        if same { "yes" } else { "NO" }
    );
    for s in stores.iter() {
        s.close().await;
    }
    a.close().await;
    b.close().await;
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("sync: bench");
        return;
    }
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(run());
    runtime.shutdown_timeout(Duration::from_secs(5));
}
