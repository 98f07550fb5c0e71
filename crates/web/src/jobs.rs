//! The jobs runner: carries out what the outbox holds once it is due.
//! Today that is mailing a release to its lists when it becomes public.
//! A job is claimed with a lease; if the runner dies, the lease runs out
//! and the next runner (on any node) takes the job over.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use kreiskom_channels::smtp::{Outgoing, SendError};
use kreiskom_core::{Journalist, PressRelease, Record, ReleaseState};
use kreiskom_store::{Job, JobEnd, Recipient, RELEASE_MAIL};

use crate::AppState;

/// How long a claimed job is someone's before others may take it over.
pub const LEASE: SignedDuration = SignedDuration::from_mins(10);
/// Attempts before a job gives up on what it could not deliver.
const MAX_ATTEMPTS: i64 = 8;

/// Runs every job that is due now, one after another; returns how many ran.
pub async fn run_due_jobs(s: &AppState) -> usize {
    let mut ran = 0;
    loop {
        let job = match s.store.claim_job(s.now(), LEASE).await {
            Ok(Some(job)) => job,
            Ok(None) => return ran,
            Err(e) => {
                tracing::error!(error = %e, "could not claim a job");
                return ran;
            }
        };
        ran += 1;
        let end = match job.kind.as_str() {
            RELEASE_MAIL => release_mail(s, &job).await,
            other => JobEnd::Failed {
                error: format!("unbekannte Aufgabe „{other}“"),
            },
        };
        if let Err(e) = s.store.finish_job(&job.id, end).await {
            tracing::error!(error = %e, job = %job.id, "could not finish job");
        }
    }
}

/// Runs due jobs now, whenever an approval wakes it, and every `every`.
pub fn spawn_jobs_runner(s: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            run_due_jobs(&s).await;
            tokio::select! {
                _ = s.jobs.notified() => {}
                _ = tokio::time::sleep(every) => {}
            }
        }
    })
}

fn retry(job: &Job, at: Timestamp, error: String) -> JobEnd {
    if job.attempts >= MAX_ATTEMPTS {
        return JobEnd::Failed { error };
    }
    // 1, 2, 4 … minutes, at most an hour.
    let minutes = 1i64 << (job.attempts - 1).clamp(0, 6);
    JobEnd::Retry {
        not_before: at + SignedDuration::from_mins(minutes.min(60)),
        error,
    }
}

async fn release_mail(s: &AppState, job: &Job) -> JobEnd {
    let now = s.now();
    let release = match s
        .store
        .get::<PressRelease>(Some(&job.tenant), &job.subject)
        .await
    {
        Ok(Some(r)) => r.record,
        Ok(None) => {
            return JobEnd::Failed {
                error: "Die Pressemitteilung gibt es nicht mehr.".into(),
            }
        }
        Err(e) => return retry(job, now, e.to_string()),
    };
    if release.workflow.state != ReleaseState::Approved {
        return JobEnd::Failed {
            error: "Die Pressemitteilung ist nicht freigegeben.".into(),
        };
    }
    if !release.is_public(now) {
        // Not due yet (the clock of this node is behind): wait for it.
        return JobEnd::Retry {
            not_before: release.workflow.released_at.unwrap_or(now),
            error: "Sperrfrist läuft noch".into(),
        };
    }
    let Some(mailer) = &s.mailer else {
        return retry(
            job,
            now,
            "Kein Mailserver eingerichtet (smtp in der Konfiguration).".into(),
        );
    };
    let journalists = match s.store.records::<Journalist>(Some(&job.tenant)).await {
        Ok(j) => j,
        Err(e) => return retry(job, now, e.to_string()),
    };
    let recipients: Vec<Recipient> = journalists
        .iter()
        .filter(|j| j.receives(&release.mailing_lists))
        .map(|j| Recipient {
            email: j.email.clone(),
            name: j.name.clone(),
            journalist: j.slug().to_owned(),
        })
        .collect();
    if let Err(e) = s.store.plan_deliveries(&job.id, &recipients).await {
        return retry(job, now, e.to_string());
    }
    let deliveries = match s.store.deliveries(&job.id).await {
        Ok(d) => d,
        Err(e) => return retry(job, now, e.to_string()),
    };
    let tenant_name = match s
        .store
        .get::<kreiskom_core::Tenant>(None, job.tenant.as_str())
        .await
    {
        Ok(Some(t)) => t.record.name,
        _ => job.tenant.to_string(),
    };
    let host = s.site.public_host();
    let mut transient = None;
    let pending = deliveries
        .iter()
        .filter(|d| d.state == kreiskom_store::DeliveryState::Pending);
    for d in pending {
        match s.store.start_delivery(&job.id, &d.email).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => return retry(job, now, e.to_string()),
        }
        let unsubscribe_url = format!(
            "{}/{}/presse/abmelden/{}",
            s.site.public_url(),
            job.tenant,
            d.token
        );
        let outcome = match s
            .site
            .release_mail(&job.tenant, &release, &unsubscribe_url)
            .await
        {
            Ok((subject, text, html)) => {
                let mail = Outgoing {
                    from_name: format!("{tenant_name} – Pressestelle"),
                    to_name: d.name.clone(),
                    to_email: d.email.clone(),
                    subject,
                    text,
                    html,
                    unsubscribe_url,
                    message_id: format!("<{}@{}>", d.token, host),
                };
                match mailer.send(&mail).await {
                    Ok(()) => Ok(()),
                    Err(SendError::Permanent(e)) => Err(Some(e)),
                    Err(e @ SendError::Transient(_)) => {
                        transient = Some(e.to_string());
                        Err(None)
                    }
                }
            }
            Err(e) => Err(Some(format!("Nachricht nicht erstellbar: {e}"))),
        };
        if let Err(e) = s.store.finish_delivery(&job.id, &d.email, outcome).await {
            return retry(job, now, e.to_string());
        }
    }
    match transient {
        Some(e) => retry(job, now, e),
        None => JobEnd::Done,
    }
}
