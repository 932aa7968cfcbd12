//! The add-friend QR code as a matrix of modules, quiet zone included.
//!
//! Encoded with `qrcodegen` (Project Nayuki's reference implementation) at error-correction
//! level H, which restores up to 30 % of damaged codewords: posters get folded, smudged,
//! taped over at a corner and photographed at an angle. The four-module quiet zone is the
//! minimum of ISO/IEC 18004; without it phone cameras often fail to find the code on a busy
//! notice board.

use qrcodegen::{QrCode, QrCodeEcc, QrSegment, Version};

/// White modules around the code on every side.
pub const QUIET_ZONE: usize = 4;

/// A square matrix of modules, `true` = dark, row by row, quiet zone included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    /// Modules per side, quiet zone included.
    pub size: usize,
    dark: Vec<bool>,
}

/// Why a text cannot become a QR code (longer than version 40 holds; not for a LINE URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong;

impl Matrix {
    /// Encodes `text` at level H (never lowered to fit: the caller's URL is short).
    pub fn encode(text: &str) -> Result<Matrix, TooLong> {
        let segments = QrSegment::make_segments(text);
        let qr = QrCode::encode_segments_advanced(
            &segments,
            QrCodeEcc::High,
            Version::MIN,
            Version::MAX,
            None,
            false,
        )
        .map_err(|_| TooLong)?;
        let code = usize::try_from(qr.size()).map_err(|_| TooLong)?;
        let size = code + 2 * QUIET_ZONE;
        let quiet = QUIET_ZONE as i32;
        let mut dark = Vec::with_capacity(size * size);
        for y in 0..size as i32 {
            for x in 0..size as i32 {
                // `get_module` answers false outside the code: that is the quiet zone.
                dark.push(qr.get_module(x - quiet, y - quiet));
            }
        }
        Ok(Matrix { size, dark })
    }

    /// Whether module (`x`, `y`) is dark.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.size && y < self.size && self.dark[y * self.size + x]
    }

    /// Horizontal runs of dark modules as `(row, first column, length)`: one rectangle per
    /// run draws the code with few path elements and no seams between neighbouring modules.
    pub fn runs(&self) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for y in 0..self.size {
            let mut x = 0;
            while x < self.size {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < self.size && self.is_dark(x, y) {
                    x += 1;
                }
                out.push((y, start, x - start));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_url_with_its_quiet_zone() {
        let m = Matrix::encode("https://line.me/R/ti/p/%40216ruxyz").unwrap();
        // Version 4 at level H is 33 modules; plus 4 on each side.
        assert_eq!(m.size, 33 + 2 * QUIET_ZONE);
        for i in 0..m.size {
            for q in 0..QUIET_ZONE {
                assert!(!m.is_dark(i, q) && !m.is_dark(q, i), "quiet zone at {i},{q}");
                assert!(!m.is_dark(i, m.size - 1 - q) && !m.is_dark(m.size - 1 - q, i));
            }
        }
        // The finder pattern's corner.
        assert!(m.is_dark(QUIET_ZONE, QUIET_ZONE));
        let dark: usize = m.runs().iter().map(|r| r.2).sum();
        let counted = (0..m.size).flat_map(|y| (0..m.size).map(move |x| (x, y)));
        assert_eq!(dark, counted.filter(|&(x, y)| m.is_dark(x, y)).count());
    }
}
