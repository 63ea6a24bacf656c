//! Who the signer was, as the signing moment knew it: the identity provider's account,
//! the link they followed and where it was sent, or who recorded their paper form.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How the signer was authenticated, kept with their signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignerIdentity {
    /// A session started with the trust's identity provider, from the ID token.
    Sso {
        session: uuid::Uuid,
        provider: String,
        issuer: String,
        subject: String,
        /// Microsoft: the tenant (`tid`) and the account's object id (`oid`).
        tenant: Option<String>,
        object_id: Option<String>,
        /// Google: the Workspace domain (`hd`).
        hosted_domain: Option<String>,
        email: Option<String>,
        /// When the provider last authenticated the person (`auth_time`).
        authenticated_at: Option<DateTime<Utc>>,
        /// How (`amr`: `pwd`, `mfa`, …), as the provider reported it.
        methods: Vec<String>,
    },
    /// A session started with a single-use sign-in link sent to an address.
    EmailLink {
        session: uuid::Uuid,
        link: uuid::Uuid,
        sent_to: String,
    },
    /// A single-use signing link sent to an address.
    MagicLink {
        link: uuid::Uuid,
        sent_to: Option<String>,
    },
    /// A paper form, recorded by a school admin, with where the paper is kept.
    Paper {
        recorded_by: Option<uuid::Uuid>,
        kept_at: String,
    },
    /// A training completion recorded by the school (the evidence is sealed with it).
    Recorded { recorded_by: Option<uuid::Uuid> },
    /// Acting as the person with no session or link (the demo, and tests).
    Direct,
}

impl SignerIdentity {
    /// One line an auditor reads.
    pub fn describe(&self) -> String {
        match self {
            Self::Sso {
                issuer,
                subject,
                tenant,
                methods,
                authenticated_at,
                ..
            } => {
                let mut line = format!("signed in at {issuer} as subject {subject}");
                if let Some(tenant) = tenant {
                    line.push_str(&format!(" (tenant {tenant})"));
                }
                if let Some(at) = authenticated_at {
                    line.push_str(&format!(
                        ", authenticated {}",
                        at.format("%Y-%m-%d %H:%M:%S UTC")
                    ));
                }
                if !methods.is_empty() {
                    line.push_str(&format!(" by {}", methods.join("+")));
                }
                line
            }
            Self::EmailLink { link, sent_to, .. } => {
                format!("signed in with link {link} sent to {sent_to}")
            }
            Self::MagicLink { link, sent_to } => match sent_to {
                Some(address) => format!("signing link {link} sent to {address}"),
                None => format!("signing link {link}"),
            },
            Self::Paper {
                recorded_by,
                kept_at,
            } => match recorded_by {
                Some(by) => format!("paper form recorded by {by}; kept at: {kept_at}"),
                None => format!("paper form; kept at: {kept_at}"),
            },
            Self::Recorded { recorded_by } => match recorded_by {
                Some(by) => format!("completion recorded by {by}"),
                None => "completion recorded by the school".to_owned(),
            },
            Self::Direct => "recorded directly (no sign-in)".to_owned(),
        }
    }
}

/// That the text was shown before it was signed: when the page opened, how long it had
/// been open at the answer, and whether the reader reached the end of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewEvidence {
    pub view: uuid::Uuid,
    pub opened_at: DateTime<Utc>,
    pub seconds_open: i64,
    /// The browser fetched the marker at the end of the text (it loads lazily, so only
    /// when the reader scrolled near it).
    pub reached_end: bool,
    /// The browser ran no scripts: it loads lazy images at once, so whether the end was
    /// reached cannot be known (and is not asked).
    #[serde(default)]
    pub scripts_off: bool,
}

/// That a re-signer was shown what changed since the version they last signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangesShown {
    pub since_version: uuid::Uuid,
    pub since_acceptance: uuid::Uuid,
    pub clauses_changed: u32,
}

/// What a trust asks of a reader before the sign button works. Without scripts a
/// browser cannot say where the reader scrolled, so there only the time is enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReadingRule {
    /// Seconds the text must have been open; 0 for none.
    pub min_seconds: u32,
    /// The reader must have reached the end of the text.
    pub to_end: bool,
}

/// The longest minimum a trust may set: a long policy is read in minutes, not hours.
pub const MAX_READING_SECONDS: u32 = 1_800;

impl ReadingRule {
    /// Why `view` does not yet satisfy the rule at `at`, in words for the reader.
    pub fn unmet(&self, view: Option<&ViewEvidence>) -> Option<String> {
        if self.min_seconds == 0 && !self.to_end {
            return None;
        }
        let Some(view) = view else {
            return Some("open the policy and read it before you sign".to_owned());
        };
        if view.seconds_open < i64::from(self.min_seconds) {
            return Some(format!(
                "please take at least {} to read the policy before you sign \
                 ({} so far)",
                seconds_text(i64::from(self.min_seconds)),
                seconds_text(view.seconds_open.max(0))
            ));
        }
        if self.to_end && !view.reached_end && !view.scripts_off {
            return Some("please read the policy to its end before you sign".to_owned());
        }
        None
    }
}

fn seconds_text(seconds: i64) -> String {
    match (seconds / 60, seconds % 60) {
        (0, 1) => "1 second".to_owned(),
        (0, s) => format!("{s} seconds"),
        (1, 0) => "1 minute".to_owned(),
        (m, 0) => format!("{m} minutes"),
        (m, s) => format!("{m} min {s} s"),
    }
}
