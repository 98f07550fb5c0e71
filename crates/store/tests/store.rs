//! The store's behaviour, run against a real SQLite file and a real
//! PostgreSQL server with the same test bodies.

use kreiskom_core::{
    Activity, Actor, Dataset, Grant, Kind, Partnership, Permit, Region, Role, Tenant, TenantSlug,
    Unit,
};
use kreiskom_store::{Action, LoginFailure, Store, StoreError};
use serde_json::json;

fn region(slug: &str, name: &str) -> Region {
    serde_json::from_value(json!({
        "slug": slug, "kind": "district", "country": "DE", "names": [{"lang": "de", "name": name}]
    }))
    .unwrap()
}

fn partnership(slug: &str, a: &str, b: &str) -> Partnership {
    serde_json::from_value(json!({
        "slug": slug, "regions": [a, b], "category": "partnership",
        "timeline": [{"date": "2000", "kind": "charter_signed"}]
    }))
    .unwrap()
}

fn tenant(slug: &str, region: &str) -> Tenant {
    serde_json::from_value(
        json!({"slug": slug, "name": format!("Landkreis {slug}"), "region": region}),
    )
    .unwrap()
}

/// Leave to write as the operator, as the command line has it.
fn op(kind: Kind) -> Permit {
    Actor::operator("test").operator_permit(kind).unwrap()
}

fn slug(s: &str) -> TenantSlug {
    TenantSlug::parse(s).unwrap()
}

async fn seeded(url: &str) -> Store {
    let store = Store::connect(url).await.unwrap();
    store
        .create(
            &op(Kind::Region),
            None,
            region("goslar", "Landkreis Goslar"),
        )
        .await
        .unwrap();
    store
        .create(&op(Kind::Region), None, region("harz", "Landkreis Harz"))
        .await
        .unwrap();
    store
        .create(
            &op(Kind::Region),
            None,
            region("powiat-trzebnicki", "Landkreis Trebnitz"),
        )
        .await
        .unwrap();
    store
        .create(
            &op(Kind::Partnership),
            None,
            partnership("goslar-trebnitz", "goslar", "powiat-trzebnicki"),
        )
        .await
        .unwrap();
    store
        .create(&op(Kind::Tenant), None, tenant("goslar", "goslar"))
        .await
        .unwrap();
    store
        .create(&op(Kind::Tenant), None, tenant("harz", "harz"))
        .await
        .unwrap();
    store
}

async fn crud_round_trip(url: &str) {
    let store = seeded(url).await;
    let got = store.fetch::<Region>(None, "goslar").await.unwrap();
    assert_eq!(got.record.name(), "Landkreis Goslar");
    assert_eq!(got.version, 1);
    let mut changed = got.record.clone();
    changed.website = Some("https://www.landkreis-goslar.de".into());
    let updated = store
        .update(&op(Kind::Region), None, "goslar", changed.clone(), Some(1))
        .await
        .unwrap();
    assert_eq!(
        (updated.version, updated.record.website.as_deref()),
        (2, Some("https://www.landkreis-goslar.de"))
    );
    let slugs: Vec<String> = store
        .list::<Region>(None)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.record.slug.to_string())
        .collect();
    assert_eq!(slugs, ["goslar", "harz", "powiat-trzebnicki"]);
    store
        .create(
            &op(Kind::Region),
            None,
            region("nordhausen", "Landkreis Nordhausen"),
        )
        .await
        .unwrap();
    store
        .delete::<Region>(&op(Kind::Region), None, "nordhausen")
        .await
        .unwrap();
    assert!(store
        .get::<Region>(None, "nordhausen")
        .await
        .unwrap()
        .is_none());
    assert!(matches!(
        store
            .delete::<Region>(&op(Kind::Region), None, "nordhausen")
            .await,
        Err(StoreError::NotFound {
            kind: Kind::Region,
            ..
        })
    ));
}

async fn duplicate_slug_is_refused(url: &str) {
    let store = seeded(url).await;
    let err = store
        .create(&op(Kind::Region), None, region("goslar", "Doppelt"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::AlreadyExists {
                kind: Kind::Region,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        store
            .fetch::<Region>(None, "goslar")
            .await
            .unwrap()
            .record
            .name(),
        "Landkreis Goslar"
    );
}

async fn stale_version_is_refused_not_overwritten(url: &str) {
    let store = seeded(url).await;
    let read_by_both = store.fetch::<Region>(None, "harz").await.unwrap();
    let mut first = read_by_both.record.clone();
    first.website = Some("https://www.kreis-hz.de".into());
    store
        .update(
            &op(Kind::Region),
            None,
            "harz",
            first,
            Some(read_by_both.version),
        )
        .await
        .unwrap();
    let mut second = read_by_both.record.clone();
    second.website = Some("https://example.org".into());
    let err = store
        .update(
            &op(Kind::Region),
            None,
            "harz",
            second,
            Some(read_by_both.version),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { current: 2, .. }),
        "{err}"
    );
    let now = store.fetch::<Region>(None, "harz").await.unwrap();
    assert_eq!(
        now.record.website.as_deref(),
        Some("https://www.kreis-hz.de")
    );
}

async fn slug_cannot_change_on_update(url: &str) {
    let store = seeded(url).await;
    let err = store
        .update(
            &op(Kind::Region),
            None,
            "harz",
            region("harz-neu", "Landkreis Harz"),
            None,
        )
        .await
        .unwrap_err();
    let StoreError::Invalid(errors) = err else {
        panic!("expected Invalid, got {err}")
    };
    assert_eq!(errors[0].field, "slug");
}

async fn dangling_reference_is_refused_and_nothing_written(url: &str) {
    let store = seeded(url).await;
    let err = store
        .create(
            &op(Kind::Partnership),
            None,
            partnership("goslar-breslau", "goslar", "breslau"),
        )
        .await
        .unwrap_err();
    let StoreError::Invalid(errors) = err else {
        panic!("expected Invalid, got {err}")
    };
    assert_eq!(errors[0].field, "regions.1");
    assert_eq!(
        errors[0].message,
        "verweist auf unbekannte Gebietskörperschaft „breslau“"
    );
    assert!(store
        .get::<Partnership>(None, "goslar-breslau")
        .await
        .unwrap()
        .is_none());
}

async fn referenced_record_cannot_be_deleted(url: &str) {
    let store = seeded(url).await;
    let err = store
        .delete::<Region>(&op(Kind::Region), None, "powiat-trzebnicki")
        .await
        .unwrap_err();
    let StoreError::InUse { by, .. } = &err else {
        panic!("expected InUse, got {err}")
    };
    assert_eq!(by, &["Partnerschaft „goslar-trebnitz“"]);
    assert!(err.to_string().contains("wird noch verwendet"));
    store
        .delete::<Partnership>(&op(Kind::Partnership), None, "goslar-trebnitz")
        .await
        .unwrap();
    store
        .delete::<Region>(&op(Kind::Region), None, "powiat-trzebnicki")
        .await
        .unwrap();
}

async fn referrers_find_partnerships_of_a_region(url: &str) {
    let store = seeded(url).await;
    let refs = store
        .referrers(Kind::Region, None, "powiat-trzebnicki")
        .await
        .unwrap();
    let found: Vec<(Kind, &str, &str)> = refs
        .iter()
        .map(|r| (r.kind, r.slug.as_str(), r.field.as_str()))
        .collect();
    assert_eq!(found, [(Kind::Partnership, "goslar-trebnitz", "regions.1")]);
}

async fn tenant_records_stay_in_their_tenant(url: &str) {
    let store = seeded(url).await;
    let unit: Unit =
        serde_json::from_value(json!({"slug": "pressestelle", "name": "Pressestelle"})).unwrap();
    store
        .create(&op(Kind::Unit), Some(&slug("goslar")), unit.clone())
        .await
        .unwrap();
    assert!(store
        .get::<Unit>(Some(&slug("harz")), "pressestelle")
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        store
            .list::<Unit>(Some(&slug("goslar")))
            .await
            .unwrap()
            .len(),
        1
    );
    // Harz's tenant cannot point at Goslar's unit.
    let mut harz = tenant("harz", "harz");
    harz.communication_unit = Some(kreiskom_core::UnitSlug::parse("pressestelle").unwrap());
    let err = store
        .update(&op(Kind::Tenant), None, "harz", harz, None)
        .await
        .unwrap_err();
    let StoreError::Invalid(errors) = err else {
        panic!("expected Invalid, got {err}")
    };
    assert_eq!(errors[0].field, "communication_unit");
    // A tenant of its own unit is fine, and the unit is then in use.
    let mut goslar = tenant("goslar", "goslar");
    goslar.communication_unit = Some(kreiskom_core::UnitSlug::parse("pressestelle").unwrap());
    store
        .update(&op(Kind::Tenant), None, "goslar", goslar, None)
        .await
        .unwrap();
    let err = store
        .delete::<Unit>(&op(Kind::Unit), Some(&slug("goslar")), "pressestelle")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InUse { .. }), "{err}");
    let err = store
        .delete::<Tenant>(&op(Kind::Tenant), None, "goslar")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InUse { .. }), "{err}");
}

async fn records_of_unknown_tenant_are_refused(url: &str) {
    let store = seeded(url).await;
    let unit: Unit = serde_json::from_value(json!({"slug": "x", "name": "X"})).unwrap();
    let err = store
        .create(&op(Kind::Unit), Some(&slug("atlantis")), unit)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                kind: Kind::Tenant,
                ..
            }
        ),
        "{err}"
    );
}

async fn export_import_round_trip_is_byte_identical(url: &str, second_url: &str) {
    let store = seeded(url).await;
    let activity: Activity = serde_json::from_value(json!({
        "slug": "hilfskonvoi-2022", "kind": "aid_transport", "title": "Hilfskonvoi nach Trebnitz", "start": "2022-03",
        "partnerships": ["goslar-trebnitz"], "figures": [{"value": 20, "unit": "Paletten", "qualifier": "more_than"}]
    }))
    .unwrap();
    store
        .create(&op(Kind::Activity), Some(&slug("goslar")), activity)
        .await
        .unwrap();
    let first = store.export().await.unwrap().to_canonical_json();
    let copy = Store::connect(second_url).await.unwrap();
    let mut seen = 0;
    let n = copy
        .import(
            &Actor::operator("test"),
            &serde_json::from_str(&first).unwrap(),
            |done, _| seen = done,
        )
        .await
        .unwrap();
    assert_eq!((n, seen), (7, 7));
    assert_eq!(copy.export().await.unwrap().to_canonical_json(), first);
    // A second import into the now filled database is refused.
    let again = copy
        .import(
            &Actor::operator("test"),
            &serde_json::from_str(&first).unwrap(),
            |_, _| {},
        )
        .await
        .unwrap_err();
    assert!(matches!(again, StoreError::NotEmpty), "{again}");
}

async fn bad_import_changes_nothing_and_names_the_record(url: &str) {
    let store = Store::connect(url).await.unwrap();
    let dataset: Dataset = serde_json::from_value(json!({
        "format": "kreiskom/1",
        "regions": [
            {"slug": "goslar", "kind": "district", "country": "DE", "names": [{"lang": "de", "name": "Landkreis Goslar"}]},
            {"slug": "harz", "kind": "district", "country": "DE", "names": [{"lang": "de", "name": "Landkreis Harz"}], "parent": "sachsen-anhalt"}
        ]
    }))
    .unwrap();
    let err = store
        .import(&Actor::operator("test"), &dataset, |_, _| {})
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("Gebietskörperschaft „harz“"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("parent verweist auf unbekannte Gebietskörperschaft „sachsen-anhalt“"),
        "{err}"
    );
    assert!(store.is_empty().await.unwrap());
}

async fn reconnecting_keeps_the_data(url: &str) {
    seeded(url).await.close().await;
    let again = Store::connect(url).await.unwrap();
    assert_eq!(again.list::<Region>(None).await.unwrap().len(), 3);
}

async fn every_change_is_audited_with_before_and_after(url: &str) {
    let store = seeded(url).await;
    let goslar = slug("goslar");
    let admin = Actor::account(
        "admin@goslar.example",
        vec![Grant {
            tenant: goslar.clone(),
            role: Role::Administrator,
        }],
    );
    let unit: Unit =
        serde_json::from_value(json!({"slug": "pressestelle", "name": "Pressestelle"})).unwrap();
    let permit = admin.permit(&goslar, Kind::Unit).unwrap();
    store
        .create(&permit, Some(&goslar), unit.clone())
        .await
        .unwrap();
    let mut renamed = unit.clone();
    renamed.name = "Pressestelle und Öffentlichkeitsarbeit".into();
    store
        .update(&permit, Some(&goslar), "pressestelle", renamed, Some(1))
        .await
        .unwrap();
    store
        .delete::<Unit>(&permit, Some(&goslar), "pressestelle")
        .await
        .unwrap();
    let log = store
        .audit_of_record(Kind::Unit, Some(&goslar), "pressestelle")
        .await
        .unwrap();
    let actions: Vec<Action> = log.iter().map(|e| e.action).collect();
    assert_eq!(actions, [Action::Delete, Action::Update, Action::Create]);
    assert!(log.iter().all(|e| e.actor == "admin@goslar.example"));
    assert_eq!(log[1].before.as_ref().unwrap()["name"], "Pressestelle");
    assert_eq!(
        log[1].after.as_ref().unwrap()["name"],
        "Pressestelle und Öffentlichkeitsarbeit"
    );
    assert!(log[0].after.is_none() && log[2].before.is_none());

    // A shared record changed on behalf of Goslar shows in Goslar's log,
    // not in Harz's.
    let coordinator = Actor::account(
        "partner@goslar.example",
        vec![Grant {
            tenant: goslar.clone(),
            role: Role::PartnershipCoordinator,
        }],
    );
    let mut region = store.fetch::<Region>(None, "goslar").await.unwrap();
    region.record.website = Some("https://www.landkreis-goslar.de".into());
    let permit = store
        .permit(&coordinator, &goslar, Kind::Region)
        .await
        .unwrap()
        .unwrap();
    store
        .update(&permit, None, "goslar", region.record, Some(region.version))
        .await
        .unwrap();
    let (entries, total) = store.audit_of_tenant(&goslar, 0, 10).await.unwrap();
    assert_eq!(total, 4);
    assert_eq!(entries[0].kind, "regions");
    assert_eq!(entries[0].actor, "partner@goslar.example");
    let (_, harz_total) = store.audit_of_tenant(&slug("harz"), 0, 10).await.unwrap();
    assert_eq!(harz_total, 0);
}

async fn failed_logins_lock_the_account_until_the_time_passes(url: &str) {
    let store = seeded(url).await;
    let grants = [Grant {
        tenant: slug("goslar"),
        role: Role::PressOfficer,
    }];
    store
        .create_account(
            &Actor::operator("test"),
            "Presse@Goslar.example",
            "Presse Goslar",
            "hash",
            &grants,
        )
        .await
        .unwrap();
    let account = store
        .account("presse@goslar.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.grants, grants);
    let at: jiff::Timestamp = "2026-11-23T09:00:00Z".parse().unwrap();
    let lock = jiff::SignedDuration::from_mins(15);
    for n in 1..5 {
        assert_eq!(
            store
                .login_failed("presse@goslar.example", at, 5, lock)
                .await
                .unwrap(),
            LoginFailure::Counted { failures: n }
        );
    }
    let until = "2026-11-23T09:15:00Z".parse().unwrap();
    assert_eq!(
        store
            .login_failed("presse@goslar.example", at, 5, lock)
            .await
            .unwrap(),
        LoginFailure::Locked { until }
    );
    let locked = |email: &'static str| {
        let store = store.clone();
        async move { store.sign_in_locked_until(email, at).await.unwrap() }
    };
    assert_eq!(locked("Presse@goslar.example").await, Some(until));
    // An address without an account is counted and locked alike, so the
    // lockout tells no one which accounts exist.
    for _ in 0..5 {
        store
            .login_failed("niemand@goslar.example", at, 5, lock)
            .await
            .unwrap();
    }
    assert_eq!(locked("niemand@goslar.example").await, Some(until));
    assert_eq!(
        store
            .sign_in_locked_until("niemand@goslar.example", until)
            .await
            .unwrap(),
        None,
        "the lock ends at its time"
    );

    // A session ends at its expiry time; signing in clears the lock.
    store
        .create_session("presse@goslar.example", "h1", "csrf", until)
        .await
        .unwrap();
    assert_eq!(locked("presse@goslar.example").await, None);
    assert!(store.session("h1", at).await.unwrap().is_some());
    assert!(store.session("h1", until).await.unwrap().is_none());
    store.delete_session("h1").await.unwrap();
    assert!(store.session("h1", at).await.unwrap().is_none());
}

async fn only_administrators_of_the_tenant_create_accounts(url: &str) {
    let store = seeded(url).await;
    let press = Actor::account(
        "presse@goslar.example",
        vec![Grant {
            tenant: slug("goslar"),
            role: Role::PressOfficer,
        }],
    );
    let grants = [Grant {
        tenant: slug("goslar"),
        role: Role::Administrator,
    }];
    let err = store
        .create_account(&press, "neu@goslar.example", "Neu", "hash", &grants)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden), "{err}");
    let op = Actor::operator("test");
    store
        .create_account(&op, "neu@goslar.example", "Neu", "hash", &grants)
        .await
        .unwrap();
    let err = store
        .create_account(&op, "NEU@goslar.example", "Neu", "hash", &grants)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::AccountExists(_)), "{err}");
}

/// The store holds every writer to the tenant's scope, whoever asks (the
/// web, the API, the command line, an import): a coordinator of Harz
/// changes Harz's records and nothing of Goslar's.
async fn writes_stay_within_the_tenants_scope(url: &str) {
    let store = seeded(url).await;
    let (goslar, harz) = (slug("goslar"), slug("harz"));
    let coordinator = Actor::account(
        "partner@harz.example",
        vec![Grant {
            tenant: harz.clone(),
            role: Role::PartnershipCoordinator,
        }],
    );
    let regions = store
        .permit(&coordinator, &harz, Kind::Region)
        .await
        .unwrap()
        .unwrap();
    let partnerships = store
        .permit(&coordinator, &harz, Kind::Partnership)
        .await
        .unwrap()
        .unwrap();
    // Harz's own region, yes; Goslar's region and partnership, no.
    let mut own = store.fetch::<Region>(None, "harz").await.unwrap();
    own.record.website = Some("https://www.kreis-hz.de".into());
    store
        .update(&regions, None, "harz", own.record, None)
        .await
        .unwrap();
    let mut other = store.fetch::<Region>(None, "goslar").await.unwrap();
    other.record.website = Some("https://example.org".into());
    let refused = store
        .update(&regions, None, "goslar", other.record, None)
        .await;
    assert!(matches!(refused, Err(StoreError::Forbidden)), "{refused:?}");
    let refused = store
        .delete::<Partnership>(&partnerships, None, "goslar-trebnitz")
        .await;
    assert!(matches!(refused, Err(StoreError::Forbidden)), "{refused:?}");
    // A new partnership must have Harz on one side.
    let foreign = partnership("goslar-harz", "goslar", "powiat-trzebnicki");
    let refused = store.create(&partnerships, None, foreign).await;
    assert!(matches!(refused, Err(StoreError::Forbidden)), "{refused:?}");
    store
        .create(
            &partnerships,
            None,
            partnership("harz-trebnitz", "harz", "powiat-trzebnicki"),
        )
        .await
        .unwrap();
    // A permit without the scope reaches no existing shared record.
    let bare = coordinator.permit(&harz, Kind::Region).unwrap();
    let mut own = store.fetch::<Region>(None, "harz").await.unwrap();
    own.record.website = None;
    assert!(matches!(
        store.update(&bare, None, "harz", own.record, None).await,
        Err(StoreError::Forbidden)
    ));
    // A tenant's permit does not write into another tenant.
    let admin = Actor::account(
        "admin@harz.example",
        vec![Grant {
            tenant: harz.clone(),
            role: Role::Administrator,
        }],
    );
    let unit: Unit = serde_json::from_value(json!({"slug": "presse", "name": "Presse"})).unwrap();
    let permit = admin.permit(&harz, Kind::Unit).unwrap();
    let refused = store.create(&permit, Some(&goslar), unit.clone()).await;
    assert!(matches!(refused, Err(StoreError::Forbidden)), "{refused:?}");
    store.create(&permit, Some(&harz), unit).await.unwrap();
    // Nothing of Goslar's changed.
    let (_, goslar_log) = store.audit_of_tenant(&goslar, 0, 10).await.unwrap();
    assert_eq!(goslar_log, 0);
}

kreiskom_testkit::on_both_backends!(
    writes_stay_within_the_tenants_scope,
    every_change_is_audited_with_before_and_after,
    failed_logins_lock_the_account_until_the_time_passes,
    only_administrators_of_the_tenant_create_accounts,
    crud_round_trip,
    duplicate_slug_is_refused,
    stale_version_is_refused_not_overwritten,
    slug_cannot_change_on_update,
    dangling_reference_is_refused_and_nothing_written,
    referenced_record_cannot_be_deleted,
    referrers_find_partnerships_of_a_region,
    tenant_records_stay_in_their_tenant,
    records_of_unknown_tenant_are_refused,
    bad_import_changes_nothing_and_names_the_record,
    reconnecting_keeps_the_data,
);

/// Export from one database, import into a second one.
#[tokio::test]
async fn sqlite_export_import_round_trip_is_byte_identical() {
    let (a, b) = (kreiskom_testkit::sqlite(), kreiskom_testkit::sqlite());
    export_import_round_trip_is_byte_identical(&a.url, &b.url).await;
}

#[tokio::test]
async fn postgres_export_import_round_trip_is_byte_identical() {
    let (Some(a), Some(b)) = (kreiskom_testkit::postgres(), kreiskom_testkit::postgres()) else {
        return;
    };
    export_import_round_trip_is_byte_identical(&a.url, &b.url).await;
}
