//! Append-only JSON Lines journals in the state directory: the runtime's only durable state
//! (no database). Used for notice outcomes and for the KPI records (follows, survey answers,
//! taps).
//!
//! Durability rule: a record counts once [`Journal::append`] has returned, because it has
//! been written and `fdatasync`ed. A crash in the middle of a write can leave a torn last
//! line; [`read`] skips it (and any other line that is not JSON) without losing the records
//! before it, and [`Journal::open`] starts the next record on a fresh line.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// One journal file opened for appending.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
}

impl Journal {
    /// Opens (or creates) `path` for appending, creating its directory.
    pub fn open(path: &Path) -> io::Result<Journal> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = OpenOptions::new().create(true).read(true).append(true).open(path)?;
        if ends_mid_line(&mut file)? {
            // The previous process died mid-write: keep its torn bytes (they are skipped on
            // read) but do not glue the next record onto them.
            file.write_all(b"\n")?;
            file.sync_data()?;
        }
        Ok(Journal { path: path.to_path_buf(), file: Mutex::new(file) })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `records` as lines in one write and syncs them to disk before returning.
    pub fn append<T: Serialize>(&self, records: &[T]) -> io::Result<()> {
        let mut buf = Vec::with_capacity(records.len() * 128);
        for r in records {
            serde_json::to_writer(&mut buf, r).map_err(io::Error::other)?;
            buf.push(b'\n');
        }
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(&buf)?;
        file.sync_data()
    }
}

fn ends_mid_line(file: &mut File) -> io::Result<bool> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::Start(len - 1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    file.seek(SeekFrom::End(0))?;
    Ok(last[0] != b'\n')
}

/// What [`read`] found.
#[derive(Debug)]
pub struct Contents<T> {
    /// Every well-formed record, in file order.
    pub records: Vec<T>,
    /// Lines that were not records (a torn last line after a crash, or damage).
    pub skipped: usize,
}

/// Reads every record of a journal; a missing file is an empty journal.
pub fn read<T: DeserializeOwned>(path: &Path) -> io::Result<Contents<T>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Contents { records: Vec::new(), skipped: 0 });
        }
        Err(e) => return Err(e),
    };
    let mut records = Vec::new();
    let mut skipped = 0;
    for line in BufReader::new(file).split(b'\n') {
        let line = line?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice(&line) {
            Ok(r) => records.push(r),
            Err(_) => skipped += 1,
        }
    }
    Ok(Contents { records, skipped })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn append_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/a.jsonl");
        let j = Journal::open(&path).unwrap();
        j.append(&[json!({"n": 1}), json!({"n": 2})]).unwrap();
        j.append(&[json!({"n": 3})]).unwrap();
        let c: Contents<Value> = read(&path).unwrap();
        assert_eq!(c.records, vec![json!({"n": 1}), json!({"n": 2}), json!({"n": 3})]);
        assert_eq!(c.skipped, 0);
    }

    #[test]
    fn a_torn_last_line_loses_nothing_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, "{\"n\":1}\n{\"n\":2}\n{\"n\":3, \"tor").unwrap();
        let c: Contents<Value> = read(&path).unwrap();
        assert_eq!(c.records, vec![json!({"n": 1}), json!({"n": 2})]);
        assert_eq!(c.skipped, 1);
        let j = Journal::open(&path).unwrap();
        j.append(&[json!({"n": 4})]).unwrap();
        let c: Contents<Value> = read(&path).unwrap();
        assert_eq!(c.records, vec![json!({"n": 1}), json!({"n": 2}), json!({"n": 4})]);
        assert_eq!(c.skipped, 1);
    }

    #[test]
    fn missing_file_is_empty() {
        let c: Contents<Value> = read(Path::new("/nonexistent/oyako.jsonl")).unwrap();
        assert!(c.records.is_empty());
    }
}
