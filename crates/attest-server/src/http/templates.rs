//! Page templates (the files in `pages/templates`) and rendering one with the headers
//! every page carries.

use std::sync::OnceLock;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use minijinja::{Environment, Value, context};

const TEMPLATES: [(&str, &str); 26] = [
    ("layout.html", include_str!("pages/templates/layout.html")),
    ("receipt.html", include_str!("pages/templates/receipt.html")),
    ("sign.html", include_str!("pages/templates/sign.html")),
    (
        "obligations.html",
        include_str!("pages/templates/obligations.html"),
    ),
    ("done.html", include_str!("pages/templates/done.html")),
    (
        "requests.html",
        include_str!("pages/templates/requests.html"),
    ),
    ("request.html", include_str!("pages/templates/request.html")),
    ("records.html", include_str!("pages/templates/records.html")),
    (
        "calendar.html",
        include_str!("pages/templates/calendar.html"),
    ),
    ("invalid.html", include_str!("pages/templates/invalid.html")),
    ("me.html", include_str!("pages/templates/me.html")),
    ("reviews.html", include_str!("pages/templates/reviews.html")),
    ("review.html", include_str!("pages/templates/review.html")),
    (
        "signed_out.html",
        include_str!("pages/templates/signed_out.html"),
    ),
    (
        "sign_in_failed.html",
        include_str!("pages/templates/sign_in_failed.html"),
    ),
    ("school.html", include_str!("pages/templates/school.html")),
    ("trust.html", include_str!("pages/templates/trust.html")),
    (
        "breaches.html",
        include_str!("pages/templates/breaches.html"),
    ),
    ("breach.html", include_str!("pages/templates/breach.html")),
    ("report.html", include_str!("pages/templates/report.html")),
    ("paper.html", include_str!("pages/templates/paper.html")),
    ("front.html", include_str!("pages/templates/front.html")),
    (
        "ico_pack.html",
        include_str!("pages/templates/ico_pack.html"),
    ),
    (
        "board_report.html",
        include_str!("pages/templates/board_report.html"),
    ),
    (
        "email_sent.html",
        include_str!("pages/templates/email_sent.html"),
    ),
    (
        "email_link.html",
        include_str!("pages/templates/email_link.html"),
    ),
];

fn templates() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            if let Err(error) = env.add_template(name, source) {
                tracing::error!(%error, name, "page template does not compile");
            }
        }
        env
    })
}

/// A page from its template, with the headers every page carries.
pub(crate) fn page(status: StatusCode, name: &str, data: Value) -> HttpResponse {
    let rendered = templates()
        .get_template(name)
        .and_then(|template| template.render(data));
    match rendered {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header((
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ))
            .insert_header(("Cache-Control", "no-store"))
            .body(html),
        Err(error) => {
            tracing::error!(%error, name, "page did not render");
            HttpResponse::InternalServerError().body("internal error; it has been logged")
        }
    }
}

/// A page that says why sign-in (or a signed-in page) did not work.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles() {
        for (name, _) in TEMPLATES {
            assert!(templates().get_template(name).is_ok(), "{name}");
        }
    }
}
