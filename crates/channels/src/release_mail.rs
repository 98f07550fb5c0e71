//! Mailing a released press release to the journalists on its lists: one
//! message per recipient, rendered once per job, each with its own
//! unsubscribe link.

use kreiskom_core::{
    Journalist, PressRelease, Record, ReleaseMail, ReleaseState, Target, TargetKind, Tenant,
    TenantSlug,
};
use kreiskom_print::PrintShop;
use kreiskom_publish::Site;
use kreiskom_store::{Delivery, Receipt, Store};

use crate::outbox::{Handler, Plan};
use crate::smtp::{Attached, Mailer, Outgoing};
use crate::SendError;

/// Stands for the recipient's token while the message is rendered once
/// for all; survives HTML and text escaping unchanged.
const TOKEN: &str = "KREISKOM0ABMELDUNG0TOKEN";

const NO_MAILER: &str = "Kein Mailserver eingerichtet (smtp in der Konfiguration).";

pub struct ReleaseMailHandler {
    store: Store,
    site: Site,
    /// Without one, mail jobs wait until a mail server is set up.
    mailer: Option<Mailer>,
    /// Typesets the letter a release asks to have attached.
    print: Option<PrintShop>,
}

impl ReleaseMailHandler {
    pub fn new(store: Store, site: Site, mailer: Option<Mailer>) -> Self {
        Self {
            store,
            site,
            mailer,
            print: None,
        }
    }

    pub fn with_print(mut self, shop: PrintShop) -> Self {
        self.print = Some(shop);
        self
    }
}

/// A release mail as every recipient gets it, but for the token.
pub struct PreparedMail {
    from_name: String,
    subject: String,
    text: String,
    html: String,
    unsubscribe_base: String,
    host: String,
    attachments: Vec<Attached>,
}

impl Handler for ReleaseMailHandler {
    type Payload = ReleaseMail;
    type Prepared = PreparedMail;

    async fn plan(&self, tenant: &TenantSlug, mail: &ReleaseMail, at: jiff::Timestamp) -> Plan {
        let release = match self
            .store
            .get::<PressRelease>(Some(tenant), &mail.release)
            .await
        {
            Ok(Some(r)) => r.record,
            Ok(None) => return Plan::Fail("Die Pressemitteilung gibt es nicht mehr.".into()),
            Err(e) => return Plan::Retry(e.to_string()),
        };
        match release.workflow.state {
            ReleaseState::Approved => {}
            ReleaseState::Withdrawn => {
                return Plan::Fail(
                    "Die Pressemitteilung wurde zurückgezogen; der Versand unterbleibt.".into(),
                )
            }
            _ => return Plan::Fail("Die Pressemitteilung ist nicht freigegeben.".into()),
        }
        if !release.is_public(at) {
            // This node's clock is behind the embargo: wait for it.
            return Plan::Wait {
                until: release.workflow.released_at.unwrap_or(at),
                reason: "Sperrfrist läuft noch".into(),
            };
        }
        if self.mailer.is_none() {
            return Plan::Retry(NO_MAILER.into());
        }
        match self.store.records::<Journalist>(Some(tenant)).await {
            Ok(journalists) => Plan::Deliver(
                journalists
                    .iter()
                    .filter(|j| j.receives(&release.mailing_lists))
                    .map(|j| Target::email(&j.email, &j.name, j.slug()))
                    .collect(),
            ),
            Err(e) => Plan::Retry(e.to_string()),
        }
    }

    async fn prepare(
        &self,
        tenant: &TenantSlug,
        mail: &ReleaseMail,
    ) -> Result<PreparedMail, String> {
        let release = self
            .store
            .get::<PressRelease>(Some(tenant), &mail.release)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("Die Pressemitteilung gibt es nicht mehr.")?
            .record;
        let tenant_name = match self.store.get::<Tenant>(None, tenant.as_str()).await {
            Ok(Some(t)) => t.record.name,
            _ => tenant.to_string(),
        };
        let unsubscribe_base = format!("{}/{tenant}/presse/abmelden/", self.site.public_url());
        let (subject, text, html) = self
            .site
            .release_mail(tenant, &release, &format!("{unsubscribe_base}{TOKEN}"))
            .await
            .map_err(|e| format!("Nachricht nicht erstellbar: {e}"))?;
        let mut attachments = Vec::new();
        if release.attach_letter {
            let shop = self.print.as_ref().ok_or(
                "Der Brief zur Pressemitteilung kann auf diesem Knoten nicht gesetzt werden.",
            )?;
            let letter = shop
                .release_letter(tenant, &release)
                .await
                .map_err(|e| format!("Brief nicht erstellbar: {e}"))?;
            let number = release.workflow.number.map_or_else(
                || release.slug.to_string(),
                |n| n.to_string().replace('/', "-"),
            );
            attachments.push(Attached {
                file_name: format!("pressemitteilung-{number}.pdf"),
                content_type: "application/pdf".to_owned(),
                bytes: letter.bytes,
            });
        }
        Ok(PreparedMail {
            attachments,
            from_name: format!("{tenant_name} – Pressestelle"),
            subject,
            text,
            html,
            unsubscribe_base,
            host: self.site.public_host().to_owned(),
        })
    }

    async fn deliver(&self, mail: &PreparedMail, d: &Delivery) -> Result<Receipt, SendError> {
        let Some(mailer) = &self.mailer else {
            return Err(SendError::Transient(NO_MAILER.into()));
        };
        if d.target_kind != TargetKind::Email {
            return Err(SendError::Permanent(format!(
                "Eine Pressemitteilung geht nur per E-Mail, nicht an {}",
                d.target_kind
            )));
        }
        let message = Outgoing {
            from_name: mail.from_name.clone(),
            to_name: d.name.clone(),
            to_email: d.target.clone(),
            subject: mail.subject.clone(),
            text: mail.text.replace(TOKEN, &d.token),
            html: mail.html.replace(TOKEN, &d.token),
            unsubscribe_url: Some(format!("{}{}", mail.unsubscribe_base, d.token)),
            message_id: format!("<{}@{}>", d.token, mail.host),
            attachments: mail.attachments.clone(),
        };
        mailer.send(&message).await.map(|()| Receipt::default())
    }
}
