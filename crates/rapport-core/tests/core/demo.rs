//! Demo data as a long task: progress as it goes, and a cancel that keeps nothing.

use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering;
use std::sync::Mutex;

use rapport_core::customers::NewCustomer;
use rapport_core::ErrorCode;

use crate::support::*;

/// People only: demo customers also bring their companies along.
async fn people(store: &rapport_core::Store) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM customers WHERE kind = 'person'")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn ops(store: &rapport_core::Store) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM ops").fetch_one(store.pool()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_climbs_one_customer_at_a_time_to_the_total() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let seen = Mutex::new(Vec::new());
    let n = store
        .demo_with(
            30,
            7,
            &|done, total| seen.lock().unwrap().push((done, total)),
            &AtomicBool::new(false),
        )
        .await
        .unwrap();
    assert_eq!(n, 30);
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.first(), Some(&(0, 30)));
    assert_eq!(seen.last(), Some(&(30, 30)));
    assert!(seen.windows(2).all(|w| w[1].0 == w[0].0 + 1 && w[1].1 == 30), "{seen:?}");
    assert_eq!(people(&store).await, 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_keeps_nothing_and_a_new_run_can_start() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let ops_before = ops(&store).await;
    let cancel = AtomicBool::new(false);
    let last = Mutex::new(0);
    let err = store
        .demo_with(
            200,
            7,
            &|done, _| {
                *last.lock().unwrap() = done;
                if done == 50 {
                    cancel.store(true, Ordering::Relaxed);
                }
            },
            &cancel,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled, "{err}");
    assert_eq!(*last.lock().unwrap(), 50, "it went on after the cancel");
    let info = store.info().await.unwrap();
    assert_eq!((info.customers, info.interactions), (0, 0), "a cancelled demo left rows");
    assert_eq!(ops(&store).await, ops_before, "a cancelled demo left ops");

    assert_eq!(store.demo(5, 7).await.unwrap(), 5);
    assert_eq!(people(&store).await, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_data_only_goes_into_an_empty_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    store.add_customer(&NewCustomer { name: "Ada".into(), ..Default::default() }).await.unwrap();
    let err = store.demo(5, 7).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::AlreadyExists);
    assert_eq!(store.demo(0, 7).await.unwrap_err().code(), ErrorCode::InvalidInput);
    assert_eq!(store.info().await.unwrap().customers, 1);
}
