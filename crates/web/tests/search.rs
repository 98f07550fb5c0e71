//! The public search in German over the demo: stems, folded accents and
//! compounds, ranked hits with the words marked, filters by kind and year;
//! nothing unpublished is found, and the index follows every change, on
//! this node at once and on a second node as soon as it learns of it.

mod common;

use std::sync::atomic::Ordering;

use axum::http::StatusCode;
use common::{app, app_with_data, day, newsroom_people, App};
use kreiskom_core::{Actor, Kind, PressRelease, TenantSlug};
use serde_json::{json, Value};

async fn search(app: &App, tenant: &str, query: &str) -> Value {
    let r = app
        .get(&format!("/api/v1/tenants/{tenant}/search?{query}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text);
    r.json()
}

fn titles(found: &Value) -> Vec<String> {
    found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn german_words_are_found_in_every_kind(url: &str) {
    let app = app(url, true, day(2026, 12, 1)).await;
    // Diacritics folded both ways, the partner region first.
    let iasi = search(&app, "harz", "q=Iasi").await;
    assert_eq!(titles(&iasi)[0], "Kreis Iași", "{iasi}");
    assert_eq!(iasi["hits"][0]["kind"], "gebiete");
    assert!(iasi["hits"][0]["url"]
        .as_str()
        .unwrap()
        .ends_with("/harz/partnerschaften/harz-iasi#h-partner-region"));
    assert_eq!(
        titles(&search(&app, "harz", "q=ia%C8%99i").await)[0],
        "Kreis Iași"
    );
    // Inflected and compound words: the plural finds the activity
    // "Hilfstransport", the genitive the partnership's "Jugendbegegnungen".
    let convoy = search(&app, "goslar", "q=Hilfstransporte").await;
    assert!(
        titles(&convoy).contains(&"Hilfskonvoi nach Trebnitz".to_owned()),
        "{convoy}"
    );
    let youth = search(&app, "harz", "q=Jugendbegegnung").await;
    assert_eq!(
        titles(&youth),
        [
            "Jugendbegegnungen mit dem Territoire de Belfort",
            "Landkreis Harz und Territoire de Belfort"
        ],
        "the activity by its title first, then the partnership that tells of them"
    );
    let partnerships = search(&app, "goslar", "q=Partnerschaften&kind=partnerschaften").await;
    assert!(titles(&partnerships).contains(&"Landkreis Goslar und Landkreis Trebnitz".to_owned()));
    // The historic German name finds the organisations named after it.
    let orgs = search(&app, "goslar", "q=Trebnitz&kind=organisationen").await;
    assert!(
        titles(&orgs).contains(&"Heimatgruppe Trebnitz".to_owned()),
        "{orgs}"
    );
    assert!(
        orgs["by_kind"]["aktivitaeten"].as_u64().unwrap() > 0,
        "counted whatever the filter"
    );
    // Pages and their Leichte Sprache version.
    let easy = search(&app, "stade", "q=Leichte+Sprache&kind=seiten").await;
    assert_eq!(
        titles(&easy),
        ["Der Landkreis Stade in den sozialen Medien (Leichte Sprache)"]
    );
    // Releases, by year.
    let guests = search(&app, "spree-neisse", "q=R%C3%BCgen&kind=pressemitteilungen").await;
    assert_eq!(
        titles(&guests),
        ["Landkreis Vorpommern-Rügen zu Gast in Spree-Neiße"]
    );
    assert!(guests["hits"][0]["url"]
        .as_str()
        .unwrap()
        .ends_with("/spree-neisse/presse/2014/150"));
    // "ue" is read as "ü"; the visit of 2014 is a release and an activity.
    let visit = search(&app, "spree-neisse", "q=Ruegen&year=2014").await;
    assert_eq!(
        visit["by_kind"],
        json!({"pressemitteilungen": 1, "aktivitaeten": 1}),
        "{visit}"
    );
    assert_eq!(
        search(&app, "spree-neisse", "q=Rugen&year=2015").await["total"],
        0
    );
    // Every word must occur; another tenant's texts are not this one's.
    assert_eq!(search(&app, "harz", "q=Iasi+Trebnitz").await["total"], 0);
    assert_eq!(search(&app, "harz", "q=Hilfskonvoi").await["total"], 0);
    // A draft is no public text.
    let draft = search(&app, "goslar", "q=Spenden&kind=pressemitteilungen").await;
    assert_eq!(draft["total"], 0, "{draft}");

    // Refused with reasons, in German.
    let bad = app
        .get("/api/v1/tenants/harz/search?q=x&kind=rezepte&year=zwanzig&limit=500")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = bad.json()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["limit", "kind", "year"], "{}", bad.text);
    assert!(bad.text.contains("unbekannte Art"));
    assert_eq!(
        app.get("/api/v1/tenants/atlantis/search?q=x").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn the_search_page_marks_the_words_and_every_page_has_the_field(url: &str) {
    let app = app(url, true, day(2026, 12, 1)).await;
    let page = app.get("/harz/suche?q=iasi").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.text;
    assert!(
        html.contains("<title>Suche nach „iasi“ – Landkreis Harz</title>"),
        "{html}"
    );
    assert!(html.contains("Treffer für „iasi“"));
    assert!(html.contains("<mark>Iași</mark>"), "{html}");
    assert!(
        html.contains("href=\"/harz/partnerschaften/harz-iasi#h-partner-region\">Kreis Iași</a>")
    );
    assert!(
        html.contains("<option value=\"gebiete\">Gebietskörperschaften (1)</option>"),
        "{html}"
    );
    // Its script is the site's only one, allowed on this page alone.
    let csp = page.header("content-security-policy");
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe"),
        "{csp}"
    );
    let home = app.get("/harz/").await;
    assert!(!home
        .header("content-security-policy")
        .contains("script-src"));
    assert!(home.text.contains(
        "<form class=\"site-search\" action=\"/harz/suche\" method=\"get\" role=\"search\""
    ));
    // A query is text, never markup; the filters keep to what exists.
    let hostile = app
        .get("/harz/suche?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&art=xyz&jahr=abc")
        .await;
    assert_eq!(hostile.status, StatusCode::OK);
    assert!(!hostile.text.contains("<script>alert"));
    assert!(hostile
        .text
        .contains("0 Treffer für „&lt;script&gt;alert(1)&lt;/script&gt;“"));
    // Pages beyond the last are not there.
    assert_eq!(
        app.get("/harz/suche?q=iasi&seite=9").await.status,
        StatusCode::NOT_FOUND
    );
    let empty = app.get("/harz/suche").await;
    assert!(empty
        .text
        .contains("Gesucht wird in allen öffentlichen Inhalten des Landkreises Harz"));
    assert_eq!(
        app.get("/atlantis/suche?q=x").await.status,
        StatusCode::NOT_FOUND
    );
    // The static copy's index: folded, stemmed words naming documents.
    let index = app.get("/harz/suche/index.json").await.json();
    let docs = index["docs"].as_array().unwrap();
    let iasi = index["terms"]["iasi"].as_array().unwrap();
    assert!(iasi
        .iter()
        .any(|i| docs[i.as_u64().unwrap() as usize]["t"] == "Kreis Iași"));
    assert!(index["terms"].get("partnerschaft").is_some());
    assert!(
        index["terms"].get("partnerschaften").is_none(),
        "stems only"
    );
}

async fn nothing_is_found_before_its_time_or_after_it_is_gone(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    newsroom_people(&app).await;
    let release: PressRelease = serde_json::from_value(json!({
        "slug": "partnerschaftswoche",
        "title": "Partnerschaftswoche mit Trebnitz",
        "body": "Eine Woche voller Begegnungen.",
        "embargo": "2026-11-23T13:00",
    }))
    .unwrap();
    let permit = Actor::operator("test")
        .operator_permit(Kind::PressRelease)
        .unwrap();
    let goslar = TenantSlug::parse("goslar").unwrap();
    app.store
        .create(&permit, Some(&goslar), release)
        .await
        .unwrap();
    let press = app.signed_in("presse@goslar.example").await;
    let head = app.signed_in("landrat@goslar.example").await;
    let base = "/admin/goslar/pressemitteilungen/partnerschaftswoche";
    // Asked before it is approved, so the index is built with it unpublished.
    assert_eq!(
        search(&app, "goslar", "q=Partnerschaftswoche").await["total"],
        0
    );
    app.post_as(&format!("{base}/einreichen"), &press, &[])
        .await;
    let r = app.post_as(&format!("{base}/freigeben"), &head, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    app.set_clock("2026-11-23T12:59");
    app.later.fetch_add(59, Ordering::SeqCst);
    assert_eq!(
        search(&app, "goslar", "q=Partnerschaftswoche").await["total"],
        0
    );
    let page = app.get("/goslar/suche?q=Begegnungen").await.text;
    assert!(!page.contains("Partnerschaftswoche"), "the page neither");
    app.set_clock("2026-11-23T13:00");
    let found = search(&app, "goslar", "q=Partnerschaftswoche").await;
    assert_eq!(
        titles(&found),
        ["Partnerschaftswoche mit Trebnitz"],
        "from the second on"
    );
    assert!(found["hits"][0]["url"]
        .as_str()
        .unwrap()
        .ends_with("/goslar/presse/2026/1"));

    // A page is found as soon as it is written, and not once it is deleted.
    let created = app
        .write(
            "POST",
            "/api/v1/tenants/goslar/pages",
            &json!({"slug": "wahlen", "title": "Kreistagswahl", "body": "Briefwahlunterlagen beantragen."}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(
        titles(&search(&app, "goslar", "q=Briefwahlunterlagen").await),
        ["Kreistagswahl"]
    );
    let changed = app
        .write(
            "PUT",
            "/api/v1/tenants/goslar/pages/wahlen",
            &json!({"slug": "wahlen", "title": "Kreistagswahl", "body": "Wahlbenachrichtigung verloren?"}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(
        search(&app, "goslar", "q=Briefwahlunterlagen").await["total"],
        0
    );
    assert_eq!(
        search(&app, "goslar", "q=Wahlbenachrichtigung").await["total"],
        1
    );
    let deleted = app
        .write(
            "DELETE",
            "/api/v1/tenants/goslar/pages/wahlen",
            &json!(null),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        search(&app, "goslar", "q=Wahlbenachrichtigung").await["total"],
        0
    );
}

async fn a_second_node_follows_with_its_own_index(url: &str) {
    let first = app(url, true, day(2026, 12, 1)).await;
    let dir = tempfile::tempdir().unwrap();
    let mut second = app_with_data(url, None, day(2026, 12, 1)).await;
    second.state.search =
        std::sync::Arc::new(kreiskom_web::search::Search::open(dir.path()).unwrap());
    second.router = kreiskom_web::app(second.state.clone());
    assert_eq!(
        titles(&search(&second, "harz", "q=Iasi").await)[0],
        "Kreis Iași"
    );
    let created = first
        .write(
            "POST",
            "/api/v1/tenants/harz/pages",
            &json!({"slug": "wahlen", "title": "Kreistagswahl", "body": "Briefwahlunterlagen beantragen."}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    // The second node learns of the change by polling, as `serve` does
    // every quarter second, and its index follows at the next query.
    second.store.refresh_generation().await.unwrap();
    assert_eq!(
        titles(&search(&second, "harz", "q=Briefwahlunterlagen+beantragen").await),
        ["Kreistagswahl"]
    );
    // Its index is kept on disk, with the state it reflects.
    drop(second);
    let reopened = kreiskom_web::search::Search::open(dir.path()).unwrap();
    assert!(reopened.index().count("harz").unwrap() > 10);
}

kreiskom_testkit::on_both_backends!(
    german_words_are_found_in_every_kind,
    the_search_page_marks_the_words_and_every_page_has_the_field,
    nothing_is_found_before_its_time_or_after_it_is_gone,
    a_second_node_follows_with_its_own_index,
);
