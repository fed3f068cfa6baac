//! Reading a pipeline file's bytes: refusing what is not a regular file or
//! is too large without waiting on it, and the git blob id of the bytes
//! read (for the history to recognise the same file in a commit).

use crate::diag::Code;
use std::path::Path;

/// Files larger than this are not read (a deal file is a few kilobytes).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The raw bytes of a file, or why there are none.
pub enum Content {
    /// The file's bytes.
    Bytes(Vec<u8>),
    /// It could not be read: the diagnostic to report.
    Failed(Code, String),
}

/// The id git gives a blob of these bytes: the SHA-1 of `blob <len>\0`
/// and the bytes, in hex (as `git hash-object` prints it).
pub fn git_blob_id(bytes: &[u8]) -> String {
    use sha1::Digest;
    let mut h = sha1::Sha1::new();
    h.update(format!("blob {}\0", bytes.len()).as_bytes());
    h.update(bytes);
    h.finalize()
        .iter()
        .fold(String::with_capacity(40), |mut s, b| {
            use std::fmt::Write;
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Reads a file's bytes, refusing ones that are too large or not files.
pub fn read_bytes(path: &Path) -> Content {
    let cannot =
        |e: std::io::Error| Content::Failed(Code::CannotRead, format!("cannot read file: {e}"));
    // Open first, then ask the open file its type and size (`fstat`): one
    // path lookup instead of two (a `stat` by path cost `check` of 100k
    // deals 5% of its time). Opened without blocking, so that a FIFO is
    // reported below instead of waiting for a writer.
    let file = match open_without_blocking(path) {
        Ok(f) => f,
        Err(e) => return cannot(e),
    };
    let len = match file.metadata() {
        Ok(m) if !m.is_file() => {
            return Content::Failed(Code::NotAFile, "not a regular file".into());
        }
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            return Content::Failed(
                Code::TooLarge,
                format!(
                    "file is {} bytes; the limit is {} bytes",
                    m.len(),
                    MAX_FILE_BYTES
                ),
            );
        }
        Ok(m) => m.len(),
        Err(e) => return cannot(e),
    };
    // `std::fs::read` without its second `stat` and its `lseek`: the size
    // is known (`Take` reads to the end without asking for it again).
    let read = || -> std::io::Result<Vec<u8>> {
        use std::io::Read;
        let mut buf = Vec::with_capacity(len as usize + 1);
        file.take(u64::MAX).read_to_end(&mut buf)?;
        Ok(buf)
    };
    match read() {
        Ok(b) if b.len() as u64 > MAX_FILE_BYTES => Content::Failed(
            Code::TooLarge,
            format!(
                "file is {} bytes; the limit is {MAX_FILE_BYTES} bytes",
                b.len()
            ),
        ),
        Ok(b) => Content::Bytes(b),
        Err(e) => cannot(e),
    }
}

/// Opens a file for reading without waiting: opening a FIFO for reading
/// blocks until something writes to it, unless `O_NONBLOCK` is given
/// (which regular files ignore).
#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

/// Elsewhere there are no FIFOs to wait on.
#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

#[cfg(test)]
mod tests {
    use super::{Content, MAX_FILE_BYTES, read_bytes};
    use crate::diag::Code;

    fn failure(c: Content) -> Option<(Code, String)> {
        match c {
            Content::Bytes(_) => None,
            Content::Failed(code, why) => Some((code, why)),
        }
    }

    #[test]
    fn read_bytes_reads_files_and_refuses_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.toml");
        std::fs::write(&file, "x = 1\n").unwrap();
        assert!(matches!(read_bytes(&file), Content::Bytes(b) if b == b"x = 1\n"));

        let (code, why) = failure(read_bytes(dir.path())).unwrap();
        assert_eq!((code, why.as_str()), (Code::NotAFile, "not a regular file"));

        let (code, why) = failure(read_bytes(&dir.path().join("missing.toml"))).unwrap();
        assert_eq!(code, Code::CannotRead);
        assert!(why.starts_with("cannot read file: "), "{why}");

        let big = dir.path().join("big.toml");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_FILE_BYTES + 1)
            .unwrap();
        let (code, why) = failure(read_bytes(&big)).unwrap();
        assert_eq!(code, Code::TooLarge);
        assert_eq!(
            why,
            format!(
                "file is {} bytes; the limit is {MAX_FILE_BYTES} bytes",
                MAX_FILE_BYTES + 1
            )
        );
    }

    /// A FIFO (watch mode reads paths it is told about, of any type) is
    /// refused at once, not waited on until something writes to it.
    #[cfg(unix)]
    #[test]
    fn read_bytes_does_not_wait_on_a_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.toml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            std::io::Write::write_all(&mut std::io::stderr(), b"skipped: no mkfifo\n").unwrap();
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(failure(read_bytes(&fifo))));
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("read_bytes waited on a FIFO");
        assert_eq!(got.map(|(c, _)| c), Some(Code::NotAFile));
    }

    #[test]
    fn git_blob_ids_are_gits() {
        // `git hash-object` of an empty file and of "hello\n".
        assert_eq!(
            super::git_blob_id(b""),
            "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
        );
        assert_eq!(
            super::git_blob_id(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
    }
}
