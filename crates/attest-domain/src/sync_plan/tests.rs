use super::*;

fn user(id: &str, name: &str, department: &str, title: &str) -> DirectoryUser {
    DirectoryUser {
        id: id.to_owned(),
        display_name: name.to_owned(),
        email: Some(format!(
            "{}@trust.example",
            name.to_lowercase().replace(' ', ".")
        )),
        enabled: true,
        job_title: Some(title.to_owned()),
        department: Some(department.to_owned()),
        ..DirectoryUser::default()
    }
}

struct World {
    north: SchoolId,
    south: SchoolId,
    rules: MappingRules,
}

fn world() -> World {
    let north = SchoolId::generate();
    let south = SchoolId::generate();
    let by = |field, value: &str| Matcher {
        field,
        value: value.to_owned(),
    };
    World {
        north,
        south,
        rules: MappingRules {
            schools: vec![
                (by(MatchField::Department, "North Primary"), north),
                (by(MatchField::OrgUnit, "/Staff/South"), south),
            ],
            kinds: vec![
                (
                    by(MatchField::JobTitle, "Teacher"),
                    MembershipKind::Teaching,
                ),
                (by(MatchField::Group, "Governors"), MembershipKind::Governor),
            ],
            default_kind: Some(MembershipKind::Support),
            ignore: vec![
                by(MatchField::EmailDomain, "pupils.trust.example"),
                by(MatchField::Group, "Shared mailboxes"),
            ],
        },
    }
}

fn known(
    name: &str,
    directory_id: Option<&str>,
    school: SchoolId,
    kind: MembershipKind,
) -> KnownPerson {
    KnownPerson {
        person: PersonId::generate(),
        directory_id: directory_id.map(str::to_owned),
        email: Some(format!(
            "{}@trust.example",
            name.to_lowercase().replace(' ', ".")
        )),
        full_name: name.to_owned(),
        memberships: BTreeSet::from([(school, kind)]),
    }
}

#[test]
fn a_first_sync_adds_the_mapped_and_reports_the_rest() {
    let w = world();
    let mut pupil = user("p1", "Pupil One", "North Primary", "");
    pupil.email = Some("p1@pupils.trust.example".to_owned());
    let mut south_ta = user("s1", "Sam South", "", "Teaching Assistant");
    south_ta.org_unit = Some("/Staff/South/TAs".to_owned());
    let users = vec![
        user("n1", "Ann North", "North Primary", "Teacher"),
        south_ta,
        pupil,
        user("x1", "Nobody Knows", "Head Office", "Finance"),
        DirectoryUser {
            enabled: false,
            ..user("d1", "Dee Disabled", "North Primary", "Teacher")
        },
    ];
    let plan = plan_sync(&users, &[], &w.rules);
    assert_eq!(plan.add.len(), 2);
    assert_eq!(
        (plan.add[0].school, plan.add[0].kind),
        (w.north, MembershipKind::Teaching)
    );
    assert_eq!(
        (plan.add[1].school, plan.add[1].kind),
        (w.south, MembershipKind::Support),
        "org units match below"
    );
    assert_eq!(plan.ignored, 1);
    assert_eq!(plan.unmapped.len(), 1);
    assert!(
        plan.unmapped[0].reason.contains("no school rule"),
        "{:?}",
        plan.unmapped
    );
    assert!(plan.leave.is_empty() && plan.update.is_empty());
}

#[test]
fn renames_moves_and_leavers_are_planned_field_by_field() {
    let w = world();
    let ann = known("Ann North", Some("n1"), w.north, MembershipKind::Teaching);
    let bob = known("Bob North", Some("n2"), w.north, MembershipKind::Teaching);
    let cy = known("Cy North", None, w.north, MembershipKind::Support);
    let dee = known("Dee North", Some("n4"), w.north, MembershipKind::Teaching);
    let mut moved = user("n2", "Bob North", "", "Teacher");
    moved.org_unit = Some("/Staff/South".to_owned());
    let users = vec![
        user("n1", "Ann Northcott", "North Primary", "Teacher"),
        moved,
        user("n3", "Cy North", "North Primary", "Caretaker"),
        DirectoryUser {
            enabled: false,
            ..user("n4", "Dee North", "North Primary", "Teacher")
        },
    ];
    let known = vec![ann.clone(), bob.clone(), cy.clone(), dee.clone()];
    let plan = plan_sync(&users, &known, &w.rules);
    let update = |person: PersonId| {
        plan.update
            .iter()
            .find(|u| u.person == person)
            .expect("update")
    };
    assert_eq!(
        update(ann.person).changes,
        vec![
            FieldChange {
                field: "fullName",
                from: "Ann North".to_owned(),
                to: "Ann Northcott".to_owned()
            },
            FieldChange {
                field: "email",
                from: "ann.north@trust.example".to_owned(),
                to: "ann.northcott@trust.example".to_owned()
            },
        ]
    );
    let bob_update = update(bob.person);
    assert_eq!(bob_update.join, vec![(w.south, MembershipKind::Teaching)]);
    assert_eq!(bob_update.leave, vec![(w.north, MembershipKind::Teaching)]);
    let cy_update = update(cy.person);
    assert_eq!(
        cy_update.changes[0].field, "directoryId",
        "matched by email, then linked"
    );
    assert!(cy_update.join.is_empty());
    assert_eq!(
        plan.leave,
        vec![(dee.person, vec![(w.north, MembershipKind::Teaching)])]
    );
    assert!(plan.add.is_empty());
    let unchanged = plan_sync(
        &[user("n1", "Ann North", "North Primary", "Teacher")],
        std::slice::from_ref(&ann),
        &w.rules,
    );
    assert!(
        unchanged.update.is_empty(),
        "nothing to do is an empty plan"
    );
}

#[test]
fn a_plan_that_empties_a_school_raises_an_alarm() {
    let w = world();
    let staff: Vec<KnownPerson> = (0..20)
        .map(|n| {
            known(
                &format!("Staff {n}"),
                Some(&format!("n{n}")),
                w.north,
                MembershipKind::Teaching,
            )
        })
        .collect();
    // The directory lists 17 of 20: three leavers, 15 % of the school.
    let users: Vec<DirectoryUser> = (0..17)
        .map(|n| {
            user(
                &format!("n{n}"),
                &format!("Staff {n}"),
                "North Primary",
                "Teacher",
            )
        })
        .collect();
    let plan = plan_sync(&users, &staff, &w.rules);
    assert_eq!(plan.leave.len(), 3);
    assert_eq!(
        leaver_alarms(&plan, &staff, 0.10),
        vec![LeaverAlarm {
            school: w.north,
            leaving: 3,
            people: 20
        }]
    );
    assert!(leaver_alarms(&plan, &staff, 0.20).is_empty());
    let quiet = plan_sync(&users, &staff[..17], &w.rules);
    assert!(leaver_alarms(&quiet, &staff[..17], 0.10).is_empty());
}

#[test]
fn a_push_is_weighed_with_the_days_leavers_at_the_school() {
    let school = SchoolId::generate();
    let person = PersonId::generate();
    let plan = SyncPlan {
        leave: vec![(person, vec![(school, MembershipKind::Teaching)])],
        ..SyncPlan::default()
    };
    let mut counts = HashMap::new();
    // 20 people this morning, none gone yet: one leaver is 5%.
    counts.insert(school, (20, 0));
    assert!(day_leaver_alarms(&plan, &counts, 0.10).is_empty());
    // Two already gone today: the third is 3 of 20, past 10%.
    counts.insert(school, (18, 2));
    assert_eq!(
        day_leaver_alarms(&plan, &counts, 0.10),
        [LeaverAlarm {
            school,
            leaving: 3,
            people: 20
        }]
    );
    // Nobody leaving: no alarm however many left earlier.
    assert!(day_leaver_alarms(&SyncPlan::default(), &counts, 0.10).is_empty());
}
