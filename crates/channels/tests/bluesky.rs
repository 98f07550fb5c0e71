//! The Bluesky client against a local PDS that checks each XRPC call as
//! the AT Protocol does (`kreiskom_testkit::bluesky`).

use kreiskom_channels::bluesky::{record_key, Bluesky};
use kreiskom_channels::SendError;
use kreiskom_testkit::bluesky::BlueskyServer;

const HANDLE: &str = "landkreis-stade.bsky.social";
const PASSWORD: &str = "abcd-efgh-ijkl-mnop";

fn start() -> (BlueskyServer, Bluesky) {
    let server = BlueskyServer::start(HANDLE, PASSWORD);
    let client = Bluesky::new(Some(&server.url), &format!("@{HANDLE}"), PASSWORD).unwrap();
    (server, client)
}

#[tokio::test]
async fn a_post_carries_its_links_by_byte_and_its_pictures_with_alt_text() {
    let (server, bsky) = start();
    let session = bsky.session().await.unwrap();
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../demo/media/wappen-stade.png"
    ))
    .unwrap();
    let blob = bsky
        .upload(&session, "image/png", png, "Wappen des Landkreises Stade")
        .await
        .unwrap();
    // Umlauts and an emoji before the link: its byte offsets differ from
    // its character offsets.
    let text = "Grüße aus Stade 🎄 Mehr: https://www.landkreis-stade.de/presse.";
    let key = record_key(1_764_758_400_000_000, "lieferung-1");
    let posted = bsky
        .post(&session, &key, text, "de", &[blob])
        .await
        .unwrap();
    assert_eq!(
        posted.url,
        format!("https://bsky.app/profile/{HANDLE}/post/{key}")
    );
    let books = server.books();
    let record = &books.posts[&key];
    assert_eq!(record["text"], text);
    assert_eq!(record["langs"][0], "de");
    assert_eq!(
        record["facets"][0]["features"][0]["uri"],
        "https://www.landkreis-stade.de/presse"
    );
    assert_eq!(
        record["embed"]["images"][0]["alt"],
        "Wappen des Landkreises Stade"
    );
}

#[tokio::test]
async fn a_retry_asks_first_and_a_withdrawal_deletes() {
    let (server, bsky) = start();
    let session = bsky.session().await.unwrap();
    let key = record_key(1_764_758_400_000_000, "lieferung-2");
    assert!(!bsky.exists(&session, &key).await.unwrap());
    bsky.post(&session, &key, "Kreistag am 14. Dezember", "de", &[])
        .await
        .unwrap();
    assert!(
        bsky.exists(&session, &key).await.unwrap(),
        "found on a retry"
    );
    bsky.delete(&session, &key).await.unwrap();
    assert!(server.books().posts.is_empty());
    assert!(!bsky.exists(&session, &key).await.unwrap());
}

#[tokio::test]
async fn refusals_read_in_german() {
    let (server, _) = start();
    let wrong = Bluesky::new(Some(&server.url), HANDLE, "falsch").unwrap();
    let refused = wrong.session().await.err().unwrap();
    assert!(
        matches!(&refused, SendError::AccessRevoked(m) if m.starts_with("Bluesky nimmt den Zugang nicht an (Invalid identifier or password)")),
        "{refused:?}"
    );
    let bsky = Bluesky::new(Some(&server.url), HANDLE, PASSWORD).unwrap();
    let session = bsky.session().await.unwrap();
    let big = bsky
        .upload(&session, "image/jpeg", vec![0; 1_200_000], "Foto")
        .await
        .err()
        .unwrap();
    assert_eq!(
        big,
        SendError::Permanent("Bluesky nimmt Bilder bis 1 MB; dieses hat 1200 KB.".into())
    );
    let long = "ä".repeat(1_600);
    let e = bsky
        .post(&session, &record_key(1, "x"), &long, "de", &[])
        .await
        .err()
        .unwrap();
    assert!(
        matches!(&e, SendError::Permanent(m) if m.starts_with("Bluesky lehnt ab (InvalidRequest)")),
        "{e:?}"
    );
    assert!(Bluesky::new(Some("http://bsky.social"), HANDLE, PASSWORD).is_err());
    let shown = format!("{bsky:?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
}
