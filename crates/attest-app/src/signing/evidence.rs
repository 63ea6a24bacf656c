//! Evidence of signatures: one acceptance with the exact text signed, everything a
//! person ever signed, re-rendering checks, the hash-chain walk, and CSV exports.

use std::collections::HashMap;

use attest_document::{Format, Reader, content_hash, render};
use attest_domain::{
    AcceptanceId, ChainBreak, Decision, Person, PersonId, PolicyVersionId, Principal, School,
    SchoolId, SigningMethod, check_link,
};
use attest_store::{
    Acceptance, Acceptances, ChainHead, People, Policies, Policy, PolicyVersion, PolicyVersions,
    Schools,
};

use super::compliance::{csv_error, finish_csv, safe_cell};
use crate::{App, AppError};

/// An acceptance with everything needed to show it to an auditor.
pub struct AcceptanceEvidence {
    pub acceptance: Acceptance,
    pub person: Person,
    pub policy: Policy,
    pub version: PolicyVersion,
    pub school: School,
    /// The text as it was shown, re-rendered from the stored version and values.
    pub markdown: String,
    pub html: String,
    /// Whether the re-rendered text still hashes to the stored content hash.
    pub text_verified: bool,
}

/// The outcome of re-checking one acceptance.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AcceptanceCheck {
    pub acceptance: AcceptanceId,
    pub seq: i64,
    /// The stored version re-rendered with the stored values hashes to the stored hash.
    pub text_matches: bool,
    /// The row's fields still hash to its stored row hash.
    pub row_intact: bool,
    pub stored_content_hash: String,
    pub rendered_content_hash: String,
}

impl AcceptanceCheck {
    pub fn ok(&self) -> bool {
        self.text_matches && self.row_intact
    }
}

/// The outcome of walking a trust's whole chain.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ChainReport {
    pub rows: u64,
    pub head_seq: i64,
    pub breaks: Vec<ChainBreak>,
    /// Acceptances whose signed text no longer re-renders to its hash.
    pub text_mismatches: Vec<AcceptanceCheck>,
}

impl ChainReport {
    pub fn ok(&self) -> bool {
        self.breaks.is_empty() && self.text_mismatches.is_empty()
    }
}

const CHAIN_PAGE: u64 = 1_000;

fn rendered(version: &PolicyVersion, acceptance: &Acceptance, format: Format) -> String {
    let reader = Reader {
        variables: Some(&acceptance.variables),
        audience: Some(acceptance.audience_kind),
    };
    render(&version.document, &reader, format)
}

fn check(version: &PolicyVersion, acceptance: &Acceptance) -> AcceptanceCheck {
    let reader = Reader {
        variables: Some(&acceptance.variables),
        audience: Some(acceptance.audience_kind),
    };
    let rendered_content_hash = content_hash(&version.document, &reader).0;
    let row_intact = attest_domain::chain_hash(&acceptance.prev_hash, &acceptance.chained_fields())
        == acceptance.row_hash;
    AcceptanceCheck {
        acceptance: acceptance.id,
        seq: acceptance.seq,
        text_matches: rendered_content_hash == acceptance.content_hash,
        row_intact,
        stored_content_hash: acceptance.content_hash.clone(),
        rendered_content_hash,
    }
}

impl App {
    /// Who may read an acceptance: anyone whose scope covers its school (admins, the
    /// DPO), and the person who signed it.
    async fn readable_acceptance(
        &self,
        principal: &Principal,
        id: AcceptanceId,
    ) -> Result<(Acceptance, attest_domain::TenantScope), AppError> {
        if let Some(own) = principal.own_records() {
            let (me, scope) = own.keyed();
            let acceptance = Acceptances::new(&self.db, scope).get(id).await?;
            if acceptance.person == me {
                return Ok((acceptance, scope.clone()));
            }
        }
        let scope = principal.scope();
        let acceptance = Acceptances::new(&self.db, &scope).get(id).await?;
        Ok((acceptance, scope))
    }

    /// One acceptance, without re-rendering its text.
    pub async fn acceptance(
        &self,
        principal: &Principal,
        id: AcceptanceId,
    ) -> Result<Acceptance, AppError> {
        Ok(self.readable_acceptance(principal, id).await?.0)
    }

    pub async fn acceptance_evidence(
        &self,
        principal: &Principal,
        id: AcceptanceId,
    ) -> Result<AcceptanceEvidence, AppError> {
        let (acceptance, scope) = self.readable_acceptance(principal, id).await?;
        self.evidence_for(&scope, acceptance).await
    }

    async fn evidence_for(
        &self,
        scope: &attest_domain::TenantScope,
        acceptance: Acceptance,
    ) -> Result<AcceptanceEvidence, AppError> {
        let version = PolicyVersions::new(&self.db, scope)
            .get(acceptance.version)
            .await?;
        let policy = Policies::new(&self.db, scope)
            .get(acceptance.policy)
            .await?;
        let person = People::new(&self.db, scope).get(acceptance.person).await?;
        let school = Schools::new(&self.db, scope).get(acceptance.school).await?;
        let markdown = rendered(&version, &acceptance, Format::Markdown);
        let html = rendered(&version, &acceptance, Format::Html);
        let text_verified = check(&version, &acceptance).text_matches;
        Ok(AcceptanceEvidence {
            acceptance,
            person,
            policy,
            version,
            school,
            markdown,
            html,
            text_verified,
        })
    }

    /// Everything a person has signed or declined, ever, oldest first.
    pub async fn person_evidence(
        &self,
        principal: &Principal,
        person: PersonId,
    ) -> Result<Vec<AcceptanceEvidence>, AppError> {
        let scope = own_or_granted_scope(principal, person);
        People::new(&self.db, &scope).get(person).await?;
        let rows = Acceptances::new(&self.db, &scope)
            .for_person(person)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.evidence_for(&scope, row).await?);
        }
        Ok(out)
    }

    /// Acceptances of a person (no text), for lists.
    pub async fn acceptances_of(
        &self,
        principal: &Principal,
        person: PersonId,
    ) -> Result<Vec<Acceptance>, AppError> {
        let scope = own_or_granted_scope(principal, person);
        People::new(&self.db, &scope).get(person).await?;
        Ok(Acceptances::new(&self.db, &scope)
            .for_person(person)
            .await?)
    }

    /// Re-renders the signed version with the stored values and checks both hashes.
    pub async fn verify_acceptance(
        &self,
        principal: &Principal,
        id: AcceptanceId,
    ) -> Result<AcceptanceCheck, AppError> {
        let (acceptance, scope) = self.readable_acceptance(principal, id).await?;
        let version = PolicyVersions::new(&self.db, &scope)
            .get(acceptance.version)
            .await?;
        Ok(check(&version, &acceptance))
    }

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
        let mut report = ChainReport {
            rows: 0,
            head_seq: last_seq,
            breaks: Vec::new(),
            text_mismatches: Vec::new(),
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
                report.breaks.extend(check_link(
                    previous.as_ref().map(|(seq, hash)| (*seq, hash.as_str())),
                    &row.chained_fields(),
                    &row.prev_hash,
                    &row.row_hash,
                ));
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

/// A plain-text receipt: the evidence, the hashes and the text signed.
pub fn receipt_text(evidence: &AcceptanceEvidence) -> String {
    let a = &evidence.acceptance;
    let answers = if a.answers.is_empty() {
        "none asked".to_owned()
    } else {
        a.answers
            .iter()
            .map(|(key, answer)| format!("{key}: {answer}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let decision = match a.decision {
        Decision::Accepted => "SIGNED",
        Decision::Declined => "DECLINED",
    };
    let method = match a.method {
        SigningMethod::Sso => "signed in with their school account",
        SigningMethod::MagicLink => "single-use link sent to their email",
        SigningMethod::Paper => "PAPER FORM recorded by a school admin",
    };
    format!(
        "attest receipt {id}\n\
         ==========================================================\n\
         {decision}: {title}, version {number}\n\
         Person:        {name} ({person})\n\
         School:        {school}\n\
         Typed name:    {typed}\n\
         Role:          {role}\n\
         Answers:       {answers}\n\
         {decline}{note}\
         Method:        {method}\n\
         Signed at:     {at} (UTC), {on} in England\n\
         IP address:    {ip}\n\
         User agent:    {agent}\n\
         Chain:         row {seq} of the trust's acceptance chain\n\
         Content hash:  {content} (SHA-256 of the text below){verified}\n\
         Previous hash: {prev}\n\
         Row hash:      {row}\n\
         ==========================================================\n\n{text}",
        id = a.id,
        title = evidence.policy.title,
        number = evidence.version.number,
        name = evidence.person.full_name,
        person = a.person,
        school = evidence.school.name,
        typed = a.typed_name,
        role = a.role,
        decline = a
            .decline_reason
            .as_ref()
            .map(|reason| format!("Reason:        {reason}\n"))
            .unwrap_or_default(),
        note = a
            .note
            .as_ref()
            .map(|note| format!("Note:          {note}\n"))
            .unwrap_or_default(),
        at = a.signed_at.to_rfc3339(),
        on = a.signed_on,
        ip = a.ip.as_deref().unwrap_or("not recorded"),
        agent = a.user_agent.as_deref().unwrap_or("not recorded"),
        seq = a.seq,
        content = a.content_hash,
        verified = if evidence.text_verified {
            ""
        } else {
            "\n               WARNING: the stored policy no longer renders to this hash"
        },
        prev = a.prev_hash,
        row = a.row_hash,
        text = evidence.markdown,
    )
}

/// A person reads their own records across the trust; anyone else within their scope.
fn own_or_granted_scope(principal: &Principal, person: PersonId) -> attest_domain::TenantScope {
    principal
        .own_records()
        .and_then(|own| own.scope_for(person).cloned())
        .unwrap_or_else(|| principal.scope())
}
