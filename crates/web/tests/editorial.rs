//! Web editorial work: free content pages with their place in the
//! navigation and a Leichte Sprache version, their earlier versions
//! compared and restored, and the freshness dashboard that says what may
//! be stale, each finding checked until its cause changes.

mod common;

use axum::http::StatusCode;
use common::{app, day, text, App};
use kreiskom_core::Role;
use serde_json::json;

async fn editor(app: &App, tenant: &str) -> common::Session {
    let email = format!("redaktion@{tenant}.example");
    app.user(&email, &[(tenant, Role::WebEditor)]).await;
    app.signed_in(&email).await
}

async fn content_pages_have_their_place_and_an_easy_version(url: &str) {
    let app = app(url, true, day(2026, 12, 1)).await;
    let page = app.get("/stade/seiten/soziale-medien").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(
        "<h1 class=\"kern-heading-x-large\">Der Landkreis Stade in den sozialen Medien</h1>"
    ));
    assert!(page.text.contains("Twitter (@lkstade)"));
    // The child below it, and the way back up.
    assert!(page.text.contains(
        "href=\"/stade/seiten/soziale-medien/serviceportal\">Digitales Serviceportal</a>"
    ));
    let child = app.get("/stade/seiten/soziale-medien/serviceportal").await;
    assert_eq!(child.status, StatusCode::OK);
    assert!(child
        .text
        .contains("<a class=\"kern-link\" href=\"/stade/seiten/soziale-medien\">Der Landkreis Stade in den sozialen Medien</a>"));
    assert!(child.text.contains("Zuletzt geprüft: 4. Mai 2026"));
    // Only by its whole address.
    for path in [
        "/stade/seiten/serviceportal",
        "/stade/seiten/soziale-medien/gibt-es-nicht",
        "/goslar/seiten/soziale-medien",
        "/stade/seiten/soziale-medien/serviceportal/leichte-sprache",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let easy = app
        .get("/stade/seiten/soziale-medien/leichte-sprache")
        .await;
    assert_eq!(easy.status, StatusCode::OK);
    assert!(easy.text.contains("Der Landkreis Stade ist im Internet."));
    assert!(easy.text.contains("in Leichter Sprache</h1>"));
    assert!(page.text.contains(
        "href=\"/stade/seiten/soziale-medien/leichte-sprache\">Diese Seite in Leichter Sprache</a>"
    ));
    // The start page names the top-level pages; the sitemap all of them.
    let home = app.get("/stade/").await.text;
    assert!(home.contains("href=\"/stade/seiten/soziale-medien\""));
    assert!(!home.contains("href=\"/stade/seiten/soziale-medien/serviceportal\""));
    let sitemap = app.get("/stade/sitemap.xml").await.text;
    for path in [
        "/stade/seiten/soziale-medien</loc>",
        "/stade/seiten/soziale-medien/leichte-sprache</loc>",
        "/stade/seiten/soziale-medien/serviceportal</loc>",
    ] {
        assert!(sitemap.contains(path), "{path}");
    }

    // Written through the API: sanitised, and no circle in the tree.
    let created = app
        .write(
            "POST",
            "/api/v1/tenants/stade/pages",
            &json!({"slug": "presse", "title": "Presse", "parent": "serviceportal",
                    "body": "Text <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let deep = app
        .get("/stade/seiten/soziale-medien/serviceportal/presse")
        .await
        .text;
    assert!(
        !deep.contains("<script>alert")
            && !deep.contains("javascript:")
            && !deep.contains("onerror")
    );
    let mut top = app
        .get("/api/v1/tenants/stade/pages/soziale-medien")
        .await
        .json();
    top["parent"] = "presse".into();
    let circle = app
        .write("PUT", "/api/v1/tenants/stade/pages/soziale-medien", &top)
        .await;
    assert_eq!(
        circle.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        circle.text
    );
    let reserved = app
        .write(
            "POST",
            "/api/v1/tenants/stade/pages",
            &json!({"slug": "leichte-sprache", "title": "X", "body": "Y"}),
        )
        .await;
    assert_eq!(reserved.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn earlier_versions_are_compared_and_restored(url: &str) {
    let app = app(url, true, day(2026, 12, 1)).await;
    let web = editor(&app, "goslar").await;
    let path = "/api/v1/tenants/goslar/pages/internetauftritt";
    let first = app.get(path).await.json();
    let mut second = first.clone();
    second["title"] = "Unser Internetauftritt".into();
    second["body"] = format!(
        "{}\n\nNeu: ein Absatz über Barrierefreiheit.",
        first["body"].as_str().unwrap()
    )
    .into();
    assert_eq!(app.write("PUT", path, &second).await.status, StatusCode::OK);

    let list = app
        .get_as("/admin/goslar/seiten/internetauftritt/fassungen", &web)
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert!(list.text.contains("2 (aktuell)"), "{}", list.text);
    let compared = app
        .get_as(
            "/admin/goslar/seiten/internetauftritt/fassungen?von=1&bis=2",
            &web,
        )
        .await
        .text;
    assert!(
        compared.contains(
            "<del>Der Internetauftritt des Landkreises</del> → <ins>Unser Internetauftritt</ins>"
        ),
        "{compared}"
    );
    assert!(compared.contains(
        "<ins class=\"diff__line\"><span class=\"kern-sr-only\">hinzugefügt: </span>Neu: ein Absatz über Barrierefreiheit.</ins>"
    ));

    // A reader may compare, not restore.
    app.user("lesen@goslar.example", &[("goslar", Role::ReadOnly)])
        .await;
    let reader = app.signed_in("lesen@goslar.example").await;
    let refused = app
        .post_as(
            "/admin/goslar/seiten/internetauftritt/fassungen",
            &reader,
            &[("version", "1")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let restored = app
        .post_as(
            "/admin/goslar/seiten/internetauftritt/fassungen",
            &web,
            &[("version", "1")],
        )
        .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER, "{}", restored.text);
    let now = app.get(path).await.json();
    assert_eq!(now["title"], first["title"]);
    assert_eq!(now["body"], first["body"]);
    let public = app.get("/goslar/seiten/internetauftritt").await.text;
    assert!(!public.contains("Neu: ein Absatz"));
    // The restore is a version of its own: it can be undone.
    let list = app
        .get_as("/admin/goslar/seiten/internetauftritt/fassungen", &web)
        .await
        .text;
    assert!(list.contains("3 (aktuell)"));
}

/// The findings' messages on the dashboard, as text.
async fn findings(app: &App, session: &common::Session, tenant: &str) -> String {
    let page = app
        .get_as(&format!("/admin/{tenant}/aktualitaet"), session)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    text(&page.text)
}

/// The hidden key and fingerprint of the finding whose message contains
/// `needle`.
fn form_of(html: &str, needle: &str) -> (String, String) {
    let at = html
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not listed"));
    let value = |name: &str| {
        let marker = format!("name=\"{name}\" value=\"");
        let from = at + html[at..].find(&marker).unwrap() + marker.len();
        html[from..from + html[from..].find('"').unwrap()].replace("&#x2f;", "/")
    };
    (value("key"), value("fingerprint"))
}

async fn the_freshness_dashboard_finds_what_the_sources_left_stale(url: &str) {
    let app = app(url, true, day(2026, 12, 1)).await;
    let nordhausen = editor(&app, "nordhausen").await;
    let found = findings(&app, &nordhausen, "nordhausen").await;
    // The Gostyń signing "planned" for 2023.
    assert!(
        found.contains(
            "Landkreis Nordhausen – Landkreis Gostyn: geplant für 2023, seitdem ist nichts erfasst"
        ),
        "{found}"
    );
    let harz = editor(&app, "harz").await;
    let found = findings(&app, &harz, "harz").await;
    for expected in [
        // Population figures without a year, and old ones.
        "Kreis Iași: Einwohner ohne Jahresangabe",
        "Kreis Bistrița-Năsăud: Einwohner mit Stand 2011, älter als 5 Jahre",
        // The old address of Belfort's site, marked outdated in the data.
        "Territoire de Belfort: Die Adresse www.cg90.fr stammt aus dem Text",
        // Belfort lies in Franche-Comté, merged in 2016.
        "Franche-Comté ist seit 1. Januar 2016 Teil von Bourgogne-Franche-Comté",
    ] {
        assert!(found.contains(expected), "{expected}\n{found}");
    }
    // Named once: the figures and the merged place by their own rules.
    assert_eq!(found.matches("Franche-Comté ging 2016").count(), 0);
    // Past parties of the timeline are history, not stale names.
    assert!(!found.contains("Landkreis Halberstadt ist seit"));
    let stade = editor(&app, "stade").await;
    let found = findings(&app, &stade, "stade").await;
    assert!(
        found.contains(
            "„Der Landkreis Stade in den sozialen Medien“: Überprüfung fällig seit 1. Juni 2023"
        ),
        "{found}"
    );
    assert!(!found.contains("Digitales Serviceportal“: Überprüfung"));

    // A link inside the site that leads nowhere, in a page of Goslar.
    let goslar = editor(&app, "goslar").await;
    let path = "/api/v1/tenants/goslar/pages/internetauftritt";
    let mut page = app.get(path).await.json();
    // And a paragraph pasted twice, as the scraped press release had it.
    let twice =
        "Die zentrale Internetredaktion gestaltet den Internetauftritt der Landkreisverwaltung.";
    page["body"] = format!(
        "{twice}\n\nSiehe [Formulare](/goslar/seiten/formulare) und [Kontakt](/goslar/kontakt).\n\n{twice}"
    )
    .into();
    assert_eq!(app.write("PUT", path, &page).await.status, StatusCode::OK);
    let html = app.get_as("/admin/goslar/aktualitaet", &goslar).await.text;
    assert!(
        html.contains("der Link auf /goslar/seiten/formulare führt ins Leere"),
        "{html}"
    );
    assert!(html.contains("ein Absatz steht zweimal im Text"));
    assert!(!html.contains("der Link auf /goslar/kontakt"));
    // Filtered by the unit that owns the page.
    let mine = app
        .get_as(
            "/admin/goslar/aktualitaet?stelle=internetredaktion",
            &goslar,
        )
        .await
        .text;
    assert!(mine.contains("formulare führt ins Leere"));
    let others = app
        .get_as("/admin/goslar/aktualitaet?stelle=pressestelle", &goslar)
        .await
        .text;
    assert!(!others.contains("formulare führt ins Leere"));

    // Checked with a comment, it rests; changed, it comes back.
    let (key, fingerprint) = form_of(&html, "formulare führt ins Leere");
    let checked = app
        .post_as(
            "/admin/goslar/aktualitaet",
            &goslar,
            &[
                ("key", &key),
                ("fingerprint", &fingerprint),
                ("comment", "Seite folgt im Januar"),
            ],
        )
        .await;
    assert_eq!(checked.status, StatusCode::SEE_OTHER, "{}", checked.text);
    let html = app.get_as("/admin/goslar/aktualitaet", &goslar).await.text;
    let checked_part = &html[html.find("id=\"g-checked\"").expect("a checked section")..];
    assert!(checked_part.contains("formulare führt ins Leere"));
    assert!(checked_part.contains("Seite folgt im Januar"));
    // The repeated paragraph, checked, comes back once its text changes.
    let (key, fingerprint) = form_of(&html, "ein Absatz steht zweimal im Text");
    let checked = app
        .post_as(
            "/admin/goslar/aktualitaet",
            &goslar,
            &[
                ("key", &key),
                ("fingerprint", &fingerprint),
                ("comment", "gewollt"),
            ],
        )
        .await;
    assert_eq!(checked.status, StatusCode::SEE_OTHER);
    let open_part =
        |html: &str| html[..html.find("id=\"g-checked\"").unwrap_or(html.len())].to_owned();
    let html = app.get_as("/admin/goslar/aktualitaet", &goslar).await.text;
    assert!(!open_part(&html).contains("ein Absatz steht zweimal im Text"));
    let changed = format!("{twice} Mit Redaktionsplan.");
    page["body"] = format!("{changed}\n\nText.\n\n{changed}").into();
    assert_eq!(app.write("PUT", path, &page).await.status, StatusCode::OK);
    let html = app.get_as("/admin/goslar/aktualitaet", &goslar).await.text;
    assert!(
        open_part(&html).contains("ein Absatz steht zweimal im Text"),
        "back again"
    );
    // A stale form (the fingerprint of before) checks nothing.
    let stale = app
        .post_as(
            "/admin/goslar/aktualitaet",
            &goslar,
            &[
                ("key", &key),
                ("fingerprint", "0000000000000000"),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A reader sees the findings but may not check them.
    app.user("lesen@goslar.example", &[("goslar", Role::ReadOnly)])
        .await;
    let reader = app.signed_in("lesen@goslar.example").await;
    let refused = app
        .post_as(
            "/admin/goslar/aktualitaet",
            &reader,
            &[("key", &key), ("fingerprint", &fingerprint)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // The dashboard counts what is open.
    let dashboard = app.get_as("/admin/nordhausen/", &nordhausen).await.text;
    assert!(
        dashboard.contains("href=\"/admin/nordhausen/aktualitaet\">1 Hinweis zur Aktualität</a>"),
        "{dashboard}"
    );
}

/// A site that moved, one that is gone: a local server stands in for
/// the internet.
async fn sites_that_moved_or_fail_are_found_by_the_link_check(url: &str) {
    use axum::http::header;
    let router = axum::Router::new()
        .route(
            "/robots.txt",
            axum::routing::get(|| async { "User-agent: *\nDisallow:\n" }),
        )
        .route(
            "/alt",
            axum::routing::get(|headers: axum::http::HeaderMap| async move {
                let port = headers[header::HOST]
                    .to_str()
                    .unwrap()
                    .rsplit(':')
                    .next()
                    .unwrap()
                    .to_owned();
                (
                    StatusCode::MOVED_PERMANENTLY,
                    [(header::LOCATION, format!("http://localhost:{port}/neu"))],
                )
            }),
        )
        .route("/neu", axum::routing::get(|| async { "neu" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

    let app = app(url, true, day(2026, 12, 1)).await;
    let old = format!("http://127.0.0.1:{port}/alt");
    let gone = format!("http://127.0.0.1:{port}/weg");
    let mut belfort = app
        .get("/api/v1/regions/territoire-de-belfort")
        .await
        .json();
    belfort["website"] = old.clone().into();
    let put = app
        .write("PUT", "/api/v1/regions/territoire-de-belfort", &belfort)
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    let path = "/api/v1/tenants/harz/pages";
    let page = json!({"slug": "partner", "title": "Partner", "body": format!("[Partner]({gone})")});
    assert_eq!(
        app.write("POST", path, &page).await.status,
        StatusCode::CREATED
    );

    // The freshness dashboard hands over what to check; the check keeps
    // its results; the dashboard shows them.
    let harz = editor(&app, "harz").await;
    let tenant = kreiskom_core::TenantSlug::parse("harz").unwrap();
    let scope = app.store.tenant_scope(&tenant).await.unwrap();
    let view = app
        .state
        .site
        .freshness(&tenant, &scope, jiff::Timestamp::now(), 5, None)
        .await
        .unwrap();
    let urls = view.external_urls().to_vec();
    assert!(urls.contains(&old) && urls.contains(&gone), "{urls:?}");
    let mine: Vec<String> = urls
        .into_iter()
        .filter(|u| u.contains("127.0.0.1"))
        .collect();
    for r in kreiskom_channels::links::check_all(
        &mine,
        std::time::Duration::from_millis(10),
        |_, _, _| {},
    )
    .await
    {
        app.store.save_link_check(&r).await.unwrap();
    }
    let found = findings(&app, &harz, "harz").await;
    assert!(
        found.contains(&format!(
            "Territoire de Belfort: {old} leitet weiter auf http://localhost:{port}/neu"
        )),
        "{found}"
    );
    assert!(found.contains(&format!(
        "Seite „Partner“: {gone} antwortet mit dem Fehler 404"
    )));
}

kreiskom_testkit::on_both_backends!(
    sites_that_moved_or_fail_are_found_by_the_link_check,
    content_pages_have_their_place_and_an_easy_version,
    earlier_versions_are_compared_and_restored,
    the_freshness_dashboard_finds_what_the_sources_left_stale,
);
