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
pub const EMAIL_KINDS: [&str; 6] = [
    "magic_link",
    "reminder",
    "escalation",
    "digest",
    "review_alert",
    "breach_alert",
];

const LAYOUT: &str = r#"<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;max-width:40rem;line-height:1.5;color:#1b1b1b">
{% block body %}{% endblock %}
<hr><p style="color:#666;font-size:0.9em">Sent by attest for {{ trust }}. If you did not expect this email, tell your school office.</p>
{% if footer %}<p style="color:#666;font-size:0.9em;white-space:pre-line">{{ footer }}</p>{% endif %}
</body></html>"#;

const FOOTER_TEXT: &str = "--\nSent by attest for {{ trust }}. If you did not expect this email, tell your school office.\n{% if footer %}\n{{ footer }}\n{% endif %}";

const TEMPLATES: [(&str, &str); 20] = [
    ("layout.html", LAYOUT),
    ("footer.txt", FOOTER_TEXT),
    ("magic_link.subject", "Please read and sign: {{ title }}"),
    (
        "magic_link.txt",
        "Dear {{ name }},\n\nPlease read and sign \"{{ title }}\" (version {{ number }}).\n\nOpen this link to read it and sign:\n{{ url }}\n\nThe link works once and expires on {{ expires }}.\n\n{% include \"footer.txt\" %}",
    ),
    (
        "magic_link.html",
        "{% extends \"layout.html\" %}{% block body %}<p>Dear {{ name }},</p><p>Please read and sign <strong>{{ title }}</strong> (version {{ number }}).</p><p><a href=\"{{ url }}\">Read it and sign</a></p><p>The link works once and expires on {{ expires }}.</p>{% endblock %}",
    ),
    (
        "reminder.subject",
        "{% if items|length == 1 %}Please read and sign a school policy{% else %}Please read and sign {{ items|length }} school policies{% endif %}",
    ),
    (
        "reminder.txt",
        "Dear {{ name }},\n\nYour school asks you to read and sign:\n\n{% for item in items %}- {{ item.title }} (due {{ item.due }}{% if item.overdue %}, now overdue{% endif %}):\n  {{ item.url }}\n{% endfor %}\nEach link works once and for {{ link_days }} days. You will be reminded until you have signed.\n\n{% include \"footer.txt\" %}",
    ),
    (
        "reminder.html",
        "{% extends \"layout.html\" %}{% block body %}<p>Dear {{ name }},</p><p>Your school asks you to read and sign:</p><ul>{% for item in items %}<li><a href=\"{{ item.url }}\">{{ item.title }}</a>, due {{ item.due }}{% if item.overdue %}, <strong>now overdue</strong>{% endif %}</li>{% endfor %}</ul><p>Each link works once and for {{ link_days }} days. You will be reminded until you have signed.</p>{% endblock %}",
    ),
    (
        "escalation.subject",
        "{{ school }}: staff overdue signing policies",
    ),
    (
        "escalation.txt",
        "These people at {{ school }} are overdue signing and have been reminded:\n\n{% for row in rows %}- {{ row.name }} ({{ row.kind }}): {{ row.title }}, due {{ row.due }}\n{% endfor %}\nSee everyone outstanding in attest.\n\n{% include \"footer.txt\" %}",
    ),
    (
        "escalation.html",
        "{% extends \"layout.html\" %}{% block body %}<p>These people at {{ school }} are overdue signing and have been reminded:</p><ul>{% for row in rows %}<li>{{ row.name }} ({{ row.kind }}): {{ row.title }}, due {{ row.due }}</li>{% endfor %}</ul>{% endblock %}",
    ),
    (
        "digest.subject",
        "{{ school }}: {{ rows|length }} outstanding ({{ overdue }} overdue) this week",
    ),
    (
        "digest.txt",
        "Dear {{ name }},\n\nStill to sign at {{ school }}:\n\n{% for row in rows %}- {{ row.name }} ({{ row.kind }}): {{ row.title }}, {{ row.state }}\n{% endfor %}\n{% include \"footer.txt\" %}",
    ),
    (
        "digest.html",
        "{% extends \"layout.html\" %}{% block body %}<p>Dear {{ name }},</p><p>Still to sign at {{ school }}:</p><ul>{% for row in rows %}<li>{{ row.name }} ({{ row.kind }}): {{ row.title }}, {{ row.state }}</li>{% endfor %}</ul>{% endblock %}",
    ),
    (
        "review_alert.subject",
        "Policy review {% if now %}due now{% else %}due in 30 days{% endif %}: {{ title }}",
    ),
    (
        "review_alert.txt",
        "'{{ title }}' (version {{ number }}) is due for review on {{ date }}.\n\n{% include \"footer.txt\" %}",
    ),
    ("breach_alert.subject", "{{ reference }}: {{ stage }}"),
    (
        "breach_alert.txt",
        "Breach {{ reference }} ({{ status }}): {{ stage }}.\n\n{% if overdue %}The ICO deadline passed on {{ deadline }}. If the ICO must be told, tell them now and record the reasons for the delay.{% else %}The ICO must be told by {{ deadline }} ({{ hours_left }} hours from now) unless you decide, with reasons, that it need not be.{% endif %}{% if not confirmed %}\nThe clock runs from the report until you confirm when the trust became aware.{% endif %}\n\nOpen it: {{ url }}\n\n{% include \"footer.txt\" %}",
    ),
    (
        "breach_alert.html",
        "{% extends \"layout.html\" %}{% block body %}<p>Breach <strong>{{ reference }}</strong> ({{ status }}): {{ stage }}.</p><p>{% if overdue %}The ICO deadline passed on {{ deadline }}. If the ICO must be told, tell them now and record the reasons for the delay.{% else %}The ICO must be told by <strong>{{ deadline }}</strong> ({{ hours_left }} hours from now) unless you decide, with reasons, that it need not be.{% endif %}</p>{% if not confirmed %}<p>The clock runs from the report until you confirm when the trust became aware.</p>{% endif %}<p><a href=\"{{ url }}\">Open {{ reference }}</a></p>{% endblock %}",
    ),
    (
        "review_alert.html",
        "{% extends \"layout.html\" %}{% block body %}<p><strong>{{ title }}</strong> (version {{ number }}) is due for review on {{ date }}.</p>{% endblock %}",
    ),
];

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
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
        "review_alert" => {
            context! { title => "Staff Acceptable Use Policy", number => 3, date => "2026-12-20", now => false }
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
