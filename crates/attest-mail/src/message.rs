//! Building a message from an outbox row, safely.

use attest_domain::OutboxMessageId;
use attest_store::OutboxMessage;
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

/// The message for a row, or what is wrong with it (a permanent failure).
pub fn build_message(row: &OutboxMessage, from: &str, message_id: &str) -> Result<Message, String> {
    let from: Mailbox = from
        .parse()
        .map_err(|error| format!("the From address '{from}' is invalid: {error}"))?;
    let to: Mailbox = safe_header_text(&row.to_address)
        .parse()
        .map_err(|error| format!("the address '{}' is invalid: {error}", row.to_address))?;
    let builder = Message::builder()
        .from(from)
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
            "attest <attest@example.org>",
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
    }

    #[test]
    fn bad_addresses_are_reported_not_sent() {
        let error = build_message(&row("not an address", "Hi"), "attest <a@b.org>", "<1@x>")
            .expect_err("refused");
        assert!(error.contains("not an address"), "{error}");
    }
}
