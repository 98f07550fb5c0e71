//! The same partnership pages twice, for `bench/export`: as a kreiskom
//! import file, and as the content of a Hugo site whose layouts
//! (`bench/export-hugo/layouts`) have the shape of kreiskom's templates.
//! Partner towns come from the twin-town list; each page has a timeline,
//! a description in Markdown, the partner's facts and topics.
//!
//!     cargo run --example export-bench-site -- 20000 DIR
//!
//! writes DIR/dataset.json and DIR/hugo/content/…

use std::fmt::Write as _;
use std::path::Path;

use serde_json::json;

#[path = "../benches/support/twincities.rs"]
mod twincities;

/// Partner towns when the twin-town list is not there.
const FEW_TOWNS: [(&str, &str); 8] = [
    ("Trzebnica", "PL"),
    ("Końskie", "PL"),
    ("Gostyń", "PL"),
    ("Iași", "RO"),
    ("Bistrița", "RO"),
    ("Belfort", "FR"),
    ("Besançon", "FR"),
    ("Banská Bystrica", "SK"),
];

const TOPICS: [(&str, &str); 5] = [
    ("youth", "Jugend"),
    ("culture", "Kultur"),
    ("economy", "Wirtschaft"),
    ("sport", "Sport"),
    ("education", "Bildung"),
];

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(n), Some(dir)) = (
        args.next().and_then(|n| n.parse::<usize>().ok()),
        args.next(),
    ) else {
        eprintln!("Aufruf: export-bench-site ANZAHL ZIELORDNER");
        std::process::exit(2);
    };
    let dir = Path::new(&dir);
    let csv = twincities::default_csv();
    let towns: Vec<(String, String)> = if std::path::Path::new(&csv).is_file() {
        twincities::dataset(&csv)
            .regions
            .into_iter()
            .filter(|r| r.slug.as_str() != "deutschland")
            .map(|r| (r.name().to_owned(), r.country.as_str().to_owned()))
            .collect()
    } else {
        // A clone without the shared folder beside it (CI's short run).
        eprintln!("{csv} fehlt; es werden die Orte einer kurzen eingebauten Liste verwendet.");
        FEW_TOWNS
            .iter()
            .map(|(t, c)| ((*t).to_owned(), (*c).to_owned()))
            .collect()
    };
    let content = dir.join("hugo/content/partnerschaften");
    std::fs::create_dir_all(&content).unwrap();
    let mut regions = vec![json!({
        "slug": "musterkreis", "kind": "district", "country": "DE",
        "names": [{"lang": "de", "name": "Landkreis Musterkreis", "gender": "masculine"}],
        "description": "Ein Landkreis mit vielen Partnerschaften."
    })];
    let mut partnerships = Vec::with_capacity(n);
    for i in 0..n {
        let (town, country) = &towns[i % towns.len()];
        let name = if i < towns.len() {
            town.clone()
        } else {
            format!("{town} {}", i / towns.len() + 1)
        };
        let slug = format!("partner-{i}");
        let year = 1960 + (i % 60) as i16;
        let population = 5_000 + (i * 7919) % 500_000;
        let (t1, l1) = TOPICS[i % TOPICS.len()];
        let (t2, l2) = TOPICS[(i + 2) % TOPICS.len()];
        let description = format!(
            "Die Partnerschaft mit **{name}** begann {year} mit einem Besuch von Schülerinnen und Schülern.\n\n\
             Seitdem treffen sich Vereine, Feuerwehren und Chöre beider Seiten regelmäßig; \
             Schwerpunkte sind {l1} und {l2}. Der Partnerschaftsverein organisiert jedes Jahr eine Bürgerreise."
        );
        let charter = format!("Unterzeichnung der Partnerschaftsurkunde in {name}.");
        let renewal = format!("Erneuerung der Partnerschaft zum {}-jährigen Bestehen.", 25);
        let region_text = format!("{name} liegt in {country} und hat etwa {population} Einwohner.");
        regions.push(json!({
            "slug": slug, "kind": "town", "country": country,
            "names": [{"lang": "de", "name": name}],
            "facts": [{"kind": "population", "value": population, "as_of": "2022"}],
            "description": region_text,
        }));
        partnerships.push(json!({
            "slug": format!("musterkreis-{slug}"),
            "regions": ["musterkreis", slug],
            "category": "partnership",
            "topics": [t1, t2],
            "timeline": [
                {"date": year.to_string(), "kind": "charter_signed", "note": charter},
                {"date": (year + 25).to_string(), "kind": "founded", "note": renewal},
            ],
            "description": description,
        }));
        // The same page for Hugo: front matter for what kreiskom shows
        // beside the text, the description as the body.
        let mut page = String::new();
        let _ = writeln!(
            page,
            "---\ntitle: \"Landkreis Musterkreis und {}\"",
            name.replace('"', "'")
        );
        let _ = writeln!(
            page,
            "status: \"aktiv seit {year}\"\ncategory: \"Partnerschaft\""
        );
        let _ = writeln!(
            page,
            "topics: [\"{l1}\", \"{l2}\"]\npartner: \"{}\"\ncountry: \"{country}\"",
            name.replace('"', "'")
        );
        let _ = writeln!(
            page,
            "population: \"{population}\"\npopulation_as_of: \"2022\"\nregion_text: \"{}\"",
            region_text.replace('"', "'")
        );
        let _ = writeln!(page, "timeline:\n  - date: \"{year}\"\n    label: \"Partnerschaftsurkunde unterzeichnet\"\n    note: \"{}\"", charter.replace('"', "'"));
        let _ = writeln!(page, "  - date: \"{}\"\n    label: \"Partnerschaft begründet\"\n    note: \"{renewal}\"\n---", year + 25);
        page.push_str(&description);
        page.push('\n');
        std::fs::write(content.join(format!("musterkreis-{slug}.md")), page).unwrap();
    }
    let dataset = json!({
        "format": kreiskom_core::DATASET_FORMAT,
        "regions": regions,
        "partnerships": partnerships,
        "tenants": [{
            "tenant": {"slug": "musterkreis", "name": "Landkreis Musterkreis", "region": "musterkreis"},
            "units": [], "people": [], "organisations": [], "activities": [], "collections": [],
            "services": [], "channels": [], "mailing_lists": [], "journalists": [],
            "press_releases": [], "press_inquiries": [], "legal_pages": [], "media_files": [],
            "pages": [], "finding_checks": [], "feedback": []
        }]
    });
    // Read back as kreiskom reads it, so a wrong field fails here.
    let checked: kreiskom_core::Dataset = serde_json::from_value(dataset).expect("a valid dataset");
    std::fs::write(dir.join("dataset.json"), checked.to_canonical_json()).unwrap();
    std::fs::write(
        content.join("_index.md"),
        "---\ntitle: \"Partnerschaften des Landkreises Musterkreis\"\n---\n",
    )
    .unwrap();
    eprintln!(
        "{n} Partnerschaftsseiten nach {} geschrieben.",
        dir.display()
    );
}
