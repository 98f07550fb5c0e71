//! Typst's view of one document: the template, the data as `/data.json`,
//! the logo, and the fonts of this crate.

use std::path::{Path, PathBuf};

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use crate::{Pdf, PrintError};

/// The built-in templates, by file name.
const TEMPLATES: &[(&str, &str)] = &[
    ("design.typ", include_str!("../templates/design.typ")),
    ("cards.typ", include_str!("../templates/cards.typ")),
    ("badges.typ", include_str!("../templates/badges.typ")),
    ("release.typ", include_str!("../templates/release.typ")),
    ("form.typ", include_str!("../templates/form.typ")),
];

/// Open Sans (Apache-2.0), shipped with the crate so that every machine
/// sets the same glyphs: Polish, Romanian and French letters included.
const FONTS: &[&[u8]] = &[
    include_bytes!("../fonts/OpenSans-Regular.ttf"),
    include_bytes!("../fonts/OpenSans-Italic.ttf"),
    include_bytes!("../fonts/OpenSans-Semibold.ttf"),
    include_bytes!("../fonts/OpenSans-Bold.ttf"),
];

/// Typesets the print office's documents. Cheap to share: build one per
/// process.
pub struct Printer {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// `{templates_dir}/print`, whose files replace the built-in ones.
    overrides: Option<PathBuf>,
}

impl Printer {
    pub fn new(templates_dir: Option<&Path>) -> Self {
        let fonts: Vec<Font> = FONTS
            .iter()
            .flat_map(|data| Font::iter(Bytes::new(*data)))
            .collect();
        Self {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            overrides: templates_dir.map(|d| d.join("print")),
        }
    }

    /// Typesets `template` with `data` (and a logo, if any) into a PDF;
    /// `accessible` asks for PDF/UA-1 on top of the tagged PDF every
    /// document gets.
    pub(crate) fn render(
        &self,
        template: &str,
        tenant: &str,
        data: &serde_json::Value,
        logo: Option<(&str, &[u8])>,
        accessible: bool,
    ) -> Result<Pdf, PrintError> {
        let main = file_id(template);
        let doc = Document {
            printer: self,
            tenant,
            main,
            data: Bytes::new(serde_json::to_vec(data).expect("JSON values serialise")),
            logo: logo.map(|(name, bytes)| (file_id(name), Bytes::new(bytes.to_vec()))),
        };
        let compiled = typst::compile::<PagedDocument>(&doc).output;
        // Memoised layouts of earlier documents would pile up in a server.
        typst::comemo::evict(10);
        let document = compiled.map_err(|e| diagnose(template, &e))?;
        let standards = if accessible {
            PdfStandards::new(&[PdfStandard::Ua_1]).expect("PDF/UA-1 alone is consistent")
        } else {
            PdfStandards::default()
        };
        let options = PdfOptions {
            standards,
            ..PdfOptions::default()
        };
        let bytes = typst_pdf::pdf(&document, &options).map_err(|e| diagnose(template, &e))?;
        Ok(Pdf {
            bytes,
            pages: document.pages().len(),
        })
    }

    /// A template's text: the tenant's own, the installation's, or the
    /// built-in one.
    fn template(&self, tenant: &str, name: &str) -> FileResult<String> {
        if let Some(dir) = &self.overrides {
            for path in [dir.join(tenant).join(name), dir.join(name)] {
                if path.is_file() {
                    return std::fs::read_to_string(&path)
                        .map_err(|e| FileError::from_io(e, &path));
                }
            }
        }
        TEMPLATES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| (*text).to_owned())
            .ok_or_else(|| FileError::NotFound(PathBuf::from(name)))
    }

    /// Other files a district's template may use (its own logo as SVG),
    /// from the override folders only.
    fn extra_file(&self, tenant: &str, name: &str) -> FileResult<Bytes> {
        let dir = self
            .overrides
            .as_ref()
            .ok_or_else(|| FileError::NotFound(PathBuf::from(name)))?;
        for path in [dir.join(tenant).join(name), dir.join(name)] {
            if path.is_file() {
                return std::fs::read(&path)
                    .map(Bytes::new)
                    .map_err(|e| FileError::from_io(e, &path));
            }
        }
        Err(FileError::NotFound(PathBuf::from(name)))
    }
}

fn file_id(name: &str) -> FileId {
    let path = VirtualPath::new(format!("/{name}")).expect("template names are plain");
    RootedPath::new(VirtualRoot::Project, path).intern()
}

/// Our own templates report a record that cannot be printed with
/// `panic("…")`; that is the user's message. Anything else is a broken
/// template.
fn diagnose(template: &str, errors: &[SourceDiagnostic]) -> PrintError {
    let first = errors
        .iter()
        .find(|e| e.severity == Severity::Error)
        .or(errors.first());
    let Some(first) = first else {
        return PrintError::Template {
            template: template.to_owned(),
            message: "unbekannter Fehler".to_owned(),
        };
    };
    let message = first.message.as_str();
    if let Some(reason) = message.strip_prefix("panicked with: ") {
        return PrintError::Content(reason.trim_matches('"').replace("\\\"", "\""));
    }
    let hints: Vec<&str> = first.hints.iter().map(|h| h.v.as_str()).collect();
    PrintError::Template {
        template: template.to_owned(),
        message: if hints.is_empty() {
            message.to_owned()
        } else {
            format!("{message} ({})", hints.join("; "))
        },
    }
}

struct Document<'a> {
    printer: &'a Printer,
    tenant: &'a str,
    main: FileId,
    data: Bytes,
    logo: Option<(FileId, Bytes)>,
}

impl Document<'_> {
    fn name(id: FileId) -> String {
        id.get().vpath().get_without_slash().to_owned()
    }
}

impl World for Document<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.printer.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.printer.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        let text = self.printer.template(self.tenant, &Self::name(id))?;
        Ok(Source::new(id, text))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let name = Self::name(id);
        if name == "data.json" {
            return Ok(self.data.clone());
        }
        if let Some((logo, bytes)) = &self.logo {
            if *logo == id {
                return Ok(bytes.clone());
            }
        }
        self.printer.extra_file(self.tenant, &name)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.printer.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
