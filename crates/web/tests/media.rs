//! The media library: a picture uploaded in the workspace is checked,
//! stored in several sizes, served to the public and shown on a
//! partnership page; the same on a local folder and on an S3-compatible
//! store (moto's server).

mod common;

use std::io::Cursor;

use axum::http::StatusCode;
use common::{app, day, multipart, App, Session};
use kreiskom_core::{MediaFile, Role, TenantSlug};

fn photo(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 200) as u8, (y % 200) as u8, 120])
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap();
    out.into_inner()
}

async fn upload(
    app: &App,
    session: &Session,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> common::Reply {
    let mut all = vec![("csrf", session.csrf.as_str())];
    all.extend_from_slice(fields);
    let (content_type, body) = multipart(&all, file);
    app.request_bytes(
        "POST",
        "/admin/goslar/medien/hochladen",
        body,
        &[("cookie", &session.cookie), ("content-type", &content_type)],
    )
    .await
}

async fn pictures_go_from_upload_to_the_public_page(app: App) {
    app.user("presse@goslar.example", &[("goslar", Role::PressOfficer)])
        .await;
    let press = app.signed_in("presse@goslar.example").await;
    let goslar = TenantSlug::parse("goslar").unwrap();
    // Uploads of this test; the demo's own pictures are left out.
    let stored = || async {
        let all = app.store.records::<MediaFile>(Some(&goslar)).await.unwrap();
        all.into_iter()
            .filter(|f| !f.slug.as_str().ends_with("-demo"))
            .collect::<Vec<_>>()
    };
    let form = app.get_as("/admin/goslar/medien/hochladen", &press).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("enctype=\"multipart/form-data\""));

    // Without alt text: refused, nothing stored.
    let jpeg = photo(1200, 800);
    let no_alt = upload(
        &app,
        &press,
        &[("alt", "  "), ("credit", "Foto: Landkreis Goslar")],
        Some(("besuch.jpg", &jpeg)),
    )
    .await;
    assert_eq!(no_alt.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_alt.text.contains("Beschreiben Sie, was das Bild zeigt"),
        "{}",
        no_alt.text
    );
    assert!(
        no_alt.text.contains("Foto: Landkreis Goslar"),
        "input is kept"
    );
    // A text file named like a picture: refused by its content.
    let text = upload(
        &app,
        &press,
        &[("alt", "Urkunde")],
        Some(("urkunde.jpg", b"Kein Bild, nur Text.")),
    )
    .await;
    assert_eq!(text.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text.text.contains("Die Datei ist weder Bild noch Video"),
        "{}",
        text.text
    );
    // A forged form is refused before anything is read into the store.
    let forged = app
        .request_bytes(
            "POST",
            "/admin/goslar/medien/hochladen",
            multipart(&[("csrf", "falsch"), ("alt", "x")], Some(("a.jpg", &jpeg))).1,
            &[
                ("cookie", &press.cookie),
                ("content-type", &multipart(&[], None).0),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(stored().await.is_empty());

    let ok = upload(
        &app,
        &press,
        &[
            ("alt", "Landrat und Starost beim Unterzeichnen der Urkunde"),
            ("credit", "Foto: Landkreis Goslar"),
            ("licence", "CC BY 4.0"),
        ],
        Some(("Unterzeichnung 2000.jpg", &jpeg)),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    let files = stored().await;
    assert_eq!(files.len(), 1);
    let file = &files[0];
    assert!(
        file.slug.as_str().starts_with("unterzeichnung-2000-"),
        "{}",
        file.slug
    );
    let names: Vec<&str> = file.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "original.jpg",
            "w480.jpg",
            "w480.webp",
            "w960.jpg",
            "w960.webp"
        ]
    );
    let page_variant = file.page_variant().unwrap();
    let src = file.src("goslar", &page_variant.name);

    // The public gets each size, typed and cacheable.
    let served = app.raw(&src, &[]).await;
    let img = image::load_from_memory(&served).unwrap();
    assert_eq!((img.width(), img.height()), (960, 640));
    let webp = app.get(&file.src("goslar", "w960.webp")).await;
    assert_eq!(webp.status, StatusCode::OK);
    assert_eq!(webp.headers["content-type"], "image/webp");
    assert!(webp.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert_eq!(
        app.get(&file.src("goslar", "w123.jpg")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/media/goslar/x/..%2Fkreiskom.db").await.status,
        StatusCode::NOT_FOUND
    );

    // A coat of arms as SVG is kept as drawn and worn in the header; one
    // that carries script is refused with the reason.
    let arms = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 240"><path d="M10 10H190V120Q190 200 100 230Q10 200 10 120Z" fill="#8a1c1c"/></svg>"##;
    let scripted = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>alert(1)</script></svg>"#;
    let refused = upload(
        &app,
        &press,
        &[("alt", "Wappen")],
        Some(("wappen.svg", scripted)),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text
            .contains("Das SVG-Bild wird nicht angenommen: es enthält das Element &lt;script&gt;"),
        "{}",
        refused.text
    );
    let svg = upload(
        &app,
        &press,
        &[("alt", "Wappen des Landkreises Goslar")],
        Some(("Wappen Goslar.svg", arms)),
    )
    .await;
    assert_eq!(svg.status, StatusCode::SEE_OTHER, "{}", svg.text);
    let drawn = stored()
        .await
        .into_iter()
        .find(|f| f.file_name == "Wappen Goslar.svg")
        .expect("stored");
    let variants: Vec<(&str, u32, u32)> = drawn
        .variants
        .iter()
        .map(|v| (v.name.as_str(), v.width, v.height))
        .collect();
    assert_eq!(variants, [("original.svg", 200, 240)]);
    let arms_src = drawn.src("goslar", "original.svg");
    let served_svg = app.get(&arms_src).await;
    assert_eq!(served_svg.headers["content-type"], "image/svg+xml");
    let csp = served_svg.headers["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(
        csp.contains("sandbox") && csp.starts_with("default-src 'none'"),
        "{csp}"
    );
    assert_eq!(served_svg.text.as_bytes(), arms);
    let mut tenant = app.get("/api/v1/tenants/goslar").await.json();
    tenant["coat_of_arms"] = arms_src.clone().into();
    let put = app.write("PUT", "/api/v1/tenants/goslar", &tenant).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    assert!(app
        .get("/goslar/kontakt")
        .await
        .text
        .contains(&format!("<img class=\"site-arms\" src=\"{arms_src}\"")));
    // The same drawing as the partner's coat of arms, on its region: shown
    // where the partner is described.
    let mut region = app.get("/api/v1/regions/powiat-trzebnicki").await.json();
    region["images"] =
        serde_json::json!([{"src": arms_src, "alt": "Wappen des Powiat Trzebnicki"}]);
    let put = app
        .write("PUT", "/api/v1/regions/powiat-trzebnicki", &region)
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    for path in [
        "/goslar/partnerschaften/goslar-trebnitz",
        "/goslar/partnerschaften/goslar-trebnitz/pl",
    ] {
        let page = app.get(path).await.text;
        let about = page.find("id=\"h-partner-region\"").expect(path);
        assert!(
            page[about..].contains(&format!(
                "<img src=\"{arms_src}\" alt=\"Wappen des Powiat Trzebnicki\">"
            )),
            "{path}"
        );
    }

    // A sign-language video: kept as sent, played in parts, and shown on
    // the page in Gebärdensprache above its text.
    let mut mp4 = vec![0, 0, 0, 0x18];
    mp4.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    mp4.resize(3000, 9);
    let video = upload(
        &app,
        &press,
        &[("alt", "Gebärdensprachdolmetscherin erklärt die Website")],
        Some(("DGS Erklärung.mp4", &mp4)),
    )
    .await;
    assert_eq!(video.status, StatusCode::SEE_OTHER, "{}", video.text);
    let clip = stored()
        .await
        .into_iter()
        .find(|f| f.file_name == "DGS Erklärung.mp4")
        .expect("stored");
    let clip_src = clip.src("goslar", "original.mp4");
    let whole = app.request_bytes("GET", &clip_src, Vec::new(), &[]).await;
    assert_eq!(whole.headers["content-type"], "video/mp4");
    assert_eq!(whole.headers["accept-ranges"], "bytes");
    let part = app
        .request_bytes("GET", &clip_src, Vec::new(), &[("range", "bytes=4-11")])
        .await;
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers["content-range"], "bytes 4-11/3000");
    assert_eq!(part.text, "ftypisom");
    let tail = app
        .request_bytes("GET", &clip_src, Vec::new(), &[("range", "bytes=2990-")])
        .await;
    assert_eq!(tail.headers["content-range"], "bytes 2990-2999/3000");
    let beyond = app
        .request_bytes("GET", &clip_src, Vec::new(), &[("range", "bytes=5000-")])
        .await;
    assert_eq!(beyond.status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(beyond.headers["content-range"], "bytes */3000");
    let dgs_path = "/api/v1/tenants/goslar/legal_pages/gebaerdensprache";
    let mut dgs = app.get(dgs_path).await.json();
    dgs["video"] = clip_src.clone().into();
    let put = app.write("PUT", dgs_path, &dgs).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    let page = app.get("/goslar/gebaerdensprache").await.text;
    assert!(
        page.contains(&format!("src=\"{clip_src}\" aria-describedby=\"dgs-text\"")),
        "{page}"
    );

    // Shown on the partnership page with its alt text and credit.
    let mut p = app.get("/api/v1/partnerships/goslar-trebnitz").await.json();
    p["images"] = serde_json::json!([{"src": src, "alt": file.alt, "credit": file.credit}]);
    let put = app
        .write("PUT", "/api/v1/partnerships/goslar-trebnitz", &p)
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    let page = app
        .get("/goslar/partnerschaften/goslar-trebnitz")
        .await
        .text;
    assert!(
        page.contains(&format!(
            "<img src=\"{src}\" alt=\"Landrat und Starost beim Unterzeichnen der Urkunde\">"
        )),
        "{page}"
    );
    assert!(page.contains("Foto: Landkreis Goslar"));
    // A picture from another host is refused: it would learn of every visit.
    p["images"][0]["src"] = "https://tracker.example/p.jpg".into();
    let foreign = app
        .write("PUT", "/api/v1/partnerships/goslar-trebnitz", &p)
        .await;
    assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn in_a_local_folder(url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let media = kreiskom_media::Media::local(dir.path()).unwrap();
    let app = app(url, true, day(2026, 11, 23)).await.with_media(media);
    pictures_go_from_upload_to_the_public_page(app).await;
    // The photo's folder, the coat of arms' and the video's.
    assert_eq!(
        std::fs::read_dir(dir.path().join("goslar"))
            .unwrap()
            .count(),
        3
    );
}

async fn in_an_s3_bucket(url: &str) {
    let Some(python) = kreiskom_testkit::python() else {
        return;
    };
    let s3 = kreiskom_testkit::S3Server::start(&python);
    let media = kreiskom_media::Media::s3(&kreiskom_media::S3 {
        bucket: s3.bucket.clone(),
        endpoint: Some(s3.endpoint()),
        region: "us-east-1".into(),
        access_key_id: "test".into(),
        secret_access_key: "test".into(),
    })
    .unwrap();
    let app = app(url, true, day(2026, 11, 23)).await.with_media(media);
    pictures_go_from_upload_to_the_public_page(app).await;
}

async fn without_a_media_store_uploads_are_refused_clearly(url: &str) {
    let app = app(url, true, day(2026, 11, 23)).await;
    app.user("presse@goslar.example", &[("goslar", Role::PressOfficer)])
        .await;
    let press = app.signed_in("presse@goslar.example").await;
    let reply = upload(
        &app,
        &press,
        &[("alt", "Bild")],
        Some(("a.jpg", &photo(10, 10))),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        reply.text.contains("keine Ablage eingerichtet"),
        "{}",
        reply.text
    );
}

kreiskom_testkit::on_both_backends!(
    in_a_local_folder,
    in_an_s3_bucket,
    without_a_media_store_uploads_are_refused_clearly,
);
