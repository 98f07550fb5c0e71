//! The world's twin towns from `shared/data/twincities` (26 114 pairs
//! scraped from Wikipedia) as a kreiskom dataset: every town a region,
//! every pair a partnership, and one tenant holding every German town.
//! Shared by the scale benchmark and the `twincities-dataset` example.

use std::collections::{BTreeMap, BTreeSet};

use kreiskom_core::{
    slugify, Category, CountryCode, Dataset, Partnership, PartnershipSlug, Region, RegionKind,
    RegionName, RegionSlug, Tenant, TenantData, TenantSlug, DATASET_FORMAT,
};

/// The list in the shared folder beside the repository.
pub fn default_csv() -> String {
    std::env::var("TWINCITIES_CSV").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/twincities/twin_cities_raw.csv"
        )
        .to_owned()
    })
}

/// The list's country as an ISO code; "XX" where the list's name is unknown.
fn country_code(name: &str) -> String {
    kreiskom_core::country::from_name(name).map_or_else(|| "XX".to_owned(), |c| c.to_string())
}

pub fn dataset(csv_path: &str) -> Dataset {
    let mut reader = csv::Reader::from_path(csv_path).unwrap_or_else(|e| panic!("{csv_path}: {e}"));
    let mut regions: BTreeMap<String, Region> = BTreeMap::new();
    let mut pairs: BTreeSet<(String, String)> = BTreeSet::new();
    let mut region = |city: &str, country: &str| -> String {
        let code = country_code(country);
        let slug = slugify(&format!("{city} {code}"));
        let slug = if slug.is_empty() {
            format!("ort-{}", regions.len())
        } else {
            slug
        };
        regions.entry(slug.clone()).or_insert_with(|| Region {
            slug: RegionSlug::parse(&slug).expect("slugify gives valid slugs"),
            kind: RegionKind::Town,
            country: CountryCode::parse(&code).expect("two capitals"),
            names: vec![RegionName {
                lang: "de".into(),
                name: city.to_owned(),
                gender: None,
            }],
            aliases: vec![],
            seat: None,
            parent: (code == "DE").then(|| RegionSlug::parse("deutschland").unwrap()),
            facts: vec![],
            website: None,
            coordinates: None,
            successors: vec![],
            wikidata: None,
            description: None,
            images: vec![],
            accessibility: None,
            doubts: vec![],
        });
        slug
    };
    for row in reader.records() {
        let row = row.expect("csv row");
        let a = region(&row[0], &row[1]);
        let b = region(&row[2], &row[3]);
        if a != b {
            pairs.insert(if a < b { (a, b) } else { (b, a) });
        }
    }
    let mut all: Vec<Region> = regions.into_values().collect();
    all.push(Region {
        slug: RegionSlug::parse("deutschland").unwrap(),
        kind: RegionKind::Region,
        country: CountryCode::parse("DE").unwrap(),
        names: vec![RegionName {
            lang: "de".into(),
            name: "Deutschland".into(),
            gender: None,
        }],
        aliases: vec![],
        seat: None,
        parent: None,
        facts: vec![],
        website: None,
        coordinates: None,
        successors: vec![],
        wikidata: None,
        description: None,
        images: vec![],
        accessibility: None,
        doubts: vec![],
    });
    let partnerships = pairs
        .into_iter()
        .map(|(a, b)| Partnership {
            slug: PartnershipSlug::parse(&slugify(&format!("{a} {b}")))
                .unwrap_or_else(|_| PartnershipSlug::parse(&a).unwrap()),
            regions: [
                RegionSlug::parse(&a).unwrap(),
                RegionSlug::parse(&b).unwrap(),
            ],
            category: Category::Partnership,
            topics: vec![],
            timeline: vec![],
            description: None,
            images: vec![],
            translations: vec![],
            doubts: vec![],
        })
        .collect::<Vec<_>>();
    // Slugs longer than 80 characters are cut by slugify; keep the first of any clash.
    let mut seen = BTreeSet::new();
    let partnerships = partnerships
        .into_iter()
        .filter(|p| seen.insert(p.slug.clone()))
        .collect();
    Dataset {
        format: DATASET_FORMAT.into(),
        regions: all,
        partnerships,
        tenants: vec![TenantData::new(Tenant {
            slug: TenantSlug::parse("deutschland").unwrap(),
            name: "Alle deutschen Städte".into(),
            region: RegionSlug::parse("deutschland").unwrap(),
            communication_unit: None,
            partnership_contact: None,
            partnership_intro: None,
            press_numbering: vec![],
            colour: None,
            coat_of_arms: None,
            switchboard: None,
            doubts: vec![],
        })],
    }
}
