use kreiskom_core::{DatasetError, FieldError, Kind};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("Konfiguration: {0}")]
    Config(String),
    #[error("Datenbankfehler: {0}")]
    Database(#[from] sqlx::Error),
    #[error("Migration fehlgeschlagen: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("gespeicherter Datensatz {kind:?} „{slug}“ ist nicht lesbar: {reason}")]
    Corrupt {
        kind: Kind,
        slug: String,
        reason: String,
    },
    #[error("Eingaben ungültig")]
    Invalid(Vec<FieldError>),
    #[error("{} „{slug}“ gibt es nicht", kind.label())]
    NotFound { kind: Kind, slug: String },
    #[error("{} „{slug}“ gibt es schon", kind.label())]
    AlreadyExists { kind: Kind, slug: String },
    #[error("{} „{slug}“ wurde inzwischen geändert (jetzt Version {current})", kind.label())]
    Conflict {
        kind: Kind,
        slug: String,
        current: i64,
    },
    #[error("{} „{slug}“ wird noch verwendet von: {}", kind.label(), by.join(", "))]
    InUse {
        kind: Kind,
        slug: String,
        by: Vec<String>,
    },
    /// The record's state forbids the change (a released press release).
    #[error("{0}")]
    Locked(String),
    /// A workflow step that is not allowed now, or not to this person.
    #[error("{0}")]
    Workflow(#[from] kreiskom_core::WorkflowError),
    #[error("Für diese Änderung fehlt die Berechtigung")]
    Forbidden,
    #[error("Ein Konto mit der E-Mail-Adresse „{0}“ gibt es schon")]
    AccountExists(String),
    #[error("Ein Konto mit der E-Mail-Adresse „{0}“ gibt es nicht")]
    NoAccount(String),
    #[error("Die Datenbank ist nicht leer; Import und Wiederherstellung gehen nur in eine leere Datenbank")]
    NotEmpty,
    #[error("Import abgelehnt, nichts wurde geändert. Erster fehlerhafter Datensatz: {0}")]
    Dataset(#[from] DatasetError),
}
