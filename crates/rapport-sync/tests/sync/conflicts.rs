//! The conflict list through the real server: a rename that lost is listed on both devices,
//! and on a third that starts later from the team's compacted snapshot; resolving it on
//! one device settles it on all.

use rapport_core::customers::NewCustomer;
use rapport_core::Store;
use rapport_sync::sync;
use serde_json::Value;

use crate::support::*;

/// A device's conflict list as every device must show it: who wrote the losing value is
/// "this device" on one and "another device" on the others, so it is left out.
pub async fn shown_conflicts(store: &Store) -> Vec<Value> {
    let list = store.sync_conflicts().await.unwrap();
    let mut list: Vec<Value> = list.iter().map(|c| serde_json::to_value(c).unwrap()).collect();
    for c in &mut list {
        c.as_object_mut().unwrap().remove("losing_device");
    }
    list
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_started_from_the_snapshot_lists_the_same_conflict() {
    let server = Server::start().await;
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (a, b, c) =
        (store(dirs[0].path()).await, store(dirs[1].path()).await, store(dirs[2].path()).await);
    owner(&server, &a, "owner@example.com").await;
    member(&server, &a, &b, "rep@example.com").await;
    let ada = NewCustomer { name: "Ada Lovelace".into(), ..Default::default() };
    let ada = a.add_customer(&ada).await.unwrap().id;
    sync(&a).await.unwrap();
    sync(&b).await.unwrap();

    // Both rename Ada while apart; A renames twice (its first name was never seen by B).
    let rename = |s: &'static str| vec![("name".to_string(), s.to_string())];
    a.edit_customer(ada, &rename("Ada B.")).await.unwrap();
    a.edit_customer(ada, &rename("Ada King")).await.unwrap();
    b.edit_customer(ada, &rename("Countess of Lovelace")).await.unwrap();
    for device in [&a, &b, &a] {
        sync(device).await.unwrap();
    }
    let listed = shown_conflicts(&a).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(shown_conflicts(&b).await, listed);
    let losing = listed[0]["losing"].as_str().unwrap().to_string();
    assert!(["Ada King", "Countess of Lovelace"].contains(&losing.as_str()), "{losing}");

    // A third device starts from the snapshot, where the losing rename is no longer the
    // name of anything: it is kept all the same.
    member(&server, &a, &c, "new@example.com").await;
    assert!(sync(&c).await.unwrap().from_snapshot);
    assert_eq!(shown_conflicts(&c).await, listed);
    assert_eq!(c.sync_status().await.unwrap().conflicts, 1);

    // The new device keeps the current name: once everyone synced, none is left anywhere.
    let current = listed[0]["current"].as_str().unwrap().to_string();
    c.resolve_conflict(listed[0]["id"].as_str().unwrap(), false).await.unwrap();
    for device in [&c, &a, &b] {
        sync(device).await.unwrap();
    }
    for device in [&a, &b, &c] {
        assert!(shown_conflicts(device).await.is_empty());
        assert_eq!(device.get_customer(ada).await.unwrap().display_name, current);
    }
}
