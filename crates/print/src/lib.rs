//! The print office's PDFs, typeset with Typst: business cards (single
//! and on A4 sheets with crop marks), name badges, press releases as
//! letters and forms (Vordrucke), all in the tenant's corporate design.
//!
//! The templates are Typst files in `templates/`; a district replaces any
//! of them by a file of the same name in `{templates_dir}/print/{tenant}/`
//! (or `{templates_dir}/print/` for every tenant). The data reaches a
//! template as `/data.json`, never as markup, so no name can inject Typst
//! code. Fonts come from `fonts/` in this crate: rendering never reaches
//! the network.

mod documents;
mod markdown;
mod shop;
mod world;

use std::path::PathBuf;

pub use documents::{
    Badge, Card, CardLayout, Design, FormSheet, FormSheetField, Letter, LetterAppointment,
    BADGES_PER_SHEET, CARDS_PER_SHEET,
};
pub use shop::{CardsFor, PrintShop, ShopError};
pub use world::Printer;

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// What the data asks for cannot be printed as it is (a name too long
    /// for its card even at the smallest size); the message names the
    /// record.
    #[error("{0}")]
    Content(String),
    /// A template is broken (a district's own one, most likely).
    #[error("Druckvorlage {template}: {message}")]
    Template { template: String, message: String },
    #[error("Druckvorlage {0} nicht lesbar: {1}")]
    Read(PathBuf, std::io::Error),
}

/// A finished PDF.
#[derive(Debug, Clone)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
}
