//! The public site and the admin view of doubt marks, on the demo data.

mod common;

use axum::http::StatusCode;
use common::{app, day};
use kreiskom_core::Role;

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

async fn harz_overview_lists_partner_regions_and_town_twinnings(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let page = app.get("/harz/partnerschaften").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text;
    let partners = html
        .split("Partnerschaften der Städte und Gemeinden")
        .next()
        .unwrap();
    for (partner, status) in [
        ("Territoire de Belfort", "aktiv seit 1995"),
        ("Kreis Konecki", "aktiv seit 2008"),
        ("Kreis Iași", "aktiv seit 2003"),
        ("Kreis Bistrița-Năsăud", "aktiv seit Anfang 2003"),
    ] {
        let at = partners
            .find(partner)
            .unwrap_or_else(|| panic!("{partner} missing"));
        assert!(partners[at..].contains(status), "{partner}: {status}");
    }
    let towns = html
        .split("Partnerschaften der Städte und Gemeinden")
        .nth(1)
        .unwrap();
    for town in [
        "Stadt Blankenburg (Harz)",
        "Stadt Halberstadt",
        "Stadt Harzgerode",
        "Stadt Oberharz am Brocken",
        "Stadt Osterwieck",
        "Stadt Quedlinburg",
        "Stadt Thale",
        "Stadt Wernigerode",
    ] {
        assert!(towns.contains(&format!(">{town}</h3>")), "{town}");
    }
    let halberstadt = towns
        .split("Stadt Halberstadt")
        .nth(1)
        .unwrap()
        .split("<h3")
        .next()
        .unwrap();
    for partner in ["Náchod", "Banská Bystrica", "Villars"] {
        assert!(halberstadt.contains(partner), "Halberstadt – {partner}");
    }
    let osterwieck = towns
        .split("Stadt Osterwieck")
        .nth(1)
        .unwrap()
        .split("<h3")
        .next()
        .unwrap();
    assert_eq!(count(osterwieck, "<li>"), 6, "Osterwieck has six twinnings");
    assert!(
        html.contains("standortfoerderung@kreis-hz.de"),
        "contact block of Landkreis Harz"
    );
}

async fn partnership_page_shows_timeline_facts_and_contact(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let html = app
        .get("/harz/partnerschaften/harz-bistrita-nasaud")
        .await
        .text;
    let timeline = html.split("Geschichte der Partnerschaft").nth(1).unwrap();
    let order = [
        "Anfang 2003",
        "Absichtserklärung",
        "Ende 2003",
        "Kooperationsvereinbarung",
        "2009",
        "Übergang durch Gebietsreform",
    ];
    let mut at = 0;
    for step in order {
        let found = timeline[at..]
            .find(step)
            .unwrap_or_else(|| panic!("{step} missing or out of order"));
        at += found;
    }
    assert!(
        timeline.contains("(Landkreis Halberstadt)"),
        "the acting predecessor district is named"
    );
    assert!(html.contains("286.225"), "population in German notation");
    assert!(html.contains("Stand 2011; Quelle: Volkszählung 2011"));
    assert!(html.contains("Friedrich-Ebert-Straße 42"));
    assert!(html.contains("<h1"), "has a heading");
    assert_eq!(count(&html, "<h1"), 1, "exactly one h1");
    assert!(html.contains("<html lang=\"de\">"));
    assert!(html.contains("<main id=\"inhalt\""));
}

async fn status_reads_as_of_the_clock(url: &str) {
    let later = app(url, true, day(2026, 11, 23)).await;
    assert!(later
        .get("/nordhausen/partnerschaften")
        .await
        .text
        .contains("geplant seit Dezember 2022"));
    let db = later.store.clone();
    drop(later);
    db.close().await;
    let earlier = app(url, false, day(2021, 6, 1)).await;
    let html = earlier.get("/nordhausen/partnerschaften").await.text;
    assert!(
        html.contains("Kontakte seit 2019"),
        "before the council resolution Gostyn was a contact"
    );
    assert!(
        html.contains("aktiv seit 2019"),
        "Unterallgäu: charter 2019"
    );
    let trebnitz = app(url, false, day(1970, 7, 1)).await;
    assert!(trebnitz
        .get("/goslar/partnerschaften")
        .await
        .text
        .contains("Patenschaft seit 1951"));
}

async fn a_partnership_of_another_district_is_not_found(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let page = app.get("/goslar/partnerschaften/harz-iasi").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text.contains("Seite nicht gefunden"));
    assert_eq!(app.get("/atlantis/").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/Goslar/").await.status, StatusCode::NOT_FOUND);
}

/// Every response forbids scripts and anything from other hosts; error
/// pages come in the site's look.
async fn every_page_forbids_scripts_and_other_hosts(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    for path in [
        "/harz/",
        "/harz/partnerschaften",
        "/spree-neisse/presse/2014/150",
        "/harz/gibt-es-nicht",
        "/admin/anmelden",
    ] {
        let r = app.get(path).await;
        let csp = r.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.starts_with("default-src 'none';"), "{path}: {csp}");
        assert!(
            !csp.contains("unsafe") && !csp.contains("http"),
            "{path}: {csp}"
        );
        let frames = if path.starts_with("/admin") {
            "'none'"
        } else {
            "'self'"
        };
        assert!(
            csp.ends_with(&format!("frame-ancestors {frames}")),
            "{path}: {csp}"
        );
    }
    let missing = app.get("/harz/gibt-es-nicht").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.headers["content-type"], "text/html; charset=utf-8");
    assert!(
        missing
            .text
            .contains("<title>Fehler 404 – Landkreis Harz</title>"),
        "{}",
        missing.text
    );
}

async fn both_partners_see_a_partnership_between_two_tenants(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let overview = app.get("/unterallgaeu/partnerschaften").await.text;
    assert!(overview.contains("Landkreis Nordhausen"));
    let page = app
        .get("/unterallgaeu/partnerschaften/nordhausen-unterallgaeu")
        .await
        .text;
    assert!(
        page.contains("Austausch der Auszubildenden"),
        "activities recorded by Nordhausen"
    );
    assert!(page.contains("Partnerschaftsurkunde unterzeichnet"));
}

/// Two districts on the installation edit their one partnership record:
/// each event keeps who entered it, whatever a later edit sends, and both
/// pages say so.
async fn each_district_records_its_own_events_on_the_shared_record(url: &str) {
    use kreiskom_core::{Actor, EventKind, Grant, Kind, Partnership, PartnershipEvent, TenantSlug};
    let app = app(url, true, day(2026, 11, 23)).await;
    let slug = "nordhausen-unterallgaeu";
    let coordinator = |t: &str| {
        let tenant = TenantSlug::parse(t).unwrap();
        (
            Actor::account(
                format!("koordination@{t}.example"),
                vec![Grant {
                    tenant: tenant.clone(),
                    role: Role::PartnershipCoordinator,
                }],
            ),
            tenant,
        )
    };
    let event = |note: &str| PartnershipEvent {
        date: Some(kreiskom_core::PartialDate::parse("2026-10").unwrap()),
        kind: EventKind::CouncilResolution,
        party: None,
        note: Some(note.into()),
        order: None,
        recorded_by: None,
    };
    let edit = |actor: (Actor, TenantSlug), add: PartnershipEvent| {
        let store = app.store.clone();
        async move {
            let permit = store
                .permit(&actor.0, &actor.1, Kind::Partnership)
                .await
                .unwrap()
                .expect("a coordinator may edit partnerships");
            let mut p = store.fetch::<Partnership>(None, slug).await.unwrap().record;
            // What a form sends: no marks, or forged ones.
            for e in &mut p.timeline {
                e.recorded_by = Some(TenantSlug::parse("goslar").unwrap());
            }
            p.timeline.push(add);
            store.update(&permit, None, slug, p, None).await.unwrap();
        }
    };
    edit(
        coordinator("nordhausen"),
        event("Kreistag Nordhausen bestätigt"),
    )
    .await;
    edit(
        coordinator("unterallgaeu"),
        event("Kreistag Unterallgäu bestätigt"),
    )
    .await;
    let p = app
        .store
        .fetch::<Partnership>(None, slug)
        .await
        .unwrap()
        .record;
    let by = |note: &str| {
        p.timeline
            .iter()
            .find(|e| e.note.as_deref() == Some(note))
            .and_then(|e| e.recorded_by.as_ref().map(|t| t.to_string()))
    };
    assert_eq!(
        by("Kreistag Nordhausen bestätigt").as_deref(),
        Some("nordhausen")
    );
    assert_eq!(
        by("Kreistag Unterallgäu bestätigt").as_deref(),
        Some("unterallgaeu")
    );
    assert_eq!(
        p.timeline
            .iter()
            .filter(|e| e.recorded_by.is_none())
            .count(),
        p.timeline.len() - 2,
        "the demo's own events stay unmarked"
    );
    for tenant in ["nordhausen", "unterallgaeu"] {
        let page = common::visible(
            &app.get(&format!("/{tenant}/partnerschaften/{slug}"))
                .await
                .text,
        );
        assert!(
            page.contains("· erfasst vom Landkreis Nordhausen Kreistag Nordhausen bestätigt"),
            "{page}"
        );
        assert!(
            page.contains("· erfasst vom Landkreis Unterallgäu Kreistag Unterallgäu bestätigt"),
            "{page}"
        );
    }
}

/// Nordhausen found Gostyń through its partner Unterallgäu: its page and
/// the API show that way in; a new partner's partner becomes a suggestion.
async fn partners_of_partners_show_the_way_in(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let html = app.get("/nordhausen/partnerschaften").await.text;
    let network = html
        .split("Partner unserer Partner</h2>")
        .nth(1)
        .expect("the network section")
        .split("</section>")
        .next()
        .unwrap();
    assert!(
        network.contains("ist der Landkreis Nordhausen über gemeinsame Partner verbunden"),
        "{network}"
    );
    assert!(
        network.contains("Landkreis Nordhausen – Landkreis Unterallgäu – Landkreis Gostyn"),
        "{network}"
    );
    assert!(network.contains("schon Partner: <span class=\"status status--geplant\">geplant seit Dezember 2022</span>"), "{network}");
    assert!(
        !network.contains("Landkreis Nordhausen – Landkreis Gostyn – Landkreis Unterallgäu"),
        "Unterallgäu is the older partner, not reached through Gostyń"
    );
    // Harz's partners have no other partners in the demo: no section.
    assert!(!app
        .get("/harz/partnerschaften")
        .await
        .text
        .contains("Partner unserer Partner"));

    let api = app
        .get("/api/v1/regions/nordhausen/partners-of-partners")
        .await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(
        api.json(),
        serde_json::json!({"region": "nordhausen", "neighbours": [
            {"region": "powiat-gostynski", "via": ["unterallgaeu"], "partnership": "nordhausen-gostyn"}
        ]})
    );
    let unknown = app
        .get("/api/v1/regions/atlantis/partners-of-partners")
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.json()["fields"].is_array(), "{}", unknown.text);
}

async fn communication_and_contact_pages(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let stade = app.get("/stade/kommunikation").await.text;
    for text in [
        "Twitter @lkstade (seit 2014)",
        "Facebook (seit 1. Juni 2022)",
        "Instagram (seit 1. Juni 2022)",
        "Digitales Serviceportal</strong> (seit Mai 2022)",
    ] {
        assert!(stade.contains(text), "{text}");
    }
    let goslar = app.get("/goslar/kommunikation").await.text;
    for text in [
        "Steuerungsgruppe Kommunikation",
        "Pressestelle",
        "Vordruckstelle",
        "Zentrale Internetredaktion",
        "Visitenkarten",
        "Namensschilder",
    ] {
        assert!(goslar.contains(text), "{text}");
    }
    let contact = app.get("/harz/kontakt").await.text;
    assert!(contact.contains("Fax: 03941/ 59 70 67 83"));
    let people = app.get("/nordhausen/kontakt").await.text;
    assert!(people.contains("Matthias Jendricke</strong>, Landrat"));
}

async fn doubts_are_shown_to_editors_only(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let anonymous = app.get("/admin/harz/hinweise").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(
        anonymous.headers["location"],
        "/admin/anmelden?weiter=/admin/harz/hinweise"
    );
    app.user(
        "redaktion@example.org",
        &[
            ("harz", Role::ReadOnly),
            ("stade", Role::ReadOnly),
            ("spree-neisse", Role::ReadOnly),
        ],
    )
    .await;
    let session = app.signed_in("redaktion@example.org").await;
    let page = app.get_as("/admin/harz/hinweise", &session).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("lași"), "the misspelt name is quoted");
    assert!(page.text.contains("Tillabéri liegt jedoch in Niger"));
    assert!(page.text.contains("2009 als Jahr der Übertragung"));
    let stade = app.get_as("/admin/stade/hinweise", &session).await.text;
    assert!(stade.contains("Mittwoch, 1. Juni"));
    let spn = app
        .get_as("/admin/spree-neisse/hinweise", &session)
        .await
        .text;
    assert!(spn.contains("wiederholt zwei Absätze"));
}

async fn empty_installation_says_how_to_add_data(url: &str) {
    let app = app(url, false, day(2026, 11, 23)).await;
    let html = app.get("/").await.text;
    assert!(html.contains("kreiskom import"));
}

kreiskom_testkit::on_both_backends!(
    harz_overview_lists_partner_regions_and_town_twinnings,
    partnership_page_shows_timeline_facts_and_contact,
    status_reads_as_of_the_clock,
    a_partnership_of_another_district_is_not_found,
    every_page_forbids_scripts_and_other_hosts,
    both_partners_see_a_partnership_between_two_tenants,
    partners_of_partners_show_the_way_in,
    each_district_records_its_own_events_on_the_shared_record,
    communication_and_contact_pages,
    doubts_are_shown_to_editors_only,
    empty_installation_says_how_to_add_data,
);

#[tokio::test]
async fn a_district_can_override_a_template() {
    let db = kreiskom_testkit::sqlite();
    let store = kreiskom_store::Store::connect(&db.url).await.unwrap();
    store
        .import(
            &kreiskom_core::Actor::operator("test"),
            &serde_json::from_str(include_str!("../../../demo/demo.json")).unwrap(),
            |_, _| {},
        )
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("site")).unwrap();
    std::fs::write(
        dir.path().join("site/home.html"),
        "<p>Eigenes Design für {{ tenant.name }}</p>",
    )
    .unwrap();
    let site = kreiskom_publish::Site::new(store.clone(), Some(dir.path().to_owned()));
    let state = kreiskom_web::AppState::new(store, site, None);
    let app = common::App {
        router: kreiskom_web::app(state.clone()),
        store: kreiskom_store::Store::connect(&db.url).await.unwrap(),
        later: Default::default(),
        start: jiff::Timestamp::now(),
        state,
    };
    assert_eq!(
        app.get("/goslar/").await.text,
        "<p>Eigenes Design für Landkreis Goslar</p>"
    );
    assert!(
        app.get("/goslar/kontakt").await.text.contains("<main"),
        "other pages keep the built-in templates"
    );
}
