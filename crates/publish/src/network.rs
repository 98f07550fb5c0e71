//! The network map of the whole installation (`/netzwerk`): every
//! partnership of the registry, the districts' own and the imported
//! municipal twinnings, on one server-drawn map with clusters where points
//! crowd, filtered by country and category through plain links and a GET
//! form, and beside it a table of exactly what the map shows.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::civil::Date;
use kreiskom_core::{Category, CountryCode, Partnership, Region, Status, Tenant};
use kreiskom_map::{Place, Role, View};
use kreiskom_store::Store;
use serde::{Deserialize, Serialize};

use crate::german::{count, number};
use crate::views::lbl;
use crate::{PublishError, Result};

/// The filters as the address carries them: `?land=PL&art=freundschaft`
/// and, after a cluster was followed, `bereich=West,Süd,Ost,Nord`.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct NetworkQuery {
    pub land: Option<String>,
    pub art: Option<String>,
    pub bereich: Option<String>,
}

/// The categories by the word the address uses for them.
const CATEGORIES: [(&str, Category); 5] = [
    ("partnerschaft", Category::Partnership),
    ("freundschaft", Category::Friendship),
    ("kontakt", Category::Contact),
    ("projektpartnerschaft", Category::ProjectPartnership),
    ("patenschaft", Category::Sponsorship),
];

/// A zoomed map is at least this many degrees high: close enough to part
/// the towns of one district.
const MIN_SPAN: f64 = 0.2;

/// Rows of partners named per place in the table; the rest are counted.
const PARTNERS_NAMED: usize = 8;

#[derive(Debug, Clone, PartialEq)]
struct Filter {
    country: Option<CountryCode>,
    category: Option<(&'static str, Category)>,
    /// West, south, east, north.
    area: Option<[f64; 4]>,
}

impl Filter {
    /// An unknown country, category or a malformed area is a page that
    /// does not exist, as a mistyped path is. Empty values (the form's
    /// "alle") filter nothing.
    fn parse(q: &NetworkQuery) -> Result<Self> {
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        let country = match given(&q.land) {
            None => None,
            Some(code) => {
                let code = CountryCode::parse(&code.to_ascii_uppercase())
                    .map_err(|_| PublishError::NotFound)?;
                kreiskom_core::country::german_name(code.as_str()).ok_or(PublishError::NotFound)?;
                Some(code)
            }
        };
        let category = match given(&q.art) {
            None => None,
            Some(word) => Some(
                *CATEGORIES
                    .iter()
                    .find(|(w, _)| *w == word)
                    .ok_or(PublishError::NotFound)?,
            ),
        };
        let area = match given(&q.bereich) {
            None => None,
            Some(text) => {
                let v: Vec<f64> = text
                    .split(',')
                    .map(|n| n.trim().parse::<f64>())
                    .collect::<std::result::Result<_, _>>()
                    .map_err(|_| PublishError::NotFound)?;
                let [w, s, e, n] = v[..] else {
                    return Err(PublishError::NotFound);
                };
                let ok = (-180.0..=180.0).contains(&w)
                    && (-180.0..=180.0).contains(&e)
                    && (-90.0..=90.0).contains(&s)
                    && (-90.0..=90.0).contains(&n)
                    && w <= e
                    && s <= n;
                if !ok {
                    return Err(PublishError::NotFound);
                }
                Some([w, s, e, n])
            }
        };
        Ok(Self {
            country,
            category,
            area,
        })
    }

    /// The address of this filter with another area.
    fn href(&self, area: Option<[f64; 4]>) -> String {
        let mut parts = Vec::new();
        if let Some(c) = &self.country {
            parts.push(format!("land={c}"));
        }
        if let Some((word, _)) = self.category {
            parts.push(format!("art={word}"));
        }
        if let Some([w, s, e, n]) = area {
            parts.push(format!("bereich={w:.2},{s:.2},{e:.2},{n:.2}"));
        }
        if parts.is_empty() {
            "/netzwerk".to_owned()
        } else {
            format!("/netzwerk?{}", parts.join("&"))
        }
    }
}

#[derive(Debug, Serialize)]
pub struct NetworkView {
    /// "1.234 Partnerschaften zwischen 2.345 Orten in 98 Ländern".
    summary: String,
    svg: Option<String>,
    rows: Vec<NetworkRow>,
    /// Places of the shown partnerships without coordinates: in no row.
    unplaced: Option<String>,
    countries: Vec<Choice>,
    categories: Vec<Choice>,
    /// The whole map again, when zoomed or filtered.
    reset: Option<String>,
    zoomed: bool,
}

#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Debug, Serialize)]
struct NetworkRow {
    /// "Goslar" or "12 Orte: Goslar, … und 9 weitere".
    name: String,
    country: String,
    partnerships: String,
    /// The partners of a single place, by name.
    partners: String,
    url: Option<String>,
    /// A cluster: its address shows the area closer.
    cluster: bool,
}

pub async fn network(store: &Store, query: &NetworkQuery, today: Date) -> Result<NetworkView> {
    let filter = Filter::parse(query)?;
    let tenants = store.records::<Tenant>(None).await?;
    let regions: HashMap<String, Region> = store
        .records::<Region>(None)
        .await?
        .into_iter()
        .map(|r| (r.slug.to_string(), r))
        .collect();
    let country_of = |slug: &str| regions.get(slug).map(|r| r.country.as_str());
    let standing: Vec<Partnership> = store
        .records::<Partnership>(None)
        .await?
        .into_iter()
        .filter(|p| !matches!(p.status_at(today).status, Status::Ended | Status::NotYet))
        .collect();

    // The choices count what the other filter leaves.
    let mut by_country: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_category: HashMap<Category, usize> = HashMap::new();
    for p in &standing {
        if filter.category.is_none_or(|(_, c)| c == p.category) {
            let mut seen = HashSet::new();
            for side in &p.regions {
                if let Some(c) = country_of(side.as_str()) {
                    if seen.insert(c) {
                        *by_country.entry(c).or_default() += 1;
                    }
                }
            }
        }
        let in_country = filter.country.as_ref().is_none_or(|c| {
            p.regions
                .iter()
                .any(|s| country_of(s.as_str()) == Some(c.as_str()))
        });
        if in_country {
            *by_category.entry(p.category).or_default() += 1;
        }
    }
    let shown: Vec<&Partnership> = standing
        .iter()
        .filter(|p| filter.category.is_none_or(|(_, c)| c == p.category))
        .filter(|p| {
            filter.country.as_ref().is_none_or(|c| {
                p.regions
                    .iter()
                    .any(|s| country_of(s.as_str()) == Some(c.as_str()))
            })
        })
        .collect();

    // The districts on the installation lead to their pages; their
    // partners are marked as such; every other place is a twin town.
    let home: HashMap<&str, &Tenant> = tenants.iter().map(|t| (t.region.as_str(), t)).collect();
    let partners: HashSet<&str> = shown
        .iter()
        .filter(|p| p.regions.iter().any(|s| home.contains_key(s.as_str())))
        .flat_map(|p| p.regions.iter().map(|s| s.as_str()))
        .collect();
    let mut slugs: Vec<&str> = shown
        .iter()
        .flat_map(|p| p.regions.iter().map(|s| s.as_str()))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    // Districts first: they seed the clusters they lie in.
    slugs.sort_by_key(|s| (!home.contains_key(s), !partners.contains(s), *s));
    let mut places: Vec<Place> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut unplaced = 0;
    for slug in &slugs {
        let Some(region) = regions.get(*slug) else {
            continue;
        };
        let Some(c) = region.coordinates else {
            unplaced += 1;
            continue;
        };
        let tenant = home.get(slug);
        let role = match (tenant, partners.contains(slug)) {
            (Some(_), _) => Role::Home,
            (None, true) => Role::Partner,
            (None, false) => Role::Twin,
        };
        index.insert(slug, places.len());
        places.push(Place {
            name: region.name().to_owned(),
            lat: c.lat,
            lon: c.lon,
            country: region.country.to_string(),
            role,
            url: tenant.map(|t| format!("/{}/partnerschaften", t.slug)),
            labelled: role == Role::Home,
        });
    }
    let lines: Vec<(usize, usize)> = shown
        .iter()
        .filter_map(|p| {
            Some((
                *index.get(p.regions[0].as_str())?,
                *index.get(p.regions[1].as_str())?,
            ))
        })
        .collect();

    let view = match filter.area {
        Some([w, s, e, n]) => Some(View::fit(w, e, s, n, MIN_SPAN)),
        None => View::around(&places),
    };
    let (svg, rows) = match view {
        Some(view) => {
            let groups = kreiskom_map::cluster(&view, &places);
            let zoom =
                |members: &[usize]| zoom_area(&places, members).map(|a| filter.href(Some(a)));
            let title = "Netz der Partnerschaften";
            let svg = kreiskom_map::render_network(title, &view, &places, &groups, &lines, zoom);
            let rows = rows(&places, &groups, &lines, &zoom);
            (Some(svg), rows)
        }
        None => (None, Vec::new()),
    };

    let countries_total = {
        let mut c: HashSet<&str> = HashSet::new();
        for p in &shown {
            for s in &p.regions {
                if let Some(code) = country_of(s.as_str()) {
                    c.insert(code);
                }
            }
        }
        c.len()
    };
    let summary = format!(
        "{} zwischen {} in {}",
        count(shown.len(), "Partnerschaft", "Partnerschaften"),
        count(slugs.len(), "Ort", "Orten"),
        count(countries_total, "Land", "Ländern"),
    );
    let mut countries: Vec<Choice> = by_country
        .into_iter()
        .filter_map(|(code, n)| {
            let name = kreiskom_core::country::german_name(code)?;
            Some(Choice {
                value: code.to_owned(),
                label: format!("{name} ({})", number(n as f64)),
                selected: filter.country.as_ref().is_some_and(|c| c.as_str() == code),
            })
        })
        .collect();
    countries.sort_by(|a, b| a.label.cmp(&b.label));
    let categories = CATEGORIES
        .iter()
        .filter_map(|(word, c)| {
            let n = *by_category.get(c)?;
            Some(Choice {
                value: (*word).to_owned(),
                label: format!("{} ({})", lbl("category", c), number(n as f64)),
                selected: filter.category.is_some_and(|(w, _)| w == *word),
            })
        })
        .collect();
    let unplaced = (unplaced > 0).then(|| {
        format!(
            "{} ohne Koordinaten {} nicht auf der Karte.",
            count(unplaced, "Ort", "Orte"),
            if unplaced == 1 { "steht" } else { "stehen" }
        )
    });
    let unfiltered = Filter {
        country: None,
        category: None,
        area: None,
    };
    Ok(NetworkView {
        summary,
        svg,
        rows,
        unplaced,
        countries,
        categories,
        reset: (filter != unfiltered).then(|| unfiltered.href(None)),
        zoomed: filter.area.is_some(),
    })
}

/// The area a cluster opens: its places with a margin. None where they
/// lie so close that no closer map would part them.
fn zoom_area(places: &[Place], members: &[usize]) -> Option<[f64; 4]> {
    let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &i in members {
        w = w.min(places[i].lon);
        e = e.max(places[i].lon);
        s = s.min(places[i].lat);
        n = n.max(places[i].lat);
    }
    (e - w > 0.01 || n - s > 0.01).then_some([w, s, e, n])
}

fn rows(
    places: &[Place],
    groups: &[Vec<usize>],
    lines: &[(usize, usize)],
    zoom: &dyn Fn(&[usize]) -> Option<String>,
) -> Vec<NetworkRow> {
    let mut partners_of: Vec<Vec<usize>> = vec![Vec::new(); places.len()];
    for &(a, b) in lines {
        partners_of[a].push(b);
        partners_of[b].push(a);
    }
    let country_name = |code: &str| {
        kreiskom_core::country::german_name(code)
            .unwrap_or(code)
            .to_owned()
    };
    let mut rows: Vec<(usize, NetworkRow)> = groups
        .iter()
        .map(|members| {
            let n: usize = members.iter().map(|&i| partners_of[i].len()).sum();
            let row = if let [one] = members[..] {
                let p = &places[one];
                let mut names: Vec<&str> = partners_of[one]
                    .iter()
                    .map(|&i| places[i].name.as_str())
                    .collect();
                names.sort_unstable();
                let rest = names.len().saturating_sub(PARTNERS_NAMED);
                names.truncate(PARTNERS_NAMED);
                let mut partners = names.join(", ");
                match rest {
                    0 => {}
                    1 => partners.push_str(" und ein weiterer"),
                    _ => partners.push_str(&format!(" und {} weitere", number(rest as f64))),
                }
                NetworkRow {
                    name: p.name.clone(),
                    country: country_name(&p.country),
                    partnerships: number(n as f64),
                    partners,
                    url: p.url.clone(),
                    cluster: false,
                }
            } else {
                let mut codes: Vec<&str> = members
                    .iter()
                    .map(|&i| places[i].country.as_str())
                    .collect();
                codes.sort_unstable();
                codes.dedup();
                let mut names: Vec<String> = codes.iter().map(|c| country_name(c)).collect();
                names.sort();
                NetworkRow {
                    name: kreiskom_map::cluster_name(places, members),
                    country: names.join(", "),
                    partnerships: number(n as f64),
                    partners: String::new(),
                    url: zoom(members),
                    cluster: true,
                }
            };
            (n, row)
        })
        .collect();
    // The busiest first, as on a map the eye goes to the big circles.
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    rows.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(land: &str, art: &str, bereich: &str) -> NetworkQuery {
        let v = |s: &str| Some(s.to_owned());
        NetworkQuery {
            land: v(land),
            art: v(art),
            bereich: v(bereich),
        }
    }

    #[test]
    fn filters_come_from_the_address_and_go_back_into_it() {
        let f = Filter::parse(&query("pl", "freundschaft", "10,51,11.5,52")).unwrap();
        assert_eq!(f.country.as_ref().unwrap().as_str(), "PL");
        assert_eq!(
            f.href(f.area),
            "/netzwerk?land=PL&art=freundschaft&bereich=10.00,51.00,11.50,52.00"
        );
        // The form's "alle" sends empty values.
        let all = Filter::parse(&query("", " ", "")).unwrap();
        assert_eq!(all.href(None), "/netzwerk");
    }

    #[test]
    fn unknown_filters_are_pages_that_do_not_exist() {
        for q in [
            query("XX", "", ""),
            query("Polen", "", ""),
            query("", "liebe", ""),
            query("", "", "1,2,3"),
            query("", "", "10,60,11,50"),
            query("", "", "10,51,200,52"),
            query("", "", "a,b,c,d"),
        ] {
            assert!(
                matches!(Filter::parse(&q), Err(PublishError::NotFound)),
                "{q:?}"
            );
        }
    }
}
