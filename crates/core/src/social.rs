//! Each platform's rules for a post, counted as that platform counts: X
//! weighs characters (most scripts and emoji twice, every link 23),
//! Bluesky counts graphemes and marks links by UTF-8 byte offsets,
//! Mastodon counts code points with links at the server's own length and
//! mentions without their domain, YouTube counts a description in bytes.
//! A variant that breaks a rule cannot be scheduled; the messages say why
//! in German.

use unicode_segmentation::UnicodeSegmentation;

use crate::tenant::Platform;

/// What a Mastodon server allows, read from its instance API
/// (`/api/v2/instance`: `configuration.statuses`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    pub max_characters: usize,
    pub characters_reserved_per_url: usize,
    pub max_media_attachments: usize,
}

impl Default for ServerLimits {
    /// Mastodon's defaults, for a server that does not say.
    fn default() -> Self {
        Self {
            max_characters: 500,
            characters_reserved_per_url: 23,
            max_media_attachments: 4,
        }
    }
}

/// The base address of a server as a user types it ("social.bund.de",
/// "https://social.bund.de/"): always https, but for a server on this
/// machine (tests, a local instance), so tokens never cross the network
/// unencrypted.
pub fn server_base(typed: &str) -> Result<String, String> {
    let typed = typed.trim();
    let (scheme, rest) = match typed.strip_prefix("http://") {
        Some(local) if local.starts_with("127.0.0.1:") || local.starts_with("localhost:") => {
            ("http", local)
        }
        Some(_) => return Err("ist nur über https:// erreichbar".to_owned()),
        None => ("https", typed.trim_start_matches("https://")),
    };
    let host = rest.trim_end_matches('/');
    if host.is_empty() || host.contains(['/', ' ', '@']) || !host.contains(['.', ':']) {
        return Err("ist keine Adresse eines Servers (z. B. „social.bund.de“)".to_owned());
    }
    Ok(format!("{scheme}://{host}"))
}

/// One channel's version of a post, as far as the rules look at it.
#[derive(Debug, Clone, Default)]
pub struct Draft<'a> {
    pub text: &'a str,
    /// YouTube's title.
    pub title: Option<&'a str>,
    /// The alt text of each image; an empty one is refused.
    pub image_alts: Vec<&'a str>,
    pub has_video: bool,
}

/// A link in a Bluesky post: the `app.bsky.richtext.facet` byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkFacet {
    pub byte_start: usize,
    pub byte_end: usize,
    pub uri: String,
}

/// Every `http://` or `https://` link in the text, by byte range; a
/// sentence's closing punctuation is not part of the link.
pub fn links(text: &str) -> Vec<LinkFacet> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| text[from..].find(scheme).map(|i| from + i))
        .min()
    {
        let rest = &text[found..];
        let mut end = rest
            .find(|c: char| c.is_whitespace() || "<>\"".contains(c))
            .unwrap_or(rest.len());
        while end > 0 && rest[..end].ends_with(['.', ',', ';', ':', '!', '?', ')']) {
            end -= 1;
        }
        let scheme_len = if rest.starts_with("https://") { 8 } else { 7 };
        if end > scheme_len {
            out.push(LinkFacet {
                byte_start: found,
                byte_end: found + end,
                uri: rest[..end].to_owned(),
            });
        }
        from = found + end.max(scheme_len);
    }
    out
}

/// The text with each link replaced by `n` placeholder characters.
fn with_links_as(text: &str, n: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for l in links(text) {
        out.push_str(&text[at..l.byte_start]);
        out.extend(std::iter::repeat_n('x', n));
        at = l.byte_end;
    }
    out.push_str(&text[at..]);
    out
}

/// X's weighted length (twitter-text, version 3): characters of Latin,
/// Greek, Cyrillic and common punctuation weigh 1, all others 2, an emoji
/// (with its modifiers and joiners) 2, every link 23.
pub fn x_length(text: &str) -> usize {
    const LIGHT: [(u32, u32); 4] = [(0, 4351), (8192, 8205), (8208, 8223), (8242, 8247)];
    let text = with_links_as(text, 23);
    text.graphemes(true)
        .map(|g| {
            if is_emoji(g) {
                2
            } else {
                g.chars()
                    .map(|c| {
                        let c = c as u32;
                        if LIGHT.iter().any(|(a, b)| (*a..=*b).contains(&c)) {
                            1
                        } else {
                            2
                        }
                    })
                    .sum()
            }
        })
        .sum()
}

fn is_emoji(grapheme: &str) -> bool {
    grapheme
        .chars()
        .any(|c| matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0xFE0F | 0x200D))
}

/// Bluesky counts graphemes: "👩‍👩‍👧" is one.
pub fn bluesky_length(text: &str) -> usize {
    text.graphemes(true).count()
}

/// Mastodon counts code points; each link counts as the server's
/// `characters_reserved_per_url`, and a mention as its user part only
/// (`@presse@social.bund.de` as `@presse`).
pub fn mastodon_length(text: &str, limits: &ServerLimits) -> usize {
    let text = with_links_as(text, limits.characters_reserved_per_url);
    text.split_inclusive(char::is_whitespace)
        .map(|word| {
            let bare = word.trim_end();
            let counted = match bare.strip_prefix('@').and_then(|m| m.split_once('@')) {
                Some((user, domain)) if !user.is_empty() && domain.contains('.') => {
                    // A sentence's punctuation after the domain still counts.
                    let trailing = domain
                        .chars()
                        .rev()
                        .take_while(|c| !c.is_alphanumeric())
                        .count();
                    1 + user.chars().count() + trailing
                }
                _ => bare.chars().count(),
            };
            counted + (word.chars().count() - bare.chars().count())
        })
        .sum()
}

/// How long the text is for `platform`, as it counts.
pub fn length(platform: Platform, text: &str, limits: &ServerLimits) -> usize {
    match platform {
        Platform::Twitter => x_length(text),
        Platform::Bluesky => bluesky_length(text),
        Platform::Mastodon => mastodon_length(text, limits),
        // YouTube limits the description in bytes.
        Platform::Youtube => text.len(),
        Platform::Facebook | Platform::Instagram | Platform::Linkedin => text.chars().count(),
    }
}

/// The most the platform takes.
pub fn max_length(platform: Platform, limits: &ServerLimits) -> usize {
    match platform {
        Platform::Twitter => 280,
        Platform::Bluesky => 300,
        Platform::Mastodon => limits.max_characters,
        Platform::Instagram => 2_200,
        Platform::Linkedin => 3_000,
        Platform::Youtube => 5_000,
        Platform::Facebook => 63_206,
    }
}

fn max_images(platform: Platform, limits: &ServerLimits) -> usize {
    match platform {
        Platform::Twitter | Platform::Bluesky => 4,
        Platform::Mastodon => limits.max_media_attachments,
        Platform::Instagram => 10,
        Platform::Linkedin => 20,
        Platform::Facebook => 10,
        Platform::Youtube => 0,
    }
}

/// Why the draft cannot go out on `platform`; empty when it can.
pub fn check(platform: Platform, draft: &Draft, limits: &ServerLimits) -> Vec<String> {
    let mut problems = Vec::new();
    let name = platform.name();
    let used = length(platform, draft.text, limits);
    let max = max_length(platform, limits);
    if used > max {
        let unit = if platform == Platform::Youtube {
            "Bytes"
        } else {
            "Zeichen"
        };
        problems.push(format!(
            "Der Text ist für {name} zu lang: {used} von höchstens {max} {unit} ({} zu viel).",
            used - max
        ));
    }
    if draft.text.trim().is_empty() && draft.image_alts.is_empty() && !draft.has_video {
        problems.push(format!("Der Beitrag für {name} ist leer."));
    }
    let images = draft.image_alts.len();
    if draft.image_alts.iter().any(|alt| alt.trim().is_empty()) {
        problems.push(
            "Jedes Bild braucht einen Alternativtext für Menschen, die es nicht sehen können."
                .to_owned(),
        );
    }
    if images > max_images(platform, limits) {
        problems.push(format!(
            "{name} nimmt höchstens {} Bilder, der Beitrag hat {images}.",
            max_images(platform, limits)
        ));
    }
    match platform {
        Platform::Instagram => {
            if images == 0 && !draft.has_video {
                problems.push("Ein Beitrag auf Instagram braucht ein Bild oder Video.".to_owned());
            }
            let hashtags = draft
                .text
                .split_whitespace()
                .filter(|w| w.starts_with('#') && w.len() > 1)
                .count();
            if hashtags > 30 {
                problems.push(format!(
                    "Instagram erlaubt höchstens 30 Hashtags, der Text hat {hashtags}."
                ));
            }
        }
        Platform::Youtube => {
            if !draft.has_video {
                problems.push("Ein Beitrag auf YouTube braucht ein Video.".to_owned());
            }
            match draft.title.map(str::trim) {
                None | Some("") => {
                    problems.push("Ein YouTube-Video braucht einen Titel.".to_owned())
                }
                Some(t) if t.chars().count() > 100 => problems.push(format!(
                    "Der Titel ist für YouTube zu lang: {} von höchstens 100 Zeichen.",
                    t.chars().count()
                )),
                Some(t) if t.contains(['<', '>']) => problems
                    .push("Ein YouTube-Titel darf die Zeichen < und > nicht enthalten.".to_owned()),
                Some(_) => {}
            }
        }
        _ => {}
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_is_reached_over_https_only() {
        assert_eq!(
            server_base("social.bund.de").unwrap(),
            "https://social.bund.de"
        );
        assert_eq!(
            server_base(" https://social.bund.de/ ").unwrap(),
            "https://social.bund.de"
        );
        assert_eq!(
            server_base("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(server_base("http://social.bund.de").is_err());
        assert!(server_base("@presse@social.bund.de").is_err());
        assert!(server_base("social.bund.de/@presse").is_err());
        assert!(server_base("localhost").is_err());
    }

    const RELEASE: &str = "https://www.landkreis-stade.de/presse/2022/150";

    #[test]
    fn x_weighs_links_emoji_and_scripts() {
        assert_eq!(x_length("Hallo Stade"), 11);
        assert_eq!(x_length("Größe"), 5, "Latin with umlauts weighs 1");
        assert_eq!(x_length(RELEASE), 23, "every link counts 23");
        assert_eq!(x_length(&format!("Neu: {RELEASE}.")), 5 + 23 + 1);
        assert_eq!(x_length("👍"), 2);
        assert_eq!(x_length("👩‍👩‍👧"), 2, "a family is one emoji");
        assert_eq!(x_length("👍🏽"), 2, "skin tone belongs to its emoji");
        assert_eq!(x_length("東京"), 4, "CJK weighs 2");
        let full = "a".repeat(280);
        assert!(check(
            Platform::Twitter,
            &Draft {
                text: &full,
                ..Draft::default()
            },
            &ServerLimits::default()
        )
        .is_empty());
        let over = format!("{}👍", "a".repeat(279));
        let problems = check(
            Platform::Twitter,
            &Draft {
                text: &over,
                ..Draft::default()
            },
            &ServerLimits::default(),
        );
        assert_eq!(
            problems,
            ["Der Text ist für Twitter zu lang: 281 von höchstens 280 Zeichen (1 zu viel)."]
        );
    }

    #[test]
    fn bluesky_counts_graphemes_and_marks_links_by_byte() {
        assert_eq!(bluesky_length("Końskie 👩‍👩‍👧"), 9);
        let text = "Iași grüßt 👋 https://harz.de/partner!";
        let facets = links(text);
        assert_eq!(facets.len(), 1);
        let f = &facets[0];
        assert_eq!(&text[f.byte_start..f.byte_end], "https://harz.de/partner");
        // "Iași grüßt 👋 " is 13 code points but 19 bytes in UTF-8.
        assert_eq!(f.byte_start, 19);
        assert_eq!(f.uri, "https://harz.de/partner");
        let long = "ș".repeat(300);
        assert!(check(
            Platform::Bluesky,
            &Draft {
                text: &long,
                ..Draft::default()
            },
            &ServerLimits::default()
        )
        .is_empty());
        let longer = "ș".repeat(301);
        assert_eq!(
            check(
                Platform::Bluesky,
                &Draft {
                    text: &longer,
                    ..Draft::default()
                },
                &ServerLimits::default()
            )
            .len(),
            1
        );
    }

    #[test]
    fn mastodon_reads_its_limits_from_the_server() {
        let limits = ServerLimits::default();
        assert_eq!(mastodon_length(RELEASE, &limits), 23);
        assert_eq!(
            mastodon_length("Danke @presse@social.bund.de!", &limits),
            "Danke @presse!".chars().count(),
            "a mention counts without its domain"
        );
        assert_eq!(mastodon_length("E-Mail: a@b", &limits), 11, "not a mention");
        let text = "ä".repeat(600);
        let draft = Draft {
            text: &text,
            ..Draft::default()
        };
        assert_eq!(
            check(Platform::Mastodon, &draft, &limits).len(),
            1,
            "500 by default"
        );
        let big = ServerLimits {
            max_characters: 1000,
            ..limits
        };
        assert!(
            check(Platform::Mastodon, &draft, &big).is_empty(),
            "the server allows 1,000"
        );
        let short_links = ServerLimits {
            characters_reserved_per_url: 10,
            ..limits
        };
        assert_eq!(mastodon_length(RELEASE, &short_links), 10);
    }

    #[test]
    fn images_need_alt_text_and_instagram_needs_an_image() {
        let limits = ServerLimits::default();
        let bare = Draft {
            text: "Neues Serviceportal",
            ..Draft::default()
        };
        assert_eq!(
            check(Platform::Instagram, &bare, &limits),
            ["Ein Beitrag auf Instagram braucht ein Bild oder Video."]
        );
        let unlabelled = Draft {
            image_alts: vec![" "],
            ..bare.clone()
        };
        assert_eq!(
            check(Platform::Instagram, &unlabelled, &limits),
            ["Jedes Bild braucht einen Alternativtext für Menschen, die es nicht sehen können."]
        );
        let fine = Draft {
            image_alts: vec!["Landrat Kai Seefried am Laptop"],
            ..bare.clone()
        };
        assert!(check(Platform::Instagram, &fine, &limits).is_empty());
        let text = "x".repeat(2_201);
        assert_eq!(
            check(
                Platform::Instagram,
                &Draft {
                    text: &text,
                    ..fine.clone()
                },
                &limits
            )
            .len(),
            1
        );
        let five = Draft {
            image_alts: vec!["Bild"; 5],
            ..bare.clone()
        };
        assert_eq!(
            check(Platform::Mastodon, &five, &limits),
            ["Mastodon nimmt höchstens 4 Bilder, der Beitrag hat 5."]
        );
        let tags = (0..31)
            .map(|i| format!("#tag{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(
            check(
                Platform::Instagram,
                &Draft {
                    text: &tags,
                    ..fine
                },
                &limits
            )
            .len(),
            1
        );
    }

    #[test]
    fn linkedin_and_youtube_count_their_own_way() {
        let limits = ServerLimits::default();
        let text = "ł".repeat(3_000);
        assert!(check(
            Platform::Linkedin,
            &Draft {
                text: &text,
                ..Draft::default()
            },
            &limits
        )
        .is_empty());
        // 2,600 "ł" are 5,200 bytes: too long for a YouTube description.
        let description = "ł".repeat(2_600);
        let video = Draft {
            text: &description,
            title: Some("Kreistag live"),
            has_video: true,
            ..Draft::default()
        };
        assert_eq!(
            check(Platform::Youtube, &video, &limits),
            ["Der Text ist für YouTube zu lang: 5200 von höchstens 5000 Bytes (200 zu viel)."]
        );
        let title = "T".repeat(101);
        let untitled = Draft {
            text: "Kurz",
            title: Some(&title),
            has_video: true,
            ..Draft::default()
        };
        assert_eq!(check(Platform::Youtube, &untitled, &limits).len(), 1);
        let angled = Draft {
            text: "Kurz",
            title: Some("<Live>"),
            has_video: true,
            ..Draft::default()
        };
        assert_eq!(
            check(Platform::Youtube, &angled, &limits),
            ["Ein YouTube-Titel darf die Zeichen < und > nicht enthalten."]
        );
    }
}
