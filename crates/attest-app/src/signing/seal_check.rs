//! Checking the server's signatures while the chain is walked: the head's signature
//! (over the head as stored), and each anchor's signature and agreement with the row it
//! names. What a rewrite would have to touch follows from the last anchor that holds.

use std::collections::{BTreeMap, HashMap};

use attest_domain::{ChainStatement, GENESIS_HASH, TenantScope};
use attest_store::{Acceptances, ChainAnchor, ChainAnchors, ChainKeys, SignedHead};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{App, AppError};

/// What was found of the head's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum HeadSeal {
    /// Signed by a published key over the head as it stands.
    Valid {
        key_id: String,
        signed_at: DateTime<Utc>,
    },
    /// Never signed (a chain written before signing began, or on a server without a
    /// key): nothing is claimed.
    #[default]
    Unsigned,
    /// The signature is missing, unknown or does not cover the head as stored.
    Invalid { problem: String },
}

/// One anchor, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnchorCheck {
    pub anchored_at: DateTime<Utc>,
    pub seq: i64,
    pub key_id: String,
    pub timestamped: bool,
    /// The authority's time, when the token checks.
    pub timestamp_time: Option<DateTime<Utc>>,
    /// The authority's certificate subject, when the token checks.
    pub timestamp_authority: Option<String>,
    /// `None` when the anchor holds; else what is wrong.
    pub problem: Option<String>,
}

/// The seals of a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct SealReport {
    pub head: HeadSeal,
    pub anchors: Vec<AnchorCheck>,
    /// The last row an anchor that holds vouches for (0: none).
    pub anchored_through_seq: i64,
    /// What a rewrite would have to touch, in words.
    pub exposure: String,
}

impl SealReport {
    pub fn ok(&self) -> bool {
        !matches!(self.head, HeadSeal::Invalid { .. })
            && self.anchors.iter().all(|anchor| anchor.problem.is_none())
    }
}

/// What the walk gathers for the seals: the head, the keys, the anchors and the hashes
/// of the rows they name.
pub(super) struct SealWalk {
    trust: uuid::Uuid,
    head: Option<SignedHead>,
    keys: HashMap<String, Vec<u8>>,
    /// When the first key was made: rows written after it had their head signed.
    signing_since: Option<DateTime<Utc>>,
    /// When the last row was written.
    last_written: Option<DateTime<Utc>>,
    anchors: Vec<ChainAnchor>,
    named: BTreeMap<i64, Option<String>>,
}

impl App {
    pub(super) async fn seal_walk(&self, scope: &TenantScope) -> Result<SealWalk, AppError> {
        let stored = ChainKeys::new(&self.db).all().await?;
        let signing_since = stored.iter().map(|key| key.created_at).min();
        let keys = stored
            .into_iter()
            .filter_map(|key| Some((key.key_id, STANDARD.decode(key.public_key).ok()?)))
            .collect();
        let anchors = ChainAnchors::new(&self.db, scope).list().await?;
        let named = anchors.iter().map(|anchor| (anchor.seq, None)).collect();
        Ok(SealWalk {
            trust: scope.trust().as_uuid(),
            head: Acceptances::new(&self.db, scope).signed_head().await?,
            keys,
            signing_since,
            last_written: None,
            anchors,
            named,
        })
    }
}

impl SealWalk {
    pub(super) fn saw(&mut self, seq: i64, hash: &str, written: DateTime<Utc>) {
        self.last_written = Some(written);
        if let Some(slot) = self.named.get_mut(&seq) {
            *slot = Some(hash.to_owned());
        }
    }

    fn verifies(
        &self,
        key_id: &str,
        statement: &ChainStatement,
        signature: &str,
    ) -> Result<(), String> {
        let Some(public) = self.keys.get(key_id) else {
            return Err(format!("signed by key {key_id}, which is not published"));
        };
        let Ok(signature) = STANDARD.decode(signature) else {
            return Err("the signature is not base64".to_owned());
        };
        if statement.verify(public, &signature) {
            Ok(())
        } else {
            Err("the signature does not match".to_owned())
        }
    }

    fn head_seal(&self) -> HeadSeal {
        let Some(head) = &self.head else {
            return HeadSeal::Unsigned;
        };
        match (&head.signed_at, &head.key_id, &head.signature) {
            (Some(at), Some(key_id), Some(signature)) => {
                let statement = ChainStatement {
                    trust: self.trust,
                    seq: head.last_seq,
                    hash: head.last_hash.clone(),
                    at: *at,
                };
                match self.verifies(key_id, &statement, signature) {
                    Ok(()) => HeadSeal::Valid {
                        key_id: key_id.clone(),
                        signed_at: *at,
                    },
                    Err(problem) => HeadSeal::Invalid {
                        problem: format!("the head (row {}): {problem}", head.last_seq),
                    },
                }
            }
            _ if self
                .signing_since
                .zip(self.last_written)
                .is_some_and(|(since, written)| since <= written) =>
            {
                HeadSeal::Invalid {
                    problem: "the head carries no signature, though rows were written after \
                              the server began signing"
                        .to_owned(),
                }
            }
            _ => HeadSeal::Unsigned,
        }
    }

    fn check_anchor(
        &self,
        anchor: &ChainAnchor,
        last: i64,
        before: Option<&ChainAnchor>,
    ) -> AnchorCheck {
        let statement = ChainStatement {
            trust: self.trust,
            seq: anchor.seq,
            hash: anchor.head_hash.clone(),
            at: anchor.anchored_at,
        };
        let mut problem = self
            .verifies(&anchor.key_id, &statement, &anchor.signature)
            .err();
        if problem.is_none() {
            let row_hash = if anchor.seq == 0 {
                Some(GENESIS_HASH.to_owned())
            } else {
                self.named.get(&anchor.seq).cloned().flatten()
            };
            problem = match row_hash {
                _ if anchor.seq > last => Some(format!(
                    "it vouches for row {}, beyond the chain's last row {last}",
                    anchor.seq
                )),
                Some(hash) if hash == anchor.head_hash => None,
                Some(_) => Some(format!(
                    "row {} no longer has the hash the anchor signed: the chain was rewritten",
                    anchor.seq
                )),
                None => Some(format!("row {} is missing", anchor.seq)),
            };
        }
        if problem.is_none()
            && let Some(before) = before
            && anchor.seq < before.seq
        {
            problem = Some(format!(
                "it vouches for row {}, before the earlier anchor's row {}: replayed or out of order",
                anchor.seq, before.seq
            ));
        }
        let mut stamp = None;
        if let Some(token) = &anchor.timestamp_token {
            match STANDARD
                .decode(token)
                .map_err(|error| error.to_string())
                .and_then(|token| {
                    attest_auth::check_token(&token, statement.message().as_bytes())
                        .map_err(|error| error.to_string())
                }) {
                Ok(checked) if checked.time < anchor.anchored_at - chrono::Duration::minutes(5) => {
                    problem.get_or_insert(format!(
                        "its trusted timestamp ({}) is before the anchor's own time: backdated",
                        checked.time.to_rfc3339()
                    ));
                }
                Ok(checked) => stamp = Some(checked),
                Err(error) => {
                    problem.get_or_insert(format!("its trusted timestamp fails: {error}"));
                }
            }
        }
        AnchorCheck {
            anchored_at: anchor.anchored_at,
            seq: anchor.seq,
            key_id: anchor.key_id.clone(),
            timestamped: anchor.timestamp_token.is_some(),
            timestamp_time: stamp.as_ref().map(|checked| checked.time),
            timestamp_authority: stamp.map(|checked| checked.authority),
            problem,
        }
    }

    pub(super) fn finish(self, last: i64) -> SealReport {
        let head = self.head_seal();
        let mut anchors = Vec::with_capacity(self.anchors.len());
        for (index, anchor) in self.anchors.iter().enumerate() {
            let before = index.checked_sub(1).and_then(|i| self.anchors.get(i));
            anchors.push(self.check_anchor(anchor, last, before));
        }
        let anchored_through_seq = anchors
            .iter()
            .filter(|anchor| anchor.problem.is_none())
            .map(|anchor| anchor.seq)
            .max()
            .unwrap_or(0);
        let exposure = if last == 0 {
            "the chain is empty".to_owned()
        } else if anchored_through_seq >= last {
            format!(
                "every row (1–{last}) is vouched for by a signed anchor: rewriting any row would \
                 contradict it"
            )
        } else if anchored_through_seq > 0 {
            format!(
                "rows 1–{anchored_through_seq} are vouched for by a signed anchor; a rewrite of \
                 rows {}–{last} would have to touch every row from the one changed to row {last} \
                 and forge the head's signature with the server's key",
                anchored_through_seq + 1
            )
        } else {
            format!(
                "no anchor yet: a rewrite of row k would have to touch rows k–{last} and forge \
                 the head's signature with the server's key"
            )
        };
        SealReport {
            head,
            anchors,
            anchored_through_seq,
            exposure,
        }
    }
}
