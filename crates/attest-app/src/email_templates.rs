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
pub const EMAIL_KINDS: [&str; 5] = [
    "magic_link",
    "reminder",
    "escalation",
    "digest",
    "review_alert",
];

const LAYOUT: &str = r#"<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;max-width:40rem;line-height:1.5;color:#1b1b1b">
{% block body %}{% endblock %}
<hr><p style="color:#666;font-size:0.9em">Sent by attest for {{ trust }}. If you did not expect this email, tell your school office.</p>
</body></html>"#;

const TEMPLATES: [(&str, &str); 16] = [
    ("layout.html", LAYOUT),
    ("magic_link.subject", "Please read and sign: {{ title }}"),
    (
        "magic_link.txt",
        "Dear {{ name }},\n\nPlease read and sign \"{{ title }}\" (version {{ number }}).\n\nOpen this link to read it and sign:\n{{ url }}\n\nThe link works once and expires on {{ expires }}.\n\n--\nSent by attest for {{ trust }}. If you did not expect this email, tell your school office.\n",
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
        "Dear {{ name }},\n\nYour school asks you to read and sign:\n\n{% for item in items %}- {{ item.title }} (due {{ item.due }}{% if item.overdue %}, now overdue{% endif %}):\n  {{ item.url }}\n{% endfor %}\nEach link works once and for {{ link_days }} days. You will be reminded until you have signed.\n\n--\nSent by attest for {{ trust }}.\n",
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
        "These people at {{ school }} are overdue signing and have been reminded:\n\n{% for row in rows %}- {{ row.name }} ({{ row.kind }}): {{ row.title }}, due {{ row.due }}\n{% endfor %}\nSee everyone outstanding in attest.\n\n--\nSent by attest for {{ trust }}.\n",
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
        "Dear {{ name }},\n\nStill to sign at {{ school }}:\n\n{% for row in rows %}- {{ row.name }} ({{ row.kind }}): {{ row.title }}, {{ row.state }}\n{% endfor %}\n--\nSent by attest for {{ trust }}.\n",
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
        "'{{ title }}' (version {{ number }}) is due for review on {{ date }}.\n\n--\nSent by attest for {{ trust }}.\n",
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

/// Renders the email `kind` with `data` (which must include `trust`).
pub fn render_email(kind: &str, data: Value) -> Result<RenderedEmail, AppError> {
    let env = environment();
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
pub fn preview(kind: &str) -> Result<RenderedEmail, AppError> {
    let item = context! { title => "Staff Acceptable Use Policy", due => "1 September 2026", overdue => true, url => "https://attest.example/sign/ml_…" };
    let row = context! { name => "Ann Smith", kind => "teaching", title => "Staff Acceptable Use Policy", due => "2026-09-01", state => "overdue" };
    let data = match kind {
        "magic_link" => {
            context! { trust => "Riverside Learning Trust", name => "Ann Smith", title => "Staff Acceptable Use Policy", number => 3, url => "https://attest.example/sign/ml_…", expires => "14 September 2026" }
        }
        "reminder" => {
            context! { trust => "Riverside Learning Trust", name => "Ann Smith", items => vec![item], link_days => 14 }
        }
        "escalation" => {
            context! { trust => "Riverside Learning Trust", school => "Riverside Primary", rows => vec![row] }
        }
        "digest" => {
            context! { trust => "Riverside Learning Trust", name => "Hana Head", school => "Riverside Primary", rows => vec![row], overdue => 1 }
        }
        "review_alert" => {
            context! { trust => "Riverside Learning Trust", title => "Staff Acceptable Use Policy", number => 3, date => "2026-12-20", now => false }
        }
        other => {
            return Err(AppError::invalid(
                "template",
                format!("no email '{other}'; there are: {}", EMAIL_KINDS.join(", ")),
            ));
        }
    };
    render_email(kind, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_email_renders_in_both_parts() {
        for kind in EMAIL_KINDS {
            let email = preview(kind).expect(kind);
            assert!(
                !email.subject.is_empty() && !email.subject.contains('\n'),
                "{kind}"
            );
            assert!(
                email.text.contains("Riverside") || email.text.contains("attest"),
                "{kind}"
            );
            assert!(email.html.starts_with("<!doctype html>"), "{kind}");
        }
        assert!(preview("postcard").is_err());
    }

    #[test]
    fn names_never_become_markup() {
        let email = render_email(
            "magic_link",
            context! { trust => "T", name => "<script>alert(1)</script>", title => "A & B", number => 1, url => "https://x/sign/ml_1", expires => "soon" },
        )
        .expect("rendered");
        assert!(!email.html.contains("<script>"), "{}", email.html);
        assert!(email.html.contains("&lt;script&gt;"));
        assert!(email.text.contains("<script>"), "plain text is not HTML");
    }
}
