//! Parse (and render) time per sample and for a 1 MB document, median of repeated runs:
//! `cargo run --release -p attest-document --example parse_timing`.

use std::time::{Duration, Instant};

use attest_document::{Format, Reader, parse, render, samples};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time<T>(repeats: usize, mut work: impl FnMut() -> T) -> Duration {
    median(
        (0..repeats)
            .map(|_| {
                let started = Instant::now();
                std::hint::black_box(work());
                started.elapsed()
            })
            .collect(),
    )
}

fn main() {
    println!(
        "{:<36} {:>9} {:>12} {:>12}",
        "document", "bytes", "parse", "render html"
    );
    for (name, text) in samples::ALL {
        let parse_time = time(200, || parse(text));
        let Ok(document) = parse(text) else { continue };
        let render_time = time(200, || render(&document, &Reader::default(), Format::Html));
        println!(
            "{name:<36} {:>9} {:>12?} {:>12?}",
            text.len(),
            parse_time,
            render_time
        );
    }
    let mut large = String::new();
    while large.len() < 1024 * 1024 {
        for (_, text) in samples::ALL {
            large.push_str(text);
            large.push('\n');
        }
    }
    let parse_time = time(20, || parse(&large));
    let Ok(document) = parse(&large) else { return };
    let render_time = time(20, || render(&document, &Reader::default(), Format::Html));
    println!(
        "{:<36} {:>9} {:>12?} {:>12?}",
        "all five repeated to 1 MB",
        large.len(),
        parse_time,
        render_time
    );
}
