//! German words for the domain's enumerations, used by the `label` filter:
//! `{{ partnership.category | label("category") }}`.

/// An enumeration's value as its serialised name (`"charter_signed"`),
/// the key of every label table.
pub(crate) fn raw(value: impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub fn label(group: &str, value: &str) -> Option<&'static str> {
    Some(match (group, value) {
        ("category", "partnership") => "Partnerschaft",
        ("category", "friendship") => "Freundschaft",
        ("category", "contact") => "Kontakt",
        ("category", "project_partnership") => "Projektpartnerschaft",
        ("category", "sponsorship") => "Patenschaft",
        ("categories", "partnership") => "Partnerschaften",
        ("categories", "friendship") => "Freundschaften",
        ("categories", "contact") => "Kontakte",
        ("categories", "project_partnership") => "Projektpartnerschaften",
        ("categories", "sponsorship") => "Patenschaften",
        ("event", "sponsorship_started") => "Beginn der Patenschaft",
        ("event", "sponsorship_ended") => "Ende der Patenschaft",
        ("event", "first_contact") => "Erste Kontakte",
        ("event", "founded") => "Beginn der Partnerschaft",
        ("event", "letter_of_intent") => "Absichtserklärung",
        ("event", "cooperation_agreement") => "Kooperationsvereinbarung",
        ("event", "charter_signed") => "Partnerschaftsurkunde unterzeichnet",
        ("event", "council_resolution") => "Kreistagsbeschluss",
        ("event", "transferred_by_reform") => "Übergang durch Gebietsreform",
        ("event", "planned") => "Geplant",
        ("event", "dormant") => "Ruhend",
        ("event", "ended") => "Beendet",
        ("topic", "economy") => "Wirtschaft",
        ("topic", "culture") => "Kultur",
        ("topic", "youth") => "Jugend",
        ("topic", "education") => "Bildung",
        ("topic", "health") => "Gesundheit",
        ("topic", "tourism") => "Tourismus",
        ("topic", "sport") => "Sport",
        ("topic", "administration") => "Verwaltung",
        ("topic", "environment") => "Umwelt",
        ("topic", "social") => "Soziales",
        ("region", "district") => "Landkreis",
        ("region", "urban_district") => "Kreisfreie Stadt",
        ("region", "town") => "Stadt",
        ("region", "municipality") => "Gemeinde",
        ("region", "locality") => "Ortsteil",
        ("region", "state") => "Land",
        ("region", "powiat") => "Powiat (Landkreis)",
        ("region", "voivodeship") => "Woiwodschaft",
        ("region", "departement") => "Département",
        ("region", "judet") => "Județ (Kreis)",
        ("region", "kommune") => "Kommune",
        ("region", "canton") => "Kanton",
        ("region", "region") => "Region",
        ("fact", "population") => "Einwohner",
        ("fact", "area_km2") => "Fläche in km²",
        ("fact", "population_density") => "Einwohner je km²",
        ("fact", "localities") => "Ortschaften",
        ("fact", "towns") => "Städte",
        ("fact", "municipalities") => "Gemeinden",
        ("activity", "exchange") => "Austausch",
        ("activity", "encounter") => "Begegnung",
        ("activity", "visit") => "Besuch",
        ("activity", "project") => "Projekt",
        ("activity", "aid_transport") => "Hilfstransport",
        ("activity", "study_trip") => "Studienfahrt",
        ("activity", "school_exchange") => "Schüleraustausch",
        ("activity", "youth_exchange") => "Jugendbegegnung",
        ("activity", "volunteer_service") => "Freiwilligendienst",
        ("activity", "meeting") => "Treffen",
        ("activity", "holiday_camp") => "Ferienfreizeit",
        ("qualifier", "exact") => "",
        ("qualifier", "approximately") => "etwa",
        ("qualifier", "more_than") => "über",
        ("funding", "erasmus_plus") => "Erasmus+",
        ("funding", "eu_programme") => "EU-Förderprogramm",
        ("funding", "district") => "Landkreis",
        ("funding", "association") => "Verein",
        ("funding", "donations") => "Spenden",
        ("funding", "other") => "Sonstige",
        ("organisation", "association") => "Verein",
        ("organisation", "school") => "Schule",
        ("organisation", "fire_brigade") => "Feuerwehr",
        ("organisation", "education_centre") => "Bildungszentrum",
        ("organisation", "youth_centre") => "Bildungs- und Begegnungsstätte",
        ("organisation", "heritage_group") => "Heimatgruppe",
        ("organisation", "public_body") => "Behörde",
        ("organisation", "company") => "Unternehmen",
        ("organisation", "other") => "Organisation",
        ("legal", "imprint") => "Impressum",
        ("legal", "privacy") => "Datenschutzerklärung",
        ("legal", "accessibility") => "Erklärung zur Barrierefreiheit",
        ("legal", "easy_language") => "Leichte Sprache",
        ("legal", "sign_language") => "Gebärdensprache",
        ("gender", "masculine") => "männlich (der)",
        ("gender", "feminine") => "weiblich (die)",
        ("gender", "neuter") => "sächlich (das)",
        ("state", "draft") => "Entwurf",
        ("state", "submitted") => "Zur Freigabe eingereicht",
        ("state", "approved") => "Freigegeben",
        ("state", "withdrawn") => "Zurückgezogen",
        ("status", "open") => "Offen",
        ("status", "in_progress") => "In Bearbeitung",
        ("status", "answered") => "Beantwortet",
        ("status", "closed") => "Erledigt",
        ("language", "pl") => "Polnisch",
        ("language", "fr") => "Französisch",
        ("language", "ro") => "Rumänisch",
        ("platform", "twitter") => "Twitter",
        ("platform", "facebook") => "Facebook",
        ("platform", "instagram") => "Instagram",
        ("platform", "linkedin") => "LinkedIn",
        ("platform", "youtube") => "YouTube",
        ("platform", "mastodon") => "Mastodon",
        ("platform", "bluesky") => "Bluesky",
        ("location", "showcase") => "Schauvitrine",
        ("location", "storage") => "Lagerraum",
        ("location", "exhibition") => "Ausstellung",
        ("location", "archive") => "Archiv",
        ("item", "exhibit") => "Exponate",
        ("item", "household_item") => "Haushaltsgegenstände",
        ("item", "picture") => "Bilder",
        ("item", "map") => "Karten",
        ("item", "book") => "Bücher",
        ("item", "engraving") => "Stiche",
        ("item", "document") => "Papiere und Dokumente",
        ("item", "other") => "Sonstiges",
        ("country", code) => return country(code),
        _ => return None,
    })
}

fn country(code: &str) -> Option<&'static str> {
    Some(match code {
        "AT" => "Österreich",
        "BE" => "Belgien",
        "CH" => "Schweiz",
        "CZ" => "Tschechien",
        "DE" => "Deutschland",
        "DK" => "Dänemark",
        "ES" => "Spanien",
        "FR" => "Frankreich",
        "GB" => "Vereinigtes Königreich",
        "HU" => "Ungarn",
        "IT" => "Italien",
        "LT" => "Litauen",
        "LU" => "Luxemburg",
        "LV" => "Lettland",
        "NE" => "Niger",
        "NG" => "Nigeria",
        "NL" => "Niederlande",
        "PL" => "Polen",
        "RO" => "Rumänien",
        "RU" => "Russland",
        "SE" => "Schweden",
        "SK" => "Slowakei",
        "UA" => "Ukraine",
        "US" => "Vereinigte Staaten",
        "VN" => "Vietnam",
        _ => return None,
    })
}

/// A dotted field path in German: `timeline.2.date` is
/// "Chronik 3 › Datum", `appointment.address.street` is
/// "Pressetermin › Anschrift › Straße und Hausnummer".
pub fn field_path_label(path: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    for segment in path.split('.').filter(|s| !s.is_empty()) {
        match (segment.parse::<usize>(), parts.last_mut()) {
            (Ok(i), Some(last)) => {
                last.push(' ');
                last.push_str(&(i + 1).to_string());
            }
            _ => parts.push(field_label(segment).to_owned()),
        }
    }
    if parts.is_empty() {
        "Eingabe".to_owned()
    } else {
        parts.join(" › ")
    }
}

/// Groups of `label` that name the values of a field with this key; a
/// `kind` is tried against every group that has kinds.
fn value_groups(key: &str) -> &'static [&'static str] {
    match key {
        "category" => &["category"],
        "topics" => &["topic"],
        "platform" => &["platform"],
        "qualifier" => &["qualifier"],
        "state" => &["state"],
        "status" => &["status"],
        "funding" | "source" => &["funding"],
        "lang" | "language" => &["language"],
        "kind" => &[
            "event",
            "region",
            "fact",
            "activity",
            "organisation",
            "item",
            "location",
            "legal",
        ],
        "gender" => &["gender"],
        _ => &[],
    }
}

/// A stored value as a person reads it: enumerations by their German
/// label, yes/no, times in German.
pub fn value_text(path: &str, value: &str) -> String {
    let key = path
        .rsplit('.')
        .find(|s| s.parse::<usize>().is_err())
        .unwrap_or(path);
    for group in value_groups(key) {
        if let Some(l) = label(group, value) {
            return l.to_owned();
        }
    }
    if key == "role" || key == "roles" {
        if let Some(role) = kreiskom_core::Role::parse(value) {
            return role.label().to_owned();
        }
    }
    match value {
        "true" => return "ja".to_owned(),
        "false" => return "nein".to_owned(),
        _ => {}
    }
    if value.len() >= 20 && value.ends_with('Z') && value.parse::<jiff::Timestamp>().is_ok() {
        return crate::german::timestamp(value);
    }
    value.to_owned()
}

/// German labels for the fields of the admin forms, by property name.
pub fn field_label(name: &str) -> &str {
    match name {
        "accessibility" => "Barrierefreiheitsrecht des Landes",
        "activity" => "Aktivität",
        "address" => "Anschrift",
        "alt" => "Bildbeschreibung (Alternativtext)",
        "answer" => "Antwort",
        "answered" => "Beantwortet",
        "appointment" => "Pressetermin",
        "approved_at" => "Freigegeben am",
        "approved_by" => "Freigegeben von",
        "withdrawn_by" => "Zurückgezogen von",
        "withdrawn_at" => "Zurückgezogen am",
        "withdrawal_reason" => "Grund des Zurückziehens",
        "returned_by" => "Zurückgegeben von",
        "returned_at" => "Zurückgegeben am",
        "return_comment" => "Kommentar zur Rückgabe",
        "approximate" => "Ungefährer Wert („etwa“, „rund“)",
        "as_of" => "Stand",
        "assignee" => "Zuständig (Person)",
        "available" => "Für die Medien verfügbar",
        "body" => "Text (Markdown)",
        "category" => "Kategorie",
        "checked" => "Geprüft am",
        "city" => "Ort",
        "coat_of_arms" => "Wappen oder Logo (Bild der Mediathek)",
        "colour" => "Farbe des Landkreises (#RRGGBB)",
        "comment" => "Kommentar",
        "communication_unit" => "Organisationseinheit für Kommunikation",
        "consent" => "Einwilligung am",
        "contact" => "Kontakt",
        "coordinates" => "Koordinaten",
        "count" => "Anzahl",
        "country" => "Staat",
        "credit" => "Bildnachweis",
        "date" => "Datum",
        "deadline" => "Frist",
        "demo" => "Demo-Inhalt",
        "description" => "Beschreibung",
        "doubts" => "Hinweise zu den Daten",
        "easy_language" => "Fassung in Leichter Sprache (Markdown)",
        "email" => "E-Mail",
        "embargo" => "Sperrfrist bis",
        "end" => "Ende",
        "facts" => "Kennzahlen",
        "fax" => "Fax",
        "field" => "Feld",
        "figures" => "Ergebnisse in Zahlen",
        "file_name" => "Dateiname",
        "fingerprint" => "Fingerabdruck der Ursache",
        "first" => "Erste Nummer",
        "founded" => "Gegründet",
        "funding" => "Förderung",
        "gender" => "Grammatisches Geschlecht",
        "handle" => "Name auf der Plattform",
        "height" => "Höhe in Pixeln",
        "images" => "Bilder",
        "items" => "Bestand",
        "journalist" => "Journalistin / Journalist",
        "key" => "Schlüssel des Hinweises",
        "kind" => "Art",
        "lang" => "Sprache",
        "lat" => "Breitengrad",
        "law" => "Gesetz",
        "licence" => "Lizenz",
        "locations" => "Standorte",
        "lon" => "Längengrad",
        "mailing_lists" => "Verteiler",
        "medium" => "Medium",
        "message" => "Nachricht",
        "name" => "Name",
        "names" => "Namen",
        "note" => "Anmerkung",
        "notes" => "Anmerkungen der Chronik, übersetzt (eine je Ereignis)",
        "number" => "Nummer",
        "office" => "Zuständige Stelle des Landes",
        "office_email" => "E-Mail der Stelle",
        "office_url" => "Website der Stelle",
        "online_url" => "Online-Dienst (Adresse)",
        "order" => "Reihenfolge",
        "organisations" => "Organisationen",
        "outdated" => "Veraltet",
        "owner" => "Eigentümer (Organisation)",
        "page" => "Betroffene Seite",
        "parent" => "Übergeordnet",
        "participants" => "Teilnehmende",
        "partnership" => "Partnerschaft",
        "partnership_contact" => "Organisationseinheit für Partnerschaften",
        "partnership_intro" => "Einleitung der Partnerschaftsseite",
        "partnerships" => "Partnerschaften",
        "party" => "Beteiligte Seite (falls abweichend)",
        "phone" => "Telefon",
        "platform" => "Plattform",
        "postal_code" => "Postleitzahl",
        "press_numbering" => "Nummernkreis der Pressemitteilungen",
        "provenance" => "Herkunft (Gebiet)",
        "provided_by" => "Bereitgestellt von",
        "purpose" => "Zweck",
        "qualifier" => "Genauigkeit",
        "question" => "Frage",
        "received" => "Eingegangen am",
        "recurrence" => "Wiederkehr",
        "region" => "Gebietskörperschaft",
        "regions" => "Gebietskörperschaften",
        "released_at" => "Veröffentlicht am",
        "responsible" => "Zuständige Stelle",
        "review_months" => "Überprüfung alle … Monate",
        "reviewed" => "Zuletzt geprüft am",
        "role" => "Funktion",
        "roles" => "Rollen",
        "room" => "Raum",
        "seat" => "Sitz",
        "shown" => "Öffentlich angezeigt",
        "since" => "Seit",
        "slug" => "Kennung",
        "source" => "Quelle",
        "source_text" => "Wortlaut der Quelle",
        "src" => "Bildadresse (URL)",
        "start" => "Beginn",
        "started" => "Angeboten seit",
        "state" => "Stand",
        "status" => "Stand",
        "street" => "Straße und Hausnummer",
        "submitted_at" => "Eingereicht am",
        "submitted_by" => "Eingereicht von",
        "subtitle" => "Untertitel",
        "successors" => "Nachfolger",
        "tasks" => "Aufgaben",
        "timeline" => "Chronik",
        "title" => "Titel",
        "topics" => "Themen",
        "translations" => "Übersetzungen",
        "unit" => "Einheit",
        "uploaded" => "Hochgeladen am",
        "url" => "Adresse (URL)",
        "value" => "Wert",
        "variants" => "Größen",
        "video" => "Video (Adresse in der Mediathek)",
        "website" => "Internetseite",
        "width" => "Breite in Pixeln",
        "workflow" => "Freigabe",
        "year" => "Jahr",
        _ => name,
    }
}
