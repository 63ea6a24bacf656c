//! A trust's email settings: its sender, reply-to and footer, when mail may go out, and
//! how signatures are chased. Trust admins change them; everyone's email uses them.

use attest_domain::{MailSettings, MailSettingsInput, Principal};
use attest_store::{TransactionTrait, TrustMailSettings};

use crate::audit::{Change, record};
use crate::email_templates::Branding;
use crate::{App, AppError};

/// The settings as stored and shown (times as `HH:MM` in England).
fn public_shape(settings: &MailSettings) -> serde_json::Value {
    serde_json::json!({
        "fromName": settings.from_name,
        "fromAddress": settings.from_address.as_ref().map(attest_domain::Email::as_str),
        "replyTo": settings.reply_to.as_ref().map(attest_domain::Email::as_str),
        "footer": settings.footer,
        "windowOpens": attest_domain::clock_text(settings.window.opens),
        "windowCloses": attest_domain::clock_text(settings.window.closes),
        "weekends": settings.window.weekends,
        "reminderDays": settings.plan.reminder_days,
        "escalateAfterOverdueDays": settings.plan.escalate_after_overdue_days,
    })
}

impl App {
    /// The trust's mail settings (the defaults until an admin sets them).
    pub async fn mail_settings(&self, principal: &Principal) -> Result<MailSettings, AppError> {
        if !principal.can_administer_trust() {
            return Err(AppError::forbidden(
                "only a trust admin can see the mail settings",
            ));
        }
        Ok(TrustMailSettings::new(&self.db, &principal.scope())
            .get()
            .await?)
    }

    pub async fn set_mail_settings(
        &self,
        principal: &Principal,
        input: MailSettingsInput,
    ) -> Result<MailSettings, AppError> {
        if !principal.can_administer_trust() {
            return Err(AppError::forbidden(
                "only a trust admin can change the mail settings",
            ));
        }
        let settings = MailSettings::parse(input)?;
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        let stored = TrustMailSettings::new(&txn, &scope);
        // Damaged stored settings must not stop an admin from replacing them.
        let before = match stored.get().await {
            Ok(settings) => Some(public_shape(&settings)),
            Err(attest_store::StoreError::Corrupt { .. }) => None,
            Err(error) => return Err(error.into()),
        };
        stored.put(&settings, at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "mail.settings",
                subject_type: "trust",
                subject_id: scope.trust().as_uuid(),
                before: before.as_ref(),
                after: Some(&public_shape(&settings)),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(settings)
    }

    /// The trust's name and footer for the emails it sends.
    pub(crate) async fn branding(&self, principal: &Principal) -> Result<Branding, AppError> {
        let trust = self.trust(principal).await?;
        let settings = TrustMailSettings::new(&self.db, &principal.scope())
            .get()
            .await?;
        Ok(Branding {
            trust: trust.name.as_str().to_owned(),
            footer: settings.footer,
        })
    }

    /// The branding for `attest mail preview --trust`.
    pub async fn preview_branding(&self, principal: &Principal) -> Result<Branding, AppError> {
        self.branding(principal).await
    }
}
