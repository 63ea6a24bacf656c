//! Input types and their conversion to the use cases' inputs.

use std::collections::BTreeMap;

use async_graphql::InputObject;
use attest_domain::ResignSchedule;
use chrono::NaiveDate;
use uuid::Uuid;

use crate::error::{ErrorCode, OrGraphql, coded};

use crate::school::Answer;

pub(super) fn answers_map(answers: Vec<Answer>) -> BTreeMap<String, String> {
    answers.into_iter().map(|a| (a.key, a.answer)).collect()
}

#[derive(InputObject)]
pub struct SignPolicyInput {
    pub version_id: Uuid,
    /// Which of your schools' copy you read; only needed if you are at two.
    pub school_id: Option<Uuid>,
    /// From `signingForm`: proves which text was read. A stale hash is refused.
    pub content_hash: String,
    /// Your full name, as your school has it (case and spacing do not matter).
    pub typed_name: String,
    /// Your role; your job title when not given.
    pub role: Option<String>,
    #[graphql(default)]
    pub answers: Vec<Answer>,
    /// For staff without SSO: the secret from their signing link.
    pub magic_link_token: Option<String>,
    /// From `signingForm`: the view the text was read in (kept as evidence; needed
    /// when the trust sets a reading rule).
    pub view_id: Option<Uuid>,
    /// A read-and-understand text's check of understanding: the option chosen for each
    /// question (from 0), in order. Every attempt is kept; a fail is refused with the
    /// score.
    #[graphql(default)]
    pub understanding: Vec<u32>,
}

#[derive(InputObject)]
pub struct DeclinePolicyInput {
    pub version_id: Uuid,
    pub school_id: Option<Uuid>,
    pub content_hash: String,
    /// Shown to your school admin.
    pub reason: String,
    pub magic_link_token: Option<String>,
    pub view_id: Option<Uuid>,
}

#[derive(InputObject)]
pub struct RecordPaperAcceptanceInput {
    pub person_id: Uuid,
    pub version_id: Uuid,
    pub school_id: Option<Uuid>,
    /// The name written on the form.
    pub typed_name: String,
    pub role: Option<String>,
    #[graphql(default)]
    pub answers: Vec<Answer>,
    /// The date on the form; today when not given.
    pub signed_on: Option<NaiveDate>,
    /// Where the form is kept, who witnessed it.
    pub note: String,
}

#[derive(InputObject)]
pub struct GrantExemptionInput {
    pub person_id: Uuid,
    /// Null: every policy.
    pub policy_id: Option<Uuid>,
    pub reason: String,
    pub starts_on: Option<NaiveDate>,
    /// The last day it covers.
    pub ends_on: NaiveDate,
}

#[derive(InputObject)]
pub struct SigningRulesInput {
    pub policy_id: Uuid,
    /// Sign again every N months after signing…
    pub resign_every_months: Option<u32>,
    /// …or each year on this day, as MM-DD (e.g. "09-01")…
    pub resign_annually_on: Option<String>,
    /// …or only when a version requiring it is published (set true).
    #[graphql(default)]
    pub only_on_new_version: bool,
    #[graphql(default = 14)]
    pub grace_days: u32,
}

pub(super) fn schedule(input: &SigningRulesInput) -> async_graphql::Result<ResignSchedule> {
    let chosen = usize::from(input.resign_every_months.is_some())
        + usize::from(input.resign_annually_on.is_some())
        + usize::from(input.only_on_new_version);
    if chosen != 1 {
        return Err(coded(
            ErrorCode::BadUserInput,
            "give exactly one of resignEveryMonths, resignAnnuallyOn, onlyOnNewVersion",
        ));
    }
    if let Some(months) = input.resign_every_months {
        return ResignSchedule::every_months(months)
            .map_err(Into::into)
            .gql();
    }
    if let Some(day) = &input.resign_annually_on {
        let bad = || {
            coded(
                ErrorCode::BadUserInput,
                format!("resignAnnuallyOn: '{day}' is not MM-DD (e.g. 09-01)"),
            )
        };
        let (month, day_of_month) = day.split_once('-').ok_or_else(bad)?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        let day_of_month: u32 = day_of_month.parse().map_err(|_| bad())?;
        return ResignSchedule::annually_on(month, day_of_month)
            .map_err(Into::into)
            .gql();
    }
    Ok(ResignSchedule::OnNewVersion)
}
