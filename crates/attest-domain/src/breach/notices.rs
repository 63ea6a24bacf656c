//! Telling the people affected (UK GDPR article 34) and other bodies (the police, the
//! DfE, the insurer…): what a record of each must hold, checked before it is kept.

use chrono::{DateTime, Duration, Utc};

use super::{OtherNotice, OtherParty, SubjectNotice, breach_optional_text, breach_text};
use crate::DomainError;

/// A clock on the DPO's machine a little ahead of the server's is not "the future".
const CLOCK_SLACK: Duration = Duration::minutes(5);

fn when(at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<DateTime<Utc>, DomainError> {
    let at = at.unwrap_or(now);
    if at > now + CLOCK_SLACK {
        return Err(DomainError::invalid("notifiedAt", "is in the future"));
    }
    Ok(at)
}

impl SubjectNotice {
    /// Article 34(2): the people are told in clear language what happened, the likely
    /// consequences, the measures taken and whom to contact; the message itself is
    /// kept, with how, when and how many were told (none counted for a public notice
    /// is allowed, since a notice reaches an unknown number).
    pub fn record(
        notified_at: Option<DateTime<Utc>>,
        how: &str,
        message: &str,
        people_told: Option<u32>,
        public_notice: bool,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        if people_told == Some(0) && !public_notice {
            return Err(DomainError::invalid(
                "peopleTold",
                "is 0: give how many were told, or record a public notice instead",
            ));
        }
        Ok(Self {
            notified_at: when(notified_at, now)?,
            how: breach_text("how", how)?,
            message: Some(breach_text("message", message)?),
            people_told,
            public_notice,
        })
    }
}

impl OtherNotice {
    /// Another body told: which (the trust's usual list, or `other` with the detail
    /// naming it), when, and the reference they gave.
    pub fn record(
        party: &str,
        notified_at: Option<DateTime<Utc>>,
        reference: Option<&str>,
        detail: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        let party: OtherParty = party.trim().parse()?;
        let detail = breach_optional_text("detail", detail)?;
        if party == OtherParty::Other && detail.is_none() {
            return Err(DomainError::invalid(
                "detail",
                "name the body that was told when it is not one of the listed ones",
            ));
        }
        Ok(Self {
            party,
            notified_at: when(notified_at, now)?,
            reference: breach_optional_text("reference", reference)?,
            detail,
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
            .single()
            .expect("time")
    }

    #[test]
    fn people_are_told_with_the_message_kept() {
        let told = SubjectNotice::record(
            None,
            " Letter home ",
            "A list with your child's name was left on a bus and returned.",
            Some(30),
            false,
            now(),
        )
        .expect("a letter");
        assert_eq!(
            (told.how.as_str(), told.notified_at, told.people_told),
            ("Letter home", now(), Some(30))
        );
        assert!(told.message.is_some());
        let missing = SubjectNotice::record(None, "Letter", "  ", Some(3), false, now())
            .expect_err("article 34(2) needs the message");
        assert_eq!(missing.field(), "message");
        let no_how =
            SubjectNotice::record(None, "", "What happened.", None, false, now()).expect_err("how");
        assert_eq!(no_how.field(), "how");
    }

    #[test]
    fn nobody_told_is_only_a_public_notice() {
        let none = SubjectNotice::record(None, "Letter", "Sorry.", Some(0), false, now())
            .expect_err("nobody told");
        assert_eq!(none.field(), "peopleTold");
        let notice = SubjectNotice::record(None, "The website", "Sorry.", Some(0), true, now())
            .expect("a public notice reaches an unknown number");
        assert!(notice.public_notice);
    }

    #[test]
    fn times_may_be_earlier_but_not_in_the_future() {
        let earlier = now() - Duration::days(2);
        assert_eq!(
            SubjectNotice::record(Some(earlier), "Call", "Sorry.", Some(1), false, now())
                .map(|notice| notice.notified_at),
            Ok(earlier)
        );
        let slack = now() + Duration::minutes(4);
        assert!(OtherNotice::record("police", Some(slack), None, None, now()).is_ok());
        let future = now() + Duration::hours(1);
        for refused in [
            SubjectNotice::record(Some(future), "Call", "Sorry.", Some(1), false, now())
                .map(|_| ()),
            OtherNotice::record("police", Some(future), None, None, now()).map(|_| ()),
        ] {
            assert_eq!(refused.map_err(|error| error.field()), Err("notifiedAt"));
        }
    }

    #[test]
    fn other_bodies_are_the_listed_ones_or_named() {
        for party in OtherParty::ALL {
            let detail = (*party == OtherParty::Other).then_some("The exam board");
            let told = OtherNotice::record(party.as_str(), None, Some(" CAD 4471 "), detail, now())
                .expect("a listed body");
            assert_eq!(told.party, *party);
            assert_eq!(told.reference.as_deref(), Some("CAD 4471"));
        }
        let unknown =
            OtherNotice::record("the press", None, None, None, now()).expect_err("not listed");
        assert_eq!(unknown.field(), "others_told");
        assert!(unknown.to_string().contains("police"), "{unknown}");
        let unnamed = OtherNotice::record("other", None, None, None, now()).expect_err("who");
        assert_eq!(unnamed.field(), "detail");
        let long = "x".repeat(20_000);
        assert!(OtherNotice::record("police", None, Some(&long), None, now()).is_err());
    }
}
