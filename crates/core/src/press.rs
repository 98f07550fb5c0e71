//! The press office's records: press releases with their media invitation
//! and approval, the journalists they are mailed to, and press inquiries.

use std::fmt;

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{Actor, Role};
use crate::doubt::Doubt;
use crate::partnership::Topic;
use crate::record::{record_basics, ref_opt, refs_list, Kind, Record, Reference};
use crate::slug::{
    ActivitySlug, ChannelSlug, InquirySlug, JournalistSlug, MailingListSlug, PartnershipSlug,
    PersonSlug, PressReleaseSlug, TenantSlug,
};
use crate::tenant::Address;
use crate::time::LocalTime;
use crate::validation::{Errors, FieldError};

const LINE: usize = 300;
const TEXT: usize = 50_000;

/// "Nr. 150/14": the running number of a tenant's year.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct ReleaseNumber {
    pub year: i16,
    pub number: u32,
}

impl fmt::Display for ReleaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.number, self.year.rem_euclid(100))
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseState {
    #[default]
    Draft,
    Submitted,
    /// Approved and numbered; public from `released_at` on.
    Approved,
    /// Taken back after its release (a mistake, a date called off): off
    /// every public surface, its number kept and never given again.
    Withdrawn,
}

/// Where a release stands. Only the store's transitions change it; edits
/// through forms and the API keep the stored workflow.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workflow {
    #[serde(default)]
    pub state: ReleaseState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub submitted_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub approved_at: Option<Timestamp>,
    /// The moment the release becomes public: the embargo, or the approval
    /// if there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub released_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<ReleaseNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub withdrawn_at: Option<Timestamp>,
    /// Why, for the record and the people who ask.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal_reason: Option<String>,
    /// The last return to the draft, so the author sees who asked for
    /// what; cleared when the release is submitted again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub returned_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_comment: Option<String>,
}

/// What a reader sees of the workflow at a given instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Draft,
    Submitted,
    /// Approved, embargoed until `released_at`.
    Scheduled,
    Published,
    Withdrawn,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Draft => "Entwurf",
            Stage::Submitted => "Zur Freigabe eingereicht",
            Stage::Scheduled => "Freigegeben, Sperrfrist läuft",
            Stage::Published => "Veröffentlicht",
            Stage::Withdrawn => "Zurückgezogen",
        }
    }
}

/// A media appointment: "am Donnerstag, dem 03. Juli 2014 um 13:00 Uhr im
/// Raum A1.11, Heinrich-Heine-Straße 1, 03149 Forst (Lausitz)".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Appointment {
    pub start: LocalTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<LocalTime>,
    /// "Raum A1.11".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    pub address: Address,
    /// Who is available to the media ("die Landräte").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Image {
    /// Web address of the image.
    pub src: String,
    /// What the image shows, for people who cannot see it.
    pub alt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
}

impl Image {
    /// The pictures of a record's `images`: each from this site, each
    /// with the text that says what it shows.
    pub(crate) fn check_all(images: &[Image], e: &mut Errors) {
        for (i, img) in images.iter().enumerate() {
            e.own_path(&format!("images.{i}.src"), &img.src);
            e.text(&format!("images.{i}.alt"), &img.alt, LINE);
            e.optional_text(&format!("images.{i}.credit"), &img.credit, LINE);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PressRelease {
    pub slug: PressReleaseSlug,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Markdown.
    pub body: String,
    /// The sender and whom to ask ("Pressestelle Landkreis Spree-Neiße").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<Topic>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partnership: Option<PartnershipSlug>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<ActivitySlug>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<Image>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<Appointment>,
    /// Nothing of the release is public before this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embargo: Option<LocalTime>,
    /// The mailing carries the release as a PDF letter too.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub attach_letter: bool,
    /// The distribution lists it is mailed to when it is released.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mailing_lists: Vec<MailingListSlug>,
    /// The social channels a post is drafted for when it is released.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub post_channels: Vec<ChannelSlug>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
    #[serde(default)]
    pub workflow: Workflow,
}

/// Why a workflow step is refused, in German for the person who tried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("Nur ein Entwurf kann zur Freigabe eingereicht werden.")]
    NotDraft,
    #[error("Nur eine eingereichte Pressemitteilung kann freigegeben werden.")]
    NotSubmitted,
    #[error("Eine freigegebene Pressemitteilung kann nicht mehr geändert werden.")]
    Released,
    #[error("Vier-Augen-Prinzip: Wer eingereicht hat, kann nicht selbst freigeben.")]
    OwnSubmission,
    #[error("Freigeben darf nur die Verwaltungsleitung (Rolle „Freigabe“).")]
    NotApprover,
    #[error("Bearbeiten und Einreichen darf nur die Pressestelle.")]
    NotAuthor,
    #[error("Nur eine freigegebene Pressemitteilung kann zurückgezogen werden.")]
    NotApproved,
    #[error("Bitte angeben, warum die Pressemitteilung zurückgezogen wird (eine Zeile, höchstens 500 Zeichen).")]
    NoReason,
    #[error("Der Kommentar zur Rückgabe darf höchstens 2.000 Zeichen lang sein und keine Steuerzeichen enthalten.")]
    BadComment,
}

impl PressRelease {
    pub fn stage(&self, now: Timestamp) -> Stage {
        match self.workflow.state {
            ReleaseState::Draft => Stage::Draft,
            ReleaseState::Submitted => Stage::Submitted,
            ReleaseState::Approved => match self.workflow.released_at {
                Some(at) if at <= now => Stage::Published,
                _ => Stage::Scheduled,
            },
            ReleaseState::Withdrawn => Stage::Withdrawn,
        }
    }

    /// The one rule for every public surface: approved, and the embargo
    /// has passed.
    pub fn is_public(&self, now: Timestamp) -> bool {
        self.stage(now) == Stage::Published
    }

    pub fn submit(
        &mut self,
        actor: &Actor,
        tenant: &TenantSlug,
        at: Timestamp,
    ) -> Result<(), WorkflowError> {
        if !actor.may_edit(tenant, Kind::PressRelease) {
            return Err(WorkflowError::NotAuthor);
        }
        if self.workflow.state != ReleaseState::Draft {
            return Err(WorkflowError::NotDraft);
        }
        self.workflow = Workflow {
            state: ReleaseState::Submitted,
            submitted_by: Some(actor.name().to_owned()),
            submitted_at: Some(at),
            ..Workflow::default()
        };
        Ok(())
    }

    /// Back to the author, from submitted, with what the approver asks
    /// for; an approved release stays.
    pub fn return_to_draft(
        &mut self,
        actor: &Actor,
        tenant: &TenantSlug,
        at: Timestamp,
        comment: &str,
    ) -> Result<(), WorkflowError> {
        if matches!(
            self.workflow.state,
            ReleaseState::Approved | ReleaseState::Withdrawn
        ) {
            return Err(WorkflowError::Released);
        }
        if !actor.may_edit(tenant, Kind::PressRelease) && !may_approve(actor, tenant) {
            return Err(WorkflowError::NotAuthor);
        }
        let comment = comment.trim();
        let bad_char = comment
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t');
        if comment.chars().count() > 2000 || bad_char {
            return Err(WorkflowError::BadComment);
        }
        self.workflow = Workflow {
            returned_by: Some(actor.name().to_owned()),
            returned_at: Some(at),
            return_comment: (!comment.is_empty()).then(|| comment.to_owned()),
            ..Workflow::default()
        };
        Ok(())
    }

    /// Takes an approved release back, embargoed or public: the press
    /// office or the approver, with a reason.
    pub fn withdraw(
        &mut self,
        actor: &Actor,
        tenant: &TenantSlug,
        at: Timestamp,
        reason: &str,
    ) -> Result<(), WorkflowError> {
        if !actor.may_edit(tenant, Kind::PressRelease) && !may_approve(actor, tenant) {
            return Err(WorkflowError::NotAuthor);
        }
        if self.workflow.state != ReleaseState::Approved {
            return Err(WorkflowError::NotApproved);
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 || reason.chars().any(char::is_control)
        {
            return Err(WorkflowError::NoReason);
        }
        self.workflow.state = ReleaseState::Withdrawn;
        self.workflow.withdrawn_by = Some(actor.name().to_owned());
        self.workflow.withdrawn_at = Some(at);
        self.workflow.withdrawal_reason = Some(reason.to_owned());
        Ok(())
    }

    /// Checks that `actor` may approve now; the store then numbers the
    /// release and calls `approved`.
    pub fn check_approval(&self, actor: &Actor, tenant: &TenantSlug) -> Result<(), WorkflowError> {
        if self.workflow.state != ReleaseState::Submitted {
            return Err(WorkflowError::NotSubmitted);
        }
        if !may_approve(actor, tenant) {
            return Err(WorkflowError::NotApprover);
        }
        if self.workflow.submitted_by.as_deref() == Some(actor.name()) {
            return Err(WorkflowError::OwnSubmission);
        }
        Ok(())
    }

    /// When the release becomes public if approved at `at`.
    pub fn release_time(&self, at: Timestamp) -> Timestamp {
        match self.embargo {
            Some(e) if e.instant() > at => e.instant(),
            _ => at,
        }
    }

    pub fn approved(&mut self, actor: &Actor, at: Timestamp, number: ReleaseNumber) {
        self.workflow.state = ReleaseState::Approved;
        self.workflow.approved_by = Some(actor.name().to_owned());
        self.workflow.approved_at = Some(at);
        self.workflow.released_at = Some(self.release_time(at));
        self.workflow.number = Some(number);
    }

    /// The year whose numbers the release takes: that of its release, in
    /// Germany.
    pub fn number_year(&self, at: Timestamp) -> i16 {
        LocalTime::at(self.release_time(at)).civil().year()
    }
}

/// Approval is the head of administration's: the four-eyes principle asks
/// for someone other than the author.
pub fn may_approve(actor: &Actor, tenant: &TenantSlug) -> bool {
    actor.has_role(tenant, Role::HeadOfAdministration)
}

impl Record for PressRelease {
    record_basics!(Kind::PressRelease);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.text("title", &self.title, LINE);
        e.optional_text("subtitle", &self.subtitle, LINE);
        e.text("body", &self.body, TEXT);
        e.optional_text("contact", &self.contact, 2_000);
        e.unique("topics", &self.topics);
        e.unique("mailing_lists", &self.mailing_lists);
        Image::check_all(&self.images, &mut e);
        if let Some(a) = &self.appointment {
            e.text("appointment.address.street", &a.address.street, LINE);
            e.text("appointment.address.city", &a.address.city, LINE);
            e.text(
                "appointment.address.postal_code",
                &a.address.postal_code,
                12,
            );
            e.optional_text("appointment.room", &a.room, LINE);
            e.optional_text("appointment.available", &a.available, LINE);
            if a.end.is_some_and(|end| end <= a.start) {
                e.add("appointment.end", "muss nach dem Beginn liegen");
            }
        }
        if self.workflow.state == ReleaseState::Approved
            && (self.workflow.number.is_none() || self.workflow.released_at.is_none())
        {
            e.add(
                "workflow.number",
                "Eine freigegebene Pressemitteilung braucht Nummer und Veröffentlichungszeit",
            );
        }
        // Four eyes, also for what an import brings in.
        if self.workflow.state == ReleaseState::Approved
            && self.workflow.approved_by.is_some()
            && self.workflow.approved_by == self.workflow.submitted_by
        {
            e.add(
                "workflow.approved_by",
                "Wer eingereicht hat, darf nicht selbst freigeben (Vier-Augen-Prinzip)",
            );
        }
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        ref_opt(
            &mut out,
            "partnership",
            Kind::Partnership,
            &self.partnership,
        );
        ref_opt(&mut out, "activity", Kind::Activity, &self.activity);
        refs_list(
            &mut out,
            "mailing_lists",
            Kind::MailingList,
            &self.mailing_lists,
        );
        refs_list(
            &mut out,
            "post_channels",
            Kind::Channel,
            &self.post_channels,
        );
        out
    }

    fn title(&self) -> String {
        match self.workflow.number {
            Some(n) => format!("Nr. {n} – {}", self.title),
            None => self.title.clone(),
        }
    }

    fn keep_managed(&mut self, stored: Option<&Self>) {
        self.workflow = stored.map(|s| s.workflow.clone()).unwrap_or_default();
    }

    fn locked(&self) -> Option<String> {
        match self.workflow.state {
            ReleaseState::Draft => None,
            ReleaseState::Submitted => Some(
                "Die Pressemitteilung liegt zur Freigabe vor. Zum Ändern erst „Zurück in den Entwurf“ wählen."
                    .into(),
            ),
            ReleaseState::Approved => Some(WorkflowError::Released.to_string()),
            ReleaseState::Withdrawn => {
                Some("Die Pressemitteilung ist zurückgezogen und bleibt, wie sie war.".into())
            }
        }
    }
}

/// A distribution list ("Regionalpresse", "Partnerschaften").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MailingList {
    pub slug: MailingListSlug,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

impl Record for MailingList {
    record_basics!(Kind::MailingList, name);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.text("name", &self.name, LINE);
        e.optional_text("description", &self.description, 2_000);
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        Vec::new()
    }
}

/// A journalist on the tenant's distribution lists. Personal data: it can
/// be exported and erased on request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Journalist {
    pub slug: JournalistSlug,
    pub name: String,
    /// "Lausitzer Rundschau".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<String>,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<Topic>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mailing_lists: Vec<MailingListSlug>,
    /// The day the journalist agreed to receive releases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub consent: Option<jiff::civil::Date>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

impl Journalist {
    /// Whether a release to `lists` goes to this journalist.
    pub fn receives(&self, lists: &[MailingListSlug]) -> bool {
        self.consent.is_some() && self.mailing_lists.iter().any(|l| lists.contains(l))
    }
}

impl Record for Journalist {
    record_basics!(Kind::Journalist);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.text("name", &self.name, LINE);
        e.optional_text("medium", &self.medium, LINE);
        e.email("email", &Some(self.email.clone()));
        e.unique("mailing_lists", &self.mailing_lists);
        if !self.mailing_lists.is_empty() && self.consent.is_none() {
            e.add(
                "consent",
                "fehlt: Ohne Datum der Einwilligung darf niemand in einen Verteiler",
            );
        }
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        refs_list(
            &mut out,
            "mailing_lists",
            Kind::MailingList,
            &self.mailing_lists,
        );
        out
    }

    fn title(&self) -> String {
        match &self.medium {
            Some(m) => format!("{} ({m})", self.name),
            None => self.name.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InquiryStatus {
    #[default]
    Open,
    InProgress,
    Answered,
    Closed,
}

impl InquiryStatus {
    pub fn is_done(self) -> bool {
        matches!(self, InquiryStatus::Answered | InquiryStatus::Closed)
    }
}

/// A question from the media, recorded from the public form or by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PressInquiry {
    pub slug: InquirySlug,
    pub received: LocalTime,
    pub journalist: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub question: String,
    /// When the journalist needs the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<LocalTime>,
    /// Who answers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<PersonSlug>,
    #[serde(default)]
    pub status: InquiryStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// When it was marked answered or closed: set on the write that did,
    /// so that the figures can tell whether the deadline was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<LocalTime>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

/// How urgent an open inquiry is on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Due {
    Overdue,
    Today,
    Later,
}

impl PressInquiry {
    pub fn due(&self, now: Timestamp) -> Option<Due> {
        if self.status.is_done() {
            return None;
        }
        let deadline = self.deadline?;
        if deadline.instant() < now {
            Some(Due::Overdue)
        } else if deadline.civil().date() == LocalTime::at(now).civil().date() {
            Some(Due::Today)
        } else {
            Some(Due::Later)
        }
    }
}

impl Record for PressInquiry {
    record_basics!(Kind::PressInquiry);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.text("journalist", &self.journalist, LINE);
        e.optional_text("medium", &self.medium, LINE);
        e.email("email", &self.email);
        e.text("question", &self.question, TEXT);
        e.optional_text("answer", &self.answer, TEXT);
        if self.email.is_none() && self.phone.is_none() {
            e.add(
                "email",
                "fehlt: Ohne E-Mail-Adresse oder Telefonnummer kann niemand antworten",
            );
        }
        if self.status == InquiryStatus::Answered && self.answer.is_none() {
            e.add(
                "answer",
                "fehlt: Eine beantwortete Anfrage braucht die Antwort",
            );
        }
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        ref_opt(&mut out, "assignee", Kind::Person, &self.assignee);
        out
    }

    fn title(&self) -> String {
        let q: String = self.question.chars().take(60).collect();
        format!("{}: {q}", self.journalist)
    }

    /// A district's write that marks the inquiry done notes when; later
    /// edits keep that moment, reopening clears it. The operator's writes
    /// (import) keep what the data says.
    fn stamp(&mut self, stored: Option<&Self>, tenant: Option<&crate::TenantSlug>) {
        if tenant.is_none() {
            return;
        }
        self.answered = match (self.status.is_done(), stored) {
            (false, _) => None,
            (true, Some(s)) if s.status.is_done() && s.answered.is_some() => s.answered,
            (true, _) => Some(LocalTime::at(Timestamp::now())),
        };
    }
}

/// Where an inquiry stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Timeliness {
    /// Answered by the deadline, or without one.
    OnTime,
    Late,
    /// Done before the moment was recorded.
    Unrecorded,
    Open,
    Overdue,
}

impl Timeliness {
    pub fn label(self) -> &'static str {
        match self {
            Timeliness::OnTime => "fristgerecht beantwortet",
            Timeliness::Late => "nach der Frist beantwortet",
            Timeliness::Unrecorded => "beantwortet, Zeitpunkt nicht erfasst",
            Timeliness::Open => "offen, Frist läuft noch",
            Timeliness::Overdue => "offen, Frist verstrichen",
        }
    }
}

impl PressInquiry {
    pub fn timeliness(&self, now: Timestamp) -> Timeliness {
        let deadline = self.deadline.map(LocalTime::instant);
        match (self.status.is_done(), self.answered) {
            (true, Some(at)) if deadline.is_some_and(|d| at.instant() > d) => Timeliness::Late,
            (true, Some(_)) => Timeliness::OnTime,
            (true, None) => Timeliness::Unrecorded,
            (false, _) if deadline.is_some_and(|d| d < now) => Timeliness::Overdue,
            (false, _) => Timeliness::Open,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Grant;

    #[test]
    fn marking_an_inquiry_done_notes_when_and_later_edits_keep_it() {
        let tenant = t();
        let mut inquiry: PressInquiry = serde_json::from_value(serde_json::json!({
            "slug": "frage", "received": "2026-12-01T10:00", "journalist": "Erika",
            "email": "erika@example.org", "question": "Wann?", "answer": "Morgen.",
            "status": "answered", "answered": "2020-01-01T00:00"
        }))
        .unwrap();
        inquiry.stamp(None, Some(&tenant));
        let first = inquiry.answered.expect("stamped");
        assert!(
            first.instant() > Timestamp::from_second(1_700_000_000).unwrap(),
            "not the forged date"
        );
        // An edit, even one that sends another moment, keeps the first.
        let mut edit = inquiry.clone();
        edit.answer = Some("Übermorgen.".into());
        edit.answered = LocalTime::parse("2020-01-01T00:00").ok();
        edit.stamp(Some(&inquiry), Some(&tenant));
        assert_eq!(edit.answered, Some(first));
        let mut reopened = inquiry.clone();
        reopened.status = InquiryStatus::InProgress;
        reopened.stamp(Some(&inquiry), Some(&tenant));
        assert_eq!(reopened.answered, None);
        // An import keeps what the data says.
        let mut imported = inquiry.clone();
        imported.answered = LocalTime::parse("2020-01-01T00:00").ok();
        imported.stamp(None, None);
        assert_eq!(imported.answered, LocalTime::parse("2020-01-01T00:00").ok());
        assert_eq!(imported.timeliness(Timestamp::now()), Timeliness::OnTime);
        imported.deadline = LocalTime::parse("2019-12-31T12:00").ok();
        assert_eq!(imported.timeliness(Timestamp::now()), Timeliness::Late);
        imported.status = InquiryStatus::Open;
        assert_eq!(imported.timeliness(Timestamp::now()), Timeliness::Overdue);
    }

    fn t() -> TenantSlug {
        TenantSlug::parse("spree-neisse").unwrap()
    }

    fn account(email: &str, role: Role) -> Actor {
        Actor::account(email, vec![Grant { tenant: t(), role }])
    }

    fn release() -> PressRelease {
        serde_json::from_value(serde_json::json!({
            "slug": "besuch-vorpommern-ruegen",
            "title": "Landkreis Vorpommern-Rügen zu Gast in Spree-Neiße",
            "body": "Am Donnerstag …",
        }))
        .unwrap()
    }

    fn at(s: &str) -> Timestamp {
        LocalTime::parse(s).unwrap().instant()
    }

    #[test]
    fn number_reads_as_the_press_office_writes_it() {
        let n = ReleaseNumber {
            year: 2014,
            number: 150,
        };
        assert_eq!(n.to_string(), "150/14");
        let n = ReleaseNumber {
            year: 2005,
            number: 7,
        };
        assert_eq!(n.to_string(), "7/05");
    }

    #[test]
    fn four_eyes_the_author_cannot_approve_and_press_cannot_approve() {
        let press = account("presse@x.de", Role::PressOfficer);
        let head = account("landrat@x.de", Role::HeadOfAdministration);
        let mut r = release();
        let now = at("2014-07-01T09:00");
        assert_eq!(
            r.check_approval(&head, &t()),
            Err(WorkflowError::NotSubmitted)
        );
        assert_eq!(r.submit(&head, &t(), now), Err(WorkflowError::NotAuthor));
        r.submit(&press, &t(), now).unwrap();
        assert_eq!(r.submit(&press, &t(), now), Err(WorkflowError::NotDraft));
        assert_eq!(
            r.check_approval(&press, &t()),
            Err(WorkflowError::NotApprover)
        );
        // Someone with both roles still cannot approve their own text.
        let both = Actor::account(
            "presse@x.de",
            vec![
                Grant {
                    tenant: t(),
                    role: Role::PressOfficer,
                },
                Grant {
                    tenant: t(),
                    role: Role::HeadOfAdministration,
                },
            ],
        );
        assert_eq!(
            r.check_approval(&both, &t()),
            Err(WorkflowError::OwnSubmission)
        );
        assert_eq!(r.check_approval(&head, &t()), Ok(()));
    }

    #[test]
    fn only_a_released_text_is_withdrawn_by_the_press_office_or_the_approver_with_a_reason() {
        let press = account("presse@x.de", Role::PressOfficer);
        let head = account("landrat@x.de", Role::HeadOfAdministration);
        let reader = account("lesen@x.de", Role::ReadOnly);
        let now = at("2014-07-03T13:00");
        let mut r = release();
        assert_eq!(
            r.withdraw(&press, &t(), now, "Termin abgesagt"),
            Err(WorkflowError::NotApproved)
        );
        r.submit(&press, &t(), now).unwrap();
        r.approved(
            &head,
            now,
            ReleaseNumber {
                year: 2014,
                number: 150,
            },
        );
        assert!(r.is_public(now));
        assert_eq!(
            r.withdraw(&reader, &t(), now, "x"),
            Err(WorkflowError::NotAuthor)
        );
        for bad in ["", "   ", "Zeile\nzwei", &"x".repeat(501)] {
            assert_eq!(
                r.withdraw(&press, &t(), now, bad),
                Err(WorkflowError::NoReason),
                "{bad:?}"
            );
        }
        r.withdraw(&head, &t(), now, "  Termin abgesagt ").unwrap();
        assert_eq!(r.stage(now), Stage::Withdrawn);
        assert!(!r.is_public(now) && !r.is_public(at("2030-01-01T00:00")));
        assert_eq!(
            r.workflow.number.map(|n| n.number),
            Some(150),
            "the number stays taken"
        );
        assert_eq!(
            r.workflow.withdrawal_reason.as_deref(),
            Some("Termin abgesagt")
        );
        assert_eq!(
            r.withdraw(&press, &t(), now, "noch mal"),
            Err(WorkflowError::NotApproved)
        );
        assert!(r.locked().is_some(), "no edits after withdrawal");
    }

    #[test]
    fn embargo_holds_to_the_second_and_sets_the_year() {
        let mut r = release();
        r.embargo = Some(LocalTime::parse("2015-01-01T00:00").unwrap());
        let approved = at("2014-12-30T10:00");
        assert_eq!(r.number_year(approved), 2015);
        r.workflow.state = ReleaseState::Submitted;
        r.approved(
            &account("landrat@x.de", Role::HeadOfAdministration),
            approved,
            ReleaseNumber {
                year: 2015,
                number: 1,
            },
        );
        let embargo = r.embargo.unwrap().instant();
        assert_eq!(r.stage(approved), Stage::Scheduled);
        assert!(!r.is_public(embargo - jiff::SignedDuration::from_secs(1)));
        assert!(r.is_public(embargo));
        // Without an embargo, the approval releases it at once.
        let mut r = release();
        r.approved(
            &account("landrat@x.de", Role::HeadOfAdministration),
            approved,
            ReleaseNumber {
                year: 2014,
                number: 150,
            },
        );
        assert!(r.is_public(approved));
        assert_eq!(r.number_year(approved), 2014);
    }

    #[test]
    fn forms_cannot_change_the_workflow_and_released_texts_are_locked() {
        let mut stored = release();
        stored.workflow.state = ReleaseState::Approved;
        let mut edited = release();
        edited.keep_managed(Some(&stored));
        assert_eq!(edited.workflow.state, ReleaseState::Approved);
        assert!(edited.locked().is_some());
        let mut new = stored.clone();
        new.keep_managed(None);
        assert_eq!(new.workflow, Workflow::default());
        assert!(new.locked().is_none());
    }

    #[test]
    fn journalist_needs_consent_to_be_on_a_list() {
        let j: Journalist = serde_json::from_value(serde_json::json!({
            "slug": "erika-muster",
            "name": "Erika Muster",
            "email": "erika@zeitung.example",
            "mailing_lists": ["regionalpresse"],
        }))
        .unwrap();
        assert_eq!(j.validate()[0].field, "consent");
        let list = MailingListSlug::parse("regionalpresse").unwrap();
        assert!(!j.receives(std::slice::from_ref(&list)));
        let j = Journalist {
            consent: Some(jiff::civil::date(2026, 1, 5)),
            ..j
        };
        assert!(j.validate().is_empty());
        assert!(j.receives(&[list]));
    }

    #[test]
    fn inquiries_are_due_today_or_overdue_until_answered() {
        let mut q: PressInquiry = serde_json::from_value(serde_json::json!({
            "slug": "anfrage-1",
            "received": "2026-11-23T08:00",
            "journalist": "Max Muster",
            "email": "max@radio.example",
            "question": "Wann kommt der Hilfskonvoi an?",
            "deadline": "2026-11-23T16:00",
        }))
        .unwrap();
        assert!(q.validate().is_empty());
        assert_eq!(q.due(at("2026-11-23T10:00")), Some(Due::Today));
        assert_eq!(q.due(at("2026-11-23T16:01")), Some(Due::Overdue));
        assert_eq!(q.due(at("2026-11-22T10:00")), Some(Due::Later));
        q.status = InquiryStatus::Answered;
        assert_eq!(q.validate()[0].field, "answer");
        q.answer = Some("Am Freitag.".into());
        assert_eq!(q.due(at("2026-11-24T10:00")), None);
    }
}
