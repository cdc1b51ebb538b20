//! The words a site's pages are written in: the theme's own table for the site's language
//! (English and Ukrainian ship with sitrep), with the site's `[words]` from site.toml laid over
//! it. Templates word their pages with `t(key=..., n=...)`; the few texts made outside templates
//! (titles in metadata and feeds, dates) come from the same table. Plurals follow the language's
//! own rules (CLDR), so Ukrainian gets its three forms.

use std::collections::BTreeMap;

use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
use serde::{Deserialize, Serialize};
use unic_langid::LanguageIdentifier;

use crate::error::Diagnostic;

/// The theme's tables, by language.
const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("words/en.toml")),
    ("uk", include_str!("words/uk.toml")),
];

/// One entry of a table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Phrase {
    /// Words with `{name}` places to fill.
    Text(String),
    /// One phrase per plural category, for words that count.
    Forms(Forms),
    /// A list, such as the months.
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for Phrase {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Phrase, D::Error> {
        use serde::de::Error;
        // Read as TOML first, so a wrong shape gets a message that says what to write.
        match toml::Value::deserialize(deserializer)? {
            toml::Value::String(text) => Ok(Phrase::Text(text)),
            value @ toml::Value::Array(_) => value.try_into().map(Phrase::List).map_err(|_| {
                D::Error::custom("a list of words must hold only strings, such as the months")
            }),
            value @ toml::Value::Table(_) => {
                value.try_into().map(Phrase::Forms).map_err(|e: toml::de::Error| {
                    D::Error::custom(format!(
                        "{}: a counted word has forms named zero, one, two, few, many and other \
                         (other is required), such as {{ one = \"{{n}} comment\", other = \"{{n}} comments\" }}",
                        e.message().trim()
                    ))
                })
            }
            other => Err(D::Error::custom(format!(
                "a word is a string, a table of plural forms or a list, not a {}",
                other.type_str()
            ))),
        }
    }
}

/// A counted phrase's forms. `other` is required: every language has it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Forms {
    #[serde(skip_serializing_if = "Option::is_none")]
    zero: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    one: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    two: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    few: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    many: Option<String>,
    other: String,
}

/// The site's words.
#[derive(Clone)]
pub struct Words {
    table: BTreeMap<String, Phrase>,
    plurals: PluralRules,
}

impl std::fmt::Debug for Words {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Words")
            .field("language", self.plurals.get_locale())
            .finish_non_exhaustive()
    }
}

impl Words {
    /// The table for `language` (`uk`, `en-GB`...): the theme's own for its main tag, or English,
    /// with `site` over it. Also says, as warnings, what a language the theme lacks leaves in
    /// English.
    pub fn new(language: &str, site: &BTreeMap<String, Phrase>) -> (Words, Vec<Diagnostic>) {
        let main = language
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        // Parsed once per process: a build and serve's every rebuild make a table.
        static TABLES: std::sync::LazyLock<Vec<(&str, BTreeMap<String, Phrase>)>> =
            std::sync::LazyLock::new(|| {
                BUILT_IN
                    .iter()
                    .map(|(lang, text)| (*lang, parse(text)))
                    .collect()
            });
        let builtin = |lang: &str| {
            (TABLES.iter())
                .find(|(l, _)| *l == lang)
                .map(|(_, table)| table.clone())
        };
        let english = builtin("en").unwrap_or_default();
        let own = builtin(&main);
        let mut warnings = Vec::new();
        if own.is_none() {
            let missing: Vec<&str> = english
                .keys()
                .filter(|k| !site.contains_key(*k))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                warnings.push(Diagnostic::new(
                    "site.toml",
                    format!(
                        "language = {language:?}: the theme has no words in it, so {} of its \
                         words stay English ({}{}); give them under [words]",
                        missing.len(),
                        missing[..missing.len().min(5)].join(", "),
                        if missing.len() > 5 { ", ..." } else { "" }
                    ),
                ));
            }
        }
        let mut table = english;
        table.extend(own.unwrap_or_default());
        table.extend(site.iter().map(|(k, v)| (k.clone(), v.clone())));
        let plurals = main
            .parse::<LanguageIdentifier>()
            .ok()
            .and_then(|id| PluralRules::create(id, PluralRuleType::CARDINAL).ok())
            .unwrap_or_else(english_plurals);
        (Words { table, plurals }, warnings)
    }

    /// The phrase `key`, in the form for `n` if it counts, with `{name}` places filled from
    /// `args` (and `{n}` from `n`). `None` if the table has no such phrase.
    pub fn say(&self, key: &str, n: Option<i64>, args: &[(&str, &str)]) -> Option<String> {
        let text = self.pick(key, n)?;
        Some(fill(text, n, |name| {
            let found = args.iter().find(|(k, _)| *k == name);
            found.map(|(_, value)| value.to_string())
        }))
    }

    /// The phrase `key` in the form for `n`, its places not yet filled.
    pub fn pick(&self, key: &str, n: Option<i64>) -> Option<&str> {
        match self.table.get(key)? {
            Phrase::Text(text) => Some(text),
            Phrase::Forms(forms) => Some(self.form(forms, n.unwrap_or(0))),
            Phrase::List(_) => None,
        }
    }

    /// [`Words::say`] for a phrase the theme always has: the key itself if a site's table
    /// lost it, so a page still builds.
    pub fn phrase(&self, key: &str, n: Option<i64>, args: &[(&str, &str)]) -> String {
        self.say(key, n, args).unwrap_or_else(|| key.to_string())
    }

    /// The phrases `keys` as JSON, forms and all, for a script that words the page in the
    /// browser; `Err` names a key no table has.
    pub fn json(&self, keys: &[&str]) -> Result<String, String> {
        let mut chosen = BTreeMap::new();
        for &key in keys {
            let phrase = self.table.get(key).ok_or_else(|| key.to_string())?;
            chosen.insert(key, phrase);
        }
        Ok(serde_json::to_string(&chosen).expect("strings and maps of strings are JSON"))
    }

    /// A date as people read it: "28 November 2026", "28 листопада 2026".
    pub fn date(&self, day: u32, month: u32, year: i32) -> String {
        let name = match self.table.get("months") {
            Some(Phrase::List(months)) => months.get(month as usize - 1),
            _ => None,
        };
        // Every comment has a date: filled straight in, with no list of arguments made.
        fill(
            self.pick("date", None).unwrap_or("{day} {month} {year}"),
            None,
            |place| match place {
                "day" => Some(day.to_string()),
                "month" => Some(name.cloned().unwrap_or_else(|| month.to_string())),
                "year" => Some(year.to_string()),
                _ => None,
            },
        )
    }

    fn form<'a>(&self, forms: &'a Forms, n: i64) -> &'a String {
        if n == 0 && forms.zero.is_some() {
            return forms.zero.as_ref().unwrap_or(&forms.other);
        }
        let chosen = match self.plurals.select(n) {
            Ok(PluralCategory::ZERO) => &forms.zero,
            Ok(PluralCategory::ONE) => &forms.one,
            Ok(PluralCategory::TWO) => &forms.two,
            Ok(PluralCategory::FEW) => &forms.few,
            Ok(PluralCategory::MANY) => &forms.many,
            Ok(PluralCategory::OTHER) | Err(_) => &None,
        };
        chosen.as_ref().unwrap_or(&forms.other)
    }
}

impl Default for Words {
    fn default() -> Words {
        Words::new("en", &BTreeMap::new()).0
    }
}

/// `text` with each `{name}` replaced by `{n}`'s number or `arg(name)`, in one pass, so a value
/// that holds braces (a reader's name, say) is never read as a place; a place with no value
/// stays as written.
pub fn fill(text: &str, n: Option<i64>, arg: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            rest = &rest[open..];
            break;
        };
        let name = &after[..close];
        let value = match name {
            "n" => n.map(|n| n.to_string()),
            _ => arg(name),
        };
        match value {
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

fn english_plurals() -> PluralRules {
    let en: LanguageIdentifier = "en".parse().expect("en is a language tag");
    PluralRules::create(en, PluralRuleType::CARDINAL).expect("CLDR has English")
}

/// A built-in table; they are checked by the tests, so a broken one is sitrep's own bug.
fn parse(text: &str) -> BTreeMap<String, Phrase> {
    toml::from_str(text).expect("a built-in words table is valid TOML")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ukrainian_counts_in_three_forms() {
        let (uk, warnings) = Words::new("uk", &BTreeMap::new());
        assert!(warnings.is_empty());
        let say = |n| uk.phrase("comments", Some(n), &[]);
        assert_eq!(say(0), "Коментарів немає");
        assert_eq!(say(1), "1 коментар");
        assert_eq!(say(3), "3 коментарі");
        assert_eq!(say(5), "5 коментарів");
        assert_eq!(say(11), "11 коментарів");
        assert_eq!(say(21), "21 коментар");
        assert_eq!(say(24), "24 коментарі");
        assert_eq!(uk.date(28, 11, 2026), "28 листопада 2026");
    }

    #[test]
    fn english_and_a_sites_own_words() {
        let site: BTreeMap<String, Phrase> = toml::from_str("authors = \"Our writers\"\n").unwrap();
        let (en, _) = Words::new("en-GB", &site);
        assert_eq!(en.phrase("comments", Some(0), &[]), "No Comments");
        assert_eq!(en.phrase("comments", Some(1), &[]), "1 Comment");
        assert_eq!(en.phrase("comments", Some(12), &[]), "12 Comments");
        assert_eq!(en.phrase("authors", None, &[]), "Our writers");
        assert_eq!(
            en.phrase("articles_by", None, &[("name", "Ann")]),
            "Articles by Ann"
        );
        assert_eq!(en.date(1, 3, 2026), "1 March 2026");
    }

    #[test]
    fn places_are_filled_once_and_values_are_never_places() {
        let filled = fill("{name} said {n} {n}{other} {", Some(3), |name| {
            (name == "name").then(|| "{n} {name}".to_string())
        });
        assert_eq!(filled, "{n} {name} said 3 3{other} {");
    }

    #[test]
    fn a_language_the_theme_lacks_is_english_with_a_warning() {
        let (pl, warnings) = Words::new("pl", &BTreeMap::new());
        assert_eq!(pl.phrase("search", None, &[]), "Search");
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].to_string().contains("stay English"),
            "{}",
            warnings[0]
        );
        // Polish plural rules all the same: 5 is `many`, which English lacks, so `other`.
        assert_eq!(pl.phrase("comments", Some(5), &[]), "5 Comments");
    }

    /// Every built-in table has every English key, in the same kind.
    #[test]
    fn the_built_in_tables_are_complete() {
        let english = parse(BUILT_IN[0].1);
        for (lang, text) in BUILT_IN {
            let table = parse(text);
            for (key, phrase) in &english {
                let theirs = table
                    .get(key)
                    .unwrap_or_else(|| panic!("{lang} lacks {key}"));
                assert_eq!(
                    std::mem::discriminant(theirs),
                    std::mem::discriminant(phrase),
                    "{lang}: {key}"
                );
            }
        }
    }
}
