//! A page or list issues the same number of SQL statements whatever the
//! amount of data behind it: reads are made in bulk, never one per item.
//! Counted from sqlx's own log of every statement it executes, on the demo
//! and on the demo with many more towns, partnerships, activities and
//! units, on both databases.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::{app_with_data, day, demo_json, App};
use kreiskom_core::{Dataset, Role};
use serde_json::json;
use tracing_subscriber::layer::SubscriberExt;

static STATEMENTS: AtomicUsize = AtomicUsize::new(0);

/// Counts sqlx's "sqlx::query" events: one per statement executed, less
/// the PRAGMAs with which SQLite sets up a newly opened pool connection.
struct Counter;

#[derive(Default)]
struct Summary(String);

impl tracing::field::Visit for Summary {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "summary" {
            self.0 = value.to_owned();
        }
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" {
            self.0 = format!("{value:?}");
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Counter {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut summary = Summary::default();
        event.record(&mut summary);
        if !summary
            .0
            .trim_start_matches('"')
            .to_uppercase()
            .starts_with("PRAGMA")
        {
            STATEMENTS.fetch_add(1, Ordering::SeqCst);
        }
    }
}

const PUBLIC: [&str; 9] = [
    "/harz/",
    "/harz/partnerschaften",
    "/harz/partnerschaften/harz-bistrita-nasaud",
    "/goslar/partnerschaften/goslar-trebnitz",
    "/goslar/kommunikation",
    "/goslar/kontakt",
    "/goslar/sitemap.xml",
    "/spree-neisse/presse",
    "/spree-neisse/presse/2014/150",
];

const ADMIN: [&str; 3] = [
    "/admin/harz/partnerschaften/",
    "/admin/harz/gebiete/",
    "/admin/goslar/aktivitaeten/",
];

/// The demo and `n` more of everything a page lists: towns of Harz with
/// two twinnings each, activities and organisations of Goslar's partnership,
/// units of Goslar with contact data.
fn grown(n: usize) -> Dataset {
    let mut data = demo_json();
    let regions = data["regions"].as_array_mut().unwrap();
    let mut partnerships = Vec::new();
    for i in 0..n {
        let town = format!("testort-{i:03}");
        regions.push(json!({"slug": town, "kind": "town", "country": "DE",
            "names": [{"lang": "de", "name": format!("Testort {i}")}], "parent": "harz"}));
        for side in ["a", "b"] {
            let partner = format!("partnerort-{i:03}-{side}");
            regions.push(json!({"slug": partner, "kind": "town", "country": "FR",
                "names": [{"lang": "fr", "name": format!("Partnerort {i} {side}")}]}));
            partnerships.push(json!({"slug": format!("{town}-{partner}"),
                "regions": [town, partner], "category": "partnership"}));
        }
    }
    data["partnerships"]
        .as_array_mut()
        .unwrap()
        .extend(partnerships);
    let goslar = data["tenants"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|t| t["tenant"]["slug"] == "goslar")
        .unwrap();
    for i in 0..n {
        let org = format!("testverein-{i:03}");
        goslar["organisations"].as_array_mut().unwrap().push(json!({
            "slug": org, "name": format!("Testverein {i}"), "kind": "association",
            "region": "bad-harzburg", "partnerships": ["goslar-trebnitz"]}));
        goslar["activities"].as_array_mut().unwrap().push(json!({
            "slug": format!("testbesuch-{i:03}"), "kind": "visit", "title": format!("Besuch {i}"),
            "start": "2019", "partnerships": ["goslar-trebnitz"], "organisations": [org]}));
        goslar["units"].as_array_mut().unwrap().push(json!({
            "slug": format!("testeinheit-{i:03}"), "name": format!("Fachdienst {i}"),
            "parent": "kommunikation",
            "contact": {"phone": "05321 76-0", "email": format!("fd{i}@goslar.example")}}));
    }
    let mut dataset: Dataset = serde_json::from_value(data).unwrap();
    dataset.normalize();
    dataset
}

async fn counted(app: &App, path: &str, cookie: Option<&str>) -> usize {
    app.state.pages.clear();
    let before = STATEMENTS.load(Ordering::SeqCst);
    let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
    let r = app.request("GET", path, None, &headers, false).await;
    assert_eq!(r.status, axum::http::StatusCode::OK, "{path}: {}", r.text);
    STATEMENTS.load(Ordering::SeqCst) - before
}

/// Statements per page, public and admin (as Harz's and Goslar's administrator).
async fn census(url: &str, data: Dataset) -> Vec<(String, usize)> {
    let app = app_with_data(url, Some(data), day(2026, 11, 23)).await;
    app.user(
        "admin@example.org",
        &[
            ("harz", Role::Administrator),
            ("goslar", Role::Administrator),
        ],
    )
    .await;
    let session = app.signed_in("admin@example.org").await;
    let mut out = Vec::new();
    for path in PUBLIC {
        out.push((path.to_owned(), counted(&app, path, None).await));
    }
    for path in ADMIN {
        out.push((
            path.to_owned(),
            counted(&app, path, Some(&session.cookie)).await,
        ));
    }
    app.store.close().await;
    out
}

async fn statements_do_not_grow_with_the_data(small: &str, large: &str) {
    let few = census(small, grown(0)).await;
    let many = census(large, grown(60)).await;
    for ((path, a), (_, b)) in few.iter().zip(&many) {
        eprintln!("{path}: {a} statements");
        assert!(
            *a > 0,
            "{path}: no statement counted; is the counter wired?"
        );
        assert_eq!(
            a, b,
            "{path}: {a} statements on the demo, {b} with 60 more of everything"
        );
        assert!(*a <= 20, "{path}: {a} statements");
    }
}

/// One test function: the counter is global to this test binary.
#[test]
fn pages_and_lists_issue_a_bounded_number_of_statements() {
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Counter))
        .expect("the only subscriber in this test binary");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let (a, b) = (kreiskom_testkit::sqlite(), kreiskom_testkit::sqlite());
        statements_do_not_grow_with_the_data(&a.url, &b.url).await;
        if let (Some(a), Some(b)) = (kreiskom_testkit::postgres(), kreiskom_testkit::postgres()) {
            statements_do_not_grow_with_the_data(&a.url, &b.url).await;
        }
    });
}
