//! German full-text search over what a district publishes, with tantivy.
//!
//! Words are folded to ASCII ("Iași" is found as "Iasi"), split where
//! they are compounds of the field's words ("Städtepartnerschaft"), and
//! stemmed ("Partnerschaften" finds "Partnerschaft"). One index holds every
//! tenant; each query is bound to one. The index keeps a note of the state
//! it reflects (see `Update::commit`), so a node can tell when to follow.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;

use kreiskom_core::{Kind, SearchDocument, SEARCHED_KINDS};
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED,
    STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer,
    SplitCompoundWords, Stemmer, TextAnalyzer,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("Suchindex: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("Suchindex in {path}: {message}")]
    Open { path: String, message: String },
    #[error("Der Suchindex wird gerade von einem anderen Vorgang geändert; bitte gleich noch einmal versuchen")]
    Busy,
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// Changes when the analyzer or the fields change; an index made by
/// another version is built anew.
const FORMAT: &str = "deutsch-3";
const KIND_NO: &str = "kind_no";
const ANALYZER: &str = "deutsch";
/// Memory the writer may fill before it writes a segment.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;
/// Words of a query beyond this are ignored (a pasted page is no query).
const MAX_QUERY_WORDS: usize = 16;
const SNIPPET_CHARS: usize = 220;

/// Parts of the compounds that public texts of partnerships are made of,
/// as they appear in a stemmed word; a word is split only where it
/// consists of these entirely, after folding ("stadte" is "Städte") and
/// stemming ("hilfstransporte" is "hilfstransport"), and the parts are
/// stemmed again. Split in the index and in the query alike, so
/// "Partnerschaft" also finds "Städtepartnerschaften".
const COMPOUND_PARTS: &[&str] = &[
    "austausch",
    "besuch",
    "burger",
    "burgermeister",
    "delegation",
    "delegations",
    "europa",
    "feuerwehr",
    "freundschaft",
    "freundschafts",
    "hilfs",
    "jugend",
    "kreis",
    "kreises",
    "kultur",
    "land",
    "landes",
    "musik",
    "partner",
    "partnerschaft",
    "partnerschaften",
    "partnerschafts",
    "projekt",
    "region",
    "schul",
    "schule",
    "schuler",
    "sport",
    "stadte",
    "transport",
    "verwaltung",
    "verwaltungs",
    "vertrag",
    "vertrags",
];

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::German))
        .filter(SplitCompoundWords::from_dictionary(COMPOUND_PARTS).expect("a fixed word list"))
        .filter(Stemmer::new(Language::German))
        .build()
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    tenant: Field,
    kind: Field,
    title: Field,
    text: Field,
    url: Field,
    year: Field,
    hash: Field,
    /// The kind's place in `SEARCHED_KINDS`, for counting per kind.
    kind_no: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let german = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        tenant: b.add_text_field("tenant", STRING),
        kind: b.add_text_field("kind", STRING | STORED),
        title: b.add_text_field("title", german.clone()),
        text: b.add_text_field("text", german),
        url: b.add_text_field("url", STORED),
        year: b.add_i64_field("year", INDEXED | STORED | FAST),
        hash: b.add_u64_field("hash", STORED),
        kind_no: b.add_u64_field(KIND_NO, FAST),
    };
    (b.build(), fields)
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    analyzer: TextAnalyzer,
}

impl SearchIndex {
    /// An index kept in memory, built anew at every start.
    pub fn in_memory() -> Result<Self> {
        let (schema, _) = schema();
        Self::with(Index::create_in_ram(schema))
    }

    /// The index in `dir`, made there if it is missing or was made by
    /// another version of kreiskom (then it is empty and must be built).
    pub fn open(dir: &Path) -> Result<Self> {
        let failed = |e: &dyn std::fmt::Display| SearchError::Open {
            path: dir.display().to_string(),
            message: e.to_string(),
        };
        std::fs::create_dir_all(dir).map_err(|e| failed(&e))?;
        let (schema, _) = schema();
        let current = MmapDirectory::open(dir)
            .map_err(|e| failed(&e))
            .and_then(|d| Index::open_or_create(d, schema.clone()).map_err(|e| failed(&e)))
            .ok()
            .filter(|index| {
                index
                    .load_metas()
                    .ok()
                    .and_then(|m| m.payload)
                    .is_none_or(|p| p.starts_with(FORMAT))
            });
        let index = match current {
            Some(index) => index,
            None => {
                for entry in std::fs::read_dir(dir).map_err(|e| failed(&e))? {
                    let path = entry.map_err(|e| failed(&e))?.path();
                    if path.is_file() {
                        std::fs::remove_file(&path).map_err(|e| failed(&e))?;
                    }
                }
                let d = MmapDirectory::open(dir).map_err(|e| failed(&e))?;
                Index::create(d, schema, Default::default())?
            }
        };
        Self::with(index)
    }

    fn with(index: Index) -> Result<Self> {
        let (_, fields) = schema();
        index.tokenizers().register(ANALYZER, analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(Self {
            index,
            reader,
            fields,
            analyzer: analyzer(),
        })
    }

    /// The note the last commit left (see `Update::commit`), without the
    /// format prefix; `None` for an index never built.
    pub fn state(&self) -> Option<String> {
        let payload = self.index.load_metas().ok()?.payload?;
        payload
            .strip_prefix(FORMAT)
            .and_then(|p| p.strip_prefix(' '))
            .map(str::to_owned)
    }

    /// Starts a change; nothing is seen until `Update::commit`. One
    /// update at a time per index: a second waits or fails with a message.
    pub fn update(&self) -> Result<Update<'_>> {
        let writer = self
            .index
            .writer_with_num_threads(1, WRITER_MEMORY)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => SearchError::Busy,
                e => e.into(),
            })?;
        Ok(Update {
            search: self,
            writer,
            cleared: false,
        })
    }

    /// The words `text` is indexed under, for the static copy's index.
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut analyzer = self.analyzer.clone();
        let mut stream = analyzer.token_stream(text);
        let mut terms = Vec::new();
        while let Some(token) = stream.next() {
            terms.push(token.text.clone());
        }
        terms
    }

    /// How many documents each tenant has, for progress and checks.
    pub fn count(&self, tenant: &str) -> Result<usize> {
        let q = TermQuery::new(
            Term::from_field_text(self.fields.tenant, tenant),
            IndexRecordOption::Basic,
        );
        Ok(self.reader.searcher().search(&q, &Count)?)
    }

    /// Finds `query.text` among the tenant's documents, best first.
    pub fn search(&self, tenant: &str, query: &SearchQuery<'_>) -> Result<Found> {
        let f = self.fields;
        let words: Vec<String> = self
            .terms(query.text)
            .into_iter()
            .take(MAX_QUERY_WORDS)
            .collect();
        if words.is_empty() {
            return Ok(Found::default());
        }
        let term = |field: Field, text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::WithFreqs,
            ))
        };
        // Every word must occur, in the title (which weighs more) or the text.
        let mut matching: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|w| {
                let either: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(term(f.title, w), 3.0)) as Box<dyn Query>,
                    ),
                    (Occur::Should, term(f.text, w)),
                ]));
                (Occur::Must, either)
            })
            .collect();
        matching.push((Occur::Must, term(f.tenant, tenant)));
        if let Some(year) = query.year {
            matching.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_i64(f.year, year.into()),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let searcher = self.reader.searcher();
        let limit = query.limit.max(1);
        let top = || {
            TopDocs::with_limit(limit)
                .and_offset(query.offset)
                .order_by_score()
        };
        // One pass counts per kind and, unless a kind is chosen, also
        // finds the best hits; a chosen kind needs a second, narrower one.
        let all = BooleanQuery::new(matching.iter().map(|(o, q)| (*o, q.box_clone())).collect());
        let (counts, top, total, chosen): (_, _, _, Box<dyn Query>) = match query.kind {
            None => {
                let (counts, top, total) = searcher.search(&all, &(KindCounts, top(), Count))?;
                (counts, top, total, Box::new(all))
            }
            Some(kind) => {
                let counts = searcher.search(&all, &KindCounts)?;
                let mut clauses = matching;
                clauses.push((Occur::Must, term(f.kind, kind.path())));
                let chosen = BooleanQuery::new(clauses);
                let (top, total) = searcher.search(&chosen, &(top(), Count))?;
                (counts, top, total, Box::new(chosen))
            }
        };
        let by_kind = SEARCHED_KINDS
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| (*k, n))
            .collect();
        let mut snippets = SnippetGenerator::create(&searcher, &*chosen, f.text)?;
        snippets.set_max_num_chars(SNIPPET_CHARS);
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field: Field| -> String {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let Some(kind) = Kind::from_path(&text(f.kind)) else {
                continue;
            };
            let body = text(f.text);
            let snippet = snippets.snippet(&body);
            let snippet = if snippet.is_empty() {
                vec![Piece {
                    text: opening(&body, SNIPPET_CHARS),
                    marked: false,
                }]
            } else {
                pieces(snippet.fragment(), snippet.highlighted())
            };
            let year = doc
                .get_first(f.year)
                .and_then(|v| v.as_i64())
                .and_then(|y| i16::try_from(y).ok());
            hits.push(Hit {
                kind,
                title: text(f.title),
                url: text(f.url),
                year,
                score,
                snippet,
            });
        }
        Ok(Found {
            total,
            hits,
            by_kind,
        })
    }
}

/// Counts the matches of each kind in `SEARCHED_KINDS`, from the fast
/// field, in the pass that finds the hits.
struct KindCounts;

type Counts = [usize; SEARCHED_KINDS.len()];

struct SegmentKindCounts {
    column: tantivy::columnar::Column<u64>,
    counts: Counts,
}

impl tantivy::collector::Collector for KindCounts {
    type Fruit = Counts;
    type Child = SegmentKindCounts;

    fn for_segment(
        &self,
        _: tantivy::SegmentOrdinal,
        segment: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentKindCounts> {
        Ok(SegmentKindCounts {
            column: segment.fast_fields().u64(KIND_NO)?,
            counts: [0; SEARCHED_KINDS.len()],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut all = [0; SEARCHED_KINDS.len()];
        for f in fruits {
            for (a, n) in all.iter_mut().zip(f) {
                *a += n;
            }
        }
        Ok(all)
    }
}

impl tantivy::collector::SegmentCollector for SegmentKindCounts {
    type Fruit = Counts;

    fn collect(&mut self, doc: tantivy::DocId, _: tantivy::Score) {
        if let Some(no) = self.column.first(doc) {
            if let Some(n) = self.counts.get_mut(no as usize) {
                *n += 1;
            }
        }
    }

    fn harvest(self) -> Counts {
        self.counts
    }
}

/// What a visitor asked for.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery<'a> {
    pub text: &'a str,
    pub kind: Option<Kind>,
    pub year: Option<i16>,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Default)]
pub struct Found {
    /// All matches of the chosen kind, not only those on this page.
    pub total: usize,
    pub hits: Vec<Hit>,
    /// Matches per kind whatever kind was chosen, for the filter.
    pub by_kind: Vec<(Kind, usize)>,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub kind: Kind,
    pub title: String,
    pub url: String,
    pub year: Option<i16>,
    pub score: f32,
    /// The passage that matches best, with the words found marked.
    pub snippet: Vec<Piece>,
}

/// Part of a snippet: plain text, to be escaped by whoever shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Piece {
    pub text: String,
    pub marked: bool,
}

fn pieces(fragment: &str, marked: &[std::ops::Range<usize>]) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut at = 0;
    for r in marked {
        if r.start > at {
            out.push(Piece {
                text: fragment[at..r.start].to_owned(),
                marked: false,
            });
        }
        out.push(Piece {
            text: fragment[r.clone()].to_owned(),
            marked: true,
        });
        at = r.end;
    }
    if at < fragment.len() {
        out.push(Piece {
            text: fragment[at..].to_owned(),
            marked: false,
        });
    }
    out
}

/// The start of `text`, cut at a word.
fn opening(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut} …")
}

/// What an update did to one tenant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub kept: usize,
}

impl Changes {
    pub fn any(&self) -> bool {
        self.added + self.changed + self.removed > 0
    }
}

pub struct Update<'a> {
    search: &'a SearchIndex,
    writer: IndexWriter,
    cleared: bool,
}

fn fingerprint(d: &SearchDocument) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    d.hash(&mut h);
    h.finish()
}

impl Update<'_> {
    /// Starts from an empty index (a rebuild).
    pub fn clear(&mut self) -> Result<()> {
        self.writer.delete_all_documents()?;
        self.cleared = true;
        Ok(())
    }

    /// Makes the tenant's documents exactly `docs`, touching only those
    /// that changed.
    pub fn tenant(&mut self, tenant: &str, docs: &[SearchDocument]) -> Result<Changes> {
        let f = self.search.fields;
        let mut known = if self.cleared {
            HashMap::new()
        } else {
            self.known(tenant)?
        };
        let mut changes = Changes::default();
        for d in docs {
            let id = format!("{tenant}/{}", d.key);
            let hash = fingerprint(d);
            match known.remove(&id) {
                Some(h) if h == hash => {
                    changes.kept += 1;
                    continue;
                }
                Some(_) => {
                    changes.changed += 1;
                    self.writer.delete_term(Term::from_field_text(f.id, &id));
                }
                None => changes.added += 1,
            }
            let mut doc = TantivyDocument::default();
            doc.add_text(f.id, &id);
            doc.add_text(f.tenant, tenant);
            doc.add_text(f.kind, d.kind.path());
            doc.add_text(f.title, &d.title);
            doc.add_text(f.text, &d.text);
            doc.add_text(f.url, &d.url);
            if let Some(year) = d.year {
                doc.add_i64(f.year, year.into());
            }
            doc.add_u64(f.hash, hash);
            if let Some(no) = SEARCHED_KINDS.iter().position(|k| *k == d.kind) {
                doc.add_u64(f.kind_no, no as u64);
            }
            self.writer.add_document(doc)?;
        }
        for id in known.into_keys() {
            changes.removed += 1;
            self.writer.delete_term(Term::from_field_text(f.id, &id));
        }
        Ok(changes)
    }

    /// Removes a tenant's documents (a tenant that is gone).
    pub fn remove_tenant(&mut self, tenant: &str) {
        self.writer
            .delete_term(Term::from_field_text(self.search.fields.tenant, tenant));
    }

    /// The tenant's documents in the index as committed: id → fingerprint.
    fn known(&self, tenant: &str) -> Result<HashMap<String, u64>> {
        let f = self.search.fields;
        let searcher = self.search.reader.searcher();
        let q = TermQuery::new(
            Term::from_field_text(f.tenant, tenant),
            IndexRecordOption::Basic,
        );
        let mut known = HashMap::new();
        for address in searcher.search(&q, &DocSetCollector)? {
            let doc: TantivyDocument = searcher.doc(address)?;
            let id = doc
                .get_first(f.id)
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            let hash = doc.get_first(f.hash).and_then(|v| v.as_u64());
            if let (Some(id), Some(hash)) = (id, hash) {
                known.insert(id, hash);
            }
        }
        Ok(known)
    }

    /// Makes the changes visible, with `state` noted for `SearchIndex::state`.
    pub fn commit(mut self, state: &str) -> Result<()> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&format!("{FORMAT} {state}"));
        prepared.commit()?;
        self.writer.wait_merging_threads()?;
        self.search.reader.reload()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(kind: Kind, key: &str, title: &str, text: &str, year: Option<i16>) -> SearchDocument {
        SearchDocument {
            kind,
            key: key.into(),
            title: title.into(),
            text: text.into(),
            url: format!("/harz/{key}"),
            year,
        }
    }

    fn titles(index: &SearchIndex, tenant: &str, text: &str) -> Vec<String> {
        let q = SearchQuery {
            text,
            limit: 10,
            ..Default::default()
        };
        let found = index.search(tenant, &q).unwrap();
        found.hits.into_iter().map(|h| h.title).collect()
    }

    fn demo() -> SearchIndex {
        let index = SearchIndex::in_memory().unwrap();
        let mut u = index.update().unwrap();
        u.tenant(
            "harz",
            &[
                doc(
                    Kind::Partnership,
                    "p/1",
                    "Landkreis Harz und Powiat Trzebnicki",
                    "Eine Partnerschaft seit 2001; Jugendaustausch jedes Jahr.",
                    Some(2001),
                ),
                doc(
                    Kind::Region,
                    "r/1",
                    "Județul Iași",
                    "Kreis in Rumänien mit 794.839 Einwohnern.",
                    None,
                ),
                doc(
                    Kind::PressRelease,
                    "pm/1",
                    "Städtepartnerschaften gefeiert",
                    "Der Landrat empfing Gäste aus Polen.",
                    Some(2014),
                ),
            ],
        )
        .unwrap();
        u.tenant(
            "goslar",
            &[doc(
                Kind::Partnership,
                "p/2",
                "Goslar und Trebnitz",
                "Partnerschaft der Städte.",
                Some(1990),
            )],
        )
        .unwrap();
        u.commit("g1").unwrap();
        index
    }

    #[test]
    fn stems_folds_and_splits_compounds_in_german() {
        let index = demo();
        // "Partnerschaften" and "Partnerschaft" share their stem; the
        // compound "Städtepartnerschaften" holds it too.
        let found = titles(&index, "harz", "Partnerschaften");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.contains(&"Städtepartnerschaften gefeiert".to_owned()));
        assert_eq!(titles(&index, "harz", "Iasi"), ["Județul Iași"]);
        assert_eq!(titles(&index, "harz", "IAȘI rumänien"), ["Județul Iași"]);
        assert_eq!(
            titles(&index, "harz", "Austausch"),
            ["Landkreis Harz und Powiat Trzebnicki"]
        );
        assert_eq!(
            titles(&index, "harz", "Jugendaustausches"),
            ["Landkreis Harz und Powiat Trzebnicki"]
        );
        // Every word must occur.
        assert!(titles(&index, "harz", "Iasi Polen").is_empty());
    }

    #[test]
    fn a_query_sees_only_its_tenant() {
        let index = demo();
        assert_eq!(
            titles(&index, "goslar", "Partnerschaft"),
            ["Goslar und Trebnitz"]
        );
        assert!(titles(&index, "goslar", "Iasi").is_empty());
        assert!(titles(&index, "nirgends", "Partnerschaft").is_empty());
    }

    #[test]
    fn titles_weigh_more_and_the_snippet_marks_the_words_found() {
        let index = demo();
        let q = SearchQuery {
            text: "partnerschaft",
            limit: 10,
            ..Default::default()
        };
        let found = index.search("harz", &q).unwrap();
        assert_eq!(found.hits[0].title, "Städtepartnerschaften gefeiert");
        let p = &found.hits[1];
        assert!(
            p.snippet
                .iter()
                .any(|s| s.marked && s.text == "Partnerschaft"),
            "{:?}",
            p.snippet
        );
        assert_eq!(
            found.by_kind,
            [(Kind::PressRelease, 1), (Kind::Partnership, 1)]
        );
    }

    #[test]
    fn filters_by_kind_and_year() {
        let index = demo();
        let q = SearchQuery {
            text: "Partnerschaft",
            kind: Some(Kind::Partnership),
            limit: 10,
            ..Default::default()
        };
        let found = index.search("harz", &q).unwrap();
        assert_eq!(found.total, 1);
        assert_eq!(found.hits[0].kind, Kind::Partnership);
        assert_eq!(found.by_kind.len(), 2, "the filter still counts every kind");
        let q = SearchQuery {
            text: "Partnerschaft",
            year: Some(2014),
            limit: 10,
            ..Default::default()
        };
        assert_eq!(index.search("harz", &q).unwrap().hits[0].year, Some(2014));
        let q = SearchQuery {
            text: "Partnerschaft",
            year: Some(1999),
            limit: 10,
            ..Default::default()
        };
        assert_eq!(index.search("harz", &q).unwrap().total, 0);
    }

    #[test]
    fn an_update_touches_only_what_changed_and_removes_what_is_gone() {
        let index = demo();
        let mut u = index.update().unwrap();
        let changes = u
            .tenant(
                "harz",
                &[
                    doc(
                        Kind::Partnership,
                        "p/1",
                        "Landkreis Harz und Powiat Trzebnicki",
                        "Eine Partnerschaft seit 2001; Jugendaustausch jedes Jahr.",
                        Some(2001),
                    ),
                    doc(
                        Kind::Region,
                        "r/1",
                        "Județul Iași",
                        "Kreis in Rumänien, Hauptstadt Iași.",
                        None,
                    ),
                ],
            )
            .unwrap();
        u.commit("g2").unwrap();
        assert_eq!(
            changes,
            Changes {
                added: 0,
                changed: 1,
                removed: 1,
                kept: 1
            }
        );
        assert_eq!(index.count("harz").unwrap(), 2);
        assert_eq!(index.count("goslar").unwrap(), 1);
        assert!(titles(&index, "harz", "Landrat").is_empty());
        assert_eq!(titles(&index, "harz", "Hauptstadt"), ["Județul Iași"]);
        assert_eq!(index.state().as_deref(), Some("g2"));
    }

    #[test]
    fn markup_in_a_query_is_only_words_and_an_empty_query_finds_nothing() {
        let index = demo();
        assert!(titles(&index, "harz", "<script>").is_empty());
        assert!(titles(&index, "harz", "tenant:goslar").is_empty());
        assert!(titles(&index, "harz", "  ?! ").is_empty());
    }

    #[test]
    fn an_index_on_disk_is_kept_and_one_of_another_format_is_built_anew() {
        let dir = tempfile::tempdir().unwrap();
        {
            let index = SearchIndex::open(dir.path()).unwrap();
            assert_eq!(index.state(), None);
            let mut u = index.update().unwrap();
            u.tenant(
                "harz",
                &[doc(
                    Kind::Page,
                    "seiten/a",
                    "Serviceportal",
                    "Online-Dienste",
                    None,
                )],
            )
            .unwrap();
            u.commit("g7").unwrap();
        }
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(index.state().as_deref(), Some("g7"));
        assert_eq!(titles(&index, "harz", "serviceportal"), ["Serviceportal"]);
        drop(index);
        let meta = dir.path().join("meta.json");
        let old = std::fs::read_to_string(&meta)
            .unwrap()
            .replace(FORMAT, "deutsch-older");
        std::fs::write(&meta, old).unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(index.state(), None);
        assert_eq!(index.count("harz").unwrap(), 0);
    }
}
