//! Building a message from an outbox row, safely.

use attest_domain::OutboxMessage;
use attest_domain::OutboxMessageId;
use lettre::Message;
use lettre::message::{Mailbox, MultiPart, SinglePart, header::ContentType};

/// The Message-ID of an outbox row: the same on every attempt, so a receiving server
/// (or a person) can tell a resend from a new message.
pub fn message_id(id: OutboxMessageId, domain: &str) -> String {
    format!("<{id}@{domain}>")
}

/// Text for a header: line breaks and other control characters become spaces, so a
/// name or subject can never start a header of its own.
pub fn safe_header_text(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Who a message is from: the trust's own sender where it set one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub from: String,
    pub reply_to: Option<String>,
}

/// The message for a row, or what is wrong with it (a permanent failure).
pub fn build_message(
    row: &OutboxMessage,
    sender: &Sender,
    message_id: &str,
) -> Result<Message, String> {
    let from: Mailbox = sender
        .from
        .parse()
        .map_err(|error| format!("the From address '{}' is invalid: {error}", sender.from))?;
    let to: Mailbox = safe_header_text(&row.to_address)
        .parse()
        .map_err(|error| format!("the address '{}' is invalid: {error}", row.to_address))?;
    let mut builder = Message::builder().from(from);
    if let Some(reply_to) = &sender.reply_to {
        let reply_to: Mailbox = reply_to
            .parse()
            .map_err(|error| format!("the Reply-To address '{reply_to}' is invalid: {error}"))?;
        builder = builder.reply_to(reply_to);
    }
    let builder = builder
        .to(to)
        .subject(safe_header_text(&row.subject))
        .message_id(Some(message_id.to_owned()));
    let built = match &row.body_html {
        None => builder
            .header(ContentType::TEXT_PLAIN)
            .body(row.body_text.clone()),
        Some(html) => builder.multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::plain(row.body_text.clone()))
                .singlepart(SinglePart::html(html.clone())),
        ),
    };
    built.map_err(|error| format!("the message cannot be built: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(to: &str, subject: &str) -> OutboxMessage {
        OutboxMessage {
            id: OutboxMessageId::generate(),
            trust: attest_domain::TrustId::generate(),
            kind: "test".to_owned(),
            to_address: to.to_owned(),
            subject: subject.to_owned(),
            body_text: "Hello".to_owned(),
            body_html: None,
            dedupe_key: None,
            status: "pending".to_owned(),
            attempts: 1,
            created_at: chrono::Utc::now(),
            next_attempt_at: chrono::Utc::now(),
            sent_at: None,
            last_error: None,
            message_id: None,
        }
    }

    #[test]
    fn subjects_cannot_inject_headers() {
        let message = build_message(
            &row("ann@example.org", "Sign this\r\nBcc: victim@example.org"),
            &Sender {
                from: "\"Riverside Trust\" <attest@example.org>".to_owned(),
                reply_to: Some("office@example.org".to_owned()),
            },
            "<1@attest.test>",
        )
        .expect("built");
        let text = String::from_utf8(message.formatted()).expect("utf8");
        assert!(!text.contains("\r\nBcc:"), "{text}");
        assert!(
            text.contains("Subject: Sign this Bcc: victim@example.org"),
            "{text}"
        );
        assert!(text.contains("Message-ID: <1@attest.test>"), "{text}");
        assert!(text.contains("Reply-To: office@example.org"), "{text}");
        assert!(
            text.contains("From: \"Riverside Trust\" <attest@example.org>"),
            "{text}"
        );
    }

    #[test]
    fn bad_addresses_are_reported_not_sent() {
        let sender = Sender {
            from: "attest <a@b.org>".to_owned(),
            reply_to: None,
        };
        let error =
            build_message(&row("not an address", "Hi"), &sender, "<1@x>").expect_err("refused");
        assert!(error.contains("not an address"), "{error}");
    }
}
