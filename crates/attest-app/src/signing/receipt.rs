//! An acceptance's receipt as plain text, to keep.

use attest_domain::{Decision, SigningMethod};

use super::evidence::AcceptanceEvidence;

/// A plain-text receipt: the evidence, the hashes and the text signed.
pub fn receipt_text(evidence: &AcceptanceEvidence) -> String {
    let a = &evidence.acceptance;
    let answers = if a.answers.is_empty() {
        "none asked".to_owned()
    } else {
        a.answers
            .iter()
            .map(|(key, answer)| format!("{key}: {answer}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let decision = match a.decision {
        Decision::Accepted => "SIGNED",
        Decision::Declined => "DECLINED",
    };
    let method = match a.method {
        SigningMethod::Sso => "signed in with their school account",
        SigningMethod::MagicLink => "single-use link sent to their email",
        SigningMethod::Paper => "PAPER FORM recorded by a school admin",
        SigningMethod::EmailLink => "signed in with a single-use link sent to their email",
        SigningMethod::Certificate => "TRAINING CERTIFICATE recorded by the school",
        SigningMethod::Attendance => "TRAINING SESSION register recorded by the school",
        SigningMethod::Import => "TRAINING PROVIDER'S completions file imported by the school",
    };
    format!(
        "attest receipt {id}\n\
         ==========================================================\n\
         {decision}: {title}, version {number}\n\
         Person:        {name} ({person})\n\
         School:        {school}\n\
         Typed name:    {typed}\n\
         Role:          {role}\n\
         Answers:       {answers}\n\
         {decline}{note}\
         {approval}Method:        {method}\n\
         Signed at:     {at} (UTC), {on} in England\n\
         IP address:    {ip}\n\
         User agent:    {agent}\n\
         Chain:         row {seq} of the trust's acceptance chain\n\
         Content hash:  {content} (SHA-256 of the text below){verified}\n\
         Previous hash: {prev}\n\
         Row hash:      {row}\n\
         {evidence}\
         ==========================================================\n\n{text}",
        id = a.id,
        title = evidence.policy.title,
        number = evidence.version.number,
        name = evidence.person.full_name,
        person = a.person,
        school = evidence.school.name,
        typed = a.typed_name,
        role = a.role,
        decline = a
            .decline_reason
            .as_ref()
            .map(|reason| format!("Reason:        {reason}\n"))
            .unwrap_or_default(),
        note = a
            .note
            .as_ref()
            .map(|note| format!("Note:          {note}\n"))
            .unwrap_or_default(),
        approval = evidence
            .approval
            .as_ref()
            .map(|approval| format!("Approval:      {approval}\n"))
            .unwrap_or_default(),
        at = a.signed_at.to_rfc3339(),
        on = a.signed_on,
        ip = a.ip.as_deref().unwrap_or("not recorded"),
        agent = a.user_agent.as_deref().unwrap_or("not recorded"),
        seq = a.seq,
        content = a.content_hash,
        verified = if evidence.text_verified {
            ""
        } else {
            "\n               WARNING: the stored policy no longer renders to this hash"
        },
        prev = a.prev_hash,
        row = a.row_hash,
        evidence = certificate(evidence),
        text = evidence.markdown,
    )
}

/// The evidence beyond the answer, and what anyone needs to check it with standard
/// tools (docs/signing.md).
pub fn certificate(evidence: &AcceptanceEvidence) -> String {
    let a = &evidence.acceptance;
    let mut lines = Vec::new();
    if let Some(identity) = &a.identity {
        lines.push(format!("Identity:      {}", identity.describe()));
    }
    if let Some(viewed) = &a.viewed {
        lines.push(format!(
            "Viewed:        opened {}, open {} s when answered, {}",
            viewed
                .opened_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            viewed.seconds_open,
            if viewed.reached_end {
                "read to the end"
            } else {
                "end of the text not reached"
            }
        ));
    }
    if let Some(completion) = &a.completion {
        lines.push(format!("Completion:    {}", completion.describe()));
    }
    if let Some(changes) = &a.changes_shown {
        lines.push(format!(
            "Changes shown: {} clause change(s) since the version signed in acceptance {}",
            changes.clauses_changed, changes.since_acceptance
        ));
    }
    if let Some(at) = a.erased_at {
        lines.push(format!(
            "Erased:        personal fields erased under the retention schedule on {}",
            attest_domain::school_day(at)
        ));
    }
    lines.push(format!(
        "Chain format:  {} (row hash = SHA-256 of previous hash, a newline, and this line:)",
        a.format.number()
    ));
    lines.push(format!("Hash input:    {}", a.hash_input()));
    if let (Some(fields), Some(salt), Some(commitment)) =
        (a.personal_fields(), &a.salt, &a.personal_commitment)
    {
        lines.push(format!(
            "Personal:      {} (commitment {commitment} = SHA-256 of \"attest personal v1\", \
             a newline, the salt {salt}, a newline, and this JSON)",
            fields.canonical_json()
        ));
    }
    if let Some(seal) = &evidence.seal {
        lines.push(format!("Sealed by:     {seal}"));
    }
    lines.iter().map(|line| format!("{line}\n")).collect()
}
