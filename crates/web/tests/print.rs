//! The print office in the workspace: orders wait in a queue with their
//! proofs, the print office moves them on, and every record that can be
//! printed offers its PDF, read here by poppler.

mod common;

use axum::http::StatusCode;
use common::{app, day, visible, App};
use kreiskom_core::Role;
use kreiskom_testkit::Poppler;

const PRINT: &str = "druckerei@spree-neisse.example";
const PRESS: &str = "presse@spree-neisse.example";
const READER: &str = "lesen@spree-neisse.example";

async fn spree_neisse(url: &str) -> App {
    let app = app(url, true, day(2026, 12, 3)).await;
    app.user(PRINT, &[("spree-neisse", Role::PrintOffice)])
        .await;
    app.user(PRESS, &[("spree-neisse", Role::PressOfficer)])
        .await;
    app.user(READER, &[("spree-neisse", Role::ReadOnly)]).await;
    app
}

fn is_pdf(reply: &common::Reply) {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.header("content-type"), "application/pdf");
    assert_eq!(reply.header("cache-control"), "no-store");
    assert!(reply.bytes.starts_with(b"%PDF-"));
}

async fn the_print_office_works_its_queue(url: &str) {
    let app = spree_neisse(url).await;
    let print = app.signed_in(PRINT).await;
    let queue = app.get_as("/admin/spree-neisse/druckerei", &print).await;
    assert_eq!(queue.status, StatusCode::OK);
    let page = visible(&queue.text);
    assert!(page.contains("Aufträge (2 offene)"), "{page}");
    assert!(page.contains("Namensschilder für den Besuch aus Vorpommern-Rügen"));
    assert!(
        page.contains("Pressemitteilung als Brief"),
        "products in German"
    );
    assert!(page.contains("Bestellt"));

    let proof = app
        .get_as(
            "/admin/spree-neisse/druckauftraege/namensschilder-gegenbesuch-2014/abzug.pdf",
            &print,
        )
        .await;
    is_pdf(&proof);
    let text = Poppler::text(&proof.bytes);
    for expected in [
        "Ralf Drescher",
        "Harald Altekrüger",
        "Vorpommern-Rügen",
        "Besuch aus Vorpommern-Rügen am 3. Juli 2014",
    ] {
        assert!(text.contains(expected), "{expected:?} missing: {text}");
    }
    assert_eq!(Poppler::page_mm(&proof.bytes), (210, 297));

    let checked = app
        .post_as(
            "/admin/spree-neisse/druckerei",
            &print,
            &[
                ("auftrag", "namensschilder-gegenbesuch-2014"),
                ("stand", "proof_checked"),
            ],
        )
        .await;
    assert_eq!(checked.status, StatusCode::SEE_OTHER, "{}", checked.text);
    let printed = app
        .post_as(
            "/admin/spree-neisse/druckerei",
            &print,
            &[
                ("auftrag", "namensschilder-gegenbesuch-2014"),
                ("stand", "printed"),
            ],
        )
        .await;
    assert_eq!(printed.status, StatusCode::SEE_OTHER);
    let page = visible(
        &app.get_as("/admin/spree-neisse/druckerei", &print)
            .await
            .text,
    );
    assert!(page.contains("Aufträge (1 offener)"), "{page}");
    assert!(page.contains("Gedruckt"));
    let stored = app
        .store
        .get::<kreiskom_core::PrintOrder>(
            Some(&kreiskom_core::TenantSlug::parse("spree-neisse").unwrap()),
            "namensschilder-gegenbesuch-2014",
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.record.state, kreiskom_core::PrintOrderState::Printed);
}

async fn only_the_print_office_moves_an_order_on(url: &str) {
    let app = spree_neisse(url).await;
    let press = app.signed_in(PRESS).await;
    // The press office orders, but does not mark its own order printed.
    let queue = app.get_as("/admin/spree-neisse/druckerei", &press).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(!visible(&queue.text).contains("Als gedruckt markieren"));
    assert!(!visible(&queue.text).contains("Korrekturabzug freigeben"));
    let refused = app
        .post_as(
            "/admin/spree-neisse/druckerei",
            &press,
            &[("auftrag", "brief-150-14"), ("stand", "printed")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // The permission is asked before the input is read.
    let reader = app.signed_in(READER).await;
    let refused = app
        .post_as("/admin/spree-neisse/druckerei", &reader, &[("stand", "?")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let print = app.signed_in(PRINT).await;
    let bad = app
        .post_as(
            "/admin/spree-neisse/druckerei",
            &print,
            &[("auftrag", "brief-150-14"), ("stand", "verbrannt")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A tampered step changes nothing.
    let queue = visible(
        &app.get_as("/admin/spree-neisse/druckerei", &print)
            .await
            .text,
    );
    assert!(queue.contains("Aufträge (2 offene)"), "{queue}");
}

async fn a_release_prints_as_a_letter_from_its_page(url: &str) {
    let app = spree_neisse(url).await;
    let press = app.signed_in(PRESS).await;
    let page = app
        .get_as(
            "/admin/spree-neisse/pressemitteilungen/vorpommern-ruegen-zu-gast",
            &press,
        )
        .await;
    assert!(page.text.contains(
        "href=\"/admin/spree-neisse/pressemitteilungen/vorpommern-ruegen-zu-gast/brief.pdf\""
    ));
    let letter = app
        .get_as(
            "/admin/spree-neisse/pressemitteilungen/vorpommern-ruegen-zu-gast/brief.pdf",
            &press,
        )
        .await;
    is_pdf(&letter);
    let text = Poppler::text(&letter.bytes);
    for expected in [
        "Landkreis Spree-Neiße",
        "Nr. 150/14",
        "Landkreis Vorpommern-Rügen zu Gast in Spree-Neiße",
        "Termin für die Medien",
        "Donnerstag, 03.07.2014, 13:00 Uhr",
        "Raum A1.11",
        "Heinrich-Heine-Straße 1, 03149 Forst (Lausitz)",
    ] {
        assert!(text.contains(expected), "{expected:?} missing: {text}");
    }
    assert_eq!(Poppler::info(&letter.bytes, "Tagged"), "yes");
}

async fn cards_come_from_the_people_directory(url: &str) {
    let app = spree_neisse(url).await;
    let print = app.signed_in(PRINT).await;
    let cards = app
        .get_as(
            "/admin/spree-neisse/einheiten/kreisverwaltung/visitenkarten.pdf?einzeln=1",
            &print,
        )
        .await;
    is_pdf(&cards);
    assert_eq!(Poppler::page_mm(&cards.bytes), (85, 55));
    let text = Poppler::text(&cards.bytes);
    for expected in [
        "Harald Altekrüger",
        "Landrat",
        "Kreisverwaltung Spree-Neiße",
        "Heinrich-Heine-Straße 1",
        "03149 Forst (Lausitz)",
    ] {
        assert!(text.contains(expected), "{expected:?} missing: {text}");
    }
    let sheet = app
        .get_as(
            "/admin/spree-neisse/einheiten/kreisverwaltung/visitenkarten.pdf",
            &print,
        )
        .await;
    is_pdf(&sheet);
    assert_eq!(Poppler::page_mm(&sheet.bytes), (210, 297));
    // A unit without people says so instead of an empty sheet.
    let empty = app
        .get_as(
            "/admin/spree-neisse/einheiten/pressestelle/visitenkarten.pdf",
            &print,
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible(&empty.text).contains(
        "Zur Einheit „Pressestelle Landkreis Spree-Neiße“ ist keine Person eingetragen."
    ));
    // The unit's page links its cards.
    let unit = app
        .get_as("/admin/spree-neisse/einheiten/kreisverwaltung", &print)
        .await;
    assert!(visible(&unit.text).contains("Visitenkarten aller Personen, A4-Bogen (PDF)"));
}

async fn participants_are_personal_data(url: &str) {
    let app = spree_neisse(url).await;
    let reader = app.signed_in(READER).await;
    let badges = app
        .get_as(
            "/admin/spree-neisse/teilnehmerlisten/gegenbesuch-2014/namensschilder.pdf",
            &reader,
        )
        .await;
    assert_eq!(badges.status, StatusCode::FORBIDDEN);
    // Nor does another district's print office read them.
    app.user("druckerei@goslar.example", &[("goslar", Role::PrintOffice)])
        .await;
    let goslar = app.signed_in("druckerei@goslar.example").await;
    let other = app
        .get_as(
            "/admin/spree-neisse/teilnehmerlisten/gegenbesuch-2014/namensschilder.pdf",
            &goslar,
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let print = app.signed_in(PRINT).await;
    let own = app
        .get_as(
            "/admin/spree-neisse/teilnehmerlisten/gegenbesuch-2014/namensschilder.pdf",
            &print,
        )
        .await;
    is_pdf(&own);
}

async fn a_form_is_listed_per_unit_and_prints(url: &str) {
    let app = app(url, true, day(2026, 12, 3)).await;
    app.user("druckerei@goslar.example", &[("goslar", Role::PrintOffice)])
        .await;
    let print = app.signed_in("druckerei@goslar.example").await;
    let queue = visible(&app.get_as("/admin/goslar/druckerei", &print).await.text);
    assert!(
        queue.contains("Vordrucke nach Organisationseinheit"),
        "{queue}"
    );
    assert!(queue.contains("Vordruckstelle"));
    assert!(
        queue.contains("Bestellung von Visitenkarten VS-01 PDF"),
        "{queue}"
    );
    assert!(queue.contains("Aufträge (keine offenen)"), "{queue}");
    let form = app
        .get_as(
            "/admin/goslar/vordrucke/bestellung-visitenkarten/vordruck.pdf",
            &print,
        )
        .await;
    is_pdf(&form);
    assert_eq!(Poppler::info(&form.bytes, "Tagged"), "yes");
    let text = Poppler::text(&form.bytes);
    for expected in [
        "Landkreis Goslar",
        "Vordruckstelle",
        "Bestellung von Visitenkarten",
        "Name, Vorname *",
        "Gewünscht bis",
        "TT.MM.JJJJ",
        "Unterschrift der Führungskraft *",
        "Vordruck VS-01",
    ] {
        assert!(text.contains(expected), "{expected:?} missing: {text}");
    }
}

kreiskom_testkit::on_both_backends!(
    the_print_office_works_its_queue,
    only_the_print_office_moves_an_order_on,
    a_release_prints_as_a_letter_from_its_page,
    cards_come_from_the_people_directory,
    participants_are_personal_data,
    a_form_is_listed_per_unit_and_prints,
);
