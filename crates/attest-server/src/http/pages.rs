//! Server-rendered pages: the receipt, and the magic-link signing form for staff
//! without SSO. Templates are escaped by default; only the policy HTML (rendered by
//! attest-document, which escapes any raw HTML in the source) is inserted as is.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use attest_app::{AcceptanceEvidence, App, AppError, DeclinePolicy, SignPolicy, SigningForm};
use attest_domain::{Decision, PolicyVersionId, SigningMethod};
use minijinja::{Environment, context};

use super::evidence::error_response;
use super::graphql::origin_of;

const LAYOUT: &str = r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{% block title %}{% endblock %} · attest</title>
<style>
body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}
.policy{border:1px solid #ccc;border-radius:6px;padding:1rem 1.5rem;max-height:60vh;overflow:auto;background:#fafafa}
.evidence th{text-align:left;padding-right:1rem;vertical-align:top}
.evidence td{word-break:break-all}
.paper{background:#fff3cd;border:1px solid #e0c36b;padding:.5rem 1rem;border-radius:6px}
.notice{background:#e7f4ea;border:1px solid #8cc79b;padding:.5rem 1rem;border-radius:6px}
.error{background:#fdecea;border:1px solid #e3a29c;padding:.5rem 1rem;border-radius:6px}
label{display:block;margin-top:1rem;font-weight:600}
input[type=text],textarea{width:100%;padding:.4rem;font-size:1rem}
button{margin-top:1rem;padding:.5rem 1.2rem;font-size:1rem}
code,pre{word-break:break-all;white-space:pre-wrap}
a{color:#0b57a4}a:focus,button:focus,select:focus,input:focus{outline:3px solid #f5b400;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem;border-bottom:1px solid #ccc;padding-bottom:.5rem}
nav a[aria-current]{font-weight:700;color:#1b1b1b}
.grid{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.95rem}
.grid th,.grid td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left}
.grid .total th,.grid .total td{font-weight:700}
.overdue,.status-overdue{color:#8a1c12;font-weight:600}
.bar{background:#e6e6e6;border-radius:4px;height:1rem;overflow:hidden}
.bar span{display:block;height:100%;background:#1d7a3a}
.bar.small{display:inline-block;width:6rem;vertical-align:middle}
.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}.filters label{margin:0}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (max-width:40rem){.grid{font-size:.85rem}body{margin:1rem auto}}
</style></head><body><a class="skip" href="#main">Skip to content</a>
{% if nav %}<nav aria-label="Main"><ul>{% for item in nav %}<li><a href="{{ item.href }}"{% if item.current %} aria-current="page"{% endif %}>{{ item.label }}</a></li>{% endfor %}</ul></nav>{% endif %}
<main id="main">{% block body %}{% endblock %}</main></body></html>"##;

const RECEIPT: &str = r#"{% extends "layout.html" %}
{% block title %}Receipt {{ id }}{% endblock %}
{% block body %}
<h1>{% if declined %}Declined{% else %}Signed{% endif %}: {{ title }}</h1>
{% if paper %}<p class="paper"><strong>Paper form</strong>, recorded by a school admin.</p>{% endif %}
{% if not verified %}<p class="error"><strong>Warning:</strong> the stored policy no longer renders to the signed hash.</p>{% endif %}
<table class="evidence">
<tr><th>Person</th><td>{{ person }}</td></tr>
<tr><th>School</th><td>{{ school }}</td></tr>
<tr><th>Version</th><td>{{ version }}</td></tr>
<tr><th>Typed name</th><td>{{ typed_name }}</td></tr>
<tr><th>Role</th><td>{{ role }}</td></tr>
{% for key, answer in answers|items %}<tr><th>{{ key }}</th><td>{{ answer }}</td></tr>{% endfor %}
{% if reason %}<tr><th>Reason</th><td>{{ reason }}</td></tr>{% endif %}
{% if note %}<tr><th>Note</th><td>{{ note }}</td></tr>{% endif %}
<tr><th>Method</th><td>{{ method }}</td></tr>
<tr><th>Signed at</th><td>{{ signed_at }} (UTC)</td></tr>
<tr><th>IP address</th><td>{{ ip or "not recorded" }}</td></tr>
<tr><th>User agent</th><td>{{ user_agent or "not recorded" }}</td></tr>
<tr><th>Chain row</th><td>{{ seq }}</td></tr>
<tr><th>Content hash</th><td><code>{{ content_hash }}</code></td></tr>
<tr><th>Previous hash</th><td><code>{{ prev_hash }}</code></td></tr>
<tr><th>Row hash</th><td><code>{{ row_hash }}</code></td></tr>
</table>
<p><a href="/receipts/{{ id }}.txt">Download this receipt</a></p>
<h2>The text {% if declined %}declined{% else %}signed{% endif %}</h2>
<div class="policy">{{ html|safe }}</div>
{% endblock %}"#;

const SIGN: &str = r#"{% extends "layout.html" %}
{% block title %}{{ title }}{% endblock %}
{% block body %}
<h1>{{ title }}</h1>
<p>Version {{ version_number }}, for {{ person }}. Please read it all, then sign below.
{% if expires %}This link works once, until {{ expires }}.{% endif %}</p>
{% if error %}<p class="error" role="alert">{{ error }}</p>{% endif %}
<div class="policy" tabindex="0">{{ html|safe }}</div>
<form method="post">
{% if csrf %}<input type="hidden" name="csrf" value="{{ csrf }}">{% endif %}
<input type="hidden" name="content_hash" value="{{ content_hash }}">
<input type="hidden" name="version_id" value="{{ version_id }}">
{% for question in questions %}
<fieldset><legend>{{ question.text }}</legend>
{% for option in question.options %}
<label><input type="radio" name="answer.{{ question.key }}" value="{{ option }}" required> {{ option }}</label>
{% else %}<input type="text" name="answer.{{ question.key }}" required>{% endfor %}
</fieldset>
{% endfor %}
<label for="typed_name">Type your full name to sign</label>
<input type="text" id="typed_name" name="typed_name" autocomplete="name" required>
<label for="role">Your role</label>
<input type="text" id="role" name="role" value="{{ role }}">
<button type="submit" name="decision" value="sign">I have read it and I sign</button>
<details><summary>I do not agree</summary>
<label for="reason">Why not? Your school will follow this up.</label>
<textarea id="reason" name="reason" rows="3"></textarea>
<button type="submit" name="decision" value="decline" formnovalidate>Decline to sign</button>
</details>
</form>
{% endblock %}"#;

const DONE: &str = r#"{% extends "layout.html" %}
{% block title %}Thank you{% endblock %}
{% block body %}
<h1>{% if declined %}Your answer has been recorded{% else %}Thank you, you have signed{% endif %}</h1>
<p>{{ title }}, version {{ version_number }}. Receipt number <code>{{ id }}</code>.</p>
<p>Fingerprint of the text {% if declined %}you declined{% else %}you signed{% endif %}: <code>{{ content_hash }}</code></p>
<p>Keep this receipt (save or print this page): it is your record of what you {% if declined %}declined{% else %}signed{% endif %}.</p>
<pre style="white-space:pre-wrap;border:1px solid #ccc;padding:1rem">{{ receipt }}</pre>
{% endblock %}"#;

const INVALID: &str = r#"{% extends "layout.html" %}
{% block title %}Link not valid{% endblock %}
{% block body %}
<h1>This link is not valid</h1>
<p>It may have expired or been used already. Ask your school office for a new one.</p>
{% endblock %}"#;

const ME: &str = r#"{% extends "layout.html" %}
{% block title %}My policies{% endblock %}
{% block body %}
<h1>{{ name }}</h1>
<p>Signed in to {{ trust }}{% if email %} as {{ email }}{% endif %}.</p>
<h2>To sign</h2>
{% if owed %}<ul>{% for row in owed %}<li><a href="/me/sign/{{ row.version }}?school={{ row.school }}"><strong>{{ row.title }}</strong></a>: {{ row.status }}{% if row.due %}, due {{ row.due }}{% endif %}</li>{% endfor %}</ul>
{% else %}<p>Nothing to sign at the moment.</p>{% endif %}
<h2>Signed</h2>
{% if signed %}<ul>{% for row in signed %}<li>{{ row.title }}: signed {{ row.signed }}{% if row.receipt %} (<a href="/receipts/{{ row.receipt }}">receipt<span class="visually-hidden"> for {{ row.title }}</span></a>){% endif %}</li>{% endfor %}</ul>
{% else %}<p>Nothing yet.</p>{% endif %}
<form method="post" action="/auth/logout"><input type="hidden" name="csrf" value="{{ csrf }}"><button type="submit">Sign out</button></form>
{% endblock %}"#;

const SIGNED_OUT: &str = r#"{% extends "layout.html" %}
{% block title %}Signed out{% endblock %}
{% block body %}<h1>Signed out</h1><p>You have signed out of attest.</p>{% endblock %}"#;

const SIGN_IN_FAILED: &str = r#"{% extends "layout.html" %}
{% block title %}Sign-in{% endblock %}
{% block body %}<h1>Sign-in</h1><p class="error">{{ message }}</p>{% endblock %}"#;

pub(crate) fn sign_in_failed(status: StatusCode, message: &str) -> HttpResponse {
    page(
        status,
        "sign_in_failed.html",
        context! { message => message },
    )
}

pub(crate) fn signed_out() -> HttpResponse {
    page(StatusCode::OK, "signed_out.html", context! {})
}

pub(crate) fn me(
    context: &attest_app::SessionContext,
    rows: &[attest_app::ComplianceRow],
    csrf: &str,
) -> HttpResponse {
    use attest_domain::ComplianceStatus;
    let owed: Vec<_> = rows
        .iter()
        .filter(|row| {
            matches!(
                row.status,
                ComplianceStatus::Due | ComplianceStatus::Overdue
            )
        })
        .map(|row| {
            context! {
                title => row.policy_title.clone(),
                version => row.current_version_id.to_string(),
                school => row.school.to_string(),
                status => attest_app::status_key(row.status),
                due => row.due_on.map(|day| day.format("%-d %B %Y").to_string()),
            }
        })
        .collect();
    let signed: Vec<_> = rows
        .iter()
        .filter_map(|row| {
            row.last_signed_at.map(|at| context! {
            title => row.policy_title.clone(),
            receipt => row.last_acceptance.map(|id| id.to_string()),
            signed => at.with_timezone(&attest_domain::LONDON).format("%-d %B %Y").to_string(),
        })
        })
        .collect();
    page(
        StatusCode::OK,
        "me.html",
        context! {
            name => context.person.full_name.as_str(),
            email => context.person.email.as_ref().map(|e| e.as_str().to_owned()),
            trust => context.trust.name.as_str(),
            owed => owed,
            signed => signed,
            csrf => csrf,
            nav => super::portal::nav(&context.principal, "/me"),
        },
    )
}

fn templates() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in [
            ("layout.html", LAYOUT),
            ("receipt.html", RECEIPT),
            ("sign.html", SIGN),
            ("done.html", DONE),
            ("invalid.html", INVALID),
            ("me.html", ME),
            ("signed_out.html", SIGNED_OUT),
            ("sign_in_failed.html", SIGN_IN_FAILED),
            ("school.html", include_str!("templates/school.html")),
            ("trust.html", include_str!("templates/trust.html")),
            ("breaches.html", include_str!("templates/breaches.html")),
            ("breach.html", include_str!("templates/breach.html")),
            ("report.html", include_str!("templates/report.html")),
            ("paper.html", include_str!("templates/paper.html")),
        ] {
            if let Err(error) = env.add_template(name, source) {
                tracing::error!(%error, name, "page template does not compile");
            }
        }
        env
    })
}

pub(crate) fn page(status: StatusCode, name: &str, data: minijinja::Value) -> HttpResponse {
    let rendered = templates()
        .get_template(name)
        .and_then(|template| template.render(data));
    match rendered {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header((
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ))
            .insert_header(("Cache-Control", "no-store"))
            .body(html),
        Err(error) => {
            tracing::error!(%error, name, "page did not render");
            HttpResponse::InternalServerError().body("internal error; it has been logged")
        }
    }
}

pub(crate) fn receipt(evidence: &AcceptanceEvidence) -> HttpResponse {
    let a = &evidence.acceptance;
    page(
        StatusCode::OK,
        "receipt.html",
        context! {
            id => a.id.to_string(),
            title => evidence.policy.title.clone(),
            declined => a.decision == Decision::Declined,
            paper => a.method == SigningMethod::Paper,
            verified => evidence.text_verified,
            person => evidence.person.full_name.as_str(),
            school => evidence.school.name.as_str(),
            version => evidence.version.number,
            typed_name => a.typed_name.clone(),
            role => a.role.clone(),
            answers => a.answers.clone(),
            reason => a.decline_reason.clone(),
            note => a.note.clone(),
            method => a.method.as_str(),
            signed_at => a.signed_at.to_rfc3339(),
            ip => a.ip.clone(),
            user_agent => a.user_agent.clone(),
            seq => a.seq,
            content_hash => a.content_hash.clone(),
            prev_hash => a.prev_hash.clone(),
            row_hash => a.row_hash.clone(),
            html => evidence.html.clone(),
        },
    )
}

fn invalid_link() -> HttpResponse {
    page(StatusCode::NOT_FOUND, "invalid.html", context! {})
}

/// The signing page; `csrf` for a signed-in session's form (a magic link's secret in the
/// URL stands in for it).
pub(crate) fn sign_form(
    form: &SigningForm,
    error: Option<String>,
    csrf: Option<&str>,
) -> HttpResponse {
    let questions: Vec<_> = form
        .questions
        .iter()
        .map(|q| context! { key => q.key.clone(), text => q.text.clone(), options => q.options.clone() })
        .collect();
    page(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        "sign.html",
        context! {
            title => form.policy_title.clone(),
            version_number => form.version_number,
            version_id => form.version.to_string(),
            person => form.person_name.clone(),
            expires => form.expires_at.map(|at| at.with_timezone(&attest_app::SCHOOL_TIME_ZONE).format("%-d %B %Y %H:%M").to_string()),
            html => form.html.clone(),
            content_hash => form.content_hash.clone(),
            questions => questions,
            role => form.role.clone(),
            error => error,
            csrf => csrf,
        },
    )
}

/// `GET /sign/{token}`: the policy and the form. Unknown, expired and used links all
/// get the same page and status.
pub async fn sign_page(
    request: HttpRequest,
    app: web::Data<App>,
    token: web::Path<String>,
) -> HttpResponse {
    match opened_link(&app, &request, &token).await {
        Ok(form) => sign_form(&form, None, None),
        Err(refused) => refused,
    }
}

/// The link's form. Wrong links count against the caller's address, and an address past
/// the limit is refused before its next link is even looked up (no guessing links).
async fn opened_link(
    app: &App,
    request: &HttpRequest,
    token: &str,
) -> Result<SigningForm, HttpResponse> {
    let address = super::client_address(request);
    match app
        .link_attempt(Some(&address), app.open_signing_form(token))
        .await
    {
        Ok(form) => Ok(form),
        Err(AppError::NotFound(_)) => Err(invalid_link()),
        Err(error) => Err(error_response(error)),
    }
}

/// `POST /sign/{token}`: sign or decline. The link's secret in the path is what
/// authorises the request (a forger would need it), so no other CSRF token is needed.
pub async fn sign_submit(
    request: HttpRequest,
    app: web::Data<App>,
    token: web::Path<String>,
    form: web::Form<BTreeMap<String, String>>,
) -> HttpResponse {
    let form = form.into_inner();
    let opened = match opened_link(&app, &request, &token).await {
        Ok(opened) => opened,
        Err(refused) => return refused,
    };
    let result = match Submission::read(&form, opened.version) {
        Submission::Decline(decline) => {
            app.decline_with_magic_link(&token, decline, origin_of(&request))
                .await
        }
        Submission::Sign(sign) => {
            app.sign_with_magic_link(&token, sign, origin_of(&request))
                .await
        }
    };
    match signed(&app, result, &opened, None).await {
        Err(AppError::NotFound(_)) => invalid_link(),
        Err(error) => error_response(error),
        Ok(page) => page,
    }
}

/// What a signing form's submission asks for.
pub(crate) enum Submission {
    Sign(SignPolicy),
    Decline(DeclinePolicy),
}

impl Submission {
    pub(crate) fn read(form: &BTreeMap<String, String>, version: PolicyVersionId) -> Self {
        let field = |name: &str| form.get(name).cloned().unwrap_or_default();
        let school = form.get("school").and_then(|id| id.parse().ok());
        if field("decision") == "decline" {
            return Self::Decline(DeclinePolicy {
                version,
                school,
                content_hash: field("content_hash"),
                reason: field("reason"),
            });
        }
        let answers = form
            .iter()
            .filter_map(|(name, value)| {
                Some((name.strip_prefix("answer.")?.to_owned(), value.clone()))
            })
            .collect();
        Self::Sign(SignPolicy {
            version,
            school,
            content_hash: field("content_hash"),
            typed_name: field("typed_name"),
            role: Some(field("role")),
            answers,
        })
    }
}

/// The receipt page after signing or declining, or the form again with what was wrong.
/// Other errors are the caller's to answer.
pub(crate) async fn signed(
    app: &App,
    result: Result<attest_app::Acceptance, AppError>,
    opened: &SigningForm,
    csrf: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let result = match result {
        Ok(acceptance) => app.signer_receipt(acceptance).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(evidence) => Ok(page(
            StatusCode::OK,
            "done.html",
            context! {
                declined => evidence.acceptance.decision == Decision::Declined,
                title => opened.policy_title.clone(),
                version_number => opened.version_number,
                id => evidence.acceptance.id.to_string(),
                content_hash => evidence.acceptance.content_hash.clone(),
                receipt => attest_app::receipt_text(&evidence),
            },
        )),
        Err(error @ (AppError::InvalidInput { .. } | AppError::Conflict(_))) => {
            Ok(sign_form(opened, Some(error.to_string()), csrf))
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles() {
        for name in [
            "receipt.html",
            "sign.html",
            "done.html",
            "invalid.html",
            "me.html",
            "school.html",
            "trust.html",
            "breaches.html",
            "breach.html",
            "report.html",
            "paper.html",
        ] {
            assert!(templates().get_template(name).is_ok(), "{name}");
        }
    }
}
