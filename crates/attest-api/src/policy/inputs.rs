//! Input types and their conversion to the use cases' inputs.

use std::collections::BTreeMap;

use async_graphql::InputObject;
use chrono::NaiveDate;
use uuid::Uuid;

use super::objects::PolicyKind;
use crate::school::MembershipKind;

#[derive(InputObject)]
pub struct VariableInput {
    pub key: String,
    /// An empty value removes the school's value.
    pub value: String,
}

pub(super) fn variables(input: Vec<VariableInput>) -> BTreeMap<String, String> {
    input.into_iter().map(|v| (v.key, v.value)).collect()
}

#[derive(InputObject)]
pub struct ImportPolicyInput {
    /// The policy as plain text or Markdown. Give this or `file`.
    pub text: Option<String>,
    /// The policy's file, base64: a Word document (.docx), a PDF, or text or Markdown,
    /// told apart by content. The request must fit the GraphQL body limit
    /// (`graphql.max_body_bytes`, 1 MiB unless set); `attest policy import` takes any
    /// size up to 20 MiB.
    pub file: Option<String>,
    /// The file's name, kept with it for download (`PolicyVersion.sourceFile`); a name
    /// is made from the version's number when left out.
    pub file_name: Option<String>,
    /// Taken from the document when left out.
    pub title: Option<String>,
    #[graphql(default_with = "PolicyKind::School")]
    pub kind: PolicyKind,
    /// Required for a SCHOOL policy.
    pub school_id: Option<Uuid>,
    /// Import as a new draft of this existing policy.
    pub policy_id: Option<Uuid>,
    /// For a new policy: sign it (an AUP), READ it and confirm (KCSIE), or complete
    /// TRAINING (a course renewed on its schedule).
    #[graphql(default_with = "super::values::ObligationKind::Sign")]
    pub obligation: super::values::ObligationKind,
}

#[derive(InputObject)]
pub struct UpdateDraftInput {
    pub text: Option<String>,
    pub review_cycle_months: Option<u32>,
    pub next_review_on: Option<NaiveDate>,
}

#[derive(InputObject)]
pub struct PublishVersionInput {
    /// Must everyone who signed the previous version sign this one?
    pub resign_required: bool,
    pub change_note: Option<String>,
}

#[derive(InputObject)]
pub struct AdaptationInput {
    /// The section's number, or its heading (see `PolicyVersion.editableSections`).
    pub section: String,
    /// The school's text for it (Markdown); empty returns to the template's text.
    pub text: String,
}

#[derive(InputObject)]
pub struct AdoptTemplateInput {
    pub template_version_id: Uuid,
    pub school_id: Uuid,
    #[graphql(default)]
    pub variables: Vec<VariableInput>,
    /// The school's text for sections the template marks as the school's to write;
    /// earlier adaptations are kept unless replaced.
    #[graphql(default)]
    pub adaptations: Vec<AdaptationInput>,
}

#[derive(InputObject)]
pub struct SetSchoolVariablesInput {
    pub policy_id: Uuid,
    pub school_id: Uuid,
    #[graphql(default)]
    pub variables: Vec<VariableInput>,
    /// Kinds of member who must sign at this school; left out keeps the current setting.
    pub audience: Option<Vec<MembershipKind>>,
}
