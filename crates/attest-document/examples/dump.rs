//! Prints the parsed form of a document as JSON: `cargo run -p attest-document --example dump FILE`.
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|error| {
        eprintln!("{path}: {error}");
        std::process::exit(1)
    });
    match attest_document::parse_bytes(&bytes) {
        Ok(document) => println!(
            "{}",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        ),
        Err(error) => {
            eprintln!("{path}: {error}");
            std::process::exit(1)
        }
    }
}
