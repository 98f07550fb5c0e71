//! Dates as the sources give them: a day, a month, a year, the start or end
//! of a year ("Anfang 2003"), or a decade ("Anfang der 1960er Jahre").
//! A partial date is never widened to an invented day; comparisons use the
//! period it covers.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

use jiff::civil::Date;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Early,
    Late,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum PartialDate {
    Day(Date),
    Month {
        year: i16,
        month: i8,
    },
    Year(i16),
    /// "Anfang 2003" (January–April) or "Ende 2003" (September–December).
    YearPart {
        year: i16,
        part: Part,
    },
    /// The decade starting at the given year, e.g. 1960 for "1960er Jahre".
    Decade(i16),
    DecadePart {
        decade: i16,
        part: Part,
    },
}

/// The months in German, as dates are written and typed.
pub const MONTHS: [&str; 12] = [
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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Ungültiges Datum „{0}“: erwartet z. B. 3.7.2014, Juli 2014, 2003, Anfang 2003, Ende 2003, 1960er oder Anfang der 1960er Jahre")]
pub struct DateError(pub String);

impl PartialDate {
    pub fn year(year: i16) -> Self {
        Self::Year(year)
    }

    pub fn parse(s: &str) -> Result<Self, DateError> {
        let err = || DateError(s.to_owned());
        let (part, rest) = match s.split_once(' ') {
            Some(("early", rest)) => (Some(Part::Early), rest),
            Some(("late", rest)) => (Some(Part::Late), rest),
            Some(_) => return Err(err()),
            None => (None, s),
        };
        let year = |t: &str| -> Result<i16, DateError> {
            if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
                t.parse().map_err(|_| err())
            } else {
                Err(err())
            }
        };
        if let Some(decade) = rest.strip_suffix('s') {
            let decade = year(decade)?;
            if decade % 10 != 0 {
                return Err(err());
            }
            return Ok(match part {
                Some(part) => Self::DecadePart { decade, part },
                None => Self::Decade(decade),
            });
        }
        if let Some(part) = part {
            return Ok(Self::YearPart {
                year: year(rest)?,
                part,
            });
        }
        let fields: Vec<&str> = rest.split('-').collect();
        match fields.as_slice() {
            [y] => Ok(Self::Year(year(y)?)),
            [y, m] if m.len() == 2 => {
                let month: i8 = m.parse().map_err(|_| err())?;
                if !(1..=12).contains(&month) {
                    return Err(err());
                }
                Ok(Self::Month {
                    year: year(y)?,
                    month,
                })
            }
            [y, m, d] if m.len() == 2 && d.len() == 2 => {
                let (y, m, d) = (
                    year(y)?,
                    m.parse().map_err(|_| err())?,
                    d.parse().map_err(|_| err())?,
                );
                Date::new(y, m, d).map(Self::Day).map_err(|_| err())
            }
            _ => Err(err()),
        }
    }

    /// Reads a date as people in Germany type it: "3.7.2014",
    /// "03.07.2014", "Juli 2014", "7/2014", "Anfang 2003", "Ende 2003",
    /// "2003", "1960er", "Anfang der 1960er Jahre"; the stored form
    /// ("2014-07-03", "early 2003") is read too.
    pub fn parse_german(input: &str) -> Result<Self, DateError> {
        let s = input.trim();
        if let Ok(d) = Self::parse(s) {
            return Ok(d);
        }
        let err = || DateError(input.to_owned());
        let words: Vec<&str> = s.split_whitespace().collect();
        let (part, words) = match words.as_slice() {
            ["Anfang", "der", rest @ ..] | ["Anfang", rest @ ..] => (Some(Part::Early), rest),
            ["Ende", "der", rest @ ..] | ["Ende", rest @ ..] => (Some(Part::Late), rest),
            rest => (None, rest),
        };
        let year = |t: &str| -> Option<i16> {
            (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse().ok())
                .flatten()
        };
        let decade = |t: &str| year(t.strip_suffix("er")?).filter(|y| y % 10 == 0);
        match words {
            [d] | [d, "Jahre"] if decade(d).is_some() => {
                let decade = decade(d).ok_or_else(err)?;
                Ok(match part {
                    Some(part) => Self::DecadePart { decade, part },
                    None => Self::Decade(decade),
                })
            }
            [y] if year(y).is_some() => {
                let year = year(y).ok_or_else(err)?;
                Ok(match part {
                    Some(part) => Self::YearPart { year, part },
                    None => Self::Year(year),
                })
            }
            [m, y] if part.is_none() => {
                let month = MONTHS
                    .iter()
                    .position(|n| {
                        n.eq_ignore_ascii_case(m.trim_end_matches('.'))
                            || n[..3].eq_ignore_ascii_case(m.trim_end_matches('.'))
                    })
                    .ok_or_else(err)? as i8
                    + 1;
                Ok(Self::Month {
                    year: year(y).ok_or_else(err)?,
                    month,
                })
            }
            [one] if part.is_none() => {
                let numbers: Vec<&str> = one.split(['.', '/']).collect();
                let n = |t: &str| t.parse::<i8>().ok().filter(|_| (1..=2).contains(&t.len()));
                match numbers.as_slice() {
                    [d, m, y] => {
                        let (d, m, y) = (
                            n(d).ok_or_else(err)?,
                            n(m).ok_or_else(err)?,
                            year(y).ok_or_else(err)?,
                        );
                        Date::new(y, m, d).map(Self::Day).map_err(|_| err())
                    }
                    [m, y] => {
                        let month = n(m).filter(|m| (1..=12).contains(m)).ok_or_else(err)?;
                        Ok(Self::Month {
                            year: year(y).ok_or_else(err)?,
                            month,
                        })
                    }
                    _ => Err(err()),
                }
            }
            _ => Err(err()),
        }
    }

    /// The date as `parse_german` reads it back: "3.7.2014", "Juli 2014",
    /// "Anfang 2003", "1960er".
    pub fn german_input(&self) -> String {
        let part = |p: Part| match p {
            Part::Early => "Anfang",
            Part::Late => "Ende",
        };
        match *self {
            Self::Day(d) => format!("{}.{}.{}", d.day(), d.month(), d.year()),
            Self::Month { year, month } => format!("{} {year}", MONTHS[(month - 1) as usize]),
            Self::Year(y) => y.to_string(),
            Self::YearPart { year, part: p } => format!("{} {year}", part(p)),
            Self::Decade(d) => format!("{d}er"),
            Self::DecadePart { decade, part: p } => format!("{} der {decade}er Jahre", part(p)),
        }
    }

    /// The first day of the period the date covers.
    pub fn first_day(&self) -> Date {
        match *self {
            Self::Day(date) => date,
            Self::Month { year, month } => ymd(year, month, 1),
            Self::Year(year) => ymd(year, 1, 1),
            Self::YearPart {
                year,
                part: Part::Early,
            } => ymd(year, 1, 1),
            Self::YearPart {
                year,
                part: Part::Late,
            } => ymd(year, 9, 1),
            Self::Decade(decade)
            | Self::DecadePart {
                decade,
                part: Part::Early,
            } => ymd(decade, 1, 1),
            Self::DecadePart {
                decade,
                part: Part::Late,
            } => ymd(decade + 7, 1, 1),
        }
    }

    /// The last day of the period the date covers.
    pub fn last_day(&self) -> Date {
        match *self {
            Self::Day(date) => date,
            Self::Month { year, month } => ymd(year, month, 1).last_of_month(),
            Self::Year(year)
            | Self::YearPart {
                year,
                part: Part::Late,
            } => ymd(year, 12, 31),
            Self::YearPart {
                year,
                part: Part::Early,
            } => ymd(year, 4, 30),
            Self::Decade(decade)
            | Self::DecadePart {
                decade,
                part: Part::Late,
            } => ymd(decade + 9, 12, 31),
            Self::DecadePart {
                decade,
                part: Part::Early,
            } => ymd(decade + 3, 12, 31),
        }
    }

    /// The year the date lies in, if it names one.
    pub fn calendar_year(&self) -> Option<i16> {
        match *self {
            Self::Day(date) => Some(date.year()),
            Self::Month { year, .. } | Self::Year(year) | Self::YearPart { year, .. } => Some(year),
            Self::Decade(_) | Self::DecadePart { .. } => None,
        }
    }
}

/// A day of a period bound; the arguments are always a real date.
fn ymd(year: i16, month: i8, day: i8) -> Date {
    Date::new(year, month, day).expect("valid by construction")
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = |p: &Part| match p {
            Part::Early => "early",
            Part::Late => "late",
        };
        match self {
            Self::Day(date) => write!(f, "{date}"),
            Self::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Self::Year(year) => write!(f, "{year:04}"),
            Self::YearPart { year, part: p } => write!(f, "{} {year:04}", part(p)),
            Self::Decade(decade) => write!(f, "{decade:04}s"),
            Self::DecadePart { decade, part: p } => write!(f, "{} {decade:04}s", part(p)),
        }
    }
}

impl Ord for PartialDate {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.first_day(), self.last_day()).cmp(&(other.first_day(), other.last_day()))
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl TryFrom<String> for PartialDate {
    type Error = DateError;
    fn try_from(s: String) -> Result<Self, DateError> {
        Self::parse(&s)
    }
}

impl From<PartialDate> for String {
    fn from(d: PartialDate) -> String {
        d.to_string()
    }
}

impl JsonSchema for PartialDate {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "PartialDate".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "Datum in der Genauigkeit der Quelle: 2014-07-03, 2022-12, 2003, early 2003, late 2003, 1960s, early 1960s",
            "pattern": "^((early|late) )?[0-9]{4}(s|-[0-9]{2}(-[0-9]{2})?)?$",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_input_round_trips() {
        for (typed, stored, shown) in [
            ("3.7.2014", "2014-07-03", "3.7.2014"),
            ("03.07.2014", "2014-07-03", "3.7.2014"),
            ("Juli 2014", "2014-07", "Juli 2014"),
            ("7/2014", "2014-07", "Juli 2014"),
            ("Anfang 2003", "early 2003", "Anfang 2003"),
            ("Ende 2003", "late 2003", "Ende 2003"),
            ("2003", "2003", "2003"),
            ("1960er", "1960s", "1960er"),
            (
                "Anfang der 1960er Jahre",
                "early 1960s",
                "Anfang der 1960er Jahre",
            ),
            ("2014-07-03", "2014-07-03", "3.7.2014"),
        ] {
            let d = PartialDate::parse_german(typed).unwrap();
            assert_eq!(d.to_string(), stored, "{typed}");
            assert_eq!(d.german_input(), shown, "{typed}");
            assert_eq!(PartialDate::parse_german(&d.german_input()).unwrap(), d);
        }
        for bad in ["31.2.2014", "Juno 2014", "1965er", "13/2014", "morgen"] {
            assert!(PartialDate::parse_german(bad).is_err(), "{bad}");
        }
    }
    use jiff::civil::date;

    #[test]
    fn parses_every_precision_and_prints_it_back() {
        for s in [
            "2014-07-03",
            "2022-12",
            "2003",
            "early 2003",
            "late 2003",
            "1960s",
            "early 1960s",
            "late 1990s",
        ] {
            assert_eq!(PartialDate::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn rejects_invented_or_malformed_dates() {
        for s in [
            "",
            "2014-02-30",
            "2022-13",
            "03.07.2014",
            "1965s",
            "mid 2003",
            "2003-7",
            "20031",
        ] {
            assert!(PartialDate::parse(s).is_err(), "{s:?} must be rejected");
        }
    }

    #[test]
    fn partial_dates_cover_their_whole_period() {
        let y = PartialDate::parse("2003").unwrap();
        assert_eq!(
            (y.first_day(), y.last_day()),
            (date(2003, 1, 1), date(2003, 12, 31))
        );
        let m = PartialDate::parse("2024-02").unwrap();
        assert_eq!(m.last_day(), date(2024, 2, 29));
        let early = PartialDate::parse("early 2003").unwrap();
        let late = PartialDate::parse("late 2003").unwrap();
        assert!(early < late);
        assert!(early.last_day() < late.first_day());
        let sixties = PartialDate::parse("early 1960s").unwrap();
        assert_eq!(
            (sixties.first_day(), sixties.last_day()),
            (date(1960, 1, 1), date(1963, 12, 31))
        );
        assert_eq!(sixties.calendar_year(), None);
        assert_eq!(late.calendar_year(), Some(2003));
    }

    #[test]
    fn orders_by_period_start_then_end() {
        let mut dates: Vec<PartialDate> = ["2003", "late 2003", "2003-12", "early 2003", "2000"]
            .iter()
            .map(|s| PartialDate::parse(s).unwrap())
            .collect();
        dates.sort();
        let order: Vec<String> = dates.iter().map(ToString::to_string).collect();
        assert_eq!(
            order,
            ["2000", "early 2003", "2003", "late 2003", "2003-12"]
        );
    }
}
