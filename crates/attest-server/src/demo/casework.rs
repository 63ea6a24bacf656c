//! The demo DPO's casework: this school year's term calendar, requests in different
//! states (a subject access request under way, an FOI request whose clock stopped for
//! clarification, an erasure request awaiting identity, one answered), the record of
//! processing activities and two suppliers (one due for review, one without an
//! agreement).

use anyhow::Context as _;
use attest_app::{App, NewRequest, RequestStep};
use attest_domain::processing::{ActivityInput, SupplierFacts};
use attest_domain::requests::{
    Outcome, PauseReason, Relationship, RequestInput, RequestKind, Term, TermCalendar,
};
use chrono::{Datelike, Days, NaiveDate};

use super::DemoTrust;

fn day(year: i32, month: u32, day: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).context("a calendar date")
}

/// This school year's terms (and next autumn's), as a trust publishes them.
fn school_year(today: NaiveDate) -> anyhow::Result<TermCalendar> {
    let first = if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    };
    let term = |name: String, from: NaiveDate, to: NaiveDate| Term {
        name,
        starts_on: from,
        ends_on: to,
    };
    Ok(TermCalendar {
        terms: vec![
            term(
                format!("Autumn {first}"),
                day(first, 9, 3)?,
                day(first, 12, 18)?,
            ),
            term(
                format!("Spring {}", first + 1),
                day(first + 1, 1, 6)?,
                day(first + 1, 3, 27)?,
            ),
            term(
                format!("Summer {}", first + 1),
                day(first + 1, 4, 13)?,
                day(first + 1, 7, 21)?,
            ),
            term(
                format!("Autumn {}", first + 1),
                day(first + 1, 9, 3)?,
                day(first + 1, 12, 18)?,
            ),
        ],
        inset_days: Vec::new(),
        extra_bank_holidays: Vec::new(),
    })
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|word| (*word).to_owned()).collect()
}

/// Seeds the casework; how many requests it logged.
pub(super) async fn seed_casework(app: &App, demo: &DemoTrust) -> anyhow::Result<usize> {
    let trust = app.operator_for(&demo.trust_slug).await?.trust();
    let dpo = app
        .demo_person(trust, demo.cast.dpo.context("the demo has no DPO")?)
        .await?;
    let today = app.today();
    let ago = |days: u64| today.checked_sub_days(Days::new(days)).unwrap_or(today);
    app.set_term_calendar(&dpo, school_year(today)?).await?;
    let mis = app
        .save_supplier(
            &dpo,
            None,
            SupplierFacts {
                name: "Arbor Education".to_owned(),
                service: "Management information system".to_owned(),
                contact: Some("privacy@arbor.example".to_owned()),
                data_categories: words(&["basic_identifiers", "health", "racial_or_ethnic_origin"]),
                people_categories: words(&["pupils", "parents", "staff"]),
                location: "uk".to_owned(),
                contract_starts_on: Some(ago(800)),
                contract_ends_on: today.checked_add_days(Days::new(400)),
                dpa_signed_on: Some(ago(810)),
                review_on: today.checked_add_days(Days::new(20)),
                ..SupplierFacts::default()
            },
        )
        .await?;
    app.save_supplier(
        &dpo,
        None,
        SupplierFacts {
            name: "Quick Forms Online".to_owned(),
            service: "Parents' consent forms for trips".to_owned(),
            data_categories: words(&["basic_identifiers", "health"]),
            people_categories: words(&["pupils", "parents"]),
            location: "other".to_owned(),
            location_detail: Some(
                "United States; the UK Extension to the EU-US Data Privacy Framework".to_owned(),
            ),
            ..SupplierFacts::default()
        },
    )
    .await?;
    let activity = |name: &str, purpose: &str, basis: &str, suppliers: Vec<uuid::Uuid>| {
        ActivityInput {
        name: name.to_owned(),
        purpose: purpose.to_owned(),
        lawful_basis: basis.to_owned(),
        special_condition: Some("Article 9(2)(g) substantial public interest; DPA 2018 Schedule 1 paragraph 18 (safeguarding)".to_owned()),
        people_categories: words(&["pupils", "parents"]),
        data_categories: words(&["basic_identifiers", "health"]),
        recipients: "The local authority; the Department for Education".to_owned(),
        retention: "Date of birth of the pupil + 25 years".to_owned(),
        security: "Role-based access in the MIS, multi-factor sign-in, encrypted backups".to_owned(),
        source: Some("Parents and carers; the previous school".to_owned()),
        suppliers,
        ..ActivityInput::default()
    }
    };
    app.save_processing_activity(
        &dpo,
        None,
        None,
        activity(
            "Pupil records",
            "Teaching, welfare and safeguarding of pupils",
            "public_task",
            vec![mis.id],
        ),
    )
    .await?;
    app.save_processing_activity(
        &dpo,
        None,
        None,
        activity(
            "Admissions",
            "Offering and taking up school places",
            "public_task",
            vec![mis.id],
        ),
    )
    .await?;
    let school = demo.cast.schools.first().copied();
    let log = |kind: RequestKind,
               name: &str,
               about: Option<&str>,
               what: &str,
               received: NaiveDate| NewRequest {
        school,
        input: RequestInput {
            kind,
            requester_name: name.to_owned(),
            requester_contact: format!("{}@example.org", name.to_lowercase().replace(' ', ".")),
            relationship: if kind.is_foi() {
                Relationship::MemberOfPublic
            } else {
                Relationship::ParentOrCarer
            },
            about: about.map(str::to_owned),
            description: what.to_owned(),
            received_on: received,
        },
    };
    let under_way = app
        .log_info_request(
            &dpo,
            log(
                RequestKind::SubjectAccess,
                "Pat Parent",
                Some("Their son, Year 5"),
                "Everything held about my son, including emails about him",
                ago(12),
            ),
        )
        .await?;
    app.take_request_step(
        &dpo,
        under_way.request.id,
        1,
        RequestStep::VerifyIdentity { on: ago(11) },
    )
    .await?;
    let foi = app
        .log_info_request(
            &dpo,
            log(
                RequestKind::Foi,
                "Ria Reporter",
                None,
                "Spending on agency teaching staff in each of the last three years",
                ago(25),
            ),
        )
        .await?;
    let foi = app
        .take_request_step(
            &dpo,
            foi.request.id,
            1,
            RequestStep::StopClock {
                reason: PauseReason::Clarification,
                from: ago(24),
                note: Some("Calendar or financial years?".to_owned()),
            },
        )
        .await?;
    app.take_request_step(
        &dpo,
        foi.request.id,
        2,
        RequestStep::RestartClock { on: ago(18) },
    )
    .await?;
    let erasure = app
        .log_info_request(
            &dpo,
            log(
                RequestKind::Erasure,
                "Sam Former",
                Some("Themselves, a former pupil"),
                "Remove my photographs from the school website and newsletters",
                ago(3),
            ),
        )
        .await?;
    app.take_request_step(
        &dpo,
        erasure.request.id,
        1,
        RequestStep::StopClock {
            reason: PauseReason::Identity,
            from: ago(2),
            note: Some("Asked for photo ID".to_owned()),
        },
    )
    .await?;
    let answered = app
        .log_info_request(
            &dpo,
            log(
                RequestKind::SubjectAccess,
                "Alex Applicant",
                Some("Their daughter, Year 2"),
                "Her attendance and behaviour records",
                ago(60),
            ),
        )
        .await?;
    app.take_request_step(
        &dpo,
        answered.request.id,
        1,
        RequestStep::Exemption {
            provision: "DPA 2018 Sch 2 para 16 (third parties)".to_owned(),
            reason: "Other pupils are named in the behaviour log".to_owned(),
        },
    )
    .await?;
    app.take_request_step(
        &dpo,
        answered.request.id,
        2,
        RequestStep::Close {
            outcome: Outcome::CompliedInPart,
            on: ago(35),
            summary: "Sent by secure email with other pupils' names redacted".to_owned(),
        },
    )
    .await?;
    Ok(4)
}
