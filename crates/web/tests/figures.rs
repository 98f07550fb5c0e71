//! Figures without tracking: public views are counted on the server with
//! nothing about the visitor, and the figures page shows them with the
//! district's releases, as charts with their numbers.

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use common::{app, day, visible, App};
use kreiskom_core::{Actor, Grant, Role, TenantSlug};
use serde_json::json;

fn harz() -> TenantSlug {
    TenantSlug::parse("harz").unwrap()
}

async fn flushed(app: &App) {
    app.state
        .views
        .as_ref()
        .expect("counting is on by default")
        .flush(&app.store)
        .await
        .unwrap();
}

async fn views_of(app: &App, tenant: &str) -> Vec<kreiskom_store::PageViews> {
    flushed(app).await;
    app.store.page_views(tenant, day(2026, 1, 1)).await.unwrap()
}

fn total(views: &[kreiskom_store::PageViews], path: &str) -> u64 {
    views
        .iter()
        .filter(|v| v.path == path)
        .map(|v| v.views)
        .sum()
}

async fn pages_feeds_and_calendars_are_counted_and_nothing_else(url: &str) {
    let app = app(url, true, day(2026, 12, 3)).await;
    let from_goslar = [
        ("referer", "https://www.goslar.de/aktuelles?id=7"),
        ("host", "presse.example"),
    ];
    let first = app
        .request("GET", "/harz/", None, &from_goslar, false)
        .await;
    assert_eq!(first.status, StatusCode::OK);
    // Counted from memory as well as rendered, and a 304 is a view too.
    let etag = first.etag.clone().unwrap();
    let again = app
        .request("GET", "/harz/", None, &[("if-none-match", &etag)], false)
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let own = [
        ("referer", "http://presse.example/harz/"),
        ("host", "presse.example"),
    ];
    app.request("GET", "/harz/partnerschaften", None, &own, false)
        .await;
    assert_eq!(
        app.get("/harz/presse/feed.atom").await.status,
        StatusCode::OK
    );
    assert_eq!(app.get("/harz/termine.ics").await.status, StatusCode::OK);
    // Not views: errors, made-up addresses, the workspace, the API, files.
    assert_eq!(
        app.get("/harz/gibt-es-nicht").await.status,
        StatusCode::NOT_FOUND
    );
    app.get("/admin/anmelden").await;
    app.get("/api/v1/regions").await;
    app.get("/assets/site.css").await;
    let css = app.get("/harz/farbe.css").await;
    assert_eq!(css.status, StatusCode::OK);
    let unchanged = app
        .request(
            "GET",
            "/harz/farbe.css",
            None,
            &[("if-none-match", &css.etag.unwrap())],
            false,
        )
        .await;
    assert_eq!(
        unchanged.status,
        StatusCode::NOT_MODIFIED,
        "a stylesheet checked again"
    );
    let views = views_of(&app, "harz").await;
    assert_eq!(total(&views, "/harz/"), 2, "{views:?}");
    assert_eq!(total(&views, "/harz/partnerschaften"), 1);
    assert_eq!(total(&views, "/harz/presse/feed.atom"), 1);
    assert_eq!(total(&views, "/harz/termine.ics"), 1);
    assert_eq!(views.iter().map(|v| v.views).sum::<u64>(), 5, "{views:?}");
    // Only the other site's host is kept: not its path, not our own host.
    let hosts: Vec<&str> = views.iter().map(|v| v.referrer.as_str()).collect();
    assert!(hosts.contains(&"www.goslar.de"), "{hosts:?}");
    assert!(
        hosts.iter().all(|h| *h == "www.goslar.de" || h.is_empty()),
        "{hosts:?}"
    );
    assert!(views.iter().all(|v| v.day == day(2026, 12, 3)));
    // Counts older than what is kept are dropped, the others stay.
    let old = kreiskom_store::PageViews {
        day: day(2024, 1, 31),
        path: "/harz/".into(),
        referrer: String::new(),
        views: 7,
    };
    app.store.add_page_views(&[old]).await.unwrap();
    assert_eq!(
        app.store.forget_page_views(day(2024, 12, 3)).await.unwrap(),
        1
    );
    let kept = app.store.page_views("harz", day(2000, 1, 1)).await.unwrap();
    assert_eq!(kept.iter().map(|v| v.views).sum::<u64>(), 5);
    // Another district's figures hold none of these.
    assert!(app
        .store
        .page_views("goslar", day(2026, 1, 1))
        .await
        .unwrap()
        .is_empty());
}

async fn a_visitor_leaves_no_address_and_gets_no_cookie(url: &str) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = app(url, true, day(2026, 12, 3)).await;
    // Over a real socket, as in production, so the peer address exists.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    for path in ["/harz/", "/harz/partnerschaften", "/harz/"] {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nX-Forwarded-For: 203.0.113.7\r\nUser-Agent: Testbrowser/1.0\r\nReferer: https://www.harzinfo.de/\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        let head = answer
            .split("\r\n\r\n")
            .next()
            .unwrap()
            .to_ascii_lowercase();
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert!(!head.contains("set-cookie"), "{head}");
    }
    let views = views_of(&app, "harz").await;
    assert_eq!(views.iter().map(|v| v.views).sum::<u64>(), 3);
    let kept = format!("{views:?}");
    for personal in [
        "127.0.0.1",
        "203.0.113.7",
        "Testbrowser",
        &address.port().to_string(),
    ] {
        assert!(!kept.contains(personal), "{personal} is kept: {kept}");
    }
    assert!(kept.contains("www.harzinfo.de"));
}

async fn concurrent_views_are_all_counted_once(url: &str) {
    let app = Arc::new(app(url, true, day(2026, 12, 3)).await);
    let pages = [
        "/harz/",
        "/harz/partnerschaften",
        "/goslar/",
        "/harz/presse/feed.atom",
    ];
    let mut tasks = Vec::new();
    for i in 0..400 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let reply = app.get(pages[i % pages.len()]).await;
            assert_eq!(reply.status, StatusCode::OK);
            // Writes to the store in between lose and double nothing.
            if i % 50 == 0 {
                flushed(&app).await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let harz = views_of(&app, "harz").await;
    assert_eq!(total(&harz, "/harz/"), 100);
    assert_eq!(total(&harz, "/harz/partnerschaften"), 100);
    assert_eq!(total(&harz, "/harz/presse/feed.atom"), 100);
    let goslar = app
        .store
        .page_views("goslar", day(2026, 1, 1))
        .await
        .unwrap();
    assert_eq!(total(&goslar, "/goslar/"), 100);
}

async fn the_figures_page_shows_views_and_releases_with_their_numbers(url: &str) {
    let app = app(url, true, day(2026, 12, 3)).await;
    app.user("presse@harz.example", &[("harz", Role::PressOfficer)])
        .await;
    app.user("presse@goslar.example", &[("goslar", Role::PressOfficer)])
        .await;
    for _ in 0..3 {
        app.get("/harz/partnerschaften").await;
    }
    app.get("/harz/").await;
    // A release approved today is counted in this month.
    let op = Actor::operator("test");
    let release: kreiskom_core::PressRelease = serde_json::from_value(json!({
        "slug": "zahlen", "title": "Neue Zahlen", "body": "Text."
    }))
    .unwrap();
    app.store
        .create(
            &op.operator_permit(kreiskom_core::Kind::PressRelease)
                .unwrap(),
            Some(&harz()),
            release,
        )
        .await
        .unwrap();
    let grant = |role| {
        vec![Grant {
            tenant: harz(),
            role,
        }]
    };
    let now = app.state.clock.as_ref()();
    app.store
        .submit_release(
            &Actor::account("presse@harz.example", grant(Role::PressOfficer)),
            &harz(),
            "zahlen",
            now,
        )
        .await
        .unwrap();
    app.store
        .approve_release(
            &Actor::account("landrat@harz.example", grant(Role::HeadOfAdministration)),
            &harz(),
            "zahlen",
            now,
        )
        .await
        .unwrap();

    // Inquiries of the period by their deadlines; the moment of the answer
    // is the write that gave it (this machine's clock, after the app's day).
    let press = Actor::account("presse@harz.example", grant(Role::PressOfficer));
    let permit = press
        .permit(&harz(), kreiskom_core::Kind::PressInquiry)
        .unwrap();
    for (slug, received, deadline, status) in [
        (
            "rechtzeitig",
            "2026-12-01T10:00",
            "2030-01-01T12:00",
            "answered",
        ),
        (
            "zu-spaet",
            "2026-12-01T10:00",
            "2026-12-02T12:00",
            "answered",
        ),
        ("offen", "2026-12-02T09:00", "2026-12-02T18:00", "open"),
        (
            "vor-dem-zeitraum",
            "2026-10-01T09:00",
            "2026-10-02T18:00",
            "open",
        ),
    ] {
        let inquiry: kreiskom_core::PressInquiry = serde_json::from_value(json!({
            "slug": slug, "received": received, "deadline": deadline, "status": status,
            "journalist": "Erika Beispiel", "email": "erika@example.org",
            "question": "Wie viele?", "answer": "So viele."
        }))
        .unwrap();
        app.store
            .create(&permit, Some(&harz()), inquiry)
            .await
            .unwrap();
    }

    let s = app.signed_in("presse@harz.example").await;
    let page = app.get_as("/admin/harz/zahlen", &s).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let text = visible(&page.text);
    assert!(
        text.contains("4 Seitenaufrufe in den letzten 30 Tagen"),
        "{text}"
    );
    assert!(text.contains("ohne Cookies und ohne IP-Adressen"));
    assert!(page
        .text
        .contains(r#"data-label="/harz/partnerschaften" data-value="3""#));
    assert!(
        page.text
            .contains(r#"data-label="Dezember 2026" data-value="1""#),
        "{}",
        page.text
    );
    assert!(page.text.contains(r#"data-label="3.12." data-value="4""#));
    for state in [
        "fristgerecht beantwortet",
        "nach der Frist beantwortet",
        "offen, Frist verstrichen",
    ] {
        assert!(
            page.text
                .contains(&format!(r#"data-label="{state}" data-value="1""#)),
            "{state}: {}",
            page.text
        );
    }
    assert!(
        !page.text.contains("Frist läuft noch"),
        "the October inquiry is outside"
    );
    // No post went out: said in words, not as an empty chart.
    assert!(text.contains("In diesem Zeitraum ging kein Beitrag hinaus."));

    let csv = app.get_as("/admin/harz/zahlen/seiten.csv?tage=7", &s).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").starts_with("text/csv"));
    assert!(csv
        .header("content-disposition")
        .contains("harz-seiten-7-tage.csv"));
    let lines: Vec<&str> = csv.text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        ["Adresse;Aufrufe", "/harz/partnerschaften;3", "/harz/;1"]
    );
    let week = app
        .get_as("/admin/harz/zahlen/aufrufe.csv?tage=7", &s)
        .await;
    assert_eq!(week.text.lines().count(), 8, "a line per day and the head");
    assert_eq!(
        app.get_as("/admin/harz/zahlen/gibtsnicht.csv", &s)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Another district's staff and the public do not see Harz's figures.
    let goslar = app.signed_in("presse@goslar.example").await;
    assert_eq!(
        app.get_as("/admin/harz/zahlen", &goslar).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get_as("/admin/harz/zahlen/seiten.csv", &goslar)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let public = app.get("/admin/harz/zahlen").await;
    assert_ne!(public.status, StatusCode::OK);
    let goslar_page = visible(&app.get_as("/admin/goslar/zahlen", &goslar).await.text);
    assert!(goslar_page.contains("0 Seitenaufrufe"), "{goslar_page}");
}

kreiskom_testkit::on_both_backends!(
    pages_feeds_and_calendars_are_counted_and_nothing_else,
    a_visitor_leaves_no_address_and_gets_no_cookie,
    concurrent_views_are_all_counted_once,
    the_figures_page_shows_views_and_releases_with_their_numbers,
);
