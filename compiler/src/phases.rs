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

/// Resident memory at the end of a stage (Linux; 0 elsewhere), to see where the peak is.
fn rss_mib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    pages * 4096 / (1024 * 1024)
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some(s) = self.start {
            let ms = s.elapsed().as_secs_f64() * 1e3;
            eprintln!("phase {:<12} {ms:>8.1} ms  rss {:>5} MiB", self.name, rss_mib());
        }
    }
}
