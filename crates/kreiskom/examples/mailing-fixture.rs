//! Prepares a database for `bench/mail`: the demo data, N journalists on
//! Goslar's regional press list, and the aid convoy release approved, so
//! its mail job to N + 1 recipients is due.
//!
//! `mailing-fixture DATABASE_URL N`

use kreiskom_core::{Actor, Dataset, Grant, Role, TenantSlug};
use kreiskom_store::Store;

const DEMO: &str = include_str!("../../../demo/demo.json");

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or("DATABASE_URL fehlt")?;
    let n: usize = args
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or("Anzahl fehlt")?;
    let store = Store::connect(&url).await.map_err(|e| e.to_string())?;
    let demo: Dataset = serde_json::from_str(DEMO).map_err(|e| e.to_string())?;
    let op = Actor::operator("bench");
    let goslar = TenantSlug::parse("goslar").map_err(|e| e.to_string())?;
    // Into the demo's data set, so one import writes them all.
    let mut data = serde_json::to_value(&demo).map_err(|e| e.to_string())?;
    let tenant = data["tenants"]
        .as_array_mut()
        .and_then(|t| t.iter_mut().find(|t| t["tenant"]["slug"] == "goslar"))
        .ok_or("Goslar fehlt in den Demodaten")?;
    let journalists = tenant["journalists"]
        .as_array_mut()
        .ok_or("Goslar hat keine Journalistenliste")?;
    for i in 0..n {
        journalists.push(serde_json::json!({
            "slug": format!("journalist-{i}"),
            "name": format!("Journalist {i}"),
            "email": format!("journalist-{i}@presse.example"),
            "mailing_lists": ["regionalpresse"],
            "consent": "2026-01-05"
        }));
    }
    let data: Dataset = serde_json::from_value(data).map_err(|e| e.to_string())?;
    store
        .import(&op, &data, |_, _| {})
        .await
        .map_err(|e| e.to_string())?;
    let head = Actor::account(
        "landrat@goslar.example",
        vec![Grant {
            tenant: goslar.clone(),
            role: Role::HeadOfAdministration,
        }],
    );
    store
        .approve_release(
            &head,
            &goslar,
            "hilfskonvoi-trebnitz",
            jiff::Timestamp::now(),
        )
        .await
        .map_err(|e| e.to_string())?;
    println!("{} Empfänger vorbereitet.", n + 1);
    Ok(())
}
