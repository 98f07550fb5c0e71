//! Writes the world's twin towns as a kreiskom import file, for the
//! state-scale runs of `bench/pages`:
//!
//!     cargo run --example twincities-dataset -- twincities.json

#[path = "../benches/support/twincities.rs"]
mod twincities;

fn main() {
    let Some(out) = std::env::args().nth(1) else {
        eprintln!("Aufruf: twincities-dataset ZIELDATEI.json");
        std::process::exit(2);
    };
    let data = twincities::dataset(&twincities::default_csv());
    std::fs::write(&out, data.to_canonical_json())
        .unwrap_or_else(|e| panic!("{out} kann nicht geschrieben werden: {e}"));
    eprintln!(
        "{} Gebiete und {} Partnerschaften nach {out} geschrieben.",
        data.regions.len(),
        data.partnerships.len()
    );
}
