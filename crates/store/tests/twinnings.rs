//! Lists of twinnings into the registry, on a real SQLite file and a real
//! PostgreSQL server: the world's twin-town list of 26,114 rows
//! (`shared/data/twincities`) and small lists with tricky names.

use kreiskom_core::twinning::{read_csv, Decision, Decisions, TwinningRow};
use kreiskom_core::{Actor, CountryCode, Kind, Partnership, Region, RegionSlug};
use kreiskom_store::{ImportStep, Store, StoreError};

fn twin_town_list() -> Vec<TwinningRow> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/twincities/twin_cities_raw.csv"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let (rows, problems) = read_csv(&text).unwrap();
    assert_eq!(rows.len() + problems.len(), 26_114);
    rows
}

fn operator() -> Actor {
    Actor::operator("test")
}

async fn import(
    store: &Store,
    rows: &[TwinningRow],
    decisions: &Decisions,
) -> kreiskom_core::twinning::Plan {
    store
        .import_twinnings(&operator(), None, rows, decisions, false, |_| {})
        .await
        .unwrap()
}

fn region<'a>(regions: &'a [Region], slug: &str) -> &'a Region {
    regions
        .iter()
        .find(|r| r.slug.as_str() == slug)
        .unwrap_or_else(|| panic!("no region {slug}"))
}

async fn the_whole_twin_town_list_goes_in_once(url: &str) {
    let store = Store::connect(url).await.unwrap();
    let rows = twin_town_list();
    let mut steps = Vec::new();
    let first = store
        .import_twinnings(&operator(), None, &rows, &Decisions::new(), false, |s| {
            steps.push(s)
        })
        .await
        .unwrap();
    let regions: Vec<Region> = store.records(None).await.unwrap();
    let partnerships: Vec<Partnership> = store.records(None).await.unwrap();
    assert_eq!(regions.len(), first.regions.len());
    assert_eq!(partnerships.len(), first.partnerships.len());
    // Wikipedia lists most twinnings from both sides: far fewer
    // partnerships than rows, and every row accounted for.
    assert!(
        (20_000..26_000).contains(&partnerships.len()),
        "{} partnerships",
        partnerships.len()
    );
    let waiting: usize = first.questions.iter().map(|q| q.lines.len()).sum();
    assert_eq!(
        first.partnerships.len() + first.known + waiting + first.problems.len(),
        rows.len()
    );
    // Progress: matched, then writing up to the total.
    assert_eq!(steps.first(), Some(&ImportStep::Matched));
    let total = regions.len() + partnerships.len();
    assert_eq!(
        steps.last(),
        Some(&ImportStep::Written { done: total, total })
    );

    // Countries as ISO codes whatever the list wrote; Bérat in France
    // and Berat in Albania are two towns; Iași is one town however spelt.
    let goslar = region(&regions, "goslar");
    assert_eq!((goslar.name(), goslar.country.as_str()), ("Goslar", "DE"));
    let windsor = region(&regions, "windsor-and-maidenhead");
    assert_eq!(windsor.country.as_str(), "GB");
    assert_eq!(region(&regions, "berat").country.as_str(), "AL");
    assert_eq!(region(&regions, "berat-fr").name(), "Bérat");
    let iasi: Vec<&Region> = regions
        .iter()
        .filter(|r| r.country.as_str() == "RO" && r.slug.as_str().starts_with("iasi"))
        .collect();
    assert_eq!(iasi.len(), 1, "{iasi:?}");
    let goslar_partners: Vec<&str> = partnerships
        .iter()
        .filter(|p| p.regions[0].as_str() == "goslar")
        .map(|p| p.regions[1].as_str())
        .collect();
    for partner in [
        "arcachon",
        "beroun",
        "brzeg",
        "forres",
        "windsor-and-maidenhead",
    ] {
        assert!(goslar_partners.contains(&partner), "{goslar_partners:?}");
    }
    // Lohne and Löhne are both in the list: the second one met waits.
    let lohne = first
        .questions
        .iter()
        .find(|q| q.name == "Lohne" || q.name == "Löhne")
        .expect("Lohne/Löhne asked");
    assert_eq!(lohne.country.as_str(), "DE");
    // What was written is valid as a whole.
    store.export().await.unwrap().check().unwrap();

    let before = store.export().await.unwrap().to_canonical_json();
    let second = import(&store, &rows, &Decisions::new()).await;
    assert!(
        second.changes_nothing(),
        "{} regions, {} partnerships",
        second.regions.len(),
        second.partnerships.len()
    );
    assert_eq!(second.questions, first.questions);
    assert_eq!(store.export().await.unwrap().to_canonical_json(), before);
}

const TRICKY: &str = "city1,country1,city2,country2,year\n\
    Löhne,Germany,Iași,Romania,1995\n\
    Lohne,Germany,Iasi,Romania,\n\
    Munster,Germany,Trzebnica,Poland,\n\
    Münster,Germany,Trzebnica,Polen,\n";

async fn decisions_settle_the_waiting_rows_and_stay_settled(url: &str) {
    let store = Store::connect(url).await.unwrap();
    let (rows, _) = read_csv(TRICKY).unwrap();
    let first = import(&store, &rows, &Decisions::new()).await;
    let asked: Vec<&str> = first.questions.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(asked, ["Lohne", "Münster"]);
    assert_eq!(first.partnerships.len(), 2);

    let de = CountryCode::parse("DE").unwrap();
    let mut decisions = Decisions::new();
    decisions.insert(("Lohne".into(), de.clone()), Decision::New);
    // Here the list meant the Westphalian city by "Munster".
    decisions.insert(
        ("Münster".into(), de),
        Decision::Same(RegionSlug::parse("munster").unwrap()),
    );
    let decided = import(&store, &rows, &decisions).await;
    assert!(decided.questions.is_empty());
    assert_eq!(decided.regions.len(), 1, "Lohne is new");
    assert_eq!(decided.aliased.len(), 1);
    let regions: Vec<Region> = store.records(None).await.unwrap();
    assert_eq!(region(&regions, "munster").aliases, ["Münster"]);
    let trail = store
        .audit_of_record(Kind::Region, None, "munster")
        .await
        .unwrap();
    assert!(
        trail.iter().any(|e| e
            .after
            .as_ref()
            .is_some_and(|a| a.to_string().contains("Münster"))),
        "the alias is audited: {trail:?}"
    );
    // The decided rows now match for certain, with or without the file
    // of decisions.
    for decisions in [decisions, Decisions::new()] {
        let again = import(&store, &rows, &decisions).await;
        assert!(again.changes_nothing());
        assert!(again.questions.is_empty(), "{:?}", again.questions);
        assert_eq!(again.known, 4);
    }
}

async fn coordinators_and_the_operator_import_and_a_dry_run_writes_nothing(url: &str) {
    let store = Store::connect(url).await.unwrap();
    let (rows, _) = read_csv(TRICKY).unwrap();
    let harz = kreiskom_core::TenantSlug::parse("harz").unwrap();
    let account = |role| {
        Actor::account(
            "someone@example.org",
            vec![kreiskom_core::Grant {
                tenant: harz.clone(),
                role,
            }],
        )
    };
    let press = account(kreiskom_core::Role::PressOfficer);
    let coordinator = account(kreiskom_core::Role::PartnershipCoordinator);
    for (actor, on_behalf) in [(&press, Some(&harz)), (&coordinator, None)] {
        let refused = store
            .import_twinnings(actor, on_behalf, &rows, &Decisions::new(), false, |_| {})
            .await;
        assert!(matches!(refused, Err(StoreError::Forbidden)), "{refused:?}");
    }
    let dry = store
        .import_twinnings(
            &coordinator,
            Some(&harz),
            &rows,
            &Decisions::new(),
            true,
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!(dry.partnerships.len(), 2);
    assert!(store.is_empty().await.unwrap());
    let done = store
        .import_twinnings(
            &coordinator,
            Some(&harz),
            &rows,
            &Decisions::new(),
            false,
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!(done.partnerships.len(), 2);
    let (log, _) = store.audit_of_tenant(&harz, 0, 10).await.unwrap();
    assert_eq!(log[0].actor, "someone@example.org", "kept under the tenant");
}

kreiskom_testkit::on_both_backends!(
    the_whole_twin_town_list_goes_in_once,
    decisions_settle_the_waiting_rows_and_stay_settled,
    coordinators_and_the_operator_import_and_a_dry_run_writes_nothing,
);
