//! A breach a processor (a supplier holding the trust's data) reported to the trust: UK
//! GDPR article 33(2) makes the processor tell the controller without undue delay, so
//! the record keeps who, when they became aware and when they told the trust.

use chrono::{DateTime, Duration, Utc};

use super::facts::{SHORT_TEXT, required_text};
use crate::DomainError;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SupplierReport {
    pub name: String,
    /// When the supplier became aware, if they said.
    pub aware_at: Option<DateTime<Utc>>,
    pub told_trust_at: DateTime<Utc>,
}

/// The supplier's report as typed.
#[derive(Debug, Clone, Default)]
pub struct SupplierInput {
    pub name: String,
    pub aware_at: Option<DateTime<Utc>>,
    pub told_trust_at: Option<DateTime<Utc>>,
}

impl SupplierReport {
    pub fn parse(input: SupplierInput, now: DateTime<Utc>) -> Result<Self, DomainError> {
        let name = required_text("supplier_name", &input.name, SHORT_TEXT)?;
        let told_trust_at = input.told_trust_at.ok_or_else(|| {
            DomainError::invalid(
                "supplier_told_trust_at",
                "say when the supplier told the trust",
            )
        })?;
        let future = |at: DateTime<Utc>| at > now + Duration::minutes(5);
        if future(told_trust_at) {
            return Err(DomainError::invalid(
                "supplier_told_trust_at",
                "is in the future",
            ));
        }
        if input.aware_at.is_some_and(|aware| aware > told_trust_at) {
            return Err(DomainError::invalid(
                "supplier_aware_at",
                "is after the supplier told the trust",
            ));
        }
        Ok(Self {
            name,
            aware_at: input.aware_at,
            told_trust_at,
        })
    }

    /// How long the supplier took to tell the trust, when they said when they knew.
    pub fn delay(&self) -> Option<Duration> {
        self.aware_at.map(|aware| self.told_trust_at - aware)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_supplier_report_names_them_and_its_times_are_in_order() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
            .single()
            .expect("t");
        let input = || SupplierInput {
            name: "CloudMIS Ltd".to_owned(),
            aware_at: Some(now - Duration::hours(30)),
            told_trust_at: Some(now - Duration::hours(2)),
        };
        let report = SupplierReport::parse(input(), now).expect("valid");
        assert_eq!(report.delay(), Some(Duration::hours(28)));
        let unnamed = SupplierReport::parse(
            SupplierInput {
                name: " ".to_owned(),
                ..input()
            },
            now,
        );
        assert_eq!(unnamed.expect_err("a name").field(), "supplier_name");
        let untimed = SupplierReport::parse(
            SupplierInput {
                told_trust_at: None,
                ..input()
            },
            now,
        );
        assert_eq!(
            untimed.expect_err("a time").field(),
            "supplier_told_trust_at"
        );
        let backwards = SupplierReport::parse(
            SupplierInput {
                aware_at: Some(now),
                ..input()
            },
            now,
        );
        assert_eq!(backwards.expect_err("order").field(), "supplier_aware_at");
        let ahead = SupplierReport::parse(
            SupplierInput {
                told_trust_at: Some(now + Duration::hours(1)),
                aware_at: None,
                ..input()
            },
            now,
        );
        assert_eq!(ahead.expect_err("future").field(), "supplier_told_trust_at");
    }
}
