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

use std::time::Instant;

use kreiskom_core::Dataset;
use kreiskom_publish::Site;
use kreiskom_store::Store;

#[path = "support/twincities.rs"]
mod twincities;
use twincities::dataset;

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
    let csv = twincities::default_csv();
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
