//! Progress bars on stderr for the engine's long jobs (hidden when stderr is not a terminal).

use indicatif::{ProgressBar, ProgressStyle};
use tracelab_core::progress::Progress;

/// An indicatif bar behind the engine's [`Progress`] trait.
pub struct Bar {
    bar: ProgressBar,
    bytes: bool,
}

impl Bar {
    /// A bar counting bytes (imports) or items (sessions).
    pub fn new(bytes: bool) -> Bar {
        Bar {
            bar: ProgressBar::hidden(),
            bytes,
        }
    }
}

impl Progress for Bar {
    fn begin(&self, phase: &str, total: Option<u64>) {
        let template = if self.bytes {
            "{msg:>12} [{bar:32}] {bytes}/{total_bytes} ({eta})"
        } else {
            "{msg:>12} [{bar:32}] {human_pos}/{human_len} ({eta})"
        };
        self.bar
            .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        self.bar.set_length(total.unwrap_or(0));
        self.bar.set_position(0);
        self.bar.set_style(
            ProgressStyle::with_template(template)
                .expect("valid template")
                .progress_chars("=> "),
        );
        self.bar.set_message(phase.to_string());
    }

    fn advance(&self, delta: u64) {
        self.bar.inc(delta);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
