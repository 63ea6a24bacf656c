//! The five real school AUPs this importer was built against, for demos and tests.

/// (file name, text), in the order of the demo's schools.
pub const ALL: [(&str, &str); 5] = [
    (
        "000-wessex-gardens.txt",
        include_str!("../samples/000-wessex-gardens.txt"),
    ),
    (
        "001-kensington.txt",
        include_str!("../samples/001-kensington.txt"),
    ),
    (
        "002-the-willows.txt",
        include_str!("../samples/002-the-willows.txt"),
    ),
    ("003-cleves.txt", include_str!("../samples/003-cleves.txt")),
    (
        "004-staff-governors-visitors.txt",
        include_str!("../samples/004-staff-governors-visitors.txt"),
    ),
];
