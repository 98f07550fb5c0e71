//! How dates, numbers and the domain's words read to a German reader.

use kreiskom_core::date::Part;
use kreiskom_core::{PartialDate, Status, StatusAt};

const MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

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

/// "aktiv seit 1995", "geplant seit Dezember 2022", "beendet 1988".
pub fn status(at: &StatusAt) -> String {
    let word = match at.status {
        Status::Undated => return "besteht (Beginn nicht bekannt)".to_owned(),
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
        assert_eq!(
            status(&at(Status::Undated, None)),
            "besteht (Beginn nicht bekannt)"
        );
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
