//! Public pages are rendered once per change and then served from memory.
//! A kept page must never be stale: a change through the admin form or the
//! API shows on the very next request, on another node within a second,
//! and conditional and compressed requests get the same bytes.

mod common;

use std::io::Read;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::{app, day, form_fields, post_fields, set, text, App};
use kreiskom_core::Role;

const PAGE: &str = "/goslar/partnerschaften/goslar-trebnitz";

/// The page twice: the second answer comes from memory, byte for byte.
async fn kept(app: &App, path: &str) -> common::Reply {
    let first = app.get(path).await;
    assert_eq!(first.status, StatusCode::OK, "{path}");
    let again = app.get(path).await;
    assert_eq!(first.text, again.text);
    assert_eq!(first.etag, again.etag);
    assert!(first.etag.is_some(), "{path} has no ETag");
    first
}

async fn a_change_in_the_admin_form_shows_on_the_next_request(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    app.user(
        "anna@goslar.example",
        &[("goslar", Role::PartnershipCoordinator)],
    )
    .await;
    let before = kept(&app, PAGE).await;
    assert!(!app.state.pages.is_empty(), "the page was not kept");
    let unchanged = app
        .request(
            "GET",
            PAGE,
            None,
            &[("if-none-match", before.etag.as_deref().unwrap())],
            false,
        )
        .await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);

    let anna = app.signed_in("anna@goslar.example").await;
    let form = "/admin/goslar/partnerschaften/goslar-trebnitz";
    let mut fields = form_fields(&app.get_as(form, &anna).await.text);
    set(
        &mut fields,
        "description",
        "Frisch im Formular geändert: Jugendaustausch 2027.",
    );
    let saved = post_fields(&app, form, &anna, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);

    let after = app
        .request(
            "GET",
            PAGE,
            None,
            &[("if-none-match", before.etag.as_deref().unwrap())],
            false,
        )
        .await;
    assert_eq!(after.status, StatusCode::OK, "the old ETag still matched");
    assert!(text(&after.text).contains("Frisch im Formular geändert"));
    assert_ne!(after.etag, before.etag);
}

async fn a_change_through_the_api_shows_on_the_next_request(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let before = kept(&app, PAGE).await;
    assert!(!before.text.contains("Neu über die API"));
    let mut region = app.get("/api/v1/regions/powiat-trzebnicki").await.json();
    region["description"] = "Neu über die API beschrieben.".into();
    let put = app
        .write("PUT", "/api/v1/regions/powiat-trzebnicki", &region)
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    let after = app.get(PAGE).await;
    assert!(after.text.contains("Neu über die API beschrieben."));
    // The overview of another district that shows no such text is
    // rendered again too, but its bytes (and so its ETag) stay the same.
    let harz = kept(&app, "/harz/partnerschaften").await;
    let mut other = app
        .get("/api/v1/regions/territoire-de-belfort")
        .await
        .json();
    other["description"] = "Geändert, aber nicht auf der Übersicht.".into();
    assert_eq!(
        app.write("PUT", "/api/v1/regions/territoire-de-belfort", &other)
            .await
            .status,
        StatusCode::OK
    );
    let harz_again = app.get("/harz/partnerschaften").await;
    assert_eq!(harz_again.etag, harz.etag);
    assert_eq!(
        harz_again.headers.get("last-modified"),
        harz.headers.get("last-modified")
    );
}

async fn a_change_on_one_node_shows_on_another_within_a_second(url: &str) {
    let one = app(url, true, day(2026, 11, 23)).await;
    let two = common::app(url, false, day(2026, 11, 23)).await;
    let watch = two.store.watch_generation(Duration::from_millis(100));
    kept(&two, PAGE).await;
    let mut region = one.get("/api/v1/regions/powiat-trzebnicki").await.json();
    region["description"] = "Auf Knoten eins geändert.".into();
    let put = one
        .write("PUT", "/api/v1/regions/powiat-trzebnicki", &region)
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    let changed = Instant::now();
    loop {
        if two
            .get(PAGE)
            .await
            .text
            .contains("Auf Knoten eins geändert.")
        {
            break;
        }
        assert!(
            changed.elapsed() < Duration::from_secs(1),
            "node two still serves the old page after a second"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    watch.abort();
}

async fn kept_pages_answer_conditional_and_compressed_requests(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    for path in [
        "/harz/partnerschaften",
        "/spree-neisse/presse/2014/150",
        "/spree-neisse/presse/2014/150/text",
        "/spree-neisse/presse/feed.atom",
        "/spree-neisse/termine.ics",
        "/spree-neisse/sitemap.xml",
    ] {
        let plain = kept(&app, path).await;
        let modified = plain.headers["last-modified"].to_str().unwrap().to_owned();
        let since = app
            .request(
                "GET",
                path,
                None,
                &[("if-modified-since", &modified)],
                false,
            )
            .await;
        assert_eq!(since.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(since.text.is_empty());

        let br = app
            .request("GET", path, None, &[("accept-encoding", "gzip, br")], false)
            .await;
        assert_eq!(br.headers["content-encoding"], "br", "{path}");
        assert_eq!(br.headers["vary"], "Accept-Encoding");
        assert_ne!(br.etag, plain.etag, "an encoding has its own ETag");
        let raw = app.raw(path, &[("accept-encoding", "br")]).await;
        let mut decoded = String::new();
        brotli::Decompressor::new(&raw[..], 4096)
            .read_to_string(&mut decoded)
            .unwrap();
        assert_eq!(decoded, plain.text, "{path} brotli");

        let raw = app.raw(path, &[("accept-encoding", "gzip")]).await;
        let mut decoded = String::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_string(&mut decoded)
            .unwrap();
        assert_eq!(decoded, plain.text, "{path} gzip");
        assert_eq!(
            plain.headers["content-type"], br.headers["content-type"],
            "{path}"
        );
    }
    // Pages with a form token per visitor are never kept.
    let a = app.get("/goslar/presse/anfrage").await;
    let b = app.get("/goslar/presse/anfrage").await;
    assert!(a.etag.is_none());
    assert_ne!(a.text, b.text);
}

kreiskom_testkit::on_both_backends!(
    a_change_in_the_admin_form_shows_on_the_next_request,
    a_change_through_the_api_shows_on_the_next_request,
    a_change_on_one_node_shows_on_another_within_a_second,
    kept_pages_answer_conditional_and_compressed_requests,
);
