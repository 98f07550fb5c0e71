//! The `kreiskom` command: wires configuration, store and web together.

mod config;
mod print;
mod twinnings;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use kreiskom_core::{Actor, Dataset, Grant, Role, TenantSlug};
use kreiskom_publish::{german_count, german_number, Site};
use kreiskom_store::Store;
use kreiskom_web::{ApiToken, AppState};

use crate::config::Config;

/// The demo data set, built from the source texts in shared/seeds.
const DEMO: &str = include_str!("../../../demo/demo.json");
/// The demo's pictures by file name: an illustration and placeholder
/// coats of arms (no district's real one).
const DEMO_PICTURES: [(&str, &[u8]); 8] = [
    (
        "landschaft.jpg",
        include_bytes!("../../../demo/media/landschaft.jpg"),
    ),
    (
        "wappen-goslar.png",
        include_bytes!("../../../demo/media/wappen-goslar.png"),
    ),
    (
        "wappen-harz.png",
        include_bytes!("../../../demo/media/wappen-harz.png"),
    ),
    (
        "wappen-nordhausen.png",
        include_bytes!("../../../demo/media/wappen-nordhausen.png"),
    ),
    (
        "wappen-spree-neisse.png",
        include_bytes!("../../../demo/media/wappen-spree-neisse.png"),
    ),
    (
        "wappen-stade.png",
        include_bytes!("../../../demo/media/wappen-stade.png"),
    ),
    (
        "wappen-unterallgaeu.png",
        include_bytes!("../../../demo/media/wappen-unterallgaeu.png"),
    ),
    (
        "wappen-vorpommern-ruegen.png",
        include_bytes!("../../../demo/media/wappen-vorpommern-ruegen.png"),
    ),
];

#[derive(Parser)]
#[command(
    name = "kreiskom",
    version,
    about = "Digitaler Arbeitsplatz für die Kommunikation einer Kreisverwaltung"
)]
struct Cli {
    /// TOML-Konfigurationsdatei (Standard: kreiskom.toml, falls vorhanden)
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Startet den Server
    Serve {
        /// Füllt eine leere Datenbank mit den Demodaten
        #[arg(long)]
        demo: bool,
        /// Adresse, z. B. 127.0.0.1:8080 (auch KREISKOM_LISTEN)
        #[arg(long)]
        listen: Option<String>,
        /// Ohne eigenen Versand: den übernehmen getrennt laufende `kreiskom worker`
        #[arg(long)]
        no_worker: bool,
    },
    /// Führt nur den Versand aus (E-Mail-Verteiler), getrennt von den Webknoten
    Worker {
        /// Erledigt, was jetzt fällig ist, und endet dann
        #[arg(long)]
        once: bool,
        /// Sekunden zwischen zwei Durchgängen
        #[arg(long, default_value_t = 2)]
        every: u64,
    },
    /// Schreibt alle Daten als eine Datei im Importformat
    Export {
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Zieldatei statt Standardausgabe
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Liest eine Exportdatei in eine leere Datenbank ein (alles oder nichts), oder mit
    /// `import twinnings` eine Liste von Partnerschaften in das Register
    Import(ImportArgs),
    /// Schreibt eine vollständige, stimmige Sicherung der Datenbank, auch im laufenden Betrieb
    /// (SQLite: Kopie der Datei; PostgreSQL: pg_dump)
    Backup { file: PathBuf },
    /// Stellt eine Sicherung in einer neuen, leeren Datenbank wieder her; der Server läuft dabei nicht
    Restore { file: PathBuf },
    /// Konten für die Verwaltung
    #[command(subcommand)]
    User(UserCommand),
    /// Schreibt die öffentlichen Seiten aller Landkreise als statische Kopie in einen Ordner,
    /// den jeder Webserver ausliefern kann; ein zweiter Lauf schreibt nur, was sich geändert hat
    Publish {
        /// Zielordner
        #[arg(long)]
        out: PathBuf,
        /// Adresse, unter der die Kopie erreichbar sein wird (sonst public_url aus der
        /// Konfiguration), für Feeds, Kalender und Sitemaps
        #[arg(long)]
        url: Option<String>,
    },
    /// Prüft die externen Links aller Landkreise (höflich: ein Abruf je Website und Sekunde,
    /// robots.txt wird beachtet); die Ergebnisse zeigt die Seite „Aktualität“
    CheckLinks {
        /// Nur die Links dieses Landkreises, z. B. harz
        #[arg(long)]
        tenant: Option<String>,
    },
    /// Die öffentliche Suche
    #[command(subcommand)]
    Search(SearchCommand),
    /// Druckerei: Visitenkarten, Namensschilder, Pressemitteilungen und Vordrucke als PDF
    #[command(subcommand)]
    Print(print::PrintCommand),
}

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
struct ImportArgs {
    /// Exportdatei von `kreiskom export`
    #[arg(required = true)]
    file: Option<PathBuf>,
    #[command(subcommand)]
    list: Option<ImportCommand>,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Eine Liste von Partnerschaften (CSV) in das Register: Orte werden über Schreibweisen,
    /// Akzente und Sprachen hinweg den vorhandenen Gebietskörperschaften zugeordnet; unsichere
    /// Zuordnungen warten auf eine Entscheidung; ein zweiter Lauf ändert nichts
    Twinnings(twinnings::TwinningsArgs),
    /// Vergleicht die Partnerschaften mit Wikidata (P190 mit Beginn P580 und Ende P582) und
    /// legt an, was nur Wikidata kennt, wo beide Seiten im Register stehen
    Wikidata(twinnings::WikidataArgs),
}

#[derive(Subcommand)]
enum SearchCommand {
    /// Baut den Suchindex dieses Knotens (Ordner search.dir) aus der Datenbank neu auf,
    /// etwa nach einer Wiederherstellung; ein laufender Server folgt Änderungen von selbst
    Reindex,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Legt ein Konto an und gibt ein Einmalpasswort aus
    Add {
        #[arg(long)]
        email: String,
        /// Landkreis (Kennung), mehrfach möglich
        #[arg(long = "tenant", required = true)]
        tenants: Vec<String>,
        /// Rolle: admin, press, head, partnerships, web, print, readonly; mehrfach möglich
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Anzeigename (Standard: die E-Mail-Adresse)
        #[arg(long)]
        name: Option<String>,
    },
    /// Setzt ein neues Einmalpasswort, z. B. nach einer Sperre oder wenn es vergessen wurde
    ResetPassword {
        #[arg(long)]
        email: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    /// Die Partnerschaften als QuickStatements für Wikidata (P190, P580, P582)
    Wikidata,
}

/// Big allocations go straight back to the system when freed. glibc would
/// otherwise raise its threshold after the first freed one, and every
/// password hash (19 MiB of Argon2 memory, one per sign-in) would stay in
/// the heap: the demo's 49 accounts alone left 60–140 MB resident.
fn return_big_allocations() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tuning value; called before any thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

fn main() -> ExitCode {
    return_big_allocations();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KREISKOM_LOG")
                .unwrap_or_else(|_| "kreiskom=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in log files.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = Cli::parse();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("Fehler: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let config = Config::load(cli.config.as_deref())?;
    if let Command::Restore { file } = &cli.command {
        // The restore opens the database itself: it replaces it.
        return restore(&config.database_url, file).await;
    }
    let store = Store::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    match cli.command {
        Command::Serve {
            demo,
            listen,
            no_worker,
        } => serve(config, store, demo, listen, !no_worker).await,
        Command::Worker { once, every } => worker(config, store, once, every).await,
        Command::Export { format, output } => export(&store, format, output).await,
        Command::Import(ImportArgs {
            list: Some(ImportCommand::Twinnings(args)),
            ..
        }) => twinnings::run(&store, &operator(), args).await,
        Command::Import(ImportArgs {
            list: Some(ImportCommand::Wikidata(args)),
            ..
        }) => twinnings::wikidata(&store, &operator(), args).await,
        Command::Import(ImportArgs { file, .. }) => {
            import(&store, &file.expect("clap requires the file")).await
        }
        Command::Backup { file } => backup(&store, &config.database_url, &file).await,
        Command::Restore { .. } => unreachable!("handled before the store opens"),
        Command::CheckLinks { tenant } => check_links(&config, &store, tenant).await,
        Command::Publish { out, url } => publish(&config, &store, &out, url).await,
        Command::Search(SearchCommand::Reindex) => reindex(&config, &store).await,
        Command::Print(command) => print::run(&config, store, command).await,
        Command::User(UserCommand::Add {
            email,
            tenants,
            roles,
            name,
        }) => add_user(&store, &email, &tenants, &roles, name).await,
        Command::User(UserCommand::ResetPassword { email }) => {
            let password = kreiskom_web::auth::generate_password();
            store
                .set_password(
                    &email,
                    &kreiskom_web::auth::hash_password(&password),
                    true,
                    None,
                )
                .await
                .map_err(|e| e.to_string())?;
            println!("Neues Einmalpasswort für {email}: {password}");
            println!("Bei der nächsten Anmeldung wird ein eigenes Passwort verlangt.");
            Ok(())
        }
    }
}

/// The operator at the command line, as the audit log names them.
fn operator() -> Actor {
    Actor::operator("kommandozeile")
}

async fn add_user(
    store: &Store,
    email: &str,
    tenants: &[String],
    roles: &[String],
    name: Option<String>,
) -> Result<(), String> {
    let mut grants = Vec::new();
    for t in tenants {
        let tenant = TenantSlug::parse(t).map_err(|e| format!("Landkreis „{t}“: {e}"))?;
        for r in roles {
            let role = Role::parse(r).ok_or_else(|| {
                let known: Vec<&str> = Role::ALL.iter().map(|r| r.key()).collect();
                format!(
                    "Rolle „{r}“ gibt es nicht; möglich sind: {}",
                    known.join(", ")
                )
            })?;
            grants.push(Grant {
                tenant: tenant.clone(),
                role,
            });
        }
    }
    let password = kreiskom_web::auth::generate_password();
    let name = name.unwrap_or_else(|| email.to_owned());
    store
        .create_account(
            &operator(),
            email,
            &name,
            &kreiskom_web::auth::hash_password(&password),
            &grants,
        )
        .await
        .map_err(|e| e.to_string())?;
    println!("Konto {email} angelegt:");
    for g in &grants {
        println!("  {}: {}", g.tenant, g.role.label());
    }
    println!("Einmalpasswort: {password}");
    println!("Bei der ersten Anmeldung unter /admin/ wird ein eigenes Passwort verlangt.");
    Ok(())
}

/// One account per role, each with that role in every demo district.
const DEMO_ACCOUNTS: [(&str, &str, Role); 7] = [
    (
        "administration@demo.example",
        "Demo Administration",
        Role::Administrator,
    ),
    (
        "presse@demo.example",
        "Demo Pressestelle",
        Role::PressOfficer,
    ),
    (
        "landrat@demo.example",
        "Demo Landrat",
        Role::HeadOfAdministration,
    ),
    (
        "partnerschaften@demo.example",
        "Demo Partnerschaften",
        Role::PartnershipCoordinator,
    ),
    (
        "internet@demo.example",
        "Demo Internetredaktion",
        Role::WebEditor,
    ),
    (
        "vordrucke@demo.example",
        "Demo Vordruckstelle",
        Role::PrintOffice,
    ),
    ("lesen@demo.example", "Demo Nur lesen", Role::ReadOnly),
];

/// Creates the demo accounts if missing and gives each a fresh password,
/// so every `serve --demo` prints logins that work.
async fn demo_accounts(store: &Store) -> Result<(), String> {
    let tenants: Vec<TenantSlug> = store
        .records::<kreiskom_core::Tenant>(None)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|t| t.slug)
        .collect();
    println!("Demo-Zugänge für /admin/ (Passwörter gelten bis zum nächsten Start mit --demo):");
    for (email, name, role) in DEMO_ACCOUNTS {
        let password = kreiskom_web::auth::generate_password();
        let hash = kreiskom_web::auth::hash_password(&password);
        if store
            .account(email)
            .await
            .map_err(|e| e.to_string())?
            .is_none()
        {
            let grants: Vec<Grant> = tenants
                .iter()
                .map(|t| Grant {
                    tenant: t.clone(),
                    role,
                })
                .collect();
            store
                .create_account(&operator(), email, name, &hash, &grants)
                .await
                .map_err(|e| e.to_string())?;
        }
        store
            .set_password(email, &hash, false, None)
            .await
            .map_err(|e| e.to_string())?;
        println!("  {:<26} {email:<30} {password}", role.label());
    }
    Ok(())
}

fn parse_dataset(text: &str, origin: &str) -> Result<Dataset, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        format!(
            "{origin} ist keine gültige kreiskom-Datei: an „{}“ (Zeile {}, Spalte {}): {inner}",
            e.path(),
            inner.line(),
            inner.column()
        )
    })
}

async fn import_with_progress(store: &Store, dataset: &Dataset) -> Result<usize, String> {
    let total = dataset.record_count();
    let step = (total / 20).max(1);
    // At a terminal the line is rewritten; into a file or pipe each step
    // is a line of its own.
    let terminal = std::io::stderr().is_terminal();
    let n = store
        .import(&operator(), dataset, |done, total| {
            if done % step == 0 || done == total {
                if terminal {
                    eprint!("\rImport: {done} von {total} Datensätzen");
                    let _ = std::io::stderr().flush();
                } else {
                    eprintln!("Import: {done} von {total} Datensätzen");
                }
            }
        })
        .await
        .map_err(|e| e.to_string())?;
    if terminal {
        eprintln!();
    }
    Ok(n)
}

async fn import(store: &Store, file: &std::path::Path) -> Result<(), String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("{} kann nicht gelesen werden: {e}", file.display()))?;
    let dataset = parse_dataset(&text, &file.display().to_string())?;
    let n = import_with_progress(store, &dataset).await?;
    println!(
        "{} aus {} importiert.",
        german_count(n, "Datensatz", "Datensätze"),
        file.display()
    );
    Ok(())
}

async fn backup(store: &Store, url: &str, file: &std::path::Path) -> Result<(), String> {
    eprintln!("Sicherung nach {} …", file.display());
    store.backup(url, file).await.map_err(|e| e.to_string())?;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!(
        "Sicherung geschrieben: {} ({} KB).",
        file.display(),
        size.div_ceil(1024)
    );
    Ok(())
}

async fn restore(url: &str, file: &std::path::Path) -> Result<(), String> {
    eprintln!("Wiederherstellung aus {} …", file.display());
    let store = kreiskom_store::backup::restore(url, file)
        .await
        .map_err(|e| e.to_string())?;
    let records = store
        .export()
        .await
        .map_err(|e| e.to_string())?
        .record_count();
    println!(
        "Wiederhergestellt aus {}: {}.",
        file.display(),
        german_count(records, "Datensatz", "Datensätze")
    );
    Ok(())
}

/// Writes the static copy of the public site.
async fn publish(
    config: &Config,
    store: &Store,
    out: &Path,
    url: Option<String>,
) -> Result<(), String> {
    let Some(public_url) = url.or_else(|| config.public_url.clone()) else {
        return Err(
            "Bitte mit --url angeben, unter welcher Adresse die Kopie erreichbar sein wird (oder public_url setzen): Feeds, Kalender und Sitemaps nennen sie".into(),
        );
    };
    let public_url = public_url.trim_end_matches('/').to_owned();
    if !(public_url.starts_with("https://") || public_url.starts_with("http://")) {
        return Err(format!(
            "„{public_url}“ ist keine Webadresse (http:// oder https://)"
        ));
    }
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    // Every page of one consistent state, read from memory.
    let snapshot = store.snapshot().await.map_err(|e| e.to_string())?;
    let store = &snapshot;
    let site = Site::new(store.clone(), config.templates_dir.clone()).with_public_url(&public_url);
    let media = config
        .media
        .open()
        .map_err(|e| format!("Medienablage: {e}"))?;
    // The demo's pictures (named "…-demo") live in the binary until a
    // server has put them into the media store.
    let tenants: Vec<kreiskom_core::Tenant> =
        store.records(None).await.map_err(|e| e.to_string())?;
    for t in &tenants {
        let files: Vec<kreiskom_core::MediaFile> = store
            .records(Some(&t.slug))
            .await
            .map_err(|e| e.to_string())?;
        if files.iter().any(|f| f.slug.as_str().ends_with("-demo")) {
            demo_pictures(&media).await?;
            break;
        }
    }
    let state = AppState::new(store.clone(), site.clone(), None).with_media(media);
    let now = jiff::Timestamp::now();
    let mut starts = vec!["/robots.txt".to_owned()];
    for t in &tenants {
        let slug = t.slug.as_str();
        starts.extend(
            site.public_paths(slug, now)
                .await
                .map_err(|e| e.to_string())?,
        );
        for file in [
            "presse/feed.atom",
            "termine.ics",
            "sitemap.xml",
            "farbe.css",
            // The search page (reached by the header's form, not a link)
            // and the index its script searches in the copy.
            "suche",
            "suche/index.json",
        ] {
            starts.push(format!("/{slug}/{file}"));
        }
    }
    let app = kreiskom_web::app_for_export(state);
    let report = kreiskom_web::export::export_site(app, out, &starts, |n, path| {
        if n % 100 == 0 {
            eprintln!("Export: {n} Dateien, zuletzt {path}");
        }
    })
    .await
    .map_err(|e| format!("{}: {e}", out.display()))?;
    for (path, from) in &report.broken {
        eprintln!(
            "Warnung: {path} (verlinkt von {from}) ist nicht erreichbar und fehlt in der Kopie."
        );
    }
    println!(
        "Statische Kopie in {}: {} geschrieben, {} unverändert, {} entfernt.",
        out.display(),
        german_count(report.written, "Datei", "Dateien"),
        report.unchanged,
        report.removed,
    );
    Ok(())
}

/// Checks every external address the districts publish and keeps the
/// results for the freshness dashboard.
async fn check_links(config: &Config, store: &Store, only: Option<String>) -> Result<(), String> {
    let site = Site::new(store.clone(), config.templates_dir.clone());
    let tenants: Vec<kreiskom_core::Tenant> =
        store.records(None).await.map_err(|e| e.to_string())?;
    let chosen: Vec<&kreiskom_core::Tenant> = tenants
        .iter()
        .filter(|t| only.as_deref().is_none_or(|o| t.slug.as_str() == o))
        .collect();
    if chosen.is_empty() {
        return Err(match only {
            Some(o) => format!("Landkreis „{o}“ gibt es nicht"),
            None => "Es gibt noch keinen Landkreis".to_owned(),
        });
    }
    let now = jiff::Timestamp::now();
    let mut urls = Vec::new();
    for t in chosen {
        let scope = store
            .tenant_scope(&t.slug)
            .await
            .map_err(|e| e.to_string())?;
        let years = i16::try_from(config.freshness.fact_years).unwrap_or(i16::MAX);
        let view = site
            .freshness(&t.slug, &scope, now, years, None)
            .await
            .map_err(|e| e.to_string())?;
        urls.extend(view.external_urls().iter().cloned());
    }
    urls.sort();
    urls.dedup();
    eprintln!("{} externe Links werden geprüft.", urls.len());
    let results = kreiskom_channels::links::check_all(
        &urls,
        kreiskom_channels::links::GAP,
        |done, all, r| {
            let outcome = match (&r.error, r.status, &r.final_url, r.robots_denied) {
                (_, _, _, true) => "nicht geprüft: robots.txt schließt es aus".to_owned(),
                (Some(e), ..) => format!("keine Antwort ({e})"),
                (None, Some(s), Some(to), _) => format!("{s}, umgezogen nach {to}"),
                (None, Some(s), None, _) => s.to_string(),
                (None, None, ..) => "ohne Ergebnis".to_owned(),
            };
            eprintln!("Link {done} von {all}: {} – {outcome}", r.url);
        },
    )
    .await;
    let (mut fine, mut moved, mut failed, mut skipped) = (0, 0, 0, 0);
    for r in &results {
        store.save_link_check(r).await.map_err(|e| e.to_string())?;
        match (r.robots_denied, &r.error, r.status, &r.final_url) {
            (true, ..) => skipped += 1,
            (_, Some(_), ..) => failed += 1,
            (_, _, Some(s), _) if s >= 400 => failed += 1,
            (_, _, _, Some(_)) => moved += 1,
            _ => fine += 1,
        }
    }
    println!(
        "{} geprüft: {fine} in Ordnung, {moved} umgezogen, {failed} fehlerhaft, {skipped} von robots.txt ausgeschlossen.",
        match results.len() {
            1 => "1 Link".to_owned(),
            n => format!("{n} Links"),
        }
    );
    Ok(())
}

async fn export(store: &Store, format: Format, output: Option<PathBuf>) -> Result<(), String> {
    let (text, what, extension) = match format {
        Format::Json => {
            let dataset = store.export().await.map_err(|e| e.to_string())?;
            let what = german_count(dataset.record_count(), "Datensatz", "Datensätze");
            (dataset.to_canonical_json(), what, "json")
        }
        Format::Wikidata => {
            let regions: Vec<kreiskom_core::Region> =
                store.records(None).await.map_err(|e| e.to_string())?;
            let partnerships: Vec<kreiskom_core::Partnership> =
                store.records(None).await.map_err(|e| e.to_string())?;
            let (stated, left_out) =
                kreiskom_core::wikidata::from_registry(&regions, &partnerships);
            let twinnings: Vec<_> = stated.into_iter().map(|(_, t)| t).collect();
            let mut what = german_count(twinnings.len(), "Partnerschaft", "Partnerschaften");
            if !left_out.is_empty() {
                what.push_str(&format!(
                    " (ohne {}, bei denen einer Seite die Wikidata-Kennung fehlt)",
                    german_count(left_out.len(), "Partnerschaft", "Partnerschaften")
                ));
            }
            (
                kreiskom_core::wikidata::quickstatements(&twinnings),
                what,
                "tsv",
            )
        }
    };
    match output {
        Some(path) => {
            // Write next to the target and rename, so a crash never leaves half a file.
            let tmp = path.with_extension(format!("{extension}.tmp"));
            std::fs::write(&tmp, &text)
                .map_err(|e| format!("{} kann nicht geschrieben werden: {e}", tmp.display()))?;
            std::fs::rename(&tmp, &path)
                .map_err(|e| format!("{} kann nicht geschrieben werden: {e}", path.display()))?;
            eprintln!("{what} nach {} exportiert.", path.display());
        }
        None => {
            std::io::stdout()
                .write_all(text.as_bytes())
                .map_err(|e| format!("Ausgabe fehlgeschlagen: {e}"))?;
            eprintln!("{what} exportiert.");
        }
    }
    Ok(())
}

/// Puts the files of the demo's pictures into the media store (again, if
/// the store was emptied), in the sizes an upload would make.
async fn demo_pictures(media: &kreiskom_media::Media) -> Result<(), String> {
    let dataset = parse_dataset(DEMO, "Demodaten")?;
    for t in &dataset.tenants {
        for file in &t.media_files {
            let (tenant, folder) = (t.tenant.slug.as_str(), file.slug.as_str());
            let bytes = DEMO_PICTURES
                .iter()
                .find(|(name, _)| *name == file.file_name)
                .map(|(_, bytes)| *bytes)
                .ok_or_else(|| format!("Demobild {} fehlt", file.file_name))?;
            let prepared = kreiskom_media::prepare(bytes).map_err(|e| e.to_string())?;
            let original = &prepared.variants[0].name;
            if media
                .get(tenant, folder, original)
                .await
                .map_err(|e| e.to_string())?
                .is_none()
            {
                media
                    .put(tenant, folder, &prepared)
                    .await
                    .map_err(|e| format!("Medienablage: {e}"))?;
            }
        }
    }
    Ok(())
}

async fn serve(
    config: Config,
    store: Store,
    demo: bool,
    listen: Option<String>,
    with_worker: bool,
) -> Result<(), String> {
    let empty = store.is_empty().await.map_err(|e| e.to_string())?;
    if demo && empty {
        let dataset = parse_dataset(DEMO, "Demodaten")?;
        let n = import_with_progress(&store, &dataset).await?;
        println!(
            "Demodaten geladen: {} aus den Quelltexten.",
            german_count(n, "Datensatz", "Datensätze")
        );
    } else if demo {
        println!("Die Datenbank enthält schon Daten; die Demodaten werden nicht erneut geladen.");
    } else if empty {
        println!("Die Datenbank ist leer. Daten hinzufügen mit `kreiskom import datei.json`,");
        println!("über die API unter /api/v1 (Token: KREISKOM_API_TOKEN) oder mit `kreiskom serve --demo`.");
    }
    if demo {
        demo_accounts(&store).await?;
    }
    let api_token = config.api_token.clone().and_then(ApiToken::new);
    if api_token.is_none() {
        println!("Hinweis: Schreibzugriffe über die API sind gesperrt, bis api_token (KREISKOM_API_TOKEN) gesetzt ist.");
    }
    let address = listen.unwrap_or_else(|| config.listen.clone());
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .map_err(|e| format!("Adresse {address} nicht verfügbar: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{local}"));
    let site = Site::new(store.clone(), config.templates_dir.clone()).with_public_url(&public_url);
    let media = config
        .media
        .open()
        .map_err(|e| format!("Medienablage: {e}"))?;
    if demo {
        demo_pictures(&media).await?;
    }
    let search = kreiskom_web::search::Search::open(&config.search.dir)
        .map_err(|e| format!("{e} (search.dir, KREISKOM_SEARCH__DIR)"))?;
    let mut state = AppState::new(store.clone(), site.clone(), api_token).with_media(media);
    state.printer = std::sync::Arc::new(kreiskom_print::Printer::new(
        config.templates_dir.as_deref(),
    ));
    state.search = std::sync::Arc::new(search);
    state.security.https = public_url.starts_with("https://");
    state.fact_years = i16::try_from(config.freshness.fact_years).unwrap_or(i16::MAX);
    state.mailer = mailer(&config, false)?;
    state.secret_key = match secret_key(&config)? {
        Some(key) => Some(key),
        None if demo => {
            println!("Hinweis: Kein Schlüssel (secret_key) gesetzt; für die Demo gilt einer bis zum Ende dieses Laufs. Ein zweiter Faktor oder der Zugang zu einem Kanal, hier eingerichtet, gilt danach nicht mehr.");
            Some(kreiskom_secrets::SecretKey::ephemeral())
        }
        None => {
            println!("Hinweis: Ohne secret_key (KREISKOM_SECRET_KEY) kann niemand einen zweiten Faktor einrichten oder den Zugang zu einem Kanal hinterlegen.");
            None
        }
    };
    if !config.figures.count_views {
        state.views = None;
    }
    let views = state.views.clone();
    if let Some(counter) = views.clone() {
        let store = store.clone();
        let keep_days = i64::from(config.figures.keep_days);
        tokio::spawn(async move {
            let mut cleaned: Option<jiff::civil::Date> = None;
            loop {
                tokio::time::sleep(VIEWS_WRITTEN_EVERY).await;
                if let Err(e) = counter.flush(&store).await {
                    tracing::warn!(error = %e, "could not write the counted page views; kept for the next try");
                }
                let today = jiff::Timestamp::now()
                    .to_zoned(kreiskom_core::berlin())
                    .date();
                if cleaned != Some(today) {
                    let before = today
                        .checked_sub(jiff::Span::new().days(keep_days))
                        .unwrap_or(today);
                    match store.forget_page_views(before).await {
                        Ok(_) => cleaned = Some(today),
                        Err(e) => tracing::warn!(error = %e, "could not drop old page view counts"),
                    }
                }
            }
        });
    }
    let worker = match with_worker {
        true => {
            let runner = outbox_runner(
                &config,
                &store,
                site,
                state.printer.clone(),
                state
                    .media
                    .clone()
                    .expect("the media library was opened above"),
                state.secret_key.clone(),
            )?;
            let task = runner
                .clone()
                .spawn(state.jobs.clone(), std::time::Duration::from_secs(5));
            Some((runner, task))
        }
        false => None,
    };
    // Other nodes' (and the command line's) changes reach this node's pages.
    store.watch_generation(std::time::Duration::from_millis(250));
    kreiskom_web::search::Search::spawn_follower(state.clone());
    let app = kreiskom_web::app(state);
    println!("kreiskom läuft auf http://{local}/");
    if demo {
        println!("Zum Beispiel: http://{local}/harz/partnerschaften");
    }
    let _ = std::io::stdout().flush();
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .map_err(|e| e.to_string())?;
    if let Some((runner, task)) = worker {
        runner.stop();
        let _ = task.await;
    }
    if let Some(counter) = views {
        if let Err(e) = counter.flush(&store).await {
            eprintln!("Die zuletzt gezählten Seitenaufrufe konnten nicht gespeichert werden: {e}");
        }
    }
    store.close().await;
    Ok(())
}

/// How often counted page views are written to the database.
const VIEWS_WRITTEN_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// `kreiskom search reindex`.
async fn reindex(config: &Config, store: &Store) -> Result<(), String> {
    let dir = &config.search.dir;
    let search = kreiskom_web::search::Search::open(dir).map_err(|e| e.to_string())?;
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| kreiskom_publish::DEFAULT_PUBLIC_URL.to_owned());
    let site = Site::new(store.clone(), config.templates_dir.clone()).with_public_url(&public_url);
    let n = search
        .rebuild(store, &site, jiff::Timestamp::now(), |tenant, docs| {
            eprintln!(
                "Suchindex: {tenant} – {}",
                german_count(docs, "Eintrag", "Einträge")
            );
        })
        .await?;
    println!(
        "Suchindex in {} neu aufgebaut: {}.",
        dir.display(),
        german_count(n, "Eintrag", "Einträge")
    );
    Ok(())
}

/// The configured mail server, if any; `tell` says once what its absence
/// means.
fn mailer(config: &Config, tell: bool) -> Result<Option<kreiskom_channels::smtp::Mailer>, String> {
    match &config.smtp {
        Some(smtp) => Ok(Some(kreiskom_channels::smtp::Mailer::new(
            &smtp.settings()?,
        )?)),
        None => {
            if tell {
                println!("Hinweis: Kein Mailserver eingerichtet (smtp); Pressemitteilungen werden nicht per E-Mail verteilt, Einladungen und Links zum Zurücksetzen werden der Administration angezeigt.");
            }
            Ok(None)
        }
    }
}

/// The outbox runner with a handler for every job kind.
fn outbox_runner(
    config: &Config,
    store: &Store,
    site: Site,
    printer: std::sync::Arc<kreiskom_print::Printer>,
    media: kreiskom_media::Media,
    secret_key: Option<kreiskom_secrets::SecretKey>,
) -> Result<std::sync::Arc<kreiskom_channels::Runner>, String> {
    let print = kreiskom_print::PrintShop::new(printer, store.clone(), Some(media.clone()));
    Ok(std::sync::Arc::new(kreiskom_channels::runner(
        kreiskom_channels::Parts {
            store: store.clone(),
            clock: std::sync::Arc::new(jiff::Timestamp::now),
            site,
            mailer: mailer(config, true)?,
            print,
            media: Some(media),
            secret_key,
        },
    )))
}

/// The installation's key from the config.
fn secret_key(config: &Config) -> Result<Option<kreiskom_secrets::SecretKey>, String> {
    config
        .secret_key
        .as_deref()
        .map(kreiskom_secrets::SecretKey::parse)
        .transpose()
        .map_err(|e| e.to_string())
}

/// Only the outbox runner, so workers can run apart from web nodes.
async fn worker(config: Config, store: Store, once: bool, every: u64) -> Result<(), String> {
    let public_url = match &config.public_url {
        Some(url) => url.clone(),
        None => {
            let url = format!("http://{}", config.listen);
            println!("Hinweis: public_url ist nicht gesetzt; Links in E-Mails zeigen auf {url}.");
            url
        }
    };
    let site = Site::new(store.clone(), config.templates_dir.clone()).with_public_url(&public_url);
    let printer = std::sync::Arc::new(kreiskom_print::Printer::new(
        config.templates_dir.as_deref(),
    ));
    let media = config.media.open().map_err(|e| e.to_string())?;
    let runner = outbox_runner(&config, &store, site, printer, media, secret_key(&config)?)?;
    if once {
        let start = std::time::Instant::now();
        let r = runner.run_due().await.map_err(|e| e.to_string())?;
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "Versand: {} geplant, {} zugestellt, {} fehlgeschlagen, {} später erneut, {} unklar; {} s, {} Nachrichten/s.",
            german_count(r.planned, "Auftrag", "Aufträge"),
            german_number(r.delivered as f64),
            german_number(r.failed as f64),
            german_number(r.retried as f64),
            german_number(r.uncertain as f64),
            german_number((seconds * 10.0).round() / 10.0),
            german_number((r.delivered as f64 / seconds.max(0.001)).round())
        );
        store.close().await;
        return Ok(());
    }
    println!("kreiskom-Worker läuft (alle {every} s).");
    let _ = std::io::stdout().flush();
    let task = runner.clone().spawn(
        std::sync::Arc::new(tokio::sync::Notify::new()),
        std::time::Duration::from_secs(every.max(1)),
    );
    shutdown().await;
    println!("kreiskom-Worker beendet den laufenden Versand …");
    runner.stop();
    let _ = task.await;
    store.close().await;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
