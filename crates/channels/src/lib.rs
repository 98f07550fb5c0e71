//! Outbound channels. The outbox runner (`outbox`) carries out the jobs the
//! store holds, on a web node or in a worker of its own; each job kind has
//! its handler next to the connector it speaks through (release mail over
//! SMTP today; social channels and fediverse inboxes join the same way).

pub mod links;
pub mod mastodon;
pub mod outbox;
pub mod release_mail;
pub mod smtp;

pub use outbox::{Handler, Plan, Report, Runner, LEASE};
pub use release_mail::ReleaseMailHandler;

/// How handing one delivery to its connector failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The server could not be reached or asked to try later: the delivery
    /// stays due and is tried again after a pause.
    #[error("Server vorübergehend nicht erreichbar: {0}")]
    Transient(String),
    /// The server refused this recipient or message for good.
    #[error("Zustellung abgelehnt: {0}")]
    Permanent(String),
}
