//! Realistic generated data for a first run, demos and benchmarks. Deterministic for a
//! given seed and clock, so screenshots and tests are reproducible.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rapport_protocol::EntityKind;
use uuid::Uuid;

use crate::customers::{
    self, Channel, CustomerKind, FactKind, ImportantDate, KeyFact, LifecycleStage, NewCustomer,
};
use crate::dates::PersonalDate;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::store::{Change, Store};
use crate::text::to_json;
use crate::timeline::{self, InteractionKind, NewInteraction};

const GIVEN: &[&str] = &[
    "Amélie", "Lucas", "Sofia", "Noah", "Emma", "Mateo", "Olivia", "Liam", "Chiara", "Jonas",
    "Aisha", "Kenji", "Ingrid", "Tomás", "Priya", "Oskar", "Léa", "Hugo", "Zoë", "Marek", "Elif",
    "Rafael", "Hannah", "Yusuf", "Freya", "Diego", "Mila", "Arjun", "Clara", "Sven", "Nadia",
    "Pablo", "Greta", "Omar", "Julia", "Felix",
];
const FAMILY: &[&str] = &[
    "Dubois",
    "Müller",
    "Rossi",
    "García",
    "Nowak",
    "Jensen",
    "Silva",
    "Novak",
    "Andersson",
    "Kowalski",
    "Martin",
    "Bianchi",
    "Fischer",
    "López",
    "Horvat",
    "Nielsen",
    "Costa",
    "Weber",
    "Moreau",
    "Schmidt",
    "Yilmaz",
    "Tanaka",
    "Okafor",
    "Haddad",
    "Petrov",
    "O'Brien",
    "Van Dijk",
    "Laurent",
    "Berg",
    "Ferreira",
];
const COMPANY_A: &[&str] = &[
    "Northwind",
    "Bluebird",
    "Alpine",
    "Harbor",
    "Cedar",
    "Lumen",
    "Atlas",
    "Maple",
    "Orbit",
    "Juniper",
    "Copper",
    "Summit",
];
const COMPANY_B: &[&str] = &[
    "Coffee Roasters",
    "Bakery",
    "Dental",
    "Studio",
    "Logistics",
    "Florists",
    "Outfitters",
    "Garage",
    "Architects",
    "Bistro",
    "Pharmacy",
    "Books",
];
const TAGS: &[&str] =
    &["vip", "wholesale", "newsletter", "referral", "trade-show", "local", "online", "repeat"];
const TITLES: &[&str] =
    &["Owner", "Manager", "Buyer", "Head chef", "Office manager", "Director", "Founder"];
const PRODUCTS: &[&str] = &[
    "dark roast",
    "oat-milk latte",
    "espresso beans",
    "gift boxes",
    "the seasonal blend",
    "green tea",
    "croissants",
];
const PETS: &[&str] = &["dog Rex", "cat Miso", "dog Luna", "parrot Kiwi", "cat Pepper"];
const MET: &[&str] = &[
    "at the spring trade show",
    "referred by a neighbour",
    "walked into the shop",
    "through the website",
    "at a wedding we catered",
];
const SUMMARIES: &[(InteractionKind, &str)] = &[
    (InteractionKind::Call, "Called about the next order"),
    (InteractionKind::Visit, "Visited the shop, tasted the new blend"),
    (InteractionKind::Email, "Sent the autumn catalogue"),
    (InteractionKind::Meeting, "Quarterly review meeting"),
    (InteractionKind::Note, "Prefers deliveries before 10am"),
    (InteractionKind::Purchase, "Order"),
    (InteractionKind::Complaint, "Delivery arrived late"),
    (InteractionKind::Feedback, "Feedback after the tasting"),
];

impl Store {
    /// Fills an empty store with `n` generated customers and their history.
    pub async fn demo(&self, n: u32, seed: u64) -> Result<u32> {
        self.demo_with(n, seed, &|_, _| {}, &AtomicBool::new(false)).await
    }

    /// `demo`, reporting `(done, total)` after every customer and stopping when `cancel`
    /// is set. Everything is one transaction, so a cancelled (or failed) run leaves the
    /// store exactly as it was.
    pub async fn demo_with(
        &self,
        n: u32,
        seed: u64,
        progress: &(dyn Fn(u32, u32) + Sync),
        cancel: &AtomicBool,
    ) -> Result<u32> {
        if n == 0 || n > 1_000_000 {
            return Err(Error::invalid("customers", "must be from 1 to 1000000"));
        }
        let mut ch = self.change().await?;
        // Checked inside the write transaction, so two runs can't both find the store empty.
        let existing: i64 =
            sqlx::query_scalar("SELECT count(*) FROM customers WHERE deleted_at IS NULL")
                .fetch_one(ch.conn())
                .await?;
        if existing > 0 {
            return Err(Error::AlreadyExists(format!(
                "the store already has {existing} customers; demo data only goes into an empty store"
            )));
        }
        let mut rng = StdRng::seed_from_u64(seed);
        let companies: Vec<String> = (0..(n / 8).max(1))
            .map(|i| {
                let a = COMPANY_A[i as usize % COMPANY_A.len()];
                let b = COMPANY_B[(i as usize / COMPANY_A.len() + i as usize) % COMPANY_B.len()];
                if i as usize >= COMPANY_A.len() * COMPANY_B.len() {
                    format!("{a} {b} {}", i / (COMPANY_A.len() * COMPANY_B.len()) as u32 + 1)
                } else {
                    format!("{a} {b}")
                }
            })
            .collect();
        progress(0, n);
        for i in 0..n {
            if cancel.load(Ordering::Relaxed) {
                // Dropping the uncommitted change rolls every insert back.
                return Err(Error::Cancelled("demo data: cancelled, nothing was added".into()));
            }
            person(&mut ch, &mut rng, i, &companies).await?;
            progress(i + 1, n);
        }
        ch.commit().await?;
        Ok(n)
    }
}

async fn person(ch: &mut Change<'_>, rng: &mut StdRng, i: u32, companies: &[String]) -> Result<()> {
    let now = ch.now();
    let given = GIVEN[rng.gen_range(0..GIVEN.len())];
    let family = FAMILY[rng.gen_range(0..FAMILY.len())];
    let name = format!("{given} {family}");
    let email_local: String = format!(
        "{}.{}{}",
        ascii(given),
        ascii(family),
        if i >= 500 { format!("{i}") } else { String::new() }
    );
    let company = rng.gen_bool(0.6).then(|| companies[rng.gen_range(0..companies.len())].clone());
    let domain = company
        .as_deref()
        .map_or("example.com".to_string(), |c| format!("{}.example", ascii(&c.replace(' ', ""))));
    let birthday = match rng.gen_range(0..10) {
        0..=4 => Some(format!(
            "{}-{:02}-{:02}",
            rng.gen_range(1950..2002),
            rng.gen_range(1..=12),
            rng.gen_range(1..=28)
        )),
        5..=6 => Some(format!("--{:02}-{:02}", rng.gen_range(1..=12), rng.gen_range(1..=28))),
        _ => None,
    };
    let tag_count = rng.gen_range(0..3);
    let tags: Vec<String> = TAGS.choose_multiple(rng, tag_count).map(|t| t.to_string()).collect();
    let new = NewCustomer {
        kind: Some(CustomerKind::Person),
        name,
        emails: vec![format!("{email_local}@{domain}")],
        phones: vec![format!(
            "+33 6 {:02} {:02} {:02} {:02}",
            rng.gen_range(0..100),
            rng.gen_range(0..100),
            rng.gen_range(0..100),
            rng.gen_range(0..100)
        )],
        company,
        title: rng.gen_bool(0.5).then(|| TITLES[rng.gen_range(0..TITLES.len())].to_string()),
        tags,
        birthday,
        keep_in_touch_days: rng.gen_bool(0.4).then(|| [14, 30, 60, 90][rng.gen_range(0..4)]),
        preferred_channel: Some(
            [Channel::Email, Channel::Phone, Channel::Sms, Channel::Whatsapp, Channel::InPerson]
                [rng.gen_range(0..5)],
        ),
        lifecycle_stage: Some(
            [
                LifecycleStage::Lead,
                LifecycleStage::Prospect,
                LifecycleStage::Customer,
                LifecycleStage::Customer,
                LifecycleStage::Former,
            ][rng.gen_range(0..5)],
        ),
        notes: None,
    };
    let id = customers::insert(ch, new.validate()?).await?;

    let mut facts = vec![KeyFact {
        kind: FactKind::Favourite,
        label: "favourite".into(),
        value: PRODUCTS[rng.gen_range(0..PRODUCTS.len())].into(),
    }];
    if rng.gen_bool(0.4) {
        facts.push(KeyFact {
            kind: FactKind::Pet,
            label: "pet".into(),
            value: PETS[rng.gen_range(0..PETS.len())].into(),
        });
    }
    if rng.gen_bool(0.4) {
        facts.push(KeyFact {
            kind: FactKind::Family,
            label: "child".into(),
            value: format!("{}, {}", GIVEN[rng.gen_range(0..GIVEN.len())], rng.gen_range(2..18)),
        });
    }
    customers::column(ch, id, "key_facts", Some(to_json(&facts)), None, &facts).await?;
    let met = MET[rng.gen_range(0..MET.len())].to_string();
    customers::column(ch, id, "how_we_met", Some(met.clone()), None, &met).await?;
    if rng.gen_bool(0.2) {
        let dates = vec![ImportantDate {
            label: "wedding anniversary".into(),
            date: PersonalDate::Full(
                NaiveDate::from_ymd_opt(
                    rng.gen_range(1980..2020),
                    rng.gen_range(1..=12),
                    rng.gen_range(1..=28),
                )
                .unwrap_or_default(),
            ),
        }];
        customers::column(ch, id, "important_dates", Some(to_json(&dates)), None, &dates).await?;
    }

    for _ in 0..rng.gen_range(0..7) {
        let (kind, summary) = SUMMARIES[rng.gen_range(0..SUMMARIES.len())];
        let occurred = now - Duration::minutes(rng.gen_range(60..(2 * 365 * 24 * 60)));
        let new = NewInteraction {
            customer_id: id,
            kind,
            summary: summary.into(),
            body: None,
            occurred_at: Some(occurred),
            amount: (kind == InteractionKind::Purchase).then(|| Money {
                minor: rng.gen_range(5..400) * 100 + [0, 50, 90][rng.gen_range(0..3)],
                currency: "EUR".into(),
            }),
            score: (kind == InteractionKind::Feedback)
                .then(|| [5, 7, 8, 9, 9, 10, 10][rng.gen_range(0..7)]),
        };
        let entry = Uuid::now_v7();
        timeline::insert(ch, entry, &new, summary, None, occurred).await?;
        if kind == InteractionKind::Complaint && rng.gen_bool(0.75) {
            let resolved = (occurred + Duration::hours(rng.gen_range(2..96))).min(now);
            sqlx::query("UPDATE interactions SET resolved_at = ? WHERE id = ?")
                .bind(resolved.to_rfc3339())
                .bind(entry.to_string())
                .execute(ch.conn())
                .await?;
            ch.set(EntityKind::Interaction, entry, "resolved_at", resolved.to_rfc3339()).await?;
        }
    }
    if rng.gen_bool(0.18) {
        deal(ch, rng, id).await?;
    }
    if rng.gen_bool(0.2) {
        let fid = Uuid::now_v7();
        let due = now + Duration::hours(rng.gen_range(-72..240));
        sqlx::query("INSERT INTO followups (id, customer_id, title, due_at, created_at) VALUES (?, ?, ?, ?, ?)")
            .bind(fid.to_string())
            .bind(id.to_string())
            .bind("Check in about the next order")
            .bind(due.to_rfc3339())
            .bind(now.to_rfc3339())
            .execute(ch.conn())
            .await?;
        ch.set(EntityKind::Followup, fid, "customer_id", id).await?;
        ch.set(EntityKind::Followup, fid, "title", "Check in about the next order").await?;
        ch.set(EntityKind::Followup, fid, "due_at", due.to_rfc3339()).await?;
    }
    Ok(())
}

const DEAL_TITLES: &[&str] = &[
    "Office coffee contract",
    "Catering for the spring event",
    "Wholesale beans",
    "Gift boxes for clients",
    "Monthly pastry order",
];

/// One deal: open with an expected close in the coming months, or closed in the past.
async fn deal(ch: &mut Change<'_>, rng: &mut StdRng, customer: Uuid) -> Result<()> {
    let now = ch.now();
    let stages: Vec<String> =
        sqlx::query_scalar("SELECT id FROM pipeline_stages ORDER BY position")
            .fetch_all(ch.conn())
            .await?;
    let id = Uuid::now_v7();
    let stage = &stages[rng.gen_range(0..stages.len())];
    let created = now - Duration::days(rng.gen_range(5..400));
    let value = rng.gen_range(5..120) * 10_000;
    let (status, closed, close_date) = match rng.gen_range(0..10) {
        0..=5 => ("open", None, Some((now + Duration::days(rng.gen_range(5..120))).date_naive())),
        6..=7 => ("won", Some(created + Duration::days(rng.gen_range(3..90))), None),
        _ => ("lost", Some(created + Duration::days(rng.gen_range(3..90))), None),
    };
    let closed = closed.map(|c| c.min(now));
    let title = DEAL_TITLES[rng.gen_range(0..DEAL_TITLES.len())];
    sqlx::query(
        "INSERT INTO deals (id, customer_id, title, value_minor, currency, stage_id, status, expected_close, closed_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'EUR', ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(customer.to_string())
    .bind(title)
    .bind(value)
    .bind(stage)
    .bind(status)
    .bind(close_date.map(|d| d.to_string()))
    .bind(closed.map(|c| c.to_rfc3339()))
    .bind(created.to_rfc3339())
    .bind(created.to_rfc3339())
    .execute(ch.conn())
    .await?;
    sqlx::query("INSERT INTO deal_stage_changes (deal_id, from_stage, to_stage, changed_at) VALUES (?, NULL, ?, ?)")
        .bind(id.to_string())
        .bind(stage)
        .bind(created.to_rfc3339())
        .execute(ch.conn())
        .await?;
    ch.set(EntityKind::Deal, id, "customer_id", customer).await?;
    ch.set(EntityKind::Deal, id, "title", title).await?;
    ch.set(EntityKind::Deal, id, "value", Money { minor: value, currency: "EUR".into() }).await?;
    ch.set(EntityKind::Deal, id, "stage_id", stage).await?;
    ch.set(EntityKind::Deal, id, "status", status).await?;
    if let Some(d) = close_date {
        ch.set(EntityKind::Deal, id, "expected_close", d.to_string()).await?;
    }
    if let Some(c) = closed {
        ch.set(EntityKind::Deal, id, "closed_at", c.to_rfc3339()).await?;
    }
    Ok(())
}

/// Lower-case ASCII for generated email addresses ("Amélie" → "amelie").
fn ascii(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'é' | 'è' | 'ë' => Some('e'),
            'ü' => Some('u'),
            'ö' => Some('o'),
            'ç' => Some('c'),
            'á' => Some('a'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}
