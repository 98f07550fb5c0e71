//! Maps of a district's partnerships, drawn on the server as SVG so that
//! they need no script and ask no other host for tiles: country outlines
//! from Natural Earth (npm `world-atlas`, 1:50 million, vendored), the
//! places as points that link to their pages, and a line from each home
//! place to its partner.
//!
//! The projection is equirectangular around the middle latitude of what is
//! shown (distances east–west shrink with `cos(latitude)`), which keeps a
//! map of Europe recognisable and every step checkable by hand.

use kreiskom_chart::escape;
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::LazyLock;

use serde::Deserialize;

/// Width of the drawing in SVG units; the height follows the area shown.
pub const WIDTH: f64 = 800.0;

/// What a point stands for: it sets its look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The district itself, or one of its towns.
    Home,
    /// A partner of the district.
    Partner,
    /// A partner of one of the district's towns.
    Twin,
}

impl Role {
    /// Drawing order: the district's partners lie on top.
    fn layer(self) -> u8 {
        match self {
            Self::Home => 0,
            Self::Twin => 1,
            Self::Partner => 2,
        }
    }

    /// Which role a cluster shows: the district's before its partners'.
    fn layer_rank(self) -> u8 {
        match self {
            Self::Home => 0,
            Self::Partner => 1,
            Self::Twin => 2,
        }
    }

    fn class(self) -> &'static str {
        match self {
            Self::Home => "map-home",
            Self::Partner => "map-partner",
            Self::Twin => "map-twin",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Place {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub role: Role,
    /// Where the point leads.
    pub url: Option<String>,
    /// Written next to the point (the district's own partners), not only in
    /// its tooltip.
    pub labelled: bool,
}

/// The area shown and how it is projected.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    pub west: f64,
    pub east: f64,
    pub south: f64,
    pub north: f64,
    /// Horizontal shrink of the projection: cos(middle latitude).
    pub shrink: f64,
    pub height: f64,
}

impl View {
    /// The smallest area around the places with a margin, at least
    /// `min_span` degrees high, and between a portrait and a wide shape.
    pub fn around(places: &[Place]) -> Option<Self> {
        let first = places.first()?;
        let (mut west, mut east, mut south, mut north) =
            (first.lon, first.lon, first.lat, first.lat);
        for p in places {
            west = west.min(p.lon);
            east = east.max(p.lon);
            south = south.min(p.lat);
            north = north.max(p.lat);
        }
        Some(Self::fit(west, east, south, north, 4.0))
    }

    /// The area from `west` to `east` and `south` to `north` with a
    /// margin, at least `min_span` degrees high, between a portrait and a
    /// wide shape.
    pub fn fit(west: f64, east: f64, south: f64, north: f64, min_span: f64) -> Self {
        let (mut west, mut east, mut south, mut north) = (west, east, south, north);
        let grow = |lo: &mut f64, hi: &mut f64, min: f64| {
            let margin = ((*hi - *lo) * 0.12)
                .max((min - (*hi - *lo)) / 2.0)
                .max(min / 8.0);
            *lo -= margin;
            *hi += margin;
        };
        grow(&mut south, &mut north, min_span);
        south = south.max(-85.0);
        north = north.min(85.0);
        let shrink = ((south + north) / 2.0).to_radians().cos();
        grow(&mut west, &mut east, min_span / shrink);
        // Keep the shape landscape, between 5:4 and 2:1, as pages are.
        let aspect = |w: f64, e: f64, s: f64, n: f64| (n - s) / ((e - w) * shrink);
        let a = aspect(west, east, south, north);
        if a > 0.8 {
            let want = (north - south) / 0.8 / shrink;
            let add = (want - (east - west)) / 2.0;
            west -= add;
            east += add;
        } else if a < 0.5 {
            let want = (east - west) * shrink * 0.5;
            let add = (want - (north - south)) / 2.0;
            south -= add;
            north += add;
        }
        // Whole units, as the viewBox states it.
        let height = (WIDTH * aspect(west, east, south, north)).round();
        Self {
            west,
            east,
            south,
            north,
            shrink,
            height,
        }
    }

    /// Whether a coordinate lies in the area shown.
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        (self.south..=self.north).contains(&lat) && (self.west..=self.east).contains(&lon)
    }

    /// Where a coordinate lands in the drawing.
    pub fn project(&self, lat: f64, lon: f64) -> (f64, f64) {
        let x = (lon - self.west) / (self.east - self.west) * WIDTH;
        let y = (self.north - lat) / (self.north - self.south) * self.height;
        (x, y)
    }

    fn touches(&self, ring: &[(f64, f64)]) -> bool {
        let (mut w, mut e, mut s, mut n) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(lon, lat) in ring {
            w = w.min(lon);
            e = e.max(lon);
            s = s.min(lat);
            n = n.max(lat);
        }
        w <= self.east && e >= self.west && s <= self.north && n >= self.south
    }
}

#[derive(Deserialize)]
struct Topology {
    arcs: Vec<Vec<[i64; 2]>>,
    transform: Transform,
    objects: Objects,
}

#[derive(Deserialize)]
struct Transform {
    scale: [f64; 2],
    translate: [f64; 2],
}

#[derive(Deserialize)]
struct Objects {
    countries: Collection,
}

#[derive(Deserialize)]
struct Collection {
    geometries: Vec<Geometry>,
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Geometry {
    Polygon {
        arcs: Vec<Vec<i64>>,
        id: Option<String>,
    },
    MultiPolygon {
        arcs: Vec<Vec<Vec<i64>>>,
        id: Option<String>,
    },
    #[serde(other)]
    Other,
}

/// A country as rings of (lon, lat), each polygon's outer ring first.
struct Country {
    /// ISO 3166-1 numeric, as world-atlas names them.
    id: Option<String>,
    rings: Vec<Vec<(f64, f64)>>,
}

static COUNTRIES: LazyLock<Vec<Country>> = LazyLock::new(|| {
    let topo: Topology = serde_json::from_str(include_str!("../data/countries-50m.json"))
        .expect("the vendored outlines are TopoJSON");
    // Arcs are quantized and delta-encoded.
    let arcs: Vec<Vec<(f64, f64)>> = topo
        .arcs
        .iter()
        .map(|arc| {
            let (mut x, mut y) = (0i64, 0i64);
            arc.iter()
                .map(|[dx, dy]| {
                    x += dx;
                    y += dy;
                    (
                        x as f64 * topo.transform.scale[0] + topo.transform.translate[0],
                        y as f64 * topo.transform.scale[1] + topo.transform.translate[1],
                    )
                })
                .collect()
        })
        .collect();
    let ring = |indices: &[i64]| -> Vec<(f64, f64)> {
        let mut out: Vec<(f64, f64)> = Vec::new();
        for &i in indices {
            // A negative index is the arc ~i, walked backwards.
            let points: Vec<(f64, f64)> = if i >= 0 {
                arcs[i as usize].clone()
            } else {
                arcs[!i as usize].iter().rev().copied().collect()
            };
            // Consecutive arcs share their joining point.
            let skip = usize::from(!out.is_empty());
            out.extend(points.into_iter().skip(skip));
        }
        out
    };
    topo.objects
        .countries
        .geometries
        .into_iter()
        .filter_map(|g| match g {
            Geometry::Polygon { arcs, id } => Some(Country {
                id,
                rings: arcs.iter().map(|r| ring(r)).collect(),
            }),
            Geometry::MultiPolygon { arcs, id } => Some(Country {
                id,
                rings: arcs.iter().flatten().map(|r| ring(r)).collect(),
            }),
            Geometry::Other => None,
        })
        .collect()
});

/// ISO 3166-1 numeric for the alpha-2 codes of the countries partnerships
/// lead to, so that a point can name the outline it lies in.
pub fn numeric(alpha2: &str) -> Option<&'static str> {
    const CODES: &[(&str, &str)] = &[
        ("AL", "008"),
        ("AT", "040"),
        ("BA", "070"),
        ("BE", "056"),
        ("BG", "100"),
        ("BY", "112"),
        ("CH", "756"),
        ("CN", "156"),
        ("CZ", "203"),
        ("DE", "276"),
        ("DK", "208"),
        ("EE", "233"),
        ("ES", "724"),
        ("FI", "246"),
        ("FR", "250"),
        ("GB", "826"),
        ("GR", "300"),
        ("HR", "191"),
        ("HU", "348"),
        ("IE", "372"),
        ("IL", "376"),
        ("IT", "380"),
        ("LT", "440"),
        ("LU", "442"),
        ("LV", "428"),
        ("MD", "498"),
        ("ME", "499"),
        ("MK", "807"),
        ("NE", "562"),
        ("NG", "566"),
        ("NL", "528"),
        ("NO", "578"),
        ("PL", "616"),
        ("PT", "620"),
        ("RO", "642"),
        ("RS", "688"),
        ("RU", "643"),
        ("SE", "752"),
        ("SI", "705"),
        ("SK", "703"),
        ("TR", "792"),
        ("UA", "804"),
        ("US", "840"),
        ("VN", "704"),
    ];
    CODES.iter().find(|(a, _)| *a == alpha2).map(|(_, n)| *n)
}

/// Labels placed so that none covers another: right of the point, else
/// left, above or below; a label that fits nowhere is left out (the
/// point's tooltip and the table still name the place).
#[derive(Default)]
struct Labels {
    taken: Vec<(f64, f64, f64, f64)>,
}

impl Labels {
    fn place(&mut self, x: f64, y: f64, text: &str) -> Option<(f64, f64, &'static str)> {
        // Fira Sans at 13 units: about 7 units a letter.
        let w = text.chars().count() as f64 * 7.0;
        let h = 14.0;
        let tries = [
            (x + 10.0, y + 4.0, "start", x + 10.0),
            (x - 10.0, y + 4.0, "end", x - 10.0 - w),
            (x, y - 11.0, "middle", x - w / 2.0),
            (x, y + 20.0, "middle", x - w / 2.0),
        ];
        for (lx, ly, anchor, left) in tries {
            let bx = (left, ly - h + 3.0, left + w, ly + 3.0);
            let inside = bx.0 >= 0.0 && bx.2 <= WIDTH && bx.1 >= 0.0;
            let free = self
                .taken
                .iter()
                .all(|t| bx.2 < t.0 || bx.0 > t.2 || bx.3 < t.1 || bx.1 > t.3);
            if inside && free {
                self.taken.push(bx);
                return Some((lx, ly, anchor));
            }
        }
        None
    }
}

/// Whether a place is too far from `home` to share its map: a twinning in
/// Vietnam would shrink Europe to a corner. Such places stay in the table.
pub fn far(home: &Place, place: &Place) -> bool {
    let (a, b) = (home.lat.to_radians(), place.lat.to_radians());
    let dlon = (place.lon - home.lon).to_radians();
    // Great-circle distance on a sphere of 6371 km.
    let km = 6371.0
        * (a.sin() * b.sin() + a.cos() * b.cos() * dlon.cos())
            .clamp(-1.0, 1.0)
            .acos();
    km > 3000.0
}

/// The opening of the drawing: its title, the sea and the countries.
fn outlines(title: &str, view: &View) -> String {
    let mut svg = String::with_capacity(64 * 1024);
    let _ = write!(
        svg,
        r#"<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h:.0}" role="group" aria-labelledby="map-title" data-view="{west:.4} {east:.4} {south:.4} {north:.4}"><title id="map-title">{title}</title><rect class="map-sea" width="{w}" height="{h:.0}"/>"#,
        w = WIDTH,
        h = view.height,
        west = view.west,
        east = view.east,
        south = view.south,
        north = view.north,
        title = escape(title),
    );
    // Drop points closer than half a unit to the last one drawn: the
    // outlines stay as sharp as the screen shows them, and small.
    let min_step = 0.5;
    for country in COUNTRIES.iter() {
        let mut d = String::new();
        for ring in &country.rings {
            if !view.touches(ring) {
                continue;
            }
            let mut last: Option<(f64, f64)> = None;
            for (i, &(lon, lat)) in ring.iter().enumerate() {
                let (x, y) = view.project(lat, lon);
                let keep = i + 1 == ring.len()
                    || last.is_none_or(|(lx, ly)| (x - lx).abs() + (y - ly).abs() >= min_step);
                if !keep {
                    continue;
                }
                let _ = write!(d, "{}{x:.1} {y:.1}", if last.is_none() { "M" } else { "L" });
                last = Some((x, y));
            }
            d.push('Z');
        }
        if d.is_empty() {
            continue;
        }
        match &country.id {
            Some(id) => {
                let _ = write!(svg, r#"<path class="map-land" data-id="{id}" d="{d}"/>"#);
            }
            None => {
                let _ = write!(svg, r#"<path class="map-land" d="{d}"/>"#);
            }
        }
    }
    svg
}

/// The map as an `<svg>` element: `title` names it for screen readers
/// (who also get the page's table of the same places); `lines` join places
/// by their index in `places`. None without places.
pub fn render(title: &str, places: &[Place], lines: &[(usize, usize)]) -> Option<String> {
    let view = View::around(places)?;
    let mut svg = outlines(title, &view);
    for &(a, b) in lines {
        let (Some(a), Some(b)) = (places.get(a), places.get(b)) else {
            continue;
        };
        line(
            &mut svg,
            "map-line",
            view.project(a.lat, a.lon),
            view.project(b.lat, b.lon),
            1,
        );
    }
    // Home places first, the district's partners last: they lie on top of
    // the lines' ends and of a town that shares their seat.
    let mut labels = Labels::default();
    let mut order: Vec<&Place> = places.iter().collect();
    order.sort_by_key(|p| p.role.layer());
    for p in order {
        point(&mut svg, &view, p, &mut labels);
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// A line between two points of the drawing; one standing for several
/// partnerships is drawn wider.
fn line(svg: &mut String, class: &str, (x1, y1): (f64, f64), (x2, y2): (f64, f64), count: usize) {
    let _ = write!(
        svg,
        r#"<line class="{class}" x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}""#
    );
    if count > 1 {
        let width = 0.8 + (count as f64).log2() * 0.5;
        let _ = write!(svg, r#" stroke-width="{width:.1}""#);
    }
    svg.push_str("/>");
}

fn point(svg: &mut String, view: &View, p: &Place, labels: &mut Labels) {
    let (x, y) = view.project(p.lat, p.lon);
    let r = match p.role {
        Role::Twin => 4.5,
        _ => 6.5,
    };
    let country = numeric(&p.country).unwrap_or("");
    let point = format!(
        r#"<circle class="map-point {class}" cx="{x:.1}" cy="{y:.1}" r="{r}" data-lat="{lat}" data-lon="{lon}" data-country="{country}"><title>{name}</title></circle>"#,
        class = p.role.class(),
        lat = p.lat,
        lon = p.lon,
        name = escape(&p.name),
    );
    let label = if p.labelled {
        labels.place(x, y, &p.name).map_or(String::new(), |(lx, ly, anchor)| {
            format!(
                r#"<text class="map-label" x="{lx:.1}" y="{ly:.1}" text-anchor="{anchor}">{}</text>"#,
                escape(&p.name)
            )
        })
    } else {
        String::new()
    };
    match &p.url {
        Some(url) => {
            let _ = write!(
                svg,
                r#"<a href="{}" aria-label="{}">{point}{label}</a>"#,
                escape(url),
                escape(&p.name)
            );
        }
        None => svg.push_str(&format!("{point}{label}")),
    }
}

/// How close points may come before they are drawn as one cluster, in
/// SVG units: about two points' width on a page.
pub const CROWD: f64 = 24.0;

/// The places inside `view` in groups of those that crowd, each group by
/// index into `places`: a group of one is drawn as its point, a larger one
/// as a cluster. A place joins the nearest group whose first place lies
/// within [`CROWD`], else starts one; the same data gives the same map.
pub fn cluster(view: &View, places: &[Place]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut seeds: Vec<(f64, f64)> = Vec::new();
    // Seeds by cell of side CROWD: only the nine cells around are asked.
    let mut cells: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    let cell = |x: f64, y: f64| ((x / CROWD).floor() as i64, (y / CROWD).floor() as i64);
    for (i, p) in places.iter().enumerate() {
        if !view.contains(p.lat, p.lon) {
            continue;
        }
        let (x, y) = view.project(p.lat, p.lon);
        let (cx, cy) = cell(x, y);
        let mut best: Option<(f64, usize)> = None;
        for dx in -1..=1 {
            for dy in -1..=1 {
                for &g in cells.get(&(cx + dx, cy + dy)).into_iter().flatten() {
                    let (sx, sy) = seeds[g];
                    let d = (sx - x).hypot(sy - y);
                    if d <= CROWD && best.is_none_or(|(bd, _)| d < bd) {
                        best = Some((d, g));
                    }
                }
            }
        }
        match best {
            Some((_, g)) => groups[g].push(i),
            None => {
                cells.entry((cx, cy)).or_default().push(groups.len());
                seeds.push((x, y));
                groups.push(vec![i]);
            }
        }
    }
    groups
}

/// A network of many places: `groups` from [`cluster`], `lines` joining
/// places by index (merged where they join the same two groups), and
/// `zoom` the address that shows a cluster's area closer (None where its
/// places lie too close to part).
pub fn render_network(
    title: &str,
    view: &View,
    places: &[Place],
    groups: &[Vec<usize>],
    lines: &[(usize, usize)],
    zoom: impl Fn(&[usize]) -> Option<String>,
) -> String {
    let mut svg = outlines(title, view);
    let mut group_of = vec![usize::MAX; places.len()];
    let mut centre = Vec::with_capacity(groups.len());
    for (g, members) in groups.iter().enumerate() {
        let (mut x, mut y) = (0.0, 0.0);
        for &i in members {
            group_of[i] = g;
            let (px, py) = view.project(places[i].lat, places[i].lon);
            x += px;
            y += py;
        }
        let n = members.len() as f64;
        centre.push((x / n, y / n));
    }
    let mut joined: std::collections::BTreeMap<(usize, usize), usize> = Default::default();
    let mut outward: std::collections::BTreeMap<(usize, usize), usize> = Default::default();
    for &(a, b) in lines {
        let (Some(&ga), Some(&gb)) = (group_of.get(a), group_of.get(b)) else {
            continue;
        };
        match (ga == usize::MAX, gb == usize::MAX) {
            (false, false) if ga != gb => *joined.entry((ga.min(gb), ga.max(gb))).or_default() += 1,
            // A partner outside the area: the line leaves the drawing
            // towards it.
            (false, true) => *outward.entry((ga, b)).or_default() += 1,
            (true, false) => *outward.entry((gb, a)).or_default() += 1,
            _ => {}
        }
    }
    for (&(a, b), &count) in &joined {
        line(&mut svg, "map-link", centre[a], centre[b], count);
    }
    for (&(g, far), &count) in &outward {
        let to = view.project(places[far].lat, places[far].lon);
        line(&mut svg, "map-link", centre[g], to, count);
    }
    let mut labels = Labels::default();
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| (groups[g].len() > 1, role_of(places, &groups[g]).layer()));
    for g in order {
        let members = &groups[g];
        if let [one] = members[..] {
            point(&mut svg, view, &places[one], &mut labels);
            continue;
        }
        let (x, y) = centre[g];
        let n = members.len();
        let r = 8.0 + (n as f64).log2() * 1.6;
        let names = cluster_name(places, members);
        let circle = format!(
            r#"<circle class="map-cluster {class}" cx="{x:.1}" cy="{y:.1}" r="{r:.1}"><title>{names}</title></circle><text class="map-count" x="{x:.1}" y="{ty:.1}" text-anchor="middle">{n}</text>"#,
            class = role_of(places, members).class(),
            ty = y + 4.0,
            names = escape(&names),
        );
        match zoom(members) {
            Some(url) => {
                let _ = write!(
                    svg,
                    r#"<a href="{}" aria-label="{}">{circle}</a>"#,
                    escape(&url),
                    escape(&format!("{names}: Ausschnitt vergrößern"))
                );
            }
            None => svg.push_str(&circle),
        }
    }
    svg.push_str("</svg>");
    svg
}

/// "12 Orte: Goslar, Halberstadt, Wernigerode und 9 weitere".
pub fn cluster_name(places: &[Place], members: &[usize]) -> String {
    // The district's own places first, then by name.
    let mut named: Vec<&Place> = members.iter().map(|&i| &places[i]).collect();
    named.sort_by(|a, b| (a.role != Role::Home, &a.name).cmp(&(b.role != Role::Home, &b.name)));
    let shown: Vec<&str> = named.iter().take(3).map(|p| p.name.as_str()).collect();
    let rest = members.len().saturating_sub(shown.len());
    let list = if rest == 1 {
        format!("{} und ein weiterer", shown.join(", "))
    } else if rest > 1 {
        format!("{} und {rest} weitere", shown.join(", "))
    } else {
        shown.join(", ")
    };
    format!("{} Orte: {list}", members.len())
}

/// The most prominent role among places: a cluster holding the district
/// shows it.
fn role_of(places: &[Place], members: &[usize]) -> Role {
    members
        .iter()
        .map(|&i| places[i].role)
        .min_by_key(|r| r.layer_rank())
        .unwrap_or(Role::Twin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(name: &str, lat: f64, lon: f64, country: &str, role: Role) -> Place {
        Place {
            name: name.into(),
            lat,
            lon,
            country: country.into(),
            role,
            url: Some(format!("/x/{name}")),
            labelled: role == Role::Partner,
        }
    }

    #[test]
    fn the_view_holds_every_place_with_a_margin() {
        let places = [
            place("Goslar", 51.9, 10.43, "DE", Role::Home),
            place("Trebnitz", 51.31, 17.06, "PL", Role::Partner),
        ];
        let v = View::around(&places).unwrap();
        for p in &places {
            let (x, y) = v.project(p.lat, p.lon);
            assert!(x > 20.0 && x < WIDTH - 20.0, "{x}");
            assert!(y > 20.0 && y < v.height - 20.0, "{y}");
        }
        // Two places at one latitude still get a map some degrees high.
        assert!(v.north - v.south >= 4.0);
        assert!(v.height <= WIDTH * 0.81 && v.height >= WIDTH * 0.49);
    }

    #[test]
    fn north_is_up_and_east_is_right() {
        let places = [
            place("Stade", 53.6, 9.48, "DE", Role::Home),
            place("Belfort", 47.64, 6.86, "FR", Role::Partner),
        ];
        let v = View::around(&places).unwrap();
        let (sx, sy) = v.project(53.6, 9.48);
        let (bx, by) = v.project(47.64, 6.86);
        assert!(sy < by && bx < sx);
    }

    #[test]
    fn the_svg_draws_outlines_points_lines_and_escapes_names() {
        let places = [
            place("Landkreis Harz", 51.8, 11.0, "DE", Role::Home),
            place("Kreis <Iași>", 47.25, 27.35, "RO", Role::Partner),
        ];
        let svg = render("Partner & Freunde", &places, &[(0, 1)]).unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"data-id="276""#), "Germany is drawn");
        assert!(svg.contains(r#"data-id="642""#), "Romania is drawn");
        assert!(!svg.contains(r#"data-id="036""#), "Australia is not");
        assert!(svg.contains("<line class=\"map-line\""));
        assert!(svg.contains("Kreis &lt;Iași&gt;"));
        assert!(svg.contains("Partner &amp; Freunde"));
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(render("leer", &[], &[]).is_none());
    }

    #[test]
    fn crowded_places_become_one_cluster_with_merged_lines() {
        let places = [
            place("Goslar", 51.9, 10.43, "DE", Role::Home),
            place("Bad Harzburg", 51.88, 10.56, "DE", Role::Twin),
            place("Vienenburg", 51.95, 10.57, "DE", Role::Twin),
            place("Trebnitz", 51.31, 17.06, "PL", Role::Partner),
            place("Tokio", 35.68, 139.69, "JP", Role::Twin),
        ];
        let view = View::fit(5.0, 20.0, 48.0, 55.0, 1.0);
        let groups = cluster(&view, &places);
        // Tokio lies outside; the three Harz towns share a cell.
        assert_eq!(groups, vec![vec![0, 1, 2], vec![3]]);
        assert_eq!(
            cluster_name(&places, &groups[0]),
            "3 Orte: Goslar, Bad Harzburg, Vienenburg"
        );
        let svg = render_network(
            "Netz",
            &view,
            &places,
            &groups,
            &[(0, 3), (1, 3), (2, 4)],
            |m| Some(format!("/netzwerk?n={}&x=1", m.len())),
        );
        // Two partnerships between the same two marks: one wider line; the
        // one to Tokio leaves the drawing towards it.
        assert_eq!(svg.matches("<line").count(), 2);
        assert!(svg.contains(r#"stroke-width="1.3""#), "{svg}");
        assert_eq!(svg.matches("map-cluster").count(), 1);
        assert!(svg.contains(r#"<a href="/netzwerk?n=3&amp;x=1" aria-label="3 Orte: Goslar, Bad Harzburg, Vienenburg: Ausschnitt vergrößern">"#));
        assert!(svg.contains(">3</text>"));
        assert_eq!(svg.matches("<circle").count(), 2);
    }

    #[test]
    fn a_closer_view_parts_a_cluster() {
        let places = [
            place("Goslar", 51.9, 10.43, "DE", Role::Home),
            place("Bad Harzburg", 51.88, 10.56, "DE", Role::Twin),
        ];
        let wide = View::fit(5.0, 20.0, 48.0, 55.0, 1.0);
        assert_eq!(cluster(&wide, &places).len(), 1);
        let close = View::fit(10.43, 10.56, 51.88, 51.9, 0.2);
        assert_eq!(cluster(&close, &places).len(), 2);
    }
}
