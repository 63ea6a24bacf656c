//! Shows where a file's words and its parsed document's words first differ:
//! `cargo run -p attest-document --example check_words FILE` (for fuzzer findings).
use attest_document::words::{document_words, source_words};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: check_words FILE");
        std::process::exit(2)
    };
    let bytes = std::fs::read(&path).unwrap_or_default();
    let Ok(document) = attest_document::parse_bytes(&bytes) else {
        println!("{path}: refused by the importer");
        return;
    };
    let text = String::from_utf8_lossy(&bytes);
    let (source, parsed) = (
        source_words(text.strip_prefix('\u{feff}').unwrap_or(&text)),
        document_words(&document),
    );
    match source.iter().zip(&parsed).position(|(a, b)| a != b) {
        None if source.len() == parsed.len() => println!("{path}: every word kept"),
        found => {
            let at = found.unwrap_or(source.len().min(parsed.len()));
            println!(
                "differ at word {at}\n source: {:?}\n parsed: {:?}",
                &source[at.saturating_sub(4)..(at + 6).min(source.len())],
                &parsed[at.saturating_sub(4)..(at + 6).min(parsed.len())]
            );
        }
    }
}
