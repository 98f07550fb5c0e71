//! The print office's documents from the records: the tenant's design
//! with its coat of arms from the media library, cards from the people
//! directory, badges from a list of participants, letters from releases
//! and forms. The command line, the admin workspace and the mailing use
//! this one way in.

use std::sync::Arc;

use kreiskom_core::{
    din5008, Contact, LocalTime, ParticipantList, Person, PressRelease, PrintForm, PrintOrder,
    PrintProduct, Record, Region, Tenant, TenantSlug, Unit,
};
use kreiskom_media::Media;
use kreiskom_store::Store;

use crate::{
    Badge, Card, CardLayout, Design, FormSheet, FormSheetField, Letter, LetterAppointment, Pdf,
    PrintError, Printer,
};

/// The accent when a tenant has set no colour of its own (KERN blue).
const DEFAULT_COLOUR: &str = "#0b3c7d";

#[derive(Debug, thiserror::Error)]
pub enum ShopError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Nothing(String),
    #[error(transparent)]
    Print(#[from] PrintError),
    #[error("Datenbank: {0}")]
    Store(#[from] kreiskom_store::StoreError),
}

type Result<T> = std::result::Result<T, ShopError>;

/// Whose business cards.
#[derive(Debug, Clone)]
pub enum CardsFor {
    /// Everyone of a unit, by name.
    Unit(String),
    /// These people, in this order.
    People(Vec<String>),
}

#[derive(Clone)]
pub struct PrintShop {
    printer: Arc<Printer>,
    store: Store,
    media: Option<Media>,
}

impl PrintShop {
    pub fn new(printer: Arc<Printer>, store: Store, media: Option<Media>) -> Self {
        Self {
            printer,
            store,
            media,
        }
    }

    async fn tenant(&self, tenant: &TenantSlug) -> Result<Tenant> {
        Ok(self
            .store
            .get::<Tenant>(None, tenant.as_str())
            .await?
            .ok_or_else(|| ShopError::NotFound(format!("Den Landkreis „{tenant}“ gibt es nicht.")))?
            .record)
    }

    async fn get<R: Record>(&self, tenant: &TenantSlug, slug: &str) -> Result<R> {
        Ok(self
            .store
            .get::<R>(Some(tenant), slug)
            .await?
            .ok_or_else(|| {
                ShopError::NotFound(format!("{} „{slug}“ gibt es nicht.", R::KIND.label()))
            })?
            .record)
    }

    /// The tenant's name, colour, coat of arms and the address of its
    /// communication unit.
    pub async fn design(&self, tenant: &TenantSlug) -> Result<Design> {
        let t = self.tenant(tenant).await?;
        let units = self.store.records::<Unit>(Some(tenant)).await?;
        let home = t
            .communication_unit
            .as_ref()
            .and_then(|u| units.iter().find(|x| &x.slug == u))
            .filter(|u| u.contact.address.is_some())
            .or_else(|| units.iter().find(|u| u.contact.address.is_some()));
        let address = home
            .and_then(|u| u.contact.address.as_ref())
            .map(|a| vec![a.street.clone(), format!("{} {}", a.postal_code, a.city)])
            .unwrap_or_default();
        Ok(Design {
            tenant: tenant.to_string(),
            name: t.name.clone(),
            colour: t
                .colour
                .clone()
                .unwrap_or_else(|| DEFAULT_COLOUR.to_owned()),
            address,
            website: home
                .and_then(|u| u.contact.website.clone())
                .map(|w| bare_host(&w)),
            logo: self.logo(&t).await,
        })
    }

    /// `/media/harz/wappen-demo/original.png` from the media library; a
    /// missing picture leaves the letterhead without it.
    async fn logo(&self, t: &Tenant) -> Option<(String, Vec<u8>)> {
        let src = t.coat_of_arms.as_deref()?;
        let mut parts = src.strip_prefix("/media/")?.splitn(3, '/');
        let (tenant, folder, name) = (parts.next()?, parts.next()?, parts.next()?);
        let ext = name.rsplit('.').next()?.to_ascii_lowercase();
        if !["png", "jpg", "jpeg", "svg"].contains(&ext.as_str()) {
            return None;
        }
        let bytes = self
            .media
            .as_ref()?
            .get(tenant, folder, name)
            .await
            .ok()??;
        Some((format!("logo.{ext}"), bytes.to_vec()))
    }

    /// The cards' contents: a person's own contact data, else their unit's.
    pub async fn cards(&self, tenant: &TenantSlug, who: &CardsFor) -> Result<Vec<Card>> {
        let t = self.tenant(tenant).await?;
        let units = self.store.records::<Unit>(Some(tenant)).await?;
        let people = self.store.records::<Person>(Some(tenant)).await?;
        let chosen: Vec<&Person> =
            match who {
                CardsFor::Unit(unit) => {
                    let unit_record =
                        units
                            .iter()
                            .find(|u| u.slug.as_str() == unit)
                            .ok_or_else(|| {
                                ShopError::NotFound(format!(
                                    "Die Organisationseinheit „{unit}“ gibt es nicht."
                                ))
                            })?;
                    let mut of_unit: Vec<&Person> = people
                        .iter()
                        .filter(|p| p.unit.as_ref().is_some_and(|u| u.as_str() == unit))
                        .collect();
                    of_unit.sort_by(|a, b| a.name.cmp(&b.name));
                    if of_unit.is_empty() {
                        return Err(ShopError::Nothing(format!(
                            "Zur Einheit „{}“ ist keine Person eingetragen.",
                            unit_record.name
                        )));
                    }
                    of_unit
                }
                CardsFor::People(slugs) => {
                    let mut out = Vec::new();
                    for s in slugs {
                        out.push(people.iter().find(|p| p.slug.as_str() == s).ok_or_else(
                            || ShopError::NotFound(format!("Die Person „{s}“ gibt es nicht.")),
                        )?);
                    }
                    out
                }
            };
        let switchboard = t.switchboard.as_deref();
        Ok(chosen
            .into_iter()
            .map(|p| {
                let unit = p
                    .unit
                    .as_ref()
                    .and_then(|u| units.iter().find(|x| &x.slug == u));
                let fallback = unit.map(|u| &u.contact);
                let pick = |f: fn(&Contact) -> Option<&String>| {
                    f(&p.contact).or_else(|| fallback.and_then(f)).cloned()
                };
                let address = p
                    .contact
                    .address
                    .as_ref()
                    .or_else(|| fallback.and_then(|c| c.address.as_ref()))
                    .map(|a| vec![a.street.clone(), format!("{} {}", a.postal_code, a.city)])
                    .unwrap_or_default();
                Card {
                    record: format!("Person „{}“", p.slug),
                    name: p.name.clone(),
                    role: p.role.clone(),
                    unit: unit.map(|u| u.name.clone()),
                    address,
                    phone: pick(|c| c.phone.as_ref()).map(|n| din5008(&n, switchboard)),
                    fax: pick(|c| c.fax.as_ref()).map(|n| din5008(&n, switchboard)),
                    email: pick(|c| c.email.as_ref()),
                    website: pick(|c| c.website.as_ref()).map(|w| bare_host(&w)),
                }
            })
            .collect())
    }

    pub async fn business_cards(
        &self,
        tenant: &TenantSlug,
        who: &CardsFor,
        layout: CardLayout,
        copies: usize,
    ) -> Result<Pdf> {
        let cards = self.cards(tenant, who).await?;
        self.typeset_cards(tenant, cards, layout, copies).await
    }

    /// Cards already gathered with `cards`, each `copies` times.
    pub async fn typeset_cards(
        &self,
        tenant: &TenantSlug,
        cards: Vec<Card>,
        layout: CardLayout,
        copies: usize,
    ) -> Result<Pdf> {
        let design = self.design(tenant).await?;
        let cards: Vec<Card> = cards
            .into_iter()
            .flat_map(|c| std::iter::repeat_n(c, copies.max(1)))
            .collect();
        self.typeset(move |p| p.business_cards(&design, &cards, layout))
            .await
    }

    /// Badges from a list of participants, each with the name of the
    /// region they come from.
    pub async fn name_badges(&self, tenant: &TenantSlug, list: &ParticipantList) -> Result<Pdf> {
        if list.participants.is_empty() {
            return Err(ShopError::Nothing(format!(
                "Die Teilnehmerliste „{}“ ist leer.",
                list.title
            )));
        }
        let design = self.design(tenant).await?;
        let regions = self.store.records::<Region>(None).await?;
        let badges: Vec<Badge> = list
            .participants
            .iter()
            .enumerate()
            .map(|(i, p)| Badge {
                record: format!("Teilnehmerliste „{}“, Eintrag {}", list.slug, i + 1),
                name: p.name.clone(),
                role: p.role.clone(),
                organisation: p.organisation.clone(),
                region: p.region.as_ref().map(|r| {
                    regions
                        .iter()
                        .find(|x| &x.slug == r)
                        .map_or_else(|| r.to_string(), |x| x.name().to_owned())
                }),
            })
            .collect();
        let event = list.title.clone();
        self.typeset(move |p| p.name_badges(&design, &event, &badges))
            .await
    }

    /// The lists of participants of an activity, for `print badges --activity`.
    pub async fn participant_lists(
        &self,
        tenant: &TenantSlug,
        activity: &str,
    ) -> Result<Vec<ParticipantList>> {
        Ok(self
            .store
            .records::<ParticipantList>(Some(tenant))
            .await?
            .into_iter()
            .filter(|l| l.activity.as_ref().is_some_and(|a| a.as_str() == activity))
            .collect())
    }

    pub async fn release_letter(&self, tenant: &TenantSlug, r: &PressRelease) -> Result<Pdf> {
        let design = self.design(tenant).await?;
        let released = r
            .workflow
            .released_at
            .unwrap_or_else(|| r.release_time(jiff::Timestamp::now()));
        let letter = Letter {
            number: r
                .workflow
                .number
                .map_or_else(|| "… (Entwurf)".to_owned(), |n| n.to_string()),
            date: LocalTime::at(released)
                .civil()
                .strftime("%d.%m.%Y")
                .to_string(),
            title: r.title.clone(),
            subtitle: r.subtitle.clone(),
            body: r.body.clone(),
            appointment: r.appointment.as_ref().map(|a| LetterAppointment {
                when: a.start.german_with_weekday(),
                room: a.room.clone(),
                address: format!(
                    "{}, {} {}",
                    a.address.street, a.address.postal_code, a.address.city
                ),
                available: a.available.clone(),
            }),
            contact: r.contact.clone(),
        };
        self.typeset(move |p| p.release(&design, &letter)).await
    }

    pub async fn form(&self, tenant: &TenantSlug, f: &PrintForm) -> Result<Pdf> {
        let design = self.design(tenant).await?;
        let unit = match &f.unit {
            Some(u) => Some(self.get::<Unit>(tenant, u.as_str()).await?.name),
            None => None,
        };
        let sheet = FormSheet {
            title: f.title.clone(),
            number: f.number.clone(),
            unit,
            intro: f.intro.clone(),
            fields: f
                .fields
                .iter()
                .map(|x| FormSheetField {
                    label: x.label.clone(),
                    kind: x.kind,
                    width: x.width,
                    required: x.required,
                })
                .collect(),
        };
        self.typeset(move |p| p.form(&design, &sheet)).await
    }

    /// The proof of an order: what the print shop will get.
    pub async fn proof(&self, tenant: &TenantSlug, order: &PrintOrder) -> Result<Pdf> {
        let missing = |what: &str| ShopError::Nothing(format!("Im Auftrag fehlt {what}."));
        match order.product {
            PrintProduct::BusinessCards => {
                let who = match &order.unit {
                    Some(u) if order.people.is_empty() => CardsFor::Unit(u.to_string()),
                    _ => CardsFor::People(order.people.iter().map(|p| p.to_string()).collect()),
                };
                self.business_cards(tenant, &who, CardLayout::Sheet, 1)
                    .await
            }
            PrintProduct::NameBadges => {
                let slug = order
                    .participant_list
                    .as_ref()
                    .ok_or_else(|| missing("die Teilnehmerliste"))?;
                let list = self.get::<ParticipantList>(tenant, slug.as_str()).await?;
                self.name_badges(tenant, &list).await
            }
            PrintProduct::PressRelease => {
                let slug = order
                    .release
                    .as_ref()
                    .ok_or_else(|| missing("die Pressemitteilung"))?;
                let r = self.get::<PressRelease>(tenant, slug.as_str()).await?;
                self.release_letter(tenant, &r).await
            }
            PrintProduct::Form => {
                let slug = order.form.as_ref().ok_or_else(|| missing("der Vordruck"))?;
                let f = self.get::<PrintForm>(tenant, slug.as_str()).await?;
                self.form(tenant, &f).await
            }
        }
    }

    /// Typesetting takes the CPU for a while: off the async threads.
    async fn typeset(
        &self,
        job: impl FnOnce(&Printer) -> std::result::Result<Pdf, PrintError> + Send + 'static,
    ) -> Result<Pdf> {
        let printer = self.printer.clone();
        Ok(tokio::task::spawn_blocking(move || job(&printer))
            .await
            .expect("typesetting does not panic")?)
    }
}

/// `https://www.kreis-hz.de/` → `www.kreis-hz.de`, as cards print it.
fn bare_host(url: &str) -> String {
    url.trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned()
}
