//! Where everyone stands: pages of people × policies, summaries, and CSV exports.

use std::collections::BTreeMap;
use std::sync::Arc;

use attest_domain::{ComplianceStatus, MembershipKind, PersonId, PolicyId, Principal, SchoolId};
use attest_store::{
    ComplianceCount, ComplianceCursor, ComplianceQuery, ComplianceRow, Obligations, Revision,
    Schools,
};
use chrono::{DateTime, Utc};

use crate::{App, AppError};

pub const MAX_COMPLIANCE_PAGE: u64 = 500;

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ComplianceFilter {
    pub school: Option<SchoolId>,
    pub person: Option<PersonId>,
    pub policy: Option<PolicyId>,
    pub status: Option<ComplianceStatus>,
    pub kind: Option<MembershipKind>,
    /// Ask about another instant (history); now when `None`.
    pub as_of: Option<DateTime<Utc>>,
}

/// Everything a kept compliance page depends on besides the database's content.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct PageKey {
    scope: attest_domain::TenantScope,
    filter: ComplianceFilter,
    first: u64,
    after: Option<ComplianceCursor>,
    day: chrono::NaiveDate,
}

/// Compliance pages, given again while nothing has been written since.
pub(crate) type CompliancePages = super::PageCache<PageKey, CompliancePage>;

#[derive(Clone)]
pub struct CompliancePage {
    pub rows: Vec<ComplianceRow>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<ComplianceCursor>,
    pub as_of: DateTime<Utc>,
}

/// Counts by status, all kinds together and for each kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub by_status: BTreeMap<&'static str, u64>,
    pub by_kind: BTreeMap<MembershipKind, BTreeMap<&'static str, u64>>,
}

impl Tally {
    pub fn total(&self) -> u64 {
        self.by_status.values().sum()
    }

    pub fn count(&self, status: ComplianceStatus) -> u64 {
        self.by_status
            .get(status_key(status))
            .copied()
            .unwrap_or_default()
    }

    /// Share of the total in `status`, in percent to one decimal place (0 when empty).
    pub fn percent(&self, status: ComplianceStatus) -> f64 {
        percent(self.count(status), self.total())
    }

    pub(super) fn add(&mut self, count: &ComplianceCount) {
        *self.by_status.entry(status_key(count.status)).or_default() += count.count;
        *self
            .by_kind
            .entry(count.kind)
            .or_default()
            .entry(status_key(count.status))
            .or_default() += count.count;
    }
}

pub fn percent(part: u64, total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    #[allow(clippy::cast_precision_loss)]
    let share = part as f64 * 100.0 / total as f64;
    (share * 10.0).round() / 10.0
}

pub const fn status_key(status: ComplianceStatus) -> &'static str {
    match status {
        ComplianceStatus::Compliant => "compliant",
        ComplianceStatus::Due => "due",
        ComplianceStatus::Overdue => "overdue",
        ComplianceStatus::Exempt => "exempt",
    }
}

pub struct ComplianceSummary {
    pub as_of: DateTime<Utc>,
    /// The trust (or, for a school admin, their schools), each person × policy once.
    pub overall: Tally,
    pub schools: Vec<(SchoolId, Tally)>,
}

impl App {
    /// The query, and which revision of the model answers it (after rolling the model
    /// forward to today).
    pub(crate) async fn compliance_query(
        &self,
        scope: &attest_domain::TenantScope,
        filter: &ComplianceFilter,
    ) -> Result<(ComplianceQuery, Revision), AppError> {
        self.roll_obligations(scope.trust()).await?;
        let revision = match filter.as_of {
            Some(at) => Obligations::new(&self.db, scope).revision_at(at).await?,
            None => Revision::Current,
        };
        Ok((self.query_at(filter), revision))
    }

    pub(super) fn query_at(&self, filter: &ComplianceFilter) -> ComplianceQuery {
        let as_of = filter.as_of.unwrap_or_else(|| self.now());
        ComplianceQuery {
            as_of,
            as_of_day: attest_domain::school_day(as_of),
            school: filter.school,
            person: filter.person,
            policy: filter.policy,
            status: filter.status,
            kind: filter.kind,
        }
    }

    /// How many compliance pages were given again from memory (nothing written since).
    pub fn compliance_page_hits(&self) -> u64 {
        self.pages.hits()
    }

    /// A page of people × policies with their status, ordered by name.
    pub async fn compliance(
        &self,
        principal: &Principal,
        filter: ComplianceFilter,
        first: u64,
        after: Option<ComplianceCursor>,
    ) -> Result<CompliancePage, AppError> {
        if first == 0 || first > MAX_COMPLIANCE_PAGE {
            return Err(AppError::invalid(
                "first",
                format!("between 1 and {MAX_COMPLIANCE_PAGE}"),
            ));
        }
        let scope = principal.scope();
        // Only "now" is kept: a past instant is asked about once.
        let version = match filter.as_of {
            None => self.pages.version(&self.db).await?,
            Some(_) => None,
        };
        let Some(version) = version else {
            return self.read_page(&scope, filter, first, after).await;
        };
        let key = PageKey {
            scope: scope.clone(),
            filter: filter.clone(),
            first,
            after: after.clone(),
            day: self.today(),
        };
        if let Some(mut page) = self.pages.get(&key, &version) {
            // Nothing was written since it was read, on the same day: it is the answer now.
            page.as_of = self.now();
            return Ok(page);
        }
        let page = self.read_page(&scope, filter, first, after).await?;
        self.pages.keep(key, version, &page);
        Ok(page)
    }

    async fn read_page(
        &self,
        scope: &attest_domain::TenantScope,
        filter: ComplianceFilter,
        first: u64,
        after: Option<ComplianceCursor>,
    ) -> Result<CompliancePage, AppError> {
        if let Some(school) = filter.school {
            Schools::new(&self.db, scope).get(school).await?;
        }
        let (query, revision) = self.compliance_query(scope, &filter).await?;
        let mut rows = Obligations::new(&self.db, scope)
            .page(&query, revision, after.as_ref(), first + 1)
            .await?;
        let next = if rows.len() as u64 > first {
            rows.truncate(usize::try_from(first).unwrap_or(usize::MAX));
            rows.last().map(|row| ComplianceCursor {
                full_name: row.full_name.clone(),
                person: row.person,
                policy: row.policy,
                school: row.school,
            })
        } else {
            None
        };
        Ok(CompliancePage {
            rows,
            next,
            as_of: query.as_of,
        })
    }

    /// Every row matching the filter (for exports and reminder ticks), in one statement:
    /// paging through would repeat the whole grading once per page.
    pub async fn compliance_all(
        &self,
        principal: &Principal,
        filter: ComplianceFilter,
    ) -> Result<Vec<ComplianceRow>, AppError> {
        let scope = principal.scope();
        if let Some(school) = filter.school {
            Schools::new(&self.db, &scope).get(school).await?;
        }
        let (query, revision) = self.compliance_query(&scope, &filter).await?;
        Ok(Obligations::new(&self.db, &scope)
            .page(&query, revision, None, u64::MAX)
            .await?)
    }

    /// The question a reminder tick asks of the model: every row of the trust (or the
    /// principal's schools) now, after the model is brought forward to today. Built
    /// once per tick for both its reads (keys first, full rows when it has work).
    pub(crate) async fn owing_query(
        &self,
        principal: &Principal,
    ) -> Result<ComplianceQuery, AppError> {
        let (query, _) = self
            .compliance_query(&principal.scope(), &ComplianceFilter::default())
            .await?;
        Ok(query)
    }

    /// Counts and percentages by status and membership kind, per school and overall.
    /// For "now" (`as_of` not given) the answer may be up to `SUMMARY_TTL` old; its
    /// `as_of` says when it was computed.
    pub async fn compliance_summary(
        &self,
        principal: &Principal,
        school: Option<SchoolId>,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<Arc<ComplianceSummary>, AppError> {
        let scope = principal.scope();
        if let Some(school) = school {
            Schools::new(&self.db, &scope).get(school).await?;
        }
        match as_of {
            Some(_) => self.summary_at(&scope, school, as_of).await.map(Arc::new),
            None => {
                self.summaries
                    .get_or_compute(&scope, school, || self.summary_at(&scope, school, None))
                    .await
            }
        }
    }

    async fn summary_at(
        &self,
        scope: &attest_domain::TenantScope,
        school: Option<SchoolId>,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<ComplianceSummary, AppError> {
        let filter = ComplianceFilter {
            school,
            as_of,
            ..ComplianceFilter::default()
        };
        let (query, revision) = self.compliance_query(scope, &filter).await?;
        let counts = Obligations::new(&self.db, scope)
            .counts(&query, revision, true)
            .await?;
        let mut overall = Tally::default();
        let mut schools: BTreeMap<SchoolId, Tally> = BTreeMap::new();
        for count in &counts {
            match count.school {
                None => overall.add(count),
                Some(school) => schools.entry(school).or_default().add(count),
            }
        }
        Ok(ComplianceSummary {
            as_of: query.as_of,
            overall,
            schools: schools.into_iter().collect(),
        })
    }

    /// The compliance listing as CSV, one row per person × policy × school.
    pub async fn compliance_csv(
        &self,
        principal: &Principal,
        filter: ComplianceFilter,
    ) -> Result<String, AppError> {
        self.rate_limits.hit(
            crate::Limit::Export,
            &crate::rate_limit::principal_key(principal),
        )?;
        let rows = self.compliance_all(principal, filter).await?;
        let schools: BTreeMap<SchoolId, String> = Schools::new(&self.db, &principal.scope())
            .list()
            .await?
            .into_iter()
            .map(|school| (school.id, school.name.as_str().to_owned()))
            .collect();
        let mut out = csv::Writer::from_writer(Vec::new());
        let header = [
            "person_id",
            "full_name",
            "email",
            "school",
            "membership_kind",
            "policy",
            "current_version",
            "status",
            "due_on",
            "last_signed_at",
            "last_acceptance_id",
            "exempt_until",
            "declined_at",
            "decline_reason",
            "obligation",
        ];
        out.write_record(header).map_err(csv_error)?;
        for row in rows {
            let school = schools.get(&row.school).cloned().unwrap_or_default();
            out.write_record([
                row.person.to_string(),
                safe_cell(&row.full_name),
                safe_cell(row.email.as_deref().unwrap_or("")),
                safe_cell(&school),
                row.kind.as_str().to_owned(),
                safe_cell(&row.policy_title),
                row.current_version.to_string(),
                status_key(row.status).to_owned(),
                row.due_on.map(|d| d.to_string()).unwrap_or_default(),
                row.last_signed_at
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_default(),
                row.last_acceptance
                    .map(|id| id.to_string())
                    .unwrap_or_default(),
                row.exempt_until.map(|d| d.to_string()).unwrap_or_default(),
                row.declined_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                safe_cell(row.decline_reason.as_deref().unwrap_or("")),
                row.obligation.as_str().to_owned(),
            ])
            .map_err(csv_error)?;
        }
        finish_csv(out)
    }
}

/// A cell a spreadsheet will not run as a formula (CSV injection): text starting with
/// `=`, `+`, `-`, `@`, tab or carriage return gets a leading apostrophe.
pub(crate) fn safe_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

pub(crate) fn csv_error(error: csv::Error) -> AppError {
    AppError::Internal(format!("writing CSV: {error}"))
}

pub(crate) fn finish_csv(writer: csv::Writer<Vec<u8>>) -> Result<String, AppError> {
    let bytes = writer
        .into_inner()
        .map_err(|error| AppError::Internal(format!("writing CSV: {error}")))?;
    String::from_utf8(bytes).map_err(|error| AppError::Internal(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_to_one_place_and_survive_empty_sets() {
        assert!((percent(1, 3) - 33.3).abs() < f64::EPSILON);
        assert!((percent(2, 3) - 66.7).abs() < f64::EPSILON);
        assert!(percent(0, 0).abs() < f64::EPSILON);
    }

    #[test]
    fn formula_like_cells_are_defused() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("-1"), "'-1");
        assert_eq!(safe_cell("Ann Smith"), "Ann Smith");
    }
}
