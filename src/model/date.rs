//! Dates as front matter writes them and pages show them.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Deserializer};

use crate::model::words::Words;

/// A point in time as written in front matter: a TOML date or datetime, or a string holding
/// RFC 3339 or `YYYY-MM-DD`. Times without an offset are taken as UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub DateTime<FixedOffset>);

impl Date {
    /// Parses the text forms a date may take.
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
            return Some(Date(dt));
        }
        let utc = FixedOffset::east_opt(0)?;
        for format in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
                return Some(Date(naive.and_local_timezone(utc).single()?));
            }
        }
        let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
        Some(Date(
            day.and_hms_opt(0, 0, 0)?.and_local_timezone(utc).single()?,
        ))
    }

    /// RFC 3339, for `datetime` attributes and machine readers.
    pub fn iso(&self) -> String {
        self.0.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    /// The date as a reader sees it, in `words`: "14 October 2026".
    pub fn human(&self, words: &Words) -> String {
        use chrono::Datelike;
        words.date(self.0.day(), self.0.month(), self.0.year())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = match toml::Value::deserialize(deserializer)? {
            toml::Value::Datetime(dt) => dt.to_string(),
            toml::Value::String(s) => s,
            other => {
                return Err(serde::de::Error::custom(format!(
                    "expected a date such as 2026-11-28 or 2026-11-28T09:30:00Z, found a {}",
                    other.type_str()
                )));
            }
        };
        Date::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a date: write 2026-11-28, or 2026-11-28T09:30:00Z with a time"
            ))
        })
    }
}
