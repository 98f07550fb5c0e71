//! The demo data holds the facts of the five source texts in shared/seeds.

use kreiskom_core::{Dataset, EventKind, FactKind, PartialDate, Record, Region, Status};

fn demo() -> Dataset {
    let d: Dataset = serde_json::from_str(include_str!("../../../demo/demo.json")).unwrap();
    d.check().unwrap();
    d
}

fn region<'a>(d: &'a Dataset, slug: &str) -> &'a Region {
    d.regions
        .iter()
        .find(|r| r.slug.as_str() == slug)
        .unwrap_or_else(|| panic!("region {slug}"))
}

fn fact(r: &Region, kind: FactKind) -> (f64, Option<String>) {
    let f = r
        .fact(kind)
        .unwrap_or_else(|| panic!("{} has no {kind:?}", r.slug));
    (f.value, f.as_of.map(|d| d.to_string()))
}

#[test]
fn every_german_district_of_the_texts_is_a_tenant() {
    let d = demo();
    let mut slugs: Vec<&str> = d.tenants.iter().map(|t| t.tenant.slug.as_str()).collect();
    slugs.sort();
    assert_eq!(
        slugs,
        [
            "goslar",
            "harz",
            "nordhausen",
            "spree-neisse",
            "stade",
            "unterallgaeu",
            "vorpommern-ruegen"
        ]
    );
}

#[test]
fn partner_region_facts_keep_their_year_or_a_doubt() {
    let d = demo();
    assert_eq!(
        fact(region(&d, "judet-bistrita-nasaud"), FactKind::Population),
        (286225.0, Some("2011".into()))
    );
    assert_eq!(
        fact(region(&d, "territoire-de-belfort"), FactKind::Population),
        (143348.0, None)
    );
    assert_eq!(
        fact(region(&d, "judet-iasi"), FactKind::Population),
        (816910.0, None)
    );
    assert_eq!(
        fact(region(&d, "iasi"), FactKind::Population),
        (279404.0, None)
    );
    assert_eq!(
        fact(region(&d, "bistrita"), FactKind::Population),
        (75076.0, None)
    );
    assert_eq!(
        fact(region(&d, "powiat-konecki"), FactKind::AreaKm2),
        (1139.9, None)
    );
    assert!(
        region(&d, "powiat-konecki")
            .fact(FactKind::Population)
            .unwrap()
            .approximate,
        "etwa 84 000"
    );
    for slug in [
        "territoire-de-belfort",
        "judet-iasi",
        "iasi",
        "bistrita",
        "powiat-konecki",
        "konskie",
    ] {
        assert!(
            region(&d, slug).doubts.iter().any(|x| x.field == "facts"),
            "{slug}: missing year is marked"
        );
    }
    assert!(region(&d, "judet-iasi").doubts.iter().any(|x| x
        .source_text
        .as_deref()
        .unwrap_or("")
        .contains("lași")));
    assert!(region(&d, "tillaberi")
        .doubts
        .iter()
        .any(|x| x.field == "country"));
}

#[test]
fn timelines_keep_the_precision_of_the_texts() {
    let d = demo();
    let p = |slug: &str| {
        d.partnerships
            .iter()
            .find(|p| p.slug.as_str() == slug)
            .unwrap()
    };
    let dates = |slug: &str| -> Vec<(EventKind, Option<String>)> {
        p(slug)
            .sorted_timeline()
            .iter()
            .map(|e| (e.kind, e.date.map(|d| d.to_string())))
            .collect()
    };
    use EventKind::*;
    assert_eq!(
        dates("goslar-trebnitz"),
        [
            (SponsorshipStarted, Some("1951".into())),
            (SponsorshipEnded, Some("1988".into())),
            (CharterSigned, Some("2000".into()))
        ]
    );
    assert_eq!(
        dates("harz-bistrita-nasaud"),
        [
            (LetterOfIntent, Some("early 2003".into())),
            (CooperationAgreement, Some("late 2003".into())),
            (TransferredByReform, Some("2009".into()))
        ]
    );
    assert_eq!(dates("harz-belfort")[0], (Founded, Some("1995".into())));
    assert_eq!(
        dates("nordhausen-unterallgaeu"),
        [
            (FirstContact, Some("1991".into())),
            (CharterSigned, Some("2019".into()))
        ]
    );
    let gostyn = dates("nordhausen-gostyn");
    assert!(
        gostyn.contains(&(CouncilResolution, Some("2022-12".into())))
            && gostyn.contains(&(Planned, Some("2023".into())))
    );
    let today = jiff::civil::date(2026, 11, 23);
    assert_eq!(
        p("nordhausen-gostyn").status_at(today).status,
        Status::Planned
    );
    assert_eq!(
        p("harz-belfort").status_at(today).since,
        Some(PartialDate::parse("1995").unwrap())
    );
}

#[test]
fn every_municipal_twinning_of_landkreis_harz_is_there() {
    let d = demo();
    let towns = [
        "blankenburg-harz",
        "halberstadt",
        "harzgerode",
        "oberharz-am-brocken",
        "osterwieck",
        "quedlinburg",
        "thale",
        "wernigerode",
    ];
    let twinnings = d
        .partnerships
        .iter()
        .filter(|p| towns.contains(&p.regions[0].as_str()))
        .count();
    assert_eq!(
        twinnings, 21,
        "1 + 3 + 1 + 3 + 6 + 2 + 2 + 3 twinnings listed in the text"
    );
    let purhus = region(&d, "purhus-kommune");
    assert_eq!(purhus.successors[0].region.as_str(), "randers-kommune");
    assert_eq!(purhus.successors[0].date.unwrap().to_string(), "2007-01");
}

#[test]
fn goslar_units_collection_and_aid_convoy() {
    let d = demo();
    let goslar = d
        .tenants
        .iter()
        .find(|t| t.tenant.slug.as_str() == "goslar")
        .unwrap();
    let units: Vec<&str> = goslar.units.iter().map(|u| u.name.as_str()).collect();
    for unit in [
        "Steuerungsgruppe Kommunikation",
        "Pressestelle",
        "Verwaltungsmarketing und Öffentlichkeitsarbeit",
        "Vordruckstelle",
        "Zentrale Internetredaktion",
    ] {
        assert!(units.contains(&unit), "{unit}");
    }
    let convoy = goslar
        .activities
        .iter()
        .find(|a| a.slug.as_str() == "hilfskonvoi-2022")
        .unwrap();
    let figures: Vec<String> = convoy
        .figures
        .iter()
        .map(|f| format!("{:?} {} {}", f.qualifier, f.value, f.unit))
        .collect();
    assert_eq!(
        figures,
        [
            "Exact 15 Personen",
            "Exact 6 Fahrzeuge",
            "MoreThan 20 Paletten"
        ]
    );
    assert_eq!(convoy.start.unwrap().to_string(), "2022-03");
    let stube = &goslar.collections[0];
    assert_eq!(
        (stube.name.as_str(), stube.founded.unwrap().to_string()),
        ("Heimatstube", "early 1960s".into())
    );
    assert_eq!(
        stube.owner.as_ref().unwrap().as_str(),
        "heimatgruppe-trebnitz"
    );
}

#[test]
fn stade_channels_and_harz_contact_block() {
    let d = demo();
    let stade = d
        .tenants
        .iter()
        .find(|t| t.tenant.slug.as_str() == "stade")
        .unwrap();
    let since: Vec<(String, String)> = stade
        .channels
        .iter()
        .map(|c| {
            (
                c.handle.clone().unwrap_or_default(),
                c.since.unwrap().to_string(),
            )
        })
        .collect();
    assert!(since.contains(&("@lkstade".into(), "2014".into())));
    assert_eq!(
        since.iter().filter(|(_, s)| s == "2022-06-01").count(),
        2,
        "Facebook and Instagram from 1 June 2022"
    );
    let harz = d
        .tenants
        .iter()
        .find(|t| t.tenant.slug.as_str() == "harz")
        .unwrap();
    let unit = harz
        .units
        .iter()
        .find(|u| u.contact.email.is_some())
        .unwrap();
    assert_eq!(
        unit.contact.email.as_deref(),
        Some("standortfoerderung@kreis-hz.de")
    );
    assert_eq!(unit.contact.address.as_ref().unwrap().postal_code, "38820");
}

/// The fields a record of this kind can have, from its JSON Schema.
fn fields_of<R: Record>() -> Vec<String> {
    let schema = serde_json::to_value(schemars::schema_for!(R)).unwrap();
    schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

struct Doubts(Vec<String>);

impl kreiskom_core::RecordsVisitor for Doubts {
    fn visit<R: Record>(&mut self, records: &[R]) {
        check_doubts(records, &mut self.0);
    }
}

fn check_doubts<R: Record>(records: &[R], problems: &mut Vec<String>) {
    let fields = fields_of::<R>();
    for r in records {
        for d in r.doubts() {
            let root = d.field.split(['.', '[']).next().unwrap_or_default();
            if !fields.iter().any(|f| f == root) {
                problems.push(format!("{:?} {}: no field {}", R::KIND, r.slug(), d.field));
            }
            if d.note.trim().len() < 20 {
                problems.push(format!("{:?} {}: note too short", R::KIND, r.slug()));
            }
        }
    }
}

#[test]
fn every_doubt_is_about_a_field_and_says_why() {
    let d = demo();
    let mut problems = Vec::new();
    check_doubts(&d.regions, &mut problems);
    check_doubts(&d.partnerships, &mut problems);
    let mut tenants = Doubts(Vec::new());
    for t in &d.tenants {
        t.each(&mut tenants);
    }
    problems.extend(tenants.0);
    assert!(problems.is_empty(), "{problems:#?}");
    // The source's misreadings are kept where a value was corrected.
    let tillaberi = region(&d, "tillaberi");
    assert_eq!(tillaberi.country.as_str(), "NE");
    let doubt = &tillaberi.doubts[0];
    assert_eq!(doubt.shown, kreiskom_core::Shown::Corrected);
    assert!(doubt.source_text.as_deref().unwrap().contains("Nigeria"));
    // Old facts are flagged for the freshness review.
    let belfort = region(&d, "territoire-de-belfort");
    assert!(belfort
        .doubts
        .iter()
        .any(|d| d.field == "website" && d.outdated));
}

#[test]
fn press_release_150_14_is_cleaned_numbered_and_keeps_its_appointment() {
    let d = demo();
    let sn = d
        .tenants
        .iter()
        .find(|t| t.tenant.slug.as_str() == "spree-neisse")
        .unwrap();
    let r = &sn.press_releases[0];
    assert_eq!(r.workflow.number.unwrap().to_string(), "150/14");
    assert_eq!(
        kreiskom_core::LocalTime::at(r.workflow.released_at.unwrap())
            .civil()
            .date(),
        jiff::civil::date(2014, 7, 1)
    );
    // The scraped page repeats two paragraphs; the release has each once.
    assert_eq!(r.body.matches("Neben Besichtigungen").count(), 1);
    assert_eq!(r.body.matches("Bereits 2013").count(), 1);
    assert!(r.doubts.iter().any(|d| d.field == "body"));
    let a = r.appointment.as_ref().unwrap();
    assert_eq!(a.start.german(), "03.07.2014, 13:00 Uhr");
    assert_eq!(a.room.as_deref(), Some("Raum A1.11"));
    assert_eq!(a.address.city, "Forst (Lausitz)");
    assert_eq!(sn.tenant.first_release_number(2014), 150);
}

#[test]
fn demo_pictures_list_the_sizes_an_upload_makes() {
    let d = demo();
    let mut files = 0;
    for t in &d.tenants {
        for f in &t.media_files {
            let path = format!(
                "{}/../../demo/media/{}",
                env!("CARGO_MANIFEST_DIR"),
                f.file_name
            );
            let made = kreiskom_media::prepare(&std::fs::read(&path).unwrap()).unwrap();
            let sizes: Vec<(String, u32, u32)> = made
                .variants
                .iter()
                .map(|v| (v.name.clone(), v.width, v.height))
                .collect();
            let listed: Vec<(String, u32, u32)> = f
                .variants
                .iter()
                .map(|v| (v.name.clone(), v.width, v.height))
                .collect();
            assert_eq!(listed, sizes, "{}", f.slug);
            assert!(f.alt.contains("Demo-Bild"));
            files += 1;
        }
        // Every district has its (placeholder) arms among its pictures.
        let arms = t.tenant.coat_of_arms.as_deref().unwrap();
        assert!(t.media_files.iter().any(|f| f
            .variants
            .iter()
            .any(|v| arms == f.src(t.tenant.slug.as_str(), &v.name))));
    }
    assert_eq!(files, 9);
}
