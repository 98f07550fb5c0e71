//! The store's behaviour, run against a real SQLite file and a real
//! PostgreSQL server with the same test bodies.

use kreiskom_core::{Activity, Dataset, Kind, Partnership, Region, Tenant, TenantSlug, Unit};
use kreiskom_store::{Store, StoreError};
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

fn slug(s: &str) -> TenantSlug {
    TenantSlug::parse(s).unwrap()
}

async fn seeded(url: &str) -> Store {
    let store = Store::connect(url).await.unwrap();
    store
        .create(None, region("goslar", "Landkreis Goslar"))
        .await
        .unwrap();
    store
        .create(None, region("harz", "Landkreis Harz"))
        .await
        .unwrap();
    store
        .create(None, region("powiat-trzebnicki", "Landkreis Trebnitz"))
        .await
        .unwrap();
    store
        .create(
            None,
            partnership("goslar-trebnitz", "goslar", "powiat-trzebnicki"),
        )
        .await
        .unwrap();
    store
        .create(None, tenant("goslar", "goslar"))
        .await
        .unwrap();
    store.create(None, tenant("harz", "harz")).await.unwrap();
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
        .update(None, "goslar", changed.clone(), Some(1))
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
        .create(None, region("nordhausen", "Landkreis Nordhausen"))
        .await
        .unwrap();
    store.delete::<Region>(None, "nordhausen").await.unwrap();
    assert!(store
        .get::<Region>(None, "nordhausen")
        .await
        .unwrap()
        .is_none());
    assert!(matches!(
        store.delete::<Region>(None, "nordhausen").await,
        Err(StoreError::NotFound {
            kind: Kind::Region,
            ..
        })
    ));
}

async fn duplicate_slug_is_refused(url: &str) {
    let store = seeded(url).await;
    let err = store
        .create(None, region("goslar", "Doppelt"))
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
        .update(None, "harz", first, Some(read_by_both.version))
        .await
        .unwrap();
    let mut second = read_by_both.record.clone();
    second.website = Some("https://example.org".into());
    let err = store
        .update(None, "harz", second, Some(read_by_both.version))
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
        .update(None, "harz", region("harz-neu", "Landkreis Harz"), None)
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
        .create(None, partnership("goslar-breslau", "goslar", "breslau"))
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
        .delete::<Region>(None, "powiat-trzebnicki")
        .await
        .unwrap_err();
    let StoreError::InUse { by, .. } = &err else {
        panic!("expected InUse, got {err}")
    };
    assert_eq!(by, &["Partnerschaft „goslar-trebnitz“"]);
    assert!(err.to_string().contains("wird noch verwendet"));
    store
        .delete::<Partnership>(None, "goslar-trebnitz")
        .await
        .unwrap();
    store
        .delete::<Region>(None, "powiat-trzebnicki")
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
        .create(Some(&slug("goslar")), unit.clone())
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
    let err = store.update(None, "harz", harz, None).await.unwrap_err();
    let StoreError::Invalid(errors) = err else {
        panic!("expected Invalid, got {err}")
    };
    assert_eq!(errors[0].field, "communication_unit");
    // A tenant of its own unit is fine, and the unit is then in use.
    let mut goslar = tenant("goslar", "goslar");
    goslar.communication_unit = Some(kreiskom_core::UnitSlug::parse("pressestelle").unwrap());
    store.update(None, "goslar", goslar, None).await.unwrap();
    let err = store
        .delete::<Unit>(Some(&slug("goslar")), "pressestelle")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InUse { .. }), "{err}");
    let err = store.delete::<Tenant>(None, "goslar").await.unwrap_err();
    assert!(matches!(err, StoreError::InUse { .. }), "{err}");
}

async fn records_of_unknown_tenant_are_refused(url: &str) {
    let store = seeded(url).await;
    let unit: Unit = serde_json::from_value(json!({"slug": "x", "name": "X"})).unwrap();
    let err = store
        .create(Some(&slug("atlantis")), unit)
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
    store.create(Some(&slug("goslar")), activity).await.unwrap();
    let first = store.export().await.unwrap().to_canonical_json();
    let copy = Store::connect(second_url).await.unwrap();
    let mut seen = 0;
    let n = copy
        .import(&serde_json::from_str(&first).unwrap(), |done, _| {
            seen = done
        })
        .await
        .unwrap();
    assert_eq!((n, seen), (7, 7));
    assert_eq!(copy.export().await.unwrap().to_canonical_json(), first);
    // A second import into the now filled database is refused.
    let again = copy
        .import(&serde_json::from_str(&first).unwrap(), |_, _| {})
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
    let err = store.import(&dataset, |_, _| {}).await.unwrap_err();
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

kreiskom_testkit::on_both_backends!(
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
