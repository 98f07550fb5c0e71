//! E-mail over SMTP with lettre: one message per recipient, with a working
//! unsubscribe link in the body and in `List-Unsubscribe` (RFC 2369) with
//! one-click unsubscribing (RFC 8058).

use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::SendError;

/// How to reach the mail server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Security {
    /// Plain SMTP, for a relay on the same host or network.
    None,
    /// STARTTLS on the submission port (587), required.
    StartTls,
    /// TLS from the first byte (465).
    Tls,
}

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender address, e.g. `presse@landkreis.example`.
    pub from: String,
    /// Connections kept open to the server and used side by side.
    pub connections: u32,
}

/// Connections to the mail server unless configured otherwise: what a
/// relay allows one client without complaint (Postfix: 50).
pub const DEFAULT_CONNECTIONS: u32 = 16;

/// One message to one recipient.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// "Landkreis Spree-Neiße – Pressestelle".
    pub from_name: String,
    pub to_name: String,
    pub to_email: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub unsubscribe_url: String,
    /// Unique per delivery, so a receiving server can spot a duplicate.
    pub message_id: String,
}

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: String,
}

impl Mailer {
    pub fn new(s: &SmtpSettings) -> Result<Self, String> {
        let tls = |host: &str| {
            TlsParameters::new(host.to_owned())
                .map_err(|e| format!("TLS-Einstellungen für {host} ungültig: {e}"))
        };
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host).port(s.port);
        builder = match s.security {
            Security::None => builder.tls(Tls::None),
            Security::StartTls => builder.tls(Tls::Required(tls(&s.host)?)),
            Security::Tls => builder.tls(Tls::Wrapper(tls(&s.host)?)),
        };
        if let (Some(user), Some(password)) = (&s.username, &s.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        s.from
            .parse::<lettre::Address>()
            .map_err(|e| format!("Absenderadresse „{}“ ungültig: {e}", s.from))?;
        Ok(Self {
            transport: builder
                .timeout(Some(Duration::from_secs(30)))
                .pool_config(PoolConfig::new().max_size(s.connections.max(1)))
                .build(),
            from: s.from.clone(),
        })
    }

    /// The message as it goes over the wire; public so tests and previews
    /// see exactly what is sent.
    pub fn message(&self, m: &Outgoing) -> Result<Message, SendError> {
        let address = |a: &str| {
            a.parse::<lettre::Address>()
                .map_err(|e| SendError::Permanent(format!("Adresse „{a}“ ungültig: {e}")))
        };
        let from = Mailbox::new(Some(m.from_name.clone()), address(&self.from)?);
        let to = Mailbox::new(Some(m.to_name.clone()), address(&m.to_email)?);
        let header = |name: &'static str, value: String| {
            HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
        };
        Message::builder()
            .from(from)
            .to(to)
            .subject(&m.subject)
            .message_id(Some(m.message_id.clone()))
            .raw_header(header(
                "List-Unsubscribe",
                format!("<{}>", m.unsubscribe_url),
            ))
            .raw_header(header(
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click".into(),
            ))
            .multipart(MultiPart::alternative_plain_html(
                m.text.clone(),
                m.html.clone(),
            ))
            .map_err(|e| SendError::Permanent(format!("Nachricht nicht erstellbar: {e}")))
    }

    pub async fn send(&self, m: &Outgoing) -> Result<(), SendError> {
        let message = self.message(m)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Err(e) => Err(SendError::Transient(e.to_string())),
        }
    }
}
