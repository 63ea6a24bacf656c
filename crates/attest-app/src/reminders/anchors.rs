//! The daily anchor of each trust's chain (with the reminders tick) and the week's first
//! anchor sent to the DPO: a copy of the chain's state held outside attest.

use attest_domain::{SystemTask, TrustId};
use attest_store::{Acceptances, ChainAnchor, ChainAnchors};

use crate::principals::system;
use crate::{App, AppError};

impl App {
    /// The daily anchor: written when the chain has rows and no anchor yet today (in
    /// England), on a server with a key to sign with.
    pub(super) async fn anchor_daily(
        &self,
        trust: TrustId,
    ) -> Result<Option<ChainAnchor>, AppError> {
        if self.sealing_key.is_none() {
            return Ok(None);
        }
        let operator = system(trust, SystemTask::SigningChain);
        let chain = operator.scope();
        if Acceptances::new(&self.db, &chain).head().await?.last_seq == 0 {
            return Ok(None);
        }
        let today = self.today();
        let anchored_today = ChainAnchors::new(&self.db, &chain)
            .latest()
            .await?
            .is_some_and(|last| attest_domain::school_day(last.anchored_at) == today);
        if anchored_today {
            return Ok(None);
        }
        let anchor = self.anchor_chain(&operator).await?;
        self.send_anchor_to_dpo(trust, &anchor).await?;
        Ok(Some(anchor))
    }

    /// The week's first anchor goes to the DPO(s) (the trust admins where there is
    /// none), once per ISO week: a copy of the chain's state held outside attest.
    async fn send_anchor_to_dpo(
        &self,
        trust: TrustId,
        anchor: &ChainAnchor,
    ) -> Result<usize, AppError> {
        use chrono::Datelike;
        let operator = system(trust, SystemTask::Reminders);
        let scope = operator.scope();
        let recipients = super::dpos_or_trust_admins(self, &scope).await?;
        let week = attest_domain::school_day(anchor.anchored_at).iso_week();
        let week = format!("{}-W{:02}", week.year(), week.week());
        let branding = self.branding(&operator).await?;
        let trust_name = branding.trust.clone();
        let outbox = attest_store::Outbox::new(&self.db, &scope);
        let mut sent = 0;
        for person in recipients {
            let Some(email) = &person.email else { continue };
            let body = crate::email_templates::render_email(
                "chain_anchor",
                &branding,
                minijinja::context! {
                    name => person.full_name.as_str(),
                    trust_name => trust_name.clone(),
                    week => week.clone(),
                    at => anchor.anchored_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    rows => anchor.seq,
                    hash => anchor.head_hash.clone(),
                    short_hash => anchor.head_hash.chars().take(8).collect::<String>(),
                    key_id => anchor.key_id.clone(),
                    keys_url => format!("{}/.well-known/attest-chain-keys.json", self.public_url()),
                    signature => anchor.signature.clone(),
                    timestamped => anchor.timestamp_token.is_some(),
                    authority => anchor.timestamp_authority.clone(),
                },
            )?;
            let queued = outbox
                .enqueue(attest_store::NewEmail {
                    kind: "chain_anchor",
                    to_address: email.as_str().to_owned(),
                    subject: body.subject,
                    body_text: body.text,
                    body_html: Some(body.html),
                    dedupe_key: Some(format!("chain_anchor:{}:{week}", person.id)),
                    at: self.now(),
                })
                .await?;
            sent += usize::from(queued.is_some());
        }
        Ok(sent)
    }
}
