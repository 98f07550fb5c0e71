//! Partners of partners on a large registry: the answer the partnerships
//! page and `/api/v1/regions/{slug}/partners-of-partners` give, read
//! from the store as they read it (two queries and the ranking).
//!
//! Two graphs: 10,000 generated regions with 25,000 partnerships (a few
//! hubs with hundreds of partners, most regions with two or three), and
//! the world's twin-town list (`shared/data/twincities`).
//!
//!     cargo bench -p kreiskom --bench network [-- postgres]
//!     cargo test -p kreiskom --bench network     1,000 generated regions, in CI
//!
//! Prints p50, p99 and the maximum over the regions asked (every 20th,
//! and the 20 with the most partners), and the largest answer.

use std::time::{Duration, Instant};

use kreiskom_core::{
    Category, Dataset, Partnership, PartnershipSlug, Region, RegionSlug, DATASET_FORMAT,
};
use kreiskom_store::Store;

#[path = "support/twincities.rs"]
mod twincities;

/// A small deterministic generator: the same graph every run.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn generated(regions: usize, partnerships: usize) -> Dataset {
    let slug = |i: usize| RegionSlug::parse(&format!("r{i:05}")).unwrap();
    let all: Vec<Region> = (0..regions)
        .map(|i| {
            serde_json::from_value(serde_json::json!({
                "slug": slug(i), "kind": "district", "country": "DE",
                "names": [{"lang": "de", "name": format!("Landkreis {i}")}]
            }))
            .unwrap()
        })
        .collect();
    let mut dice = Dice(7);
    let mut seen = std::collections::HashSet::new();
    let mut list = Vec::new();
    while list.len() < partnerships {
        // One end in three is one of 50 hubs: the shape of real twinnings.
        let a = if dice.below(3) == 0 {
            dice.below(50)
        } else {
            dice.below(regions)
        };
        let b = dice.below(regions);
        if a == b || !seen.insert((a.min(b), a.max(b))) {
            continue;
        }
        list.push(Partnership {
            slug: PartnershipSlug::parse(&format!("p{a:05}-{b:05}")).unwrap(),
            regions: [slug(a), slug(b)],
            category: Category::Partnership,
            topics: vec![],
            timeline: vec![],
            description: None,
            images: vec![],
            translations: vec![],
            doubts: vec![],
        });
    }
    Dataset {
        format: DATASET_FORMAT.into(),
        regions: all,
        partnerships: list,
        tenants: vec![],
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn run(label: &str, url: &str, data: &Dataset) {
    let store = Store::connect(url).await.unwrap();
    store
        .import(&kreiskom_core::Actor::operator("bench"), data, |_, _| {})
        .await
        .unwrap();
    let mut degree: std::collections::HashMap<&RegionSlug, usize> = Default::default();
    for p in &data.partnerships {
        for r in &p.regions {
            *degree.entry(r).or_default() += 1;
        }
    }
    let mut busiest: Vec<&RegionSlug> = degree.keys().copied().collect();
    busiest.sort_by_key(|r| (std::cmp::Reverse(degree[r]), r.as_str()));
    let asked: Vec<&RegionSlug> = data
        .regions
        .iter()
        .step_by(20)
        .map(|r| &r.slug)
        .chain(busiest.into_iter().take(20))
        .collect();
    let today = jiff::civil::date(2026, 12, 1);
    let mut times = Vec::with_capacity(asked.len());
    let mut largest = 0;
    for region in &asked {
        let t = Instant::now();
        let answer = kreiskom_publish::partners_of_partners(&store, region, today)
            .await
            .unwrap();
        times.push(t.elapsed());
        largest = largest.max(answer.len());
    }
    times.sort();
    println!(
        "{label:24} regions {:6}  partnerships {:6}  asked {:4}  p50 {:8.2?}  p99 {:8.2?}  max {:8.2?}  largest answer {largest} regions",
        data.regions.len(),
        data.partnerships.len(),
        asked.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times.last().unwrap(),
    );
    store.close().await;
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let postgres = std::env::args().any(|a| a == "postgres");
    // `cargo test --bench` passes no `--bench`: a short run that cannot rot.
    let full = std::env::args().any(|a| a == "--bench");
    let graphs = if full {
        vec![
            ("generated", generated(10_000, 25_000)),
            (
                "twin towns",
                twincities::dataset(&twincities::default_csv()),
            ),
        ]
    } else {
        vec![("generated", generated(1_000, 2_500))]
    };
    for (label, data) in graphs {
        let sqlite = kreiskom_testkit::sqlite();
        runtime.block_on(run(&format!("{label} sqlite"), &sqlite.url, &data));
        if postgres {
            let pg = kreiskom_testkit::postgres().expect("PostgreSQL for the benchmark");
            runtime.block_on(run(&format!("{label} postgres"), &pg.url, &data));
        }
    }
}
