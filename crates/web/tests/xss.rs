//! Markup in every free text of the demo, through every output: the site,
//! the press pages, the feed, the sitemap, the workspace and the release
//! mail show it as text and never run it.

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use common::{app_with_data, day, demo_json};
use kreiskom_core::{Dataset, PressRelease, ReleaseState, Role, TenantSlug};
use serde_json::Value;

const PAYLOAD: &str =
    r#" <script>alert(1)</script><img src=x onerror=alert(2)>"'><b onmouseover=alert(3)>x</b>"#;

/// What would run if the payload got through unescaped.
const LIVE: [&str; 3] = ["<script>alert(", "<img src=x onerror", "<b onmouseover"];

/// Free-text fields: everything a person types as words.
const TEXT_KEYS: [&str; 24] = [
    "alt",
    "credit",
    "licence",
    "office",
    "name",
    "title",
    "subtitle",
    "description",
    "note",
    "tasks",
    "purpose",
    "participants",
    "partnership_intro",
    "body",
    "question",
    "answer",
    "contact",
    "room",
    "available",
    "role",
    "medium",
    "source_text",
    "easy_language",
    "notes",
];

fn poison(value: &mut Value, key: Option<&str>) -> usize {
    match value {
        Value::String(s) if key.is_some_and(|k| TEXT_KEYS.contains(&k)) => {
            s.push_str(PAYLOAD);
            1
        }
        // A picture's sizes are file names the upload writes, not text.
        Value::Array(_) if key == Some("variants") => 0,
        Value::Array(items) => items.iter_mut().map(|v| poison(v, key)).sum(),
        Value::Object(fields) => fields
            .iter_mut()
            .map(|(k, v)| poison(v, Some(k.as_str())))
            .sum(),
        _ => 0,
    }
}

fn assert_inert(what: &str, text: &str) {
    for live in LIVE {
        assert!(!text.contains(live), "{what} runs {live}");
    }
}

/// Every link on a page that stays on the site under `prefix`.
fn links(html: &str, prefix: &str) -> BTreeSet<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with(prefix))
        .map(|href| href.split('#').next().unwrap().replace("&amp;", "&"))
        .collect()
}

async fn markup_in_every_text_is_shown_as_text_everywhere(url: &str) {
    let mut data = demo_json();
    let poisoned = poison(&mut data, None);
    assert!(poisoned > 200, "{poisoned} texts");
    let dataset: Dataset = serde_json::from_value(data).unwrap();
    let tenants: Vec<String> = dataset
        .tenants
        .iter()
        .map(|t| t.tenant.slug.to_string())
        .collect();
    let app = app_with_data(url, Some(dataset.clone()), day(2026, 11, 23)).await;

    let mut seen = 0;
    for t in &tenants {
        let mut pages: BTreeSet<String> = [
            format!("/{t}/"),
            format!("/{t}/partnerschaften"),
            format!("/{t}/kommunikation"),
            format!("/{t}/kontakt"),
            format!("/{t}/presse"),
            format!("/{t}/presse/anfrage"),
            format!("/{t}/presse/feed.atom"),
            format!("/{t}/sitemap.xml"),
            // Hits and their snippets hold the texts; the query is echoed.
            format!("/{t}/suche?q=alert+onerror"),
            format!("/{t}/suche?q=%3Cscript%3Ealert(1)%3C/script%3E"),
        ]
        .into();
        for start in [format!("/{t}/partnerschaften"), format!("/{t}/presse")] {
            pages.extend(links(&app.get(&start).await.text, &format!("/{t}/")));
        }
        for page in &pages {
            let reply = app.get(page).await;
            if reply.status != StatusCode::OK {
                continue;
            }
            // Plain text (the agency text, the calendar) has no markup to run.
            if !page.ends_with("/text") && !page.ends_with(".ics") {
                assert_inert(page, &reply.text);
            }
            if page.ends_with("suche?q=alert+onerror") {
                assert!(
                    reply.text.contains("<mark>alert</mark>"),
                    "{page} finds the payloads"
                );
            }
            seen += 1;
        }
    }
    assert!(seen > 60, "{seen} public pages");

    // The static copy holds every public page (content pages, partner
    // languages): none of its files runs the markup either.
    let copy = tempfile::tempdir().unwrap();
    let starts: Vec<String> = tenants
        .iter()
        .map(|t| format!("/{t}/sitemap.xml"))
        .collect();
    let report =
        kreiskom_web::export::export_site(app.router.clone(), copy.path(), &starts, |_, _| {})
            .await
            .unwrap();
    assert!(report.written > 100, "{report:?}");
    fn scan(dir: &std::path::Path, files: &mut usize) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                scan(&p, files);
            } else if p
                .extension()
                .is_some_and(|x| x == "html" || x == "xml" || x == "atom")
            {
                assert_inert(
                    &p.display().to_string(),
                    &std::fs::read_to_string(&p).unwrap(),
                );
                *files += 1;
            }
        }
    }
    let mut files = 0;
    scan(copy.path(), &mut files);
    assert!(files > 100, "{files} files of the copy");

    // The workspace: every list and record page an administrator sees.
    let grants: Vec<(&str, Role)> = tenants
        .iter()
        .map(|t| (t.as_str(), Role::Administrator))
        .collect();
    app.user("admin@demo.example", &grants).await;
    let admin = app.signed_in("admin@demo.example").await;
    let mut admin_pages = 0;
    for t in &tenants {
        let home = app.get_as(&format!("/admin/{t}/"), &admin).await.text;
        assert_inert("dashboard", &home);
        let mut pages = links(&home, &format!("/admin/{t}/"));
        for list in pages.clone() {
            if list.ends_with('/') {
                pages.extend(links(
                    &app.get_as(&list, &admin).await.text,
                    &format!("/admin/{t}/"),
                ));
            }
        }
        for page in pages.iter().filter(|p| !p.contains("auskunft")) {
            let reply = app.get_as(page, &admin).await;
            assert_inert(page, &reply.text);
            admin_pages += 1;
        }
    }
    assert!(admin_pages > 100, "{admin_pages} workspace pages");

    // The release mail, as journalists get it.
    for data in &dataset.tenants {
        let tenant = TenantSlug::parse(data.tenant.slug.as_str()).unwrap();
        for release in data
            .press_releases
            .iter()
            .filter(|r| r.workflow.state == ReleaseState::Approved)
        {
            let release: &PressRelease = release;
            let (subject, _, html) = app
                .state
                .site
                .release_mail(&tenant, release, "https://presse.example/abmelden/x")
                .await
                .unwrap();
            assert!(!subject.contains('\n'));
            assert_inert("release mail", &html);
        }
    }
}

kreiskom_testkit::on_both_backends!(markup_in_every_text_is_shown_as_text_everywhere);
