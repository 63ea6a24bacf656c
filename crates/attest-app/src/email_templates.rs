//! The emails attest sends, as minijinja templates: a subject, a plain-text part and an
//! HTML part each, branded with the trust's name. HTML parts are escaped by default, so
//! a name or title can never become markup.

use std::sync::OnceLock;

use minijinja::{Environment, Value, context};

use crate::AppError;

/// One rendered email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Every kind of email, for `attest mail preview`.
pub const EMAIL_KINDS: [&str; 10] = [
    "magic_link",
    "reminder",
    "escalation",
    "digest",
    "review_alert",
    "sign_in",
    "breach_alert",
    "approval_request",
    "chain_anchor",
    "casework_alert",
];

/// Every template, by the name the renderer asks for; the files live in
/// `templates/email/<kind>/{subject,body.txt,body.html}`.
const TEMPLATES: [(&str, &str); 32] = [
    (
        "layout.html",
        include_str!("../templates/email/layout.html"),
    ),
    ("footer.txt", include_str!("../templates/email/footer.txt")),
    (
        "magic_link.subject",
        include_str!("../templates/email/magic_link/subject"),
    ),
    (
        "magic_link.txt",
        include_str!("../templates/email/magic_link/body.txt"),
    ),
    (
        "magic_link.html",
        include_str!("../templates/email/magic_link/body.html"),
    ),
    (
        "reminder.subject",
        include_str!("../templates/email/reminder/subject"),
    ),
    (
        "reminder.txt",
        include_str!("../templates/email/reminder/body.txt"),
    ),
    (
        "reminder.html",
        include_str!("../templates/email/reminder/body.html"),
    ),
    (
        "escalation.subject",
        include_str!("../templates/email/escalation/subject"),
    ),
    (
        "escalation.txt",
        include_str!("../templates/email/escalation/body.txt"),
    ),
    (
        "escalation.html",
        include_str!("../templates/email/escalation/body.html"),
    ),
    (
        "digest.subject",
        include_str!("../templates/email/digest/subject"),
    ),
    (
        "digest.txt",
        include_str!("../templates/email/digest/body.txt"),
    ),
    (
        "digest.html",
        include_str!("../templates/email/digest/body.html"),
    ),
    (
        "sign_in.subject",
        include_str!("../templates/email/sign_in/subject"),
    ),
    (
        "sign_in.txt",
        include_str!("../templates/email/sign_in/body.txt"),
    ),
    (
        "sign_in.html",
        include_str!("../templates/email/sign_in/body.html"),
    ),
    (
        "review_alert.subject",
        include_str!("../templates/email/review_alert/subject"),
    ),
    (
        "review_alert.txt",
        include_str!("../templates/email/review_alert/body.txt"),
    ),
    (
        "casework_alert.subject",
        include_str!("../templates/email/casework_alert/subject"),
    ),
    (
        "casework_alert.txt",
        include_str!("../templates/email/casework_alert/body.txt"),
    ),
    (
        "casework_alert.html",
        include_str!("../templates/email/casework_alert/body.html"),
    ),
    (
        "breach_alert.subject",
        include_str!("../templates/email/breach_alert/subject"),
    ),
    (
        "breach_alert.txt",
        include_str!("../templates/email/breach_alert/body.txt"),
    ),
    (
        "breach_alert.html",
        include_str!("../templates/email/breach_alert/body.html"),
    ),
    (
        "review_alert.html",
        include_str!("../templates/email/review_alert/body.html"),
    ),
    (
        "approval_request.subject",
        include_str!("../templates/email/approval_request/subject"),
    ),
    (
        "approval_request.txt",
        include_str!("../templates/email/approval_request/body.txt"),
    ),
    (
        "approval_request.html",
        include_str!("../templates/email/approval_request/body.html"),
    ),
    (
        "chain_anchor.subject",
        include_str!("../templates/email/chain_anchor/subject"),
    ),
    (
        "chain_anchor.txt",
        include_str!("../templates/email/chain_anchor/body.txt"),
    ),
    (
        "chain_anchor.html",
        include_str!("../templates/email/chain_anchor/body.html"),
    ),
];

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            // Files end with a newline; the templates' own text does not.
            let source = source.strip_suffix('\n').unwrap_or(source);
            if let Err(error) = env.add_template(name, source) {
                tracing::error!(%error, name, "email template does not compile");
            }
        }
        env
    })
}

/// Who an email is from, as its text says: the trust's name and its footer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Branding {
    pub trust: String,
    pub footer: Option<String>,
}

/// Renders the email `kind` with `data`, branded.
pub fn render_email(
    kind: &str,
    branding: &Branding,
    data: Value,
) -> Result<RenderedEmail, AppError> {
    let env = environment();
    let data =
        context! { trust => branding.trust.as_str(), footer => branding.footer.as_deref(), ..data };
    let render = |part: &str| -> Result<String, AppError> {
        env.get_template(&format!("{kind}.{part}"))
            .and_then(|template| template.render(&data))
            .map_err(|error| AppError::Internal(format!("email template {kind}.{part}: {error}")))
    };
    Ok(RenderedEmail {
        subject: render("subject")?,
        text: render("txt")?,
        html: render("html")?,
    })
}

/// Each kind with example data, for `attest mail preview`.
pub fn preview(kind: &str, branding: &Branding) -> Result<RenderedEmail, AppError> {
    let item = context! { title => "Staff Acceptable Use Policy", due => "1 September 2026", overdue => true, url => "https://attest.example/sign/ml_…" };
    let row = context! { name => "Ann Smith", kind => "teaching", title => "Staff Acceptable Use Policy", due => "2026-09-01", state => "overdue" };
    let data = match kind {
        "magic_link" => {
            context! { name => "Ann Smith", title => "Staff Acceptable Use Policy", number => 3, url => "https://attest.example/sign/ml_…", expires => "14 September 2026" }
        }
        "reminder" => {
            context! { name => "Ann Smith", items => vec![item], link_days => 14 }
        }
        "escalation" => {
            context! { school => "Riverside Primary", rows => vec![row] }
        }
        "digest" => {
            context! { name => "Hana Head", school => "Riverside Primary", rows => vec![row], overdue => 1 }
        }
        "breach_alert" => {
            context! { reference => "BR-2026-0007", stage => "24 hours since the trust became aware", status => "triaged", confirmed => true, deadline => "Thursday 26 November 2026, 09:00 GMT", hours_left => 48, overdue => false, url => "https://attest.example/breaches/…" }
        }
        "casework_alert" => {
            context! { subject => "SAR-2026-004 is due in 5 working days", detail => "Subject access request from A Parent (Cleves Primary School), received 2 December 2026: due Monday 4 January 2027.", url => "https://attest.example/requests/…" }
        }
        "review_alert" => {
            context! { title => "Staff Acceptable Use Policy", number => 3, date => "2026-12-20", now => false }
        }
        "approval_request" => {
            context! { name => "Gita Governor", title => "Staff Acceptable Use Policy", number => 4, seat => "Chair of governors", body => "the local governing body", submitted => "2 December 2026", approvals => 1, needed => 3, url => "https://attest.example/reviews/…" }
        }
        "chain_anchor" => {
            context! { name => "Dina DPO", trust_name => "Riverside Learning Trust", week => "2026-W49", at => "2026-12-02T06:00:00Z", rows => 77_000, hash => "9f2c…", short_hash => "9f2c1a0b", key_id => "06368d5d8f0a8f06", keys_url => "https://attest.example/.well-known/attest-chain-keys.json", signature => "base64…", timestamped => true, authority => "CN=Example TSA" }
        }
        "sign_in" => {
            context! { name => "Gita Governor", url => "https://attest.example/sign-in/email/si_…", minutes => 15 }
        }
        other => {
            return Err(AppError::invalid(
                "template",
                format!("no email '{other}'; there are: {}", EMAIL_KINDS.join(", ")),
            ));
        }
    };
    render_email(kind, branding, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_email_renders_in_both_parts() {
        let branding = Branding {
            trust: "Riverside Learning Trust".to_owned(),
            footer: Some(
                "Riverside Learning Trust, 1 High Street\nDPO: dpo@riverside.org.uk".to_owned(),
            ),
        };
        for kind in EMAIL_KINDS {
            let email = preview(kind, &branding).expect(kind);
            assert!(
                !email.subject.is_empty() && !email.subject.contains('\n'),
                "{kind}"
            );
            assert!(
                email.text.contains("Riverside") || email.text.contains("attest"),
                "{kind}"
            );
            assert!(email.html.starts_with("<!doctype html>"), "{kind}");
            assert!(
                email
                    .text
                    .ends_with("1 High Street\nDPO: dpo@riverside.org.uk\n"),
                "{kind}: {}",
                email.text
            );
            assert!(email.html.contains("DPO: dpo@riverside.org.uk"), "{kind}");
        }
        let plain = preview("reminder", &Branding::default()).expect("no footer");
        assert!(
            plain.text.ends_with("tell your school office.\n"),
            "{}",
            plain.text
        );
        assert!(preview("postcard", &branding).is_err());
    }

    #[test]
    fn names_never_become_markup() {
        let email = render_email(
            "magic_link",
            &Branding { trust: "T".to_owned(), footer: Some("<b>footer</b>".to_owned()) },
            context! { name => "<script>alert(1)</script>", title => "A & B", number => 1, url => "https://x/sign/ml_1", expires => "soon" },
        )
        .expect("rendered");
        assert!(!email.html.contains("<script>"), "{}", email.html);
        assert!(email.html.contains("&lt;script&gt;"));
        assert!(
            email.html.contains("&lt;b&gt;footer"),
            "a footer is text too"
        );
        assert!(email.text.contains("<script>"), "plain text is not HTML");
    }
}
