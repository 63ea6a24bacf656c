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
        text = evidence.markdown,
    )
}
