//! Partnerships between two regions, with a dated timeline from which the
//! status at any date is derived (never stored, so it cannot go stale).

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::date::PartialDate;
use crate::doubt::Doubt;
use crate::record::{ref_opt, Kind, Record, Reference};
use crate::slug::{PartnershipSlug, RegionSlug};
use crate::validation::{Errors, FieldError};

/// The categories of the RGRE partnership database, plus the post-war
/// Patenschaft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Formal and open-ended.
    Partnership,
    /// Agreed, limited in time or to projects.
    Friendship,
    /// No formal basis.
    Contact,
    /// Limited in time and topic.
    ProjectPartnership,
    /// Patenschaft, the post-war sponsorships.
    Sponsorship,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Economy,
    Culture,
    Youth,
    Education,
    Health,
    Tourism,
    Sport,
    Administration,
    Environment,
    Social,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    SponsorshipStarted,
    SponsorshipEnded,
    FirstContact,
    /// The source says the partnership exists since then without naming
    /// the instrument ("seit 1995 ein befreundeter Partner").
    Founded,
    LetterOfIntent,
    CooperationAgreement,
    CharterSigned,
    CouncilResolution,
    TransferredByReform,
    /// A step announced for the date given (a planned signing).
    Planned,
    Dormant,
    Ended,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnershipEvent {
    /// Missing when the source names the event but not its date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    pub kind: EventKind,
    /// The region that acted on this side at the time, when it was not the
    /// partner of today (Landkreis Halberstadt before the 2007 reform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<RegionSlug>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The place in the story where dates cannot tell it: an undated event
    /// the text puts first. When any event has one, the timeline follows
    /// these numbers; events without one follow, by date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<u32>,
    /// The district that entered the event, where two share the record:
    /// the store sets it from who writes, nobody types it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<crate::TenantSlug>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Partnership {
    pub slug: PartnershipSlug,
    /// The two partners; by convention the German side first.
    pub regions: [RegionSlug; 2],
    pub category: Category,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<Topic>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<PartnershipEvent>,
    /// Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Photos of visits and exchanges, the partner's coat of arms: pictures
    /// of the media library.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<crate::Image>,
    /// The texts in the partner's language, for the page in that language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<Translation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

/// A language the public site can show a partnership page in besides
/// German: the languages of the demo's partners, each with the page's own
/// words (headings, labels, dates) in `kreiskom-publish`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    Pl,
    Fr,
    Ro,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::Pl, Language::Fr, Language::Ro];

    /// The ISO 639-1 code, as in `hreflang` and the page's address.
    pub fn code(self) -> &'static str {
        match self {
            Language::Pl => "pl",
            Language::Fr => "fr",
            Language::Ro => "ro",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// A partnership's texts in one partner language. Names come from the
/// regions' names in that language; what is not translated is left out
/// of that page, which links to the German one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    pub lang: Language,
    /// Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The timeline's notes, one per event in the order they are stored;
    /// empty where an event's note is not translated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Translation {
    /// The note of the `i`-th stored event, if translated.
    pub fn note(&self, i: usize) -> Option<&str> {
        self.notes
            .get(i)
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The timeline has no dated event: the source lists the partnership as
    /// existing but says nothing about when.
    Undated,
    /// The date lies before the first dated event.
    NotYet,
    Contact,
    Planned,
    Sponsorship,
    Active,
    Dormant,
    Ended,
}

/// The status at a date and the event that brought it about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusAt {
    pub status: Status,
    pub since: Option<PartialDate>,
}

impl Partnership {
    /// The translation into `lang`, if there is one.
    pub fn translation(&self, lang: Language) -> Option<&Translation> {
        self.translations.iter().find(|t| t.lang == lang)
    }

    fn check_translations(&self, e: &mut Errors) {
        let langs: Vec<Language> = self.translations.iter().map(|t| t.lang).collect();
        e.unique("translations", &langs);
        for (i, t) in self.translations.iter().enumerate() {
            let at = |rest: &str| format!("translations.{i}.{rest}");
            e.optional_text(&at("description"), &t.description, 20_000);
            if t.description.is_none() && t.notes.iter().all(|n| n.trim().is_empty()) {
                e.add(
                    at("description"),
                    "eine Übersetzung braucht eine Beschreibung oder eine übersetzte Notiz",
                );
            }
            for (n, note) in t.notes.iter().enumerate() {
                match self.timeline.get(n) {
                    None => e.add(
                        at(&format!("notes.{n}")),
                        format!(
                            "die Geschichte hat nur {} Ereignisse; diese Notiz gehört zu keinem",
                            self.timeline.len()
                        ),
                    ),
                    Some(ev) if ev.note.is_none() && !note.trim().is_empty() => e.add(
                        at(&format!("notes.{n}")),
                        "das Ereignis hat keine deutsche Notiz, die übersetzt werden könnte",
                    ),
                    Some(_) if note.chars().count() > 2000 => e.add(
                        at(&format!("notes.{n}")),
                        "ist zu lang (höchstens 2000 Zeichen)",
                    ),
                    Some(_) => {}
                }
            }
        }
    }

    /// Events in the order they happened: by `order` where an editor gave
    /// one, then by date; undated ones last, in the order given.
    pub fn sorted_timeline(&self) -> Vec<&PartnershipEvent> {
        self.timeline_order()
            .into_iter()
            .map(|i| &self.timeline[i])
            .collect()
    }

    /// The stored positions of the events in the order they happened (a
    /// translation's notes follow the stored order).
    pub fn timeline_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.timeline.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&self.timeline[a], &self.timeline[b]);
            let placed = |e: &PartnershipEvent| e.order.unwrap_or(u32::MAX);
            placed(a).cmp(&placed(b)).then_with(|| by_date(a, b))
        });
        order
    }

    /// The status on `day`. An event counts from the first day of the
    /// period its date covers ("2003" counts from 1 January 2003); undated
    /// events do not change the status.
    pub fn status_at(&self, day: Date) -> StatusAt {
        let mut dated: Vec<&PartnershipEvent> =
            self.timeline.iter().filter(|e| e.date.is_some()).collect();
        dated.sort_by(|a, b| by_date(a, b));
        let dated: Vec<(&PartialDate, EventKind)> = dated
            .into_iter()
            .filter_map(|e| e.date.as_ref().map(|d| (d, e.kind)))
            .collect();
        if dated.is_empty() {
            return StatusAt {
                status: Status::Undated,
                since: None,
            };
        }
        let mut now = StatusAt {
            status: Status::NotYet,
            since: None,
        };
        for (date, kind) in dated {
            if date.first_day() > day {
                break;
            }
            let next = match (kind, now.status) {
                (EventKind::SponsorshipStarted, _) => Status::Sponsorship,
                (EventKind::SponsorshipEnded | EventKind::Ended, _) => Status::Ended,
                (EventKind::Dormant, _) => Status::Dormant,
                (
                    EventKind::Founded
                    | EventKind::LetterOfIntent
                    | EventKind::CooperationAgreement
                    | EventKind::CharterSigned,
                    _,
                ) => Status::Active,
                (EventKind::FirstContact, Status::NotYet | Status::Ended | Status::Dormant) => {
                    Status::Contact
                }
                (
                    EventKind::CouncilResolution | EventKind::Planned,
                    Status::NotYet | Status::Contact | Status::Ended | Status::Dormant,
                ) => Status::Planned,
                (EventKind::TransferredByReform, Status::NotYet) => Status::Active,
                (_, unchanged) => unchanged,
            };
            // A further agreement between active partners confirms, it does
            // not restart: "aktiv seit" keeps the first date.
            if next != now.status {
                now = StatusAt {
                    status: next,
                    since: Some(*date),
                };
            }
        }
        now
    }
}

/// Dated events in time order, undated ones after them.
fn by_date(a: &PartnershipEvent, b: &PartnershipEvent) -> std::cmp::Ordering {
    match (&a.date, &b.date) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

impl Record for Partnership {
    const KIND: Kind = Kind::Partnership;

    /// An event as stored keeps who entered it, whatever the edit sends;
    /// a new or changed one is the writer's. The operator's imports keep
    /// what their data says.
    fn stamp(&mut self, stored: Option<&Self>, tenant: Option<&crate::TenantSlug>) {
        let unmarked = |e: &PartnershipEvent| PartnershipEvent {
            recorded_by: None,
            ..e.clone()
        };
        let before = stored.map_or(&[][..], |s| &s.timeline[..]);
        for event in &mut self.timeline {
            let plain = unmarked(event);
            match (before.iter().find(|b| unmarked(b) == plain), tenant) {
                (Some(b), _) => event.recorded_by = b.recorded_by.clone(),
                (None, Some(t)) => event.recorded_by = Some(t.clone()),
                (None, None) => {}
            }
        }
    }

    fn slug(&self) -> &str {
        self.slug.as_str()
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        if self.regions[0] == self.regions[1] {
            e.add(
                "regions.1",
                "eine Partnerschaft verbindet zwei verschiedene Gebietskörperschaften",
            );
        }
        e.unique("topics", &self.topics);
        crate::Image::check_all(&self.images, &mut e);
        for (i, ev) in self.timeline.iter().enumerate() {
            e.optional_text(&format!("timeline.{i}.note"), &ev.note, 2000);
        }
        self.check_translations(&mut e);
        let first = |kind: EventKind| {
            self.timeline
                .iter()
                .filter(|e| e.kind == kind)
                .filter_map(|e| e.date)
                .min()
        };
        if let (Some(start), Some(end)) = (
            first(EventKind::SponsorshipStarted),
            first(EventKind::SponsorshipEnded),
        ) {
            if end.last_day() < start.first_day() {
                if let Some(i) = self
                    .timeline
                    .iter()
                    .position(|e| e.kind == EventKind::SponsorshipEnded)
                {
                    e.add(
                        format!("timeline.{i}.date"),
                        "das Ende der Patenschaft liegt vor ihrem Beginn",
                    );
                }
            }
        }
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = vec![
            Reference::new("regions.0", Kind::Region, &self.regions[0]),
            Reference::new("regions.1", Kind::Region, &self.regions[1]),
        ];
        for (i, ev) in self.timeline.iter().enumerate() {
            ref_opt(
                &mut out,
                &format!("timeline.{i}.party"),
                Kind::Region,
                &ev.party,
            );
        }
        out
    }

    fn doubts(&self) -> &[Doubt] {
        &self.doubts
    }

    fn doubts_mut(&mut self) -> &mut Vec<Doubt> {
        &mut self.doubts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn partnership(events: &[(&str, EventKind)]) -> Partnership {
        Partnership {
            slug: PartnershipSlug::parse("a-b").unwrap(),
            regions: [
                RegionSlug::parse("a").unwrap(),
                RegionSlug::parse("b").unwrap(),
            ],
            category: Category::Partnership,
            topics: vec![],
            timeline: events
                .iter()
                .map(|(d, kind)| PartnershipEvent {
                    date: if d.is_empty() {
                        None
                    } else {
                        Some(PartialDate::parse(d).unwrap())
                    },
                    kind: *kind,
                    party: None,
                    note: None,
                    order: None,
                    recorded_by: None,
                })
                .collect(),
            description: None,
            images: vec![],
            translations: vec![],
            doubts: vec![],
        }
    }

    #[test]
    fn goslar_trebnitz_sponsorship_then_partnership() {
        use EventKind::*;
        let p = partnership(&[
            ("2000", CharterSigned),
            ("1951", SponsorshipStarted),
            ("1988", SponsorshipEnded),
        ]);
        assert_eq!(p.status_at(date(1950, 12, 31)).status, Status::NotYet);
        assert_eq!(p.status_at(date(1960, 6, 1)).status, Status::Sponsorship);
        let gap = p.status_at(date(1995, 1, 1));
        assert_eq!(
            (gap.status, gap.since.unwrap().to_string()),
            (Status::Ended, "1988".to_owned())
        );
        let now = p.status_at(date(2026, 11, 23));
        assert_eq!(
            (now.status, now.since.unwrap().to_string()),
            (Status::Active, "2000".to_owned())
        );
    }

    #[test]
    fn letter_of_intent_agreement_and_transfer_keep_the_first_date() {
        use EventKind::*;
        let p = partnership(&[
            ("early 2003", LetterOfIntent),
            ("late 2003", CooperationAgreement),
            ("2009", TransferredByReform),
        ]);
        assert_eq!(p.status_at(date(2002, 12, 31)).status, Status::NotYet);
        let s = p.status_at(date(2010, 1, 1));
        assert_eq!(
            (s.status, s.since.unwrap().to_string()),
            (Status::Active, "early 2003".to_owned())
        );
    }

    #[test]
    fn council_resolution_makes_a_contact_planned_until_the_charter() {
        use EventKind::*;
        let p = partnership(&[
            ("2019", FirstContact),
            ("2022-12", CouncilResolution),
            ("2023", Planned),
            ("", CooperationAgreement),
        ]);
        assert_eq!(p.status_at(date(2020, 5, 1)).status, Status::Contact);
        let s = p.status_at(date(2022, 12, 1));
        assert_eq!(
            (s.status, s.since.unwrap().to_string()),
            (Status::Planned, "2022-12".to_owned())
        );
        assert_eq!(
            p.status_at(date(2026, 11, 23)).status,
            Status::Planned,
            "an undated agreement changes nothing"
        );
        let mut signed = p.clone();
        signed.timeline.push(PartnershipEvent {
            date: Some(PartialDate::parse("2023-06-01").unwrap()),
            kind: CharterSigned,
            party: None,
            note: None,
            order: None,
            recorded_by: None,
        });
        assert_eq!(signed.status_at(date(2023, 6, 1)).status, Status::Active);
        assert_eq!(signed.status_at(date(2023, 5, 31)).status, Status::Planned);
    }

    #[test]
    fn an_explicit_order_puts_undated_events_where_the_text_has_them() {
        use EventKind::*;
        // Nordhausen–Gostyń: contact 2019, an undated agreement, then the
        // council's resolution of December 2022.
        let mut p = partnership(&[
            ("2019", FirstContact),
            ("", CooperationAgreement),
            ("2022-12", CouncilResolution),
        ]);
        let kinds = |p: &Partnership| -> Vec<EventKind> {
            p.sorted_timeline().iter().map(|e| e.kind).collect()
        };
        assert_eq!(
            kinds(&p),
            [FirstContact, CouncilResolution, CooperationAgreement]
        );
        for (i, e) in p.timeline.iter_mut().enumerate() {
            e.order = Some(i as u32 + 1);
        }
        assert_eq!(
            kinds(&p),
            [FirstContact, CooperationAgreement, CouncilResolution]
        );
        // The order places events; only dates change the status.
        assert_eq!(p.status_at(date(2023, 1, 1)).status, Status::Planned);
    }

    #[test]
    fn contacts_since_1991_then_charter_2019() {
        use EventKind::*;
        let p = partnership(&[("1991", FirstContact), ("2019", CharterSigned)]);
        assert_eq!(p.status_at(date(2000, 1, 1)).status, Status::Contact);
        assert_eq!(p.status_at(date(2019, 1, 1)).status, Status::Active);
    }

    #[test]
    fn partial_date_counts_from_its_first_day() {
        use EventKind::*;
        let p = partnership(&[("2022-12", Dormant), ("2000", Founded)]);
        assert_eq!(p.status_at(date(2022, 11, 30)).status, Status::Active);
        assert_eq!(p.status_at(date(2022, 12, 1)).status, Status::Dormant);
    }

    #[test]
    fn without_dated_events_the_status_is_undated() {
        let p = partnership(&[("", EventKind::CharterSigned)]);
        assert_eq!(
            p.status_at(date(2026, 1, 1)),
            StatusAt {
                status: Status::Undated,
                since: None
            }
        );
        assert_eq!(
            partnership(&[]).status_at(date(2026, 1, 1)).status,
            Status::Undated
        );
    }

    #[test]
    fn same_region_twice_and_reversed_sponsorship_are_rejected() {
        use EventKind::*;
        let mut p = partnership(&[("1988", SponsorshipStarted), ("1951", SponsorshipEnded)]);
        p.regions[1] = p.regions[0].clone();
        let fields: Vec<String> = p.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["regions.1", "timeline.1.date"]);
    }
}
