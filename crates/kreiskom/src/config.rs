//! Configuration: built-in defaults, then a TOML file, then `KREISKOM_*`
//! environment variables (`__` for nesting). Unknown keys are refused so a
//! typo does not silently fall back to a default.

use std::fmt;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

/// The file read when `--config` is not given, if it exists.
pub const DEFAULT_CONFIG_FILE: &str = "kreiskom.toml";

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address the server listens on.
    pub listen: String,
    pub database_url: String,
    /// Grants writes through the API until accounts exist.
    pub api_token: Option<String>,
    /// Templates here override the built-in ones file by file.
    pub templates_dir: Option<PathBuf>,
    /// Where the public reaches the site, for links in feeds, calendars and
    /// e-mails (`https://presse.landkreis.example`).
    pub public_url: Option<String>,
    /// Seals secrets kept in the database (second factors): 32 bytes in
    /// Base64, e.g. from `openssl rand -base64 32`. Never printed.
    pub secret_key: Option<String>,
    /// The mail server releases are sent through; without it, mail jobs
    /// wait.
    pub smtp: Option<Smtp>,
    /// Where uploaded pictures are kept.
    pub media: Media,
    /// What the freshness dashboard counts as stale.
    #[serde(default)]
    pub freshness: Freshness,
    /// The public search.
    #[serde(default)]
    pub search: Search,
    /// The figures pages.
    #[serde(default)]
    pub figures: Figures,
}

/// What the figures pages count.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figures {
    /// Public page views, counted on the server without cookies or
    /// addresses; `false` counts none.
    #[serde(default = "default_count_views")]
    pub count_views: bool,
    /// Days the daily counts are kept; older ones are dropped once a day.
    #[serde(default = "default_keep_days")]
    pub keep_days: u32,
}

fn default_count_views() -> bool {
    true
}

/// Two years: the figures pages show one at most, and a year's comparison.
fn default_keep_days() -> u32 {
    730
}

impl Default for Figures {
    fn default() -> Self {
        Self {
            count_views: default_count_views(),
            keep_days: default_keep_days(),
        }
    }
}

/// The search index: a folder of this node's own (each node of several
/// keeps one and follows the shared database).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Search {
    #[serde(default = "default_search_dir")]
    pub dir: PathBuf,
}

fn default_search_dir() -> PathBuf {
    PathBuf::from("suchindex")
}

impl Default for Search {
    fn default() -> Self {
        Self {
            dir: default_search_dir(),
        }
    }
}

/// Rules of the freshness dashboard.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Freshness {
    /// Figures (population, area) older than this many years are flagged.
    #[serde(default = "default_fact_years")]
    pub fact_years: u16,
}

fn default_fact_years() -> u16 {
    kreiskom_publish::freshness::FACT_YEARS as u16
}

impl Default for Freshness {
    fn default() -> Self {
        Self {
            fact_years: default_fact_years(),
        }
    }
}

/// The media store: a folder (default `media` in the working directory),
/// or an S3-compatible bucket when several nodes serve the site.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Media {
    #[serde(default = "default_media_dir")]
    pub dir: PathBuf,
    pub s3: Option<S3>,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3 {
    pub bucket: String,
    /// For a store other than AWS: `https://s3.rechenzentrum.example`.
    pub endpoint: Option<String>,
    #[serde(default = "default_s3_region")]
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

fn default_media_dir() -> PathBuf {
    "media".into()
}

fn default_s3_region() -> String {
    "eu-central-1".into()
}

impl Default for Media {
    fn default() -> Self {
        Self {
            dir: default_media_dir(),
            s3: None,
        }
    }
}

impl Media {
    pub fn open(&self) -> Result<kreiskom_media::Media, kreiskom_media::MediaError> {
        match &self.s3 {
            Some(s3) => kreiskom_media::Media::s3(&kreiskom_media::S3 {
                bucket: s3.bucket.clone(),
                endpoint: s3.endpoint.clone(),
                region: s3.region.clone(),
                access_key_id: s3.access_key_id.clone(),
                secret_access_key: s3.secret_access_key.clone(),
            }),
            None => kreiskom_media::Media::local(&self.dir),
        }
    }
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    /// "starttls" (default), "tls" or "none".
    #[serde(default = "default_smtp_security")]
    pub security: String,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Sender address, e.g. presse@landkreis.example.
    pub from: String,
    /// Connections used side by side (default 16); lower it if the mail
    /// server limits a client to fewer.
    pub connections: Option<u32>,
    /// A PEM file with the certificate authority that signed the mail
    /// server's certificate, when it is an internal one.
    pub ca_file: Option<std::path::PathBuf>,
}

fn default_smtp_port() -> u16 {
    587
}

fn default_smtp_security() -> String {
    "starttls".into()
}

impl Smtp {
    pub fn settings(&self) -> Result<kreiskom_channels::smtp::SmtpSettings, String> {
        use kreiskom_channels::smtp::Security;
        let security = match self.security.as_str() {
            "starttls" => Security::StartTls,
            "tls" => Security::Tls,
            "none" => Security::None,
            other => {
                return Err(format!(
                    "smtp.security „{other}“ unbekannt: erwartet starttls, tls oder none"
                ))
            }
        };
        if self.connections == Some(0) {
            return Err("smtp.connections muss mindestens 1 sein".into());
        }
        let ca_pem = match &self.ca_file {
            Some(path) => Some(
                std::fs::read(path)
                    .map_err(|e| format!("smtp.ca_file {} nicht lesbar: {e}", path.display()))?,
            ),
            None => None,
        };
        Ok(kreiskom_channels::smtp::SmtpSettings {
            host: self.host.clone(),
            port: self.port,
            security,
            username: self.username.clone(),
            password: self.password.clone(),
            from: self.from.clone(),
            connections: self
                .connections
                .unwrap_or(kreiskom_channels::smtp::DEFAULT_CONNECTIONS),
            ca_pem,
        })
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            database_url: kreiskom_store::DEFAULT_DATABASE_URL.into(),
            api_token: None,
            templates_dir: None,
            public_url: None,
            secret_key: None,
            smtp: None,
            media: Media::default(),
            freshness: Freshness::default(),
            figures: Figures::default(),
            search: Search::default(),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("api_token", &self.api_token.as_ref().map(|_| "***"))
            .field("templates_dir", &self.templates_dir)
            .field("public_url", &self.public_url)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "***"))
            .field(
                "smtp",
                &self.smtp.as_ref().map(|s| format!("{}:{}", s.host, s.port)),
            )
            .field(
                "media",
                &match &self.media.s3 {
                    Some(s3) => format!("s3://{}", s3.bucket),
                    None => self.media.dir.display().to_string(),
                },
            )
            .field("search", &self.search.dir)
            .finish()
    }
}

/// postgres://user:secret@host/db → postgres://user:***@host/db
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl Config {
    pub fn load(file: Option<&Path>) -> Result<Self, String> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) if !path.is_file() => {
                return Err(format!(
                    "Konfigurationsdatei {} nicht gefunden",
                    path.display()
                ))
            }
            Some(path) => figment = figment.merge(Toml::file(path)),
            None if Path::new(DEFAULT_CONFIG_FILE).is_file() => {
                figment = figment.merge(Toml::file(DEFAULT_CONFIG_FILE))
            }
            None => {}
        }
        // KREISKOM_LOG is the log filter, read by tracing, not a setting.
        figment = figment.merge(Env::prefixed("KREISKOM_").ignore(&["LOG"]).split("__"));
        figment
            .extract()
            .map_err(|e| format!("Konfiguration ungültig: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let config = Config {
            api_token: Some("geheim".into()),
            database_url: "postgres://kreiskom:geheim@db/kreiskom".into(),
            ..Config::default()
        };
        let text = format!("{config:?}");
        assert!(!text.contains("geheim"), "{text}");
        assert!(
            text.contains("postgres://kreiskom:***@db/kreiskom"),
            "{text}"
        );
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail API dictates the closure's error type
    fn file_then_environment_override_defaults_and_typos_are_refused() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "k.toml",
                "listen = \"0.0.0.0:9000\"\napi_token = \"aus-datei\"",
            )?;
            jail.set_env("KREISKOM_API_TOKEN", "aus-umgebung");
            let c = Config::load(Some(Path::new("k.toml"))).unwrap();
            assert_eq!(c.listen, "0.0.0.0:9000");
            assert_eq!(c.api_token.as_deref(), Some("aus-umgebung"));
            assert_eq!(c.database_url, kreiskom_store::DEFAULT_DATABASE_URL);
            jail.set_env("KREISKOM_LOG", "debug");
            assert!(
                Config::load(Some(Path::new("k.toml"))).is_ok(),
                "the log filter is no setting"
            );
            jail.set_env("KREISKOM_LISTN", "0.0.0.0:1");
            assert!(
                Config::load(Some(Path::new("k.toml")))
                    .unwrap_err()
                    .contains("listn"),
                "a typo is refused"
            );
            jail.create_file("bad.toml", "lisen = \"0.0.0.0:9000\"")?;
            let err = Config::load(Some(Path::new("bad.toml"))).unwrap_err();
            assert!(err.contains("lisen"), "{err}");
            Ok(())
        });
    }
}
