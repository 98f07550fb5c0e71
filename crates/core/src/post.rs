//! Beitrag: one message for the social channels, written once and adjusted
//! per channel. When it goes out is not part of the record: scheduling
//! writes a job into the outbox, whose deliveries (one per channel) say
//! what went out where.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::doubt::Doubt;
use crate::media::MediaFile;
use crate::outbox::Payload;
use crate::record::{record_basics, ref_opt, refs_list, Kind, Record, Reference};
use crate::slug::{ChannelSlug, MediaSlug, PersonSlug, PostSlug, PressReleaseSlug};
use crate::social::{check, Draft, ServerLimits};
use crate::tenant::{Channel, Person, Platform};
use crate::validation::{Errors, FieldError};

/// More than any platform takes; the per-channel rules say the real limit.
const MESSAGE: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Post {
    pub slug: PostSlug,
    /// What every channel gets unless its variant says otherwise.
    pub message: String,
    /// Pictures from the media library, each with its alt text there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<MediaSlug>,
    /// Who signs the post (the district administrator): "– Name" ends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<PersonSlug>,
    /// The press release it was drafted from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<PressReleaseSlug>,
    /// ISO 639-1 code of the text's language.
    #[serde(default = "german")]
    pub text_language: String,
    /// Shown before the text, which stays folded until opened (Mastodon).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_warning: Option<String>,
    /// Only followers and those who look at the profile see it, not the
    /// public timelines (Mastodon's "unlisted").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unlisted: bool,
    /// The channels it goes to, each with its own text where needed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<PostVariant>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

fn german() -> String {
    "de".to_owned()
}

/// One channel's version of a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostVariant {
    pub channel: ChannelSlug,
    /// Replaces the post's text on this channel (shorter for X, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A video's title (YouTube).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_title: Option<String>,
}

impl Post {
    /// The text that goes out on one channel, signed by its author.
    pub fn text_for(&self, variant: &PostVariant, author: Option<&Person>) -> String {
        let body = variant
            .message
            .as_deref()
            .filter(|m| !m.trim().is_empty())
            .unwrap_or(&self.message)
            .trim();
        match author {
            Some(a) => format!("{body}\n\n– {}", a.name),
            None => body.to_owned(),
        }
    }
}

impl Record for Post {
    record_basics!(Kind::Post);

    fn title(&self) -> String {
        let first = self.message.lines().next().unwrap_or_default().trim();
        let mut title: String = first.chars().take(80).collect();
        if first.chars().count() > 80 {
            title.push('…');
        }
        if title.is_empty() {
            self.slug.to_string()
        } else {
            title
        }
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.text("message", &self.message, MESSAGE);
        let lang = self.text_language.as_str();
        if lang.len() != 2 || !lang.bytes().all(|b| b.is_ascii_lowercase()) {
            e.add(
                "text_language",
                "muss ein Sprachcode aus zwei Kleinbuchstaben sein (ISO 639-1, z. B. „de“)",
            );
        }
        if let Some(w) = &self.content_warning {
            e.line("content_warning", w, 200);
        }
        e.unique("images", &self.images);
        let channels: Vec<&ChannelSlug> = self.channels.iter().map(|v| &v.channel).collect();
        e.unique("channels", &channels);
        for (i, v) in self.channels.iter().enumerate() {
            if let Some(m) = &v.message {
                e.text(&format!("channels.{i}.message"), m, MESSAGE);
            }
            if let Some(t) = &v.video_title {
                e.line(&format!("channels.{i}.video_title"), t, 200);
            }
        }
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        refs_list(&mut out, "images", Kind::MediaFile, &self.images);
        ref_opt(&mut out, "author", Kind::Person, &self.author);
        ref_opt(&mut out, "release", Kind::PressRelease, &self.release);
        for (i, v) in self.channels.iter().enumerate() {
            out.push(Reference::new(
                format!("channels.{i}.channel"),
                Kind::Channel,
                &v.channel,
            ));
        }
        out
    }
}

/// The platforms kreiskom can publish on so far. A channel on another
/// platform cannot be chosen for a scheduled post, so nothing waits for a
/// connector that does not exist.
pub fn can_publish(platform: Platform) -> bool {
    matches!(platform, Platform::Mastodon | Platform::Bluesky)
}

/// Why the post cannot be scheduled, each message naming its channel;
/// empty when every variant meets its platform's rules. `limits` are the
/// server's own for a Mastodon channel (read from its instance API).
pub fn check_post(
    post: &Post,
    channels: &[Channel],
    images: &[MediaFile],
    author: Option<&Person>,
    limits: impl Fn(&Channel) -> ServerLimits,
) -> Vec<String> {
    let mut problems = Vec::new();
    if post.channels.is_empty() {
        problems.push("Der Beitrag hat noch keinen Kanal.".to_owned());
    }
    let alts: Vec<&str> = post
        .images
        .iter()
        .map(|slug| {
            images
                .iter()
                .find(|m| &m.slug == slug)
                .map_or("", |m| m.alt.as_str())
        })
        .collect();
    for v in &post.channels {
        let Some(channel) = channels.iter().find(|c| c.slug == v.channel) else {
            problems.push(format!("Den Kanal „{}“ gibt es nicht mehr.", v.channel));
            continue;
        };
        let name = channel.title();
        if !can_publish(channel.platform) {
            problems.push(format!(
                "{name}: kreiskom kann auf {} noch nicht veröffentlichen.",
                channel.platform.name()
            ));
            continue;
        }
        if channel.platform == Platform::Bluesky && channel.handle.is_none() {
            problems.push(format!(
                "{name}: Beim Kanal fehlt der Name des Kontos (z. B. landkreis.bsky.social)."
            ));
        }
        if channel.platform == Platform::Mastodon && channel.server.is_none() {
            problems.push(format!(
                "{name}: Beim Kanal fehlt der Server des Kontos (z. B. „social.bund.de“)."
            ));
        }
        let text = post.text_for(v, author);
        let draft = Draft {
            text: &text,
            title: v.video_title.as_deref(),
            image_alts: alts.clone(),
            has_video: false,
        };
        for p in check(channel.platform, &draft, &limits(channel)) {
            problems.push(format!("{name}: {p}"));
        }
    }
    problems
}

/// Publishes a scheduled post on each of its channels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostPublish {
    pub post: String,
}

impl Payload for PostPublish {
    const KIND: &'static str = "post_publish";

    fn key(&self) -> String {
        self.post.clone()
    }

    fn subject(&self) -> &str {
        &self.post
    }
}

/// Drafts a post from a press release once it is public, for the channels
/// the release names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleasePost {
    pub release: String,
}

impl Payload for ReleasePost {
    const KIND: &'static str = "release_post";

    fn key(&self) -> String {
        self.release.clone()
    }

    fn subject(&self) -> &str {
        &self.release
    }
}

impl Post {
    /// The draft a released press release prepares: its title and the link
    /// to it, for the channels it names; the slug says where it came from.
    pub fn from_release(release: &crate::PressRelease, link: &str) -> Self {
        let slug = crate::slugify(&format!("pm-{}", release.slug));
        Post {
            slug: PostSlug::parse(&slug).unwrap_or_else(|_| release_slug_fallback()),
            message: format!("{}\n\n{link}", release.title.trim()),
            images: Vec::new(),
            author: None,
            release: Some(release.slug.clone()),
            text_language: german(),
            content_warning: None,
            unlisted: false,
            channels: release
                .post_channels
                .iter()
                .map(|c| PostVariant {
                    channel: c.clone(),
                    message: None,
                    video_title: None,
                })
                .collect(),
            doubts: Vec::new(),
        }
    }
}

fn release_slug_fallback() -> PostSlug {
    PostSlug::parse("pm-entwurf").expect("a valid slug")
}

/// What happens to a post that is already out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpAction {
    /// The edited text replaces the published one on every channel.
    Correction,
    /// The post is deleted on every channel.
    Withdrawal,
}

/// A correction or withdrawal of a published post, to every channel it
/// went out on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostFollowUp {
    pub post: String,
    pub action: FollowUpAction,
    /// The post's version a correction carries, so each edit is sent once;
    /// 0 for a withdrawal, which happens once.
    pub version: i64,
}

impl Payload for PostFollowUp {
    const KIND: &'static str = "post_follow_up";

    fn key(&self) -> String {
        let action = match self.action {
            FollowUpAction::Correction => "correction",
            FollowUpAction::Withdrawal => "withdrawal",
        };
        format!("{}:{action}:{}", self.post, self.version)
    }

    fn subject(&self) -> &str {
        &self.post
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(slug: &str, platform: Platform) -> Channel {
        Channel {
            slug: ChannelSlug::parse(slug).unwrap(),
            platform,
            handle: Some("@landkreis".into()),
            url: None,
            server: None,
            since: None,
            unit: None,
            note: None,
            doubts: vec![],
        }
    }

    fn post(message: &str, channels: &[&str]) -> Post {
        Post {
            slug: PostSlug::parse("adventsmarkt").unwrap(),
            message: message.into(),
            images: vec![],
            author: None,
            release: None,
            text_language: "de".into(),
            content_warning: None,
            unlisted: false,
            channels: channels
                .iter()
                .map(|c| PostVariant {
                    channel: ChannelSlug::parse(c).unwrap(),
                    message: None,
                    video_title: None,
                })
                .collect(),
            doubts: vec![],
        }
    }

    #[test]
    fn each_variant_is_checked_against_its_own_channel() {
        let mut mastodon = channel("mastodon", Platform::Mastodon);
        mastodon.server = Some("social.bund.de".into());
        let channels = [mastodon, channel("facebook", Platform::Facebook)];
        let long = "Adventsmarkt 🎄 ".repeat(40);
        let problems = check_post(
            &post(&long, &["mastodon", "facebook"]),
            &channels,
            &[],
            None,
            |_| ServerLimits::default(),
        );
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with(
                "Mastodon @landkreis: Der Text ist für Mastodon zu lang: 599 von höchstens 500"
            ),
            "{problems:?}"
        );
        assert_eq!(
            problems[1],
            "Facebook @landkreis: kreiskom kann auf Facebook noch nicht veröffentlichen."
        );
        // The server's own limit counts.
        let roomy = |_: &Channel| ServerLimits {
            max_characters: 1_000,
            ..ServerLimits::default()
        };
        assert!(check_post(&post(&long, &["mastodon"]), &channels, &[], None, roomy).is_empty());
    }

    #[test]
    fn the_signature_counts_and_a_picture_needs_its_alt_text() {
        let mut mastodon = channel("mastodon", Platform::Mastodon);
        mastodon.server = Some("social.bund.de".into());
        let channels = [mastodon];
        let mut p = post(&"x".repeat(490), &["mastodon"]);
        let landrat: Person = serde_json::from_value(serde_json::json!({
            "slug": "saipa", "name": "Dr. Alexander Saipa", "role": "Landrat"
        }))
        .unwrap();
        assert_eq!(
            p.text_for(&p.channels[0], Some(&landrat)),
            format!("{}\n\n– Dr. Alexander Saipa", "x".repeat(490))
        );
        let limits = |_: &Channel| ServerLimits::default();
        assert!(check_post(&p, &channels, &[], None, limits).is_empty());
        assert_eq!(
            check_post(&p, &channels, &[], Some(&landrat), limits).len(),
            1,
            "signed, the text is too long"
        );
        p.images = vec![MediaSlug::parse("markt").unwrap()];
        let picture: MediaFile = serde_json::from_value(serde_json::json!({
            "slug": "markt", "file_name": "markt.jpg", "alt": " ", "uploaded": "2026-12-01T10:00"
        }))
        .unwrap();
        let problems = check_post(&p, &channels, &[picture], None, limits);
        assert_eq!(
            problems,
            ["Mastodon @landkreis: Jedes Bild braucht einen Alternativtext für Menschen, die es nicht sehen können."]
        );
    }

    #[test]
    fn a_post_needs_a_channel_and_a_language_code() {
        let mut p = post("Hallo", &[]);
        assert_eq!(
            check_post(&p, &[], &[], None, |_| ServerLimits::default()),
            ["Der Beitrag hat noch keinen Kanal."]
        );
        p.text_language = "Deutsch".into();
        p.channels = post("", &["a", "a"]).channels;
        let fields: Vec<String> = p.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["text_language", "channels.1"]);
    }
}
