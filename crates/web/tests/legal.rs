//! What a district must publish to go live: legal pages linked from every
//! page, the Land's office on the accessibility statement, the barrier
//! report, the yearly review on the dashboard, and errors in the district's
//! own look.

mod common;

use axum::http::StatusCode;
use common::{app, day, PublicForm};
use kreiskom_core::{Feedback, Role, TenantSlug};

async fn every_page_links_the_legal_pages_of_its_district(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    for path in [
        "/harz/",
        "/harz/partnerschaften/harz-belfort",
        "/spree-neisse/presse/2014/150",
        "/stade/kontakt",
        "/goslar/presse/anfrage",
    ] {
        let page = app.get(path).await;
        let tenant = path.split('/').nth(1).unwrap();
        for legal in ["impressum", "datenschutz", "barrierefreiheit"] {
            let link = format!("href=\"/{tenant}/{legal}\"");
            assert!(page.text.contains(&link), "{path} lacks {link}");
        }
    }
    let imprint = app.get("/nordhausen/impressum").await;
    assert_eq!(imprint.status, StatusCode::OK);
    assert!(imprint
        .text
        .contains("<h1 class=\"kern-heading-x-large\">Impressum</h1>"));
    assert!(
        imprint.text.contains("Demo-Inhalt"),
        "marked as demo content"
    );
    assert!(imprint.text.contains("Landkreis Nordhausen"));
    assert!(imprint.text.contains("Stand: 15. Januar 2026"));
    // The start page offers Leichte Sprache and Gebärdensprache.
    let home = app.get("/harz/").await.text;
    assert!(home.contains("href=\"/harz/leichte-sprache\""));
    assert!(home.contains("href=\"/harz/gebaerdensprache\""));
    let dgs = app.get("/harz/gebaerdensprache").await.text;
    assert!(dgs.contains("Inhalt des Videos als Text"), "{dgs}");
}

async fn the_statement_names_the_office_of_the_districts_land(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let harz = app.get("/harz/barrierefreiheit").await.text;
    assert!(harz.contains("des Landes Sachsen-Anhalt"), "{harz}");
    assert!(harz.contains("Landesbehindertenbeauftragten des Landes Sachsen-Anhalt"));
    assert!(harz.contains("href=\"https://ms.sachsen-anhalt.de/\""));
    assert!(
        harz.contains("Angabe ungeprüft"),
        "the demo's office is unchecked"
    );
    assert!(harz.contains("href=\"/harz/barrierefreiheit/rueckmeldung\""));
    let allgaeu = app.get("/unterallgaeu/barrierefreiheit").await.text;
    assert!(allgaeu.contains("des Landes Bayern"), "{allgaeu}");
}

async fn a_barrier_report_reaches_the_web_editors(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let goslar = TenantSlug::parse("goslar").unwrap();
    let stored = || async { app.store.records::<Feedback>(Some(&goslar)).await.unwrap() };
    let path = "/goslar/barrierefreiheit/rueckmeldung";
    let form = PublicForm::open(&app, path).await;
    // Without a message nothing is stored and the input is kept.
    let empty = form
        .send(
            &app,
            &[("page", "/goslar/partnerschaften"), ("message", " ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        empty.text.contains("darf nicht leer sein"),
        "{}",
        empty.text
    );
    assert!(empty.text.contains("/goslar/partnerschaften"));
    let bad_mail = form
        .send(
            &app,
            &[
                ("message", "Kontrast zu schwach"),
                ("email", "keine-adresse"),
            ],
        )
        .await;
    assert_eq!(bad_mail.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stored().await.is_empty());
    let sent = form
        .send(
            &app,
            &[
                ("page", "/goslar/partnerschaften"),
                (
                    "message",
                    "Die Karte lässt sich mit der Tastatur nicht bedienen.",
                ),
                ("name", "Erika Muster"),
                ("email", "erika@example.org"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text);
    assert!(sent.text.contains("Wir antworten Ihnen per E-Mail."));
    let all = stored().await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].email.as_deref(), Some("erika@example.org"));
    // A bot that fills the hidden field sees success; nothing is kept.
    let bot = form
        .send(
            &app,
            &[("message", "Billige Uhren"), ("website", "spam.example")],
        )
        .await;
    assert_eq!(bot.status, StatusCode::CREATED);
    assert_eq!(stored().await.len(), 1);
    // Without the form's cookie the post is refused.
    let forged = app
        .request(
            "POST",
            path,
            Some("csrf=x&message=Hallo"),
            &[("content-type", "application/x-www-form-urlencoded")],
            false,
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // The web editors see it on their dashboard; the partnership
    // coordinator, who may not read it, does not.
    app.user("web@goslar.example", &[("goslar", Role::WebEditor)])
        .await;
    app.user(
        "partner@goslar.example",
        &[("goslar", Role::PartnershipCoordinator)],
    )
    .await;
    let web = app.signed_in("web@goslar.example").await;
    let dash = app.get_as("/admin/goslar/", &web).await.text;
    assert!(
        dash.contains("1 unbeantwortete Rückmeldung zur Barrierefreiheit"),
        "{dash}"
    );
    let slug = all[0].slug.to_string();
    let record = app
        .get_as(&format!("/admin/goslar/rueckmeldungen/{slug}"), &web)
        .await;
    assert_eq!(record.status, StatusCode::OK);
    assert!(record.text.contains("Tastatur"));
    let partner = app.signed_in("partner@goslar.example").await;
    let dash = app.get_as("/admin/goslar/", &partner).await.text;
    assert!(!dash.contains("unbeantwortete Rückmeldung"), "{dash}");
    let refused = app
        .get_as(&format!("/admin/goslar/rueckmeldungen/{slug}"), &partner)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

async fn the_dashboard_reminds_of_the_yearly_review(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    app.user("web@goslar.example", &[("goslar", Role::WebEditor)])
        .await;
    let web = app.signed_in("web@goslar.example").await;
    // Goslar's statement was last reviewed on 1 October 2025.
    let dash = app.get_as("/admin/goslar/", &web).await.text;
    assert!(
        dash.contains("jährliche Überprüfung fällig seit 1. Oktober 2026"),
        "{dash}"
    );
    assert!(dash.contains("href=\"/admin/goslar/rechtstexte/barrierefreiheit\""));
    assert!(!dash.contains(">Impressum</a>"), "reviewed in January");
    // A missing imprint is named too.
    let gone = app
        .send(
            "DELETE",
            "/api/v1/tenants/goslar/legal_pages/impressum",
            None,
            Some(&format!("Bearer {}", common::TOKEN)),
            None,
        )
        .await;
    assert!(gone.status.is_success(), "{} {}", gone.status, gone.text);
    let dash = app.get_as("/admin/goslar/", &web).await.text;
    assert!(
        dash.contains("Impressum</a> <span class=\"meta overdue\">fehlt"),
        "{dash}"
    );
    assert_eq!(
        app.get("/goslar/impressum").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn an_error_page_keeps_the_districts_header(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let missing = app.get("/harz/partnerschaften/gibt-es-nicht").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing.text.contains(
            "<a class=\"site-title\" href=\"/harz/\"><img class=\"site-arms\" src=\"/media/harz/wappen-demo/original.png\" alt=\"\" width=\"40\" height=\"48\">Landkreis Harz</a>"
        ),
        "{}",
        missing.text
    );
    assert!(missing.text.contains("href=\"/harz/farbe.css\""));
    assert!(missing.text.contains("Zur Startseite des Landkreises Harz"));
    assert!(missing.text.contains("href=\"/harz/impressum\""));
    let unknown = app.get("/niemand/").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.text.contains("Zur Übersicht aller Landkreise"));
}

async fn each_district_wears_its_colour(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let css = app.get("/goslar/farbe.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.headers["content-type"], "text/css; charset=utf-8");
    assert_eq!(css.text, ":root { --accent: #8a1c1c; }\n");
    // A colour white text cannot be read on is refused, with the reason.
    let mut tenant = app.get("/api/v1/tenants/goslar").await.json();
    tenant["colour"] = "#ffd400".into();
    let light = app.write("PUT", "/api/v1/tenants/goslar", &tenant).await;
    assert_eq!(light.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(light.text.contains("Kontrast von 1,"), "{}", light.text);
    tenant["colour"] = "url(evil)".into();
    let bad = app.write("PUT", "/api/v1/tenants/goslar", &tenant).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    tenant["colour"] = "#1d5a2b".into();
    let ok = app.write("PUT", "/api/v1/tenants/goslar", &tenant).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(
        app.get("/goslar/farbe.css").await.text,
        ":root { --accent: #1d5a2b; }\n"
    );
}

kreiskom_testkit::on_both_backends!(
    each_district_wears_its_colour,
    every_page_links_the_legal_pages_of_its_district,
    the_statement_names_the_office_of_the_districts_land,
    a_barrier_report_reaches_the_web_editors,
    the_dashboard_reminds_of_the_yearly_review,
    an_error_page_keeps_the_districts_header,
);
