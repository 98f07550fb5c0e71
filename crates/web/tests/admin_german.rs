//! Every admin page of every kind, read with the demo data as a German
//! user reads it: field labels, people, records and values in German; no
//! key of the schema, no `None`, no e-mail where a name exists, no bare
//! slug where a record has a title.

mod common;

use std::collections::{BTreeSet, VecDeque};

use axum::http::StatusCode;
use common::{app, day, visible, App, Session, DEMO_TENANTS};
use kreiskom_core::Role;

/// The demo's accounts, named as `serve --demo` names them.
async fn demo_accounts(app: &App) {
    let all: Vec<(&str, Role)> = DEMO_TENANTS
        .iter()
        .map(|t| (*t, Role::Administrator))
        .collect();
    app.named_user("administration@demo.example", "Demo Administration", &all)
        .await;
    let press: Vec<(&str, Role)> = DEMO_TENANTS
        .iter()
        .map(|t| (*t, Role::PressOfficer))
        .collect();
    app.named_user("presse@demo.example", "Demo Pressestelle", &press)
        .await;
}

/// Workspace pages linked from `start`, by path; downloads and steps that
/// change something are left out.
fn admin_links(html: &str, tenant: &str) -> Vec<String> {
    let prefix = format!("/admin/{tenant}/");
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|l| l.replace("&amp;", "&"))
        .map(|l| l.split('#').next().unwrap_or_default().to_owned())
        .filter(|l| l.starts_with(&prefix) && !l.ends_with("/auskunft"))
        .collect()
}

async fn crawl(app: &App, session: &Session, tenant: &str) -> Vec<(String, String)> {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([(format!("/admin/{tenant}/"), String::new())]);
    let mut pages = Vec::new();
    while let Some((path, from)) = queue.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let reply = app.get_as(&path, session).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}, linked from {from}");
        if !reply.header("content-type").starts_with("text/html") {
            continue;
        }
        queue.extend(
            admin_links(&reply.text, tenant)
                .into_iter()
                .map(|l| (l, path.clone())),
        );
        pages.push((path, visible(&reply.text)));
    }
    pages
}

/// Keys of the records' schemas a user must never read as words.
const KEYS: &[&str] = &[
    "names",
    "facts",
    "timeline",
    "head",
    "press",
    "kommandozeile",
    "api-token",
    "submitted_by",
    "submitted_at",
    "approved_by",
    "released_at",
    "mailing_lists",
    "postal_code",
    "area_km2",
    "charter_signed",
    "in_progress",
    "easy_language",
    "project_partnership",
    "first_contact",
    "urban_district",
];

/// Fields whose dotted paths ("timeline.2.date") would show a key.
const PATH_STARTS: &[&str] = &[
    "appointment",
    "timeline",
    "facts",
    "names",
    "workflow",
    "images",
    "address",
    "locations",
    "items",
    "successors",
    "translations",
];

const FORBIDDEN: &[&str] = &[
    "None",
    "null",
    "undefined",
    "{{",
    "}}",
    "{%",
    "1 Einträge",
    "@demo.example",
];

async fn every_admin_page_reads_as_german(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    demo_accounts(&app).await;
    let session = app.signed_in("administration@demo.example").await;
    // Slugs that differ from their record's title, made of several words.
    let demo = common::demo_json();
    let mut slugs = BTreeSet::new();
    let mut collect = |v: &serde_json::Value| {
        if let Some(s) = v["slug"].as_str().filter(|s| s.contains('-')) {
            slugs.insert(s.to_owned());
        }
    };
    for r in demo["regions"].as_array().into_iter().flatten() {
        collect(r);
    }
    for p in demo["partnerships"].as_array().into_iter().flatten() {
        collect(p);
    }
    for t in demo["tenants"].as_array().into_iter().flatten() {
        for (_, list) in t.as_object().unwrap() {
            for r in list.as_array().into_iter().flatten() {
                collect(r);
            }
        }
    }
    let mut found = Vec::new();
    let mut walked = 0;
    for tenant in DEMO_TENANTS {
        let pages = crawl(&app, &session, tenant).await;
        walked += pages.len();
        for (path, text) in &pages {
            let mut report = |what: &str, at: usize| {
                let from = text.floor_char_boundary(at.saturating_sub(50));
                let to = text.ceil_char_boundary((at + 50).min(text.len()));
                found.push(format!("{path}: {what} in …{}…", &text[from..to]));
            };
            // The account pages show each person's address beside the name:
            // there it is the account's own field.
            let accounts = path.contains("/konten/");
            for bad in FORBIDDEN {
                if accounts && *bad == "@demo.example" {
                    continue;
                }
                if let Some(at) = text.find(bad) {
                    report(&format!("„{bad}“"), at);
                }
            }
            let words: Vec<&str> = text
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .collect();
            for key in KEYS {
                if words.contains(key) {
                    report(&format!("key „{key}“"), text.find(key).unwrap_or(0));
                }
            }
            for w in &words {
                if slugs.contains(*w) {
                    report(&format!("slug „{w}“"), text.find(w).unwrap_or(0));
                }
            }
            // Dotted paths are for machines: "appointment.address.street".
            for w in text.split_whitespace() {
                let first = w
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .split('.')
                    .next();
                if w.contains('.') && first.is_some_and(|f| PATH_STARTS.contains(&f)) {
                    report(&format!("path „{w}“"), text.find(w).unwrap_or(0));
                }
            }
        }
    }
    assert!(walked > 250, "only {walked} admin pages walked");
    found.sort();
    found.dedup();
    assert!(
        found.is_empty(),
        "{} findings:\n{}",
        found.len(),
        found.join("\n")
    );
}

kreiskom_testkit::on_both_backends!(every_admin_page_reads_as_german);
