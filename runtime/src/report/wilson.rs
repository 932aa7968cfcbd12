//! The Wilson score interval for a share (satisfied answers out of all answers).
//!
//! With a few dozen answers a share's plain ± error bar can leave [0, 1] or vanish at 0 % and
//! 100 %; Wilson's interval stays inside and is honest for small samples, which is what a
//! city survey has. Reference: Wilson (1927); the same numbers as R's
//! `prop.test(x, n, correct = FALSE)$conf.int`.

/// The normal quantile for a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The 95 % Wilson score interval of `successes` out of `n`; `None` when `n` is 0.
pub fn wilson95(successes: u64, n: u64) -> Option<(f64, f64)> {
    wilson(successes, n, Z95)
}

/// The Wilson score interval for quantile `z`.
pub fn wilson(successes: u64, n: u64, z: f64) -> Option<(f64, f64)> {
    if n == 0 || successes > n {
        return None;
    }
    let n = n as f64;
    let p = successes as f64 / n;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: Option<(f64, f64)>, expected: (f64, f64)) {
        let (lo, hi) = actual.expect("an interval");
        assert!((lo - expected.0).abs() < 1e-6 && (hi - expected.1).abs() < 1e-6, "{lo} {hi}");
    }

    #[test]
    fn known_values() {
        // prop.test(8, 10, correct = FALSE)$conf.int in R: 0.4901625 0.9433178.
        close(wilson95(8, 10), (0.490_162_5, 0.943_317_8));
        // prop.test(81, 263, correct = FALSE)$conf.int: 0.2552885 0.3662096.
        close(wilson95(81, 263), (0.255_288_5, 0.366_209_6));
        close(wilson95(0, 10), (0.0, 0.277_532_8));
        close(wilson95(10, 10), (0.722_467_2, 1.0));
        close(wilson95(400, 500), (0.762_710_9, 0.832_714_5));
        assert_eq!(wilson95(0, 0), None);
        assert_eq!(wilson95(3, 2), None);
    }
}
