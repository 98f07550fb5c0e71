//! kreiskom's search against SQLite FTS5 on the same German documents and
//! queries, in one run: 100,000 documents made from the world's twin towns
//! (`shared/data/twincities`, 26,114 pairs) in four kinds (partnership,
//! activity, press release, association), 200 queries of one to three
//! words (town names with and without their accents, inflected words,
//! compounds). FTS5 uses `unicode61 remove_diacritics 2` and no stemming,
//! and answers the ten best hits by `rank` with a snippet; kreiskom's
//! answer is what the search page shows: ten hits with snippets, the total
//! and the count per kind.
//!
//!     bench/search                      (cargo bench -p kreiskom-search --bench search)
//!     cargo test -p kreiskom-search --bench search     5,000 documents, in CI
//!
//! Prints build time, index size and p50/p99/max per query for both.

use std::time::{Duration, Instant};

use kreiskom_core::{Kind, SearchDocument};
use kreiskom_search::{SearchIndex, SearchQuery};
use sqlx::Row;

const QUERIES: usize = 200;

fn csv_path() -> String {
    std::env::var("TWINCITIES_CSV").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/twincities/twin_cities_raw.csv"
        )
        .to_owned()
    })
}

/// The list's country in German, as the documents name it.
fn country(name: &str) -> String {
    kreiskom_core::country::from_name(name)
        .and_then(|c| kreiskom_core::country::german_name(c.as_str()))
        .map_or_else(|| name.to_owned(), str::to_owned)
}

/// A small deterministic generator: the same documents every run.
struct Dice(u64);

impl Dice {
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        from[(self.0 >> 33) as usize % from.len()]
    }
    fn number(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

const ACTIVITIES: [&str; 10] = [
    "Jugendaustausch",
    "Schüleraustausch",
    "Besuch einer Delegation",
    "Hilfstransport",
    "Chorreise",
    "Sportturnier",
    "Kulturwoche",
    "Feuerwehrtreffen",
    "Bürgerreise",
    "Fachkräfteaustausch",
];
const TOPICS: [&str; 8] = [
    "Die Zusammenarbeit umfasst Schulen, Vereine und die Verwaltungen.",
    "Im Mittelpunkt stehen Begegnungen junger Menschen und der Sport.",
    "Feuerwehren und Rettungsdienste tauschen regelmäßig Erfahrungen aus.",
    "Kultur, Musik und Kunst verbinden die Bürgerinnen und Bürger beider Städte.",
    "Die Wirtschaftsförderungen beider Seiten arbeiten in Projekten zusammen.",
    "Hilfstransporte brachten Lebensmittel, Medikamente und Feuerwehrfahrzeuge.",
    "Partnerschaftsvereine organisieren Sprachkurse und Bürgerreisen.",
    "Delegationen der Kreistage und Stadträte besuchen sich jährlich.",
];

/// Pairs when the twin-town list is not there (a clone without the shared
/// folder beside it, as in CI's short run); the full run needs the list.
const FEW_PAIRS: [[&str; 4]; 6] = [
    ["Goslar", "Germany", "Trzebnica", "Poland"],
    ["Halberstadt", "Germany", "Banská Bystrica", "Slovakia"],
    ["Nordhausen", "Germany", "Gostyń", "Poland"],
    ["Quedlinburg", "Germany", "Iași", "Romania"],
    ["Wernigerode", "Germany", "Besançon", "France"],
    ["Stade", "Germany", "Bistrița", "Romania"],
];

fn rows(full: bool) -> Vec<[String; 4]> {
    match csv::Reader::from_path(csv_path()) {
        Ok(mut reader) => reader
            .records()
            .map(|row| {
                let row = row.expect("csv row");
                [0, 1, 2, 3].map(|i| row[i].to_owned())
            })
            .collect(),
        Err(e) if full => panic!("{}: {e}", csv_path()),
        Err(_) => {
            eprintln!(
                "{} fehlt; eine kurze eingebaute Liste wird verwendet.",
                csv_path()
            );
            (0..2_000)
                .map(|i| {
                    let p = FEW_PAIRS[i % FEW_PAIRS.len()];
                    [
                        format!("{} {}", p[0], i / FEW_PAIRS.len()),
                        p[1].into(),
                        p[2].into(),
                        p[3].into(),
                    ]
                })
                .collect()
        }
    }
}

fn documents(limit: usize, full: bool) -> Vec<SearchDocument> {
    let mut dice = Dice(2026);
    let mut docs = Vec::with_capacity(limit);
    for (i, row) in rows(full).iter().enumerate() {
        let (a, ca, b, cb) = (&row[0], country(&row[1]), &row[2], country(&row[3]));
        let year = 1950 + dice.number(75) as i16;
        let topic = dice.pick(&TOPICS);
        let activity = dice.pick(&ACTIVITIES);
        let made = [
            (
                Kind::Partnership,
                format!("{a} und {b}"),
                format!("Städtepartnerschaft zwischen {a} ({ca}) und {b} ({cb}). Die Partnerschaft besteht seit {year}. {topic}"),
            ),
            (
                Kind::Activity,
                format!("{activity} in {b}"),
                format!("Im Jahr {year} reisten {} Teilnehmende aus {a} in die Partnerstadt {b}. {topic}", 10 + dice.number(90)),
            ),
            (
                Kind::PressRelease,
                format!("{a} feiert {} Jahre Partnerschaft mit {b}", 2026 - year),
                format!("Der Bürgermeister von {a} empfing eine Delegation aus {b} ({cb}). Gemeinsam erneuerten sie den Partnerschaftsvertrag. {topic}"),
            ),
            (
                Kind::Organisation,
                format!("Partnerschaftsverein {a}–{b} e. V."),
                format!("Der Verein pflegt seit {year} die Freundschaft zwischen {a} und {b}. {topic}"),
            ),
        ];
        for (n, (kind, title, text)) in made.into_iter().enumerate() {
            if docs.len() == limit {
                return docs;
            }
            docs.push(SearchDocument {
                kind,
                key: format!("{}/{i}-{n}", kind.path()),
                title,
                text,
                url: format!("/bench/{i}/{n}"),
                year: Some(year),
            });
        }
    }
    docs
}

/// Town names as typed: half of them without accents.
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ă' | 'ą' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'ę' | 'ě' => 'e',
            'í' | 'î' | 'ï' => 'i',
            'ó' | 'ô' | 'ö' | 'ő' => 'o',
            'ú' | 'ü' | 'ű' | 'ů' => 'u',
            'ș' | 'ş' | 'š' | 'ś' => 's',
            'ț' | 'ţ' => 't',
            'č' | 'ć' => 'c',
            'ž' | 'ź' | 'ż' => 'z',
            'ł' => 'l',
            'ń' | 'ň' => 'n',
            'ř' => 'r',
            c => c,
        })
        .collect()
}

fn queries(docs: &[SearchDocument]) -> Vec<String> {
    const WORDS: [&str; 20] = [
        "Partnerschaften",
        "Jugendaustausch",
        "Delegationen",
        "Schüleraustausch",
        "Hilfstransporte",
        "Feuerwehr",
        "Bürgermeister",
        "Partnerschaftsvereine",
        "Städtepartnerschaft",
        "Kultur",
        "Begegnungen",
        "Sprachkurse",
        "Feuerwehrfahrzeuge",
        "Verwaltungen",
        "Vereine",
        "Partnerstadt",
        "Freundschaft",
        "Medikamente",
        "Wirtschaftsförderung",
        "Bürgerreisen",
    ];
    let mut dice = Dice(7);
    let town = |dice: &mut Dice| -> String {
        let d = &docs[dice.number(docs.len() as u64) as usize];
        let name = d.title.split(" und ").next().unwrap_or(&d.title);
        let name = name.split_whitespace().next().unwrap_or(name).to_owned();
        if dice.number(2) == 0 {
            fold(&name)
        } else {
            name
        }
    };
    (0..QUERIES)
        .map(|i| match i % 5 {
            0 | 1 => town(&mut dice),
            2 => dice.pick(&WORDS).to_owned(),
            3 => format!("{} {}", town(&mut dice), dice.pick(&WORDS)),
            _ => format!(
                "{} {} {}",
                dice.pick(&WORDS),
                town(&mut dice),
                dice.pick(&WORDS)
            ),
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn report(name: &str, mut times: Vec<Duration>, hits: usize) -> (Duration, Duration) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let (p50, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
    println!(
        "{name:<9} p50 {:>8.3} ms   p99 {:>8.3} ms   max {:>8.3} ms   {hits} queries with hits",
        ms(p50),
        ms(p99),
        ms(*times.last().unwrap())
    );
    (p50, p99)
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// Each word as a term of its own, all of them required, as FTS5 reads it.
fn fts_query(q: &str) -> String {
    q.split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::main]
async fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let count = std::env::var("BENCH_DOCS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if full { 100_000 } else { 5_000 });
    let rounds = if full { 3 } else { 1 };
    let docs = documents(count, full);
    let queries = queries(&docs);
    println!(
        "{} documents, {} queries, {rounds} rounds each",
        docs.len(),
        queries.len()
    );
    let work = tempfile::tempdir().unwrap();

    // kreiskom
    let t = Instant::now();
    let index = SearchIndex::open(&work.path().join("tantivy")).unwrap();
    let mut update = index.update().unwrap();
    update.tenant("bench", &docs).unwrap();
    update.commit("bench").unwrap();
    println!(
        "kreiskom  built in {:.2} s, {:.1} MB",
        t.elapsed().as_secs_f64(),
        dir_size(&work.path().join("tantivy")) as f64 / 1e6
    );

    // FTS5
    let db = work.path().join("fts.db");
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&format!("sqlite://{}?mode=rwc", db.display()))
        .await
        .unwrap();
    let t = Instant::now();
    sqlx::query(
        "CREATE VIRTUAL TABLE docs USING fts5(kind UNINDEXED, title, text, url UNINDEXED,
         tokenize = 'unicode61 remove_diacritics 2')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let mut tx = pool.begin().await.unwrap();
    for d in &docs {
        sqlx::query("INSERT INTO docs (kind, title, text, url) VALUES (?, ?, ?, ?)")
            .bind(d.kind.path())
            .bind(&d.title)
            .bind(&d.text)
            .bind(&d.url)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    println!(
        "FTS5      built in {:.2} s, {:.1} MB",
        t.elapsed().as_secs_f64(),
        std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
    );

    // Warm both, then time each query `rounds` times, alternating.
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    let (mut ours_hit, mut theirs_hit) = (0, 0);
    for round in 0..=rounds {
        for q in &queries {
            let t = Instant::now();
            let found = index
                .search(
                    "bench",
                    &SearchQuery {
                        text: q,
                        limit: 10,
                        ..Default::default()
                    },
                )
                .unwrap();
            let took = t.elapsed();
            let t = Instant::now();
            let rows = sqlx::query(
                "SELECT title, snippet(docs, 2, '[', ']', '…', 24) AS snippet FROM docs
                 WHERE docs MATCH ? ORDER BY rank LIMIT 10",
            )
            .bind(fts_query(q))
            .fetch_all(&pool)
            .await
            .unwrap();
            let fts_took = t.elapsed();
            let _: Vec<String> = rows.iter().map(|r| r.get("snippet")).collect();
            if round > 0 {
                ours.push(took);
                theirs.push(fts_took);
            } else {
                ours_hit += usize::from(!found.hits.is_empty());
                theirs_hit += usize::from(!rows.is_empty());
            }
        }
    }
    let (p50, p99) = report("kreiskom", ours, ours_hit);
    let (fts_p50, fts_p99) = report("FTS5", theirs, theirs_hit);
    println!(
        "kreiskom/FTS5: p50 {:.2}×, p99 {:.2}× (target: p50 ≤ 1, p99 ≤ 0.2)",
        p50.as_secs_f64() / fts_p50.as_secs_f64(),
        p99.as_secs_f64() / fts_p99.as_secs_f64()
    );
}
