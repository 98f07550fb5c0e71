//! Lists of twinnings brought into the registry: a spreadsheet or web
//! list of "town A in country X – town B in country Y" rows. Each place is
//! matched to a region across spellings ("Iasi" is Iași, "Trebnitz" is
//! Trzebnica); where a match is only likely (Lohne or Löhne?), the rows
//! wait for a person to decide instead of being merged. Reading the same
//! list again changes nothing.

use std::collections::{HashMap, HashSet};

use crate::country;
use crate::date::PartialDate;
use crate::partnership::{Category, EventKind, Partnership, PartnershipEvent};
use crate::record::Record;
use crate::region::{Coordinates, CountryCode, Region, RegionKind, RegionName};
use crate::slug::{slugify, PartnershipSlug, RegionSlug};

/// One side of a twinning as the list names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Without a kind qualifier: "Siegen-Wittgenstein (district)" is
    /// "Siegen-Wittgenstein", a district.
    pub name: String,
    pub country: CountryCode,
    pub kind: RegionKind,
    pub coordinates: Option<Coordinates>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TwinningRow {
    /// The line in the file, for messages (the header is line 1).
    pub line: usize,
    pub places: [Place; 2],
    pub since: Option<i16>,
    pub category: Option<Category>,
}

/// A line that cannot be taken, and why, in German.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub line: usize,
    pub message: String,
}

/// The columns a list may have; names in English (as in the twin-town
/// list) or German.
struct Columns {
    name: [usize; 2],
    country: [usize; 2],
    lat: [Option<usize>; 2],
    lon: [Option<usize>; 2],
    since: Option<usize>,
    category: Option<usize>,
}

impl Columns {
    fn find(header: &csv::StringRecord) -> Result<Self, String> {
        let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
        let find = |wanted: &[&str]| names.iter().position(|n| wanted.contains(&n.as_str()));
        let need = |side: usize, what: &str, wanted: &[&str]| {
            find(wanted).ok_or_else(|| {
                format!(
                    "Spalte für {what} {} fehlt (erwartet z. B. „{}“)",
                    side + 1,
                    wanted[0]
                )
            })
        };
        Ok(Columns {
            name: [
                need(0, "Ort", &["city1", "ort1", "place1", "name1"])?,
                need(1, "Ort", &["city2", "ort2", "place2", "name2"])?,
            ],
            country: [
                need(0, "Land", &["country1", "land1", "staat1"])?,
                need(1, "Land", &["country2", "land2", "staat2"])?,
            ],
            lat: [
                find(&["lat1", "breite1", "latitude1"]),
                find(&["lat2", "breite2", "latitude2"]),
            ],
            lon: [
                find(&["lng1", "lon1", "länge1", "laenge1", "longitude1"]),
                find(&["lng2", "lon2", "länge2", "laenge2", "longitude2"]),
            ],
            since: find(&["year", "since", "start", "jahr", "seit"]),
            category: find(&["kind", "category", "art", "kategorie"]),
        })
    }
}

/// A list of twinnings as CSV with a header row. Lines that cannot be
/// taken are returned beside the rows; a file without the needed columns
/// is refused as a whole.
pub fn read_csv(text: &str) -> Result<(Vec<TwinningRow>, Vec<RowProblem>), String> {
    // The csv reader counts lines by "\n" only after the first "\r\n";
    // spreadsheets and browsers send "\r\n".
    let text = text.replace("\r\n", "\n");
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| format!("Kopfzeile nicht lesbar: {e}"))?
        .clone();
    let columns = Columns::find(&header)?;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line() as usize);
                match row(&columns, &record, line) {
                    Ok(r) => rows.push(r),
                    Err(message) => problems.push(RowProblem { line, message }),
                }
            }
            Err(e) => problems.push(RowProblem {
                line: e.position().map_or(0, |p| p.line() as usize),
                message: format!("nicht lesbar: {e}"),
            }),
        }
    }
    Ok((rows, problems))
}

fn row(c: &Columns, record: &csv::StringRecord, line: usize) -> Result<TwinningRow, String> {
    let field = |i: usize| record.get(i).unwrap_or("").trim();
    let optional = |i: Option<usize>| i.map(field).filter(|v| !v.is_empty());
    let place = |side: usize| -> Result<Place, String> {
        let raw = field(c.name[side]);
        if raw.chars().any(char::is_control) {
            return Err(format!(
                "Ort {} darf keine Zeilenumbrüche oder Steuerzeichen enthalten",
                side + 1
            ));
        }
        let given = field(c.country[side]);
        // "Varna, Bulgaria" with the country column empty.
        let (raw, given) = match raw.rsplit_once(", ") {
            Some((place, land)) if given.is_empty() && country::from_name(land).is_some() => {
                (place, land)
            }
            _ => (raw, given),
        };
        let (name, kind) = name_and_kind(raw);
        if name.is_empty() {
            return Err(format!("Ort {} fehlt", side + 1));
        }
        if name.chars().count() > 200 {
            return Err(format!(
                "Ort {} ist zu lang (höchstens 200 Zeichen)",
                side + 1
            ));
        }
        let country = country::from_name(given).ok_or_else(|| {
            if given.is_empty() {
                format!("Land von „{name}“ fehlt")
            } else {
                format!("Land „{given}“ von „{name}“ ist unbekannt")
            }
        })?;
        let coordinates =
            match (optional(c.lat[side]), optional(c.lon[side])) {
                (Some(lat), Some(lon)) => Some(coordinates(lat, lon).ok_or_else(|| {
                    format!("Koordinaten von „{name}“ sind ungültig: {lat}, {lon}")
                })?),
                _ => None,
            };
        Ok(Place {
            name,
            country,
            kind,
            coordinates,
        })
    };
    let places = [place(0)?, place(1)?];
    let since = optional(c.since)
        .map(|y| {
            y.parse::<i16>()
                .ok()
                .filter(|y| (800..=2100).contains(y))
                .ok_or_else(|| format!("Jahr „{y}“ ist keine Jahreszahl"))
        })
        .transpose()?;
    let category = optional(c.category)
        .map(|k| category(k).ok_or_else(|| format!("Art „{k}“ ist unbekannt (erlaubt: Partnerschaft, Freundschaft, Kontakt, Projektpartnerschaft, Patenschaft)")))
        .transpose()?;
    Ok(TwinningRow {
        line,
        places,
        since,
        category,
    })
}

fn coordinates(lat: &str, lon: &str) -> Option<Coordinates> {
    let lat: f64 = lat.replace(',', ".").parse().ok()?;
    let lon: f64 = lon.replace(',', ".").parse().ok()?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
        .then_some(Coordinates { lat, lon })
}

fn category(kind: &str) -> Option<Category> {
    Some(match kind.to_lowercase().as_str() {
        "partnership" | "partnerschaft" | "twinning" | "sister city" | "städtepartnerschaft" => {
            Category::Partnership
        }
        "friendship" | "freundschaft" => Category::Friendship,
        "contact" | "kontakt" => Category::Contact,
        "project_partnership" | "project partnership" | "projektpartnerschaft" => {
            Category::ProjectPartnership
        }
        "sponsorship" | "patenschaft" => Category::Sponsorship,
        _ => return None,
    })
}

/// A trailing qualifier that names the kind of place, as lists write it.
fn name_and_kind(raw: &str) -> (String, RegionKind) {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    for (qualifier, kind) in [
        ("(district)", RegionKind::District),
        ("(county)", RegionKind::District),
        ("(landkreis)", RegionKind::District),
        ("(kreis)", RegionKind::District),
        ("(rural gmina)", RegionKind::Municipality),
        ("(gmina)", RegionKind::Municipality),
        ("(municipality)", RegionKind::Municipality),
        ("(gemeinde)", RegionKind::Municipality),
        ("(town)", RegionKind::Town),
        ("(city)", RegionKind::Town),
        ("(stadt)", RegionKind::Town),
    ] {
        let cut = name.len().saturating_sub(qualifier.len());
        if name.len() > qualifier.len()
            && name.is_char_boundary(cut)
            && name[cut..].eq_ignore_ascii_case(qualifier)
        {
            return (name[..cut].trim_end().to_owned(), kind);
        }
    }
    (name, RegionKind::Town)
}

/// Districts and their like are matched among themselves, and so are
/// towns and municipalities: the town of Goslar is not Landkreis Goslar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Level {
    Area,
    Place,
}

impl Level {
    fn of(kind: RegionKind) -> Level {
        match kind {
            RegionKind::Town
            | RegionKind::UrbanDistrict
            | RegionKind::Municipality
            | RegionKind::Locality
            | RegionKind::Kommune => Level::Place,
            _ => Level::Area,
        }
    }
}

/// The words an area's name opens with that say what it is, dropped for
/// matching: "Landkreis Siegen-Wittgenstein" is the list's
/// "Siegen-Wittgenstein (district)".
const AREA_WORDS: &[&str] = &[
    "landkreis ",
    "kreis ",
    "powiat ",
    "județul ",
    "judetul ",
    "département ",
    "departement ",
    "county ",
    "district ",
];

/// The spelling as written, lower case, with the two Romanian ways of
/// writing ș and ț made one and German umlauts transliterated (Löhne and
/// Loehne are one name; Lohne is another).
fn exact_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'ş' => out.push('ș'),
            'ţ' => out.push('ț'),
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            '’' | '`' | '´' => out.push('\''),
            '-' | '–' | '‑' => out.push(' '),
            c => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Without any accent, umlauts transliterated: "Iasi" and "Iași".
fn folded_key(name: &str) -> String {
    slugify(name)
}

/// Without any accent, umlauts dropped: "Lohne" and "Löhne" — alike, but
/// perhaps two towns.
fn bare_key(name: &str) -> String {
    deunicode::deunicode(name)
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn area_stem(name: &str) -> &str {
    AREA_WORDS
        .iter()
        .find(|w| name.get(..w.len()).is_some_and(|p| p.to_lowercase() == **w))
        .map_or(name, |w| name[w.len()..].trim_start())
}

type Key = (CountryCode, Level, String);

/// Every name and alias of the known regions under three keys.
#[derive(Default)]
struct Index {
    exact: HashMap<Key, Vec<usize>>,
    folded: HashMap<Key, Vec<usize>>,
    bare: HashMap<Key, Vec<usize>>,
    regions: Vec<(RegionSlug, String)>,
}

impl Index {
    fn add(&mut self, region: &Region) {
        let i = self.regions.len();
        self.regions
            .push((region.slug.clone(), region.name().to_owned()));
        let level = Level::of(region.kind);
        let spellings = region
            .names
            .iter()
            .map(|n| n.name.as_str())
            .chain(region.aliases.iter().map(String::as_str));
        for name in spellings {
            let name = if level == Level::Area {
                area_stem(name)
            } else {
                name
            };
            for (map, key) in [
                (&mut self.exact, exact_key(name)),
                (&mut self.folded, folded_key(name)),
                (&mut self.bare, bare_key(name)),
            ] {
                let list = map.entry((region.country.clone(), level, key)).or_default();
                if !list.contains(&i) {
                    list.push(i);
                }
            }
        }
    }

    fn find(&self, place: &Place) -> Found {
        let level = Level::of(place.kind);
        let key = |k: String| (place.country.clone(), level, k);
        let hits = |map: &HashMap<Key, Vec<usize>>, k: String| map.get(&key(k)).cloned();
        let unique = |list: Vec<usize>| match list.as_slice() {
            [one] => Found::Region(*one),
            _ => Found::Unsure(list),
        };
        if let Some(list) = hits(&self.exact, exact_key(&place.name)) {
            return unique(list);
        }
        if let Some(list) = hits(&self.folded, folded_key(&place.name)) {
            return unique(list);
        }
        if let Some(list) = hits(&self.bare, bare_key(&place.name)) {
            return Found::Unsure(list);
        }
        Found::Nothing
    }
}

enum Found {
    Region(usize),
    Unsure(Vec<usize>),
    Nothing,
}

/// A place the import could not match for certain: the rows naming it
/// wait until a person says which region it is, or that it is a new one.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub name: String,
    pub country: CountryCode,
    /// The regions it may be: slug and name.
    pub candidates: Vec<(RegionSlug, String)>,
    pub lines: Vec<usize>,
}

/// A person's answer to a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The place is this region: its spelling becomes an alias.
    Same(RegionSlug),
    /// The place is a region of its own.
    New,
}

/// The decisions for an import, by the place's name and country as the
/// list writes them.
pub type Decisions = HashMap<(String, CountryCode), Decision>;

/// What an import would do, and did when the store wrote it.
#[derive(Debug, Default)]
pub struct Plan {
    pub regions: Vec<Region>,
    pub partnerships: Vec<Partnership>,
    /// Existing regions with the spellings decided to be theirs.
    pub aliased: Vec<Region>,
    pub questions: Vec<Question>,
    pub problems: Vec<RowProblem>,
    /// Rows whose twinning the registry already holds (or an earlier row
    /// of the same list).
    pub known: usize,
    pub rows: usize,
}

impl Plan {
    /// Nothing would be written.
    pub fn changes_nothing(&self) -> bool {
        self.regions.is_empty() && self.partnerships.is_empty() && self.aliased.is_empty()
    }
}

/// Plans the import of `rows` into a registry holding `regions` and
/// `partnerships`.
pub fn plan(
    rows: &[TwinningRow],
    regions: &[Region],
    partnerships: &[Partnership],
    decisions: &Decisions,
) -> Plan {
    let mut index = Index::default();
    let mut by_slug: HashMap<RegionSlug, usize> = HashMap::new();
    for r in regions {
        by_slug.insert(r.slug.clone(), index.regions.len());
        index.add(r);
    }
    let mut region_slugs: HashSet<String> = regions.iter().map(|r| r.slug.to_string()).collect();
    let mut pairs: HashSet<(RegionSlug, RegionSlug)> = partnerships
        .iter()
        .map(|p| ordered(&p.regions[0], &p.regions[1]))
        .collect();
    let mut partnership_slugs: HashSet<String> =
        partnerships.iter().map(|p| p.slug.to_string()).collect();
    let mut plan = Plan {
        rows: rows.len(),
        ..Plan::default()
    };
    let mut aliased: HashMap<usize, Region> = HashMap::new();
    let mut questions: HashMap<(String, CountryCode), usize> = HashMap::new();

    for row in rows {
        // Both sides are settled before anything is created, so that a
        // row that waits leaves no region behind.
        let mut settled: [Option<Found>; 2] = [None, None];
        let mut waiting = false;
        for (side, place) in row.places.iter().enumerate() {
            let asked = (place.name.clone(), place.country.clone());
            if let Some(&q) = questions.get(&asked) {
                if plan.questions[q].lines.last() != Some(&row.line) {
                    plan.questions[q].lines.push(row.line);
                }
                waiting = true;
                continue;
            }
            let found = match decisions.get(&asked) {
                Some(Decision::Same(slug)) => match by_slug.get(slug) {
                    Some(&i) => Found::Region(i),
                    None => {
                        plan.problems.push(RowProblem {
                            line: row.line,
                            message: format!(
                                "Entscheidung für „{}“ nennt die Gebietskörperschaft „{slug}“, die es nicht gibt",
                                place.name
                            ),
                        });
                        waiting = true;
                        continue;
                    }
                },
                Some(Decision::New) => match index.find(place) {
                    // Decided before and created then: the new region is
                    // now found by its own spelling.
                    Found::Region(i) if index.regions[i].1 == place.name => Found::Region(i),
                    _ => Found::Nothing,
                },
                None => index.find(place),
            };
            if let Found::Unsure(candidates) = &found {
                questions.insert(asked, plan.questions.len());
                plan.questions.push(Question {
                    name: place.name.clone(),
                    country: place.country.clone(),
                    candidates: candidates
                        .iter()
                        .map(|&i| index.regions[i].clone())
                        .collect(),
                    lines: vec![row.line],
                });
                waiting = true;
                continue;
            }
            settled[side] = Some(found);
        }
        if waiting {
            continue;
        }
        let mut sides: Vec<RegionSlug> = Vec::with_capacity(2);
        for (place, found) in row.places.iter().zip(settled) {
            let i = match found {
                Some(Found::Region(i)) => {
                    if matches!(
                        decisions.get(&(place.name.clone(), place.country.clone())),
                        Some(Decision::Same(_))
                    ) {
                        let region = if i < regions.len() {
                            aliased.entry(i).or_insert_with(|| regions[i].clone())
                        } else {
                            &mut plan.regions[i - regions.len()]
                        };
                        if !region.names.iter().any(|n| n.name == place.name)
                            && !region.aliases.contains(&place.name)
                        {
                            region.aliases.push(place.name.clone());
                        }
                    }
                    i
                }
                // Both sides name the same new place: the first created it.
                Some(Found::Nothing)
                    if !sides.is_empty()
                        && matches!(index.find(place), Found::Region(i) if index.regions[i].0 == sides[0]) =>
                {
                    index.regions.len() - 1
                }
                _ => {
                    let region = new_region(place, &mut region_slugs);
                    if let Some(e) = region.check().first() {
                        plan.problems.push(RowProblem {
                            line: row.line,
                            message: format!("Ort „{}“: {} {}", place.name, e.field, e.message),
                        });
                        break;
                    }
                    let i = index.regions.len();
                    by_slug.insert(region.slug.clone(), i);
                    index.add(&region);
                    plan.regions.push(region);
                    i
                }
            };
            sides.push(index.regions[i].0.clone());
        }
        let [a, b] = match <[RegionSlug; 2]>::try_from(sides) {
            Ok(both) => both,
            Err(_) => continue,
        };
        if a == b {
            plan.problems.push(RowProblem {
                line: row.line,
                message: format!(
                    "„{}“ und „{}“ sind dieselbe Gebietskörperschaft ({a})",
                    row.places[0].name, row.places[1].name
                ),
            });
            continue;
        }
        if !pairs.insert(ordered(&a, &b)) {
            plan.known += 1;
            continue;
        }
        // By convention the German side first.
        let [a, b] =
            if row.places[1].country.as_str() == "DE" && row.places[0].country.as_str() != "DE" {
                [b, a]
            } else {
                [a, b]
            };
        let slug = free_slug(&format!("{a} {b}"), "", &mut partnership_slugs);
        plan.partnerships.push(Partnership {
            slug: PartnershipSlug::parse(&slug).expect("free_slug gives valid slugs"),
            regions: [a, b],
            category: row.category.unwrap_or(Category::Partnership),
            topics: vec![],
            timeline: row
                .since
                .map(|year| PartnershipEvent {
                    date: Some(PartialDate::year(year)),
                    kind: EventKind::Founded,
                    party: None,
                    note: None,
                    order: None,
                    recorded_by: None,
                })
                .into_iter()
                .collect(),
            description: None,
            images: vec![],
            translations: vec![],
            doubts: vec![],
        });
    }
    let mut aliased: Vec<(usize, Region)> = aliased
        .into_iter()
        .filter(|(i, r)| r.aliases != regions[*i].aliases)
        .collect();
    aliased.sort_by_key(|(i, _)| *i);
    plan.aliased = aliased.into_iter().map(|(_, r)| r).collect();
    plan
}

fn ordered(a: &RegionSlug, b: &RegionSlug) -> (RegionSlug, RegionSlug) {
    if a <= b {
        (a.clone(), b.clone())
    } else {
        (b.clone(), a.clone())
    }
}

/// `base` as a slug not in `taken`: else with the country, else with a
/// number; taken from then on.
pub fn free_slug(base: &str, country: &str, taken: &mut HashSet<String>) -> String {
    let mut slug = slugify(base);
    if slug.is_empty() {
        slug = "ort".to_owned();
    }
    let mut candidate = slug.clone();
    if taken.contains(&candidate) && !country.is_empty() {
        candidate = slugify(&format!("{slug} {country}"));
    }
    let mut n = 2;
    while taken.contains(&candidate) {
        let suffix = format!("-{n}");
        let mut stem = slug.clone();
        stem.truncate(80 - suffix.len());
        candidate = format!("{}{suffix}", stem.trim_end_matches('-'));
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

fn new_region(place: &Place, taken: &mut HashSet<String>) -> Region {
    let slug = free_slug(&place.name, place.country.as_str(), taken);
    Region {
        slug: RegionSlug::parse(&slug).expect("free_slug gives valid slugs"),
        kind: place.kind,
        country: place.country.clone(),
        names: vec![RegionName {
            lang: country::main_language(&place.country).to_owned(),
            name: place.name.clone(),
            gender: None,
        }],
        aliases: vec![],
        seat: None,
        parent: None,
        facts: vec![],
        website: None,
        coordinates: place.coordinates,
        successors: vec![],
        wikidata: None,
        description: None,
        images: vec![],
        accessibility: None,
        doubts: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(slug: &str, kind: &str, country: &str, names: &[(&str, &str)]) -> Region {
        let names: Vec<serde_json::Value> = names
            .iter()
            .map(|(lang, name)| serde_json::json!({"lang": lang, "name": name}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "slug": slug, "kind": kind, "country": country, "names": names
        }))
        .unwrap()
    }

    fn registry() -> Vec<Region> {
        vec![
            region("iasi", "town", "RO", &[("de", "Iași"), ("ro", "Iași")]),
            region(
                "trzebnica",
                "town",
                "PL",
                &[("de", "Trebnitz"), ("pl", "Trzebnica")],
            ),
            region("loehne", "town", "DE", &[("de", "Löhne")]),
            region("goslar", "district", "DE", &[("de", "Landkreis Goslar")]),
            region("stadt-goslar", "town", "DE", &[("de", "Goslar")]),
            region("berat", "town", "AL", &[("sq", "Berat")]),
            region("neustadt-a", "town", "DE", &[("de", "Neustadt")]),
            region("neustadt-b", "town", "DE", &[("de", "Neustadt")]),
        ]
    }

    fn rows(csv: &str) -> Vec<TwinningRow> {
        let (rows, problems) = read_csv(csv).unwrap();
        assert_eq!(problems, []);
        rows
    }

    fn sides(plan: &Plan) -> Vec<[String; 2]> {
        plan.partnerships
            .iter()
            .map(|p| [p.regions[0].to_string(), p.regions[1].to_string()])
            .collect()
    }

    #[test]
    fn spellings_of_one_place_find_its_region() {
        let plan = plan(
            &rows(
                "city1,country1,city2,country2\n\
                 Goslar,Germany,Iasi,Romania\n\
                 Goslar,Germany,Iaşi,Romania\n\
                 Trebnitz,Poland,Loehne,Germany\n\
                 Goslar (district),Germany,Trzebnica,Polen\n",
            ),
            &registry(),
            &[],
            &Decisions::new(),
        );
        // Iasi and Iaşi (cedilla) are Iași; Trebnitz is Trzebnica's German
        // name; Loehne is Löhne; the district is the Landkreis, not the town.
        assert_eq!(
            sides(&plan),
            [
                ["stadt-goslar", "iasi"],
                ["loehne", "trzebnica"],
                ["goslar", "trzebnica"]
            ]
        );
        assert_eq!(plan.known, 1, "the second Iași row is the same twinning");
        assert!(plan.regions.is_empty(), "{:?}", plan.regions);
        assert!(plan.questions.is_empty());
    }

    #[test]
    fn a_likely_but_unsure_match_waits_for_a_person() {
        let input = rows(
            "city1,country1,city2,country2\n\
             Lohne,Germany,Berat,Albania\n\
             Neustadt,Germany,Berat,Albania\n\
             Lohne,Germany,Trzebnica,Poland\n",
        );
        let first = plan(&input, &registry(), &[], &Decisions::new());
        // Lohne and Löhne differ by an umlaut: two towns, or a misspelling.
        // Two regions are called Neustadt.
        let asked: Vec<(&str, Vec<&str>, &[usize])> = first
            .questions
            .iter()
            .map(|q| {
                (
                    q.name.as_str(),
                    q.candidates.iter().map(|c| c.0.as_str()).collect(),
                    q.lines.as_slice(),
                )
            })
            .collect();
        assert_eq!(
            asked,
            [
                ("Lohne", vec!["loehne"], &[2, 4][..]),
                ("Neustadt", vec!["neustadt-a", "neustadt-b"], &[3][..])
            ]
        );
        assert!(
            first.changes_nothing(),
            "nothing is merged or created silently"
        );

        let de = CountryCode::parse("DE").unwrap();
        let mut decisions = Decisions::new();
        decisions.insert(("Lohne".into(), de.clone()), Decision::New);
        decisions.insert(
            ("Neustadt".into(), de),
            Decision::Same(RegionSlug::parse("neustadt-b").unwrap()),
        );
        let decided = plan(&input, &registry(), &[], &decisions);
        assert!(decided.questions.is_empty());
        assert_eq!(decided.regions.len(), 1);
        assert_eq!(decided.regions[0].slug.as_str(), "lohne");
        assert_eq!(decided.regions[0].names[0].lang, "de");
        assert_eq!(
            sides(&decided),
            [
                ["lohne", "berat"],
                ["neustadt-b", "berat"],
                ["lohne", "trzebnica"]
            ]
        );
        assert!(decided.aliased.is_empty(), "Neustadt is already its name");
    }

    #[test]
    fn the_same_name_in_two_countries_is_two_places() {
        let plan = plan(
            &rows(
                "city1,country1,city2,country2\n\
                 Berat,Albania,Bérat,France\n\
                 Bérat,France,Lisses,France\n",
            ),
            &registry(),
            &[],
            &Decisions::new(),
        );
        assert_eq!(
            sides(&plan),
            [["berat", "berat-fr"], ["berat-fr", "lisses"]]
        );
        assert_eq!(plan.regions[0].names[0].lang, "fr");
    }

    #[test]
    fn an_existing_twinning_is_not_planned_again_in_either_order() {
        let registry = registry();
        let existing: Partnership = serde_json::from_value(serde_json::json!({
            "slug": "goslar-iasi", "regions": ["stadt-goslar", "iasi"], "category": "friendship"
        }))
        .unwrap();
        let plan = plan(
            &rows("city1,country1,city2,country2\nIasi,Romania,Goslar,Germany\n"),
            &registry,
            &[existing],
            &Decisions::new(),
        );
        assert!(plan.changes_nothing());
        assert_eq!(plan.known, 1);
    }

    #[test]
    fn new_places_keep_coordinates_kind_year_and_category() {
        let plan = plan(
            &rows(
                "ort1,land1,breite1,länge1,ort2,land2,breite2,länge2,seit,art\n\
                 Siegen-Wittgenstein (district),Deutschland,\"50,97\",\"8,26\",Gmina Ujazd (rural gmina),Polen,51.6,19.5,1999,Freundschaft\n",
            ),
            &[],
            &[],
            &Decisions::new(),
        );
        let [a, b] = &plan.regions[..] else {
            panic!("{:?}", plan.regions)
        };
        assert_eq!(
            (a.slug.as_str(), a.kind),
            ("siegen-wittgenstein", RegionKind::District)
        );
        assert_eq!(
            a.coordinates,
            Some(Coordinates {
                lat: 50.97,
                lon: 8.26
            })
        );
        assert_eq!(
            (b.name(), b.kind),
            ("Gmina Ujazd", RegionKind::Municipality)
        );
        let p = &plan.partnerships[0];
        assert_eq!(p.category, Category::Friendship);
        assert_eq!(p.timeline[0].date, Some(PartialDate::year(1999)));
        assert_eq!(p.slug.as_str(), "siegen-wittgenstein-gmina-ujazd");
    }

    #[test]
    fn bad_lines_are_named_and_the_rest_is_taken() {
        let (rows, problems) = read_csv(
            "city1,country1,city2,country2,year\n\
             Goslar,Germany,Tokio,Japa,\n\
             ,Germany,Berat,Albania,\n\
             Goslar,Germany,Berat,Albania,19x5\n\
             Goslar,Germany,\"Be\nrat\",Albania,\n\
             Goslar,Germany,Berat,Albania,1990\n\
             Goslar,Germany,\"Varna, Bulgaria\",,\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        let varna = &rows[1].places[1];
        assert_eq!(
            (varna.name.as_str(), varna.country.as_str()),
            ("Varna", "BG")
        );
        let messages: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (2, "Land „Japa“ von „Tokio“ ist unbekannt"),
                (3, "Ort 1 fehlt"),
                (4, "Jahr „19x5“ ist keine Jahreszahl"),
                (
                    5,
                    "Ort 2 darf keine Zeilenumbrüche oder Steuerzeichen enthalten"
                ),
            ]
        );
        let missing = read_csv("stadt,land\nGoslar,DE\n").unwrap_err();
        assert_eq!(missing, "Spalte für Ort 1 fehlt (erwartet z. B. „city1“)");
        // As a spreadsheet or a browser sends it: the same line numbers.
        let (_, problems) = read_csv(
            "city1,country1,city2,country2\r\nGoslar,DE,Berat,AL\r\nTokio,Japa,Goslar,DE\r\n",
        )
        .unwrap();
        assert_eq!(problems[0].line, 3);
    }

    #[test]
    fn one_place_on_both_sides_is_refused() {
        let plan = plan(
            &rows("city1,country1,city2,country2\nIași,Romania,Iasi,Romania\n"),
            &registry(),
            &[],
            &Decisions::new(),
        );
        assert!(plan.partnerships.is_empty());
        assert_eq!(plan.problems[0].line, 2);
        assert!(
            plan.problems[0].message.contains("dieselbe"),
            "{:?}",
            plan.problems
        );
    }
}
