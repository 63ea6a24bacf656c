//! Prints the parsed form of a document (text, Markdown, .docx or .pdf) as JSON:
//! `cargo run -p attest-document --example dump FILE`; `--lines` prints the text the
//! importer read from the file instead, each line with where it came from.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lines = args.iter().any(|arg| arg == "--lines");
    let Some(path) = args.iter().find(|arg| !arg.starts_with("--")) else {
        eprintln!("usage: dump [--lines] FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(path).unwrap_or_else(|error| {
        eprintln!("{path}: {error}");
        std::process::exit(1)
    });
    match attest_document::import(&bytes) {
        Ok(imported) if lines => {
            for (index, line) in imported.lines.text().lines().enumerate() {
                println!("{:>20} | {line}", imported.origin(index + 1).to_string());
            }
        }
        Ok(imported) => println!(
            "{}",
            serde_json::to_string_pretty(&imported.document).unwrap_or_default()
        ),
        Err(error) => {
            eprintln!("{path}: {error}");
            std::process::exit(1)
        }
    }
}
