//! Outbound channels. The outbox runner (`outbox`) carries out the jobs the
//! store holds, on a web node or in a worker of its own; each job kind has
//! its handler next to the connector it speaks through (release mail over
//! SMTP today; social channels and fediverse inboxes join the same way).

pub mod bluesky;
pub mod links;
pub mod mastodon;
pub mod outbox;
pub mod posts;
pub mod release_mail;
pub mod smtp;

pub use outbox::{Handler, Plan, Report, Runner, LEASE};
pub use posts::{PostFollowUpHandler, PostHandler, ReleasePostHandler};
pub use release_mail::ReleaseMailHandler;

/// What the handlers of every job kind need, as `serve`, `kreiskom
/// worker` and the tests set them up.
pub struct Parts {
    pub store: kreiskom_store::Store,
    pub clock: kreiskom_core::Clock,
    pub site: kreiskom_publish::Site,
    pub mailer: Option<smtp::Mailer>,
    pub print: kreiskom_print::PrintShop,
    pub media: Option<kreiskom_media::Media>,
    pub secret_key: Option<kreiskom_secrets::SecretKey>,
}

/// A runner with a handler for every kind of job kreiskom writes.
pub fn runner(parts: Parts) -> Runner {
    let Parts {
        store,
        clock,
        site,
        mailer,
        print,
        media,
        secret_key,
    } = parts;
    let posts = PostHandler::new(store.clone(), media, secret_key);
    Runner::new(store.clone(), clock)
        .handle(ReleaseMailHandler::new(store.clone(), site.clone(), mailer).with_print(print))
        .handle(ReleasePostHandler::new(store.clone(), site))
        .handle(posts.clone())
        .handle(PostFollowUpHandler::new(posts))
}

/// A platform's JSON answer; one that does not read is worth a retry.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, SendError> {
    serde_json::from_slice(body)
        .map_err(|e| SendError::Transient(format!("Antwort des Servers unlesbar: {e}")))
}

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
    /// The platform no longer takes the channel's token: final, and the
    /// channel is flagged until someone sets a new one.
    #[error("{0}")]
    AccessRevoked(String),
}
