//! Scale benchmark on real data: the world's twin towns from
//! `shared/data/twincities` (26 114 pairs scraped from Wikipedia) imported
//! as regions and partnerships, exported again, and the partnership overview
//! rendered for one tenant that holds every German town — the worst page a
//! state-wide installation could ask for.
//!
//!     cargo bench -p kreiskom --bench twincities [-- postgres]
//!
//! Figures are wall-clock times of one run and the peak resident memory of
//! the process; see the note in the issue tracker for recorded runs.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use kreiskom_core::{
    slugify, Category, CountryCode, Dataset, Partnership, PartnershipSlug, Region, RegionKind,
    RegionName, RegionSlug, Tenant, TenantData, TenantSlug, DATASET_FORMAT,
};
use kreiskom_publish::Site;
use kreiskom_store::Store;

fn country_code(name: &str) -> &'static str {
    let name = name.rsplit(", ").next().unwrap_or(name);
    match name {
        "Germany" => "DE",
        "France" => "FR",
        "Poland" => "PL",
        "Italy" => "IT",
        "Czech Republic" => "CZ",
        "Austria" => "AT",
        "Netherlands" => "NL",
        "Hungary" => "HU",
        "Romania" => "RO",
        "United States" => "US",
        "United Kingdom" | "England" | "Scotland" | "Wales" | "Northern Ireland" => "GB",
        "Spain" => "ES",
        "Russia" => "RU",
        "Ukraine" => "UA",
        "China" => "CN",
        "Japan" => "JP",
        "Belgium" => "BE",
        "Sweden" => "SE",
        "Denmark" => "DK",
        "Finland" => "FI",
        "Norway" => "NO",
        "Slovakia" => "SK",
        "Switzerland" => "CH",
        "Turkey" => "TR",
        _ => "XX",
    }
}

fn dataset(csv_path: &str) -> Dataset {
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
            country: CountryCode::parse(code).expect("two capitals"),
            names: vec![RegionName {
                lang: "de".into(),
                name: city.to_owned(),
            }],
            seat: None,
            parent: (code == "DE").then(|| RegionSlug::parse("deutschland").unwrap()),
            facts: vec![],
            website: None,
            coordinates: None,
            successors: vec![],
            description: None,
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
        }],
        seat: None,
        parent: None,
        facts: vec![],
        website: None,
        coordinates: None,
        successors: vec![],
        description: None,
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
        tenants: vec![TenantData {
            tenant: Tenant {
                slug: TenantSlug::parse("deutschland").unwrap(),
                name: "Alle deutschen Städte".into(),
                region: RegionSlug::parse("deutschland").unwrap(),
                communication_unit: None,
                partnership_contact: None,
                partnership_intro: None,
                press_numbering: vec![],
                doubts: vec![],
            },
            units: vec![],
            people: vec![],
            organisations: vec![],
            activities: vec![],
            collections: vec![],
            services: vec![],
            channels: vec![],
            mailing_lists: vec![],
            journalists: vec![],
            press_releases: vec![],
            press_inquiries: vec![],
        }],
    }
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

async fn run(label: &str, url: &str, data: &Dataset) {
    let store = Store::connect(url).await.unwrap();
    let t = Instant::now();
    let n = store
        .import(&kreiskom_core::Actor::operator("bench"), data, |_, _| {})
        .await
        .unwrap();
    let import = t.elapsed();
    let t = Instant::now();
    let exported = store.export().await.unwrap().to_canonical_json();
    let export = t.elapsed();
    let site = Site::new(store.clone(), None);
    let today = jiff::civil::date(2026, 11, 23);
    let t = Instant::now();
    let overview = site.partnerships("deutschland", today).await.unwrap();
    let render_big = t.elapsed();
    let one = &data
        .partnerships
        .iter()
        .find(|p| p.regions[0].as_str().ends_with("-de"))
        .unwrap()
        .slug;
    let t = Instant::now();
    let rounds = 50;
    for _ in 0..rounds {
        site.partnership("deutschland", one.as_str(), today)
            .await
            .unwrap();
    }
    let render_one = t.elapsed() / rounds;
    println!(
        "{label:9} records {n:6}  import {:7.2?}  export {:7.2?} ({:.1} MiB)  overview of all German towns {:7.2?} ({:.1} MiB HTML)  one partnership page {:6.2?}",
        import,
        export,
        exported.len() as f64 / 1048576.0,
        render_big,
        overview.len() as f64 / 1048576.0,
        render_one
    );
    store.close().await;
}

fn main() {
    let csv = std::env::var("TWINCITIES_CSV").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/twincities/twin_cities_raw.csv"
        )
        .to_owned()
    });
    let t = Instant::now();
    let data = dataset(&csv);
    let build = t.elapsed();
    let t = Instant::now();
    data.check().unwrap();
    println!(
        "dataset   regions {}  partnerships {}  built {:.2?}  checked {:.2?}",
        data.regions.len(),
        data.partnerships.len(),
        build,
        t.elapsed()
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sqlite = kreiskom_testkit::sqlite();
    runtime.block_on(run("sqlite", &sqlite.url, &data));
    if std::env::args().any(|a| a == "postgres") {
        let pg = kreiskom_testkit::postgres().expect("PostgreSQL for the benchmark");
        runtime.block_on(run("postgres", &pg.url, &data));
    }
    println!("peak resident memory {:.0} MiB", peak_rss_mib());
}
