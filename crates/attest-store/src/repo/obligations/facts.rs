//! Loading what the obligation rules read, for a slice of the trust.

use std::collections::{BTreeMap, BTreeSet};

use attest_domain::obligations::{
    AnswerFact, AttributeFact, ExemptionFact, MembershipFact, PersonFacts, PolicyFacts, VersionFact,
};
use attest_domain::{
    AcceptanceId, MembershipKind, PersonId, PolicyId, PolicyKind, PolicyVersionId, SchoolId,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use uuid::Uuid;

use super::{ObligationSlice, Obligations};
use crate::StoreError;
use crate::repo::raw::{bind, bind_list};

/// People are loaded this many at a time (bound parameters have a limit).
const CHUNK: usize = 500;

#[derive(FromQueryResult)]
struct PolicyRow {
    id: Uuid,
    kind: String,
    school_id: Option<Uuid>,
    grace_days: i32,
    retired_at: Option<DateTime<Utc>>,
}

#[derive(FromQueryResult)]
struct VersionRow {
    id: Uuid,
    policy_id: Uuid,
    number: i32,
    published_at: DateTime<Utc>,
    published_on: NaiveDate,
    resign_required: Option<bool>,
}

#[derive(FromQueryResult)]
struct AudienceRow {
    policy_id: Uuid,
    school_id: Uuid,
    audience: serde_json::Value,
}

#[derive(FromQueryResult)]
struct RuleRow {
    policy_id: Uuid,
    attribute: String,
    held: bool,
}

#[derive(FromQueryResult)]
struct AttributeRow {
    person_id: Uuid,
    attribute: String,
    held_from: DateTime<Utc>,
    held_until: Option<DateTime<Utc>>,
}

#[derive(FromQueryResult)]
struct MembershipRow {
    person_id: Uuid,
    school_id: Uuid,
    kind: String,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
}

#[derive(FromQueryResult)]
struct AnswerRow {
    id: Uuid,
    seq: i64,
    person_id: Uuid,
    policy_id: Uuid,
    number: i32,
    decision: String,
    signed_at: DateTime<Utc>,
    renew_on: Option<NaiveDate>,
    decline_reason: Option<String>,
}

#[derive(FromQueryResult)]
struct ExemptionRow {
    person_id: Uuid,
    policy_id: Option<Uuid>,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    created_at: DateTime<Utc>,
}

fn kind_of(text: &str) -> Result<MembershipKind, StoreError> {
    text.parse().map_err(StoreError::corrupt("membership kind"))
}

fn policy_kind(text: &str) -> Result<PolicyKind, StoreError> {
    match text {
        "trust_locked" => Ok(PolicyKind::TrustLocked),
        "trust_template" => Ok(PolicyKind::TrustTemplate),
        "school" => Ok(PolicyKind::School),
        other => Err(StoreError::Corrupt {
            what: "policy kind",
            detail: other.to_owned(),
        }),
    }
}

impl<C: ConnectionTrait> Obligations<'_, C> {
    pub(super) async fn rows<T: FromQueryResult>(
        &self,
        sql: String,
        values: Vec<Value>,
    ) -> Result<Vec<T>, StoreError> {
        Ok(T::find_by_statement(self.statement(&sql, values))
            .all(self.conn)
            .await?)
    }

    /// The trust's policies (or one), with their published versions and audiences.
    /// The trust's policies (or `only` one), with their versions, audiences and rules.
    /// With `schools`, only the trust's own policies and those of these schools: what a
    /// slice of people whose memberships are all there can owe.
    pub(super) async fn policy_facts(
        &self,
        only: Option<PolicyId>,
        schools: Option<&BTreeSet<SchoolId>>,
    ) -> Result<Vec<PolicyFacts>, StoreError> {
        let mut values = vec![self.trust()];
        let mut own = String::new();
        if let Some(policy) = only {
            values.push(policy.as_uuid().into());
            own = " AND id = $2".to_owned();
        }
        // Audiences are per school: only the schools asked about are needed.
        let mut audience_schools = String::new();
        if let Some(schools) = schools {
            let marks = bind_list(&mut values, schools.iter().map(|school| school.as_uuid()));
            if marks.is_empty() {
                own.push_str(" AND school_id IS NULL");
            } else {
                own.push_str(&format!(
                    " AND (school_id IS NULL OR school_id IN ({marks}))"
                ));
                audience_schools = format!(" AND school_id IN ({marks})");
            }
        }
        let filter = if own.is_empty() {
            String::new()
        } else {
            format!(" AND policy_id IN (SELECT id FROM policies WHERE trust_id = $1{own})")
        };
        let policies: Vec<PolicyRow> = self
            .rows(
                format!(
                    "SELECT id, kind, school_id, grace_days, retired_at FROM policies \
                     WHERE trust_id = $1{own}"
                ),
                values.clone(),
            )
            .await?;
        let versions: Vec<VersionRow> = self
            .rows(
                format!(
                    "SELECT id, policy_id, number, published_at, published_on, resign_required \
                     FROM policy_versions WHERE trust_id = $1 AND published_at IS NOT NULL \
                     AND published_on IS NOT NULL{filter}"
                ),
                values.clone(),
            )
            .await?;
        let audiences: Vec<AudienceRow> = self
            .rows(
                format!(
                    "SELECT policy_id, school_id, audience FROM policy_school_settings \
                     WHERE trust_id = $1{filter}{audience_schools}"
                ),
                values.clone(),
            )
            .await?;
        let rules: Vec<RuleRow> = self
            .rows(
                format!(
                    "SELECT policy_id, attribute, held FROM policy_attribute_rules                      WHERE trust_id = $1{filter} ORDER BY attribute"
                ),
                values,
            )
            .await?;
        let mut facts: BTreeMap<Uuid, PolicyFacts> = BTreeMap::new();
        for row in policies {
            facts.insert(
                row.id,
                PolicyFacts {
                    id: PolicyId::from_uuid(row.id),
                    kind: policy_kind(&row.kind)?,
                    school: row.school_id.map(SchoolId::from_uuid),
                    grace_days: u32::try_from(row.grace_days).unwrap_or_default(),
                    retired_at: row.retired_at,
                    versions: Vec::new(),
                    audiences: BTreeMap::new(),
                    requires: Vec::new(),
                },
            );
        }
        for row in rules {
            if let Some(policy) = facts.get_mut(&row.policy_id) {
                policy.requires.push((row.attribute, row.held));
            }
        }
        for row in versions {
            if let Some(policy) = facts.get_mut(&row.policy_id) {
                policy.versions.push(VersionFact {
                    id: PolicyVersionId::from_uuid(row.id),
                    number: u32::try_from(row.number).unwrap_or_default(),
                    published_at: row.published_at,
                    published_on: row.published_on,
                    resign_required: row.resign_required.unwrap_or(false),
                });
            }
        }
        for row in audiences {
            let kinds: Vec<String> =
                serde_json::from_value(row.audience).map_err(|error| StoreError::Corrupt {
                    what: "policy audience",
                    detail: error.to_string(),
                })?;
            let kinds = kinds
                .iter()
                .map(|kind| kind_of(kind))
                .collect::<Result<Vec<_>, _>>()?;
            if let Some(policy) = facts.get_mut(&row.policy_id) {
                policy
                    .audiences
                    .insert(SchoolId::from_uuid(row.school_id), kinds);
            }
        }
        Ok(facts.into_values().collect())
    }

    /// The memberships, answers and exemptions of the slice's people (everyone with a
    /// membership when the slice names no one). Answers only for the slice's policy.
    pub(super) async fn person_facts(
        &self,
        slice: &ObligationSlice,
    ) -> Result<BTreeMap<PersonId, PersonFacts>, StoreError> {
        let mut people: BTreeMap<PersonId, PersonFacts> = BTreeMap::new();
        match &slice.people {
            Some(ids) => {
                for chunk in ids.chunks(CHUNK) {
                    for id in chunk {
                        people.insert(*id, PersonFacts::new(*id));
                    }
                    self.load_people(Some(chunk), slice.policy, &mut people)
                        .await?;
                }
            }
            None => self.load_people(None, slice.policy, &mut people).await?,
        }
        Ok(people)
    }

    async fn load_people(
        &self,
        ids: Option<&[PersonId]>,
        policy: Option<PolicyId>,
        people: &mut BTreeMap<PersonId, PersonFacts>,
    ) -> Result<(), StoreError> {
        let mut values = vec![self.trust()];
        let mut person_filter = String::new();
        if let Some(ids) = ids {
            let list = bind_list(&mut values, ids.iter().map(|id| id.as_uuid()));
            person_filter = format!(" AND {{t}}.person_id IN ({list})");
        }
        let mut answer_values = values.clone();
        let mut policy_filter = String::new();
        if let Some(policy) = policy {
            let mark = bind(&mut answer_values, policy.as_uuid());
            policy_filter = format!(" AND a.policy_id = {mark}");
        }
        let memberships: Vec<MembershipRow> = self
            .rows(
                format!(
                    "SELECT person_id, school_id, kind, started_on, ended_on FROM memberships m \
                     WHERE m.trust_id = $1{}",
                    person_filter.replace("{t}", "m")
                ),
                values.clone(),
            )
            .await?;
        for row in memberships {
            let person = PersonId::from_uuid(row.person_id);
            people
                .entry(person)
                .or_insert_with(|| PersonFacts::new(person))
                .memberships
                .push(MembershipFact {
                    school: SchoolId::from_uuid(row.school_id),
                    kind: kind_of(&row.kind)?,
                    started_on: row.started_on,
                    ended_on: row.ended_on,
                });
        }
        let answers: Vec<AnswerRow> = self
            .rows(
                format!(
                    // The people's answers first, by their index, then their versions:
                    // without statistics a planner may otherwise walk every version.
                    "WITH a AS MATERIALIZED (SELECT a.id, a.seq, a.person_id, a.policy_id, \
                       a.version_id, a.trust_id, a.decision, a.signed_at, a.renew_on, \
                       a.decline_reason FROM acceptances a WHERE a.trust_id = $1{}{policy_filter}) \
                     SELECT a.id, a.seq, a.person_id, a.policy_id, v.number, a.decision, \
                     a.signed_at, a.renew_on, a.decline_reason \
                     FROM a JOIN policy_versions v \
                       ON v.trust_id = a.trust_id AND v.id = a.version_id",
                    person_filter.replace("{t}", "a")
                ),
                answer_values,
            )
            .await?;
        for row in answers {
            if let Some(person) = people.get_mut(&PersonId::from_uuid(row.person_id)) {
                person.answers.push(AnswerFact {
                    id: AcceptanceId::from_uuid(row.id),
                    seq: row.seq,
                    policy: PolicyId::from_uuid(row.policy_id),
                    version_number: u32::try_from(row.number).unwrap_or_default(),
                    accepted: row.decision == "accepted",
                    signed_at: row.signed_at,
                    renew_on: row.renew_on,
                    decline_reason: row.decline_reason,
                });
            }
        }
        let exemptions: Vec<ExemptionRow> = self
            .rows(
                format!(
                    "SELECT person_id, policy_id, starts_on, ends_on, created_at FROM exemptions e \
                     WHERE e.trust_id = $1{}",
                    person_filter.replace("{t}", "e")
                ),
                values.clone(),
            )
            .await?;
        for row in exemptions {
            if let Some(person) = people.get_mut(&PersonId::from_uuid(row.person_id)) {
                person.exemptions.push(ExemptionFact {
                    policy: row.policy_id.map(PolicyId::from_uuid),
                    starts_on: row.starts_on,
                    ends_on: row.ends_on,
                    created_at: row.created_at,
                });
            }
        }
        let attributes: Vec<AttributeRow> = self
            .rows(
                format!(
                    "SELECT person_id, attribute, held_from, held_until FROM person_attributes pa \
                     WHERE pa.trust_id = $1{}",
                    person_filter.replace("{t}", "pa")
                ),
                values,
            )
            .await?;
        for row in attributes {
            if let Some(person) = people.get_mut(&PersonId::from_uuid(row.person_id)) {
                person.attributes.push(AttributeFact {
                    key: row.attribute,
                    from: row.held_from,
                    until: row.held_until,
                });
            }
        }
        Ok(())
    }
}
