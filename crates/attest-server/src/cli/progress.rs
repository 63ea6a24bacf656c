//! Progress for long commands, on a terminal only: nothing is drawn when stderr is not
//! a terminal (a script, a log file) or when the command prints `--json`.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

pub struct Progress(Option<ProgressBar>);

fn shown(json: bool) -> bool {
    !json && std::io::stderr().is_terminal()
}

impl Progress {
    /// A spinner with the time taken, for one long step of unknown length.
    pub fn spinner(message: &str, json: bool) -> Self {
        if !shown(json) {
            return Self(None);
        }
        let bar = ProgressBar::new_spinner().with_message(message.to_owned());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        Self(Some(bar))
    }

    /// A bar over `len` items.
    pub fn bar(len: usize, message: &str, json: bool) -> Self {
        if !shown(json) {
            return Self(None);
        }
        let bar = ProgressBar::new(u64::try_from(len).unwrap_or(u64::MAX))
            .with_message(message.to_owned());
        if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed})")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        Self(Some(bar))
    }

    pub fn advance(&self, item: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(item.to_owned());
            bar.inc(1);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
