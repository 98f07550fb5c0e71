//! The admin workspace: signing in, roles, editing records in forms, edit
//! conflicts and the audit log, on the demo data and both databases.

mod common;

use std::sync::atomic::Ordering;

use axum::http::StatusCode;
use common::{
    app, cookie_of, day, form_body, form_fields, post_fields, set, text, Session, PASSWORD,
};
use kreiskom_core::{Kind, Partnership, Role, TenantSlug, Unit};
use kreiskom_web::{route_table, Access};
use serde_json::json;

fn t(s: &str) -> TenantSlug {
    TenantSlug::parse(s).unwrap()
}

async fn sign_in_out_and_the_one_time_password(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    // An account as `kreiskom user add` makes it: a one-time password.
    let hash = kreiskom_web::auth::hash_password("einmal-1234-abcd");
    app.store
        .create_account(
            &kreiskom_core::Actor::operator("test"),
            "Presse@Goslar.example",
            "Presse Goslar",
            &hash,
            &[kreiskom_core::Grant {
                tenant: t("goslar"),
                role: Role::PressOfficer,
            }],
        )
        .await
        .unwrap();
    let (reply, session) = app
        .sign_in("presse@goslar.example", "einmal-1234-abcd")
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let set_cookie = reply.headers["set-cookie"].to_str().unwrap().to_owned();
    let all: Vec<&str> = reply
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let session_cookie = all
        .iter()
        .find(|c| c.starts_with("kreiskom_sitzung="))
        .unwrap_or_else(|| panic!("{set_cookie}"));
    assert!(session_cookie.contains("HttpOnly"));
    assert!(session_cookie.contains("SameSite=Strict"));
    let session = session.unwrap();

    // The one-time password opens nothing but the page that replaces it.
    let dashboard = app.get_as("/admin/goslar/", &session).await;
    assert_eq!(dashboard.status, StatusCode::SEE_OTHER);
    assert_eq!(dashboard.headers["location"], "/admin/passwort");
    let short = app
        .post_as(
            "/admin/passwort",
            &session,
            &[
                ("aktuell", "einmal-1234-abcd"),
                ("neu", "kurz"),
                ("wiederholung", "kurz"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.text.contains("mindestens 12 Zeichen"));
    let changed = app
        .post_as(
            "/admin/passwort",
            &session,
            &[
                ("aktuell", "einmal-1234-abcd"),
                ("neu", PASSWORD),
                ("wiederholung", PASSWORD),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    let dashboard = app.get_as("/admin/goslar/", &session).await;
    assert_eq!(dashboard.status, StatusCode::OK, "{}", dashboard.text);
    assert!(dashboard.text.contains("Presse Goslar"));
    assert!(dashboard.text.contains("Pressestelle"), "the role is shown");
    // One tenant only: the chooser goes straight there.
    let chooser = app.get_as("/admin/", &session).await;
    assert_eq!(chooser.headers["location"], "/admin/goslar/");

    // Signing out ends the session on the server, not only in the browser.
    let out = app.post_as("/admin/abmelden", &session, &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.headers["location"], "/admin/anmelden?abgemeldet=1");
    let after = app.get_as("/admin/goslar/", &session).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert!(after.headers["location"]
        .to_str()
        .unwrap()
        .starts_with("/admin/anmelden"));
    // The old password no longer works, the new one does.
    let (old, none) = app
        .sign_in("presse@goslar.example", "einmal-1234-abcd")
        .await;
    assert!(none.is_none());
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    assert!(old
        .text
        .contains("E-Mail-Adresse oder Passwort sind falsch"));
    app.signed_in("presse@goslar.example").await;
}

async fn a_new_password_ends_every_other_session(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    app.user("presse@goslar.example", &[("goslar", Role::PressOfficer)])
        .await;
    let here = app.signed_in("presse@goslar.example").await;
    let elsewhere = app.signed_in("presse@goslar.example").await;
    let signed_in = |reply: &common::Reply| reply.status == StatusCode::OK;
    assert!(signed_in(&app.get_as("/admin/goslar/", &elsewhere).await));

    let changed = app
        .post_as(
            "/admin/passwort",
            &here,
            &[
                ("aktuell", PASSWORD),
                ("neu", "ein-ganz-neues-passwort"),
                ("wiederholung", "ein-ganz-neues-passwort"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text);
    // Whoever had the old password is out; the person who changed it is not.
    assert!(!signed_in(&app.get_as("/admin/goslar/", &elsewhere).await));
    assert!(signed_in(&app.get_as("/admin/goslar/", &here).await));

    // A reset by the operator (`kreiskom user reset-password`) ends all.
    app.store
        .set_password("presse@goslar.example", "reset", true, None)
        .await
        .unwrap();
    assert!(!signed_in(&app.get_as("/admin/goslar/", &here).await));
}

async fn over_https_cookies_are_secure_and_browsers_are_told_to_stay(url: &str) {
    let plain = app(url, true, day(2026, 11, 23)).await;
    let form = plain.get("/admin/anmelden").await;
    assert!(form.headers.get("strict-transport-security").is_none());
    assert!(!form.headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Secure"));

    let app = plain.over_https();
    app.user("presse@goslar.example", &[("goslar", Role::PressOfficer)])
        .await;
    let form = app.get("/admin/anmelden").await;
    let (reply, session) = app.sign_in("presse@goslar.example", PASSWORD).await;
    assert!(session.is_some());
    let cookies: Vec<&str> = [&form, &reply]
        .iter()
        .flat_map(|r| r.headers.get_all("set-cookie").iter())
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(cookies.len() >= 2, "{cookies:?}");
    for cookie in cookies {
        assert!(cookie.contains("; Secure"), "{cookie}");
    }
    for page in ["/goslar/", "/admin/anmelden"] {
        let reply = app.get(page).await;
        assert_eq!(
            reply.headers["strict-transport-security"], "max-age=31536000",
            "{page}"
        );
    }
}

async fn journalists_and_inquiries_are_for_the_press_office_only(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    app.user("presse@goslar.example", &[("goslar", Role::PressOfficer)])
        .await;
    app.user("lesen@goslar.example", &[("goslar", Role::ReadOnly)])
        .await;
    app.user(
        "landrat@goslar.example",
        &[("goslar", Role::HeadOfAdministration)],
    )
    .await;
    let press = app.signed_in("presse@goslar.example").await;
    let journalist = first_slug(&app, Kind::Journalist).await;
    let inquiry = first_slug(&app, Kind::PressInquiry).await;
    // The press office changes a journalist: the audit log now holds the
    // address before and after.
    let page = format!("/admin/goslar/medienkontakte/{journalist}");
    let mut fields = form_fields(&app.get_as(&page, &press).await.text);
    set(&mut fields, "email", "neue-adresse@zeitung.example");
    let saved = post_fields(&app, &page, &press, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);

    let pages = [
        "/admin/goslar/medienkontakte/".to_owned(),
        page.clone(),
        format!("{page}/auskunft"),
        format!("{page}/loeschen"),
        "/admin/goslar/presseanfragen/".to_owned(),
        format!("/admin/goslar/presseanfragen/{inquiry}"),
    ];
    for who in ["lesen@goslar.example", "landrat@goslar.example"] {
        let other = app.signed_in(who).await;
        for path in &pages {
            let reply = app.get_as(path, &other).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{who} {path}");
        }
        let dashboard = app.get_as("/admin/goslar/", &other).await;
        assert!(!dashboard.text.contains("/medienkontakte/"), "{who}: nav");
        assert!(!dashboard.text.contains("/presseanfragen/"), "{who}: nav");
        assert!(
            !dashboard.text.contains("Presseanfrage"),
            "{who}: due inquiries"
        );
        assert!(
            dashboard.text.contains("1 Eintrag<"),
            "{who}: Goslar's one partnership"
        );
        let log = app.get_as("/admin/goslar/protokoll", &other).await;
        assert_eq!(log.status, StatusCode::OK);
        assert!(log.text.contains("Medienkontakt"), "the change is listed");
        assert!(
            !log.text.contains("neue-adresse@zeitung.example") && !log.text.contains(&journalist),
            "{who} sees no personal data in the log"
        );
    }
    for path in &pages[..2] {
        assert_eq!(
            app.get_as(path, &press).await.status,
            StatusCode::OK,
            "{path}"
        );
    }
    let log = app.get_as("/admin/goslar/protokoll", &press).await;
    assert!(log.text.contains("neue-adresse@zeitung.example"));
}

async fn a_record_page_shows_its_latest_changes_and_points_to_the_log(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    app.user("admin@goslar.example", &[("goslar", Role::Administrator)])
        .await;
    let admin = app.signed_in("admin@goslar.example").await;
    let unit = first_slug(&app, Kind::Unit).await;
    let api = format!("/api/v1/tenants/goslar/units/{unit}");
    for i in 0..24 {
        let mut record = app.get(&api).await.json();
        record["name"] = json!(format!("Stelle {i}"));
        assert_eq!(app.write("PUT", &api, &record).await.status, StatusCode::OK);
    }
    let total = app
        .store
        .audit_of_record(Kind::Unit, Some(&t("goslar")), &unit)
        .await
        .unwrap()
        .len();
    assert!(total >= 24);
    let page = app
        .get_as(&format!("/admin/goslar/einheiten/{unit}"), &admin)
        .await
        .text;
    let history = &page[page.find("id=\"verlauf\"").unwrap()..];
    let rows = history.matches("<tr class=\"kern-table__row\">").count() - 1;
    assert_eq!(rows, 20, "the latest 20");
    assert!(history.contains("Stelle 23"), "newest first");
    assert!(
        history.contains(&format!("{} ältere Änderungen stehen im", total - 20)),
        "{history}"
    );
}

async fn repeated_failures_lock_the_account_for_a_while(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    app.user("lesen@harz.example", &[("harz", Role::ReadOnly)])
        .await;
    for n in 1..5 {
        let (reply, session) = app.sign_in("lesen@harz.example", "falsch").await;
        assert!(session.is_none());
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let (fifth, _) = app.sign_in("lesen@harz.example", "falsch").await;
    assert_eq!(fifth.status, StatusCode::TOO_MANY_REQUESTS);
    // Noon in Berlin plus 15 minutes.
    assert!(
        fifth.text.contains("bis 23.11.2026, 12:15 Uhr gesperrt"),
        "{}",
        fifth.text
    );
    // Locked means locked, also with the right password.
    let (right, session) = app.sign_in("lesen@harz.example", PASSWORD).await;
    assert!(session.is_none());
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    // An address without an account goes through the same answers, so
    // the lockout tells no one which accounts exist.
    let mut answers = Vec::new();
    for _ in 0..6 {
        let (reply, _) = app.sign_in("niemand@harz.example", "falsch").await;
        answers.push(reply.status);
        if reply.status == StatusCode::UNAUTHORIZED {
            assert!(reply
                .text
                .contains("E-Mail-Adresse oder Passwort sind falsch"));
        } else {
            assert!(reply.text.contains("bis 23.11.2026, 12:15 Uhr gesperrt"));
        }
    }
    assert_eq!(
        answers,
        [
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS,
        ]
    );
    // After the lock has run out, the right password works again.
    app.later.store(16 * 60, Ordering::SeqCst);
    app.signed_in("lesen@harz.example").await;
}

async fn forms_without_the_session_csrf_token_are_refused(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    app.user("web@goslar.example", &[("goslar", Role::WebEditor)])
        .await;
    let session = app.signed_in("web@goslar.example").await;
    let unit = app
        .store
        .list::<Unit>(Some(&t("goslar")))
        .await
        .unwrap()
        .remove(0);
    let path = format!("/admin/goslar/einheiten/{}", unit.record.slug);
    let forged = Session {
        csrf: "von-einer-anderen-seite".into(),
        ..session.clone()
    };
    let reply = app
        .post_as(&path, &forged, &[("name", "Übernommen"), ("version", "1")])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.text.contains("Das Formular ist abgelaufen"));
    let after = app
        .store
        .fetch::<Unit>(Some(&t("goslar")), unit.record.slug.as_str())
        .await
        .unwrap();
    assert_eq!(after.record.name, unit.record.name, "nothing changed");
    assert_eq!(after.version, unit.version);
    // Signing out needs the token too, so a foreign page cannot do it.
    let out = app.post_as("/admin/abmelden", &forged, &[]).await;
    assert_eq!(out.status, StatusCode::FORBIDDEN);
    // The sign-in form checks its own token against its cookie.
    let body = form_body(&[
        ("email", "web@goslar.example"),
        ("password", PASSWORD),
        ("csrf", "x"),
    ]);
    let login = app
        .request("POST", "/admin/anmelden", Some(&body), &[], true)
        .await;
    assert_eq!(login.status, StatusCode::FORBIDDEN);
    assert!(cookie_of(&login, "kreiskom_sitzung").is_none());
    // API writes with a session need the token in a header.
    let api = app
        .request(
            "DELETE",
            &format!("/api/v1/tenants/goslar/units/{}", unit.record.slug),
            None,
            &[("cookie", &session.cookie)],
            false,
        )
        .await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
}

/// A real path for a route pattern: the tenant is Goslar, slugs are
/// records that Goslar's admin pages show.
async fn concrete_path(app: &common::App, pattern: &str) -> String {
    let mut path = pattern
        .replace("{tenant}", "goslar")
        .replace("{index}", "0")
        .replace("{*path}", "site.css")
        .replace("{name}", "w960.jpg");
    // A picture's files live below /media/{tenant}/{slug}/.
    if pattern.starts_with("/media/") {
        return path.replace("{slug}", "unbekannt");
    }
    if path.contains("{slug}") {
        let segment = pattern
            .split('/')
            .take_while(|s| *s != "{slug}")
            .last()
            .unwrap();
        let kind = Kind::from_path(segment)
            .or_else(|| Kind::from_plural(segment))
            .unwrap_or_else(|| panic!("which kind is {pattern}?"));
        let slug = match kind {
            Kind::Tenant => "goslar".to_owned(),
            Kind::Region => "goslar".to_owned(),
            Kind::Partnership => "goslar-trebnitz".to_owned(),
            _ => first_slug(app, kind).await,
        };
        path = path.replace("{slug}", &slug);
    }
    path
}

async fn first_slug(app: &common::App, kind: Kind) -> String {
    let export = app.store.export().await.unwrap();
    let goslar = export
        .tenants
        .iter()
        .find(|t| t.tenant.slug.as_str() == "goslar")
        .unwrap();
    let v = serde_json::to_value(goslar).unwrap();
    let key = kind.plural();
    // Goslar's demo data has no people; the checks come before the lookup.
    v[key][0]["slug"].as_str().unwrap_or("unbekannt").to_owned()
}

/// Some valid record of the kind an API path is about, from any tenant.
async fn any_record(app: &common::App, pattern: &str) -> String {
    let plural = pattern
        .trim_end_matches("/{slug}")
        .rsplit('/')
        .next()
        .unwrap();
    let goslars = match plural {
        "regions" => Some("/api/v1/regions/goslar"),
        "partnerships" => Some("/api/v1/partnerships/goslar-trebnitz"),
        "tenants" => Some("/api/v1/tenants/goslar"),
        _ => None,
    };
    if let Some(path) = goslars {
        return app.get(path).await.text;
    }
    let export = serde_json::to_value(app.store.export().await.unwrap()).unwrap();
    let found = export[plural].get(0).cloned().or_else(|| {
        export["tenants"].as_array().unwrap().iter().find_map(|t| {
            if plural == "tenants" {
                Some(t["tenant"].clone())
            } else {
                t[plural].get(0).cloned()
            }
        })
    });
    // The demo ships no pictures (uploads need a media store); the
    // permission is checked before the record is looked up.
    let found = match plural {
        "media_files" => found.or_else(|| Some(serde_json::json!({"slug": "unbekannt"}))),
        _ => found,
    };
    found
        .unwrap_or_else(|| panic!("no {plural} in the demo data"))
        .to_string()
}

async fn every_route_refuses_strangers(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    // An administrator of Harz is a stranger to Goslar.
    app.user("admin@harz.example", &[("harz", Role::Administrator)])
        .await;
    let foreign = app.signed_in("admin@harz.example").await;
    let table = route_table();
    assert!(table.len() > 100, "{} routes", table.len());
    let body = r#"{"slug": "x"}"#;
    for route in &table {
        let path = concrete_path(&app, &route.path).await;
        let method = route.method.as_str();
        let label = format!("{method} {}", route.path);
        match route.access {
            Access::Public => {
                // Besides signing in (with a second factor), asking for a
                // reset link and choosing a password through a one-time
                // link, the public may hand in a press inquiry or a barrier
                // report and follow an unsubscribe link (the token is the
                // proof); nothing else changes data without a check.
                assert!(
                    method == "GET"
                        || [
                            "/admin/anmelden",
                            "/admin/anmelden/code",
                            "/admin/passwort-vergessen",
                            "/admin/konto/{token}",
                            "/{tenant}/presse/anfrage",
                            "/{tenant}/barrierefreiheit/rueckmeldung",
                            "/{tenant}/presse/abmelden/{token}"
                        ]
                        .contains(&route.path.as_str()),
                    "{label} changes data without a check"
                );
                continue;
            }
            Access::ApiWrite => {
                let anonymous = app
                    .request(
                        method,
                        &path,
                        Some(body),
                        &[("content-type", "application/json")],
                        false,
                    )
                    .await;
                assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{label}");
                // Send a valid record so the refusal is about the person,
                // not about the body.
                let record = any_record(&app, &route.path).await;
                let stranger = app
                    .request(
                        method,
                        &path,
                        Some(&record),
                        &[
                            ("cookie", &foreign.cookie),
                            ("x-csrf-token", &foreign.csrf),
                            ("content-type", "application/json"),
                        ],
                        false,
                    )
                    .await;
                if label == "POST /api/v1/regions" {
                    // A new partner region concerns no tenant yet, so any
                    // coordinator may add one; this one exists already.
                    assert_eq!(stranger.status, StatusCode::CONFLICT, "{label}");
                } else {
                    assert_eq!(
                        stranger.status,
                        StatusCode::FORBIDDEN,
                        "{label}: {}",
                        stranger.text
                    );
                }
            }
            Access::SignedIn | Access::Tenant => {
                let anonymous = if method == "GET" {
                    app.get(&path).await
                } else {
                    app.request(method, &path, Some("csrf=x"), &[], true).await
                };
                assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "{label}");
                assert!(
                    anonymous.headers["location"]
                        .to_str()
                        .unwrap()
                        .starts_with("/admin/anmelden"),
                    "{label}"
                );
                if route.access == Access::Tenant {
                    let stranger = if method == "GET" {
                        app.get_as(&path, &foreign).await
                    } else {
                        app.post_as(&path, &foreign, &[("version", "1"), ("name", "x")])
                            .await
                    };
                    assert_eq!(stranger.status, StatusCode::FORBIDDEN, "{label}");
                }
            }
        }
    }
    // Nothing above changed Goslar's data.
    let (_, goslar_log) = app.store.audit_of_tenant(&t("goslar"), 0, 1).await.unwrap();
    assert_eq!(goslar_log, 0);
    // The audit log has no route that writes.
    assert!(table
        .iter()
        .filter(|r| r.path.contains("protokoll"))
        .all(|r| r.method == "GET"));
}

async fn every_form_post_needs_the_session_token(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    // Goslar's own administrator, who may do all of it with the token.
    app.user("admin@goslar.example", &[("goslar", Role::Administrator)])
        .await;
    let admin = app.signed_in("admin@goslar.example").await;
    let forged = Session {
        cookie: admin.cookie.clone(),
        csrf: "nicht-das-token".into(),
    };
    let (_, before) = app.store.audit_of_tenant(&t("goslar"), 0, 1).await.unwrap();
    let mut walked = 0;
    for route in route_table() {
        if route.method != "POST" || !matches!(route.access, Access::SignedIn | Access::Tenant) {
            continue;
        }
        let path = concrete_path(&app, &route.path).await;
        let reply = app
            .post_as(
                &path,
                &forged,
                &[("version", "1"), ("name", "x"), ("bestaetigt", "1")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "POST {}", route.path);
        walked += 1;
    }
    assert!(walked > 30, "{walked} form posts");
    let (_, after) = app.store.audit_of_tenant(&t("goslar"), 0, 1).await.unwrap();
    assert_eq!(after, before, "nothing changed");
    // The session survived: a forged post does not sign anyone out.
    assert_eq!(
        app.get_as("/admin/goslar/", &admin).await.status,
        StatusCode::OK
    );
}

async fn roles_decide_what_can_be_changed(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    app.user("lesen@goslar.example", &[("goslar", Role::ReadOnly)])
        .await;
    app.user("presse@goslar.example", &[("goslar", Role::PressOfficer)])
        .await;
    let reader = app.signed_in("lesen@goslar.example").await;
    let page = app
        .get_as("/admin/goslar/partnerschaften/goslar-trebnitz", &reader)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Nur Ansicht"));
    assert!(!page.text.contains("class=\"record-form\" novalidate"));
    assert!(!page.text.contains("Speichern"));
    let list = app.get_as("/admin/goslar/partnerschaften/", &reader).await;
    assert!(!list.text.contains("Neu anlegen"));
    let refused = app
        .post_as(
            "/admin/goslar/partnerschaften/goslar-trebnitz",
            &reader,
            &[("version", "1"), ("category", "friendship")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // The press office keeps channels, not partnerships.
    let press = app.signed_in("presse@goslar.example").await;
    let refused = app
        .post_as(
            "/admin/goslar/partnerschaften/goslar-trebnitz/loeschen",
            &press,
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(app
        .store
        .get::<Partnership>(None, "goslar-trebnitz")
        .await
        .unwrap()
        .is_some());
    // A partnership of another district is not Goslar's to see here.
    let other = app
        .get_as("/admin/goslar/partnerschaften/harz-iasi", &reader)
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

async fn second_save_of_the_same_record_is_refused_and_shows_the_first(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    app.user(
        "anna@goslar.example",
        &[("goslar", Role::PartnershipCoordinator)],
    )
    .await;
    app.user(
        "bernd@goslar.example",
        &[("goslar", Role::PartnershipCoordinator)],
    )
    .await;
    let anna = app.signed_in("anna@goslar.example").await;
    let bernd = app.signed_in("bernd@goslar.example").await;
    let path = "/admin/goslar/partnerschaften/goslar-trebnitz";
    // Both open the form.
    let mut annas = form_fields(&app.get_as(path, &anna).await.text);
    let mut bernds = form_fields(&app.get_as(path, &bernd).await.text);
    set(&mut annas, "description", "Von Anna ergänzt.");
    let saved = post_fields(&app, path, &anna, &annas).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    set(&mut bernds, "description", "Von Bernd ergänzt.");
    let refused = post_fields(&app, path, &bernd, &bernds).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let page = text(&refused.text);
    assert!(
        page.contains("Nicht gespeichert: anna@goslar.example hat diesen Datensatz"),
        "{page}"
    );
    assert!(
        page.contains("Von Anna ergänzt."),
        "the other change is shown"
    );
    assert!(page.contains("Von Bernd ergänzt."), "the own input is kept");
    let stored = app
        .store
        .fetch::<Partnership>(None, "goslar-trebnitz")
        .await
        .unwrap();
    assert_eq!(
        stored.record.description.as_deref(),
        Some("Von Anna ergänzt.")
    );
    // Saving again, having seen Anna's change, is Bernd's decision.
    let again = form_fields(&refused.text);
    let saved = post_fields(&app, path, &bernd, &again).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let stored = app
        .store
        .fetch::<Partnership>(None, "goslar-trebnitz")
        .await
        .unwrap();
    assert_eq!(
        stored.record.description.as_deref(),
        Some("Von Bernd ergänzt.")
    );
}

async fn edits_are_validated_audited_and_reach_the_public_page(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    app.user(
        "anna@goslar.example",
        &[("goslar", Role::PartnershipCoordinator)],
    )
    .await;
    let anna = app.signed_in("anna@goslar.example").await;
    let path = "/admin/goslar/partnerschaften/goslar-trebnitz";
    let mut fields = form_fields(&app.get_as(path, &anna).await.text);
    let n = fields
        .iter()
        .filter(|(k, _)| k.starts_with("timeline.") && k.ends_with(".kind"))
        .count();
    let new_row = n - 1; // the blank row for a new event
                         // A date the model cannot hold: refused, with the message at the field.
    set(&mut fields, &format!("timeline.{new_row}.date"), "3.7.14");
    set(
        &mut fields,
        &format!("timeline.{new_row}.kind"),
        "council_resolution",
    );
    set(
        &mut fields,
        &format!("timeline.{new_row}.note"),
        "Kreistag bestätigt die Partnerschaft",
    );
    let refused = post_fields(&app, path, &anna, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(&refused.text);
    assert!(page.contains("Ungültiges Datum „3.7.14“"), "{page}");
    assert!(
        page.contains("Kreistag bestätigt die Partnerschaft"),
        "input kept"
    );
    set(&mut fields, &format!("timeline.{new_row}.date"), "3.7.2014");
    let saved = post_fields(&app, path, &anna, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let stored = app
        .store
        .get::<Partnership>(None, "goslar-trebnitz")
        .await
        .unwrap()
        .unwrap();
    assert!(
        stored
            .record
            .timeline
            .iter()
            .any(|e| e.date.map(|d| d.to_string()).as_deref() == Some("2014-07-03")),
        "the German date is stored as the day it names"
    );
    // The log narrowed to one person, one record, one period.
    app.user("ben@goslar.example", &[("goslar", Role::Administrator)])
        .await;
    let ben = app.signed_in("ben@goslar.example").await;
    let hers = text(
        &app.get_as("/admin/goslar/protokoll?person=anna%40goslar.example", &ben)
            .await
            .text,
    );
    assert!(hers.contains("1 Eintrag gefunden"), "{hers}");
    let record = text(
        &app.get_as(
            "/admin/goslar/protokoll?art=partnerschaften&datensatz=goslar-trebnitz",
            &ben,
        )
        .await
        .text,
    );
    assert!(
        record.contains("Nur Änderungen an Partnerschaft „Landkreis Goslar – Landkreis Trebnitz“")
    );
    assert!(record.contains("Chronik"), "{record}");
    let later = text(
        &app.get_as("/admin/goslar/protokoll?von=2099-01-01", &ben)
            .await
            .text,
    );
    assert!(later.contains("0 Einträge gefunden"), "{later}");
    let other = text(
        &app.get_as(
            "/admin/goslar/protokoll?art=gebiete&person=anna%40goslar.example",
            &ben,
        )
        .await
        .text,
    );
    assert!(other.contains("0 Einträge gefunden"), "{other}");
    let public = text(
        &app.get("/goslar/partnerschaften/goslar-trebnitz")
            .await
            .text,
    );
    assert!(public.contains("Kreistag bestätigt die Partnerschaft"));
    // Who did it, with before and after, per record and per tenant.
    let log = app
        .store
        .audit_of_record(Kind::Partnership, None, "goslar-trebnitz")
        .await
        .unwrap();
    assert_eq!(log[0].actor, "anna@goslar.example");
    assert_eq!(log[0].tenant, "goslar");
    let before = log[0].before.as_ref().unwrap()["timeline"]
        .as_array()
        .unwrap()
        .len();
    let after = log[0].after.as_ref().unwrap()["timeline"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, before + 1);
    let record_page = text(&app.get_as(path, &anna).await.text);
    assert!(record_page.contains("Verlauf"));
    assert!(record_page.contains("anna@goslar.example"));
    let audit = text(&app.get_as("/admin/goslar/protokoll", &anna).await.text);
    assert!(
        audit.contains("Partnerschaft „Landkreis Goslar – Landkreis Trebnitz“</a> geändert"),
        "{audit}"
    );
    assert!(
        !audit.contains("<code>topics"),
        "unchanged topics are no change"
    );
    assert!(audit.contains("Kreistag bestätigt die Partnerschaft"));
    // Creating with a taken slug keeps the input and says why.
    let taken = app
        .post_as(
            "/admin/goslar/organisationen/neu",
            &anna,
            &[
                ("slug", &first_slug(&app, Kind::Organisation).await),
                ("name", "Neuer Verein"),
                ("kind", "association"),
            ],
        )
        .await;
    assert_eq!(
        taken.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        taken.text
    );
    assert!(text(&taken.text).contains("ist schon vergeben"));
    assert!(taken.text.contains("Neuer Verein"));
}

async fn doubts_are_resolved_one_by_one(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    app.user(
        "koordination@harz.example",
        &[("harz", Role::PartnershipCoordinator)],
    )
    .await;
    let session = app.signed_in("koordination@harz.example").await;
    let list = app
        .get_as("/admin/harz/gebiete/?hinweise=1", &session)
        .await;
    assert_eq!(list.status, StatusCode::OK);
    let list = text(&list.text);
    let row = "<td class=\"kern-table__cell\"><a class=\"kern-link\" href=\"";
    let href_at = list.find(row).expect("a region with doubts");
    let rest = &list[href_at + row.len()..];
    let href = rest[..rest.find('"').unwrap()].to_owned();
    let slug = href.rsplit('/').next().unwrap().to_owned();
    let before = app
        .store
        .fetch::<kreiskom_core::Region>(None, &slug)
        .await
        .unwrap();
    let n = before.record.doubts.len();
    assert!(n > 0);
    let page = app.get_as(&href, &session).await;
    assert!(page.text.contains("Als geklärt markieren"));
    let done = app
        .post_as(
            &format!("{href}/hinweise/0/erledigt"),
            &session,
            &[("version", &before.version.to_string())],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let after = app
        .store
        .fetch::<kreiskom_core::Region>(None, &slug)
        .await
        .unwrap();
    assert_eq!(after.record.doubts.len(), n - 1);
    assert_eq!(after.record.doubts[..], before.record.doubts[1..]);
    let log = app
        .store
        .audit_of_record(Kind::Region, None, &slug)
        .await
        .unwrap();
    assert_eq!(log[0].actor, "koordination@harz.example");
}

async fn lists_filter_and_paginate(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    app.user("lesen@harz.example", &[("harz", Role::ReadOnly)])
        .await;
    let s = app.signed_in("lesen@harz.example").await;
    let all = app.get_as("/admin/harz/gebiete/", &s).await.text;
    let total: usize = all
        .split("role=\"status\">")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(total > 25, "Harz looks after {total} regions");
    let rows = |html: &str| html.matches("<tr class=\"kern-table__row\"><td").count();
    assert_eq!(rows(&all), total.min(50));
    // 50 to a page: 60 more units make two.
    let permit = kreiskom_core::Actor::operator("test")
        .permit(&t("harz"), Kind::Unit)
        .unwrap();
    for i in 0..60 {
        let unit: Unit = serde_json::from_value(
            json!({"slug": format!("e-{i:02}"), "name": format!("Einheit {i:02}")}),
        )
        .unwrap();
        app.store
            .create(&permit, Some(&t("harz")), unit)
            .await
            .unwrap();
    }
    let units = app.get_as("/admin/harz/einheiten/", &s).await.text;
    let n: usize = units
        .split("role=\"status\">")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(units.contains(&format!("Seite 1 von {}", n.div_ceil(50))));
    assert_eq!(rows(&units), 50);
    let second = app.get_as("/admin/harz/einheiten/?seite=2", &s).await.text;
    assert_eq!(rows(&second), (n - 50).min(50));
    let found = app.get_as("/admin/harz/gebiete/?q=osterw", &s).await.text;
    assert!(found.contains("Osterwieck"));
    assert!(!found.contains("Halberstadt</a>"));
    // Sorted by country (the second of the kind's columns), both ways.
    let countries = |html: &str| -> Vec<String> {
        html.split("<tr class=\"kern-table__row\"><td")
            .skip(1)
            .map(|row| {
                row.split("<td class=\"kern-table__cell\">")
                    .nth(2)
                    .and_then(|c| c.split('<').next())
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    };
    let up = countries(
        &app.get_as("/admin/harz/gebiete/?sortierung=1", &s)
            .await
            .text,
    );
    let down = countries(
        &app.get_as("/admin/harz/gebiete/?sortierung=1&richtung=ab", &s)
            .await
            .text,
    );
    assert_eq!(up.first().map(String::as_str), Some("Dänemark"), "{up:?}");
    assert_eq!(
        down.first().map(String::as_str),
        Some("Vietnam"),
        "{down:?}"
    );
    // The dashboard points the coordinator at what needs attention, and
    // spares the read-only account tasks it cannot do.
    let dashboard = app.get_as("/admin/harz/", &s).await.text;
    assert!(!dashboard.contains("offene Hinweise zu den Daten"));
    app.user(
        "koordination@harz.example",
        &[("harz", Role::PartnershipCoordinator)],
    )
    .await;
    let k = app.signed_in("koordination@harz.example").await;
    let dashboard = app.get_as("/admin/harz/", &k).await.text;
    assert!(dashboard.contains("offene Hinweise zu den Daten"));
}

async fn api_writes_check_roles_too(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    app.user("web@goslar.example", &[("goslar", Role::WebEditor)])
        .await;
    let s = app.signed_in("web@goslar.example").await;
    let headers = |csrf: &str| {
        vec![
            ("cookie".to_owned(), s.cookie.clone()),
            ("x-csrf-token".to_owned(), csrf.to_owned()),
            ("content-type".to_owned(), "application/json".to_owned()),
        ]
    };
    let unit = r#"{"slug": "neue-stelle", "name": "Neue Stelle"}"#;
    let h = headers(&s.csrf);
    let h: Vec<(&str, &str)> = h.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let created = app
        .request(
            "POST",
            "/api/v1/tenants/goslar/units",
            Some(unit),
            &h,
            false,
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let foreign = app
        .request("POST", "/api/v1/tenants/harz/units", Some(unit), &h, false)
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    let partnership = app.get("/api/v1/partnerships/goslar-trebnitz").await.text;
    let not_theirs = app
        .request(
            "PUT",
            "/api/v1/partnerships/goslar-trebnitz",
            Some(&partnership),
            &h,
            false,
        )
        .await;
    assert_eq!(
        not_theirs.status,
        StatusCode::FORBIDDEN,
        "web editors keep no partnerships"
    );
    // The operator's token still may do everything, and is logged as such.
    let by_token = app
        .write(
            "DELETE",
            "/api/v1/tenants/goslar/units/neue-stelle",
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(by_token.status, StatusCode::NO_CONTENT);
    let log = app
        .store
        .audit_of_record(Kind::Unit, Some(&t("goslar")), "neue-stelle")
        .await
        .unwrap();
    assert_eq!(
        log.iter().map(|e| e.actor.as_str()).collect::<Vec<_>>(),
        ["api-token", "web@goslar.example"]
    );
}

async fn records_are_linked_by_picking_their_titles(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    app.user(
        "partner@goslar.example",
        &[("goslar", Role::PartnershipCoordinator)],
    )
    .await;
    let s = app.signed_in("partner@goslar.example").await;
    let path = "/admin/goslar/aktivitaeten/neu";
    let form = app.get_as(path, &s).await;
    assert_eq!(form.status, StatusCode::OK);
    let html = text(&form.text);
    // Goslar's one partnership is a box named by its partners …
    assert!(
        html.contains(r#"name="partnerships" value="goslar-trebnitz""#),
        "{html}"
    );
    assert!(
        html.contains("Landkreis Goslar – Landkreis Trebnitz"),
        "{html}"
    );
    // … regions come from a list by their names, not typed as slugs.
    let region = &html[html.find(r#"name="regions.0""#).unwrap()..];
    let region = &region[..region.find("</select>").expect("a select")];
    assert!(
        region.contains(r#"<option value="powiat-trzebnicki">Landkreis Trebnitz</option>"#),
        "{region}"
    );
    assert!(!html.contains("Kennung des verknüpften Datensatzes"));

    let mut fields = form_fields(&form.text);
    set(&mut fields, "title", "Jugendbegegnung in Trzebnica");
    set(&mut fields, "kind", "youth_exchange");
    set(&mut fields, "regions.0", "powiat-trzebnicki");
    fields.push(("partnerships".into(), "goslar-trebnitz".into()));
    let saved = post_fields(&app, path, &s, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let stored = app
        .store
        .get::<kreiskom_core::Activity>(Some(&t("goslar")), "jugendbegegnung-in-trzebnica")
        .await
        .unwrap()
        .expect("saved under a slug from its title")
        .record;
    assert_eq!(stored.partnerships[0].as_str(), "goslar-trebnitz");
    assert_eq!(stored.regions.len(), 1);
    assert_eq!(stored.regions[0].as_str(), "powiat-trzebnicki");

    // The edit page shows the picks; unticking the box unlinks it.
    let edit = "/admin/goslar/aktivitaeten/jugendbegegnung-in-trzebnica";
    let page = app.get_as(edit, &s).await;
    let mut fields = form_fields(&page.text);
    assert!(fields.contains(&("partnerships".into(), "goslar-trebnitz".into())));
    assert!(fields.contains(&("regions.0".into(), "powiat-trzebnicki".into())));
    fields.retain(|(k, _)| k != "partnerships");
    let saved = post_fields(&app, edit, &s, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let stored = app
        .store
        .get::<kreiskom_core::Activity>(Some(&t("goslar")), "jugendbegegnung-in-trzebnica")
        .await
        .unwrap()
        .unwrap()
        .record;
    assert!(stored.partnerships.is_empty());
    assert_eq!(stored.regions.len(), 1, "the region stays");
}

async fn pickers_suggest_records_while_typing(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    app.user(
        "partner@goslar.example",
        &[("goslar", Role::PartnershipCoordinator)],
    )
    .await;
    app.user("presse@goslar.example", &[("goslar", Role::PressOfficer)])
        .await;
    let s = app.signed_in("partner@goslar.example").await;
    // htmx sends the field's own name with what was typed.
    let typed = app
        .get_as("/admin/goslar/auswahl/gebiete?regions.0=trebn", &s)
        .await;
    assert_eq!(typed.status, StatusCode::OK);
    assert!(typed.header("content-type").starts_with("text/html"));
    assert!(
        typed
            .text
            .contains(r#"<option value="powiat-trzebnicki">Landkreis Trebnitz</option>"#),
        "{}",
        typed.text
    );
    assert!(!typed.text.contains("Landkreis Goslar"), "{}", typed.text);
    // Without its diacritics, as people type on a German keyboard.
    let folded = app
        .get_as("/admin/goslar/auswahl/gebiete?regions.0=Iasi", &s)
        .await;
    assert!(folded.text.contains("Kreis Iași"), "{}", folded.text);
    // Nothing typed: the first few, never the whole table.
    let all = app
        .get_as("/admin/goslar/auswahl/gebiete?regions.0=", &s)
        .await;
    let count = all.text.matches("<option").count();
    assert!((1..=50).contains(&count), "{count}");
    // The offer is kept between keystrokes, yet a region added since is
    // offered at the next one.
    let region: kreiskom_core::Region = serde_json::from_value(json!({
        "slug": "trebnitzer-land", "kind": "municipality", "country": "PL",
        "names": [{"lang": "de", "name": "Trebnitzer Land"}]
    }))
    .unwrap();
    let permit = kreiskom_core::Actor::operator("test")
        .permit(&t("goslar"), Kind::Region)
        .unwrap();
    app.store.create(&permit, None, region).await.unwrap();
    let again = app
        .get_as("/admin/goslar/auswahl/gebiete?regions.0=trebn", &s)
        .await;
    assert!(
        again
            .text
            .contains(r#"<option value="trebnitzer-land">Trebnitzer Land</option>"#),
        "{}",
        again.text
    );
    // What the role may not read is not offered; unknown kinds are no page.
    assert_eq!(
        app.get_as("/admin/goslar/auswahl/medienkontakte?journalist=e", &s)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let press = app.signed_in("presse@goslar.example").await;
    let journalists = app
        .get_as(
            "/admin/goslar/auswahl/medienkontakte?journalist=erika",
            &press,
        )
        .await;
    assert!(
        journalists.text.contains("erika-beispiel"),
        "{}",
        journalists.text
    );
    assert_eq!(
        app.get_as("/admin/goslar/auswahl/gibtsnicht?x=1", &s)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

kreiskom_testkit::on_both_backends!(
    pickers_suggest_records_while_typing,
    records_are_linked_by_picking_their_titles,
    sign_in_out_and_the_one_time_password,
    a_new_password_ends_every_other_session,
    a_record_page_shows_its_latest_changes_and_points_to_the_log,
    journalists_and_inquiries_are_for_the_press_office_only,
    over_https_cookies_are_secure_and_browsers_are_told_to_stay,
    repeated_failures_lock_the_account_for_a_while,
    forms_without_the_session_csrf_token_are_refused,
    every_route_refuses_strangers,
    every_form_post_needs_the_session_token,
    roles_decide_what_can_be_changed,
    second_save_of_the_same_record_is_refused_and_shows_the_first,
    edits_are_validated_audited_and_reach_the_public_page,
    doubts_are_resolved_one_by_one,
    lists_filter_and_paginate,
    api_writes_check_roles_too,
);

/// A district named like one of the site's own first path segments could
/// not be reached; core refuses those slugs, and this keeps its list whole.
#[test]
fn every_address_of_the_site_is_a_slug_no_district_may_take() {
    let mut own: Vec<String> = route_table()
        .iter()
        .filter_map(|r| {
            r.path
                .trim_start_matches('/')
                .split('/')
                .next()
                .map(str::to_owned)
        })
        .filter(|first| !first.is_empty() && !first.starts_with('{') && !first.contains('.'))
        .collect();
    own.sort();
    own.dedup();
    assert!(own.contains(&"netzwerk".to_owned()), "{own:?}");
    for first in &own {
        assert!(
            kreiskom_core::RESERVED_TENANT_SLUGS.contains(&first.as_str()),
            "/{first} is missing from RESERVED_TENANT_SLUGS"
        );
    }
}
