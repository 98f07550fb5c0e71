//! `kreiskom import twinnings`: a list of twinnings into the registry.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use kreiskom_core::twinning::{self, Decision, Decisions, Plan};
use kreiskom_core::{country, CountryCode, RegionSlug};
use kreiskom_publish::german_count as count;
use kreiskom_store::{ImportStep, Store};

/// How many questions and problems the summary lists; the rest are in
/// the file `--questions` writes.
const SHOWN: usize = 20;

#[derive(clap::Args)]
pub struct TwinningsArgs {
    /// CSV-Datei mit Kopfzeile: city1,country1,city2,country2 (oder ort1,land1,ort2,land2),
    /// wahlweise lat1,lng1,lat2,lng2, year (seit) und kind (Art)
    file: PathBuf,
    /// Entscheidungen zu unsicheren Zuordnungen: die mit --questions geschriebene Tabelle,
    /// in der Spalte „entscheidung“ je Zeile die Kennung der gemeinten Gebietskörperschaft
    /// oder „neu“
    #[arg(long)]
    decisions: Option<PathBuf>,
    /// Schreibt die unsicheren Zuordnungen als Tabelle zum Entscheiden in diese Datei
    #[arg(long)]
    questions: Option<PathBuf>,
    /// Zeigt nur, was der Import täte, und schreibt nichts
    #[arg(long)]
    dry_run: bool,
}

pub async fn run(
    store: &Store,
    actor: &kreiskom_core::Actor,
    args: TwinningsArgs,
) -> Result<(), String> {
    let started = Instant::now();
    let file = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| format!("{file} kann nicht gelesen werden: {e}"))?;
    let (rows, mut problems) = twinning::read_csv(&text).map_err(|e| format!("{file}: {e}"))?;
    let decisions = match &args.decisions {
        Some(path) => read_decisions(path)?,
        None => Decisions::new(),
    };
    let lines = rows.len() + problems.len();
    let progress = Progress::new();
    progress.line(&format!(
        "Import: {} gelesen",
        count(lines, "Zeile", "Zeilen")
    ));
    let plan = store
        .import_twinnings(
            actor,
            None,
            &rows,
            &decisions,
            args.dry_run,
            |step| match step {
                ImportStep::Matched => progress.line("Import: mit dem Register abgeglichen"),
                ImportStep::Written { done, total } => progress.step(
                    &format!(
                        "Import: {} von {} geschrieben",
                        kreiskom_publish::german_number(done as f64),
                        count(total, "Datensatz", "Datensätzen")
                    ),
                    done == total,
                ),
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    progress.done();
    problems.extend(plan.problems.iter().cloned());
    problems.sort_by_key(|p| p.line);
    if let Some(path) = &args.questions {
        write_questions(path, &plan)?;
    }
    print_summary(&file, &plan, &problems, lines, args.dry_run, started);
    if let Some(path) = &args.questions {
        println!(
            "Die unsicheren Zuordnungen stehen in {}: dort je Zeile die Kennung der gemeinten \
             Gebietskörperschaft oder „neu“ eintragen und den Import mit --decisions {} wiederholen.",
            path.display(),
            path.display()
        );
    }
    Ok(())
}

fn print_summary(
    file: &str,
    plan: &Plan,
    problems: &[twinning::RowProblem],
    lines: usize,
    dry_run: bool,
    started: Instant,
) {
    let seconds = format!("{:.1}", started.elapsed().as_secs_f64()).replace('.', ",");
    println!(
        "{} aus {file} in {seconds} s abgeglichen.",
        count(lines, "Zeile", "Zeilen")
    );
    let created = if dry_run {
        "Würde neu anlegen"
    } else {
        "Neu angelegt"
    };
    println!(
        "{created}: {}, {}.",
        count(
            plan.regions.len(),
            "Gebietskörperschaft",
            "Gebietskörperschaften"
        ),
        count(plan.partnerships.len(), "Partnerschaft", "Partnerschaften"),
    );
    if !plan.aliased.is_empty() {
        let added = if dry_run {
            "Würde Schreibweisen ergänzen bei"
        } else {
            "Schreibweisen ergänzt bei"
        };
        println!(
            "{added}: {}.",
            count(
                plan.aliased.len(),
                "Gebietskörperschaft",
                "Gebietskörperschaften"
            )
        );
    }
    println!(
        "Schon im Register oder doppelt in der Liste: {}.",
        count(plan.known, "Zeile", "Zeilen")
    );
    if plan.changes_nothing() && !dry_run {
        println!("Nichts geändert.");
    }
    if !plan.questions.is_empty() {
        let waiting: usize = plan.questions.iter().map(|q| q.lines.len()).sum();
        println!(
            "{} nicht sicher zugeordnet; {} auf eine Entscheidung:",
            count(plan.questions.len(), "Ort ist", "Orte sind"),
            if waiting == 1 {
                "1 Zeile wartet".to_owned()
            } else {
                format!("{} warten", count(waiting, "Zeile", "Zeilen"))
            }
        );
        for q in plan.questions.iter().take(SHOWN) {
            println!(
                "  „{}“ ({}), {}: vielleicht {}",
                q.name,
                country_name(&q.country),
                line_list(&q.lines),
                candidates(q)
            );
        }
        if plan.questions.len() > SHOWN {
            println!(
                "  … und {} (alle mit --questions DATEI)",
                count(plan.questions.len() - SHOWN, "weiterer", "weitere")
            );
        }
    }
    if !problems.is_empty() {
        println!(
            "{} nicht übernommen:",
            count(problems.len(), "Zeile", "Zeilen")
        );
        for p in problems.iter().take(SHOWN) {
            println!("  Zeile {}: {}", p.line, p.message);
        }
        if problems.len() > SHOWN {
            println!(
                "  … und {}",
                count(problems.len() - SHOWN, "weitere", "weitere")
            );
        }
    }
}

fn country_name(code: &CountryCode) -> &str {
    country::german_name(code.as_str()).unwrap_or(code.as_str())
}

fn line_list(lines: &[usize]) -> String {
    let shown: Vec<String> = lines.iter().take(5).map(usize::to_string).collect();
    let word = if lines.len() == 1 { "Zeile" } else { "Zeilen" };
    let more = if lines.len() > 5 { " …" } else { "" };
    format!("{word} {}{more}", shown.join(", "))
}

fn candidates(q: &twinning::Question) -> String {
    q.candidates
        .iter()
        .map(|(slug, name)| format!("{name} ({slug})"))
        .collect::<Vec<_>>()
        .join(" oder ")
}

const QUESTION_HEADER: [&str; 5] = ["ort", "land", "zeilen", "vorschlaege", "entscheidung"];

fn write_questions(path: &Path, plan: &Plan) -> Result<(), String> {
    let failed = |e: &dyn std::fmt::Display| {
        format!("{} kann nicht geschrieben werden: {e}", path.display())
    };
    let mut out = csv::Writer::from_path(path).map_err(|e| failed(&e))?;
    out.write_record(QUESTION_HEADER).map_err(|e| failed(&e))?;
    for q in &plan.questions {
        let lines: Vec<String> = q.lines.iter().map(usize::to_string).collect();
        out.write_record([
            q.name.as_str(),
            q.country.as_str(),
            &lines.join(" "),
            &candidates(q),
            "",
        ])
        .map_err(|e| failed(&e))?;
    }
    out.flush().map_err(|e| failed(&e))
}

/// The table `write_questions` wrote, with a person's answers: a region's
/// slug, or "neu". Rows left empty stay open.
fn read_decisions(path: &Path) -> Result<Decisions, String> {
    let name = path.display();
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| format!("{name} kann nicht gelesen werden: {e}"))?;
    let header = reader
        .headers()
        .map_err(|e| format!("{name}: Kopfzeile nicht lesbar: {e}"))?
        .clone();
    let column = |wanted: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| format!("{name}: Spalte „{wanted}“ fehlt"))
    };
    let (place, land, answer) = (column("ort")?, column("land")?, column("entscheidung")?);
    let mut decisions = Decisions::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{name}: {e}"))?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let decision = match field(answer) {
            "" => continue,
            a if a.eq_ignore_ascii_case("neu") => Decision::New,
            a => Decision::Same(
                RegionSlug::parse(a).map_err(|e| format!("{name}, Zeile {line}: {e}"))?,
            ),
        };
        let country = country::from_name(field(land))
            .ok_or_else(|| format!("{name}, Zeile {line}: Land „{}“ ist unbekannt", field(land)))?;
        decisions.insert((field(place).to_owned(), country), decision);
    }
    Ok(decisions)
}

/// At a terminal a step rewrites its line; into a file or pipe each step
/// is a line of its own, at most one per tenth.
struct Progress {
    terminal: bool,
    last: std::cell::Cell<usize>,
}

impl Progress {
    fn new() -> Self {
        Progress {
            terminal: std::io::stderr().is_terminal(),
            last: std::cell::Cell::new(0),
        }
    }

    fn line(&self, text: &str) {
        self.done();
        eprintln!("{text}");
    }

    fn step(&self, text: &str, last: bool) {
        if self.terminal {
            eprint!("\r{text}");
            let _ = std::io::stderr().flush();
            self.last.set(1);
        } else {
            let n = self.last.get() + 1;
            self.last.set(n);
            if n % 10 == 1 || last {
                eprintln!("{text}");
            }
        }
    }

    fn done(&self) {
        if self.terminal && self.last.get() > 0 {
            eprintln!();
            self.last.set(0);
        }
    }
}

#[derive(clap::Args)]
pub struct WikidataArgs {
    /// Antwort des Wikidata Query Service (JSON) auf die Abfrage, die --query ausgibt
    #[arg(required_unless_present = "query")]
    file: Option<PathBuf>,
    /// Gibt die SPARQL-Abfrage für query.wikidata.org aus: alle Partnerschaften (P190) der
    /// Gebietskörperschaften mit Wikidata-Kennung
    #[arg(long, conflicts_with = "file")]
    query: bool,
    /// Vergleicht nur und legt nichts an
    #[arg(long)]
    dry_run: bool,
}

/// Compares the registry with Wikidata's twinnings and takes those only
/// Wikidata knows where both sides are regions of the registry.
pub async fn wikidata(
    store: &Store,
    actor: &kreiskom_core::Actor,
    args: WikidataArgs,
) -> Result<(), String> {
    use kreiskom_core::wikidata;
    use kreiskom_core::{Partnership, Region};
    let regions: Vec<Region> = store.records(None).await.map_err(|e| e.to_string())?;
    let mut items: Vec<&str> = regions
        .iter()
        .filter_map(|r| r.wikidata.as_deref())
        .collect();
    items.sort_unstable();
    if args.query {
        if items.is_empty() {
            return Err("Keine Gebietskörperschaft hat eine Wikidata-Kennung (Feld „wikidata“, z. B. Q1140596).".into());
        }
        print!("{}", wikidata::query(&items));
        return Ok(());
    }
    let path = args.file.expect("clap requires the file without --query");
    let name = path.display().to_string();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{name} kann nicht gelesen werden: {e}"))?;
    let there = wikidata::read_query_answer(&text).map_err(|e| format!("{name}: {e}"))?;
    let partnerships: Vec<Partnership> = store.records(None).await.map_err(|e| e.to_string())?;
    let (here, left_out) = wikidata::from_registry(&regions, &partnerships);
    let c = wikidata::compare(&here, &there);
    let by_item: std::collections::HashMap<&str, &Region> = regions
        .iter()
        .filter_map(|r| r.wikidata.as_deref().map(|q| (q, r)))
        .collect();
    let named = |q: &str| match by_item.get(q) {
        Some(r) => format!("{} ({q})", r.name()),
        None => q.to_owned(),
    };
    let years = |t: &wikidata::Twinning| match (
        t.start.and_then(|d| d.calendar_year()),
        t.end.and_then(|d| d.calendar_year()),
    ) {
        (Some(s), Some(e)) => format!(", {s} bis {e}"),
        (Some(s), None) => format!(", seit {s}"),
        (None, Some(e)) => format!(", bis {e}"),
        (None, None) => String::new(),
    };
    println!(
        "Vergleich mit Wikidata ({} aus {name}): {} gleich.",
        count(there.len(), "Partnerschaft", "Partnerschaften"),
        c.alike
    );
    println!(
        "Nur im Register, fehlt bei Wikidata: {}",
        count(c.only_here.len(), "Partnerschaft", "Partnerschaften")
    );
    for (slug, t) in &c.only_here {
        println!(
            "  {slug}: {} – {}{}",
            named(&t.items[0]),
            named(&t.items[1]),
            years(t)
        );
    }
    println!(
        "Abweichend: {}",
        count(c.differing.len(), "Partnerschaft", "Partnerschaften")
    );
    for (slug, ours, theirs) in &c.differing {
        println!(
            "  {slug}: im Register{}, bei Wikidata{}",
            non_empty(years(ours)),
            non_empty(years(theirs))
        );
    }
    println!(
        "Nur bei Wikidata: {}",
        count(c.only_there.len(), "Partnerschaft", "Partnerschaften")
    );
    let mut taken = Vec::new();
    let mut slugs: std::collections::HashSet<String> =
        partnerships.iter().map(|p| p.slug.to_string()).collect();
    for t in &c.only_there {
        let (Some(a), Some(b)) = (
            by_item.get(t.items[0].as_str()),
            by_item.get(t.items[1].as_str()),
        ) else {
            println!(
                "  {} – {}{}: nicht im Register (keine Gebietskörperschaft mit dieser Kennung)",
                named(&t.items[0]),
                named(&t.items[1]),
                years(t)
            );
            continue;
        };
        let slug = twinning::free_slug(&format!("{} {}", a.slug, b.slug), "", &mut slugs);
        let shown = slug.clone();
        println!(
            "  {} – {}{}: {} {slug}",
            named(&t.items[0]),
            named(&t.items[1]),
            years(t),
            if args.dry_run {
                "anzulegen als"
            } else {
                "angelegt als"
            },
            slug = shown
        );
        let slug =
            kreiskom_core::PartnershipSlug::parse(&slug).expect("free_slug gives valid slugs");
        taken.push(t.to_partnership(slug, [a.slug.clone(), b.slug.clone()]));
    }
    if !left_out.is_empty() {
        println!(
            "Nicht verglichen, weil einer Seite die Wikidata-Kennung fehlt: {}",
            count(left_out.len(), "Partnerschaft", "Partnerschaften")
        );
    }
    if args.dry_run {
        return Ok(());
    }
    let permit = actor
        .operator_permit(kreiskom_core::Kind::Partnership)
        .ok_or("Nur der Betrieb darf Partnerschaften einlesen.")?;
    for p in taken {
        store
            .create(&permit, None, p)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn non_empty(years: String) -> String {
    if years.is_empty() {
        " ohne Jahresangabe".to_owned()
    } else {
        years.replacen(", ", " ", 1)
    }
}
