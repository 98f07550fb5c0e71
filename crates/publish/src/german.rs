//! How dates, numbers and the domain's words read to a German reader.

use kreiskom_core::date::{Part, MONTHS};
use kreiskom_core::{Category, Gender, PartialDate, Status, StatusAt};
use serde::Serialize;

/// "3. Juli 2014", "Dezember 2022", "Anfang 2003", "Anfang der 1960er Jahre".
pub fn date(d: &PartialDate) -> String {
    let part = |p: &Part| match p {
        Part::Early => "Anfang",
        Part::Late => "Ende",
    };
    match d {
        PartialDate::Day(day) => format!(
            "{}. {} {}",
            day.day(),
            MONTHS[day.month() as usize - 1],
            day.year()
        ),
        PartialDate::Month { year, month } => format!("{} {year}", MONTHS[*month as usize - 1]),
        PartialDate::Year(year) => year.to_string(),
        PartialDate::YearPart { year, part: p } => format!("{} {year}", part(p)),
        PartialDate::Decade(decade) => format!("{decade}er Jahre"),
        PartialDate::DecadePart { decade, part: p } => format!("{} der {decade}er Jahre", part(p)),
    }
}

/// "1951 bis 1988", "seit 2000", "März 2022".
pub fn period(start: Option<&PartialDate>, end: Option<&PartialDate>) -> Option<String> {
    match (start, end) {
        (Some(s), Some(e)) if s == e => Some(date(s)),
        (Some(s), Some(e)) => Some(format!("{} bis {}", date(s), date(e))),
        (Some(s), None) => Some(date(s)),
        (None, Some(e)) => Some(format!("bis {}", date(e))),
        (None, None) => None,
    }
}

/// "aktiv seit 1995", "geplant seit Dezember 2022", "beendet 1988";
/// "besteht" where no source dates it (the page explains that once).
pub fn status(at: &StatusAt) -> String {
    let word = match at.status {
        Status::Undated => return "besteht".to_owned(),
        Status::NotYet => return "noch nicht begonnen".to_owned(),
        Status::Contact => "Kontakte",
        Status::Planned => "geplant",
        Status::Sponsorship => "Patenschaft",
        Status::Active => "aktiv",
        Status::Dormant => "ruhend",
        Status::Ended => "beendet",
    };
    match (&at.since, at.status) {
        (Some(since), Status::Ended) => format!("{word} {}", date(since)),
        (Some(since), _) => format!("{word} seit {}", date(since)),
        (None, _) => word.to_owned(),
    }
}

/// Kind words that open (or, as in "Randers Kommune", close) a name, with
/// their gender and genitive singular.
const KIND_WORDS: &[(&str, Gender, &str)] = &[
    ("Landkreis", Gender::Masculine, "Landkreises"),
    ("Kreis", Gender::Masculine, "Kreises"),
    ("Powiat", Gender::Masculine, "Powiats"),
    ("Județ", Gender::Masculine, "Județs"),
    ("Kanton", Gender::Masculine, "Kantons"),
    ("Bezirk", Gender::Masculine, "Bezirks"),
    ("Regierungsbezirk", Gender::Masculine, "Regierungsbezirks"),
    ("Markt", Gender::Masculine, "Marktes"),
    ("Ortsteil", Gender::Masculine, "Ortsteils"),
    ("Stadtteil", Gender::Masculine, "Stadtteils"),
    ("Freistaat", Gender::Masculine, "Freistaates"),
    ("Stadt", Gender::Feminine, "Stadt"),
    ("Kreisstadt", Gender::Feminine, "Kreisstadt"),
    ("Hansestadt", Gender::Feminine, "Hansestadt"),
    ("Landeshauptstadt", Gender::Feminine, "Landeshauptstadt"),
    ("Gemeinde", Gender::Feminine, "Gemeinde"),
    ("Samtgemeinde", Gender::Feminine, "Samtgemeinde"),
    ("Verbandsgemeinde", Gender::Feminine, "Verbandsgemeinde"),
    ("Gmina", Gender::Feminine, "Gmina"),
    ("Region", Gender::Feminine, "Region"),
    ("Woiwodschaft", Gender::Feminine, "Woiwodschaft"),
    ("Provinz", Gender::Feminine, "Provinz"),
    ("Kommune", Gender::Feminine, "Kommune"),
    ("Département", Gender::Neuter, "Départements"),
    ("Departement", Gender::Neuter, "Departements"),
    ("Amt", Gender::Neuter, "Amtes"),
    ("Land", Gender::Neuter, "Landes"),
    ("Bundesland", Gender::Neuter, "Bundeslandes"),
];

/// A name with its article in each case, as a sentence needs it:
/// "der Landkreis Harz", "des Landkreises Harz", "dem Landkreis Harz",
/// "den Landkreis Harz". A name without article (a town: "Trebnitz") reads
/// "von Trebnitz" where a genitive is asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cases {
    pub nom: String,
    pub gen: String,
    pub dat: String,
    pub acc: String,
    /// "im Landkreis Harz", "in der Stadt Goslar", "in Trebnitz".
    pub in_dat: String,
    /// "zum Landkreis Harz", "zur Stadt Goslar", "zu Trebnitz".
    pub zu_dat: String,
    /// "vom Landkreis Harz", "von der Stadt Goslar", "von Trebnitz".
    pub von_dat: String,
}

/// The cases of `name`; `gender` from the record where it gives one.
pub fn cases(name: &str, gender: Option<Gender>) -> Cases {
    let words: Vec<&str> = name.split(' ').collect();
    let kind_word = |w: &str| KIND_WORDS.iter().find(|(k, ..)| *k == w);
    // The head word is declined only where it opens the name ("des
    // Landkreises Harz"); a closing one gives just the article ("der
    // Randers Kommune").
    let head = words.first().and_then(|w| kind_word(w));
    let tail = (words.len() > 1)
        .then(|| words.last().and_then(|w| kind_word(w)))
        .flatten();
    let gender = gender
        .or(head.map(|(_, g, _)| *g))
        .or(tail.map(|(_, g, _)| *g));
    let Some(gender) = gender else {
        return Cases {
            nom: name.to_owned(),
            gen: format!("von {name}"),
            dat: name.to_owned(),
            acc: name.to_owned(),
            in_dat: format!("in {name}"),
            zu_dat: format!("zu {name}"),
            von_dat: format!("von {name}"),
        };
    };
    let genitive = match head {
        Some((word, _, gen)) => format!("{gen}{}", &name[word.len()..]),
        None => name.to_owned(),
    };
    let (nom, gen, dat, acc, in_dat, zu_dat, von_dat) = match gender {
        Gender::Masculine => ("der", "des", "dem", "den", "im", "zum", "vom"),
        Gender::Feminine => ("die", "der", "der", "die", "in der", "zur", "von der"),
        Gender::Neuter => ("das", "des", "dem", "das", "im", "zum", "vom"),
    };
    Cases {
        nom: format!("{nom} {name}"),
        gen: format!("{gen} {genitive}"),
        dat: format!("{dat} {name}"),
        acc: format!("{acc} {name}"),
        in_dat: format!("{in_dat} {name}"),
        zu_dat: format!("{zu_dat} {name}"),
        von_dat: format!("{von_dat} {name}"),
    }
}

/// The status next to its category: a Kontakt in contact reads "seit
/// 2013", not "Kontakt · Kontakte seit 2013".
pub fn status_in(category: Category, at: &StatusAt) -> String {
    match (category, at.status, &at.since) {
        (Category::Contact, Status::Contact, Some(since)) => format!("seit {}", date(since)),
        (Category::Contact, Status::Contact, None) => "besteht".to_owned(),
        _ => status(at),
    }
}

/// The state as one word for styling (`class="status status--aktiv"`).
pub fn state(status: Status) -> &'static str {
    match status {
        Status::Undated => "besteht",
        Status::NotYet | Status::Planned => "geplant",
        Status::Contact => "kontakt",
        Status::Sponsorship | Status::Active => "aktiv",
        Status::Dormant => "ruhend",
        Status::Ended => "beendet",
    }
}

/// 143348 → "143.348", 1139.9 → "1.139,9".
pub fn number(value: f64) -> String {
    let negative = value < 0.0;
    let text = format!("{}", value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let sign = if negative { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

/// 1 → "1 Datensatz", 10000 → "10.000 Datensätze".
pub fn count(n: usize, one: &str, many: &str) -> String {
    let word = if n == 1 { one } else { many };
    format!("{} {word}", number(n as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_declined_with_their_article() {
        let harz = cases("Landkreis Harz", None);
        assert_eq!(harz.nom, "der Landkreis Harz");
        assert_eq!(harz.gen, "des Landkreises Harz");
        assert_eq!(harz.dat, "dem Landkreis Harz");
        assert_eq!(harz.acc, "den Landkreis Harz");
        assert_eq!(harz.in_dat, "im Landkreis Harz");
        assert_eq!(harz.von_dat, "vom Landkreis Harz");
        assert_eq!(harz.zu_dat, "zum Landkreis Harz");
        assert_eq!(
            cases("Kreis Bistrița-Năsăud", None).gen,
            "des Kreises Bistrița-Năsăud"
        );
        assert_eq!(cases("Powiat konecki", None).gen, "des Powiats konecki");
        assert_eq!(
            cases("Woiwodschaft Heiligkreuz", None).dat,
            "der Woiwodschaft Heiligkreuz"
        );
        assert_eq!(
            cases("Département Territoire de Belfort", None).dat,
            "dem Département Territoire de Belfort"
        );
        assert_eq!(
            cases("Territoire de Belfort", Some(Gender::Neuter)).gen,
            "des Territoire de Belfort"
        );
        assert_eq!(
            cases("Franche-Comté", Some(Gender::Feminine)).in_dat,
            "in der Franche-Comté"
        );
        assert_eq!(cases("Randers Kommune", None).gen, "der Randers Kommune");
        let town = cases("Trebnitz", None);
        assert_eq!(
            (town.nom.as_str(), town.gen.as_str(), town.dat.as_str()),
            ("Trebnitz", "von Trebnitz", "Trebnitz")
        );
        // A word that only starts like a kind word is no kind word.
        assert_eq!(cases("Landkreisel", None).gen, "von Landkreisel");
        assert_eq!(cases("Stadtilm", None).dat, "Stadtilm");
    }

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(count(1, "Auftrag", "Aufträge"), "1 Auftrag");
        assert_eq!(count(0, "Auftrag", "Aufträge"), "0 Aufträge");
        assert_eq!(count(10000, "Datensatz", "Datensätze"), "10.000 Datensätze");
    }

    fn d(s: &str) -> PartialDate {
        PartialDate::parse(s).unwrap()
    }

    #[test]
    fn dates_read_as_german_readers_expect() {
        assert_eq!(date(&d("2014-07-03")), "3. Juli 2014");
        assert_eq!(date(&d("2022-12")), "Dezember 2022");
        assert_eq!(date(&d("1995")), "1995");
        assert_eq!(date(&d("early 2003")), "Anfang 2003");
        assert_eq!(date(&d("late 2003")), "Ende 2003");
        assert_eq!(date(&d("1990s")), "1990er Jahre");
        assert_eq!(date(&d("early 1960s")), "Anfang der 1960er Jahre");
        assert_eq!(
            period(Some(&d("1951")), Some(&d("1988"))).unwrap(),
            "1951 bis 1988"
        );
    }

    #[test]
    fn status_reads_with_its_date() {
        let at = |status, since: Option<&str>| StatusAt {
            status,
            since: since.map(d),
        };
        assert_eq!(status(&at(Status::Active, Some("1995"))), "aktiv seit 1995");
        assert_eq!(
            status(&at(Status::Planned, Some("2022-12"))),
            "geplant seit Dezember 2022"
        );
        assert_eq!(status(&at(Status::Ended, Some("1988"))), "beendet 1988");
        assert_eq!(status(&at(Status::Undated, None)), "besteht");
        assert_eq!(
            status_in(Category::Contact, &at(Status::Contact, Some("2013"))),
            "seit 2013"
        );
        assert_eq!(
            status_in(Category::Friendship, &at(Status::Contact, Some("2013"))),
            "Kontakte seit 2013"
        );
        assert_ne!(state(Status::Planned), state(Status::Active));
    }

    #[test]
    fn numbers_use_german_separators() {
        assert_eq!(number(143348.0), "143.348");
        assert_eq!(number(1139.9), "1.139,9");
        assert_eq!(number(816910.0), "816.910");
        assert_eq!(number(53.0), "53");
        assert_eq!(number(1000000.0), "1.000.000");
    }
}

/// A stored instant ("2026-11-23T09:05:00Z") as people in Germany read it:
/// "23.11.2026, 10:05 Uhr". Text that is no instant comes back unchanged.
pub fn timestamp(text: &str) -> String {
    let Ok(ts) = text.parse::<jiff::Timestamp>() else {
        return text.to_owned();
    };
    ts.to_zoned(kreiskom_core::berlin())
        .strftime("%d.%m.%Y, %H:%M Uhr")
        .to_string()
}

#[cfg(test)]
mod timestamp_tests {
    #[test]
    fn instants_are_shown_in_berlin_time() {
        assert_eq!(
            super::timestamp("2026-11-23T09:05:00Z"),
            "23.11.2026, 10:05 Uhr"
        );
        assert_eq!(
            super::timestamp("2026-07-01T09:05:00Z"),
            "01.07.2026, 11:05 Uhr"
        );
        assert_eq!(super::timestamp("gestern"), "gestern");
    }
}
