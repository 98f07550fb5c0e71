//! `kreiskom print`: the print office's PDFs on the command line.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use clap::Subcommand;
use kreiskom_core::{PressRelease, PrintForm, TenantSlug};
use kreiskom_print::{CardLayout, CardsFor, Pdf, PrintShop, Printer};
use kreiskom_store::Store;

use kreiskom_publish::german_count as count;

use crate::config::Config;

#[derive(Subcommand)]
pub enum PrintCommand {
    /// Visitenkarten (85 × 55 mm) einer Organisationseinheit oder einzelner Personen:
    /// A4-Bögen mit Schnittmarken für die Druckerei, mit --single eine Karte je Seite
    Cards {
        /// Landkreis (Kennung), z. B. harz
        #[arg(long)]
        tenant: String,
        /// Alle Personen dieser Organisationseinheit (Kennung)
        #[arg(long, conflicts_with = "person")]
        unit: Option<String>,
        /// Diese Person (Kennung); mehrfach möglich
        #[arg(long)]
        person: Vec<String>,
        /// Eine Karte je Seite statt A4-Bögen
        #[arg(long)]
        single: bool,
        /// Karten je Person (z. B. 10 für einen ganzen Bogen)
        #[arg(long, default_value_t = 1)]
        copies: usize,
        /// Zieldatei
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Namensschilder für die Teilnehmerlisten einer Aktivität (eine PDF-Datei je Liste)
    /// oder für eine Teilnehmerliste
    Badges {
        #[arg(long)]
        tenant: String,
        /// Aktivität (Kennung): alle ihre Teilnehmerlisten
        #[arg(long, required_unless_present = "list", conflicts_with = "list")]
        activity: Option<String>,
        /// Teilnehmerliste (Kennung)
        #[arg(long)]
        list: Option<String>,
        /// Zieldatei; bei mehreren Listen ein Ordner
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Eine Pressemitteilung als Brief im Erscheinungsbild des Landkreises
    Release {
        #[arg(long)]
        tenant: String,
        /// Nummer („150/14“) oder Kennung der Pressemitteilung
        release: String,
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Einen Vordruck als barrierearmes A4-PDF
    Form {
        #[arg(long)]
        tenant: String,
        /// Kennung des Vordrucks
        form: String,
        #[arg(long, short)]
        out: PathBuf,
    },
}

pub async fn run(config: &Config, store: Store, command: PrintCommand) -> Result<(), String> {
    let media = config.media.open().map_err(|e| e.to_string())?;
    let printer = Arc::new(Printer::new(config.templates_dir.as_deref()));
    let shop = PrintShop::new(printer, store.clone(), Some(media));
    let tenant = |t: &str| {
        TenantSlug::parse(t).map_err(|_| format!("„{t}“ ist keine Kennung eines Landkreises"))
    };
    let started = Instant::now();
    match command {
        PrintCommand::Cards {
            tenant: t,
            unit,
            person,
            single,
            copies,
            out,
        } => {
            let t = tenant(&t)?;
            let who = match unit {
                Some(u) => CardsFor::Unit(u),
                None if !person.is_empty() => CardsFor::People(person),
                None => return Err("Bitte --unit oder --person angeben".to_owned()),
            };
            let cards = shop.cards(&t, &who).await.map_err(|e| e.to_string())?;
            eprintln!(
                "Setze {} …",
                count(cards.len() * copies.max(1), "Visitenkarte", "Visitenkarten")
            );
            let layout = if single {
                CardLayout::Single
            } else {
                CardLayout::Sheet
            };
            let pdf = shop
                .typeset_cards(&t, cards, layout, copies)
                .await
                .map_err(|e| e.to_string())?;
            write(&out, &pdf, started)
        }
        PrintCommand::Badges {
            tenant: t,
            activity,
            list,
            out,
        } => {
            let t = tenant(&t)?;
            let lists = match (activity, list) {
                (_, Some(l)) => vec![
                    store
                        .get::<kreiskom_core::ParticipantList>(Some(&t), &l)
                        .await
                        .map_err(|e| e.to_string())?
                        .ok_or_else(|| format!("Die Teilnehmerliste „{l}“ gibt es nicht."))?
                        .record,
                ],
                (Some(a), None) => {
                    let lists = shop
                        .participant_lists(&t, &a)
                        .await
                        .map_err(|e| e.to_string())?;
                    if lists.is_empty() {
                        return Err(format!(
                            "Zur Aktivität „{a}“ gibt es keine Teilnehmerliste."
                        ));
                    }
                    lists
                }
                (None, None) => return Err("Bitte --activity oder --list angeben".to_owned()),
            };
            let several = lists.len() > 1;
            if several {
                std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
            }
            for (i, l) in lists.iter().enumerate() {
                eprintln!(
                    "[{}/{}] {}: {} …",
                    i + 1,
                    lists.len(),
                    l.title,
                    count(l.participants.len(), "Namensschild", "Namensschilder")
                );
                let pdf = shop.name_badges(&t, l).await.map_err(|e| e.to_string())?;
                let file = if several {
                    out.join(format!("namensschilder-{}.pdf", l.slug))
                } else {
                    out.clone()
                };
                write(&file, &pdf, started)?;
            }
            Ok(())
        }
        PrintCommand::Release {
            tenant: t,
            release,
            out,
        } => {
            let t = tenant(&t)?;
            let releases = store
                .records::<PressRelease>(Some(&t))
                .await
                .map_err(|e| e.to_string())?;
            let r = releases
                .iter()
                .find(|r| {
                    r.slug.as_str() == release
                        || r.workflow.number.is_some_and(|n| n.to_string() == release)
                })
                .ok_or_else(|| format!("Die Pressemitteilung „{release}“ gibt es nicht."))?;
            let pdf = shop
                .release_letter(&t, r)
                .await
                .map_err(|e| e.to_string())?;
            write(&out, &pdf, started)
        }
        PrintCommand::Form {
            tenant: t,
            form,
            out,
        } => {
            let t = tenant(&t)?;
            let f = store
                .get::<PrintForm>(Some(&t), &form)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("Den Vordruck „{form}“ gibt es nicht."))?
                .record;
            let pdf = shop.form(&t, &f).await.map_err(|e| e.to_string())?;
            write(&out, &pdf, started)
        }
    }
}

fn write(out: &Path, pdf: &Pdf, started: Instant) -> Result<(), String> {
    std::fs::write(out, &pdf.bytes).map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!(
        "{} geschrieben: {}, {} KB, in {} s.",
        out.display(),
        count(pdf.pages, "Seite", "Seiten"),
        pdf.bytes.len().div_ceil(1024),
        format!("{:.1}", started.elapsed().as_secs_f64()).replace('.', ",")
    );
    Ok(())
}
