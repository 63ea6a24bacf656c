//! Magic links: a single-use, expiring link by email for staff who cannot sign in.

use attest_document::{Format, render};
use attest_domain::{MagicLinkId, PersonId, PolicyId, Principal, VersionState};
use attest_store::{
    MagicLinks, NewEmail, NewMagicLink, Outbox, Policies, PolicyVersions, TransactionTrait,
};
use chrono::{DateTime, Duration, Utc};

use super::obligation::obligation;
use crate::audit::{Change, record};
use crate::{App, AppError};

/// How long a link works unless the sender says otherwise.
pub const DEFAULT_LINK_DAYS: i64 = 14;

#[derive(Debug, Clone)]
pub struct MagicLinkSent {
    pub link: MagicLinkId,
    pub email: String,
    pub expires_at: DateTime<Utc>,
}

/// What a magic link opens: the text to read and what the form asks.
#[derive(Debug, Clone)]
pub struct SigningForm {
    pub person_name: String,
    pub policy_title: String,
    pub version: attest_domain::PolicyVersionId,
    pub version_number: u32,
    pub html: String,
    pub content_hash: String,
    pub questions: Vec<attest_document::ConsentQuestion>,
    pub role: String,
    /// For a magic link: when it stops working.
    pub expires_at: Option<DateTime<Utc>>,
    /// The view this page records (none for a paper form).
    pub view: Option<uuid::Uuid>,
    /// For a re-signer: what changed since the version they last signed.
    pub changes: Option<super::ChangesSince>,
    /// What the trust asks of a reader before the sign button works.
    pub reading_rule: attest_domain::ReadingRule,
    /// Sign, or read and confirm (a training course has no form).
    pub obligation: attest_domain::ObligationKind,
    /// A read-and-understand text's check of understanding, without its answers.
    pub understanding: Option<attest_domain::ReaderCheck>,
}

impl App {
    /// Emails the person a link to sign the policy's current version (queued in the
    /// outbox, in the same transaction as the link).
    pub async fn send_magic_link(
        &self,
        principal: &Principal,
        person: PersonId,
        policy: PolicyId,
        valid_days: Option<i64>,
    ) -> Result<MagicLinkSent, AppError> {
        let days = valid_days.unwrap_or(DEFAULT_LINK_DAYS);
        if !(1..=60).contains(&days) {
            return Err(AppError::invalid("validDays", "between 1 and 60 days"));
        }
        if !principal.can_manage_people() {
            return Err(AppError::forbidden(
                "only a school admin or trust admin can send signing links",
            ));
        }
        self.rate_limits.hit(
            crate::Limit::MagicLinkSend,
            &crate::rate_limit::principal_key(principal),
        )?;
        let scope = principal.scope();
        let policy = Policies::new(&self.db, &scope).get(policy).await?;
        let version = PolicyVersions::new(&self.db, &scope)
            .in_state(policy.id, VersionState::Published)
            .await?
            .ok_or_else(|| {
                AppError::Conflict(format!("'{}' has no published version", policy.title))
            })?;
        let found = obligation(
            (&self.db, &self.signing_texts),
            &scope,
            person,
            version.id,
            None,
            self.today(),
        )
        .await
        .map_err(|error| match error {
            AppError::Forbidden(message) => AppError::invalid("personId", message),
            other => other,
        })?;
        if !principal.can_manage_school(found.school) {
            return Err(AppError::forbidden("you cannot send links for this school"));
        }
        let email = found.person.email.clone().ok_or_else(|| {
            AppError::invalid(
                "personId",
                format!("{} has no email address", found.person.full_name),
            )
        })?;
        let minted = attest_auth::mint_magic_link()
            .map_err(|error| AppError::Internal(error.to_string()))?;
        let at = self.now();
        let expires_at = at + Duration::days(days);
        // Read before the transaction: it must hold one pooled connection, not wait for a second.
        let branding = self.branding(principal).await?;
        let txn = self.db.begin().await?;
        let link = MagicLinks::new(&txn, &scope)
            .insert(NewMagicLink {
                person: found.person.id,
                version: version.id,
                school: found.school,
                token_hash: minted.hash,
                at,
                expires_at,
            })
            .await?;
        let url = format!("{}/sign/{}", self.public_url(), minted.secret);
        let expires_on = expires_at
            .with_timezone(&crate::SCHOOL_TIME_ZONE)
            .format("%-d %B %Y");
        let body = crate::email_templates::render_email(
            "magic_link",
            &branding,
            minijinja::context! {
                name => found.person.full_name.as_str(),
                title => policy.title.clone(),
                number => version.number,
                url => url,
                expires => expires_on.to_string(),
            },
        )?;
        Outbox::new(&txn, &scope)
            .enqueue(NewEmail {
                kind: "magic_link",
                to_address: email.as_str().to_owned(),
                subject: body.subject,
                body_text: body.text,
                body_html: Some(body.html),
                dedupe_key: Some(format!("magic_link:{}", link.id)),
                at,
            })
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "magic_link.send",
                subject_type: "person",
                subject_id: found.person.id.as_uuid(),
                before: None::<&serde_json::Value>,
                after: Some(&serde_json::json!({
                    "link": link.id,
                    "version": version.id,
                    "expires_at": expires_at,
                })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(MagicLinkSent {
            link: link.id,
            email: email.as_str().to_owned(),
            expires_at,
        })
    }

    /// What a magic link shows. Unknown, expired and used links get the same error.
    pub async fn open_signing_form(&self, secret: &str) -> Result<SigningForm, AppError> {
        let signer = self.link_holder(secret, None).await?;
        self.form_for_reader(&signer.scope, &signer.found, signer.expires_at, None)
            .await
    }

    /// The form for a reader: a view recorded (or `view` kept, when the form is shown
    /// again after a refusal), the changes since their last signature and the rule.
    pub(super) async fn form_for_reader(
        &self,
        scope: &attest_domain::TenantScope,
        found: &super::obligation::Obligation,
        expires_at: Option<DateTime<Utc>>,
        view: Option<uuid::Uuid>,
    ) -> Result<SigningForm, AppError> {
        let view = match view {
            Some(view) => view,
            None => self.open_view(scope, found).await?,
        };
        Ok(SigningForm {
            view: Some(view),
            changes: self.changes_since_signed(scope, found).await?,
            reading_rule: self.reading_rule(scope).await?,
            understanding: self
                .reader_check(scope, found)
                .await?
                .as_ref()
                .map(attest_domain::UnderstandingCheck::for_reader),
            ..signing_form(found, expires_at)
        })
    }

    /// What the signed-in member of staff is asked to read and sign for a version.
    pub async fn signing_form(
        &self,
        principal: &Principal,
        version: attest_domain::PolicyVersionId,
        school: Option<attest_domain::SchoolId>,
    ) -> Result<SigningForm, AppError> {
        let own = principal.own_records().ok_or_else(|| {
            AppError::forbidden("only the member of staff themselves has a signing form")
        })?;
        let (person, scope) = own.keyed();
        let found = obligation(
            (&self.db, &self.signing_texts),
            scope,
            person,
            version,
            school,
            self.today(),
        )
        .await?;
        self.form_for_reader(scope, &found, None, None).await
    }
}

impl App {
    /// What a school admin transcribes from a member of staff's paper form: their copy of
    /// the version and its questions.
    pub async fn paper_signing_form(
        &self,
        principal: &Principal,
        person: attest_domain::PersonId,
        version: attest_domain::PolicyVersionId,
        school: Option<attest_domain::SchoolId>,
    ) -> Result<SigningForm, AppError> {
        let found = self
            .paper_obligation(principal, person, version, school)
            .await?;
        Ok(signing_form(&found, None))
    }
}

pub(super) fn signing_form(
    found: &super::obligation::Obligation,
    expires_at: Option<DateTime<Utc>>,
) -> SigningForm {
    SigningForm {
        person_name: found.person.full_name.as_str().to_owned(),
        policy_title: found.policy.title.clone(),
        version: found.version.id,
        version_number: found.version.number,
        html: render(&found.version.document, &found.reader(), Format::Html),
        content_hash: found.content_hash.clone(),
        questions: found.questions.clone(),
        role: found
            .job_title
            .clone()
            .unwrap_or_else(|| found.kind.as_str().to_owned()),
        expires_at,
        view: None,
        changes: None,
        reading_rule: attest_domain::ReadingRule::default(),
        obligation: found.policy.obligation,
        understanding: None,
    }
}

/// What "send reminders now" did for a school.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchoolReminders {
    pub sent: usize,
    /// People owed a signature with no email address to send it to.
    pub without_email: Vec<String>,
}

impl App {
    /// A school admin's "send reminders now": a signing link to everyone at the school
    /// who owes a signature (due or overdue), one per person and policy.
    pub async fn send_school_reminders(
        &self,
        principal: &Principal,
        school: attest_domain::SchoolId,
    ) -> Result<SchoolReminders, AppError> {
        if !principal.can_manage_school(school) {
            return Err(AppError::forbidden(
                "only the school's admins can send its reminders",
            ));
        }
        self.rate_limits.hit(
            crate::Limit::ReminderSend,
            &crate::rate_limit::principal_key(principal),
        )?;
        let owed = self
            .compliance_all(
                principal,
                crate::ComplianceFilter {
                    school: Some(school),
                    ..crate::ComplianceFilter::default()
                },
            )
            .await?;
        let mut seen = std::collections::BTreeSet::new();
        let mut report = SchoolReminders::default();
        for row in owed.iter().filter(|row| {
            matches!(
                row.status,
                attest_domain::ComplianceStatus::Due | attest_domain::ComplianceStatus::Overdue
            )
        }) {
            if !seen.insert((row.person, row.policy)) {
                continue;
            }
            if row.email.is_none() {
                report.without_email.push(row.full_name.clone());
                continue;
            }
            self.send_magic_link(principal, row.person, row.policy, None)
                .await?;
            report.sent += 1;
        }
        Ok(report)
    }
}
