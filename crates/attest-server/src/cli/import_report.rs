//! The import report on a terminal: what the importer recognised in a file and where
//! it was unsure, for `attest policy parse --report` and `attest policy import --report`.

use attest_document::ImportReport;

pub fn print(report: &ImportReport) {
    println!(
        "  read as:      {} ({} words)",
        report.format.as_str(),
        report.words
    );
    println!(
        "  recognised:   {} sections, {} clauses, {} items, {} declarations, {} consent questions",
        report.sections,
        report.clauses,
        report.items,
        report.declarations,
        report.consent_questions
    );
    for date in &report.dates {
        let understood = date
            .date
            .map_or_else(|| "not understood".to_owned(), |d| d.to_string());
        println!(
            "  date:         {} \"{}\" ({understood})",
            date.field, date.text
        );
    }
    for (heading, found) in [
        ("signature:   ", &report.signature_fields),
        ("for another: ", &report.countersignature_fields),
        ("placeholder: ", &report.placeholders),
    ] {
        for item in found {
            println!(
                "  {heading} {} \"{}\" ({})",
                item.name,
                item.label,
                item.places.join("; ")
            );
        }
    }
    for clause in &report.audience_clauses {
        let kinds: Vec<&str> = clause.audience.iter().map(|k| k.as_str()).collect();
        println!(
            "  only for:     {} at {}: {}",
            kinds.join(", "),
            clause.place,
            clause.text
        );
    }
    for warning in &report.warnings {
        println!("  warning:      {}: {}", warning.place, warning.message);
    }
}
