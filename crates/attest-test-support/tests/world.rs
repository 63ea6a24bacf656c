//! The TestWorld builder makes what it says, through the app, and keeps trusts apart.

use attest_app::PeopleFilter;
use attest_test_support::{TestWorld, principals};

#[tokio::test]
async fn a_world_holds_trusts_schools_and_people_each_in_their_own_trust() {
    let world = TestWorld::new().await;
    let alpha = world.with_trust("alpha").await;
    let beta = world.with_trust("beta").await;
    let north = world.with_school(&alpha, "North Primary").await;
    let south = world.with_school(&beta, "South Primary").await;
    let ann = world.with_person(&north, "Ann Alpha", "teaching").await;
    let bob = world.with_person(&south, "Bob Beta", "support").await;
    assert_eq!((ann.trust, ann.school), (alpha.id, north.id));

    let names = |page: attest_app::PeoplePage| -> Vec<String> {
        page.people
            .iter()
            .map(|person| person.full_name.as_str().to_owned())
            .collect()
    };
    let seen_by_alpha = world
        .app
        .people(
            &world.operator(&alpha).await,
            PeopleFilter::default(),
            50,
            None,
        )
        .await
        .expect("alpha's people");
    assert_eq!(names(seen_by_alpha), vec!["Ann Alpha"]);

    // A school admin of another school of the trust sees nobody at North.
    let other = world.with_school(&alpha, "East Primary").await;
    let east_admin = principals::school_admin(alpha.id, other.id);
    let seen_by_east = world
        .app
        .people(&east_admin, PeopleFilter::default(), 50, None)
        .await
        .expect("east's people");
    assert!(names(seen_by_east).is_empty());
    assert_ne!(ann.id, bob.id);
}
