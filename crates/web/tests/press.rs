//! The newsroom over HTTP: workflow permissions, the embargo on every
//! public surface, feed and calendar read by real parsers (Python
//! feedparser and icalendar), and mail through a real SMTP server
//! (aiosmtpd), on SQLite and PostgreSQL.

mod common;

use std::sync::atomic::Ordering;

use axum::http::StatusCode;
use common::{app, day, newsroom_people, App, PublicForm};
use kreiskom_core::{Actor, Journalist, Kind, PressRelease, Role, TenantSlug};
use serde_json::{json, Value};

fn goslar() -> TenantSlug {
    TenantSlug::parse("goslar").unwrap()
}

async fn embargoed_release(app: &App) {
    let release: PressRelease = serde_json::from_value(json!({
        "slug": "partnerschaftswoche",
        "title": "Partnerschaftswoche mit Trebnitz",
        "body": "Eine Woche voller **Begegnungen**.",
        "embargo": "2026-11-23T13:00",
        "partnership": "goslar-trebnitz",
        "appointment": {
            "start": "2026-11-30T10:00",
            "room": "Raum 101",
            "address": {"street": "Klubgartenstraße 6", "postal_code": "38640", "city": "Goslar"},
            "available": "der Landrat"
        }
    }))
    .unwrap();
    let permit = Actor::operator("test")
        .operator_permit(Kind::PressRelease)
        .unwrap();
    app.store
        .create(&permit, Some(&goslar()), release)
        .await
        .unwrap();
}

const BASE: &str = "/admin/goslar/pressemitteilungen/partnerschaftswoche";

async fn workflow_needs_a_second_person_with_the_approver_role(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    newsroom_people(&app).await;
    embargoed_release(&app).await;
    let press = app.signed_in("presse@goslar.example").await;
    let head = app.signed_in("landrat@goslar.example").await;
    let page = app.get_as(BASE, &head).await;
    assert!(!page.text.contains("/freigeben"), "nothing to approve yet");
    let r = app.post_as(&format!("{BASE}/einreichen"), &head, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the head does not write");
    let r = app
        .post_as(&format!("{BASE}/einreichen"), &press, &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.post_as(&format!("{BASE}/freigeben"), &press, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text.contains("Freigeben darf nur"), "{}", r.text);
    let page = app.get_as(BASE, &head).await;
    assert!(page.text.contains("Zur Freigabe eingereicht"));
    let r = app.post_as(&format!("{BASE}/freigeben"), &head, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.get_as(BASE, &press).await.text;
    assert!(page.contains("Nr. 1/26"), "{page}");
    assert!(page.contains("Sperrfrist läuft"));
    // Approved texts are locked, also against a hand-made form post.
    let r = app.post_as(&format!("{BASE}/loeschen"), &press, &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

async fn who_submitted_may_not_approve_even_with_both_roles(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    newsroom_people(&app).await;
    app.user(
        "beides@goslar.example",
        &[
            ("goslar", Role::PressOfficer),
            ("goslar", Role::HeadOfAdministration),
        ],
    )
    .await;
    embargoed_release(&app).await;
    let both = app.signed_in("beides@goslar.example").await;
    let r = app.post_as(&format!("{BASE}/einreichen"), &both, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.get_as(BASE, &both).await.text;
    assert!(
        !page.contains("/freigeben"),
        "no approve button for the submitter"
    );
    let r = app.post_as(&format!("{BASE}/freigeben"), &both, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text.contains("Vier-Augen-Prinzip"), "{}", r.text);
    let stored = app
        .store
        .get::<PressRelease>(
            Some(&TenantSlug::parse("goslar").unwrap()),
            "partnerschaftswoche",
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.record.workflow.number, None, "not numbered");
    // Another person with the role may.
    let head = app.signed_in("landrat@goslar.example").await;
    let r = app.post_as(&format!("{BASE}/freigeben"), &head, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

/// Every public surface of the release, with what shows it there: the
/// sitemap lists it by its number's URL, the others by its title.
async fn surfaces(app: &App) -> Vec<(&'static str, StatusCode, String, &'static str)> {
    let mut out = Vec::new();
    for (name, path, marker) in [
        ("Archiv", "/goslar/presse", TITLE),
        ("Seite", "/goslar/presse/2026/1", TITLE),
        ("Text", "/goslar/presse/2026/1/text", TITLE),
        ("Feed", "/goslar/presse/feed.atom", TITLE),
        ("Kalender", "/goslar/termine.ics", TITLE),
        ("Sitemap", "/goslar/sitemap.xml", "/goslar/presse/2026/1"),
    ] {
        let r = app.get(path).await;
        out.push((name, r.status, r.text, marker));
    }
    out
}

const TITLE: &str = "Partnerschaftswoche mit Trebnitz";

async fn embargo_keeps_a_release_off_every_surface_until_the_second(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    newsroom_people(&app).await;
    embargoed_release(&app).await;
    let press = app.signed_in("presse@goslar.example").await;
    let head = app.signed_in("landrat@goslar.example").await;
    app.post_as(&format!("{BASE}/einreichen"), &press, &[])
        .await;
    let r = app.post_as(&format!("{BASE}/freigeben"), &head, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    for at in ["2026-11-23T12:00", "2026-11-23T12:59"] {
        app.set_clock(at);
        app.later.fetch_add(59, Ordering::SeqCst); // 12:59:59 at the latest
        for (name, status, text, _) in surfaces(&app).await {
            for trace in [TITLE, "partnerschaftswoche", "/goslar/presse/2026/1"] {
                assert!(!text.contains(trace), "{name} shows {trace} at {at}");
            }
            if name == "Seite" || name == "Text" {
                assert_eq!(status, StatusCode::NOT_FOUND, "{name} at {at}");
            } else {
                assert_eq!(status, StatusCode::OK, "{name} at {at}");
            }
        }
    }
    app.set_clock("2026-11-23T13:00");
    let now = surfaces(&app).await;
    for (name, status, text, marker) in &now {
        assert_eq!(*status, StatusCode::OK, "{name}");
        assert!(
            text.contains(marker),
            "{name} misses the release once the embargo has passed"
        );
    }
    // Press releases are never read through the generic API, before or after.
    for path in [
        "/api/v1/tenants/goslar/press_releases",
        "/api/v1/tenants/goslar/press_releases/partnerschaftswoche",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let page = &now[1].2;
    assert!(page.contains("\"@type\":\"NewsArticle\""));
    assert!(page.contains("\"@type\":\"Event\""));
    assert!(page.contains("Nr. 1/26"));
    let text = &now[2].2;
    assert!(
        text.contains("Pressetermin: Montag, 30.11.2026, 10:00 Uhr"),
        "{text}"
    );

    // After a restart (a new server on the same database) it is still there.
    drop(app);
    let again = common::app(url, false, day(2026, 11, 23)).await;
    again.set_clock("2026-11-23T13:00");
    assert_eq!(
        again.get("/goslar/presse/2026/1").await.status,
        StatusCode::OK
    );

    let Some(python) = kreiskom_testkit::python() else {
        return;
    };
    let feed = &now[3].2;
    let parsed = kreiskom_testkit::run_python(
        &python,
        "import sys, json, feedparser\n\
         f = feedparser.parse(sys.stdin.read())\n\
         print(json.dumps({'bozo': f.bozo, 'version': f.version, 'title': f.feed.title,\n\
           'entries': [{'title': e.title, 'link': e.link, 'published': e.published, 'content': e.content[0].value} for e in f.entries]}))",
        feed,
    );
    let parsed: Value = serde_json::from_str(&parsed).unwrap();
    assert_eq!(parsed["bozo"], false, "feed is well-formed: {feed}");
    assert_eq!(parsed["version"], "atom10");
    let entry = &parsed["entries"][0];
    assert_eq!(entry["title"], "Nr. 1/26: Partnerschaftswoche mit Trebnitz");
    assert!(entry["link"]
        .as_str()
        .unwrap()
        .ends_with("/goslar/presse/2026/1"));
    assert!(entry["content"]
        .as_str()
        .unwrap()
        .contains("<strong>Begegnungen</strong>"));

    let ics = &now[4].2;
    let parsed = kreiskom_testkit::run_python(
        &python,
        "import sys, json, icalendar\n\
         c = icalendar.Calendar.from_ical(sys.stdin.read())\n\
         print(json.dumps([{'summary': str(e['SUMMARY']), 'start': e.decoded('DTSTART').isoformat(),\n\
           'location': str(e['LOCATION']), 'uid': str(e['UID'])} for e in c.walk('VEVENT')]))",
        ics,
    );
    let events: Value = serde_json::from_str(&parsed).unwrap();
    let event = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["summary"]
                .as_str()
                .unwrap()
                .contains("Partnerschaftswoche")
        })
        .unwrap_or_else(|| panic!("no event in {ics}"));
    assert_eq!(event["start"], "2026-11-30T09:00:00+00:00");
    assert_eq!(
        event["location"],
        "Raum 101, Klubgartenstraße 6, 38640 Goslar"
    );
}

async fn a_withdrawn_release_leaves_every_surface_and_keeps_its_number(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    newsroom_people(&app).await;
    app.user("lesen@goslar.example", &[("goslar", Role::ReadOnly)])
        .await;
    embargoed_release(&app).await;
    let press = app.signed_in("presse@goslar.example").await;
    let head = app.signed_in("landrat@goslar.example").await;
    let reader = app.signed_in("lesen@goslar.example").await;
    app.post_as(&format!("{BASE}/einreichen"), &press, &[])
        .await;
    app.post_as(&format!("{BASE}/freigeben"), &head, &[]).await;
    app.set_clock("2026-11-23T13:00");
    assert!(app.get("/goslar/presse").await.text.contains(TITLE));
    let found = app
        .get("/api/v1/tenants/goslar/search?q=Partnerschaftswoche")
        .await
        .json();
    assert_eq!(found["total"], 1);
    // The page offers it with a field for the reason.
    let page = app.get_as(BASE, &press).await.text;
    assert!(page.contains("/zurueckziehen") && page.contains("Grund des Zurückziehens"));

    let r = app
        .post_as(&format!("{BASE}/zurueckziehen"), &reader, &[("grund", "x")])
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the read-only role may not"
    );
    let r = app
        .post_as(&format!("{BASE}/zurueckziehen"), &press, &[("grund", " ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text
            .contains("warum die Pressemitteilung zurückgezogen wird"),
        "{}",
        r.text
    );
    app.later.fetch_add(600, Ordering::SeqCst);
    let r = app
        .post_as(
            &format!("{BASE}/zurueckziehen"),
            &press,
            &[("grund", "Die Partnerschaftswoche wurde abgesagt.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    for (name, status, text, _) in surfaces(&app).await {
        assert!(!text.contains(TITLE), "{name} still shows the release");
        match name {
            "Seite" => assert_eq!(status, StatusCode::GONE),
            "Text" => assert_eq!(status, StatusCode::NOT_FOUND),
            _ => assert_eq!(status, StatusCode::OK, "{name}"),
        }
    }
    let found = app
        .get("/api/v1/tenants/goslar/search?q=Partnerschaftswoche")
        .await
        .json();
    assert_eq!(found["total"], 0, "search neither: {found}");
    // Its address says what happened, without the withdrawn text.
    let gone = app.get("/goslar/presse/2026/1").await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(
        gone.text
            .contains("Die Pressemitteilung Nr. 1/26 wurde am 23.11.2026 zurückgezogen."),
        "{}",
        gone.text
    );
    assert!(!gone.text.contains(TITLE) && !gone.text.contains("abgesagt"));
    let page = app.get_as(BASE, &head).await.text;
    assert!(page.contains("Stand: Zurückgezogen"), "{page}");
    assert!(page.contains("Die Partnerschaftswoche wurde abgesagt."));
    assert!(page.contains("Nr. 1/26"), "the number stays with it");
    assert!(!page.contains("/zurueckziehen\""), "once only");
    let log = app.get_as("/admin/goslar/protokoll", &head).await.text;
    assert!(log.contains("zurückgezogen"), "{log}");
}

async fn inquiries_from_the_public_form_reach_the_dashboard(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    newsroom_people(&app).await;
    let form = app.get("/goslar/presse/anfrage").await;
    assert_eq!(form.status, StatusCode::OK);
    let inquiry = PublicForm::of(&form, "/goslar/presse/anfrage");
    // Missing question and a bad deadline: nothing stored, input kept.
    let bad = inquiry
        .send(
            &app,
            &[
                ("journalist", "Max Muster"),
                ("email", "max@radio.example"),
                ("deadline", "morgen"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("Ungültige Zeitangabe"));
    assert!(bad.text.contains("Max Muster"));
    let ok = inquiry
        .send(
            &app,
            &[
                ("journalist", "Max Muster"),
                ("medium", "Radio Beispiel"),
                ("email", "max@radio.example"),
                ("question", "Wie viele Schulen nehmen am Austausch teil?"),
                ("deadline", "2026-11-23T16:00"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    let press = app.signed_in("presse@goslar.example").await;
    let dash = app.get_as("/admin/goslar/", &press).await;
    assert!(dash.text.contains("Max Muster"), "{}", dash.text);
    assert!(dash.text.contains("heute fällig bis 23.11.2026, 16:00 Uhr"));
    // The demo's inquiry from March 2022 is overdue.
    assert!(dash.text.contains("überfällig seit 15.03.2022, 12:00 Uhr"));
    // Without the form's cookie the post is refused.
    let forged = app
        .request(
            "POST",
            "/goslar/presse/anfrage",
            Some("csrf=x&journalist=A&email=a%40b.de&question=Q"),
            &[("content-type", "application/x-www-form-urlencoded")],
            false,
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

async fn the_inquiry_form_cannot_be_flooded(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let inquiry = PublicForm::open(&app, "/goslar/presse/anfrage").await;
    let post = |email: String| {
        let inquiry = &inquiry;
        let app = &app;
        async move {
            inquiry
                .send(
                    app,
                    &[
                        ("journalist", "Max Muster"),
                        ("email", &email),
                        ("question", "Wie viele Schulen nehmen teil?"),
                    ],
                )
                .await
                .status
        }
    };
    let stored = || async {
        app.store
            .records::<kreiskom_core::PressInquiry>(Some(&TenantSlug::parse("goslar").unwrap()))
            .await
            .unwrap()
            .len()
    };
    let before = stored().await;
    // One address: three at once, then it must wait.
    for _ in 0..3 {
        assert_eq!(post("max@radio.example".into()).await, StatusCode::CREATED);
    }
    assert_eq!(
        post("MAX@radio.example".into()).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // One client under new addresses: ten in all, then it must wait.
    let mut statuses = Vec::new();
    for i in 0..8 {
        statuses.push(post(format!("redaktion{i}@zeitung.example")).await);
    }
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        6,
        "{statuses:?}"
    );
    assert_eq!(statuses[6..], [StatusCode::TOO_MANY_REQUESTS; 2]);
    assert_eq!(stored().await, before + 9, "refused ones are not stored");
}

/// A mailer to the test's own mail server.
fn mailer_for(smtp: &kreiskom_testkit::SmtpServer) -> kreiskom_channels::smtp::Mailer {
    kreiskom_channels::smtp::Mailer::new(&kreiskom_channels::smtp::SmtpSettings {
        host: "127.0.0.1".into(),
        port: smtp.port,
        security: kreiskom_channels::smtp::Security::None,
        username: None,
        password: None,
        from: "presse@landkreis-goslar.example".into(),
        connections: 2,
        ca_pem: None,
    })
    .unwrap()
}

async fn release_mail_reaches_each_recipient_once(url: &str) {
    let Some(python) = kreiskom_testkit::python() else {
        return;
    };
    let smtp = kreiskom_testkit::SmtpServer::start(&python);
    let mailer = mailer_for(&smtp);
    let app = app(url, true, day(2026, 11, 23)).await;
    newsroom_people(&app).await;
    let op = Actor::operator("test");
    for (slug, mail, lists) in [
        (
            "anna-lokal",
            "anna@lokal.example",
            json!(["regionalpresse"]),
        ),
        (
            "ben-radio",
            "ben@radio.example",
            json!(["partnerschaften", "regionalpresse"]),
        ),
        ("cem-ohne", "cem@ohne.example", json!([])),
    ] {
        let j: Journalist = serde_json::from_value(json!({
            "slug": slug, "name": slug, "email": mail, "mailing_lists": lists, "consent": "2026-01-05"
        }))
        .unwrap();
        app.store
            .create(
                &op.operator_permit(Kind::Journalist).unwrap(),
                Some(&goslar()),
                j,
            )
            .await
            .unwrap();
    }
    // The demo's aid convoy release waits for approval.
    let head = app.signed_in("landrat@goslar.example").await;
    let r = app
        .post_as(
            "/admin/goslar/pressemitteilungen/hilfskonvoi-trebnitz/freigeben",
            &head,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);

    // The outbox runner of `serve` or `kreiskom worker` (a worker killed
    // mid-run is tested in the kreiskom crate); a second run finds nothing.
    let runner = app.runner(Some(mailer));
    let report = runner.run_due().await.unwrap();
    assert_eq!((report.planned, report.delivered), (1, 3), "{report:?}");
    let again = runner.run_due().await.unwrap();
    assert_eq!(again, kreiskom_channels::Report::default());
    // The release's page in the workspace reports the mailing.
    let page = app
        .get_as(
            "/admin/goslar/pressemitteilungen/hilfskonvoi-trebnitz",
            &head,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("E-Mail-Versand: abgeschlossen"),
        "{}",
        page.text
    );
    assert!(page.text.contains("&lt;anna@lokal.example&gt;"));
    assert_eq!(page.text.matches(">zugestellt<").count(), 3);

    let (state, deliveries) = app
        .store
        .job_of(
            &goslar(),
            &kreiskom_core::ReleaseMail {
                release: "hilfskonvoi-trebnitz".into(),
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(state, kreiskom_store::JobState::Done);
    let expected = [
        "anna@lokal.example",
        "ben@radio.example",
        "erika.beispiel@demo.example",
    ];
    let emails: Vec<&str> = deliveries.iter().map(|d| d.target.as_str()).collect();
    assert_eq!(emails, expected, "one delivery per recipient on the lists");
    let messages = smtp.messages();
    let parsed: Vec<Value> = messages
        .iter()
        .map(|m| {
            let out = kreiskom_testkit::run_python(
                &python,
                "import sys, json, email, email.policy\n\
                 m = email.message_from_string(sys.stdin.read(), policy=email.policy.default)\n\
                 print(json.dumps({'to': m['To'].addresses[0].addr_spec, 'from': str(m['From']),\n\
                   'subject': str(m['Subject']), 'unsubscribe': str(m['List-Unsubscribe']),\n\
                   'post': str(m['List-Unsubscribe-Post']), 'text': m.get_body(('plain',)).get_content(),\n\
                   'html': m.get_body(('html',)).get_content()}))",
                m,
            );
            serde_json::from_str(&out).unwrap()
        })
        .collect();
    for e in expected {
        let received = parsed.iter().filter(|m| m["to"] == e).count();
        assert_eq!(received, 1, "{e} got {received} messages");
    }
    assert!(deliveries
        .iter()
        .all(|d| d.state == kreiskom_store::DeliveryState::Delivered));
    // Each message has its own unsubscribe link, the same in header and text.
    let links: std::collections::BTreeSet<&str> = parsed
        .iter()
        .map(|m| m["unsubscribe"].as_str().unwrap())
        .collect();
    assert_eq!(links.len(), 3);
    let m = &parsed[0];
    assert_eq!(
        m["subject"],
        "Pressemitteilung Nr. 1/26: Hilfskonvoi bringt Spenden aus dem Landkreis Goslar nach Trebnitz"
    );
    assert_eq!(
        m["from"],
        "Landkreis Goslar – Pressestelle <presse@landkreis-goslar.example>"
    );
    assert_eq!(m["post"], "List-Unsubscribe=One-Click");
    assert!(m["text"].as_str().unwrap().contains("15 Personen brachten"));
    assert!(m["html"]
        .as_str()
        .unwrap()
        .contains("<p>15 Personen brachten"));
    let link = m["unsubscribe"]
        .as_str()
        .unwrap()
        .trim_matches(['<', '>'])
        .to_owned();
    assert!(m["text"].as_str().unwrap().contains(&link));
    // One-click unsubscribing (RFC 8058) takes the journalist off every list.
    let path = link.split_once("://").unwrap().1;
    let path = &path[path.find('/').unwrap()..];
    let r = app
        .request(
            "POST",
            path,
            Some("List-Unsubscribe=One-Click"),
            &[("content-type", "application/x-www-form-urlencoded")],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("Sie sind abgemeldet"));
    let who = deliveries
        .iter()
        .find(|d| link.ends_with(&d.token))
        .unwrap();
    let j = app
        .store
        .fetch::<Journalist>(Some(&goslar()), &who.person)
        .await
        .unwrap();
    assert!(j.record.mailing_lists.is_empty());
}

/// A release that asks for it goes out with its letter as a PDF.
async fn the_mailing_carries_the_letter_on_request(url: &str) {
    let Some(python) = kreiskom_testkit::python() else {
        return;
    };
    let smtp = kreiskom_testkit::SmtpServer::start(&python);
    let mailer = mailer_for(&smtp);
    let mut data = common::demo_json();
    let goslar_data = data["tenants"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|t| t["tenant"]["slug"] == "goslar")
        .unwrap();
    let release = goslar_data["press_releases"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["slug"] == "hilfskonvoi-trebnitz")
        .unwrap();
    release["attach_letter"] = json!(true);
    let app = common::app_with_data(
        url,
        Some(serde_json::from_value(data).unwrap()),
        day(2026, 11, 23),
    )
    .await;
    newsroom_people(&app).await;
    let head = app.signed_in("landrat@goslar.example").await;
    let r = app
        .post_as(
            "/admin/goslar/pressemitteilungen/hilfskonvoi-trebnitz/freigeben",
            &head,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let report = app.runner(Some(mailer)).run_due().await.unwrap();
    assert!(report.delivered >= 1, "{report:?}");
    let message = smtp.messages().pop().expect("a message");
    let out = kreiskom_testkit::run_python(
        &python,
        "import sys, json, base64, email, email.policy\n\
         m = email.message_from_string(sys.stdin.read(), policy=email.policy.default)\n\
         a = [p for p in m.iter_attachments()]\n\
         print(json.dumps({'names': [p.get_filename() for p in a], 'types': [p.get_content_type() for p in a],\n\
           'pdf': base64.b64encode(a[0].get_content()).decode(), 'text': m.get_body(('plain',)).get_content()}))",
        &message,
    );
    let parsed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(parsed["types"], json!(["application/pdf"]));
    let name = parsed["names"][0].as_str().unwrap();
    assert!(
        name.starts_with("pressemitteilung-") && name.ends_with(".pdf"),
        "{name}"
    );
    assert!(parsed["text"]
        .as_str()
        .unwrap()
        .contains("Pressemitteilung"));
    use base64::Engine as _;
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(parsed["pdf"].as_str().unwrap())
        .unwrap();
    let text = kreiskom_testkit::Poppler::text(&pdf);
    assert!(text.contains("Landkreis Goslar"), "{text}");
    let number = app
        .store
        .get::<PressRelease>(Some(&goslar()), "hilfskonvoi-trebnitz")
        .await
        .unwrap()
        .unwrap()
        .record
        .workflow
        .number
        .unwrap()
        .to_string();
    assert!(text.contains(&format!("Nr. {number}")), "{text}");
}

kreiskom_testkit::on_both_backends!(
    workflow_needs_a_second_person_with_the_approver_role,
    who_submitted_may_not_approve_even_with_both_roles,
    embargo_keeps_a_release_off_every_surface_until_the_second,
    a_withdrawn_release_leaves_every_surface_and_keeps_its_number,
    inquiries_from_the_public_form_reach_the_dashboard,
    the_inquiry_form_cannot_be_flooded,
    release_mail_reaches_each_recipient_once,
    the_mailing_carries_the_letter_on_request,
);
