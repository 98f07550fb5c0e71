//! The one list of record kinds. Everything generic (the `Kind` enum and
//! its names, the dataset's lists, the admin routes and navigation, the
//! JSON API and its OpenAPI description, import and export) derives from
//! the table in `record_kinds!`, so a new kind (a post, a page, a print
//! order) is its own module plus one line there.

use crate::access::Role;
use crate::record::{Record, Scope};

/// Calls `$callback!` with the table of kinds. A line reads:
/// `Variant: Type, plural, "admin path", "label", "label plural", nav,
/// [roles], api` — `plural` names the table, the API path and the
/// dataset's list; `nav` is the place in the admin navigation; `roles` are
/// those besides the administrator who keep the kind up to date; `api` says
/// whether the JSON API serves the kind (`api`) or only the workspace does
/// (`workspace`), and `personal` marks workspace kinds that hold personal
/// data: only those who keep them up to date may read them.
/// Shared kinds come first; the tenant kinds' order is the order of a
/// tenant's lists in an exported dataset.
#[macro_export]
macro_rules! record_kinds {
    ($callback:path) => {
        $callback! {
            shared {
                Region: $crate::Region, regions, "gebiete", "Gebietskörperschaft", "Gebietskörperschaften", 6, [PartnershipCoordinator], api;
                Partnership: $crate::Partnership, partnerships, "partnerschaften", "Partnerschaft", "Partnerschaften", 5, [PartnershipCoordinator], api;
                Tenant: $crate::Tenant, tenants, "mandant", "Mandant", "Mandanten", 14, [], api;
            }
            tenant {
                Unit: $crate::Unit, units, "einheiten", "Organisationseinheit", "Organisationseinheiten", 11, [WebEditor, PrintOffice], api;
                Person: $crate::Person, people, "personen", "Person", "Personen", 10, [PartnershipCoordinator, WebEditor, PressOfficer, PrintOffice], api;
                Organisation: $crate::Organisation, organisations, "organisationen", "Organisation", "Organisationen", 8, [PartnershipCoordinator], api;
                Activity: $crate::Activity, activities, "aktivitaeten", "Aktivität", "Aktivitäten", 7, [PartnershipCoordinator], api;
                Collection: $crate::Collection, collections, "sammlungen", "Sammlung", "Sammlungen", 9, [PartnershipCoordinator], api;
                Service: $crate::Service, services, "dienstleistungen", "Dienstleistung", "Dienstleistungen", 12, [WebEditor], api;
                Channel: $crate::Channel, channels, "kanaele", "Kanal", "Kanäle", 13, [WebEditor, PressOfficer], api;
                MailingList: $crate::MailingList, mailing_lists, "verteiler", "Verteiler", "Verteiler", 4, [PressOfficer], workspace;
                Journalist: $crate::Journalist, journalists, "medienkontakte", "Medienkontakt", "Medienkontakte", 3, [PressOfficer], personal;
                PressRelease: $crate::PressRelease, press_releases, "pressemitteilungen", "Pressemitteilung", "Pressemitteilungen", 1, [PressOfficer], workspace;
                PressInquiry: $crate::PressInquiry, press_inquiries, "presseanfragen", "Presseanfrage", "Presseanfragen", 2, [PressOfficer], personal;
                LegalPage: $crate::LegalPage, legal_pages, "rechtstexte", "Rechtstext", "Rechtstexte", 15, [WebEditor], api;
                MediaFile: $crate::MediaFile, media_files, "medien", "Bild", "Bilder", 17, [WebEditor, PressOfficer, PartnershipCoordinator], api;
                Page: $crate::Page, pages, "seiten", "Seite", "Seiten", 18, [WebEditor], api;
                FindingCheck: $crate::FindingCheck, finding_checks, "pruefungen", "Geprüfter Hinweis zur Aktualität", "Geprüfte Hinweise zur Aktualität", 19, [WebEditor, PartnershipCoordinator, PressOfficer], workspace;
                PrintForm: $crate::PrintForm, print_forms, "vordrucke", "Vordruck", "Vordrucke", 20, [PrintOffice], workspace;
                ParticipantList: $crate::ParticipantList, participant_lists, "teilnehmerlisten", "Teilnehmerliste", "Teilnehmerlisten", 21, [PartnershipCoordinator, PressOfficer, PrintOffice], personal;
                PrintOrder: $crate::PrintOrder, print_orders, "druckauftraege", "Druckauftrag", "Druckaufträge", 22, [PressOfficer, PartnershipCoordinator, WebEditor, PrintOffice], workspace;
                Post: $crate::Post, posts, "beitraege", "Beitrag", "Beiträge", 23, [PressOfficer, WebEditor], workspace;
                Feedback: $crate::Feedback, feedback, "rueckmeldungen", "Rückmeldung zur Barrierefreiheit", "Rückmeldungen zur Barrierefreiheit", 16, [WebEditor], personal;
            }
        }
    };
}

/// Something done once per kind, with the kind's type.
pub trait KindVisitor {
    fn visit<R: Record>(&mut self);
}

/// Something done with each list of records of a tenant in a dataset.
pub trait RecordsVisitor {
    fn visit<R: Record>(&mut self, records: &[R]);
}

pub trait RecordsVisitorMut {
    fn visit<R: Record>(&mut self, records: &mut Vec<R>);
}

macro_rules! define_kinds {
    (
        shared { $($s:ident: $st:ty, $sp:ident, $spath:literal, $sl:literal, $slp:literal, $snav:literal, [$($sr:ident),*], $sapi:ident;)* }
        tenant { $($t:ident: $tt:ty, $tp:ident, $tpath:literal, $tl:literal, $tlp:literal, $tnav:literal, [$($tr:ident),*], $tapi:ident;)* }
    ) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind {
            $($s,)*
            $($t,)*
        }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$s,)* $(Kind::$t,)*];

            /// Table name, API path segment and the dataset's list.
            pub fn plural(self) -> &'static str {
                match self {
                    $(Kind::$s => stringify!($sp),)*
                    $(Kind::$t => stringify!($tp),)*
                }
            }

            pub fn scope(self) -> Scope {
                match self {
                    $(Kind::$s => Scope::Global,)*
                    $(Kind::$t => Scope::Tenant,)*
                }
            }

            /// German name for messages ("Region „goslar“ …").
            pub fn label(self) -> &'static str {
                match self {
                    $(Kind::$s => $sl,)*
                    $(Kind::$t => $tl,)*
                }
            }

            /// German plural for headings and navigation.
            pub fn label_plural(self) -> &'static str {
                match self {
                    $(Kind::$s => $slp,)*
                    $(Kind::$t => $tlp,)*
                }
            }

            /// Path segment of the admin UI, in German like every URL users see.
            pub fn path(self) -> &'static str {
                match self {
                    $(Kind::$s => $spath,)*
                    $(Kind::$t => $tpath,)*
                }
            }

            /// Place in the admin navigation, from 1.
            pub fn nav_rank(self) -> u8 {
                match self {
                    $(Kind::$s => $snav,)*
                    $(Kind::$t => $tnav,)*
                }
            }

            /// Who keeps records of this kind up to date, besides the
            /// administrator.
            pub fn edited_by(self) -> &'static [Role] {
                match self {
                    $(Kind::$s => &[$(Role::$sr),*],)*
                    $(Kind::$t => &[$(Role::$tr),*],)*
                }
            }

            /// Whether the JSON API serves this kind.
            pub fn in_api(self) -> bool {
                match self {
                    $(Kind::$s => stringify!($sapi) == "api",)*
                    $(Kind::$t => stringify!($tapi) == "api",)*
                }
            }

            /// Whether records of this kind are personal data that only
            /// those who edit the kind may read.
            pub fn holds_personal_data(self) -> bool {
                match self {
                    $(Kind::$s => stringify!($sapi) == "personal",)*
                    $(Kind::$t => stringify!($tapi) == "personal",)*
                }
            }
        }

        impl Kind {
            /// Calls the visitor with this kind's type.
            pub fn visit(self, v: &mut impl KindVisitor) {
                match self {
                    $(Kind::$s => v.visit::<$st>(),)*
                    $(Kind::$t => v.visit::<$tt>(),)*
                }
            }
        }

        /// Calls the visitor once per kind, shared kinds first.
        pub fn each_kind(v: &mut impl KindVisitor) {
            $(v.visit::<$st>();)*
            $(v.visit::<$tt>();)*
        }

        /// One tenant in a dataset: its record and its own records.
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct TenantData {
            pub tenant: $crate::Tenant,
            $(
                #[serde(default)]
                pub $tp: Vec<$tt>,
            )*
        }

        impl TenantData {
            pub fn new(tenant: $crate::Tenant) -> Self {
                Self { tenant, $($tp: Vec::new(),)* }
            }

            /// Each list of the tenant's records, in the table's order.
            pub fn each(&self, v: &mut impl RecordsVisitor) {
                $(v.visit(&self.$tp);)*
            }

            pub fn each_mut(&mut self, v: &mut impl RecordsVisitorMut) {
                $(v.visit(&mut self.$tp);)*
            }
        }
    };
}

record_kinds!(define_kinds);

impl Kind {
    pub fn from_path(s: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.path() == s)
    }

    pub fn from_plural(s: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.plural() == s)
    }

    /// The kinds in the order the admin navigation lists them.
    pub fn in_nav_order() -> Vec<Kind> {
        let mut kinds = Kind::ALL.to_vec();
        kinds.sort_by_key(|k| k.nav_rank());
        kinds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut plurals: Vec<_> = Kind::ALL.iter().map(|k| k.plural()).collect();
        let mut paths: Vec<_> = Kind::ALL.iter().map(|k| k.path()).collect();
        let mut ranks: Vec<_> = Kind::ALL.iter().map(|k| k.nav_rank()).collect();
        for list in [&mut plurals, &mut paths] {
            list.sort();
            list.dedup();
            assert_eq!(list.len(), Kind::ALL.len());
        }
        ranks.sort();
        assert_eq!(ranks, (1..=Kind::ALL.len() as u8).collect::<Vec<_>>());
        for k in Kind::ALL {
            assert_eq!(Kind::from_path(k.path()), Some(*k));
            assert_eq!(Kind::from_plural(k.plural()), Some(*k));
        }
    }

    /// Each type's `Record::KIND` is the line it is registered on.
    #[test]
    fn every_type_is_registered_under_its_own_kind() {
        struct Seen(Vec<Kind>);
        impl KindVisitor for Seen {
            fn visit<R: Record>(&mut self) {
                self.0.push(R::KIND);
            }
        }
        let mut seen = Seen(Vec::new());
        each_kind(&mut seen);
        assert_eq!(seen.0, Kind::ALL);
        assert_eq!(Kind::in_nav_order()[0], Kind::PressRelease);
        assert!(!Kind::Journalist.in_api() && Kind::Unit.in_api());
    }
}
