//! The trust's hash chain as a whole: walking it to verify every link and every signed
//! text, and the acceptances export.

use std::collections::HashMap;

use attest_domain::{
    ChainBreak, ChainFormat, PersonId, PersonalCheck, PolicyVersionId, Principal, SchoolId,
    SigningMethod, StoredLink, check_link,
};
use attest_store::{
    Acceptances, ChainHead, People, Policies, PolicyVersion, PolicyVersions, Schools,
};

use super::compliance::{csv_error, finish_csv, safe_cell};
use super::evidence::{AcceptanceCheck, check};
use crate::{App, AppError};

/// The outcome of walking a trust's whole chain.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ChainReport {
    pub rows: u64,
    pub head_seq: i64,
    pub breaks: Vec<ChainBreak>,
    /// Acceptances whose signed text no longer re-renders to its hash.
    pub text_mismatches: Vec<AcceptanceCheck>,
    /// Rows in chain format 2 (personal fields under a commitment).
    pub sealed_rows: u64,
    /// Rows whose personal fields were erased (their commitments still verify).
    pub erased_rows: u64,
    /// The server's signatures over the head and the anchors.
    pub seals: super::seal_check::SealReport,
}

pub(super) const CHAIN_PAGE: u64 = 1_000;

impl ChainReport {
    pub fn ok(&self) -> bool {
        self.breaks.is_empty() && self.text_mismatches.is_empty() && self.seals.ok()
    }
}

impl App {
    /// Walks the trust's whole chain: links, row hashes and every signed text.
    /// Trust admins only (the chain spans every school).
    pub async fn verify_chain(&self, principal: &Principal) -> Result<ChainReport, AppError> {
        if !principal.can_administer_trust() {
            return Err(AppError::forbidden(
                "only a trust admin can verify the whole chain",
            ));
        }
        let scope = principal.scope();
        let acceptances = Acceptances::new(&self.db, &scope);
        let ChainHead { last_seq, .. } = acceptances.head().await?;
        let versions = PolicyVersions::new(&self.db, &scope);
        let mut cache: HashMap<PolicyVersionId, PolicyVersion> = HashMap::new();
        let mut walk = self.seal_walk(&scope).await?;
        let mut report = ChainReport {
            rows: 0,
            head_seq: last_seq,
            breaks: Vec::new(),
            text_mismatches: Vec::new(),
            sealed_rows: 0,
            erased_rows: 0,
            seals: super::seal_check::SealReport::default(),
        };
        let mut previous: Option<(i64, String)> = None;
        loop {
            let after = previous.as_ref().map_or(0, |(seq, _)| *seq);
            let page = acceptances.chain_page(after, CHAIN_PAGE).await?;
            if page.is_empty() {
                break;
            }
            for row in page {
                report.rows += 1;
                let expected = row.expected_hash();
                report.breaks.extend(check_link(
                    previous.as_ref().map(|(seq, hash)| (*seq, hash.as_str())),
                    StoredLink {
                        seq: row.seq,
                        stored_previous: &row.prev_hash,
                        stored_hash: &row.row_hash,
                        expected_hash: &expected,
                    },
                ));
                if row.format == ChainFormat::V2 {
                    report.sealed_rows += 1;
                }
                match row.personal_check() {
                    PersonalCheck::Altered => {
                        report
                            .breaks
                            .push(ChainBreak::PersonalAltered { seq: row.seq });
                    }
                    PersonalCheck::Erased => report.erased_rows += 1,
                    PersonalCheck::Intact | PersonalCheck::InRow => {}
                }
                walk.saw(row.seq, &row.row_hash, row.signed_at);
                let version = match cache.entry(row.version) {
                    std::collections::hash_map::Entry::Occupied(found) => found.into_mut(),
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(versions.get(row.version).await?)
                    }
                };
                let checked = check(version, &row);
                if !checked.text_matches {
                    report.text_mismatches.push(checked);
                }
                previous = Some((row.seq, row.row_hash));
            }
        }
        let last = previous.as_ref().map_or(0, |(seq, _)| *seq);
        if last < last_seq {
            report.breaks.push(ChainBreak::Truncated {
                head_seq: last_seq,
                last_seq: last,
            });
        }
        report.seals = walk.finish(last);
        Ok(report)
    }

    /// Acceptances (signatures and declines) as CSV, in chain order; one school's when
    /// `school` is given.
    pub async fn acceptances_csv(
        &self,
        principal: &Principal,
        school: Option<SchoolId>,
    ) -> Result<String, AppError> {
        self.rate_limits.hit(
            crate::Limit::Export,
            &crate::rate_limit::principal_key(principal),
        )?;
        let scope = principal.scope();
        if let Some(school) = school {
            Schools::new(&self.db, &scope).get(school).await?;
        }
        let acceptances = Acceptances::new(&self.db, &scope);
        let mut names: HashMap<PersonId, String> = HashMap::new();
        let mut titles: HashMap<attest_domain::PolicyId, String> = HashMap::new();
        let schools: HashMap<SchoolId, String> = Schools::new(&self.db, &scope)
            .list()
            .await?
            .into_iter()
            .map(|school| (school.id, school.name.as_str().to_owned()))
            .collect();
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record([
            "acceptance_id",
            "seq",
            "signed_at",
            "signed_on",
            "person_id",
            "full_name",
            "school",
            "policy",
            "version_id",
            "decision",
            "method",
            "paper_form",
            "typed_name",
            "role",
            "answers",
            "decline_reason",
            "note",
            "content_hash",
            "row_hash",
            "ip",
            "user_agent",
        ])
        .map_err(csv_error)?;
        let mut after = 0;
        loop {
            let page = acceptances.page(school, after, CHAIN_PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            let missing_people: Vec<PersonId> = page
                .iter()
                .map(|row| row.person)
                .filter(|person| !names.contains_key(person))
                .collect();
            for person in People::new(&self.db, &scope)
                .by_ids(&missing_people)
                .await?
            {
                names.insert(person.id, person.full_name.as_str().to_owned());
            }
            let missing_policies: Vec<_> = page
                .iter()
                .map(|row| row.policy)
                .filter(|policy| !titles.contains_key(policy))
                .collect();
            for policy in Policies::new(&self.db, &scope)
                .by_ids(&missing_policies)
                .await?
            {
                titles.insert(policy.id, policy.title);
            }
            for row in page {
                out.write_record([
                    row.id.to_string(),
                    row.seq.to_string(),
                    row.signed_at.to_rfc3339(),
                    row.signed_on.to_string(),
                    row.person.to_string(),
                    safe_cell(names.get(&row.person).map_or("", String::as_str)),
                    safe_cell(schools.get(&row.school).map_or("", String::as_str)),
                    safe_cell(titles.get(&row.policy).map_or("", String::as_str)),
                    row.version.to_string(),
                    row.decision.as_str().to_owned(),
                    row.method.as_str().to_owned(),
                    if row.method == SigningMethod::Paper {
                        "yes"
                    } else {
                        "no"
                    }
                    .to_owned(),
                    safe_cell(&row.typed_name),
                    safe_cell(&row.role),
                    safe_cell(
                        &row.answers
                            .iter()
                            .map(|(key, answer)| format!("{key}={answer}"))
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                    safe_cell(row.decline_reason.as_deref().unwrap_or("")),
                    safe_cell(row.note.as_deref().unwrap_or("")),
                    row.content_hash.clone(),
                    row.row_hash.clone(),
                    row.ip.clone().unwrap_or_default(),
                    safe_cell(row.user_agent.as_deref().unwrap_or("")),
                ])
                .map_err(csv_error)?;
            }
        }
        finish_csv(out)
    }
}
