//! The network map of the whole installation (`/netzwerk`): every
//! standing partnership, filters by country and category, clusters that
//! lead to a closer view, and the table of what the map shows.

mod common;

use axum::http::StatusCode;
use common::{app, day, visible, App};
use kreiskom_core::twinning::{read_csv, Decisions};
use kreiskom_core::{Actor, Partnership, Region, Status};

/// The standing partnerships (not ended, begun) that `keep` picks.
async fn standing(app: &App, keep: impl Fn(&Partnership, &[Region]) -> bool) -> usize {
    let regions: Vec<Region> = app.store.records(None).await.unwrap();
    let today = day(2026, 12, 1);
    app.store
        .records::<Partnership>(None)
        .await
        .unwrap()
        .iter()
        .filter(|p| !matches!(p.status_at(today).status, Status::Ended | Status::NotYet))
        .filter(|p| keep(p, &regions))
        .count()
}

fn in_country(p: &Partnership, regions: &[Region], code: &str) -> bool {
    p.regions.iter().any(|side| {
        regions
            .iter()
            .any(|r| r.slug == *side && r.country.as_str() == code)
    })
}

/// The table's rows: place (or group) and its number of partnerships.
fn rows(html: &str) -> Vec<(String, String)> {
    let body = &html[html.find("<tbody>").unwrap()..html.find("</tbody>").unwrap()];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let cells: Vec<String> = row
                .split("<t")
                .skip(1)
                .map(|c| visible(&format!("<t{c}")).trim().to_owned())
                .collect();
            (cells[0].clone(), cells[2].clone())
        })
        .collect()
}

/// The address a group's row leads to: its area, closer.
fn zoom_of(html: &str, group: &str) -> Option<String> {
    let row = html
        .split("<tr>")
        .find(|row| row.contains(group) && row.contains("Ausschnitt zeigen"))?;
    let href = row.split("href=\"").nth(1)?;
    Some(href[..href.find('"')?].replace("&amp;", "&"))
}

async fn the_network_shows_every_standing_partnership(url: &str) {
    let app = app(url, true, day(2026, 12, 1)).await;
    let index = app.get("/").await.text;
    assert!(
        index.contains("href=\"/netzwerk\""),
        "the index leads there"
    );

    let page = app.get("/netzwerk").await;
    assert_eq!(page.status, StatusCode::OK);
    let all = standing(&app, |_, _| true).await;
    let text = visible(&page.text);
    assert!(
        text.contains(&format!("{all} Partnerschaften zwischen")),
        "{all}: {text}"
    );
    assert!(page.text.contains("<svg class=\"map\""));
    // The districts crowd in Germany; the group opens closer, where each
    // leads to its partnership page.
    let zoom = zoom_of(&page.text, "Landkreis Nordhausen").expect("a group for Germany");
    let germany = app.get(&zoom).await.text;
    assert!(
        germany.contains("href=\"/nordhausen/partnerschaften\""),
        "{zoom}"
    );
    // The table counts every partnership twice, once per side, as the map
    // draws each between two places.
    let counted: usize = rows(&page.text)
        .iter()
        .map(|(_, n)| n.replace('.', "").parse::<usize>().unwrap())
        .sum();
    assert!(counted <= 2 * all && counted > all, "{counted} of {all}");

    let poland = app.get("/netzwerk?land=pl").await;
    assert_eq!(poland.status, StatusCode::OK);
    let polish = standing(&app, |p, r| in_country(p, r, "PL")).await;
    assert!(polish > 0 && polish < all);
    let text = visible(&poland.text);
    assert!(
        text.contains(&format!("{polish} Partnerschaften zwischen")),
        "{text}"
    );
    assert!(poland
        .text
        .contains("<option value=\"PL\" selected>Polen ("));
    assert!(poland
        .text
        .contains("href=\"/netzwerk\">ganzes Netz zeigen"));
    assert!(!text.contains("Belfort"), "no French partner: {text}");

    let friends = app.get("/netzwerk?art=freundschaft").await;
    let n = standing(&app, |p, _| {
        p.category == kreiskom_core::Category::Friendship
    })
    .await;
    let word = if n == 1 {
        "Partnerschaft"
    } else {
        "Partnerschaften"
    };
    assert!(visible(&friends.text).contains(&format!("{n} {word} zwischen")));

    for wrong in [
        "/netzwerk?land=XX",
        "/netzwerk?art=liebe",
        "/netzwerk?bereich=1,2,3",
    ] {
        assert_eq!(
            app.get(wrong).await.status,
            StatusCode::NOT_FOUND,
            "{wrong}"
        );
    }
}

async fn crowded_towns_form_a_cluster_that_opens_closer(url: &str) {
    let app = app(url, true, day(2026, 12, 1)).await;
    // Three towns a few kilometres apart, each twinned far away.
    let list = "ort1,land1,breite1,länge1,ort2,land2,breite2,länge2\n\
        Reykjavík,Island,64.146,-21.94,Bergen,Norwegen,60.39,5.32\n\
        Kópavogur,Iceland,64.11,-21.91,Tromsø,Norwegen,69.65,18.96\n\
        Hafnarfjörður,Island,64.07,-21.95,Odense,Dänemark,55.4,10.39\n";
    let (list, problems) = read_csv(list).unwrap();
    assert!(problems.is_empty());
    app.store
        .import_twinnings(
            &Actor::operator("test"),
            None,
            &list,
            &Decisions::new(),
            false,
            |_| {},
        )
        .await
        .unwrap();
    let page = app.get("/netzwerk").await.text;
    assert!(
        rows(&page)
            .iter()
            .any(|(name, n)| name == "3 Orte: Hafnarfjörður, Kópavogur, Reykjavík" && n == "3"),
        "the towns crowd on the whole map"
    );
    let zoom = zoom_of(&page, "3 Orte: Hafnarfjörður").expect("the group opens closer");
    assert!(zoom.starts_with("/netzwerk?bereich="), "{zoom}");
    let closer = app.get(&zoom).await;
    assert_eq!(closer.status, StatusCode::OK);
    let closer_rows = rows(&closer.text);
    for town in ["Reykjavík", "Kópavogur", "Hafnarfjörður"] {
        assert!(
            closer_rows.iter().any(|(name, _)| name == town),
            "{town} has its own row in the closer view: {closer_rows:?}"
        );
    }
    // Each town's partner is named, though it lies outside the area.
    assert!(visible(&closer.text).contains("Tromsø"));
}

kreiskom_testkit::on_both_backends!(
    the_network_shows_every_standing_partnership,
    crowded_towns_form_a_cluster_that_opens_closer,
);
