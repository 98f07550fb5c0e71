//! The figures page of a tenant: public page views counted on the server
//! (no cookie, no address), releases per month and what went out on each
//! channel, each as a chart drawn on the server with a table of the same
//! numbers and a CSV file of them.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::ToSpan;
use kreiskom_chart::Bar;
use kreiskom_core::date::MONTHS;
use kreiskom_core::{
    berlin, Channel, PressInquiry, PressRelease, Record, ReleaseState, TenantSlug, Timeliness,
};
use kreiskom_store::Store;
use serde::Serialize;

use crate::german;
use crate::Result;

/// The periods offered, in days up to today.
pub const PERIODS: [i64; 4] = [7, 30, 90, 365];
pub const DEFAULT_PERIOD: i64 = 30;
/// Rankings show this many entries; the CSV file holds them all.
const RANKED: usize = 10;
/// How many months the releases chart spans.
const MONTHS_SHOWN: i32 = 12;

#[derive(Debug, Serialize)]
pub struct Figures {
    pub days: i64,
    pub periods: Vec<Period>,
    pub summary: String,
    pub charts: Vec<Chart>,
}

#[derive(Debug, Serialize)]
pub struct Period {
    pub days: i64,
    pub label: String,
    pub current: bool,
}

/// One chart with the table and file of its numbers.
#[derive(Debug, Serialize)]
pub struct Chart {
    pub id: &'static str,
    pub title: String,
    /// What the numbers count, for the table's head ("Tag", "Aufrufe").
    pub head: [&'static str; 2],
    pub svg: String,
    /// Every entry, the chart's and beyond (rankings draw the first ten).
    pub rows: Vec<Row>,
    /// Shown instead of the chart when there is nothing to count yet.
    pub empty: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub label: String,
    pub value: u64,
    pub shown: String,
}

impl Chart {
    /// The chart's numbers as CSV (semicolons, as German spreadsheets
    /// expect), every row, not only the drawn ones.
    pub fn csv(&self) -> String {
        let mut out = format!("{};{}\r\n", self.head[0], self.head[1]);
        for r in &self.rows {
            out.push_str(&csv_cell(&r.label));
            out.push(';');
            out.push_str(&r.value.to_string());
            out.push_str("\r\n");
        }
        out
    }
}

/// Quoted where needed; a leading `=`, `+`, `-` or `@` is defused, so a
/// spreadsheet never runs a channel's name as a formula.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn row(label: String, value: u64) -> Row {
    Row {
        label,
        value,
        shown: german::number(value as f64),
    }
}

fn bars(rows: &[Row]) -> Vec<Bar> {
    rows.iter()
        .map(|r| Bar {
            label: r.label.clone(),
            value: r.value,
            shown: r.shown.clone(),
        })
        .collect()
}

/// Largest first, then by label; the chart draws the first `RANKED`.
fn ranked(
    id: &'static str,
    title: String,
    head: [&'static str; 2],
    counts: BTreeMap<String, u64>,
    empty: &'static str,
) -> Chart {
    let mut rows: Vec<Row> = counts.into_iter().map(|(l, v)| row(l, v)).collect();
    rows.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.label.cmp(&b.label)));
    let drawn = &rows[..rows.len().min(RANKED)];
    Chart {
        id,
        svg: kreiskom_chart::rows(id, &title, &bars(drawn)),
        empty: rows.is_empty().then_some(empty),
        title,
        head,
        rows,
    }
}

fn day_label(d: Date) -> String {
    format!("{}.{}.", d.day(), d.month())
}

fn month_label(year: i16, month: i8) -> String {
    format!("{} {year}", MONTHS[month as usize - 1])
}

/// The figures of `tenant` for the `days` up to `today`.
pub async fn figures(
    store: &Store,
    tenant: &TenantSlug,
    today: Date,
    days: i64,
) -> Result<Figures> {
    let days = if PERIODS.contains(&days) {
        days
    } else {
        DEFAULT_PERIOD
    };
    let since = today.checked_sub((days - 1).days()).unwrap_or(today);
    let views = store.page_views(tenant.as_str(), since).await?;

    let mut per_day: BTreeMap<Date, u64> = BTreeMap::new();
    let mut per_page: BTreeMap<String, u64> = BTreeMap::new();
    let mut per_host: BTreeMap<String, u64> = BTreeMap::new();
    for v in &views {
        *per_day.entry(v.day).or_default() += v.views;
        *per_page.entry(v.path.clone()).or_default() += v.views;
        let host = if v.referrer.is_empty() {
            "direkt oder von der eigenen Website".to_owned()
        } else {
            v.referrer.clone()
        };
        *per_host.entry(host).or_default() += v.views;
    }
    let total: u64 = per_day.values().sum();
    let day_rows: Vec<Row> = (0..days)
        .filter_map(|i| since.checked_add(i.days()).ok())
        .map(|d| row(day_label(d), per_day.get(&d).copied().unwrap_or(0)))
        .collect();
    let views_title = "Seitenaufrufe pro Tag".to_owned();
    let label_every = match days {
        7 => 1,
        30 => 5,
        90 => 14,
        _ => 61,
    };
    let mut charts = vec![Chart {
        id: "aufrufe",
        svg: kreiskom_chart::columns("aufrufe", &views_title, &bars(&day_rows), label_every),
        empty: (total == 0)
            .then_some("In diesem Zeitraum wurde noch keine öffentliche Seite aufgerufen."),
        title: views_title,
        head: ["Tag", "Aufrufe"],
        rows: day_rows,
    }];
    charts.push(ranked(
        "seiten",
        "Meistaufgerufene Seiten, Feeds und Kalender".into(),
        ["Adresse", "Aufrufe"],
        per_page,
        "Noch keine Aufrufe.",
    ));
    charts.push(ranked(
        "herkunft",
        "Woher die Besuche kamen".into(),
        ["Website", "Aufrufe"],
        per_host,
        "Noch keine Aufrufe.",
    ));

    // Releases by the month they became public, withdrawn ones included:
    // they were out.
    let first_month = today
        .first_of_month()
        .checked_sub((MONTHS_SHOWN - 1).months())
        .unwrap_or(today);
    let mut per_month: BTreeMap<(i16, i8), u64> = BTreeMap::new();
    for r in store.records::<PressRelease>(Some(tenant)).await? {
        let out = matches!(
            r.workflow.state,
            ReleaseState::Approved | ReleaseState::Withdrawn
        );
        if let (true, Some(at)) = (out, r.workflow.released_at) {
            let d = at.to_zoned(berlin()).date();
            if d >= first_month && d <= today {
                *per_month.entry((d.year(), d.month())).or_default() += 1;
            }
        }
    }
    let month_rows: Vec<Row> = (0..MONTHS_SHOWN)
        .filter_map(|i| first_month.checked_add(i.months()).ok())
        .map(|d| {
            let n = per_month.get(&(d.year(), d.month())).copied().unwrap_or(0);
            row(month_label(d.year(), d.month()), n)
        })
        .collect();
    let releases_title = "Pressemitteilungen pro Monat".to_owned();
    let released: u64 = month_rows.iter().map(|r| r.value).sum();
    charts.push(Chart {
        id: "pressemitteilungen",
        svg: kreiskom_chart::columns("pressemitteilungen", &releases_title, &bars(&month_rows), 2),
        empty: (released == 0)
            .then_some("In den letzten zwölf Monaten ist keine Pressemitteilung erschienen."),
        title: releases_title,
        head: ["Monat", "Pressemitteilungen"],
        rows: month_rows,
    });

    let channels: BTreeMap<String, String> = store
        .records::<Channel>(Some(tenant))
        .await?
        .into_iter()
        .map(|c| (c.slug.to_string(), c.title()))
        .collect();
    let mut per_channel: BTreeMap<String, u64> = BTreeMap::new();
    for (channel, at) in store.channel_deliveries(tenant.as_str()).await? {
        if at.to_zoned(berlin()).date() >= since {
            let name = channels.get(&channel).cloned().unwrap_or(channel);
            *per_channel.entry(name).or_default() += 1;
        }
    }
    charts.push(ranked(
        "kanaele",
        "Veröffentlichte Beiträge pro Kanal".into(),
        ["Kanal", "Beiträge"],
        per_channel,
        "In diesem Zeitraum ging kein Beitrag hinaus.",
    ));

    // Inquiries received in the period, by how they kept their deadline.
    let now = today
        .at(12, 0, 0, 0)
        .to_zoned(berlin())
        .map(|z| z.timestamp())
        .ok();
    let mut per_state: BTreeMap<Timeliness, u64> = BTreeMap::new();
    for i in store.records::<PressInquiry>(Some(tenant)).await? {
        let received = i.received.civil().date();
        if received >= since && received <= today {
            let now = now.unwrap_or_else(|| i.received.instant());
            *per_state.entry(i.timeliness(now)).or_default() += 1;
        }
    }
    let inquiry_rows: Vec<Row> = per_state
        .into_iter()
        .map(|(state, n)| row(state.label().to_owned(), n))
        .collect();
    let inquiries_title = "Presseanfragen und ihre Fristen".to_owned();
    charts.push(Chart {
        id: "anfragen",
        svg: kreiskom_chart::rows("anfragen", &inquiries_title, &bars(&inquiry_rows)),
        empty: inquiry_rows
            .is_empty()
            .then_some("In diesem Zeitraum kam keine Presseanfrage."),
        title: inquiries_title,
        head: ["Stand", "Anfragen"],
        rows: inquiry_rows,
    });

    let periods = PERIODS
        .iter()
        .map(|&d| Period {
            days: d,
            label: if d == 365 {
                "ein Jahr".into()
            } else {
                format!("{d} Tage")
            },
            current: d == days,
        })
        .collect();
    let summary = format!(
        "{} in den letzten {} – gezählt auf dem Server, ohne Cookies und ohne IP-Adressen.",
        german::count(total as usize, "Seitenaufruf", "Seitenaufrufe"),
        if days == 365 {
            "365 Tagen".to_owned()
        } else {
            format!("{days} Tagen")
        },
    );
    Ok(Figures {
        days,
        periods,
        summary,
        charts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("/harz/"), "/harz/");
        assert_eq!(csv_cell("a;b"), "\"a;b\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("@lkstade"), "'@lkstade");
    }
}
