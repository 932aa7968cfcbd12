//! Wall time of the build's stages, printed to stderr when `OYAKO_BUILD_PHASES` is set: how
//! BENCHMARKS.md tells where a large build spends its time without a profiler.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("OYAKO_BUILD_PHASES").is_some())
}

/// Prints its stage's wall time when dropped (only with `OYAKO_BUILD_PHASES`).
pub struct Phase {
    name: &'static str,
    start: Option<Instant>,
}

/// Starts timing the stage `name`.
pub fn start(name: &'static str) -> Phase {
    Phase { name, start: enabled().then(Instant::now) }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some(s) = self.start {
            eprintln!("phase {:<12} {:>8.1} ms", self.name, s.elapsed().as_secs_f64() * 1e3);
        }
    }
}
