//! Each trust's email settings, stored as the admin's validated values.

use std::collections::HashMap;

use attest_domain::{MailSettings, MailSettingsInput, TenantScope, TrustId, clock_text};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::StoreError;
use crate::entities::trust_mail_setting;

fn to_settings(model: trust_mail_setting::Model) -> Result<MailSettings, StoreError> {
    let reminder_days = model
        .reminder_days
        .split(',')
        .filter(|day| !day.is_empty())
        .map(|day| {
            day.parse::<u32>().map_err(|_| StoreError::Corrupt {
                what: "reminder days",
                detail: model.reminder_days.clone(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    MailSettings::parse(MailSettingsInput {
        from_name: model.from_name,
        from_address: model.from_address,
        reply_to: model.reply_to,
        footer: model.footer,
        window_opens: model.window_opens,
        window_closes: model.window_closes,
        weekends: model.weekends,
        reminder_days,
        escalate_after_overdue_days: u32::try_from(model.escalate_after_overdue_days)
            .unwrap_or_default(),
    })
    .map_err(StoreError::corrupt("mail settings"))
}

pub struct TrustMailSettings<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> TrustMailSettings<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    /// The trust's settings, or the defaults when it never set any.
    pub async fn get(&self) -> Result<MailSettings, StoreError> {
        match trust_mail_setting::Entity::find_by_id(self.scope.trust().as_uuid())
            .one(self.conn)
            .await?
        {
            Some(model) => to_settings(model),
            None => MailSettings::parse(MailSettingsInput::defaults())
                .map_err(StoreError::corrupt("default mail settings")),
        }
    }

    pub async fn put(&self, settings: &MailSettings, at: DateTime<Utc>) -> Result<(), StoreError> {
        let model = trust_mail_setting::ActiveModel {
            trust_id: Set(self.scope.trust().as_uuid()),
            from_name: Set(settings.from_name.clone()),
            from_address: Set(settings
                .from_address
                .as_ref()
                .map(|a| a.as_str().to_owned())),
            reply_to: Set(settings.reply_to.as_ref().map(|a| a.as_str().to_owned())),
            footer: Set(settings.footer.clone()),
            window_opens: Set(clock_text(settings.window.opens)),
            window_closes: Set(clock_text(settings.window.closes)),
            weekends: Set(settings.window.weekends),
            reminder_days: Set(settings
                .plan
                .reminder_days
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",")),
            escalate_after_overdue_days: Set(i32::try_from(
                settings.plan.escalate_after_overdue_days,
            )
            .unwrap_or(i32::MAX)),
            updated_at: Set(at),
        };
        use trust_mail_setting::Column;
        trust_mail_setting::Entity::insert(model)
            .on_conflict(
                OnConflict::column(Column::TrustId)
                    .update_columns([
                        Column::FromName,
                        Column::FromAddress,
                        Column::ReplyTo,
                        Column::Footer,
                        Column::WindowOpens,
                        Column::WindowCloses,
                        Column::Weekends,
                        Column::ReminderDays,
                        Column::EscalateAfterOverdueDays,
                        Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(self.conn)
            .await?;
        Ok(())
    }
}

/// The settings of each of `trusts` that set any, for the dispatcher (which works across
/// trusts and only needs each message's sender).
pub async fn mail_settings_for_delivery(
    conn: &impl ConnectionTrait,
    trusts: &[TrustId],
) -> Result<HashMap<TrustId, MailSettings>, StoreError> {
    if trusts.is_empty() {
        return Ok(HashMap::new());
    }
    trust_mail_setting::Entity::find()
        .filter(
            trust_mail_setting::Column::TrustId.is_in(trusts.iter().map(|trust| trust.as_uuid())),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|model| {
            let trust = TrustId::from_uuid(model.trust_id);
            to_settings(model).map(|settings| (trust, settings))
        })
        .collect()
}
