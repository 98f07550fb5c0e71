//! The files of the media library. An upload is checked by its content,
//! not its name (a renamed text file is no picture), decoded, and written
//! as resized variants in its own format and as WebP, next to the original.
//! Files live in an object store: a local folder on one machine, any
//! S3-compatible store when several nodes serve the site. SVG files are
//! kept as sent once `svg` finds nothing in them that runs or fetches;
//! videos (MP4, WebM: sign language) are kept as sent.

use std::io::Cursor;
use std::sync::Arc;

use bytes::Bytes;
use image::{DynamicImage, ImageFormat};
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};

mod svg;

/// The largest picture accepted.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// The largest video accepted: some minutes of sign language in 720p.
pub const MAX_VIDEO_BYTES: usize = 200 * 1024 * 1024;
/// Pictures larger than this (in pixels) would take too much memory to
/// decode: 50 megapixels, a large camera's full resolution.
pub const MAX_PIXELS: u64 = 50_000_000;
/// The widths of the variants, where the original is wider.
pub const WIDTHS: [u32; 3] = [480, 960, 1600];

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("Die Datei ist leer.")]
    Empty,
    #[error("Die Datei ist mit {0} MB zu groß: erlaubt sind für Bilder höchstens 20 MB, für Videos 200 MB.")]
    TooLarge(usize),
    #[error(
        "Die Datei ist weder Bild noch Video (erlaubt sind JPEG, PNG, WebP, SVG, MP4 und WebM), auch wenn ihr Name so endet."
    )]
    NotAnImage,
    #[error("Das SVG-Bild wird nicht angenommen: {0}.")]
    UnsafeSvg(String),
    #[error("Das Bild hat mit {0} Megapixeln zu viele Bildpunkte: erlaubt sind höchstens 50.")]
    TooManyPixels(u64),
    #[error("Das Bild lässt sich nicht lesen: {0}")]
    Broken(String),
    #[error("Ablage der Medien nicht erreichbar: {0}")]
    Store(#[from] object_store::Error),
    #[error("Ablage der Medien falsch eingerichtet: {0}")]
    Config(String),
}

/// One file written for an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// File name below the upload's folder: `original.jpg`, `w960.webp`.
    pub name: String,
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// A checked upload, ready to store.
#[derive(Debug)]
pub struct Prepared {
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
    pub variants: Vec<Variant>,
}

fn kind(format: ImageFormat) -> Option<(&'static str, &'static str)> {
    match format {
        ImageFormat::Jpeg => Some(("jpg", "image/jpeg")),
        ImageFormat::Png => Some(("png", "image/png")),
        ImageFormat::WebP => Some(("webp", "image/webp")),
        _ => None,
    }
}

/// The content type of a stored variant, by its name.
pub fn content_type(name: &str) -> Option<&'static str> {
    match name.rsplit_once('.')?.1 {
        "jpg" => Some("image/jpeg"),
        "png" => Some("image/png"),
        "webp" => Some("image/webp"),
        "svg" => Some("image/svg+xml"),
        "mp4" => Some("video/mp4"),
        "webm" => Some("video/webm"),
        _ => None,
    }
}

/// A video by its first bytes: an ISO media file (MP4) with a brand that
/// browsers play, or a Matroska file of doctype WebM.
fn video(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brand = &bytes[8..12];
        let playable: [&[u8; 4]; 9] = [
            b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash",
        ];
        return playable
            .iter()
            .any(|b| b.as_slice() == brand)
            .then_some(("mp4", "video/mp4"));
    }
    let head = &bytes[..bytes.len().min(64)];
    (head.starts_with(&[0x1a, 0x45, 0xdf, 0xa3]) && head.windows(4).any(|w| w == b"webm"))
        .then_some(("webm", "video/webm"))
}

fn encode(img: &DynamicImage, format: ImageFormat) -> Result<Vec<u8>, MediaError> {
    let mut out = Cursor::new(Vec::new());
    match format {
        ImageFormat::Jpeg => {
            // JPEG has no transparency; quality 82 keeps photos sharp.
            let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82);
            rgb.write_with_encoder(encoder)
        }
        // image's WebP encoder is lossless; photos still shrink against
        // PNG, and browsers without WebP take the other variant.
        ImageFormat::WebP => DynamicImage::ImageRgba8(img.to_rgba8()).write_to(&mut out, format),
        _ => img.write_to(&mut out, format),
    }
    .map_err(|e| MediaError::Broken(e.to_string()))?;
    Ok(out.into_inner())
}

/// Checks an upload and makes its variants: the original as sent, and for
/// each width in `WIDTHS` below the original's, a resized copy in the
/// original's format (JPEG for WebP originals) and as WebP.
pub fn prepare(bytes: &[u8]) -> Result<Prepared, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    let megabytes = || MediaError::TooLarge(bytes.len().div_ceil(1024 * 1024));
    if let Some((ext, content_type)) = video(bytes) {
        if bytes.len() > MAX_VIDEO_BYTES {
            return Err(megabytes());
        }
        // Browsers play MP4 (H.264) and WebM as sent; kreiskom converts
        // nothing, so the file is kept as it is.
        return Ok(Prepared {
            width: 0,
            height: 0,
            content_type,
            variants: vec![Variant {
                name: format!("original.{ext}"),
                width: 0,
                height: 0,
                content_type,
                bytes: bytes.to_vec(),
            }],
        });
    }
    if bytes.len() > MAX_BYTES {
        return Err(megabytes());
    }
    if svg::looks_like_svg(bytes) {
        // A vector file needs no resized copies: it is kept as sent.
        let (width, height) = svg::check(bytes)?;
        return Ok(Prepared {
            width,
            height,
            content_type: "image/svg+xml",
            variants: vec![Variant {
                name: "original.svg".to_owned(),
                width,
                height,
                content_type: "image/svg+xml",
                bytes: bytes.to_vec(),
            }],
        });
    }
    let format = image::guess_format(bytes).map_err(|_| MediaError::NotAnImage)?;
    let (ext, content_type) = kind(format).ok_or(MediaError::NotAnImage)?;
    let reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| MediaError::Broken(e.to_string()))?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(MediaError::TooManyPixels(pixels.div_ceil(1_000_000)));
    }
    let img = image::load_from_memory_with_format(bytes, format)
        .map_err(|e| MediaError::Broken(e.to_string()))?;
    let mut variants = vec![Variant {
        name: format!("original.{ext}"),
        width,
        height,
        content_type,
        bytes: bytes.to_vec(),
    }];
    let (resized_format, resized_ext, resized_type) = match format {
        ImageFormat::Png => (ImageFormat::Png, "png", "image/png"),
        _ => (ImageFormat::Jpeg, "jpg", "image/jpeg"),
    };
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|w| *w < width).collect();
    // A picture narrower than every width still gets its WebP.
    if widths.is_empty() {
        widths.push(width);
    }
    for w in widths {
        let h = ((u64::from(height) * u64::from(w)) / u64::from(width)).max(1) as u32;
        let small = if w == width {
            img.clone()
        } else {
            img.resize_exact(w, h, image::imageops::FilterType::Lanczos3)
        };
        if w != width {
            variants.push(Variant {
                name: format!("w{w}.{resized_ext}"),
                width: w,
                height: h,
                content_type: resized_type,
                bytes: encode(&small, resized_format)?,
            });
        }
        variants.push(Variant {
            name: format!("w{w}.webp"),
            width: w,
            height: h,
            content_type: "image/webp",
            bytes: encode(&small, ImageFormat::WebP)?,
        });
    }
    Ok(Prepared {
        width,
        height,
        content_type,
        variants,
    })
}

/// Where an S3-compatible store is, from `kreiskom.toml`.
#[derive(Debug, Clone)]
pub struct S3 {
    pub bucket: String,
    /// Empty for AWS itself; `http://127.0.0.1:9000` for a local store.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

/// The object store the files live in.
#[derive(Clone)]
pub struct Media {
    store: Arc<dyn ObjectStore>,
}

impl Media {
    /// A folder on this machine (created if missing).
    pub fn local(dir: &std::path::Path) -> Result<Self, MediaError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| MediaError::Config(format!("{}: {e}", dir.display())))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)?;
        Ok(Self {
            store: Arc::new(store),
        })
    }

    pub fn s3(s3: &S3) -> Result<Self, MediaError> {
        let mut b = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&s3.bucket)
            .with_region(&s3.region)
            .with_access_key_id(&s3.access_key_id)
            .with_secret_access_key(&s3.secret_access_key);
        if let Some(endpoint) = &s3.endpoint {
            b = b
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        Ok(Self {
            store: Arc::new(b.build()?),
        })
    }

    fn path(tenant: &str, folder: &str, name: &str) -> Path {
        Path::from(format!("{tenant}/{folder}/{name}"))
    }

    /// Writes every variant of an upload below `tenant/folder/`.
    pub async fn put(
        &self,
        tenant: &str,
        folder: &str,
        prepared: &Prepared,
    ) -> Result<(), MediaError> {
        for v in &prepared.variants {
            let payload = PutPayload::from(Bytes::from(v.bytes.clone()));
            self.store
                .put(&Self::path(tenant, folder, &v.name), payload)
                .await?;
        }
        Ok(())
    }

    /// One stored file, or None.
    pub async fn get(
        &self,
        tenant: &str,
        folder: &str,
        name: &str,
    ) -> Result<Option<Bytes>, MediaError> {
        match self.store.get(&Self::path(tenant, folder, name)).await {
            Ok(found) => Ok(Some(found.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The bytes `range` of a stored file with the file's whole size, for
    /// a browser that asks for part of a video; None when missing.
    pub async fn get_range(
        &self,
        tenant: &str,
        folder: &str,
        name: &str,
        range: std::ops::Range<u64>,
    ) -> Result<Option<Bytes>, MediaError> {
        match self
            .store
            .get_range(&Self::path(tenant, folder, name), range)
            .await
        {
            Ok(bytes) => Ok(Some(bytes)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The size of a stored file, or None.
    pub async fn size(
        &self,
        tenant: &str,
        folder: &str,
        name: &str,
    ) -> Result<Option<u64>, MediaError> {
        match self.store.head(&Self::path(tenant, folder, name)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes an upload's files.
    pub async fn delete(
        &self,
        tenant: &str,
        folder: &str,
        names: &[String],
    ) -> Result<(), MediaError> {
        for name in names {
            match self.store.delete(&Self::path(tenant, folder, name)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(w: u32, h: u32, format: ImageFormat) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img)
            .write_to(&mut out, format)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn a_photo_gets_smaller_variants_and_webp() {
        let p = prepare(&photo(2000, 1000, ImageFormat::Jpeg)).unwrap();
        let names: Vec<&str> = p.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "original.jpg",
                "w480.jpg",
                "w480.webp",
                "w960.jpg",
                "w960.webp",
                "w1600.jpg",
                "w1600.webp"
            ]
        );
        let w960 = &p.variants[3];
        assert_eq!((w960.width, w960.height), (960, 480));
        let back = image::load_from_memory(&w960.bytes).unwrap();
        assert_eq!((back.width(), back.height()), (960, 480));
        assert_eq!(
            image::guess_format(&p.variants[4].bytes).unwrap(),
            ImageFormat::WebP
        );
    }

    #[test]
    fn a_small_logo_keeps_its_size_and_format() {
        let p = prepare(&photo(300, 200, ImageFormat::Png)).unwrap();
        let names: Vec<&str> = p.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["original.png", "w300.webp"]);
    }

    #[test]
    fn what_is_no_picture_is_refused_by_its_content() {
        let text = b"Das ist kein Bild, auch wenn es bild.jpg heisst.";
        assert!(matches!(prepare(text), Err(MediaError::NotAnImage)));
        assert!(matches!(prepare(&[]), Err(MediaError::Empty)));
        let big = vec![0u8; MAX_BYTES + 1];
        assert!(matches!(prepare(&big), Err(MediaError::TooLarge(21))));
        let mut cut = photo(400, 300, ImageFormat::Png);
        cut.truncate(200);
        assert!(matches!(prepare(&cut), Err(MediaError::Broken(_))));
    }

    /// The first box of an MP4 file (`ftyp`, brand isom) and some payload.
    fn mp4(len: usize) -> Vec<u8> {
        let mut v = vec![0, 0, 0, 0x18];
        v.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
        v.resize(len, 7);
        v
    }

    #[tokio::test]
    async fn a_video_is_kept_as_sent_and_read_in_parts() {
        let video = mp4(5000);
        let p = prepare(&video).unwrap();
        assert_eq!(p.content_type, "video/mp4");
        assert_eq!(p.variants.len(), 1);
        assert_eq!(p.variants[0].name, "original.mp4");
        assert_eq!(p.variants[0].bytes, video);
        let webm = [
            &[0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84][..],
            b"webm",
            &[0; 40],
        ]
        .concat();
        assert_eq!(prepare(&webm).unwrap().variants[0].name, "original.webm");
        // QuickTime is no format browsers play.
        let mut mov = mp4(100);
        mov[8..12].copy_from_slice(b"qt  ");
        assert!(matches!(prepare(&mov), Err(MediaError::NotAnImage)));
        // Larger than a picture may be, within a video's limit.
        assert!(prepare(&mp4(MAX_BYTES + 10)).is_ok());
        assert!(matches!(
            prepare(&mp4(MAX_VIDEO_BYTES + 1)),
            Err(MediaError::TooLarge(201))
        ));

        let dir = tempfile::tempdir().unwrap();
        let media = Media::local(dir.path()).unwrap();
        media.put("harz", "dgs-abc1", &p).await.unwrap();
        assert_eq!(
            media
                .size("harz", "dgs-abc1", "original.mp4")
                .await
                .unwrap(),
            Some(5000)
        );
        let part = media
            .get_range("harz", "dgs-abc1", "original.mp4", 4..12)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(part.as_ref(), b"ftypisom");
        assert_eq!(media.size("harz", "dgs-abc1", "x.mp4").await.unwrap(), None);
    }

    #[tokio::test]
    async fn files_round_trip_through_a_local_folder() {
        let dir = tempfile::tempdir().unwrap();
        let media = Media::local(dir.path()).unwrap();
        let p = prepare(&photo(1000, 500, ImageFormat::Jpeg)).unwrap();
        media.put("goslar", "besuch-abc1", &p).await.unwrap();
        let got = media
            .get("goslar", "besuch-abc1", "w960.webp")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(got.as_ref(), p.variants[4].bytes.as_slice());
        assert!(dir.path().join("goslar/besuch-abc1/original.jpg").is_file());
        assert!(media
            .get("goslar", "besuch-abc1", "w5.jpg")
            .await
            .unwrap()
            .is_none());
        let names: Vec<String> = p.variants.iter().map(|v| v.name.clone()).collect();
        media.delete("goslar", "besuch-abc1", &names).await.unwrap();
        assert!(media
            .get("goslar", "besuch-abc1", "original.jpg")
            .await
            .unwrap()
            .is_none());
    }
}
