//! Publishing a scheduled post: one delivery per channel, each carried out
//! through that platform's connector with the channel's sealed token.
//! Before a delivery is tried again it asks the platform what went out,
//! so a post whose answer was lost (a timeout, a crash) is found, not
//! posted twice.

use std::collections::HashMap;

use bytes::Bytes;
use kreiskom_core::post::{check_post, FollowUpAction, PostFollowUp, PostPublish, ReleasePost};
use kreiskom_core::social::ServerLimits;
use kreiskom_core::{
    Channel, ChannelSlug, MediaFile, Person, Platform, Post, Record, Target, TenantSlug,
};
use kreiskom_media::Media;
use kreiskom_secrets::SecretKey;
use kreiskom_store::{credential_context, Delivery, Receipt, Store};

use crate::bluesky::{self, Bluesky};
use crate::mastodon::{Mastodon, Status, Visibility};

/// A channel's connection, by its platform.
enum Connector {
    Mastodon(Mastodon),
    Bluesky(Bluesky),
}
use crate::outbox::{Handler, Plan};
use crate::SendError;

#[derive(Clone)]
pub struct PostHandler {
    store: Store,
    /// Where the post's pictures are; without it, posts with pictures fail.
    media: Option<Media>,
    /// Opens the channels' tokens; without it, nothing can be posted.
    key: Option<SecretKey>,
    /// Bluesky sessions, kept across jobs.
    sessions: bluesky::Sessions,
}

impl PostHandler {
    pub fn new(store: Store, media: Option<Media>, key: Option<SecretKey>) -> Self {
        Self {
            store,
            media,
            key,
            sessions: bluesky::Sessions::default(),
        }
    }
}

/// A picture as every channel uploads it.
struct Picture {
    file_name: String,
    content_type: &'static str,
    bytes: Bytes,
    alt: String,
}

/// What one channel gets.
struct Outgoing {
    /// The connection, or why there is none (no token, a bad server).
    client: Result<Connector, String>,
    text: String,
}

pub struct PreparedPost {
    channels: HashMap<String, Outgoing>,
    pictures: Vec<Picture>,
    language: String,
    visibility: Visibility,
    content_warning: Option<String>,
    tenant: TenantSlug,
    /// For a correction or withdrawal: the post's id on each channel.
    published: HashMap<String, String>,
    withdrawal: bool,
}

/// A post and what checking it needs, read in one go.
pub struct PostContext {
    pub post: Post,
    pub channels: Vec<Channel>,
    pub images: Vec<MediaFile>,
    pub author: Option<Person>,
}

const GONE: &str = "Den Beitrag gibt es nicht mehr.";

impl PostContext {
    pub async fn load(store: &Store, tenant: &TenantSlug, post: Post) -> Result<Self, String> {
        let channels = store
            .records::<Channel>(Some(tenant))
            .await
            .map_err(|e| e.to_string())?;
        let slugs: Vec<&str> = post.images.iter().map(|m| m.as_str()).collect();
        let images = store
            .get_many::<MediaFile>(Some(tenant), &slugs)
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|m| m.record)
            .collect();
        let author = match &post.author {
            Some(a) => store
                .get::<Person>(Some(tenant), a.as_str())
                .await
                .map_err(|e| e.to_string())?
                .map(|p| p.record),
            None => None,
        };
        Ok(Self {
            post,
            channels,
            images,
            author,
        })
    }

    fn channel(&self, slug: &ChannelSlug) -> Option<&Channel> {
        self.channels.iter().find(|c| &c.slug == slug)
    }

    /// Why the post cannot go out, checked with each Mastodon server's
    /// limits of today; `Err` when a server cannot be asked.
    pub async fn problems(&self) -> Result<Vec<String>, String> {
        let mut server_limits = HashMap::new();
        for v in &self.post.channels {
            if let Some(c) = self.channel(&v.channel) {
                server_limits.insert(c.slug.to_string(), limits(c).await?);
            }
        }
        Ok(check_post(
            &self.post,
            &self.channels,
            &self.images,
            self.author.as_ref(),
            |c| server_limits.get(c.slug()).copied().unwrap_or_default(),
        ))
    }
}

impl PostHandler {
    /// The post as every channel gets it: texts, pictures, connections.
    async fn prepared(&self, tenant: &TenantSlug, slug: &str) -> Result<PreparedPost, String> {
        let loaded = self.load(tenant, slug).await?.ok_or(GONE)?;
        let mut pictures = Vec::new();
        for slug in &loaded.post.images {
            let file = loaded
                .images
                .iter()
                .find(|m| &m.slug == slug)
                .ok_or_else(|| format!("Das Bild „{slug}“ gibt es nicht mehr."))?;
            let variant = file
                .page_variant()
                .ok_or_else(|| format!("Vom Bild „{slug}“ gibt es keine Fassung zum Hochladen."))?;
            let media = self
                .media
                .as_ref()
                .ok_or("Auf diesem Knoten ist keine Medienablage eingerichtet.")?;
            let bytes = media
                .get(tenant.as_str(), slug.as_str(), &variant.name)
                .await
                .map_err(|e| format!("Bild „{slug}“: {e}"))?
                .ok_or_else(|| format!("Die Datei zum Bild „{slug}“ fehlt."))?;
            pictures.push(Picture {
                file_name: variant.name.clone(),
                content_type: kreiskom_media::content_type(&variant.name)
                    .unwrap_or("application/octet-stream"),
                bytes,
                alt: file.alt.clone(),
            });
        }
        let mut channels = HashMap::new();
        for v in &loaded.post.channels {
            let Some(c) = loaded.channel(&v.channel) else {
                continue;
            };
            channels.insert(
                c.slug.to_string(),
                Outgoing {
                    client: self.client(tenant, c).await,
                    text: loaded.post.text_for(v, loaded.author.as_ref()),
                },
            );
        }
        Ok(PreparedPost {
            channels,
            pictures,
            language: loaded.post.text_language.clone(),
            visibility: if loaded.post.unlisted {
                Visibility::Unlisted
            } else {
                Visibility::Public
            },
            content_warning: loaded.post.content_warning.clone(),
            tenant: tenant.clone(),
            published: HashMap::new(),
            withdrawal: false,
        })
    }

    async fn load(&self, tenant: &TenantSlug, slug: &str) -> Result<Option<PostContext>, String> {
        let Some(post) = self
            .store
            .get::<Post>(Some(tenant), slug)
            .await
            .map_err(|e| e.to_string())?
        else {
            return Ok(None);
        };
        PostContext::load(&self.store, tenant, post.record)
            .await
            .map(Some)
    }

    /// The channel's client with its opened token.
    async fn client(&self, tenant: &TenantSlug, channel: &Channel) -> Result<Connector, String> {
        let name = channel.title();
        let key = self.key.as_ref().ok_or(
            "Auf diesem Knoten ist kein secret_key eingerichtet; Zugänge lassen sich nicht öffnen.",
        )?;
        let sealed = self
            .store
            .sealed_channel_credential(tenant, channel.slug())
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("Für {name} ist kein Zugang hinterlegt."))?;
        let token = key
            .open(&credential_context(tenant, channel.slug()), &sealed)
            .map_err(|e| format!("Der Zugang für {name} lässt sich nicht öffnen: {e}"))?;
        let token = String::from_utf8(token).map_err(|_| "Zugang unlesbar".to_owned())?;
        match channel.platform {
            Platform::Mastodon => {
                let server = channel
                    .server
                    .as_deref()
                    .ok_or_else(|| format!("Für {name} ist kein Server eingetragen."))?;
                Mastodon::new(server, &token).map(Connector::Mastodon)
            }
            Platform::Bluesky => Bluesky::with_sessions(
                channel.server.as_deref(),
                channel.handle.as_deref().unwrap_or_default(),
                &token,
                self.sessions.clone(),
            )
            .map(Connector::Bluesky),
            other => Err(format!(
                "kreiskom kann auf {} noch nicht veröffentlichen.",
                other.name()
            )),
        }
    }
}

/// A server's limits, read without a token; Mastodon's defaults for a
/// channel without a server (its check then names the missing server).
async fn limits(channel: &Channel) -> Result<ServerLimits, String> {
    match (&channel.server, channel.platform) {
        (Some(server), Platform::Mastodon) => Mastodon::new(server, "")?
            .limits()
            .await
            .map_err(|e| format!("{}: {e}", channel.title())),
        _ => Ok(ServerLimits::default()),
    }
}

impl Handler for PostHandler {
    type Payload = PostPublish;
    type Prepared = PreparedPost;

    async fn plan(&self, tenant: &TenantSlug, job: &PostPublish, _: jiff::Timestamp) -> Plan {
        let loaded = match self.load(tenant, &job.post).await {
            Ok(Some(l)) => l,
            Ok(None) => return Plan::Fail(GONE.into()),
            Err(e) => return Plan::Retry(e),
        };
        // The rules once more, with each server's limits of today: the
        // post may have been edited, or the server changed its limit.
        match loaded.problems().await {
            Ok(problems) if problems.is_empty() => {}
            Ok(problems) => return Plan::Fail(problems.join(" ")),
            Err(e) => return Plan::Retry(e),
        }
        Plan::Deliver(
            loaded
                .post
                .channels
                .iter()
                .filter_map(|v| loaded.channel(&v.channel))
                .map(|c| Target::channel(c.slug(), &c.title()))
                .collect(),
        )
    }

    async fn prepare(
        &self,
        tenant: &TenantSlug,
        job: &PostPublish,
    ) -> Result<PreparedPost, String> {
        self.prepared(tenant, &job.post).await
    }

    async fn deliver(&self, post: &PreparedPost, d: &Delivery) -> Result<Receipt, SendError> {
        let out = post
            .channels
            .get(&d.target)
            .ok_or_else(|| SendError::Permanent(format!("Kanal „{}“ unbekannt", d.target)))?;
        let client = out
            .client
            .as_ref()
            .map_err(|e| SendError::Permanent(e.clone()))?;
        let result = publish(client, post, out, d).await;
        self.note(post, d, result).await
    }
}

impl PostHandler {
    /// Flags the channel when its token stopped working, clears the flag
    /// when it works again.
    async fn note(
        &self,
        post: &PreparedPost,
        d: &Delivery,
        result: Result<Receipt, SendError>,
    ) -> Result<Receipt, SendError> {
        let problem = match &result {
            Err(SendError::AccessRevoked(e)) => Some(e.as_str()),
            Err(_) => return result,
            Ok(_) => None,
        };
        if let Err(e) = self
            .store
            .note_channel_problem(&post.tenant, &d.target, problem)
            .await
        {
            tracing::warn!(channel = %d.target, error = %e, "channel state not noted");
        }
        result
    }
}

/// Corrections and withdrawals of published posts: to every channel the
/// post went out on, by its id there.
pub struct PostFollowUpHandler(PostHandler);

impl PostFollowUpHandler {
    /// Shares the publishing handler's connections and sessions.
    pub fn new(posts: PostHandler) -> Self {
        Self(posts)
    }

    /// Each channel the post went out on, with the post's id there.
    async fn published(
        &self,
        tenant: &TenantSlug,
        post: &str,
    ) -> Result<Vec<(Delivery, String)>, String> {
        let publish = PostPublish {
            post: post.to_owned(),
        };
        let deliveries = match self.0.store.job_of(tenant, &publish).await {
            Ok(Some((_, d))) => d,
            Ok(None) => Vec::new(),
            Err(e) => return Err(e.to_string()),
        };
        Ok(deliveries
            .into_iter()
            .filter(|d| d.state == kreiskom_store::DeliveryState::Delivered)
            .filter_map(|d| d.receipt.id.clone().map(|id| (d, id)))
            .collect())
    }
}

impl Handler for PostFollowUpHandler {
    type Payload = PostFollowUp;
    type Prepared = PreparedPost;

    async fn plan(&self, tenant: &TenantSlug, job: &PostFollowUp, _: jiff::Timestamp) -> Plan {
        let published = match self.published(tenant, &job.post).await {
            Ok(p) if p.is_empty() => {
                return Plan::Fail("Der Beitrag ist auf keinem Kanal erschienen.".into())
            }
            Ok(p) => p,
            Err(e) => return Plan::Retry(e),
        };
        if job.action == FollowUpAction::Correction {
            match self.0.load(tenant, &job.post).await {
                Ok(Some(loaded)) => match loaded.problems().await {
                    Ok(p) if p.is_empty() => {}
                    Ok(p) => return Plan::Fail(p.join(" ")),
                    Err(e) => return Plan::Retry(e),
                },
                Ok(None) => return Plan::Fail(GONE.into()),
                Err(e) => return Plan::Retry(e),
            }
        }
        Plan::Deliver(
            published
                .into_iter()
                .map(|(d, _)| Target::channel(&d.target, &d.name))
                .collect(),
        )
    }

    async fn prepare(
        &self,
        tenant: &TenantSlug,
        job: &PostFollowUp,
    ) -> Result<PreparedPost, String> {
        let mut prepared = self.0.prepared(tenant, &job.post).await?;
        prepared.published = self
            .published(tenant, &job.post)
            .await?
            .into_iter()
            .map(|(d, id)| (d.target, id))
            .collect();
        if job.action == FollowUpAction::Withdrawal {
            // Nothing is uploaded for a deletion.
            prepared.pictures.clear();
            prepared.withdrawal = true;
        }
        Ok(prepared)
    }

    async fn deliver(&self, post: &PreparedPost, d: &Delivery) -> Result<Receipt, SendError> {
        let out = post
            .channels
            .get(&d.target)
            .ok_or_else(|| SendError::Permanent(format!("Kanal „{}“ unbekannt", d.target)))?;
        let id = post.published.get(&d.target).ok_or_else(|| {
            SendError::Permanent("Auf diesem Kanal ist der Beitrag nicht erschienen.".into())
        })?;
        let client = out
            .client
            .as_ref()
            .map_err(|e| SendError::Permanent(e.clone()))?;
        let result = match (client, post.withdrawal) {
            (Connector::Mastodon(m), true) => m.delete(id).await.map(|()| Receipt {
                id: Some(id.clone()),
                url: None,
            }),
            (Connector::Mastodon(m), false) => match upload(m, post).await {
                Ok(media_ids) => m
                    .edit(id, &status(post, out, media_ids))
                    .await
                    .map(|p| Receipt {
                        id: Some(p.id),
                        url: p.url,
                    }),
                Err(e) => Err(e),
            },
            (Connector::Bluesky(b), true) => {
                with_session(b, |session| async move { b.delete(&session, id).await })
                    .await
                    .map(|()| Receipt {
                        id: Some(id.clone()),
                        url: None,
                    })
            }
            (Connector::Bluesky(_), false) => Err(SendError::Permanent(
                "Bluesky erlaubt kein Bearbeiten; dort bleibt der Beitrag, wie er ist (Zurückziehen löscht ihn)."
                    .into(),
            )),
        };
        self.0.note(post, d, result).await
    }
}

async fn publish(
    client: &Connector,
    post: &PreparedPost,
    out: &Outgoing,
    d: &Delivery,
) -> Result<Receipt, SendError> {
    let planned = d
        .created_at
        .parse::<jiff::Timestamp>()
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    match client {
        Connector::Mastodon(m) => {
            if d.attempts > 1 {
                if let Some(found) = m.find_posted(&out.text, planned).await? {
                    return Ok(Receipt {
                        id: Some(found.id),
                        url: found.url,
                    });
                }
            }
            let media_ids = upload(m, post).await?;
            // The delivery's own token is its idempotency key: a repeat of
            // this very request returns the first post.
            let posted = m.post(&status(post, out, media_ids), &d.token).await?;
            Ok(Receipt {
                id: Some(posted.id),
                url: posted.url,
            })
        }
        Connector::Bluesky(b) => {
            // Every try of this delivery writes to the same record key, so
            // a retry can see whether the first one arrived.
            let rkey = bluesky::record_key(planned.as_microsecond(), &d.token);
            let rkey = &rkey;
            let posted = with_session(b, |session| async move {
                if d.attempts > 1 && b.exists(&session, rkey).await? {
                    return Ok(bluesky::Posted {
                        rkey: rkey.clone(),
                        url: b.post_url(rkey),
                    });
                }
                let mut blobs = Vec::with_capacity(post.pictures.len());
                for p in &post.pictures {
                    blobs.push(
                        b.upload(&session, p.content_type, p.bytes.to_vec(), &p.alt)
                            .await?,
                    );
                }
                b.post(&session, rkey, &out.text, &post.language, &blobs)
                    .await
            })
            .await?;
            Ok(Receipt {
                id: Some(posted.rkey),
                url: Some(posted.url),
            })
        }
    }
}

/// Runs `call` in a Bluesky session; when a kept session is refused (it
/// ran out), once more in a new one.
async fn with_session<T, F, Fut>(b: &Bluesky, call: F) -> Result<T, SendError>
where
    F: Fn(bluesky::Session) -> Fut,
    Fut: std::future::Future<Output = Result<T, SendError>>,
{
    let session = b.session().await?;
    match call(session.clone()).await {
        Err(SendError::AccessRevoked(_)) if b.forget(&session) => call(b.session().await?).await,
        result => result,
    }
}

async fn upload(client: &Mastodon, post: &PreparedPost) -> Result<Vec<String>, SendError> {
    let mut media_ids = Vec::with_capacity(post.pictures.len());
    for p in &post.pictures {
        media_ids.push(
            client
                .upload_media(&p.file_name, p.content_type, p.bytes.to_vec(), &p.alt)
                .await?,
        );
    }
    Ok(media_ids)
}

fn status<'a>(post: &'a PreparedPost, out: &'a Outgoing, media_ids: Vec<String>) -> Status<'a> {
    Status {
        text: &out.text,
        language: &post.language,
        visibility: post.visibility,
        content_warning: post.content_warning.as_deref(),
        media_ids,
    }
}

/// Drafts the post a released press release asks for: its title and its
/// public address, for the channels it names. A person still checks and
/// schedules it; a draft that exists already is left alone.
pub struct ReleasePostHandler {
    store: Store,
    site: kreiskom_publish::Site,
}

impl ReleasePostHandler {
    pub fn new(store: Store, site: kreiskom_publish::Site) -> Self {
        Self { store, site }
    }
}

impl Handler for ReleasePostHandler {
    type Payload = ReleasePost;
    type Prepared = ();

    async fn plan(&self, tenant: &TenantSlug, job: &ReleasePost, at: jiff::Timestamp) -> Plan {
        let release = match self
            .store
            .get::<kreiskom_core::PressRelease>(Some(tenant), &job.release)
            .await
        {
            Ok(Some(r)) => r.record,
            Ok(None) => return Plan::Fail("Die Pressemitteilung gibt es nicht mehr.".into()),
            Err(e) => return Plan::Retry(e.to_string()),
        };
        if release.workflow.state != kreiskom_core::ReleaseState::Approved {
            return Plan::Fail("Die Pressemitteilung ist nicht (mehr) freigegeben.".into());
        }
        if !release.is_public(at) {
            return Plan::Wait {
                until: release.workflow.released_at.unwrap_or(at),
                reason: "Sperrfrist läuft noch".into(),
            };
        }
        let Some(path) = kreiskom_publish::press::release_path(tenant.as_str(), &release) else {
            return Plan::Fail("Die Pressemitteilung hat keine Nummer.".into());
        };
        let link = format!("{}{path}", self.site.public_url());
        let post = Post::from_release(&release, &link);
        match self.store.get::<Post>(Some(tenant), post.slug()).await {
            Ok(Some(_)) => return Plan::Deliver(Vec::new()),
            Ok(None) => {}
            Err(e) => return Plan::Retry(e.to_string()),
        }
        let permit = kreiskom_core::Permit::release_post(tenant);
        match self.store.create(&permit, Some(tenant), post).await {
            // Nothing to deliver: the draft is the whole job.
            Ok(_) => Plan::Deliver(Vec::new()),
            Err(kreiskom_store::StoreError::AlreadyExists { .. }) => Plan::Deliver(Vec::new()),
            Err(kreiskom_store::StoreError::Invalid(e)) => Plan::Fail(format!(
                "Der Entwurf ließ sich nicht anlegen: {}",
                e.iter()
                    .map(|f| format!("{} {}", f.field, f.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
            Err(e) => Plan::Retry(e.to_string()),
        }
    }

    async fn prepare(&self, _: &TenantSlug, _: &ReleasePost) -> Result<(), String> {
        Ok(())
    }

    async fn deliver(&self, _: &(), _: &Delivery) -> Result<Receipt, SendError> {
        Err(SendError::Permanent(
            "Ein Entwurf hat keine Empfänger.".into(),
        ))
    }
}
