//! The PDFs as poppler reads them: page size, text with its diacritics,
//! cards per sheet, and refusals that name the record.

use std::path::Path;

use kreiskom_testkit::Poppler;

use kreiskom_print::{
    Badge, Card, CardLayout, Design, FormSheet, FormSheetField, Letter, LetterAppointment,
    PrintError, Printer, CARDS_PER_SHEET,
};

fn text(pdf: &[u8]) -> String {
    Poppler::text(pdf)
}

fn harz() -> Design {
    Design {
        tenant: "harz".into(),
        name: "Landkreis Harz".into(),
        colour: "#0b3c7d".into(),
        address: vec![
            "Friedrich-Ebert-Straße 42".into(),
            "38820 Halberstadt".into(),
        ],
        website: Some("www.kreis-hz.de".into()),
        logo: Some((
            "logo.png".into(),
            std::fs::read(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/media/wappen-harz.png"),
            )
            .unwrap(),
        )),
    }
}

fn card(i: usize, name: &str) -> Card {
    Card {
        record: format!("Person „person-{i}“"),
        name: name.into(),
        role: Some("Sachbearbeiterin".into()),
        unit: Some("Fachdienst Wirtschaftsförderung/Tourismus/Kultur".into()),
        address: vec![
            "Friedrich-Ebert-Straße 42".into(),
            "38820 Halberstadt".into(),
        ],
        phone: Some("03941 5970-4203".into()),
        fax: Some("03941 5970-6783".into()),
        email: Some("standortfoerderung@kreis-hz.de".into()),
        website: None,
    }
}

#[test]
fn a_single_card_is_85_by_55_mm_with_its_contact() {
    let printer = Printer::new(None);
    let pdf = printer
        .business_cards(&harz(), &[card(1, "Anna Nowak")], CardLayout::Single)
        .unwrap();
    assert_eq!(pdf.pages, 1);
    assert_eq!(Poppler::page_mm(&pdf.bytes), (85, 55));
    assert_eq!(Poppler::info(&pdf.bytes, "Pages"), "1");
    let t = text(&pdf.bytes);
    for expected in [
        "Landkreis Harz",
        "Anna Nowak",
        "Sachbearbeiterin",
        "Fachdienst Wirtschaftsförderung/Tourismus/Kultur",
        "Friedrich-Ebert-Straße 42",
        "Telefon 03941 5970-4203",
        "Fax 03941 5970-6783",
        "standortfoerderung@kreis-hz.de",
    ] {
        assert!(t.contains(expected), "{expected:?} missing in {t}");
    }
}

#[test]
fn a4_sheets_hold_ten_cards_each() {
    let printer = Printer::new(None);
    let cards: Vec<Card> = (0..23)
        .map(|i| card(i, &format!("Person Nummer {i:02}")))
        .collect();
    let pdf = printer
        .business_cards(&harz(), &cards, CardLayout::Sheet)
        .unwrap();
    assert_eq!(CARDS_PER_SHEET, 10);
    assert_eq!(pdf.pages, 3, "23 cards take three sheets");
    assert_eq!(Poppler::page_mm(&pdf.bytes), (210, 297));
    for page in 1..=3 {
        let t = Poppler::page_text(&pdf.bytes, page);
        let on_page = t.matches("Person Nummer").count();
        assert_eq!(on_page, if page < 3 { 10 } else { 3 }, "page {page}: {t}");
    }
}

#[test]
fn badges_keep_polish_romanian_and_french_letters() {
    let printer = Printer::new(None);
    let badges = [
        ("Krzysztof Obratański", "Starosta", "Powiat Końskie"),
        ("Ioana Mureșan", "Consilier", "Județul Bistrița-Năsăud"),
        ("Ștefan Țurcanu", "Primar", "Iași"),
        ("Hélène Lefèvre", "Vice-présidente", "Territoire de Belfort"),
    ];
    let badges: Vec<Badge> = badges
        .iter()
        .enumerate()
        .map(|(i, (name, role, region))| Badge {
            record: format!("Teilnehmerliste „delegation“, Eintrag {}", i + 1),
            name: (*name).into(),
            role: Some((*role).into()),
            organisation: None,
            region: Some((*region).into()),
        })
        .collect();
    let pdf = printer
        .name_badges(&harz(), "Besuch der Delegationen 2024", &badges)
        .unwrap();
    assert_eq!(Poppler::page_mm(&pdf.bytes), (210, 297));
    let t = text(&pdf.bytes);
    for b in &badges {
        assert!(t.contains(&b.name), "{:?} missing in {t}", b.name);
        assert!(t.contains(b.region.as_deref().unwrap()), "{t}");
    }
    let fonts = Poppler::fonts(&pdf.bytes);
    assert!(
        fonts.contains("OpenSans"),
        "the bundled font is embedded: {fonts}"
    );
}

#[test]
fn a_name_too_long_shrinks_then_is_refused_naming_the_record() {
    let printer = Printer::new(None);
    // Long, but fits when set smaller: no error.
    let long = "Dr. Anna-Katharina Nowak-Wiśniewska";
    let pdf = printer
        .business_cards(&harz(), &[card(1, long)], CardLayout::Single)
        .unwrap();
    assert!(text(&pdf.bytes).contains(long));
    // Beyond the smallest readable size: refused, never clipped.
    let endless = "Anna Katharina Maria Theresia Nowak-Wiśniewska-Kowalczyk-Lewandowska";
    let err = printer
        .business_cards(&harz(), &[card(7, endless)], CardLayout::Single)
        .unwrap_err();
    match err {
        PrintError::Content(message) => {
            assert!(message.contains("Person „person-7“"), "{message}");
            assert!(message.contains("zu lang"), "{message}");
        }
        other => panic!("expected a content error, got {other:?}"),
    }
}

#[test]
fn a_release_letter_is_an_accessible_a4_pdf() {
    let printer = Printer::new(None);
    let letter = Letter {
        number: "150/14".into(),
        date: "01.07.2014".into(),
        title: "Landräte besiegeln Zusammenarbeit".into(),
        subtitle: Some("Partnerschaft mit dem Powiat Żarski".into()),
        body: "Der **Landkreis Spree-Neiße** und der Powiat Żarski arbeiten zusammen.\n\n- Jugend\n- Kultur\n\n#set page(width: 1pt)".into(),
        appointment: Some(LetterAppointment {
            when: "Donnerstag, 03.07.2014, 13:00 Uhr".into(),
            room: Some("Raum A1.11".into()),
            address: "Heinrich-Heine-Straße 1, 03149 Forst (Lausitz)".into(),
            available: Some("die Landräte".into()),
        }),
        contact: Some("Pressestelle Landkreis Spree-Neiße".into()),
    };
    let pdf = printer.release(&harz(), &letter).unwrap();
    assert_eq!(Poppler::page_mm(&pdf.bytes), (210, 297));
    assert_eq!(Poppler::info(&pdf.bytes, "Tagged"), "yes");
    assert!(Poppler::info(&pdf.bytes, "Title").contains("Nr. 150/14"));
    assert!(Poppler::claims_pdf_ua(&pdf.bytes), "PDF/UA-1");
    let t = text(&pdf.bytes);
    for expected in [
        "Nr. 150/14",
        "01.07.2014",
        "Landräte besiegeln Zusammenarbeit",
        "Powiat Żarski",
        "Termin für die Medien",
        "Raum A1.11",
        "Kontakt",
        "#set page(width: 1pt)",
    ] {
        assert!(t.contains(expected), "{expected:?} missing in {t}");
    }
}

#[test]
fn a_form_lays_out_its_fields_and_marks_required_ones() {
    let printer = Printer::new(None);
    let field = |label: &str, kind: &str, width: &str, required: bool| FormSheetField {
        label: label.into(),
        kind: serde_json::from_value(serde_json::json!(kind)).unwrap(),
        width: serde_json::from_value(serde_json::json!(width)).unwrap(),
        required,
    };
    let form = FormSheet {
        title: "Antrag auf Zuschuss für eine Jugendbegegnung".into(),
        number: Some("FD 31-07".into()),
        unit: Some("Fachdienst Wirtschaftsförderung/Tourismus/Kultur".into()),
        intro: Some("Bitte **vollständig** ausfüllen.".into()),
        fields: vec![
            field("Name des Vereins", "text", "full", true),
            field("Ansprechperson", "text", "half", true),
            field("Telefon", "text", "half", false),
            field("Beginn", "date", "third", true),
            field("Ende", "date", "third", true),
            field("Teilnehmende", "text", "third", false),
            field("Programm der Begegnung", "lines", "full", false),
            field("Wir sind gemeinnützig", "checkbox", "full", false),
            field("Unterschrift", "signature", "full", true),
        ],
    };
    let pdf = printer.form(&harz(), &form).unwrap();
    assert_eq!(Poppler::page_mm(&pdf.bytes), (210, 297));
    assert_eq!(Poppler::info(&pdf.bytes, "Tagged"), "yes");
    assert!(Poppler::claims_pdf_ua(&pdf.bytes), "PDF/UA-1");
    let t = text(&pdf.bytes);
    for expected in [
        "Antrag auf Zuschuss für eine Jugendbegegnung",
        "Name des Vereins *",
        "Telefon",
        "TT.MM.JJJJ",
        "Wir sind gemeinnützig",
        "Ort, Datum",
        "* Pflichtfeld",
        "Vordruck FD 31-07",
        "Seite 1 von 1",
    ] {
        assert!(t.contains(expected), "{expected:?} missing in {t}");
    }
    assert!(!t.contains("Telefon *"), "an optional field has no star");
}

#[test]
fn a_districts_own_template_replaces_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let own = dir.path().join("print/harz");
    std::fs::create_dir_all(&own).unwrap();
    let built_in = include_str!("../templates/design.typ");
    std::fs::write(
        own.join("design.typ"),
        built_in.replace(
            "#let grey = luma(90)",
            "#let grey = luma(90)\n#let motto = \"Harz – Reiseland\"",
        ),
    )
    .unwrap();
    std::fs::write(
        own.join("cards.typ"),
        "#import \"design.typ\": *\n#show: setup\n#set page(width: 85mm, height: 55mm)\n#motto\n#for c in data.cards [#c.name]\n",
    )
    .unwrap();
    let printer = Printer::new(Some(dir.path()));
    let pdf = printer
        .business_cards(&harz(), &[card(1, "Anna Nowak")], CardLayout::Single)
        .unwrap();
    let t = text(&pdf.bytes);
    assert!(
        t.contains("Harz – Reiseland") && t.contains("Anna Nowak"),
        "{t}"
    );
    // Another tenant still gets the built-in card.
    let mut goslar = harz();
    goslar.tenant = "goslar".into();
    goslar.name = "Landkreis Goslar".into();
    let pdf = printer
        .business_cards(&goslar, &[card(1, "Anna Nowak")], CardLayout::Single)
        .unwrap();
    assert!(!text(&pdf.bytes).contains("Reiseland"));
}

#[test]
fn a_broken_template_is_reported_as_such() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("print")).unwrap();
    std::fs::write(dir.path().join("print/badges.typ"), "#let x = (\n").unwrap();
    let err = Printer::new(Some(dir.path()))
        .name_badges(&harz(), "Besuch", &[])
        .unwrap_err();
    assert!(
        matches!(&err, PrintError::Template { template, .. } if template == "badges.typ"),
        "{err:?}"
    );
}
