//! Accounts, sign-in, invites, devices and revocation.

use rapport_server::{INVITE_TTL_MS, SIGN_IN_FAILED};
use serde_json::json;

use crate::both;
use crate::support::{names, Db, Server, NOW_MS, PASSWORD};

both!(register_sign_in_and_sign_out);
async fn register_sign_in_and_sign_out(db: Db) {
    let server = Server::start(db).await;
    let mut c = server.client();
    let short = c.post("/v1/accounts", &json!({"email": "a@x.org", "password": "123456789"})).await;
    assert_eq!((short.status, short.code()), (400, "invalid"), "{short:?}");
    assert!(short.message().contains("password") && short.message().contains("10"), "{short:?}");
    let bad_email = c.post("/v1/accounts", &json!({"email": "nope", "password": PASSWORD})).await;
    assert_eq!(bad_email.status, 400);
    assert!(bad_email.message().starts_with("email:"), "{bad_email:?}");

    let made = c
        .post(
            "/v1/accounts",
            &json!({"email": " Ada@X.org ", "password": PASSWORD, "team_name": "Analytical"}),
        )
        .await;
    assert_eq!(made.status, 201, "{made:?}");
    assert_eq!(made.body["role"], "owner");
    let again = c.post("/v1/accounts", &json!({"email": "ada@x.org", "password": PASSWORD})).await;
    assert_eq!((again.status, again.code()), (409, "conflict"), "{again:?}");

    let signed = c.sign_in("ADA@x.org", PASSWORD).await;
    assert_eq!(signed.status, 200, "{signed:?}");
    assert_eq!(signed.body["team_id"], made.body["team_id"]);
    assert_eq!(signed.body["device_id"], json!(c.device));
    assert_eq!(signed.body["role"], "owner");
    let token = signed.body["token"].as_str().unwrap();
    assert_eq!(token.len(), 43, "256 bits as base64url");

    let devices = c.get("/v1/devices").await;
    assert_eq!(devices.status, 200, "{devices:?}");
    assert_eq!(devices.body["devices"][0]["id"], json!(c.device));
    assert_eq!(devices.body["devices"][0]["account_email"], "ada@x.org");
    assert_eq!(devices.body["devices"][0]["name"], "laptop");
    assert_eq!(devices.body["devices"][0]["last_seen_at"], NOW_MS);
    server.clock.advance(120_000);
    assert_eq!(c.get("/v1/pull").await.status, 200);
    let seen = c.get("/v1/devices").await;
    assert_eq!(seen.body["devices"][0]["last_seen_at"], NOW_MS + 120_000, "{seen:?}");

    let out = c.send(c.request(reqwest::Method::DELETE, "/v1/sessions")).await;
    assert_eq!(out.status, 204, "{out:?}");
    let after = c.get("/v1/devices").await;
    assert_eq!((after.status, after.code()), (401, "unauthorized"), "{after:?}");
    let none = server.client().get("/v1/pull").await;
    assert_eq!(none.status, 401);
    // Signing in again on the same device works and gives a new token.
    assert_eq!(c.sign_in("ada@x.org", PASSWORD).await.status, 200);
    assert_ne!(c.token.as_deref(), Some(token));
    assert_eq!(c.get("/v1/pull").await.status, 200);
}

both!(a_wrong_password_and_an_unknown_email_get_the_same_answer);
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(db: Db) {
    let server = Server::start(db).await;
    server.owner("ada@x.org").await;
    let mut c = server.client();
    let wrong = c.sign_in("ada@x.org", "not the password").await;
    let unknown = c.sign_in("nobody@x.org", PASSWORD).await;
    assert_eq!((wrong.status, wrong.code()), (401, "unauthorized"));
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.message(), SIGN_IN_FAILED);
    assert!(c.token.is_none());
}

both!(invites_are_one_use_and_expire_and_only_managers_make_them);
async fn invites_are_one_use_and_expire_and_only_managers_make_them(db: Db) {
    let server = Server::start(db).await;
    let owner = server.owner("owner@x.org").await;
    let member = server.member(&owner, "member@x.org").await;
    let signed = member.get("/v1/devices").await;
    assert_eq!(signed.status, 200);

    let denied = member.post("/v1/invites", &json!({})).await;
    assert_eq!((denied.status, denied.code()), (403, "forbidden"), "{denied:?}");

    let code = owner.post("/v1/invites", &json!({})).await.body["code"].clone();
    let c = server.client();
    let join = |email: &str| json!({"email": email, "password": PASSWORD, "invite": code});
    assert_eq!(c.post("/v1/accounts", &join("b@x.org")).await.status, 201);
    let reused = c.post("/v1/accounts", &join("c@x.org")).await;
    assert_eq!((reused.status, reused.code()), (400, "invalid"), "{reused:?}");
    assert!(reused.message().contains("invite"), "{reused:?}");

    let code = owner.post("/v1/invites", &json!({})).await.body["code"].clone();
    server.clock.advance(INVITE_TTL_MS);
    let late = c
        .post("/v1/accounts", &json!({"email": "d@x.org", "password": PASSWORD, "invite": code}))
        .await;
    assert_eq!(late.status, 400, "an invite expires after 7 days: {late:?}");
    let bogus = c
        .post("/v1/accounts", &json!({"email": "e@x.org", "password": PASSWORD, "invite": "x"}))
        .await;
    assert_eq!(bogus.status, 400);
}

both!(devices_are_listed_and_revoked_within_the_team_only);
async fn devices_are_listed_and_revoked_within_the_team_only(db: Db) {
    let server = Server::start(db).await;
    let owner = server.owner("owner@x.org").await;
    let member = server.member(&owner, "member@x.org").await;
    let stranger = server.owner("stranger@y.org").await;

    let seen = |r: &crate::support::Reply| -> Vec<String> {
        let list = r.body["devices"].as_array().unwrap();
        let mut emails: Vec<String> =
            list.iter().map(|d| d["account_email"].as_str().unwrap().to_string()).collect();
        emails.sort();
        emails
    };
    assert_eq!(seen(&owner.get("/v1/devices").await), ["member@x.org", "owner@x.org"]);
    assert_eq!(seen(&member.get("/v1/devices").await), ["member@x.org"]);
    assert_eq!(seen(&stranger.get("/v1/devices").await), ["stranger@y.org"]);

    let revoke = |device: uuid::Uuid| format!("/v1/devices/{device}/revoke");
    let foreign = stranger.post(&revoke(member.device), &json!({})).await;
    assert_eq!((foreign.status, foreign.code()), (404, "not_found"), "{foreign:?}");
    let not_uuid = stranger.post("/v1/devices/abc/revoke", &json!({})).await;
    assert_eq!(not_uuid.status, 404);
    let up = member.post(&revoke(owner.device), &json!({})).await;
    assert_eq!((up.status, up.code()), (403, "forbidden"), "{up:?}");

    // The member's device works, then is revoked: refused at once, on every route.
    assert_eq!(member.push(&names(member.device, 1, 2)).await.status, 200);
    assert_eq!(owner.post(&revoke(member.device), &json!({})).await.status, 204);
    for r in [member.push(&names(member.device, 3, 1)).await, member.get("/v1/pull").await] {
        assert_eq!((r.status, r.code()), (401, "unauthorized"), "{r:?}");
        assert!(r.message().contains("signed out by an administrator"), "{r:?}");
    }
    let listed = owner.get("/v1/devices").await;
    let devices = listed.body["devices"].as_array().unwrap();
    let revoked = devices.iter().find(|d| d["id"] == serde_json::json!(member.device)).unwrap();
    assert!(revoked["revoked_at"].is_u64(), "{listed:?}");
    // A revoked device can't sign in again, and a device id belongs to one account.
    let mut again = member.via(&server);
    let back = again.sign_in("member@x.org", PASSWORD).await;
    assert_eq!((back.status, back.code()), (403, "forbidden"), "{back:?}");
    let mut thief = server.client();
    thief.device = owner.device;
    let taken = thief.sign_in("stranger@y.org", PASSWORD).await;
    assert_eq!((taken.status, taken.code()), (409, "conflict"), "{taken:?}");
    assert_eq!(owner.get("/v1/pull").await.status, 200, "the owner's device still works");
}

both!(the_owner_makes_admins_who_manage_devices_and_invites);
async fn the_owner_makes_admins_who_manage_devices_and_invites(db: Db) {
    let server = Server::start(db).await;
    let owner = server.owner("owner@x.org").await;
    let member = server.member(&owner, "member@x.org").await;
    let other = server.member(&owner, "other@x.org").await;
    let stranger = server.owner("stranger@y.org").await;
    let account_of = |c: &crate::support::Client, r: &crate::support::Reply| {
        let devices = r.body["devices"].as_array().unwrap();
        let d = devices.iter().find(|d| d["id"] == json!(c.device)).unwrap();
        d["account_id"].as_str().unwrap().to_string()
    };
    let listed = owner.get("/v1/devices").await;
    let (member_id, owner_id) = (account_of(&member, &listed), account_of(&owner, &listed));
    let role = |id: &str| format!("/v1/accounts/{id}/role");

    assert_eq!(member.post("/v1/invites", &json!({})).await.status, 403);
    let by_member = member.put(&role(&member_id), &json!({"role": "admin"})).await;
    assert_eq!((by_member.status, by_member.code()), (403, "forbidden"), "{by_member:?}");
    let foreign = stranger.put(&role(&member_id), &json!({"role": "admin"})).await;
    assert_eq!((foreign.status, foreign.code()), (404, "not_found"), "{foreign:?}");
    let stranger_devices = stranger.get("/v1/devices").await;
    let stranger_id = account_of(&stranger, &stranger_devices);
    let cross = owner.put(&role(&stranger_id), &json!({"role": "admin"})).await;
    assert_eq!((cross.status, cross.code()), (404, "not_found"), "{cross:?}");
    assert_eq!(owner.put(&role(&owner_id), &json!({"role": "member"})).await.status, 400);
    assert_eq!(owner.put(&role(&member_id), &json!({"role": "owner"})).await.status, 400);
    assert_eq!(owner.put(&role(&member_id), &json!({"role": "boss"})).await.status, 400);

    assert_eq!(owner.put(&role(&member_id), &json!({"role": "admin"})).await.status, 204);
    // At once: the admin invites, sees the team's devices, and signs out another's.
    assert_eq!(member.post("/v1/invites", &json!({})).await.status, 201);
    assert_eq!(member.get("/v1/devices").await.body["devices"].as_array().unwrap().len(), 3);
    let revoke = format!("/v1/devices/{}/revoke", other.device);
    assert_eq!(member.post(&revoke, &json!({})).await.status, 204);
    assert_eq!(other.get("/v1/pull").await.status, 401);
    assert_eq!(owner.put(&role(&member_id), &json!({"role": "member"})).await.status, 204);
    assert_eq!(member.post("/v1/invites", &json!({})).await.status, 403);
}
