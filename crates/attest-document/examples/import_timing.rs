//! Times the importer on files: `cargo run --release -p attest-document --example
//! import_timing FILE...` prints, per file, its size, what it was read as, pages or
//! paragraphs read, words, sections and clauses, and the median of 5 imports.
use std::time::Instant;

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: import_timing FILE...");
        std::process::exit(2);
    }
    for path in files {
        let bytes = std::fs::read(&path).unwrap_or_else(|error| {
            eprintln!("{path}: {error}");
            std::process::exit(1)
        });
        let mut times = Vec::new();
        let mut last = None;
        for _ in 0..5 {
            let started = Instant::now();
            let imported = attest_document::import(&bytes);
            times.push(started.elapsed());
            last = Some(imported);
        }
        times.sort();
        match last {
            Some(Ok(imported)) => {
                let report = attest_document::report(&imported);
                println!(
                    "{path}: {} KiB {}, {} lines read, {} words, {} sections, {} clauses, {} items; median import {:.1} ms",
                    bytes.len() / 1024,
                    report.format.as_str(),
                    imported.lines.len(),
                    report.words,
                    report.sections,
                    report.clauses,
                    report.items,
                    times[2].as_secs_f64() * 1000.0
                );
            }
            Some(Err(error)) => println!("{path}: {error}"),
            None => {}
        }
    }
}
