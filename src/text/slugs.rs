//! Slugs: the names in URLs. Tag and category slugs are made from names; article, page, author
//! and comment names come from files and front matter and are checked, because they become
//! folders in the output.

/// The slug of a tag or category name: lower-case ASCII words joined by hyphens
/// ("Defence spending" → `defence-spending`, "Grüße" → `grusse`, "Київ" → `kyiv`).
///
/// ```
/// assert_eq!(sitrep::text::slugs::taxon_slug("Defence spending"), "defence-spending");
/// assert_eq!(sitrep::text::slugs::taxon_slug("Харків"), "kharkiv");
/// ```
pub fn taxon_slug(name: &str) -> String {
    slug::slugify(transliterate_cyrillic(name))
}

/// Ukrainian and Russian words in Latin letters as their own national standards write them
/// (Ukraine's 2010 table, Russia's passport table), which is how English-language defence news
/// spells them: "Київ" → "Kyiv", "Запоріжжя" → "Zaporizhzhia", "Москва" → "Moskva". A generic
/// transliteration (what `slug` does for every other script) gives "Kiyiv". A word with і, ї, є
/// or ґ makes the whole name Ukrainian ("Збройні сили"); any other is read as Russian, which
/// differs in и, г, е and the letters at a word's start.
pub fn transliterate_cyrillic(text: &str) -> String {
    let ukrainian = text.chars().any(|c| "іїєґІЇЄҐ".contains(c));
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let before = |back: usize| i.checked_sub(back).map(|at| chars[at]);
        let next = chars.get(i + 1).copied();
        // The apostrophe inside a Ukrainian word (м'ята) is dropped and does not start a word.
        if is_apostrophe(c) && before(1).is_some_and(is_cyrillic) && next.is_some_and(is_cyrillic) {
            continue;
        }
        let start = match before(1) {
            Some(p) if is_apostrophe(p) => !before(2).is_some_and(is_cyrillic),
            Some(p) => !is_cyrillic(p),
            None => true,
        };
        let lower = c.to_lowercase().next().unwrap_or(c);
        let latin = if ukrainian {
            ukrainian_letter(lower, start, next)
        } else {
            russian_letter(lower)
        };
        match latin {
            Some(latin) if c.is_uppercase() => {
                let mut letters = latin.chars();
                out.extend(letters.next().map(|f| f.to_ascii_uppercase()));
                out.push_str(letters.as_str());
            }
            Some(latin) => out.push_str(latin),
            None => out.push(c),
        }
    }
    out
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

/// One Ukrainian letter (lower case) in Latin, given whether it starts the word and what follows.
fn ukrainian_letter(c: char, start: bool, next: Option<char>) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "h",
        'ґ' => "g",
        'д' => "d",
        'е' => "e",
        'є' if start => "ye",
        'є' => "ie",
        'ж' => "zh",
        // "зг" is "zgh", so that it is not read as "zh".
        'з' if matches!(next, Some('г' | 'Г')) => "zg",
        'з' => "z",
        'и' => "y",
        'і' => "i",
        'ї' if start => "yi",
        'ї' => "i",
        'й' if start => "y",
        'й' => "i",
        'ю' if start => "yu",
        'ю' => "iu",
        'я' if start => "ya",
        'я' => "ia",
        'ь' => "",
        other => return common_letter(other),
    })
}

/// One Russian letter (lower case) in Latin.
fn russian_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'г' => "g",
        'и' | 'й' => "i",
        'е' | 'ё' | 'э' => "e",
        'ы' => "y",
        'ъ' => "ie",
        'ю' => "iu",
        'я' => "ia",
        'ь' => "",
        other => return common_letter(other),
    })
}

/// The letters both tables write the same way.
fn common_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'д' => "d",
        'ж' => "zh",
        'з' => "z",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        _ => return None,
    })
}

/// Why `name` cannot be a folder in the output, if it cannot. Letters, digits, `-`, `_` and `.`
/// are allowed, so no slug can climb out of the output folder or hide as a dot-file.
pub fn check(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("is empty".to_string());
    }
    if name.starts_with('.') {
        return Err("starts with `.`".to_string());
    }
    if name.len() > 200 {
        return Err("is longer than 200 bytes".to_string());
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(format!(
            "contains {bad:?}; use only letters, digits, `-`, `_` and `.`"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taxon_slugs_are_lower_ascii_with_hyphens() {
        assert_eq!(taxon_slug("Defence spending"), "defence-spending");
        assert_eq!(
            taxon_slug("  Air & Missile Defence "),
            "air-missile-defence"
        );
        assert_eq!(taxon_slug("Grüße aus Kiel"), "grusse-aus-kiel");
        assert_eq!(taxon_slug("F-35A"), "f-35a");
    }

    #[test]
    fn cyrillic_names_read_as_the_news_spells_them() {
        for (name, slug) in [
            ("Київ", "kyiv"),
            ("Харків", "kharkiv"),
            ("Запоріжжя", "zaporizhzhia"),
            ("Львів", "lviv"),
            ("Дніпро", "dnipro"),
            ("Одеса", "odesa"),
            ("Миколаїв", "mykolaiv"),
            ("Згурівка", "zghurivka"),
            ("Їжакевич", "yizhakevych"),
            ("Збройні сили України", "zbroini-syly-ukrainy"),
            ("Москва", "moskva"),
            ("Шойгу", "shoigu"),
            ("Вооружённые силы", "vooruzhennye-sily"),
            ("Су-34 and Ка-52", "su-34-and-ka-52"),
            ("м'ята", "miata"),
        ] {
            assert_eq!(taxon_slug(name), slug, "{name}");
        }
        // Only Cyrillic is touched, and capitals stay capitals for the page.
        assert_eq!(
            transliterate_cyrillic("Kyiv's/Київ, 2026: Пам'ять"),
            "Kyiv's/Kyiv, 2026: Pamiat"
        );
    }

    #[test]
    fn path_tricks_are_refused() {
        for bad in [
            "", "..", "../etc", "a/b", "a\\b", ".hidden", "x y", "a\0b", "%2e%2e",
        ] {
            assert!(check(bad).is_err(), "{bad:?} should be refused");
        }
        for good in ["frigate-deal", "type_26", "f35.update", "grüße"] {
            assert!(check(good).is_ok(), "{good:?} should be allowed");
        }
    }
}
