//! Countries: the ISO 3166 code of a country named in an imported list
//! ("Czech Republic", "Tschechien", "Scotland, United Kingdom" …), and
//! its German name for the pages.

use crate::region::CountryCode;

/// Code, German name, main language (ISO 639-1, for the names of places
/// an import creates), other names in lower case without accents.
type Entry = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

#[rustfmt::skip]
const COUNTRIES: &[Entry] = &[
    ("AD", "Andorra", "ca", &["andorra"]),
    ("AE", "Vereinigte Arabische Emirate", "ar", &["united arab emirates", "uae"]),
    ("AF", "Afghanistan", "ps", &["afghanistan"]),
    ("AG", "Antigua und Barbuda", "en", &["antigua and barbuda"]),
    ("AL", "Albanien", "sq", &["albania"]),
    ("AM", "Armenien", "hy", &["armenia"]),
    ("AO", "Angola", "pt", &["angola"]),
    ("AR", "Argentinien", "es", &["argentina"]),
    ("AT", "Österreich", "de", &["austria"]),
    ("AU", "Australien", "en", &["australia"]),
    ("AX", "Åland", "sv", &["aland islands", "aland"]),
    ("AZ", "Aserbaidschan", "az", &["azerbaijan"]),
    ("BA", "Bosnien und Herzegowina", "bs", &["bosnia and herzegovina", "bosnia and hercegovina", "bosnia"]),
    ("BB", "Barbados", "en", &["barbados"]),
    ("BD", "Bangladesch", "bn", &["bangladesh"]),
    ("BE", "Belgien", "nl", &["belgium"]),
    ("BF", "Burkina Faso", "fr", &["burkina faso"]),
    ("BG", "Bulgarien", "bg", &["bulgaria"]),
    ("BH", "Bahrain", "ar", &["bahrain"]),
    ("BI", "Burundi", "fr", &["burundi"]),
    ("BJ", "Benin", "fr", &["benin"]),
    ("BM", "Bermuda", "en", &["bermuda"]),
    ("BN", "Brunei", "ms", &["brunei", "brunei darussalam"]),
    ("BO", "Bolivien", "es", &["bolivia"]),
    ("BR", "Brasilien", "pt", &["brazil"]),
    ("BS", "Bahamas", "en", &["bahamas", "the bahamas"]),
    ("BW", "Botswana", "en", &["botswana"]),
    ("BY", "Belarus", "be", &["belarus", "weissrussland"]),
    ("BZ", "Belize", "en", &["belize"]),
    ("CA", "Kanada", "en", &["canada"]),
    ("CD", "Demokratische Republik Kongo", "fr", &["democratic republic of the congo", "dr congo", "kongo (demokratische republik)"]),
    ("CF", "Zentralafrikanische Republik", "fr", &["central african republic"]),
    ("CG", "Republik Kongo", "fr", &["congo", "republic of the congo", "kongo"]),
    ("CH", "Schweiz", "de", &["switzerland"]),
    ("CI", "Elfenbeinküste", "fr", &["ivory coast", "cote d'ivoire", "cote divoire"]),
    ("CK", "Cookinseln", "en", &["cook islands"]),
    ("CL", "Chile", "es", &["chile"]),
    ("CM", "Kamerun", "fr", &["cameroon"]),
    ("CN", "China", "zh", &["china", "people's republic of china", "volksrepublik china"]),
    ("CO", "Kolumbien", "es", &["colombia"]),
    ("CR", "Costa Rica", "es", &["costa rica"]),
    ("CU", "Kuba", "es", &["cuba"]),
    ("CV", "Kap Verde", "pt", &["cape verde", "cabo verde"]),
    ("CY", "Zypern", "el", &["cyprus", "northern cyprus", "nordzypern"]),
    ("CZ", "Tschechien", "cs", &["czech republic", "czechia", "tschechische republik"]),
    ("DE", "Deutschland", "de", &["germany", "bundesrepublik deutschland"]),
    ("DJ", "Dschibuti", "fr", &["djibouti"]),
    ("DK", "Dänemark", "da", &["denmark"]),
    ("DM", "Dominica", "en", &["dominica"]),
    ("DO", "Dominikanische Republik", "es", &["dominican republic"]),
    ("DZ", "Algerien", "ar", &["algeria"]),
    ("EC", "Ecuador", "es", &["ecuador"]),
    ("EE", "Estland", "et", &["estonia"]),
    ("EG", "Ägypten", "ar", &["egypt"]),
    ("EH", "Westsahara", "ar", &["western sahara"]),
    ("ER", "Eritrea", "ti", &["eritrea"]),
    ("ES", "Spanien", "es", &["spain"]),
    ("ET", "Äthiopien", "am", &["ethiopia"]),
    ("FI", "Finnland", "fi", &["finland"]),
    ("FJ", "Fidschi", "en", &["fiji"]),
    ("FK", "Falklandinseln", "en", &["falkland islands"]),
    ("FM", "Mikronesien", "en", &["federated states of micronesia", "micronesia"]),
    ("FO", "Färöer", "fo", &["faroe islands", "faroer"]),
    ("FR", "Frankreich", "fr", &["france"]),
    ("GA", "Gabun", "fr", &["gabon"]),
    ("GB", "Vereinigtes Königreich", "en", &["united kingdom", "uk", "great britain", "england", "scotland", "wales", "northern ireland", "grossbritannien", "england, united kingdom"]),
    ("GD", "Grenada", "en", &["grenada"]),
    ("GE", "Georgien", "ka", &["georgia", "georgia (country)"]),
    ("GH", "Ghana", "en", &["ghana"]),
    ("GI", "Gibraltar", "en", &["gibraltar"]),
    ("GL", "Grönland", "kl", &["greenland"]),
    ("GM", "Gambia", "en", &["gambia", "the gambia"]),
    ("GN", "Guinea", "fr", &["guinea"]),
    ("GQ", "Äquatorialguinea", "es", &["equatorial guinea"]),
    ("GR", "Griechenland", "el", &["greece"]),
    ("GT", "Guatemala", "es", &["guatemala"]),
    ("GU", "Guam", "en", &["guam"]),
    ("GW", "Guinea-Bissau", "pt", &["guinea-bissau"]),
    ("GY", "Guyana", "en", &["guyana"]),
    ("HN", "Honduras", "es", &["honduras"]),
    ("HR", "Kroatien", "hr", &["croatia"]),
    ("HT", "Haiti", "fr", &["haiti"]),
    ("HU", "Ungarn", "hu", &["hungary"]),
    ("ID", "Indonesien", "id", &["indonesia"]),
    ("IE", "Irland", "ga", &["ireland", "republic of ireland"]),
    ("IL", "Israel", "he", &["israel"]),
    ("IM", "Isle of Man", "en", &["isle of man"]),
    ("IN", "Indien", "hi", &["india"]),
    ("IQ", "Irak", "ar", &["iraq"]),
    ("IR", "Iran", "fa", &["iran"]),
    ("IS", "Island", "is", &["iceland"]),
    ("IT", "Italien", "it", &["italy"]),
    ("JE", "Jersey", "en", &["jersey"]),
    ("JM", "Jamaika", "en", &["jamaica"]),
    ("JO", "Jordanien", "ar", &["jordan"]),
    ("JP", "Japan", "ja", &["japan"]),
    ("KE", "Kenia", "sw", &["kenya"]),
    ("KG", "Kirgisistan", "ky", &["kyrgyzstan"]),
    ("KH", "Kambodscha", "km", &["cambodia"]),
    ("KN", "St. Kitts und Nevis", "en", &["saint kitts and nevis"]),
    ("KP", "Nordkorea", "ko", &["north korea"]),
    ("KR", "Südkorea", "ko", &["south korea", "korea"]),
    ("KW", "Kuwait", "ar", &["kuwait"]),
    ("KZ", "Kasachstan", "kk", &["kazakhstan"]),
    ("LA", "Laos", "lo", &["laos"]),
    ("LB", "Libanon", "ar", &["lebanon"]),
    ("LC", "St. Lucia", "en", &["saint lucia"]),
    ("LI", "Liechtenstein", "de", &["liechtenstein"]),
    ("LK", "Sri Lanka", "si", &["sri lanka"]),
    ("LR", "Liberia", "en", &["liberia"]),
    ("LS", "Lesotho", "en", &["lesotho"]),
    ("LT", "Litauen", "lt", &["lithuania"]),
    ("LU", "Luxemburg", "lb", &["luxembourg"]),
    ("LV", "Lettland", "lv", &["latvia"]),
    ("LY", "Libyen", "ar", &["libya"]),
    ("MA", "Marokko", "ar", &["morocco"]),
    ("MC", "Monaco", "fr", &["monaco"]),
    ("MD", "Moldau", "ro", &["moldova", "moldavia", "republik moldau"]),
    ("ME", "Montenegro", "sr", &["montenegro"]),
    ("MG", "Madagaskar", "mg", &["madagascar"]),
    ("MH", "Marshallinseln", "en", &["marshall islands"]),
    ("MK", "Nordmazedonien", "mk", &["north macedonia", "macedonia"]),
    ("ML", "Mali", "fr", &["mali"]),
    ("MM", "Myanmar", "my", &["myanmar", "burma"]),
    ("MN", "Mongolei", "mn", &["mongolia"]),
    ("MP", "Nördliche Marianen", "en", &["northern mariana islands"]),
    ("MR", "Mauretanien", "ar", &["mauritania"]),
    ("MT", "Malta", "mt", &["malta"]),
    ("MU", "Mauritius", "en", &["mauritius"]),
    ("MV", "Malediven", "dv", &["maldives"]),
    ("MW", "Malawi", "en", &["malawi"]),
    ("MX", "Mexiko", "es", &["mexico"]),
    ("MY", "Malaysia", "ms", &["malaysia"]),
    ("MZ", "Mosambik", "pt", &["mozambique"]),
    ("NA", "Namibia", "en", &["namibia"]),
    ("NC", "Neukaledonien", "fr", &["new caledonia"]),
    ("NE", "Niger", "fr", &["niger"]),
    ("NG", "Nigeria", "en", &["nigeria"]),
    ("NI", "Nicaragua", "es", &["nicaragua"]),
    ("NL", "Niederlande", "nl", &["netherlands", "the netherlands", "holland"]),
    ("NO", "Norwegen", "no", &["norway"]),
    ("NP", "Nepal", "ne", &["nepal"]),
    ("NZ", "Neuseeland", "en", &["new zealand"]),
    ("OM", "Oman", "ar", &["oman"]),
    ("PA", "Panama", "es", &["panama"]),
    ("PE", "Peru", "es", &["peru"]),
    ("PF", "Französisch-Polynesien", "fr", &["french polynesia"]),
    ("PG", "Papua-Neuguinea", "en", &["papua new guinea"]),
    ("PH", "Philippinen", "en", &["philippines"]),
    ("PK", "Pakistan", "ur", &["pakistan"]),
    ("PL", "Polen", "pl", &["poland"]),
    ("PR", "Puerto Rico", "es", &["puerto rico"]),
    ("PS", "Palästina", "ar", &["palestine", "west bank", "palestinian territories"]),
    ("PT", "Portugal", "pt", &["portugal"]),
    ("PW", "Palau", "en", &["palau"]),
    ("PY", "Paraguay", "es", &["paraguay"]),
    ("QA", "Katar", "ar", &["qatar"]),
    ("RO", "Rumänien", "ro", &["romania"]),
    ("RS", "Serbien", "sr", &["serbia"]),
    ("RU", "Russland", "ru", &["russia", "russian federation"]),
    ("RW", "Ruanda", "rw", &["rwanda"]),
    ("SA", "Saudi-Arabien", "ar", &["saudi arabia"]),
    ("SB", "Salomonen", "en", &["solomon islands"]),
    ("SC", "Seychellen", "en", &["seychelles"]),
    ("SD", "Sudan", "ar", &["sudan"]),
    ("SE", "Schweden", "sv", &["sweden"]),
    ("SG", "Singapur", "en", &["singapore"]),
    ("SI", "Slowenien", "sl", &["slovenia"]),
    ("SK", "Slowakei", "sk", &["slovakia", "slovak republic"]),
    ("SL", "Sierra Leone", "en", &["sierra leone"]),
    ("SM", "San Marino", "it", &["san marino"]),
    ("SN", "Senegal", "fr", &["senegal"]),
    ("SO", "Somalia", "so", &["somalia"]),
    ("SR", "Suriname", "nl", &["suriname", "surinam"]),
    ("ST", "São Tomé und Príncipe", "pt", &["sao tome and principe"]),
    ("SV", "El Salvador", "es", &["el salvador"]),
    ("SY", "Syrien", "ar", &["syria"]),
    ("SZ", "Eswatini", "en", &["eswatini", "swaziland"]),
    ("TD", "Tschad", "fr", &["chad"]),
    ("TG", "Togo", "fr", &["togo"]),
    ("TH", "Thailand", "th", &["thailand"]),
    ("TJ", "Tadschikistan", "tg", &["tajikistan"]),
    ("TL", "Osttimor", "pt", &["east timor", "timor-leste"]),
    ("TM", "Turkmenistan", "tk", &["turkmenistan"]),
    ("TN", "Tunesien", "ar", &["tunisia"]),
    ("TO", "Tonga", "en", &["tonga"]),
    ("TR", "Türkei", "tr", &["turkey", "turkiye"]),
    ("TT", "Trinidad und Tobago", "en", &["trinidad and tobago"]),
    ("TW", "Taiwan", "zh", &["taiwan"]),
    ("TZ", "Tansania", "sw", &["tanzania"]),
    ("UA", "Ukraine", "uk", &["ukraine"]),
    ("UG", "Uganda", "en", &["uganda"]),
    ("US", "Vereinigte Staaten", "en", &["united states", "united states of america", "usa", "vereinigte staaten von amerika"]),
    ("UY", "Uruguay", "es", &["uruguay"]),
    ("UZ", "Usbekistan", "uz", &["uzbekistan"]),
    ("VA", "Vatikanstadt", "it", &["vatican city", "holy see"]),
    ("VC", "St. Vincent und die Grenadinen", "en", &["saint vincent and the grenadines"]),
    ("VE", "Venezuela", "es", &["venezuela"]),
    ("VN", "Vietnam", "vi", &["vietnam", "viet nam"]),
    ("VU", "Vanuatu", "bi", &["vanuatu"]),
    ("WS", "Samoa", "sm", &["samoa"]),
    ("XK", "Kosovo", "sq", &["kosovo"]),
    ("YE", "Jemen", "ar", &["yemen"]),
    ("YT", "Mayotte", "fr", &["mayotte"]),
    ("ZA", "Südafrika", "en", &["south africa"]),
    ("ZM", "Sambia", "en", &["zambia"]),
    ("ZW", "Simbabwe", "en", &["zimbabwe"]),
];

fn entry(code: &str) -> Option<&'static Entry> {
    COUNTRIES
        .binary_search_by(|e| e.0.cmp(code))
        .ok()
        .map(|i| &COUNTRIES[i])
}

/// The German name of a country ("Tschechien"), if the table knows it.
pub fn german_name(code: &str) -> Option<&'static str> {
    entry(code).map(|e| e.1)
}

/// The language names of places in the country are most likely written
/// in; English where the table does not know the country.
pub fn main_language(code: &CountryCode) -> &'static str {
    entry(code.as_str()).map_or("en", |e| e.2)
}

fn key(name: &str) -> String {
    let folded = deunicode::deunicode(name.trim()).to_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The country a list names: an ISO code as it is ("PL"), a German or
/// English name ("Polen", "Poland", "Czechia"), a part of the United
/// Kingdom ("Scotland"), or a place and its country ("Algarve, Portugal":
/// the country counts). Unknown names give `None`; nothing is guessed.
pub fn from_name(name: &str) -> Option<CountryCode> {
    let name = name.trim();
    if let Ok(code) = CountryCode::parse(name) {
        return entry(code.as_str()).map(|_| code);
    }
    let whole = key(name);
    let last = whole.rsplit(", ").next().unwrap_or(&whole);
    let code = [whole.as_str(), last]
        .into_iter()
        .map(|c| c.strip_prefix("in ").unwrap_or(c))
        .find_map(|c| BY_NAME.get(c))?;
    Some(CountryCode::parse(code).expect("the table holds valid codes"))
}

/// Every name of the table as a key, built at first use.
static BY_NAME: std::sync::LazyLock<std::collections::HashMap<String, &'static str>> =
    std::sync::LazyLock::new(|| {
        let mut map = std::collections::HashMap::new();
        for (code, german, _, names) in COUNTRIES {
            map.insert(key(german), *code);
            for n in *names {
                map.insert((*n).to_owned(), *code);
            }
        }
        map
    });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_every_name_is_a_key() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        for (code, _, _, names) in COUNTRIES {
            for n in *names {
                assert_eq!(key(n), *n, "{code}: {n} is not a key");
            }
        }
    }

    #[test]
    fn names_in_either_language_and_their_variants_give_the_code() {
        for (name, code) in [
            ("Czech Republic", "CZ"),
            ("Czechia", "CZ"),
            ("Tschechien", "CZ"),
            ("Germany", "DE"),
            ("Österreich", "AT"),
            ("England", "GB"),
            ("Scotland, United Kingdom", "GB"),
            ("Georgia (country)", "GE"),
            ("Algarve, Portugal", "PT"),
            ("Brandenburg, Germany", "DE"),
            ("Réunion, France", "FR"),
            ("in Italy", "IT"),
            ("Republic of Ireland", "IE"),
            ("Island", "IS"),
            ("São Tomé and Príncipe", "ST"),
            ("  poland ", "PL"),
            ("PL", "PL"),
        ] {
            assert_eq!(
                from_name(name).map(|c| c.to_string()).as_deref(),
                Some(code),
                "{name}"
            );
        }
    }

    #[test]
    fn unknown_names_and_codes_are_not_guessed() {
        for name in ["", "Japa", "Grece", "Atlantis", "QQ"] {
            assert_eq!(from_name(name), None, "{name}");
        }
    }

    #[test]
    fn german_names_for_the_pages() {
        assert_eq!(german_name("RO"), Some("Rumänien"));
        assert_eq!(german_name("GB"), Some("Vereinigtes Königreich"));
        assert_eq!(german_name("ZZ"), None);
    }
}
