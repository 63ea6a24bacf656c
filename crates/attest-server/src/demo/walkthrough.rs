//! What makes the demo walkable in a browser: email sign-in turned on, single-use
//! sign-in links for a trust admin, the DPO, a school admin, a member of staff and a
//! governor, and breaches on the DPO's desk in different states.

use std::sync::Arc;

use anyhow::Context as _;
use attest_app::{
    App, Awareness, CloseBreachInput, IcoNotificationInput, ManualClock, OtherNoticeInput,
    SubjectNoticeInput,
};
use attest_domain::{AssessmentInput, BreachFactsInput, EmailSignIn, SchoolId};
use chrono::Duration;

use super::DemoTrust;

/// How long the demo's sign-in links work: a working day, not the 15 minutes of an
/// emailed one, so the printed links still work after a coffee.
const DEMO_LINK_HOURS: i64 = 24;

/// Turns on email sign-in for everyone (the demo has no identity provider) and makes
/// one sign-in link per part in the walk-through.
pub(super) async fn sign_in_links(app: &App, demo: &mut DemoTrust) -> anyhow::Result<()> {
    let operator = app.operator_for(&demo.trust_slug).await?;
    app.set_email_sign_in(&operator, EmailSignIn::for_kinds("all")?)
        .await?;
    let cast = demo.cast.clone();
    let parts = [
        ("trust admin", cast.trust_admin),
        ("DPO", cast.dpo),
        ("school admin", cast.school_admin),
        ("member of staff with a policy to sign", cast.signer),
        ("governor asked to approve a policy", cast.governor),
    ];
    for (part, person) in parts {
        let person = person.with_context(|| format!("the demo has no {part}"))?;
        let link = app
            .issue_sign_in_link(&operator, person, Duration::hours(DEMO_LINK_HOURS))
            .await?;
        demo.sign_in_links.push((
            part.to_owned(),
            link.person.full_name.as_str().to_owned(),
            link.url,
        ));
    }
    Ok(())
}

fn facts(
    (what, nature, incident): (&str, &str, &str),
    discovered_ago: Duration,
    now: chrono::DateTime<chrono::Utc>,
) -> BreachFactsInput {
    BreachFactsInput {
        what_happened: what.to_owned(),
        occurred_at: Some(now - discovered_ago - Duration::hours(2)),
        discovered_at: Some(now - discovered_ago),
        how_discovered: "A parent phoned the school office".to_owned(),
        cyber_incident: "no".to_owned(),
        data_categories: vec!["basic_identifiers".to_owned()],
        data_other: None,
        records_affected: Some(28),
        people_affected: Some(28),
        people_categories: vec!["pupils".to_owned(), "parents".to_owned()],
        people_other: None,
        staff_involved: "yes".to_owned(),
        staff_training: Some("Data protection training, September".to_owned()),
        recovered_or_contained: "yes".to_owned(),
        containment_detail: Some("The recipient confirmed they deleted it".to_owned()),
        reporter_name: "Demo reporter".to_owned(),
        reporter_contact: None,
        supplier: None,
        nature: vec![nature.to_owned()],
        incident_type: Some(incident.to_owned()),
        preventive_measures: Some("Annual data protection training; encrypted devices".to_owned()),
        staff_trained_on: None,
        cross_border: None,
        ..BreachFactsInput::default()
    }
}

/// Four breaches, as a DPO's desk looks in a normal term: one just reported, one with
/// the ICO's clock running, one reported to the ICO and the people told, one closed as
/// not a breach after all.
pub(super) async fn breaches(
    past: &App,
    clock: &Arc<ManualClock>,
    demo: &mut DemoTrust,
) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let cast = demo.cast.clone();
    let trust = past.operator_for(&demo.trust_slug).await?.trust();
    let reporter = past
        .demo_person(trust, cast.reporter.context("the demo has no reporter")?)
        .await?;
    let operator = past.operator_for(&demo.trust_slug).await?;
    past.set_breach_settings(
        &operator,
        attest_domain::BreachSettings {
            dpo_contact: Some(
                "Femi Davies, Data Protection Officer: dpo@demo-trust.org.uk, 01632 960 000"
                    .to_owned(),
            ),
            ..attest_domain::BreachSettings::default()
        },
    )
    .await?;
    let dpo = past
        .demo_person(trust, cast.dpo.context("the demo has no DPO")?)
        .await?;
    // Staff report for the schools they work at: the reporter's is the second school.
    let school: Vec<SchoolId> = cast.schools.get(1).copied().into_iter().collect();
    let report = |what: (&'static str, &'static str, &'static str), ago: Duration| {
        let (reporter, school) = (reporter.clone(), school.clone());
        async move {
            clock.set(now - ago);
            past.report_breach(&reporter, facts(what, ago, now), school)
                .await
                .map(|view| view.breach)
        }
    };

    let told = report(
        (
            "A teacher's email account was phished and used to send messages to parents",
            "unauthorised_access",
            "phishing",
        ),
        Duration::days(12),
    )
    .await?;
    clock.set(now - Duration::days(12) + Duration::hours(1));
    let told = past
        .triage_breach(&dpo, told.id, told.version, Awareness::default())
        .await?
        .breach;
    clock.set(now - Duration::days(11));
    let told = past
        .assess_breach(&dpo, told.id, told.version, assessment(true))
        .await?
        .breach;
    clock.set(now - Duration::days(10));
    let told = past
        .record_ico_notification(
            &dpo,
            told.id,
            told.version,
            IcoNotificationInput {
                ico_reference: "IC-123456-D3M0".to_owned(),
                notified_at: None,
                follow_up: false,
                delay_reason: None,
                detail: Some("Reported online with the ICO's form".to_owned()),
            },
        )
        .await?
        .breach;
    let told = past
        .record_subject_notification(
            &dpo,
            told.id,
            told.version,
            SubjectNoticeInput {
                notified_at: None,
                how: "Letter to each family, and a call from the headteacher".to_owned(),
                message: "A teacher's school email account was used by someone else to send \
                          messages to parents. Do not open links in those messages; we have \
                          secured the account. Contact the DPO with any questions."
                    .to_owned(),
                people_told: Some(28),
                public_notice: false,
            },
        )
        .await?
        .breach;
    past.record_other_notification(
        &dpo,
        told.id,
        told.version,
        OtherNoticeInput {
            party: "action_fraud".to_owned(),
            notified_at: None,
            reference: Some("NFRC261100123".to_owned()),
            detail: Some("Phishing reported online".to_owned()),
        },
    )
    .await?;

    let running = report(
        (
            "A laptop with pupils' reports on it was stolen from a car",
            "loss",
            "loss_or_theft_of_device",
        ),
        Duration::hours(30),
    )
    .await?;
    clock.set(now - Duration::hours(29));
    past.triage_breach(&dpo, running.id, running.version, Awareness::default())
        .await?;

    let not_a_breach = report(
        (
            "A class list was left on the photocopier",
            "unauthorised_disclosure",
            "loss_or_theft_of_paperwork_or_data_left_insecure",
        ),
        Duration::days(20),
    )
    .await?;
    clock.set(now - Duration::days(20) + Duration::hours(3));
    past.close_breach(
        &dpo,
        not_a_breach.id,
        not_a_breach.version,
        CloseBreachInput {
            not_a_breach: true,
            reason: Some("The list was found by the school's own staff within minutes".to_owned()),
            lessons_learned: Some("Reminded staff to use secure print".to_owned()),
        },
    )
    .await?;

    report(
        (
            "Year 4 reports were emailed to the wrong parent",
            "unauthorised_disclosure",
            "data_emailed_to_incorrect_recipient",
        ),
        Duration::hours(2),
    )
    .await?;
    demo.breaches = 4;
    Ok(())
}

fn assessment(notify: bool) -> AssessmentInput {
    AssessmentInput {
        consequences: "Parents' names and email addresses seen by others; phishing risk".to_owned(),
        likelihood: "medium".to_owned(),
        severity: "medium".to_owned(),
        containment_actions: "Password reset, sessions revoked, messages recalled".to_owned(),
        notify_ico: notify,
        ico_reasons: "Risk to the families' rights: reported".to_owned(),
        notify_subjects: notify,
        subjects_reasons: Some("The families should watch for phishing".to_owned()),
        subjects_exception: None,
        measures_proposed: Some(
            "Move parent email to the MIS messaging with a second check".to_owned(),
        ),
        others_told: vec!["police".to_owned()],
    }
}
