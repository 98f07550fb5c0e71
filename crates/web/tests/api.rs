//! The JSON API against a real SQLite file and a real PostgreSQL server.

mod common;

use axum::http::StatusCode;
use common::{app, day, TOKEN};
use serde_json::{json, Value};

/// One sample per kind: (collection path, record, a field to change).
fn samples() -> Vec<(&'static str, Value, (&'static str, Value))> {
    vec![
        (
            "/api/v1/regions",
            json!({"slug": "landkreis-test", "kind": "district", "country": "DE", "names": [{"lang": "de", "name": "Landkreis Test"}]}),
            ("website", json!("https://www.landkreis-test.de")),
        ),
        (
            "/api/v1/regions",
            json!({"slug": "partnerkreis", "kind": "powiat", "country": "PL", "names": [{"lang": "pl", "name": "Powiat testowy"}]}),
            ("seat", json!(null)),
        ),
        (
            "/api/v1/partnerships",
            json!({"slug": "test-partner", "regions": ["landkreis-test", "partnerkreis"], "category": "friendship",
            "timeline": [{"date": "early 2003", "kind": "letter_of_intent"}]}),
            ("topics", json!(["youth", "culture"])),
        ),
        (
            "/api/v1/tenants",
            json!({"slug": "testkreis", "name": "Landkreis Test", "region": "landkreis-test"}),
            ("partnership_intro", json!("Europa lebt.")),
        ),
        (
            "/api/v1/tenants/testkreis/units",
            json!({"slug": "pressestelle", "name": "Pressestelle"}),
            (
                "contact",
                json!({"email": "presse@landkreis-test.de", "phone": "05321 76-0"}),
            ),
        ),
        (
            "/api/v1/tenants/testkreis/people",
            json!({"slug": "landraetin", "name": "Erika Muster", "role": "Landrätin"}),
            ("unit", json!("pressestelle")),
        ),
        (
            "/api/v1/tenants/testkreis/organisations",
            json!({"slug": "verein", "name": "Partnerschaftsverein", "kind": "association"}),
            ("partnerships", json!(["test-partner"])),
        ),
        (
            "/api/v1/tenants/testkreis/activities",
            json!({"slug": "konvoi", "kind": "aid_transport", "title": "Hilfskonvoi", "start": "2022-03"}),
            (
                "figures",
                json!([{"value": 20, "unit": "Paletten", "qualifier": "more_than"}]),
            ),
        ),
        (
            "/api/v1/tenants/testkreis/collections",
            json!({"slug": "heimatstube", "name": "Heimatstube", "founded": "early 1960s"}),
            ("items", json!([{"kind": "map", "description": "Karten"}])),
        ),
        (
            "/api/v1/tenants/testkreis/services",
            json!({"slug": "visitenkarten", "name": "Visitenkarten"}),
            (
                "online_url",
                json!("https://service.landkreis-test.de/visitenkarten"),
            ),
        ),
        (
            "/api/v1/tenants/testkreis/channels",
            json!({"slug": "mastodon", "platform": "mastodon", "handle": "@landkreis@social.example"}),
            ("since", json!("2023-01")),
        ),
    ]
}

async fn every_kind_round_trips_through_the_api(url: &str) {
    let app = app(url, false, day(2026, 11, 23)).await;
    let samples = samples();
    for (base, record, (field, value)) in &samples {
        let slug = record["slug"].as_str().unwrap();
        let created = app.write("POST", base, record).await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "POST {base}: {}",
            created.text
        );
        assert_eq!(created.etag.as_deref(), Some("\"1\""));
        let item = format!("{base}/{slug}");
        let got = app.get(&item).await;
        assert_eq!(got.status, StatusCode::OK, "GET {item}");
        assert_eq!(&got.json(), record, "GET {item} returns what was written");
        let mut changed = record.clone();
        if value.is_null() {
            changed.as_object_mut().unwrap().remove(*field);
        } else {
            changed[*field] = value.clone();
        }
        let updated = app
            .send(
                "PUT",
                &item,
                Some(&changed.to_string()),
                Some(&format!("Bearer {TOKEN}")),
                Some("\"1\""),
            )
            .await;
        assert_eq!(
            updated.status,
            StatusCode::OK,
            "PUT {item}: {}",
            updated.text
        );
        assert_eq!(updated.etag.as_deref(), Some("\"2\""));
        assert_eq!(app.get(&item).await.json(), changed);
        let list = app.get(base).await.json();
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .any(|r| r["slug"] == record["slug"]),
            "{base} lists {slug}"
        );
    }
    // Delete in reverse order of dependency; each is gone afterwards.
    for (base, record, _) in samples.iter().rev() {
        let item = format!("{base}/{}", record["slug"].as_str().unwrap());
        let deleted = app.write("DELETE", &item, &json!(null)).await;
        assert_eq!(
            deleted.status,
            StatusCode::NO_CONTENT,
            "DELETE {item}: {}",
            deleted.text
        );
        assert_eq!(app.get(&item).await.status, StatusCode::NOT_FOUND);
    }
}

async fn invalid_input_gets_422_with_a_german_message_per_field(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let cases = [
        (
            json!({"slug": "x", "kind": "district", "country": "DE"}),
            "names",
            "Pflichtfeld fehlt",
        ),
        (
            json!({"slug": "Goslar Neu", "kind": "district", "country": "DE", "names": []}),
            "slug",
            "Kennung „Goslar Neu“ ist ungültig",
        ),
        (
            json!({"slug": "x", "kind": "kreis", "country": "DE", "names": []}),
            "kind",
            "unbekannter Wert „kreis“",
        ),
        (
            json!({"slug": "x", "kind": "district", "country": "Deutschland", "names": []}),
            "country",
            "Ländercode „Deutschland“ ist ungültig",
        ),
        (
            json!({"slug": "x", "kind": "district", "country": "DE", "names": [], "farbe": "blau"}),
            "farbe",
            "ist kein bekanntes Feld",
        ),
        (
            json!({"slug": "x", "kind": "district", "country": "DE", "names": "Goslar"}),
            "names",
            "erwartet wird eine Liste",
        ),
        (
            json!({"slug": "x", "kind": "district", "country": "DE", "names": []}),
            "names",
            "mindestens ein Name ist nötig",
        ),
        (
            json!({"slug": "x", "kind": "district", "country": "DE", "names": [{"lang": "de", "name": "X"}], "parent": "atlantis"}),
            "parent",
            "verweist auf unbekannte Gebietskörperschaft „atlantis“",
        ),
        (
            json!({"slug": "x", "kind": "district", "country": "DE", "names": [{"lang": "de", "name": "X"}], "facts": [{"kind": "population", "value": 1, "as_of": "03.07.2014"}]}),
            "facts.0.as_of",
            "Ungültiges Datum „03.07.2014“",
        ),
        // A line break in a name would forge a line in termine.ics; NUL
        // would break PostgreSQL.
        (
            json!({"slug": "x", "kind": "district", "country": "DE", "names": [{"lang": "de", "name": "Harz\r\nBEGIN:VEVENT"}]}),
            "names.0.name",
            "darf keine Zeilenumbrüche oder Steuerzeichen enthalten",
        ),
        (
            json!({"slug": "x", "kind": "district", "country": "DE", "names": [{"lang": "de", "name": "Harz"}, {"lang": "pl", "name": "Har\u{0}c"}]}),
            "names.1.name",
            "darf keine Zeilenumbrüche oder Steuerzeichen enthalten",
        ),
    ];
    for (body, field, message) in cases {
        let reply = app.write("POST", "/api/v1/regions", &body).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            reply.text
        );
        let fields = reply.json()["fields"].clone();
        let hit = fields
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == field);
        let hit = hit.unwrap_or_else(|| panic!("no error for field {field}: {fields}"));
        assert!(
            hit["message"].as_str().unwrap().contains(message),
            "{field}: {hit}"
        );
        assert!(
            app.get("/api/v1/regions/x").await.status == StatusCode::NOT_FOUND,
            "nothing half-written"
        );
    }
    let broken = app
        .send(
            "POST",
            "/api/v1/regions",
            Some("{\"slug\": "),
            Some(&format!("Bearer {TOKEN}")),
            None,
        )
        .await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(broken.json()["fields"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("Kein gültiges JSON"));
}

async fn regions_cannot_lie_within_each_other(url: &str) {
    let app = app(url, false, day(2026, 11, 23)).await;
    let region = |slug: &str, parent: Option<&str>| {
        json!({"slug": slug, "kind": "district", "country": "DE",
            "names": [{"lang": "de", "name": slug}], "parent": parent})
    };
    assert_eq!(
        app.write("POST", "/api/v1/regions", &region("land", None))
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        app.write("POST", "/api/v1/regions", &region("kreis", Some("land")))
            .await
            .status,
        StatusCode::CREATED
    );
    for (slug, parent) in [("land", "kreis"), ("kreis", "kreis")] {
        let reply = app
            .write(
                "PUT",
                &format!("/api/v1/regions/{slug}"),
                &region(slug, Some(parent)),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{slug}: {}",
            reply.text
        );
        assert_eq!(reply.json()["fields"][0]["field"], "parent");
    }
    let circle = app
        .write(
            "PUT",
            "/api/v1/regions/land",
            &region("land", Some("kreis")),
        )
        .await;
    assert!(
        circle.text.contains("bildet einen Kreis"),
        "{}",
        circle.text
    );
    let land = app.get("/api/v1/regions/land").await.json();
    assert!(land.get("parent").is_none_or(Value::is_null), "{land}");
}

async fn errors_keep_the_documented_shape_and_status(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let has_fields = |reply: &common::Reply| reply.json()["fields"].is_array();
    let missing = app.get("/api/v1/regions/atlantis").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(has_fields(&missing), "{}", missing.text);
    let anonymous = app
        .send("POST", "/api/v1/regions", Some("{}"), None, None)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(has_fields(&anonymous), "{}", anonymous.text);

    // Too large is 413, in JSON like every other error.
    let big = format!("{{\"slug\": \"{}\"}}", "x".repeat(3 * 1024 * 1024));
    let reply = app
        .send(
            "POST",
            "/api/v1/regions",
            Some(&big),
            Some(&format!("Bearer {TOKEN}")),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(reply.json()["message"]
        .as_str()
        .unwrap()
        .contains("zu groß"));

    // A signed-in person without the role hears "no", not which fields
    // are wrong.
    app.user(
        "lesen@goslar.example",
        &[("goslar", kreiskom_core::Role::ReadOnly)],
    )
    .await;
    let reader = app.signed_in("lesen@goslar.example").await;
    for path in ["/api/v1/regions", "/api/v1/tenants/goslar/units"] {
        let reply = app
            .request(
                "POST",
                path,
                Some("{\"slug\": \"Falsch Geschrieben\"}"),
                &[
                    ("cookie", &reader.cookie),
                    ("x-csrf-token", &reader.csrf),
                    ("content-type", "application/json"),
                ],
                false,
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            reply.text
        );
        assert!(!reply.text.contains("slug"), "{path}: {}", reply.text);
    }

    // The status endpoint answers a bad query in JSON, as documented.
    for query in ["?date=morgen", "?date=2020-01-01&date=2021-01-01"] {
        let reply = app
            .get(&format!(
                "/api/v1/partnerships/goslar-trebnitz/status{query}"
            ))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(reply.json()["fields"][0]["field"], "date", "{query}");
    }
    let doc = app.get("/api/v1/openapi.json").await.json();
    let status = &doc["paths"]["/api/v1/partnerships/{slug}/status"]["get"]["responses"];
    assert!(status["404"].is_object() && status["422"].is_object());
    assert!(doc["paths"]["/api/v1/regions"]["post"]["responses"]["413"].is_object());
}

async fn writes_need_the_token(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let body = json!({"slug": "x", "kind": "district", "country": "DE", "names": [{"lang": "de", "name": "X"}]}).to_string();
    for auth in [None, Some("Bearer falsch"), Some("Basic Zm9vOmJhcg==")] {
        let reply = app
            .send("POST", "/api/v1/regions", Some(&body), auth, None)
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert_eq!(reply.headers.get("www-authenticate").unwrap(), "Bearer");
        assert!(
            reply.json()["message"]
                .as_str()
                .unwrap()
                .contains("API-Token"),
            "{}",
            reply.text
        );
    }
    for (method, path) in [
        ("PUT", "/api/v1/regions/goslar"),
        ("DELETE", "/api/v1/regions/goslar"),
        ("DELETE", "/api/v1/tenants/goslar/units/pressestelle"),
    ] {
        assert_eq!(
            app.send(method, path, Some(&body), None, None).await.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
    }
    assert_eq!(
        app.get("/api/v1/regions/goslar").await.status,
        StatusCode::OK,
        "reading needs no token"
    );
}

async fn stale_if_match_is_refused_and_referenced_records_stay(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let mut region = app.get("/api/v1/regions/harz").await.json();
    region["website"] = json!("https://www.kreis-hz.de");
    let auth = format!("Bearer {TOKEN}");
    let first = app
        .send(
            "PUT",
            "/api/v1/regions/harz",
            Some(&region.to_string()),
            Some(&auth),
            Some("\"1\""),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let second = app
        .send(
            "PUT",
            "/api/v1/regions/harz",
            Some(&region.to_string()),
            Some(&auth),
            Some("\"1\""),
        )
        .await;
    assert_eq!(second.status, StatusCode::PRECONDITION_FAILED);
    assert!(second.json()["message"]
        .as_str()
        .unwrap()
        .contains("inzwischen geändert"));
    let gone = app
        .write("DELETE", "/api/v1/regions/judet-iasi", &json!(null))
        .await;
    assert_eq!(gone.status, StatusCode::CONFLICT);
    assert!(
        gone.json()["message"]
            .as_str()
            .unwrap()
            .contains("Partnerschaft „harz-iasi“"),
        "{}",
        gone.text
    );
    let again = app
        .write(
            "POST",
            "/api/v1/regions",
            &app.get("/api/v1/regions/harz").await.json(),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

async fn status_endpoint_derives_from_the_timeline(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let now = app
        .get("/api/v1/partnerships/nordhausen-gostyn/status")
        .await
        .json();
    assert_eq!(
        (now["status"].as_str(), now["text"].as_str()),
        (Some("planned"), Some("geplant seit Dezember 2022"))
    );
    let then = app
        .get("/api/v1/partnerships/goslar-trebnitz/status?date=1970-06-01")
        .await
        .json();
    assert_eq!(then["status"], "sponsorship");
    let bad = app
        .get("/api/v1/partnerships/goslar-trebnitz/status?date=1970")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn openapi_describes_every_route_and_every_route_answers(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let doc = app.get("/api/v1/openapi.json").await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for kind in ["regions", "partnerships", "tenants"] {
        assert!(
            paths.contains_key(&format!("/api/v1/{kind}/{{slug}}")),
            "{kind}"
        );
    }
    for kind in [
        "units",
        "people",
        "organisations",
        "activities",
        "collections",
        "services",
        "channels",
    ] {
        assert!(
            paths.contains_key(&format!("/api/v1/tenants/{{tenant}}/{kind}/{{slug}}")),
            "{kind}"
        );
    }
    for schema in ["Region", "Partnership", "Tenant", "Activity", "ErrorBody"] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "schema {schema}"
        );
    }
    // Every documented GET answers 200 with JSON for a real record of the
    // demo: lists, single records and the status of a partnership.
    let tenants: Vec<String> = app
        .get("/api/v1/tenants")
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["slug"].as_str().unwrap().to_owned())
        .collect();
    let mut answered = 0;
    for (path, item) in paths {
        if item.get("get").is_none() {
            continue;
        }
        let mut concrete = None;
        for tenant in &tenants {
            let p = path.replace("{tenant}", tenant);
            let Some(at) = p.find("/{slug}") else {
                concrete = Some(p);
                break;
            };
            let list = app.get(&p[..at]).await;
            assert_eq!(list.status, StatusCode::OK, "{}", &p[..at]);
            if let Some(slug) = list.json()[0]["slug"].as_str() {
                concrete = Some(p.replace("{slug}", slug));
                break;
            }
        }
        let concrete = concrete.unwrap_or_else(|| panic!("no demo record for {path}"));
        let reply = app.get(&concrete).await;
        assert_eq!(reply.status, StatusCode::OK, "{concrete}: {}", reply.text);
        assert!(
            reply.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{concrete}"
        );
        answered += 1;
    }
    assert!(answered >= 20, "{answered} GET operations");
}

kreiskom_testkit::on_both_backends!(
    every_kind_round_trips_through_the_api,
    invalid_input_gets_422_with_a_german_message_per_field,
    regions_cannot_lie_within_each_other,
    errors_keep_the_documented_shape_and_status,
    writes_need_the_token,
    stale_if_match_is_refused_and_referenced_records_stay,
    status_endpoint_derives_from_the_timeline,
    openapi_describes_every_route_and_every_route_answers,
);
