//! Validated values: parse, don't validate. Once a `Slug` or an `Email` exists it is
//! known to be well formed, so nothing downstream re-checks it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A display name or label: trimmed, inner runs of white space folded to one space,
/// not empty, no control characters, at most `MAX` characters.
fn clean_text(field: &'static str, raw: &str, max: usize) -> Result<String, DomainError> {
    if raw.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return Err(DomainError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    let cleaned = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        return Err(DomainError::invalid(field, "must not be empty"));
    }
    let length = cleaned.chars().count();
    if length > max {
        return Err(DomainError::invalid(
            field,
            format!("is {length} characters long; at most {max} are allowed"),
        ));
    }
    Ok(cleaned)
}

macro_rules! text_value {
    ($(#[$doc:meta])* $name:ident, $field:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, DomainError> {
                clean_text($field, raw, $max).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = DomainError;

            fn try_from(raw: String) -> Result<Self, Self::Error> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_value!(TrustName, "name", 200);
text_value!(SchoolName, "name", 200);
text_value!(
    /// A person's full name as they would sign it.
    PersonName,
    "full_name",
    200
);
text_value!(
    /// What an API token is for, e.g. "Nightly MIS export".
    TokenName,
    "name",
    100
);

/// A URL-safe identifier for a trust or school: lowercase letters, digits and single
/// hyphens, 2 to 63 characters, starting and ending with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let slug = raw.trim();
        let length = slug.chars().count();
        if !(2..=63).contains(&length) {
            return Err(DomainError::invalid(
                "slug",
                format!("'{slug}' is {length} characters long; a slug has 2 to 63"),
            ));
        }
        if let Some(bad) = slug
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(DomainError::invalid(
                "slug",
                format!("'{slug}' contains '{bad}'; use lowercase letters a-z, digits and hyphens"),
            ));
        }
        if slug.starts_with('-') || slug.ends_with('-') || slug.contains("--") {
            return Err(DomainError::invalid(
                "slug",
                format!("'{slug}' must not start or end with a hyphen or contain two in a row"),
            ));
        }
        Ok(Self(slug.to_owned()))
    }

    /// A slug made from a display name: "St Mary's C of E Primary" → "st-marys-c-of-e-primary".
    pub fn from_name(name: &str) -> Result<Self, DomainError> {
        let mut slug = String::with_capacity(name.len());
        for c in name.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if (c.is_whitespace() || c == '-' || c == '_' || c == '/' || c == '&')
                && !slug.ends_with('-')
                && !slug.is_empty()
            {
                slug.push('-');
            }
        }
        let trimmed: String = slug.trim_end_matches('-').chars().take(63).collect();
        Self::parse(trimmed.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = DomainError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Slug> for String {
    fn from(value: Slug) -> Self {
        value.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A school's Unique Reference Number from Get Information about Schools: six digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Urn(String);

impl Urn {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let urn = raw.trim();
        if urn.len() == 6 && urn.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(urn.to_owned()))
        } else {
            Err(DomainError::invalid(
                "urn",
                format!("'{urn}' is not a URN; a school's URN is six digits, e.g. 100000"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Urn {
    type Error = DomainError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Urn> for String {
    fn from(value: Urn) -> Self {
        value.0
    }
}

impl fmt::Display for Urn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address, trimmed and lowercased so one person has one spelling.
/// Deliberately permissive beyond the basic shape: the mail server is the judge.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let email = raw.trim().to_lowercase();
        let invalid = |why: &str| DomainError::invalid("email", format!("'{email}' {why}"));
        if email.len() > 254 {
            return Err(invalid("is longer than 254 characters"));
        }
        if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("contains white space"));
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err(invalid("has no '@'"));
        };
        if local.is_empty() || local.contains('@') {
            return Err(invalid("needs exactly one '@' with a name before it"));
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 || labels.iter().any(|label| label.is_empty()) {
            return Err(invalid(
                "needs a domain such as school.org.uk after the '@'",
            ));
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

impl TryFrom<String> for Email {
    type Error = DomainError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_folded() {
        let name = SchoolName::parse("  Wessex   Gardens\tPrimary School ").expect("valid");
        assert_eq!(name.as_str(), "Wessex Gardens Primary School");
    }

    #[test]
    fn names_refuse_empty_control_and_overlong_text() {
        assert_eq!(SchoolName::parse("   ").expect_err("empty").field(), "name");
        assert!(PersonName::parse("Ada\u{0}Lovelace").is_err());
        assert!(PersonName::parse(&"x".repeat(201)).is_err());
        assert!(PersonName::parse(&"x".repeat(200)).is_ok());
        assert_eq!(
            PersonName::parse("").expect_err("empty").field(),
            "full_name"
        );
    }

    #[test]
    fn slugs_follow_the_rules() {
        for good in ["ab", "wessex-gardens", "school-42", &"a".repeat(63)] {
            assert!(Slug::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "a",
            "Wessex",
            "has space",
            "-lead",
            "trail-",
            "dou--ble",
            &"a".repeat(64),
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slugs_are_derived_from_names() {
        let slug = Slug::from_name("St Mary's C of E Primary & Nursery").expect("valid");
        assert_eq!(slug.as_str(), "st-marys-c-of-e-primary-nursery");
        assert_eq!(
            Slug::from_name("  The Willows School ")
                .expect("valid")
                .as_str(),
            "the-willows-school"
        );
        assert!(Slug::from_name("!!!").is_err());
    }

    #[test]
    fn urns_are_six_digits() {
        assert_eq!(Urn::parse(" 123456 ").expect("valid").as_str(), "123456");
        for bad in ["12345", "1234567", "12a456", ""] {
            assert_eq!(Urn::parse(bad).expect_err(bad).field(), "urn");
        }
    }

    #[test]
    fn emails_are_normalised_and_shape_checked() {
        let email = Email::parse("  Ada.Lovelace@Wessex.SCH.uk ").expect("valid");
        assert_eq!(email.as_str(), "ada.lovelace@wessex.sch.uk");
        assert_eq!(email.domain(), "wessex.sch.uk");
        for bad in [
            "",
            "ada",
            "@school.uk",
            "ada@",
            "ada@school",
            "ada@@school.uk",
            "a da@school.uk",
            "ada@school..uk",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn values_deserialize_through_their_rules() {
        let slug: Result<Slug, _> = serde_json::from_str("\"Bad Slug\"");
        assert!(slug.is_err());
    }
}
