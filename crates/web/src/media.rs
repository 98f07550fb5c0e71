//! The media library over HTTP: uploading a picture in the workspace, and
//! serving its stored sizes to the public.

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::handler::Handler;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use kreiskom_core::{
    FieldError, LocalTime, MediaFile, MediaSlug, MediaVariant, Record, TenantSlug,
};
use kreiskom_media::{Media, MediaError, MAX_BYTES, MAX_VIDEO_BYTES};

use crate::admin::{may_edit, render, saved};
use crate::auth::{self, InTenant};
use crate::error::{Error, PageError};
use crate::public_form::opt;
use crate::routes::{Access, Routes};
use crate::AppState;

pub(crate) fn routes(r: Routes) -> Routes {
    // An upload may be larger than the 2 MB every other request is held
    // to: a picture up to 20 MB, a sign-language video up to 200 MB.
    let upload = upload.layer(DefaultBodyLimit::max(MAX_VIDEO_BYTES + 64 * 1024));
    r.get("/media/{tenant}/{slug}/{name}", Access::Public, file)
        .get(
            "/admin/{tenant}/medien/hochladen",
            Access::Tenant,
            upload_form,
        )
        .post("/admin/{tenant}/medien/hochladen", Access::Tenant, upload)
}

type Reply = Result<Response, PageError>;

fn store(s: &AppState) -> Result<&Media, PageError> {
    s.media.as_ref().ok_or_else(|| {
        PageError(Error::Unavailable(
            "Für Bilder ist keine Ablage eingerichtet ([media] in kreiskom.toml).".into(),
        ))
    })
}

const CSP_SVG: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

/// A stored file of the media library. Its address never changes its
/// content (a new upload gets a new folder), so browsers may keep it for a
/// year. A video is asked for in parts (`Range`), to start and seek.
async fn file(
    State(s): State<AppState>,
    Path((tenant, slug, name)): Path<(String, String, String)>,
    headers: header::HeaderMap,
) -> Reply {
    let not_found = || PageError(Error::NotFound);
    let unavailable = |e: MediaError| PageError(Error::Unavailable(e.to_string()));
    let tenant = TenantSlug::parse(&tenant).map_err(|_| not_found())?;
    let slug = MediaSlug::parse(&slug).map_err(|_| not_found())?;
    let plain = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.');
    let content_type = kreiskom_media::content_type(&name)
        .filter(|_| plain)
        .ok_or_else(not_found)?;
    let media = store(&s)?;
    let (tenant, slug) = (tenant.as_str(), slug.as_str());
    let asked = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|r| !r.contains(','));
    let common = [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        (header::ACCEPT_RANGES, "bytes"),
    ];
    let mut response = match asked {
        None => {
            let bytes = media
                .get(tenant, slug, &name)
                .await
                .map_err(unavailable)?
                .ok_or_else(not_found)?;
            (common, bytes).into_response()
        }
        Some(asked) => {
            let total = media
                .size(tenant, slug, &name)
                .await
                .map_err(unavailable)?
                .ok_or_else(not_found)?;
            match byte_range(asked, total) {
                Some(range) => {
                    let content_range = format!("bytes {}-{}/{total}", range.start, range.end - 1);
                    let bytes = media
                        .get_range(tenant, slug, &name, range)
                        .await
                        .map_err(unavailable)?
                        .ok_or_else(not_found)?;
                    (
                        StatusCode::PARTIAL_CONTENT,
                        common,
                        [(header::CONTENT_RANGE, content_range)],
                        bytes,
                    )
                        .into_response()
                }
                None => (
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    [(header::CONTENT_RANGE, format!("bytes */{total}"))],
                )
                    .into_response(),
            }
        }
    };
    if content_type == "image/svg+xml" {
        // Checked on upload; opened on its own, it still may run nothing
        // and load nothing, but keeps its own styles.
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            header::HeaderValue::from_static(CSP_SVG),
        );
    }
    Ok(response)
}

/// One range of `Range: bytes=…` (RFC 9110 14.1.2) within a file of
/// `total` bytes, as start..end; None when it lies outside the file.
fn byte_range(asked: &str, total: u64) -> Option<std::ops::Range<u64>> {
    let (first, last) = asked.strip_prefix("bytes=")?.trim().split_once('-')?;
    let range = match (first.parse::<u64>().ok(), last.parse::<u64>().ok()) {
        (Some(a), Some(b)) if a <= b => a..(b + 1).min(total),
        (Some(a), None) if last.is_empty() => a..total,
        (None, Some(n)) if first.is_empty() && n > 0 => total.saturating_sub(n)..total,
        _ => return None,
    };
    (range.start < range.end).then_some(range)
}

async fn upload_page(
    s: &AppState,
    t: &InTenant,
    status: StatusCode,
    values: &serde_json::Value,
    errors: &[FieldError],
) -> Reply {
    let error = |field: &str| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    };
    let view = serde_json::json!({
        "csrf": t.user.csrf,
        "values": values,
        "errors": !errors.is_empty(),
        "file_error": error("file"),
        "alt_error": error("alt"),
        "credit_error": error("credit"),
        "licence_error": error("licence"),
        "max_mb": MAX_BYTES / (1024 * 1024),
        "max_video_mb": MAX_VIDEO_BYTES / (1024 * 1024),
    });
    render(s, t, "medien", status, "admin/upload.html", view).await
}

async fn upload_form(State(s): State<AppState>, t: InTenant) -> Reply {
    may_edit::<MediaFile>(&t)?;
    upload_page(&s, &t, StatusCode::OK, &serde_json::json!({}), &[]).await
}

/// The fields of the upload form, as sent.
#[derive(Default)]
struct Sent {
    csrf: String,
    alt: String,
    credit: String,
    licence: String,
    file_name: String,
    bytes: Vec<u8>,
}

async fn read(mut multipart: Multipart) -> Result<Sent, FieldError> {
    let mut sent = Sent::default();
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            FieldError::new(
                "file",
                MediaError::TooLarge(MAX_VIDEO_BYTES / (1024 * 1024) + 1).to_string(),
            )
        } else {
            FieldError::new(
                "file",
                format!("Das Formular konnte nicht gelesen werden: {e}"),
            )
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            sent.file_name = field.file_name().unwrap_or_default().to_owned();
            sent.bytes = field.bytes().await.map_err(unreadable)?.to_vec();
            continue;
        }
        let text = field.text().await.map_err(unreadable)?;
        match name.as_str() {
            "csrf" => sent.csrf = text,
            "alt" => sent.alt = text,
            "credit" => sent.credit = text,
            "licence" => sent.licence = text,
            _ => {}
        }
    }
    Ok(sent)
}

/// "Besuch in Trebnitz.JPG" → "besuch-in-trebnitz-3f2a": readable, and new
/// for every upload.
fn slug_for(file_name: &str) -> MediaSlug {
    let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);
    let mut base: String = kreiskom_core::slugify(stem).chars().take(50).collect();
    base = base.trim_end_matches('-').to_owned();
    if base.is_empty() {
        base = "bild".into();
    }
    MediaSlug::parse(&format!("{base}-{:04x}", rand::random::<u16>()))
        .expect("slugified names are valid slugs")
}

async fn upload(
    State(s): State<AppState>,
    t: InTenant,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Reply {
    // The permission first, then the form's token, then the input. What
    // is not the upload form at all cannot carry the token.
    may_edit::<MediaFile>(&t)?;
    let multipart = multipart.map_err(|_| PageError(Error::Csrf))?;
    let sent = match read(multipart).await {
        Ok(sent) => sent,
        Err(e) => {
            let values = serde_json::json!({});
            return upload_page(&s, &t, StatusCode::UNPROCESSABLE_ENTITY, &values, &[e]).await;
        }
    };
    if !auth::same(&t.user.csrf, &sent.csrf) {
        return Err(PageError(Error::Csrf));
    }
    let media = store(&s)?.clone();
    let values = serde_json::json!({
        "alt": sent.alt, "credit": sent.credit, "licence": sent.licence,
    });
    let mut record = MediaFile {
        slug: slug_for(&sent.file_name),
        file_name: if sent.file_name.trim().is_empty() {
            "bild".into()
        } else {
            sent.file_name.trim().to_owned()
        },
        alt: sent.alt.trim().to_owned(),
        credit: opt(&sent.credit),
        licence: opt(&sent.licence),
        uploaded: LocalTime::at(s.now()),
        variants: vec![],
        doubts: vec![],
    };
    let mut errors = record.check();
    // Decoding is the slow part: only for an otherwise valid upload.
    let prepared = if errors.is_empty() {
        match kreiskom_media::prepare(&sent.bytes) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(FieldError::new("file", e.to_string()));
                None
            }
        }
    } else {
        if sent.bytes.is_empty() {
            errors.push(FieldError::new("file", MediaError::Empty.to_string()));
        }
        None
    };
    let Some(prepared) = prepared.filter(|_| errors.is_empty()) else {
        return upload_page(&s, &t, StatusCode::UNPROCESSABLE_ENTITY, &values, &errors).await;
    };
    record.variants = prepared
        .variants
        .iter()
        .map(|v| MediaVariant {
            name: v.name.clone(),
            width: v.width,
            height: v.height,
        })
        .collect();
    let folder = record.slug.to_string();
    media
        .put(t.tenant.as_str(), &folder, &prepared)
        .await
        .map_err(|e| PageError(Error::Unavailable(e.to_string())))?;
    let permit = t.permit(MediaFile::KIND)?;
    if let Err(e) = s
        .store
        .create(&permit, Some(&t.tenant), record.clone())
        .await
    {
        // No record, no files: nothing lies in the store unnamed.
        let names: Vec<String> = record.variants.iter().map(|v| v.name.clone()).collect();
        let _ = media.delete(t.tenant.as_str(), &folder, &names).await;
        return Err(PageError(e.into()));
    }
    Ok(saved::<MediaFile>(&t, &folder, "hochgeladen"))
}
