//! A list of twinnings read in the workspace: upload, preview with the
//! unsure places to decide, import; on the demo and both databases.

mod common;

use axum::http::StatusCode;
use common::{app, day, multipart, visible as text, App, Session};
use kreiskom_core::{Partnership, Role};

const LIST: &str = "ort1,land1,ort2,land2,seit\n\
    Goslar,Deutschland,Trebnitz,Polen,1991\n\
    Iasi,Rumänien,Löhne,Deutschland,\n\
    Lohne,Deutschland,Iași,Romania,\n\
    Tokio,Japa,Goslar,Germany,\n";

async fn send(
    app: &App,
    session: &Session,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> common::Reply {
    let (content_type, body) = multipart(fields, file);
    app.request_bytes(
        "POST",
        path,
        body,
        &[("cookie", &session.cookie), ("content-type", &content_type)],
    )
    .await
}

async fn partnerships(app: &App) -> usize {
    app.store.records::<Partnership>(None).await.unwrap().len()
}

async fn a_coordinator_previews_decides_and_imports(url: &str) {
    let app = app(url, true, day(2026, 12, 1)).await;
    app.user(
        "koordination@nordhausen.example",
        &[("nordhausen", Role::PartnershipCoordinator)],
    )
    .await;
    let coordinator = app.signed_in("koordination@nordhausen.example").await;
    let dashboard = app.get_as("/admin/nordhausen/", &coordinator).await.text;
    assert!(
        dashboard.contains("href=\"/admin/nordhausen/partnerschaften/liste\""),
        "in the navigation"
    );
    let form = app
        .get_as("/admin/nordhausen/partnerschaften/liste", &coordinator)
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("enctype=\"multipart/form-data\""));
    let before = partnerships(&app).await;

    let path = "/admin/nordhausen/partnerschaften/liste";
    let preview = send(
        &app,
        &coordinator,
        path,
        &[("csrf", &coordinator.csrf)],
        Some(("liste.csv", LIST.as_bytes())),
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text);
    let shown = text(&preview.text);
    for line in [
        "Vorschau für „liste.csv“: Noch ist nichts gespeichert.",
        "Gelesen 4 Zeilen",
        "Neu anzulegen 1 Gebietskörperschaft, 2 Partnerschaften",
        "Auf eine Entscheidung 1 Zeile wartet",
        "„Lohne“ (Deutschland), Zeile 4",
        "ist Löhne (loehne)",
        "Goslar Trebnitz 1991",
        "Zeile 5: Land „Japa“ von „Tokio“ ist unbekannt",
    ] {
        assert!(shown.contains(line), "{line}\n{shown}");
    }
    assert_eq!(partnerships(&app).await, before, "a preview stores nothing");

    let take = format!("{path}/uebernehmen");
    let decided = [
        ("csrf", coordinator.csrf.as_str()),
        ("list", LIST),
        ("place_0", "Lohne"),
        ("country_0", "DE"),
        ("decision_0", "neu"),
    ];
    let done = send(&app, &coordinator, &take, &decided, None).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let shown = text(&done.text);
    assert!(shown.contains("Die Liste ist eingelesen."), "{shown}");
    assert!(
        shown.contains("Neu angelegt 2 Gebietskörperschaften, 3 Partnerschaften"),
        "{shown}"
    );
    assert_eq!(partnerships(&app).await, before + 3);
    let nordhausen = kreiskom_core::TenantSlug::parse("nordhausen").unwrap();
    let (log, _) = app.store.audit_of_tenant(&nordhausen, 0, 5).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.kind == "dataset" && e.actor == "koordination@nordhausen.example"),
        "the import is in Nordhausen's log: {:?}",
        log.iter()
            .map(|e| (&e.kind, &e.actor, &e.tenant))
            .collect::<Vec<_>>()
    );
    let again = send(&app, &coordinator, &take, &decided, None).await;
    assert!(text(&again.text).contains("Die Liste ist eingelesen; nichts war neu."));
    assert_eq!(partnerships(&app).await, before + 3);
}

async fn others_are_refused_before_the_list_is_read(url: &str) {
    let app = app(url, true, day(2026, 12, 1)).await;
    app.user(
        "presse@nordhausen.example",
        &[("nordhausen", Role::PressOfficer)],
    )
    .await;
    app.user(
        "koordination@nordhausen.example",
        &[("nordhausen", Role::PartnershipCoordinator)],
    )
    .await;
    let press = app.signed_in("presse@nordhausen.example").await;
    let path = "/admin/nordhausen/partnerschaften/liste";
    assert_eq!(app.get_as(path, &press).await.status, StatusCode::FORBIDDEN);
    assert!(!app
        .get_as("/admin/nordhausen/", &press)
        .await
        .text
        .contains("Liste einlesen"));
    let before = partnerships(&app).await;
    for target in [path.to_owned(), format!("{path}/uebernehmen")] {
        let refused = send(
            &app,
            &press,
            &target,
            &[("csrf", &press.csrf), ("list", LIST)],
            None,
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{target}");
    }
    let coordinator = app.signed_in("koordination@nordhausen.example").await;
    let forged = send(
        &app,
        &coordinator,
        &format!("{path}/uebernehmen"),
        &[("csrf", "falsch"), ("list", LIST)],
        None,
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let empty = send(
        &app,
        &coordinator,
        path,
        &[("csrf", &coordinator.csrf)],
        Some(("leer.csv", b"")),
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&empty.text).contains("Bitte eine Liste (CSV-Datei) auswählen."));
    let wrong = send(
        &app,
        &coordinator,
        path,
        &[("csrf", &coordinator.csrf)],
        Some(("liste.csv", b"stadt,land\nGoslar,DE\n")),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text(&wrong.text).contains("Spalte für Ort 1 fehlt"),
        "{}",
        text(&wrong.text)
    );
    assert_eq!(partnerships(&app).await, before);
}

kreiskom_testkit::on_both_backends!(
    a_coordinator_previews_decides_and_imports,
    others_are_refused_before_the_list_is_read,
);
