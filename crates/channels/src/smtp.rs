//! E-mail over SMTP with lettre: one message per recipient, with a working
//! unsubscribe link in the body and in `List-Unsubscribe` (RFC 2369) with
//! one-click unsubscribing (RFC 8058).
//!
//! Connections are pooled here rather than by lettre's transport, because
//! only a connection we open ourselves can set `TCP_NODELAY`: without it
//! every message waits for the server's delayed ACK of its body before the
//! final `.` goes out (40 ms on Linux), which caps a connection at about 25
//! messages a second.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::Message;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

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
    /// The certificate authority (PEM) of a server with an internal
    /// certificate; the system's roots otherwise.
    pub ca_pem: Option<Vec<u8>>,
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
    /// Mail to a list carries its way out; mail to one person about their
    /// account has none.
    pub unsubscribe_url: Option<String>,
    /// Unique per delivery, so a receiving server can spot a duplicate.
    pub message_id: String,
    /// Files sent along (a release as a PDF letter).
    pub attachments: Vec<Attached>,
}

/// A file attached to a message.
#[derive(Debug, Clone)]
pub struct Attached {
    /// "pressemitteilung-150-14.pdf".
    pub file_name: String,
    /// "application/pdf".
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// How long opening a connection (TCP, greeting, TLS, AUTH) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Mailer {
    pool: Arc<Pool>,
    from: String,
}

/// Open connections to one server, at most `slots` of them in use at once.
struct Pool {
    server: Server,
    idle: Mutex<Vec<AsyncSmtpConnection>>,
    slots: Semaphore,
}

struct Server {
    host: String,
    port: u16,
    security: Security,
    tls: Option<TlsParameters>,
    credentials: Option<Credentials>,
}

impl Mailer {
    pub fn new(s: &SmtpSettings) -> Result<Self, String> {
        let tls = match s.security {
            Security::None => None,
            Security::StartTls | Security::Tls => {
                let mut builder = TlsParameters::builder(s.host.clone());
                if let Some(pem) = &s.ca_pem {
                    let ca = Certificate::from_pem(pem).map_err(|e| {
                        format!("Zertifizierungsstelle (smtp.ca_file) ungültig: {e}")
                    })?;
                    builder = builder.add_root_certificate(ca);
                }
                Some(
                    builder
                        .build()
                        .map_err(|e| format!("TLS-Einstellungen für {} ungültig: {e}", s.host))?,
                )
            }
        };
        s.from
            .parse::<lettre::Address>()
            .map_err(|e| format!("Absenderadresse „{}“ ungültig: {e}", s.from))?;
        let server = Server {
            host: s.host.clone(),
            port: s.port,
            security: s.security.clone(),
            tls,
            credentials: match (&s.username, &s.password) {
                (Some(user), Some(password)) => {
                    Some(Credentials::new(user.clone(), password.clone()))
                }
                _ => None,
            },
        };
        Ok(Self {
            pool: Arc::new(Pool {
                server,
                idle: Mutex::new(Vec::new()),
                slots: Semaphore::new(s.connections.max(1) as usize),
            }),
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
        let mut builder = Message::builder()
            .from(from)
            .to(to)
            .subject(&m.subject)
            .message_id(Some(m.message_id.clone()));
        if let Some(url) = &m.unsubscribe_url {
            builder = builder
                .raw_header(header("List-Unsubscribe", format!("<{url}>")))
                .raw_header(header(
                    "List-Unsubscribe-Post",
                    "List-Unsubscribe=One-Click".into(),
                ));
        }
        let text = MultiPart::alternative_plain_html(m.text.clone(), m.html.clone());
        let body = if m.attachments.is_empty() {
            text
        } else {
            m.attachments.iter().try_fold(
                MultiPart::mixed().multipart(text),
                |parts, a| -> Result<MultiPart, SendError> {
                    let kind = ContentType::parse(&a.content_type).map_err(|e| {
                        SendError::Permanent(format!("Anhang {}: {e}", a.file_name))
                    })?;
                    Ok(parts.singlepart(
                        Attachment::new(a.file_name.clone()).body(a.bytes.clone(), kind),
                    ))
                },
            )?
        };
        builder
            .multipart(body)
            .map_err(|e| SendError::Permanent(format!("Nachricht nicht erstellbar: {e}")))
    }

    pub async fn send(&self, m: &Outgoing) -> Result<(), SendError> {
        let message = self.message(m)?;
        let _slot = self.pool.slots.acquire().await.expect("never closed");
        let mut connection = self.pool.checkout().await?;
        let sent = connection
            .send(message.envelope(), &message.formatted())
            .await;
        // lettre closes a connection on any error, so only a good one returns.
        if !connection.has_broken() {
            self.pool.idle.lock().expect("poisoned").push(connection);
        }
        sent.map(|_| ()).map_err(send_error)
    }
}

impl Pool {
    /// An idle connection that still answers NOOP (as lettre's own pool
    /// checks), or a new one.
    async fn checkout(&self) -> Result<AsyncSmtpConnection, SendError> {
        loop {
            let idle = self.idle.lock().expect("poisoned").pop();
            match idle {
                Some(mut connection) => {
                    if connection.test_connected().await {
                        return Ok(connection);
                    }
                    connection.abort().await;
                }
                None => return self.server.connect().await,
            }
        }
    }
}

impl Server {
    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let connecting = async {
            let hello = ClientId::default();
            let mut connection = match (&self.security, &self.tls) {
                // Implicit TLS goes through lettre's own stream, which keeps
                // Nagle on; STARTTLS upgrades the socket opened here.
                (Security::Tls, tls) => AsyncSmtpConnection::connect_tokio1(
                    (self.host.as_str(), self.port),
                    Some(CONNECT_TIMEOUT),
                    &hello,
                    tls.clone(),
                    None,
                )
                .await
                .map_err(send_error)?,
                (security, tls) => {
                    let socket = TcpStream::connect((self.host.as_str(), self.port))
                        .await
                        .map_err(no_connection)?;
                    socket.set_nodelay(true).map_err(no_connection)?;
                    let mut connection =
                        AsyncSmtpConnection::connect_with_transport(Box::new(socket), &hello)
                            .await
                            .map_err(send_error)?;
                    if let (Security::StartTls, Some(tls)) = (security, tls) {
                        connection
                            .starttls(tls.clone(), &hello)
                            .await
                            .map_err(send_error)?;
                    }
                    connection
                }
            };
            if let Some(credentials) = &self.credentials {
                connection
                    .auth(DEFAULT_MECHANISMS, credentials)
                    .await
                    .map_err(send_error)?;
            }
            Ok(connection)
        };
        tokio::time::timeout(CONNECT_TIMEOUT, connecting)
            .await
            .unwrap_or_else(|_| {
                Err(SendError::Transient(format!(
                    "{}:{} antwortet nicht innerhalb von {} s",
                    self.host,
                    self.port,
                    CONNECT_TIMEOUT.as_secs()
                )))
            })
    }
}

fn send_error(e: lettre::transport::smtp::Error) -> SendError {
    if e.is_permanent() {
        SendError::Permanent(e.to_string())
    } else {
        SendError::Transient(e.to_string())
    }
}

fn no_connection(e: std::io::Error) -> SendError {
    SendError::Transient(e.to_string())
}
