//! The approval state machine: quorum, rejection, withdrawal on edit, scheduling, seats.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::{Actor, PersonId, Principal, Role, RoleAssignment, TrustId};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).expect("a day")
}

fn person(trust: TrustId, id: PersonId, roles: &[Role]) -> Principal {
    let roles = roles
        .iter()
        .map(|role| RoleAssignment::new(*role, None).expect("trust-wide role"))
        .collect();
    Principal::mint(trust, Actor::Person(id), roles)
}

fn named(person: PersonId, capacity: &str) -> Approver {
    Approver::Person {
        person,
        capacity: capacity.to_owned(),
    }
}

fn approve(on: u32) -> Verdict {
    Verdict::Approve {
        meeting: "Trust board, 4 December".to_owned(),
        minute: "7.2".to_owned(),
        effective_on: day(on),
    }
}

fn reject() -> Verdict {
    Verdict::Reject {
        reason: "Section 3 must name the new filtering system.".to_owned(),
    }
}

struct Board {
    rule: ApprovalRule,
    people: Vec<PersonId>,
}

fn board(quorum: Quorum) -> Board {
    let people: Vec<PersonId> = (0..3).map(|_| PersonId::generate()).collect();
    let rule = ApprovalRule::new(
        "the trust board",
        vec![
            named(people[0], "Chair of trustees"),
            named(people[1], "Vice-chair"),
            named(people[2], "Trustee"),
        ],
        quorum,
        vec![],
    )
    .expect("a rule");
    Board { rule, people }
}

/// Runs decisions in order; returns the review and every decision stored.
fn run(
    board: &Board,
    review: Review,
    steps: &[(usize, Verdict)],
) -> Result<(Review, Vec<SeatDecision>, Outcome), ReviewError> {
    let trust = TrustId::generate();
    let mut review = review;
    let mut stored = Vec::new();
    let mut last = Outcome::Rejected;
    for (who, verdict) in steps {
        let seats = board.rule.seats_of(&person(trust, board.people[*who], &[]));
        let (next, seat, outcome) = review.decide(&board.rule, &seats, &stored, verdict.clone())?;
        stored.push(SeatDecision {
            seat,
            round: review.round,
            verdict: verdict.clone(),
        });
        review = next;
        last = outcome;
    }
    Ok((review, stored, last))
}

fn submitted(rule: &ApprovalRule) -> Review {
    Review::submit(None, Some(rule)).expect("submitted")
}

#[test]
fn all_must_approve_unless_a_quorum_is_set() {
    let all = board(Quorum::All);
    let (review, _, outcome) = run(
        &all,
        submitted(&all.rule),
        &[(0, approve(10)), (1, approve(12))],
    )
    .expect("runs");
    assert_eq!(review.stage, ReviewStage::InReview);
    assert_eq!(
        outcome,
        Outcome::Pending {
            approvals: 2,
            needed: 3
        }
    );
    let (review, _, outcome) = run(
        &all,
        submitted(&all.rule),
        &[(0, approve(10)), (1, approve(12)), (2, approve(11))],
    )
    .expect("runs");
    assert_eq!(review.stage, ReviewStage::Approved);
    // The approval takes effect when the last needed approval does.
    assert_eq!(
        outcome,
        Outcome::Approved {
            effective_on: day(12)
        }
    );

    let two = board(Quorum::AtLeast(2));
    let (review, _, outcome) = run(
        &two,
        submitted(&two.rule),
        &[(2, approve(9)), (0, approve(8))],
    )
    .expect("runs");
    assert_eq!(review.stage, ReviewStage::Approved);
    assert_eq!(
        outcome,
        Outcome::Approved {
            effective_on: day(9)
        }
    );
}

#[test]
fn one_rejection_returns_the_version_to_its_owner() {
    let two = board(Quorum::AtLeast(2));
    let (review, _, outcome) = run(
        &two,
        submitted(&two.rule),
        &[(0, approve(9)), (1, reject())],
    )
    .expect("runs");
    assert_eq!(outcome, Outcome::Rejected);
    assert_eq!(review.stage, ReviewStage::Drafting);
    // Sent again, it is a new round: the earlier approval no longer counts.
    let again = Review::submit(Some(&review), Some(&two.rule)).expect("resubmitted");
    assert_eq!(again.round, 2);
    let (review, _, outcome) = run(&two, again, &[(1, approve(10))]).expect("runs");
    assert_eq!(
        outcome,
        Outcome::Pending {
            approvals: 1,
            needed: 2
        }
    );
    assert_eq!(review.stage, ReviewStage::InReview);
}

#[test]
fn editing_withdraws_approvals_given_so_far() {
    let all = board(Quorum::All);
    let trust = TrustId::generate();
    let review = submitted(&all.rule);
    let (review, decisions, _) =
        run(&all, review, &[(0, approve(9)), (1, approve(9))]).expect("runs");
    let edited = review.edited();
    assert_eq!(edited.round, review.round + 1);
    assert_eq!(edited.stage, ReviewStage::InReview);
    // The first approver may decide again, and the count starts over.
    let seats = all.rule.seats_of(&person(trust, all.people[0], &[]));
    let (_, seat, outcome) = edited
        .decide(&all.rule, &seats, &decisions, approve(9))
        .expect("decides again");
    assert_eq!(seat, 0);
    assert_eq!(
        outcome,
        Outcome::Pending {
            approvals: 1,
            needed: 3
        }
    );
    // An approved version edited goes back to review, and loses its schedule.
    let (approved, _, _) = run(
        &all,
        submitted(&all.rule),
        &[(0, approve(9)), (1, approve(9)), (2, approve(9))],
    )
    .expect("runs");
    let scheduled = approved.schedule(day(20), day(5)).expect("scheduled");
    let edited = scheduled.edited();
    assert_eq!(edited.stage, ReviewStage::InReview);
    assert_eq!(edited.scheduled_on, None);
    assert_eq!(
        Review {
            stage: ReviewStage::Drafting,
            round: 3,
            scheduled_on: None
        }
        .edited()
        .round,
        3
    );
}

#[test]
fn a_seat_decides_once_and_only_its_holder_decides() {
    let all = board(Quorum::All);
    let trust = TrustId::generate();
    let review = submitted(&all.rule);
    let error = run(&all, review, &[(0, approve(9)), (0, approve(9))]).expect_err("twice");
    assert_eq!(
        error,
        ReviewError::NotYours("you have already decided on this version".to_owned())
    );
    let stranger = person(trust, PersonId::generate(), &[Role::TrustAdmin]);
    let seats = all.rule.seats_of(&stranger);
    assert!(seats.is_empty());
    assert!(matches!(
        review.decide(&all.rule, &seats, &[], approve(9)),
        Err(ReviewError::NotYours(_))
    ));
    // A role's seat is any holder's, but never a token's.
    let with_dpo = ApprovalRule::new(
        "the trust board",
        vec![
            named(all.people[0], "Chair"),
            Approver::Role {
                role: ApproverRole::Dpo,
            },
        ],
        Quorum::All,
        vec![],
    )
    .expect("rule");
    let dpo = person(trust, PersonId::generate(), &[Role::Dpo]);
    assert_eq!(with_dpo.seats_of(&dpo), vec![1]);
    let token = Principal::mint(
        trust,
        Actor::ApiToken(crate::ApiTokenId::generate()),
        vec![RoleAssignment::new(Role::Dpo, None).expect("role")],
    );
    assert!(with_dpo.seats_of(&token).is_empty());
    // The chair who is also the DPO holds both seats, and fills them one at a time.
    let chair_and_dpo = person(trust, all.people[0], &[Role::Dpo]);
    assert_eq!(with_dpo.seats_of(&chair_and_dpo), vec![0, 1]);
    let review = submitted(&with_dpo);
    let (review, first, _) = review
        .decide(&with_dpo, &[0, 1], &[], approve(9))
        .expect("first");
    let stored = [SeatDecision {
        seat: first,
        round: 1,
        verdict: approve(9),
    }];
    let (review, second, outcome) = review
        .decide(&with_dpo, &[0, 1], &stored, approve(9))
        .expect("second");
    assert_eq!((first, second), (0, 1));
    assert_eq!(review.stage, ReviewStage::Approved);
    assert_eq!(
        outcome,
        Outcome::Approved {
            effective_on: day(9)
        }
    );
}

#[test]
fn steps_out_of_turn_are_refused() {
    let all = board(Quorum::All);
    assert!(matches!(
        Review::submit(None, None),
        Err(ReviewError::Conflict(_))
    ));
    let review = submitted(&all.rule);
    assert!(matches!(
        Review::submit(Some(&review), Some(&all.rule)),
        Err(ReviewError::Conflict(_))
    ));
    assert!(matches!(
        review.schedule(day(9), day(1)),
        Err(ReviewError::Conflict(_))
    ));
    let back = review.return_to_draft().expect("taken back");
    assert_eq!(back.stage, ReviewStage::Drafting);
    assert!(matches!(
        back.return_to_draft(),
        Err(ReviewError::Conflict(_))
    ));
    assert!(matches!(
        back.decide(&all.rule, &[0], &[], approve(9)),
        Err(ReviewError::Conflict(_))
    ));
    // Empty texts are refused before anything is recorded.
    let blank = Verdict::Approve {
        meeting: " ".to_owned(),
        minute: "1".to_owned(),
        effective_on: day(1),
    };
    assert!(matches!(
        review.decide(&all.rule, &[0], &[], blank),
        Err(ReviewError::Invalid(_))
    ));
    let no_reason = Verdict::Reject {
        reason: String::new(),
    };
    assert!(matches!(
        review.decide(&all.rule, &[0], &[], no_reason),
        Err(ReviewError::Invalid(_))
    ));
}

#[test]
fn publication_waits_for_approval_and_can_wait_for_its_day() {
    let all = board(Quorum::AtLeast(1));
    assert_eq!(may_publish(None, None), Ok(()));
    assert!(may_publish(Some(&all.rule), None).is_err());
    let review = submitted(&all.rule);
    assert!(may_publish(Some(&all.rule), Some(&review)).is_err());
    let (approved, _, _) = run(&all, review, &[(1, approve(15))]).expect("runs");
    assert_eq!(may_publish(Some(&all.rule), Some(&approved)), Ok(()));
    assert!(
        approved.schedule(day(4), day(5)).is_err(),
        "a day that has passed"
    );
    let scheduled = approved.schedule(day(15), day(5)).expect("scheduled");
    assert!(!scheduled.due_for_publication(day(14)));
    assert!(scheduled.due_for_publication(day(15)));
    assert!(scheduled.due_for_publication(day(16)));
    assert!(!approved.due_for_publication(day(16)), "not scheduled");
}

#[test]
fn rules_are_checked() {
    let someone = PersonId::generate();
    let refused = [
        ApprovalRule::new("", vec![named(someone, "Chair")], Quorum::All, vec![]),
        ApprovalRule::new("the board", vec![], Quorum::All, vec![]),
        ApprovalRule::new(
            "the board",
            vec![named(someone, "Chair"), named(someone, "Clerk")],
            Quorum::All,
            vec![],
        ),
        ApprovalRule::new(
            "the board",
            vec![named(someone, "Chair")],
            Quorum::AtLeast(2),
            vec![],
        ),
        ApprovalRule::new(
            "the board",
            vec![named(someone, "Chair")],
            Quorum::AtLeast(0),
            vec![],
        ),
        ApprovalRule::new(
            "the board",
            vec![named(someone, "Chair\u{7}")],
            Quorum::All,
            vec![],
        ),
        ApprovalRule::new(
            &"b".repeat(101),
            vec![named(someone, "Chair")],
            Quorum::All,
            vec![],
        ),
    ];
    for rule in refused {
        assert!(rule.is_err(), "{rule:?}");
    }
    let rule = ApprovalRule::new(
        "  the   board ",
        vec![named(someone, " Chair ")],
        Quorum::All,
        vec![someone, someone],
    )
    .expect("rule");
    assert_eq!(rule.body, "the board");
    assert_eq!(rule.approvers[0].capacity(), "Chair");
    assert_eq!(rule.reviewers.len(), 1);
    assert_eq!(
        default_body(crate::PolicyKind::School),
        "the local governing body"
    );
}

proptest! {
    /// Any sequence of decisions, edits, withdrawals and resubmissions: a version is
    /// approved exactly when the current round holds enough approvals and no rejection,
    /// and decisions of earlier rounds never count.
    #[test]
    fn only_the_current_round_decides(
        quorum in 1u32..=3,
        steps in proptest::collection::vec((0usize..5, 0usize..3), 1..40),
    ) {
        let board = board(Quorum::AtLeast(quorum));
        let trust = TrustId::generate();
        let mut review = submitted(&board.rule);
        let mut stored: Vec<SeatDecision> = Vec::new();
        for (action, who) in steps {
            match action {
                0 | 1 => {
                    let verdict = if action == 0 { approve(9) } else { reject() };
                    let seats = board.rule.seats_of(&person(trust, board.people[who], &[]));
                    if let Ok((next, seat, _)) = review.decide(&board.rule, &seats, &stored, verdict.clone()) {
                        stored.push(SeatDecision { seat, round: review.round, verdict });
                        review = next;
                    }
                }
                2 => review = review.edited(),
                3 => if let Ok(next) = review.return_to_draft() { review = next },
                _ => if let Ok(next) = Review::submit(Some(&review), Some(&board.rule)) { review = next },
            }
            let current: Vec<&SeatDecision> = stored.iter().filter(|d| d.round == review.round).collect();
            let approvals = current.iter().filter(|d| matches!(d.verdict, Verdict::Approve { .. })).count();
            let rejected = current.iter().any(|d| matches!(d.verdict, Verdict::Reject { .. }));
            // No seat decides twice in a round.
            let mut seats: Vec<usize> = current.iter().map(|d| d.seat).collect();
            seats.sort_unstable();
            seats.dedup();
            prop_assert_eq!(seats.len(), current.len());
            if review.stage == ReviewStage::Approved {
                prop_assert!(approvals >= quorum as usize && !rejected);
            }
            if review.stage == ReviewStage::InReview {
                prop_assert!(approvals < quorum as usize && !rejected);
            }
        }
    }
}

#[test]
fn a_school_admins_seat_is_the_policys_own_schools() {
    let trust = TrustId::generate();
    let (north, south) = (crate::SchoolId::generate(), crate::SchoolId::generate());
    let rule = ApprovalRule::new(
        "the local governing body",
        vec![
            Approver::Role {
                role: ApproverRole::SchoolAdmin,
            },
            Approver::Role {
                role: ApproverRole::Dpo,
            },
        ],
        Quorum::All,
        vec![],
    )
    .expect("rule");
    assert!(rule.check_for(crate::PolicyKind::School).is_ok());
    assert!(rule.check_for(crate::PolicyKind::TrustLocked).is_err());
    let head_of = |school| {
        Principal::mint(
            trust,
            Actor::Person(PersonId::generate()),
            vec![RoleAssignment::new(Role::SchoolAdmin, Some(school)).expect("role")],
        )
    };
    let norths = rule.clone().for_policy(Some(north));
    assert_eq!(norths.seats_of(&head_of(north)), vec![0]);
    assert!(
        norths.seats_of(&head_of(south)).is_empty(),
        "not another school's head"
    );
    assert!(
        rule.seats_of(&head_of(north)).is_empty(),
        "no school, no seat"
    );
}
