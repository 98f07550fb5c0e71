//! What the outbox carries: a job with a typed payload (mail a release,
//! post to a channel, deliver to a fediverse inbox), and the targets a job
//! is delivered to. The store keeps them, `channels` carries them out.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The payload of one kind of job. Its key makes the same effect asked
/// for twice (a double click, a repeated import) one job.
pub trait Payload: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// Stored with the job; picks its handler.
    const KIND: &'static str;

    /// Unique among the jobs of this kind and tenant.
    fn key(&self) -> String;

    /// The record the job is about, for reports and the GDPR export.
    fn subject(&self) -> &str;
}

/// Mails a released press release to the journalists on its lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseMail {
    pub release: String,
}

impl Payload for ReleaseMail {
    const KIND: &'static str = "release_mail";

    fn key(&self) -> String {
        self.release.clone()
    }

    fn subject(&self) -> &str {
        &self.release
    }
}

/// Where a delivery goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// An e-mail address.
    Email,
    /// One of the tenant's social channels, by its slug. A post's
    /// delivery carries its own idempotency key, and its handler checks
    /// what went out before it tries again, so a delivery cut off by a
    /// crash is resumed instead of left uncertain.
    Channel,
}

impl TargetKind {
    pub fn key(self) -> &'static str {
        match self {
            TargetKind::Email => "email",
            TargetKind::Channel => "channel",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "email" => Some(TargetKind::Email),
            "channel" => Some(TargetKind::Channel),
            _ => None,
        }
    }
}

impl fmt::Display for TargetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One addressee of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: TargetKind,
    /// The address on that kind of target; compared case-insensitively
    /// for e-mail, so it is stored in lower case.
    pub address: String,
    /// Shown in reports and used in greetings ("Anna Lokal").
    pub name: String,
    /// The slug of the person record behind the address (a journalist),
    /// empty when there is none; unsubscribing and erasure find it by this.
    pub person: String,
}

impl Target {
    pub fn channel(slug: &str, name: &str) -> Self {
        Self {
            kind: TargetKind::Channel,
            address: slug.to_owned(),
            name: name.to_owned(),
            person: String::new(),
        }
    }

    pub fn email(address: &str, name: &str, person: &str) -> Self {
        Self {
            kind: TargetKind::Email,
            address: address.trim().to_lowercase(),
            name: name.to_owned(),
            person: person.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_targets_compare_without_case() {
        let a = Target::email(" Anna@Lokal.Example", "Anna", "anna");
        assert_eq!(a.address, "anna@lokal.example");
        assert_eq!(TargetKind::parse(a.kind.key()), Some(TargetKind::Email));
        assert_eq!(TargetKind::parse("fax"), None);
    }

    #[test]
    fn a_release_mail_payload_survives_the_database() {
        let p = ReleaseMail {
            release: "hilfskonvoi-trebnitz".into(),
        };
        let stored = serde_json::to_string(&p).unwrap();
        assert_eq!(stored, r#"{"release":"hilfskonvoi-trebnitz"}"#);
        assert_eq!(serde_json::from_str::<ReleaseMail>(&stored).unwrap(), p);
        assert_eq!(p.key(), p.subject());
    }
}
