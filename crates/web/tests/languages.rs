//! A partnership page in the partner's language: offered where a
//! translation exists, linked both ways with `hreflang`, with its own
//! words, dates and names, and nothing German but the district's frame.

mod common;

use axum::http::StatusCode;
use common::{app, day};

async fn a_translated_partnership_is_offered_in_the_partners_language(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let german = app.get("/harz/partnerschaften/harz-belfort").await.text;
    // Each version names every version, itself included.
    for (lang, path) in [
        ("de", "/harz/partnerschaften/harz-belfort"),
        ("fr", "/harz/partnerschaften/harz-belfort/fr"),
    ] {
        let link = format!("<link rel=\"alternate\" hreflang=\"{lang}\" href=\"");
        let at = german.find(&link).unwrap_or_else(|| panic!("{link}"));
        assert!(german[at + link.len()..]
            .split('"')
            .next()
            .unwrap()
            .ends_with(path));
    }
    assert!(german.contains(
        "<a class=\"kern-link\" href=\"/harz/partnerschaften/harz-belfort/fr\" hreflang=\"fr\" lang=\"fr\">français</a>"
    ));

    let page = app.get("/harz/partnerschaften/harz-belfort/fr").await;
    assert_eq!(page.status, StatusCode::OK);
    let fr = page.text;
    assert!(fr.contains("<html lang=\"fr\">"));
    // The district's frame stays German and says so.
    assert!(fr.contains("<header class=\"site-header\" lang=\"de\">"));
    assert!(fr.contains("<footer class=\"site-footer\" lang=\"de\">"));
    assert!(fr.contains("hreflang=\"de\""));
    for phrase in [
        "<h1 class=\"kern-heading-x-large\">Territoire de Belfort",
        "Amitié – Landkreis Harz",
        "en cours depuis 1995",
        "Histoire du partenariat",
        "Début du partenariat",
        "Transfert à la suite d’une réforme territoriale",
        "Détenu au camp de concentration de Langenstein-Zwieberge",
        "Partenaire ami depuis 1995.",
        "Lieux de la carte",
        "Allemagne",
        "Page en allemand",
    ] {
        assert!(fr.contains(phrase), "{phrase}");
    }
    for german_word in [
        "Geschichte der Partnerschaft",
        "Beginn der Partnerschaft",
        "Häftling",
        "Orte der Karte",
        "Deutschland",
        "Über den",
    ] {
        assert!(!fr.contains(german_word), "{german_word}");
    }

    // Polish: the name in Polish, the month in the genitive after "od",
    // the undated event said in Polish.
    let pl = app
        .get("/nordhausen/partnerschaften/nordhausen-gostyn/pl")
        .await;
    assert_eq!(pl.status, StatusCode::OK);
    for phrase in [
        "<html lang=\"pl\">",
        "<h1 class=\"kern-heading-x-large\">Powiat gostyński",
        "w przygotowaniu od grudnia 2022 r.",
        "bez daty",
        "grudzień 2022",
        "Uchwała rady powiatu",
        "Podpisanie planowane po jednym razie w Gostyniu i w Nordhausen.",
    ] {
        assert!(pl.text.contains(phrase), "{phrase}");
    }
    // Romanian with notes only: the events are translated, the facts too.
    let ro = app
        .get("/harz/partnerschaften/harz-bistrita-nasaud/ro")
        .await;
    assert_eq!(ro.status, StatusCode::OK);
    assert!(ro
        .text
        .contains("Declarație de intenție privind cooperarea"));
    assert!(ro.text.contains("începutul anului 2003"));

    // No translation, no page: neither an untranslated language nor an
    // unknown one, nor a partnership of another district.
    for path in [
        "/harz/partnerschaften/harz-belfort/pl",
        "/harz/partnerschaften/harz-belfort/xx",
        "/harz/partnerschaften/harz-belfort/de",
        "/goslar/partnerschaften/harz-belfort/fr",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    // A page without translations offers no switch.
    let plain = app
        .get("/unterallgaeu/partnerschaften/unterallgaeu-gostyn")
        .await
        .text;
    assert!(!plain.contains("hreflang"));
    assert!(!plain.contains("Sprachversionen"));

    let sitemap = app.get("/harz/sitemap.xml").await.text;
    assert!(sitemap.contains("/harz/partnerschaften/harz-belfort/fr</loc>"));
    assert!(sitemap.contains("/harz/partnerschaften/harz-belfort</loc>"));
}

async fn a_translation_is_checked_and_shown_once_saved(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    let path = "/api/v1/partnerships/harz-konecki";
    let mut p = app.get(path).await.json();
    let events = p["timeline"].as_array().unwrap().len();
    assert_eq!(events, 2);

    // One note too many, a language twice, an empty translation.
    p["translations"] = serde_json::json!([
        {"lang": "pl", "notes": ["a", "b", "c"]},
        {"lang": "pl", "description": "Opis"},
        {"lang": "fr"},
    ]);
    let refused = app.write("PUT", path, &p).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = refused.json();
    let message = |field: &str| {
        errors["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == field)
            .map(|e| e["message"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("{field}: {errors}"))
    };
    assert!(message("translations.0.notes.2").contains("nur 2 Ereignisse"));
    assert_eq!(message("translations.1"), "ist doppelt angegeben");
    assert!(message("translations.2.description").contains("braucht eine Beschreibung"));
    // A language the site has no words for is refused by name.
    p["translations"] = serde_json::json!([{"lang": "cs", "description": "Popis"}]);
    assert_eq!(
        app.write("PUT", path, &p).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Saved, the page shows it at once and the German page links it.
    assert_eq!(
        app.get("/harz/partnerschaften/harz-konecki/fr")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    p["translations"] = serde_json::json!([
        {"lang": "fr", "description": "Une *amitié* de longue date.<script>alert(1)</script>",
         "notes": ["", "Les deux districts veulent poursuivre leur coopération."]},
    ]);
    let saved = app.write("PUT", path, &p).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    let fr = app.get("/harz/partnerschaften/harz-konecki/fr").await;
    assert_eq!(fr.status, StatusCode::OK);
    assert!(fr.text.contains("Une <em>amitié</em> de longue date."));
    assert!(!fr.text.contains("<script>alert"), "sanitised");
    assert!(fr.text.contains("Les deux districts veulent poursuivre"));
    // The first event's German note is not shown in its place.
    assert!(!fr.text.contains("Langjährige freundschaftliche"));
    assert!(app
        .get("/harz/partnerschaften/harz-konecki")
        .await
        .text
        .contains("hreflang=\"fr\""));
}

kreiskom_testkit::on_both_backends!(
    a_translated_partnership_is_offered_in_the_partners_language,
    a_translation_is_checked_and_shown_once_saved,
);
