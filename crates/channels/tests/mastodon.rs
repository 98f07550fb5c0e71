//! The Mastodon client against a local server that checks each request as
//! Mastodon does (`kreiskom_testkit::mastodon`: bearer token, JSON body,
//! the server's character limit, `Idempotency-Key`, multipart media with
//! a description) and answers with Mastodon's documented bodies, errors
//! included.

use kreiskom_channels::mastodon::{Mastodon, Status, Visibility};
use kreiskom_channels::SendError;
use kreiskom_testkit::mastodon::MastodonServer;
use serde_json::json;

const TOKEN: &str = "geheim-token-123";

fn start() -> (String, MastodonServer) {
    let server = MastodonServer::start(TOKEN);
    (server.url.clone(), server)
}

fn status<'a>(text: &'a str, media_ids: Vec<String>) -> Status<'a> {
    Status {
        text,
        language: "de",
        visibility: Visibility::Public,
        content_warning: None,
        media_ids,
    }
}

#[tokio::test]
async fn limits_come_from_the_server() {
    let (url, _) = start();
    let m = Mastodon::new(&url, TOKEN).unwrap();
    let limits = m.limits().await.unwrap();
    assert_eq!(limits.max_characters, 1_000, "not Mastodon's default 500");
    assert_eq!(limits.characters_reserved_per_url, 23);
    assert_eq!(limits.max_media_attachments, 4);
}

#[tokio::test]
async fn a_retry_with_the_same_key_does_not_post_twice() {
    let (url, server) = start();
    let m = Mastodon::new(&url, TOKEN).unwrap();
    let text =
        "Der Landkreis Stade ist jetzt auch im Fediverse 🎉 https://www.landkreis-stade.de/presse";
    let first = m.post(&status(text, vec![]), "lieferung-42").await.unwrap();
    let again = m.post(&status(text, vec![]), "lieferung-42").await.unwrap();
    assert_eq!(first, again);
    assert_eq!(server.books().created, 1, "one post on the server");
    assert_eq!(
        first.url.as_deref(),
        Some(format!("https://social.example/@landkreis/{}", first.id).as_str())
    );
    let other = m.post(&status(text, vec![]), "lieferung-43").await.unwrap();
    assert_ne!(other.id, first.id);
}

#[tokio::test]
async fn what_went_out_is_found_again_by_its_text() {
    let (url, _server) = start();
    let m = Mastodon::new(&url, TOKEN).unwrap();
    let before = jiff::Timestamp::now();
    let text =
        "Adventsmarkt & Konzert\nam 5. Dezember\n\nMehr: https://www.landkreis-goslar.de/advent";
    assert_eq!(m.find_posted(text, before).await.unwrap(), None);
    let posted = m.post(&status(text, vec![]), "advent").await.unwrap();
    m.post(&status("Etwas anderes", vec![]), "anderes")
        .await
        .unwrap();
    assert_eq!(m.find_posted(text, before).await.unwrap(), Some(posted));
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1);
    assert_eq!(
        m.find_posted(text, later).await.unwrap(),
        None,
        "only posts since the first try count"
    );
}

#[tokio::test]
async fn language_visibility_and_content_warning_are_sent() {
    let (url, server) = start();
    let m = Mastodon::new(&url, TOKEN).unwrap();
    let mut s = status("Sperrung der K 12 wegen Bauarbeiten", vec![]);
    s.visibility = Visibility::Unlisted;
    s.content_warning = Some("Verkehr");
    let posted = m.post(&s, "k12").await.unwrap();
    let sent = server.books().statuses[&posted.id].clone();
    assert_eq!(sent["language"], "de");
    assert_eq!(sent["visibility"], "unlisted");
    assert_eq!(sent["spoiler_text"], "Verkehr");
    assert_eq!(sent["sensitive"], true);
}

#[tokio::test]
async fn pictures_go_up_with_their_alt_text() {
    let (url, server) = start();
    let m = Mastodon::new(&url, TOKEN).unwrap();
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../demo/media/wappen-stade.png"
    ))
    .unwrap();
    let id = m
        .upload_media(
            "wappen.png",
            "image/png",
            png,
            "Wappen des Landkreises Stade",
        )
        .await
        .unwrap();
    assert_eq!(server.books().media[&id], "Wappen des Landkreises Stade");
    let posted = m
        .post(&status("Unser Wappen", vec![id.clone()]), "bild")
        .await
        .unwrap();
    assert_eq!(
        server.books().statuses[&posted.id]["media_ids"],
        json!([id])
    );
    let refused = m
        .upload_media("x.txt", "text/plain", b"kein Bild".to_vec(), "x")
        .await
        .unwrap_err();
    assert!(
        matches!(refused, SendError::Permanent(ref m) if m.contains("not what they are reported")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn refusals_read_in_german_and_say_whether_to_retry() {
    let (url, server) = start();
    let wrong = Mastodon::new(&url, "abgelaufen").unwrap();
    let e = wrong.post(&status("Hallo", vec![]), "a").await.unwrap_err();
    assert_eq!(
        e,
        SendError::AccessRevoked("Der Zugang zum Mastodon-Konto gilt nicht mehr (The access token is invalid); bitte beim Kanal einen neuen Zugang hinterlegen.".into())
    );
    let m = Mastodon::new(&url, TOKEN).unwrap();
    let long = "ä".repeat(1_001);
    let e = m.post(&status(&long, vec![]), "b").await.unwrap_err();
    assert_eq!(
        e,
        SendError::Permanent("Mastodon lehnt den Beitrag ab: Validation failed: Text character limit of 1000 exceeded".into())
    );
    server.books().throttle = true;
    let e = m.post(&status("Hallo", vec![]), "c").await.unwrap_err();
    assert_eq!(
        e,
        SendError::Transient(
            "Zu viele Anfragen an den Server; wieder möglich ab 2026-12-03T12:05:00.000Z.".into()
        )
    );
    assert_eq!(server.books().created, 0, "nothing went out");
    // A server that is not there is worth a retry.
    let gone = Mastodon::new("http://127.0.0.1:9", TOKEN).unwrap();
    assert!(matches!(gone.limits().await, Err(SendError::Transient(_))));
}

#[tokio::test]
async fn a_correction_edits_and_a_withdrawal_deletes() {
    let (url, server) = start();
    let m = Mastodon::new(&url, TOKEN).unwrap();
    let posted = m
        .post(&status("Termin am 3. Juli", vec![]), "t")
        .await
        .unwrap();
    let edited = m
        .edit(&posted.id, &status("Korrektur: Termin am 4. Juli", vec![]))
        .await
        .unwrap();
    assert_eq!(edited.id, posted.id);
    assert_eq!(
        server.books().statuses[&posted.id]["status"],
        "Korrektur: Termin am 4. Juli"
    );
    m.delete(&posted.id).await.unwrap();
    assert!(server.books().statuses.is_empty());
    m.delete(&posted.id)
        .await
        .expect("already gone counts as deleted");
}

#[test]
fn the_token_stays_out_of_logs_and_only_https_leaves_the_machine() {
    let m = Mastodon::new("social.bund.de", TOKEN).unwrap();
    let shown = format!("{m:?}");
    assert!(
        shown.contains("https://social.bund.de") && !shown.contains(TOKEN),
        "{shown}"
    );
    assert!(Mastodon::new("https://social.bund.de/", TOKEN).is_ok());
    assert!(Mastodon::new("http://social.bund.de", TOKEN).is_err());
    assert!(Mastodon::new("@presse@social.bund.de", TOKEN).is_err());
}
