//! The partnership page in a partner's language: its words, labels, dates
//! and numbers in Polish, French and Romanian. German keeps its own
//! modules (`german`, `labels`); a page in another language uses only
//! this one, so nothing German slips into it but the names.

use kreiskom_core::date::Part;
use kreiskom_core::{Category, Language, PartialDate, Status, StatusAt};
use serde::Serialize;

/// The fixed words of the page, one set per language.
#[derive(Debug, Serialize)]
pub struct Words {
    /// The language's name in itself, for the language switch.
    pub name: &'static str,
    pub languages: &'static str,
    pub breadcrumb: &'static str,
    pub all_partnerships: &'static str,
    pub topics: &'static str,
    pub history: &'static str,
    pub no_history: &'static str,
    pub timeline_unchecked: &'static str,
    pub undated: &'static str,
    /// Before an approximate figure, with its space.
    pub approximately: &'static str,
    pub undated_start: &'static str,
    pub about_partner: &'static str,
    pub kind: &'static str,
    pub seat: &'static str,
    pub lies_in: &'static str,
    pub website: &'static str,
    pub data_of: &'static str,
    pub without_year: &'static str,
    pub source: &'static str,
    pub unchecked: &'static str,
    pub german_page: &'static str,
    pub german_more: &'static str,
    pub map: &'static str,
    pub map_caption: &'static str,
    pub map_places: &'static str,
    pub place: &'static str,
    pub country: &'static str,
    pub position: &'static str,
    pub outside: &'static str,
    /// North, south, east, west.
    pub compass: [&'static str; 4],
}

const PL: Words = Words {
    name: "polski",
    languages: "Wersje językowe",
    breadcrumb: "Ścieżka nawigacji",
    all_partnerships: "Wszystkie partnerstwa",
    topics: "Tematy",
    history: "Historia partnerstwa",
    no_history: "Brak danych o historii tego partnerstwa.",
    timeline_unchecked: "Nie wszystkie daty tej historii są udokumentowane.",
    undated: "bez daty",
    approximately: "ok. ",
    undated_start: "(źródła nie podają daty rozpoczęcia)",
    about_partner: "O partnerze",
    kind: "Rodzaj",
    seat: "Siedziba władz",
    lies_in: "Położenie",
    website: "Strona internetowa",
    data_of: "dane z",
    without_year: "bez podania roku",
    source: "źródło",
    unchecked: "Dane niezweryfikowane",
    german_page: "Strona w języku niemieckim",
    german_more: "Wymiany, organizacje i osoby kontaktowe opisano na stronie w języku niemieckim.",
    map: "Mapa",
    map_caption: "Mapa: Natural Earth (domena publiczna). Punkty prowadzą do stron partnerstw.",
    map_places: "Miejsca na mapie",
    place: "Miejsce",
    country: "Państwo",
    position: "Położenie",
    outside: "(poza wycinkiem mapy)",
    compass: ["N", "S", "E", "W"],
};

const FR: Words = Words {
    name: "français",
    languages: "Versions linguistiques",
    breadcrumb: "Fil d’Ariane",
    all_partnerships: "Tous les partenariats",
    topics: "Thèmes",
    history: "Histoire du partenariat",
    no_history: "Aucune donnée n’est enregistrée sur l’histoire de ce partenariat.",
    timeline_unchecked: "Toutes les dates de cette histoire ne sont pas attestées.",
    undated: "sans date",
    approximately: "environ ",
    undated_start: "(les sources n’indiquent pas de date de début)",
    about_partner: "À propos du partenaire",
    kind: "Type",
    seat: "Chef-lieu",
    lies_in: "Situé dans",
    website: "Site internet",
    data_of: "données de",
    without_year: "sans année",
    source: "source",
    unchecked: "Donnée non vérifiée",
    german_page: "Page en allemand",
    german_more:
        "Les échanges, les organisations et les contacts sont décrits sur la page en allemand.",
    map: "Carte",
    map_caption:
        "Carte\u{a0}: Natural Earth (domaine public). Les points mènent aux pages des partenariats.",
    map_places: "Lieux de la carte",
    place: "Lieu",
    country: "Pays",
    position: "Position",
    outside: "(hors du cadre de la carte)",
    compass: ["N", "S", "E", "O"],
};

const RO: Words = Words {
    name: "română",
    languages: "Versiuni lingvistice",
    breadcrumb: "Traseu de navigare",
    all_partnerships: "Toate parteneriatele",
    topics: "Teme",
    history: "Istoria parteneriatului",
    no_history: "Nu sunt înregistrate date despre istoria acestui parteneriat.",
    timeline_unchecked: "Nu toate datele acestei istorii sunt atestate.",
    undated: "fără dată",
    approximately: "aproximativ ",
    undated_start: "(sursele nu indică o dată de început)",
    about_partner: "Despre partener",
    kind: "Tip",
    seat: "Reședință",
    lies_in: "Se află în",
    website: "Site web",
    data_of: "date din",
    without_year: "fără an",
    source: "sursa",
    unchecked: "Date neverificate",
    german_page: "Pagina în limba germană",
    german_more: "Schimburile, organizațiile și persoanele de contact sunt descrise pe pagina în limba germană.",
    map: "Hartă",
    map_caption: "Hartă: Natural Earth (domeniu public). Punctele duc la paginile parteneriatelor.",
    map_places: "Locurile de pe hartă",
    place: "Loc",
    country: "Țară",
    position: "Poziție",
    outside: "(în afara hărții)",
    compass: ["N", "S", "E", "V"],
};

pub fn words(lang: Language) -> &'static Words {
    match lang {
        Language::Pl => &PL,
        Language::Fr => &FR,
        Language::Ro => &RO,
    }
}

fn pick(lang: Language, [pl, fr, ro]: [&'static str; 3]) -> &'static str {
    match lang {
        Language::Pl => pl,
        Language::Fr => fr,
        Language::Ro => ro,
    }
}

/// The words for the domain's enumerations, as `labels::label` has them in
/// German: Polish, French, Romanian.
pub fn label(lang: Language, group: &str, value: &str) -> Option<&'static str> {
    let [pl, fr, ro] = match (group, value) {
        ("category", "partnership") => ["Partnerstwo", "Partenariat", "Parteneriat"],
        ("category", "friendship") => ["Przyjaźń", "Amitié", "Prietenie"],
        ("category", "contact") => ["Kontakt", "Contact", "Contact"],
        ("category", "project_partnership") => [
            "Partnerstwo projektowe",
            "Partenariat de projet",
            "Parteneriat de proiect",
        ],
        ("category", "sponsorship") => ["Patronat", "Parrainage", "Patronaj"],
        ("event", "sponsorship_started") => [
            "Początek patronatu",
            "Début du parrainage",
            "Începutul patronajului",
        ],
        ("event", "sponsorship_ended") => [
            "Koniec patronatu",
            "Fin du parrainage",
            "Sfârșitul patronajului",
        ],
        ("event", "first_contact") => {
            ["Pierwsze kontakty", "Premiers contacts", "Primele contacte"]
        }
        ("event", "founded") => [
            "Początek partnerstwa",
            "Début du partenariat",
            "Începutul parteneriatului",
        ],
        ("event", "letter_of_intent") => [
            "List intencyjny",
            "Déclaration d’intention",
            "Declarație de intenție",
        ],
        ("event", "cooperation_agreement") => [
            "Umowa o współpracy",
            "Accord de coopération",
            "Acord de cooperare",
        ],
        ("event", "charter_signed") => [
            "Podpisanie umowy partnerskiej",
            "Signature de la charte de partenariat",
            "Semnarea cartei de parteneriat",
        ],
        ("event", "council_resolution") => [
            "Uchwała rady powiatu",
            "Délibération du conseil de district",
            "Hotărâre a consiliului districtual",
        ],
        ("event", "transferred_by_reform") => [
            "Przejęcie w wyniku reformy administracyjnej",
            "Transfert à la suite d’une réforme territoriale",
            "Preluare în urma reformei administrative",
        ],
        ("event", "planned") => ["Planowane", "Prévu", "Planificat"],
        ("event", "dormant") => ["Zawieszenie", "Mise en sommeil", "Suspendare"],
        ("event", "ended") => ["Zakończenie", "Fin", "Încheiere"],
        ("topic", "economy") => ["Gospodarka", "Économie", "Economie"],
        ("topic", "culture") => ["Kultura", "Culture", "Cultură"],
        ("topic", "youth") => ["Młodzież", "Jeunesse", "Tineret"],
        ("topic", "education") => ["Edukacja", "Éducation", "Educație"],
        ("topic", "health") => ["Zdrowie", "Santé", "Sănătate"],
        ("topic", "tourism") => ["Turystyka", "Tourisme", "Turism"],
        ("topic", "sport") => ["Sport", "Sport", "Sport"],
        ("topic", "administration") => ["Administracja", "Administration", "Administrație"],
        ("topic", "environment") => ["Środowisko", "Environnement", "Mediu"],
        ("topic", "social") => ["Sprawy społeczne", "Affaires sociales", "Asistență socială"],
        ("region", "district") => [
            "Powiat (Landkreis)",
            "Arrondissement (Landkreis)",
            "District (Landkreis)",
        ],
        ("region", "urban_district") => [
            "Miasto na prawach powiatu",
            "Ville-arrondissement",
            "Oraș-district",
        ],
        ("region", "town") => ["Miasto", "Ville", "Oraș"],
        ("region", "municipality") => ["Gmina", "Commune", "Comună"],
        ("region", "locality") => ["Miejscowość", "Localité", "Localitate"],
        ("region", "state") => ["Kraj związkowy", "Land", "Land"],
        ("region", "powiat") => ["Powiat", "Powiat (district)", "Powiat (district)"],
        ("region", "voivodeship") => ["Województwo", "Voïvodie", "Voievodat"],
        ("region", "departement") => ["Departament", "Département", "Departament"],
        ("region", "judet") => ["Okręg (județ)", "Județ (département)", "Județ"],
        ("region", "kommune") => ["Gmina", "Commune", "Comună"],
        ("region", "canton") => ["Kanton", "Canton", "Canton"],
        ("region", "region") => ["Region", "Région", "Regiune"],
        ("fact", "population") => ["Liczba mieszkańców", "Habitants", "Locuitori"],
        ("fact", "area_km2") => [
            "Powierzchnia w km²",
            "Superficie en km²",
            "Suprafață în km²",
        ],
        ("fact", "population_density") => [
            "Mieszkańców na km²",
            "Habitants par km²",
            "Locuitori pe km²",
        ],
        ("fact", "localities") => ["Miejscowości", "Localités", "Localități"],
        ("fact", "towns") => ["Miasta", "Villes", "Orașe"],
        ("fact", "municipalities") => ["Gminy", "Communes", "Comune"],
        ("country", code) => return country(lang, code),
        _ => return None,
    };
    Some(pick(lang, [pl, fr, ro]))
}

fn country(lang: Language, code: &str) -> Option<&'static str> {
    Some(pick(
        lang,
        match code {
            "AT" => ["Austria", "Autriche", "Austria"],
            "BE" => ["Belgia", "Belgique", "Belgia"],
            "CH" => ["Szwajcaria", "Suisse", "Elveția"],
            "CZ" => ["Czechy", "Tchéquie", "Cehia"],
            "DE" => ["Niemcy", "Allemagne", "Germania"],
            "DK" => ["Dania", "Danemark", "Danemarca"],
            "ES" => ["Hiszpania", "Espagne", "Spania"],
            "FR" => ["Francja", "France", "Franța"],
            "GB" => ["Wielka Brytania", "Royaume-Uni", "Regatul Unit"],
            "HU" => ["Węgry", "Hongrie", "Ungaria"],
            "IT" => ["Włochy", "Italie", "Italia"],
            "LT" => ["Litwa", "Lituanie", "Lituania"],
            "LU" => ["Luksemburg", "Luxembourg", "Luxemburg"],
            "LV" => ["Łotwa", "Lettonie", "Letonia"],
            "NE" => ["Niger", "Niger", "Niger"],
            "NG" => ["Nigeria", "Nigeria", "Nigeria"],
            "NL" => ["Holandia", "Pays-Bas", "Țările de Jos"],
            "PL" => ["Polska", "Pologne", "Polonia"],
            "RO" => ["Rumunia", "Roumanie", "România"],
            "RU" => ["Rosja", "Russie", "Rusia"],
            "SE" => ["Szwecja", "Suède", "Suedia"],
            "SK" => ["Słowacja", "Slovaquie", "Slovacia"],
            "UA" => ["Ukraina", "Ukraine", "Ucraina"],
            "US" => ["Stany Zjednoczone", "États-Unis", "Statele Unite"],
            "VN" => ["Wietnam", "Viêt Nam", "Vietnam"],
            _ => return None,
        },
    ))
}

/// A label in `lang`, the raw value where none is known.
pub fn lbl(lang: Language, group: &str, value: impl Serialize) -> String {
    let raw = crate::labels::raw(value);
    label(lang, group, &raw).map_or(raw, str::to_owned)
}

const MONTHS_PL: [&str; 12] = [
    "styczeń",
    "luty",
    "marzec",
    "kwiecień",
    "maj",
    "czerwiec",
    "lipiec",
    "sierpień",
    "wrzesień",
    "październik",
    "listopad",
    "grudzień",
];
/// Polish months after "od" and in a day's date ("3 lipca 2014").
const MONTHS_PL_GENITIVE: [&str; 12] = [
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_RO: [&str; 12] = [
    "ianuarie",
    "februarie",
    "martie",
    "aprilie",
    "mai",
    "iunie",
    "iulie",
    "august",
    "septembrie",
    "octombrie",
    "noiembrie",
    "decembrie",
];

fn month(names: &[&'static str; 12], m: i8) -> &'static str {
    names[(m as usize).clamp(1, 12) - 1]
}

/// A date as it stands alone: "grudzień 2022", "début 2003", "anii 1960".
pub fn date(lang: Language, d: &PartialDate) -> String {
    use PartialDate as D;
    match (lang, d) {
        (Language::Pl, D::Day(day)) => format!(
            "{} {} {}",
            day.day(),
            month(&MONTHS_PL_GENITIVE, day.month()),
            day.year()
        ),
        (Language::Pl, D::Month { year, month: m }) => format!("{} {year}", month(&MONTHS_PL, *m)),
        (Language::Pl, D::YearPart { year, part }) => match part {
            Part::Early => format!("początek {year}"),
            Part::Late => format!("koniec {year}"),
        },
        (Language::Pl, D::Decade(d)) => format!("lata {d}–{}", d + 9),
        (Language::Pl, D::DecadePart { decade, part }) => match part {
            Part::Early => format!("początek lat {decade}–{}", decade + 9),
            Part::Late => format!("koniec lat {decade}–{}", decade + 9),
        },
        (Language::Fr, D::Day(day)) => {
            let n = if day.day() == 1 {
                "1er".to_owned()
            } else {
                day.day().to_string()
            };
            format!("{n} {} {}", month(&MONTHS_FR, day.month()), day.year())
        }
        (Language::Fr, D::Month { year, month: m }) => format!("{} {year}", month(&MONTHS_FR, *m)),
        (Language::Fr, D::YearPart { year, part }) => match part {
            Part::Early => format!("début {year}"),
            Part::Late => format!("fin {year}"),
        },
        (Language::Fr, D::Decade(d)) => format!("années {d}"),
        (Language::Fr, D::DecadePart { decade, part }) => match part {
            Part::Early => format!("début des années {decade}"),
            Part::Late => format!("fin des années {decade}"),
        },
        (Language::Ro, D::Day(day)) => format!(
            "{} {} {}",
            day.day(),
            month(&MONTHS_RO, day.month()),
            day.year()
        ),
        (Language::Ro, D::Month { year, month: m }) => format!("{} {year}", month(&MONTHS_RO, *m)),
        (Language::Ro, D::YearPart { year, part }) => match part {
            Part::Early => format!("începutul anului {year}"),
            Part::Late => format!("sfârșitul anului {year}"),
        },
        (Language::Ro, D::Decade(d)) => format!("anii {d}"),
        (Language::Ro, D::DecadePart { decade, part }) => match part {
            Part::Early => format!("începutul anilor {decade}"),
            Part::Late => format!("sfârșitul anilor {decade}"),
        },
        (_, D::Year(year)) => year.to_string(),
    }
}

/// "od grudnia 2022 r.", "depuis décembre 2022", "din decembrie 2022".
fn since(lang: Language, d: &PartialDate) -> String {
    use PartialDate as D;
    match (lang, d) {
        (Language::Pl, D::Day(_)) => format!("od {} r.", date(lang, d)),
        (Language::Pl, D::Month { year, month: m }) => {
            format!("od {} {year} r.", month(&MONTHS_PL_GENITIVE, *m))
        }
        (Language::Pl, D::Year(year)) => format!("od {year} r."),
        (Language::Pl, D::YearPart { year, part }) => match part {
            Part::Early => format!("od początku {year} r."),
            Part::Late => format!("od końca {year} r."),
        },
        (Language::Pl, D::Decade(d)) => format!("od lat {d}–{}", d + 9),
        (Language::Pl, D::DecadePart { decade, part }) => match part {
            Part::Early => format!("od początku lat {decade}–{}", decade + 9),
            Part::Late => format!("od końca lat {decade}–{}", decade + 9),
        },
        (Language::Fr, D::Day(_) | D::Decade(_)) => {
            let article = if matches!(d, D::Day(_)) { "le" } else { "les" };
            format!("depuis {article} {}", date(lang, d))
        }
        (Language::Fr, _) => format!("depuis {}", date(lang, d)),
        (Language::Ro, D::YearPart { .. } | D::DecadePart { .. }) => {
            format!("de la {}", date(lang, d))
        }
        (Language::Ro, _) => format!("din {}", date(lang, d)),
    }
}

/// The state of a partnership in words, without adjectives that would
/// have to agree with the category's gender: "trwa od 1995 r.", "en cours
/// depuis 1995", "în desfășurare din 1995".
pub fn status(lang: Language, category: Category, at: &StatusAt) -> String {
    let [pl, fr, ro] = match at.status {
        Status::Undated => return pick(lang, ["istnieje", "existe", "există"]).to_owned(),
        Status::NotYet => {
            return pick(
                lang,
                [
                    "przed rozpoczęciem",
                    "pas encore commencé",
                    "încă nu a început",
                ],
            )
            .to_owned()
        }
        Status::Contact if category == Category::Contact => ["", "", ""],
        Status::Contact => ["kontakty", "contacts", "contacte"],
        Status::Planned => ["w przygotowaniu", "en préparation", "în pregătire"],
        Status::Sponsorship => ["patronat", "parrainage", "patronaj"],
        Status::Active => ["trwa", "en cours", "în desfășurare"],
        Status::Dormant => ["w zawieszeniu", "en sommeil", "fără activitate"],
        Status::Ended => {
            let word = pick(lang, ["zakończenie:", "fin\u{a0}:", "încheiere:"]);
            return match &at.since {
                Some(d) => format!("{word} {}", date(lang, d)),
                None => word.trim_end_matches(':').trim_end().to_owned(),
            };
        }
    };
    let word = pick(lang, [pl, fr, ro]);
    let when = at.since.as_ref().map(|d| since(lang, d));
    match (word.is_empty(), when) {
        (true, Some(when)) => when,
        (true, None) => pick(lang, ["istnieje", "existe", "există"]).to_owned(),
        (false, Some(when)) => format!("{word} {when}"),
        (false, None) => word.to_owned(),
    }
}

/// 143348 → "143 348" (Polish, French: a narrow space), "143.348"
/// (Romanian); the decimal comma in all three.
pub fn number(lang: Language, value: f64) -> String {
    let group = match lang {
        Language::Pl | Language::Fr => "\u{202f}",
        Language::Ro => ".",
    };
    crate::german::number(value).replace('.', group)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date as day;

    fn at(status: Status, since: Option<PartialDate>) -> StatusAt {
        StatusAt { status, since }
    }

    #[test]
    fn polish_takes_the_genitive_after_od() {
        let dec = PartialDate::Month {
            year: 2022,
            month: 12,
        };
        assert_eq!(date(Language::Pl, &dec), "grudzień 2022");
        assert_eq!(
            status(
                Language::Pl,
                Category::Partnership,
                &at(Status::Planned, Some(dec))
            ),
            "w przygotowaniu od grudnia 2022 r."
        );
        assert_eq!(
            date(Language::Pl, &PartialDate::Day(day(2014, 7, 3))),
            "3 lipca 2014"
        );
    }

    #[test]
    fn french_and_romanian_dates_read_as_written() {
        let early = PartialDate::YearPart {
            year: 2003,
            part: Part::Early,
        };
        assert_eq!(date(Language::Fr, &early), "début 2003");
        assert_eq!(date(Language::Ro, &early), "începutul anului 2003");
        assert_eq!(
            status(
                Language::Ro,
                Category::Partnership,
                &at(Status::Active, Some(early))
            ),
            "în desfășurare de la începutul anului 2003"
        );
        assert_eq!(
            date(Language::Fr, &PartialDate::Day(day(2022, 6, 1))),
            "1er juin 2022"
        );
        assert_eq!(
            status(
                Language::Fr,
                Category::Partnership,
                &at(Status::Active, Some(PartialDate::year(1995)))
            ),
            "en cours depuis 1995"
        );
    }

    #[test]
    fn a_contact_says_since_when_and_an_ended_one_when() {
        assert_eq!(
            status(
                Language::Pl,
                Category::Contact,
                &at(Status::Contact, Some(PartialDate::year(2013)))
            ),
            "od 2013 r."
        );
        assert_eq!(
            status(
                Language::Fr,
                Category::Sponsorship,
                &at(Status::Ended, Some(PartialDate::year(1988)))
            ),
            "fin\u{a0}: 1988"
        );
    }

    #[test]
    fn numbers_group_as_each_language_does() {
        assert_eq!(number(Language::Pl, 143348.0), "143\u{202f}348");
        assert_eq!(number(Language::Ro, 143348.0), "143.348");
        assert_eq!(number(Language::Fr, 1139.9), "1\u{202f}139,9");
    }

    /// The values of an enumeration, from its schema.
    fn values(schema: schemars::Schema) -> Vec<String> {
        fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    if let Some(c) = m.get("const").and_then(|c| c.as_str()) {
                        out.push(c.to_owned());
                    }
                    if let Some(e) = m.get("enum").and_then(|e| e.as_array()) {
                        out.extend(e.iter().filter_map(|x| x.as_str().map(str::to_owned)));
                    }
                    m.values().for_each(|x| walk(x, out));
                }
                serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(&serde_json::to_value(schema).unwrap(), &mut out);
        out
    }

    #[test]
    fn every_value_shown_on_the_page_has_its_word_in_every_language() {
        let groups = [
            ("category", values(schemars::schema_for!(Category))),
            (
                "event",
                values(schemars::schema_for!(kreiskom_core::EventKind)),
            ),
            ("topic", values(schemars::schema_for!(kreiskom_core::Topic))),
            (
                "region",
                values(schemars::schema_for!(kreiskom_core::RegionKind)),
            ),
            (
                "fact",
                values(schemars::schema_for!(kreiskom_core::FactKind)),
            ),
        ];
        for (group, values) in groups {
            assert!(values.len() > 2, "{group}");
            for v in values {
                for lang in Language::ALL {
                    assert!(label(lang, group, &v).is_some(), "{group}.{v} in {lang:?}");
                }
            }
        }
    }
}
