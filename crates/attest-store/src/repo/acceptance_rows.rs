//! Acceptance rows to and from the database: a new answer hashed onto the chain (format
//! 2: public fields in `acceptances`, personal ones in `acceptance_personal` under a
//! salted commitment), and stored rows read back with their personal fields, if not
//! erased.

use std::collections::{BTreeMap, HashMap};

use attest_domain::{
    Acceptance, AcceptanceId, ChainFormat, ChangesShown, CompletionEvidence, Decision,
    MembershipKind, PersonId, PersonalFields, PolicyId, PolicyVersionId, SchoolId, SignerIdentity,
    SigningMethod, TrustId, ViewEvidence, to_stored_precision,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, Statement};
use serde::{Deserialize, Serialize};

use crate::StoreError;
use crate::entities::{acceptance, acceptance_personal};
use crate::repo::raw::bind_list;

/// An answer to append to a trust's chain.
pub struct NewAcceptance {
    pub person: PersonId,
    pub policy: PolicyId,
    pub version: PolicyVersionId,
    pub school: SchoolId,
    pub decision: Decision,
    pub content_hash: String,
    pub audience_kind: MembershipKind,
    pub variables: BTreeMap<String, String>,
    pub typed_name: String,
    pub role: String,
    pub answers: BTreeMap<String, String>,
    pub method: SigningMethod,
    pub recorded_by: Option<uuid::Uuid>,
    pub note: Option<String>,
    pub decline_reason: Option<String>,
    pub signed_at: DateTime<Utc>,
    pub signed_on: NaiveDate,
    pub renew_on: Option<NaiveDate>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// How the signer was authenticated.
    pub identity: SignerIdentity,
    /// That the text was open before the answer (from a signing page).
    pub viewed: Option<ViewEvidence>,
    /// That a re-signer was shown what changed since their last signature.
    pub changes_shown: Option<ChangesShown>,
    /// A read-and-understand's passed check, or a training's evidence.
    pub completion: Option<CompletionEvidence>,
    /// Random, hex: salts the commitment to the personal fields.
    pub salt: String,
}

/// The public evidence kept in the row (and hashed with it).
#[derive(Debug, Default, Serialize, Deserialize)]
struct PublicEvidence {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    viewed: Option<ViewEvidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    changes_shown: Option<ChangesShown>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    completion: Option<CompletionEvidence>,
}

/// The row `new` becomes at `seq`, hashed onto `prev_hash` (format 2).
pub(super) fn chained(
    trust: TrustId,
    seq: i64,
    prev_hash: String,
    new: NewAcceptance,
) -> Acceptance {
    let personal = PersonalFields {
        typed_name: new.typed_name,
        role: new.role,
        answers: new.answers,
        note: new.note,
        ip: new.ip,
        user_agent: new.user_agent,
        identity: new.identity,
    };
    let commitment = personal.commitment(&new.salt);
    let row = Acceptance {
        id: AcceptanceId::generate(),
        trust,
        seq,
        person: new.person,
        policy: new.policy,
        version: new.version,
        school: new.school,
        decision: new.decision,
        content_hash: new.content_hash,
        audience_kind: new.audience_kind,
        variables: new.variables,
        typed_name: personal.typed_name,
        role: personal.role,
        answers: personal.answers,
        method: new.method,
        recorded_by: new.recorded_by,
        note: personal.note,
        decline_reason: new.decline_reason,
        signed_at: to_stored_precision(new.signed_at),
        signed_on: new.signed_on,
        renew_on: new.renew_on,
        ip: personal.ip,
        user_agent: personal.user_agent,
        prev_hash,
        row_hash: String::new(),
        format: ChainFormat::V2,
        viewed: new.viewed.map(|viewed| ViewEvidence {
            opened_at: to_stored_precision(viewed.opened_at),
            ..viewed
        }),
        changes_shown: new.changes_shown,
        completion: new.completion,
        identity: Some(personal.identity),
        personal_commitment: Some(commitment),
        salt: Some(new.salt),
        erased_at: None,
    };
    let row_hash = row.expected_hash();
    Acceptance { row_hash, ..row }
}

fn to_json<T: Serialize>(value: &T, what: &'static str) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(value).map_err(|error| StoreError::Corrupt {
        what,
        detail: error.to_string(),
    })
}

fn from_json<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    what: &'static str,
) -> Result<T, StoreError> {
    serde_json::from_value(value).map_err(|error| StoreError::Corrupt {
        what,
        detail: error.to_string(),
    })
}

/// The `acceptances` row: for format 2, the personal fields are left empty here.
pub(super) fn to_model(row: &Acceptance) -> Result<acceptance::ActiveModel, StoreError> {
    let in_row = row.format == ChainFormat::V1;
    let evidence = PublicEvidence {
        viewed: row.viewed,
        changes_shown: row.changes_shown,
        completion: row.completion.clone(),
    };
    Ok(acceptance::ActiveModel {
        id: Set(row.id.as_uuid()),
        trust_id: Set(row.trust.as_uuid()),
        seq: Set(row.seq),
        person_id: Set(row.person.as_uuid()),
        policy_id: Set(row.policy.as_uuid()),
        version_id: Set(row.version.as_uuid()),
        school_id: Set(row.school.as_uuid()),
        decision: Set(row.decision.as_str().to_owned()),
        content_hash: Set(row.content_hash.clone()),
        audience_kind: Set(row.audience_kind.as_str().to_owned()),
        variables: Set(to_json(&row.variables, "variables")?),
        typed_name: Set(if in_row {
            row.typed_name.clone()
        } else {
            String::new()
        }),
        role: Set(if in_row {
            row.role.clone()
        } else {
            String::new()
        }),
        answers: Set(if in_row {
            to_json(&row.answers, "answers")?
        } else {
            serde_json::json!({})
        }),
        method: Set(row.method.as_str().to_owned()),
        recorded_by: Set(row.recorded_by),
        note: Set(row.note.clone().filter(|_| in_row)),
        decline_reason: Set(row.decline_reason.clone()),
        signed_at: Set(row.signed_at),
        signed_on: Set(row.signed_on),
        renew_on: Set(row.renew_on),
        ip: Set(row.ip.clone().filter(|_| in_row)),
        user_agent: Set(row.user_agent.clone().filter(|_| in_row)),
        prev_hash: Set(row.prev_hash.clone()),
        row_hash: Set(row.row_hash.clone()),
        chain_format: Set(row.format.number()),
        evidence: Set(Some(to_json(&evidence, "evidence")?)),
        personal_commitment: Set(row.personal_commitment.clone()),
    })
}

/// The `acceptance_personal` row of a format-2 row.
pub(super) fn personal_model(
    row: &Acceptance,
) -> Option<Result<acceptance_personal::ActiveModel, StoreError>> {
    let fields = row.personal_fields()?;
    let salt = row.salt.clone()?;
    Some(
        to_json(&fields, "personal fields").map(|fields| acceptance_personal::ActiveModel {
            acceptance_id: Set(row.id.as_uuid()),
            trust_id: Set(row.trust.as_uuid()),
            salt: Set(salt),
            fields: Set(fields),
        }),
    )
}

/// Stored rows with their personal fields (and erasures) read in two statements.
pub(super) async fn hydrate<C: ConnectionTrait>(
    conn: &C,
    models: Vec<acceptance::Model>,
) -> Result<Vec<Acceptance>, StoreError> {
    let sealed: Vec<uuid::Uuid> = models
        .iter()
        .filter(|model| model.chain_format != ChainFormat::V1.number())
        .map(|model| model.id)
        .collect();
    let mut personal: HashMap<uuid::Uuid, acceptance_personal::Model> = HashMap::new();
    let mut erased: HashMap<uuid::Uuid, DateTime<Utc>> = HashMap::new();
    for chunk in sealed.chunks(500) {
        let found = acceptance_personal::Entity::find()
            .filter(acceptance_personal::Column::AcceptanceId.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        personal.extend(found.into_iter().map(|row| (row.acceptance_id, row)));
        erased.extend(erasures(conn, chunk).await?);
    }
    models
        .into_iter()
        .map(|model| {
            let id = model.id;
            to_acceptance(model, personal.remove(&id), erased.get(&id).copied())
        })
        .collect()
}

async fn erasures<C: ConnectionTrait>(
    conn: &C,
    ids: &[uuid::Uuid],
) -> Result<Vec<(uuid::Uuid, DateTime<Utc>)>, StoreError> {
    let mut values = Vec::with_capacity(ids.len());
    let list = bind_list(&mut values, ids.iter().copied());
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            conn.get_database_backend(),
            format!(
                "SELECT acceptance_id, erased_at FROM acceptance_erasures WHERE acceptance_id IN ({list})"
            ),
            values,
        ))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("", "acceptance_id")?,
                row.try_get("", "erased_at")?,
            ))
        })
        .collect()
}

fn to_acceptance(
    model: acceptance::Model,
    personal: Option<acceptance_personal::Model>,
    erased_at: Option<DateTime<Utc>>,
) -> Result<Acceptance, StoreError> {
    let format = ChainFormat::from_number(model.chain_format).ok_or(StoreError::Corrupt {
        what: "chain format",
        detail: model.chain_format.to_string(),
    })?;
    let evidence: PublicEvidence = match model.evidence {
        Some(value) => from_json(value, "evidence")?,
        None => PublicEvidence::default(),
    };
    let (fields, salt) = match personal {
        Some(row) => (
            Some(from_json::<PersonalFields>(row.fields, "personal fields")?),
            Some(row.salt),
        ),
        None => (None, None),
    };
    let mut row = Acceptance {
        id: AcceptanceId::from_uuid(model.id),
        trust: TrustId::from_uuid(model.trust_id),
        seq: model.seq,
        person: PersonId::from_uuid(model.person_id),
        policy: PolicyId::from_uuid(model.policy_id),
        version: PolicyVersionId::from_uuid(model.version_id),
        school: SchoolId::from_uuid(model.school_id),
        decision: model
            .decision
            .parse()
            .map_err(StoreError::corrupt("decision"))?,
        content_hash: model.content_hash,
        audience_kind: model
            .audience_kind
            .parse()
            .map_err(StoreError::corrupt("audience kind"))?,
        variables: from_json(model.variables, "variables")?,
        typed_name: model.typed_name,
        role: model.role,
        answers: from_json(model.answers, "answers")?,
        method: model
            .method
            .parse()
            .map_err(StoreError::corrupt("method"))?,
        recorded_by: model.recorded_by,
        note: model.note,
        decline_reason: model.decline_reason,
        signed_at: model.signed_at,
        signed_on: model.signed_on,
        renew_on: model.renew_on,
        ip: model.ip,
        user_agent: model.user_agent,
        prev_hash: model.prev_hash,
        row_hash: model.row_hash,
        format,
        viewed: evidence.viewed,
        changes_shown: evidence.changes_shown,
        completion: evidence.completion,
        identity: None,
        personal_commitment: model.personal_commitment,
        salt,
        erased_at,
    };
    if let Some(fields) = fields {
        row.typed_name = fields.typed_name;
        row.role = fields.role;
        row.answers = fields.answers;
        row.note = fields.note;
        row.ip = fields.ip;
        row.user_agent = fields.user_agent;
        row.identity = Some(fields.identity);
    }
    Ok(row)
}
