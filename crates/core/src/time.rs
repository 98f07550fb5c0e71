//! Local time in Germany: appointments and embargoes are given as wall-clock
//! time in Europe/Berlin ("am 03. Juli 2014 um 13:00 Uhr"), and only turned
//! into an instant where the clock is compared.

use std::borrow::Cow;
use std::fmt;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

/// The current instant; replaceable so tests can ask "what did the page
/// say on 1 June 2023?", let a lockout or a lease run out.
pub type Clock = std::sync::Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// Europe/Berlin from the time zone database built into the binary, so an
/// embargo never depends on the machine's tzdata.
/// "Donnerstag".
pub fn weekday(date: jiff::civil::Date) -> &'static str {
    const WEEKDAYS: [&str; 7] = [
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
    ];
    WEEKDAYS[date.weekday().to_monday_zero_offset() as usize]
}

pub fn berlin() -> TimeZone {
    TimeZone::get("Europe/Berlin").expect("the bundled tz database knows Europe/Berlin")
}

/// A wall-clock time in Germany, to the minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LocalTime(DateTime);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Ungültige Zeitangabe „{0}“: erwartet z. B. 03.07.2014 13:00 oder 2014-07-03T13:00")]
pub struct LocalTimeError(pub String);

impl LocalTime {
    pub fn new(time: DateTime) -> Self {
        Self(
            time.with()
                .second(0)
                .subsec_nanosecond(0)
                .build()
                .unwrap_or(time),
        )
    }

    pub fn parse(s: &str) -> Result<Self, LocalTimeError> {
        let err = || LocalTimeError(s.to_owned());
        let s = s.trim();
        if let Ok(t) = s.parse::<DateTime>() {
            return Ok(Self::new(t));
        }
        // German style: "03.07.2014 13:00" or "03.07.2014, 13:00 Uhr".
        let s = s.trim_end_matches("Uhr").trim().replace(',', " ");
        let (day, time) = s.split_once(char::is_whitespace).ok_or_else(err)?;
        let mut d = day.split('.');
        let (Some(dd), Some(mm), Some(yyyy), None) = (d.next(), d.next(), d.next(), d.next())
        else {
            return Err(err());
        };
        let (h, m) = time.trim().split_once(':').ok_or_else(err)?;
        let num = |t: &str| t.trim().parse::<i16>().map_err(|_| err());
        let date = jiff::civil::Date::new(num(yyyy)?, num(mm)? as i8, num(dd)? as i8)
            .map_err(|_| err())?;
        let t = jiff::civil::Time::new(num(h)? as i8, num(m)? as i8, 0, 0).map_err(|_| err())?;
        Ok(Self(date.to_datetime(t)))
    }

    pub fn civil(self) -> DateTime {
        self.0
    }

    /// The instant this wall-clock time names in Germany. In the hour that
    /// happens twice in autumn, the earlier one.
    pub fn instant(self) -> Timestamp {
        berlin()
            .to_ambiguous_timestamp(self.0)
            .compatible()
            .expect("dates of the civil range fit a timestamp")
    }

    pub fn at(instant: Timestamp) -> Self {
        Self::new(instant.to_zoned(berlin()).datetime())
    }

    /// "03.07.2014, 13:00 Uhr".
    pub fn german(self) -> String {
        self.0.strftime("%d.%m.%Y, %H:%M Uhr").to_string()
    }

    /// "Donnerstag, 03.07.2014, 13:00 Uhr", for an appointment.
    pub fn german_with_weekday(self) -> String {
        format!("{}, {}", weekday(self.0.date()), self.german())
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.strftime("%Y-%m-%dT%H:%M"))
    }
}

impl TryFrom<String> for LocalTime {
    type Error = LocalTimeError;
    fn try_from(s: String) -> Result<Self, LocalTimeError> {
        Self::parse(&s)
    }
}

impl From<LocalTime> for String {
    fn from(t: LocalTime) -> String {
        t.to_string()
    }
}

impl JsonSchema for LocalTime {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "LocalTime".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "Ortszeit in Deutschland, z. B. 2014-07-03T13:00",
            "examples": ["2014-07-03T13:00"],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_and_iso_input_mean_the_same_minute() {
        let a = LocalTime::parse("03.07.2014 13:00").unwrap();
        let b = LocalTime::parse("2014-07-03T13:00").unwrap();
        let c = LocalTime::parse("03.07.2014, 13:00 Uhr").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a.to_string(), "2014-07-03T13:00");
        assert_eq!(a.german(), "03.07.2014, 13:00 Uhr");
        assert!(LocalTime::parse("31.02.2014 13:00").is_err());
        assert!(LocalTime::parse("morgen").is_err());
    }

    #[test]
    fn summer_and_winter_time_give_the_right_instant() {
        let summer = LocalTime::parse("2014-07-03T13:00").unwrap();
        assert_eq!(summer.instant().to_string(), "2014-07-03T11:00:00Z");
        let winter = LocalTime::parse("2026-11-23T10:00").unwrap();
        assert_eq!(winter.instant().to_string(), "2026-11-23T09:00:00Z");
        assert_eq!(LocalTime::at(winter.instant()), winter);
    }
}
