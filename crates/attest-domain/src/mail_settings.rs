//! A trust's email settings: who its mail comes from, where replies go, the footer on
//! every message, when mail may be sent and how signatures are chased.

use chrono::NaiveTime;

use crate::{DomainError, Email, ReminderPlan, SendWindow};

/// Validated settings; `None` parts fall back to the server's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MailSettings {
    /// The display name on the From line, e.g. `Riverside Learning Trust`.
    pub from_name: Option<String>,
    /// The From address (the mail server must accept it for this trust's domain).
    pub from_address: Option<Email>,
    pub reply_to: Option<Email>,
    /// Plain text added to the end of every email (contact details, a safeguarding line).
    pub footer: Option<String>,
    pub window: SendWindow,
    pub plan: ReminderPlan,
}

/// The settings as an admin typed them.
#[derive(Debug, Clone, Default)]
pub struct MailSettingsInput {
    pub from_name: Option<String>,
    pub from_address: Option<String>,
    pub reply_to: Option<String>,
    pub footer: Option<String>,
    /// `HH:MM` in England.
    pub window_opens: String,
    pub window_closes: String,
    pub weekends: bool,
    pub reminder_days: Vec<u32>,
    pub escalate_after_overdue_days: u32,
}

const MAX_FOOTER: usize = 2_000;
const MAX_NAME: usize = 120;
const MAX_REMINDERS: usize = 10;

fn blank_to_none(value: Option<String>) -> Option<String> {
    value
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

fn clock_time(field: &'static str, raw: &str) -> Result<NaiveTime, DomainError> {
    let trimmed = raw.trim();
    if trimmed == "24:00" {
        return Ok(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN));
    }
    NaiveTime::parse_from_str(trimmed, "%H:%M").map_err(|_| {
        DomainError::invalid(
            field,
            format!("'{raw}' is not a time of day such as 08:00 or 18:30"),
        )
    })
}

/// A window's edge as an admin writes it: `HH:MM`, with the end of the day as `24:00`.
pub fn clock_text(time: NaiveTime) -> String {
    if time >= NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN) {
        "24:00".to_owned()
    } else {
        time.format("%H:%M").to_string()
    }
}

impl MailSettings {
    pub fn parse(input: MailSettingsInput) -> Result<Self, DomainError> {
        let from_name = blank_to_none(input.from_name);
        if let Some(name) = &from_name {
            if name.chars().any(char::is_control) {
                return Err(DomainError::invalid(
                    "from_name",
                    "must be one line without control characters",
                ));
            }
            if name.chars().count() > MAX_NAME {
                return Err(DomainError::invalid(
                    "from_name",
                    format!("is longer than {MAX_NAME} characters"),
                ));
            }
        }
        let address = |field: &'static str, raw: Option<String>| {
            blank_to_none(raw)
                .map(|raw| {
                    Email::parse(&raw).map_err(|error| {
                        DomainError::invalid(field, error.to_string().replace("email: ", ""))
                    })
                })
                .transpose()
        };
        let from_address = address("from_address", input.from_address)?;
        let reply_to = address("reply_to", input.reply_to)?;
        let footer = blank_to_none(input.footer);
        if let Some(footer) = &footer {
            if footer.chars().count() > MAX_FOOTER {
                return Err(DomainError::invalid(
                    "footer",
                    format!("is longer than {MAX_FOOTER} characters"),
                ));
            }
            if footer
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
            {
                return Err(DomainError::invalid(
                    "footer",
                    "contains control characters",
                ));
            }
        }
        let opens = clock_time("window_opens", &input.window_opens)?;
        let closes = clock_time("window_closes", &input.window_closes)?;
        if opens >= closes {
            return Err(DomainError::invalid(
                "window_closes",
                format!(
                    "the send window must close after it opens ({} is not after {})",
                    input.window_closes.trim(),
                    input.window_opens.trim()
                ),
            ));
        }
        let days = input.reminder_days;
        if days.len() > MAX_REMINDERS {
            return Err(DomainError::invalid(
                "reminder_days",
                format!("at most {MAX_REMINDERS} reminders"),
            ));
        }
        if let Some(bad) = days.iter().find(|day| !(1..=365).contains(*day)) {
            return Err(DomainError::invalid(
                "reminder_days",
                format!("{bad} is not between 1 and 365 days after the due day"),
            ));
        }
        if days.windows(2).any(|pair| pair[0] >= pair[1]) {
            return Err(DomainError::invalid(
                "reminder_days",
                format!("days must increase, each once ({days:?})"),
            ));
        }
        if input.escalate_after_overdue_days > 365 {
            return Err(DomainError::invalid(
                "escalate_after_overdue_days",
                "must be at most 365",
            ));
        }
        Ok(Self {
            from_name,
            from_address,
            reply_to,
            footer,
            window: SendWindow {
                opens,
                closes,
                weekends: input.weekends,
            },
            plan: ReminderPlan {
                reminder_days: days,
                escalate_after_overdue_days: input.escalate_after_overdue_days,
            },
        })
    }

    /// The From mailbox text (`Name <address>`), or `None` to use the server's.
    pub fn from_mailbox(&self) -> Option<String> {
        let address = self.from_address.as_ref()?;
        Some(match &self.from_name {
            Some(name) => format!(
                "\"{}\" <{}>",
                name.replace(['"', '\\'], ""),
                address.as_str()
            ),
            None => address.as_str().to_owned(),
        })
    }
}

impl MailSettingsInput {
    /// The defaults as input: Monday to Friday 08:00–18:00, reminders after 3, 7 and
    /// 14 days, the school admin told 7 days after a signature becomes overdue.
    pub fn defaults() -> Self {
        let plan = ReminderPlan::default();
        Self {
            window_opens: "08:00".to_owned(),
            window_closes: "18:00".to_owned(),
            weekends: false,
            reminder_days: plan.reminder_days,
            escalate_after_overdue_days: plan.escalate_after_overdue_days,
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(change: impl FnOnce(&mut MailSettingsInput)) -> Result<MailSettings, DomainError> {
        let mut input = MailSettingsInput::defaults();
        change(&mut input);
        MailSettings::parse(input)
    }

    #[test]
    fn defaults_are_the_documented_window_and_plan() {
        let settings = parse(|_| {}).expect("defaults are valid");
        assert_eq!(settings.window, SendWindow::default());
        assert_eq!(settings.plan, ReminderPlan::default());
        assert_eq!(settings.from_mailbox(), None);
    }

    #[test]
    fn branding_is_trimmed_and_checked() {
        let settings = parse(|input| {
            input.from_name = Some("  Riverside \"Learning\" Trust ".to_owned());
            input.from_address = Some("Attest@Riverside.org.uk".to_owned());
            input.reply_to = Some("   ".to_owned());
            input.footer = Some("Call 01234 567890\nDPO: dpo@riverside.org.uk".to_owned());
        })
        .expect("valid");
        assert_eq!(
            settings.from_mailbox().as_deref(),
            Some("\"Riverside Learning Trust\" <attest@riverside.org.uk>")
        );
        assert_eq!(settings.reply_to, None);
        let injected = parse(|input| {
            input.from_name = Some("Trust\r\nBcc: everyone@example.com".to_owned());
        })
        .expect_err("a header injection");
        assert_eq!(injected.field(), "from_name");
        let bad_address =
            parse(|input| input.reply_to = Some("office".to_owned())).expect_err("no @");
        assert_eq!(bad_address.field(), "reply_to");
        assert!(
            bad_address.to_string().contains("'office' has no '@'"),
            "{bad_address}"
        );
        let long = parse(|input| input.footer = Some("x".repeat(2_001))).expect_err("long");
        assert_eq!(long.field(), "footer");
    }

    #[test]
    fn windows_and_plans_must_make_sense() {
        let evening = parse(|input| {
            input.window_opens = "07:30".to_owned();
            input.window_closes = "24:00".to_owned();
            input.weekends = true;
        })
        .expect("valid");
        assert!(evening.window.weekends);
        assert_eq!(clock_text(evening.window.closes), "24:00");
        assert_eq!(clock_text(evening.window.opens), "07:30");
        assert_eq!(
            evening.window.opens,
            NaiveTime::from_hms_opt(7, 30, 0).expect("t")
        );
        for (opens, closes, field) in [
            ("18:00", "08:00", "window_closes"),
            ("8am", "18:00", "window_opens"),
            ("08:00", "25:00", "window_closes"),
        ] {
            let error = parse(|input| {
                input.window_opens = opens.to_owned();
                input.window_closes = closes.to_owned();
            })
            .expect_err("refused");
            assert_eq!(error.field(), field, "{opens}-{closes}");
        }
        for days in [
            vec![7, 3],
            vec![3, 3],
            vec![0, 3],
            vec![400],
            (1..=11).collect(),
        ] {
            let error = parse(|input| input.reminder_days = days.clone()).expect_err("refused");
            assert_eq!(error.field(), "reminder_days", "{days:?}");
        }
        assert!(
            parse(|input| input.reminder_days = Vec::new()).is_ok(),
            "notice only"
        );
        assert_eq!(
            parse(|input| input.escalate_after_overdue_days = 366)
                .expect_err("refused")
                .field(),
            "escalate_after_overdue_days"
        );
    }
}
