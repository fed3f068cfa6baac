//! Changing pipeline files in place for the commands that write (`import`,
//! `deal …`, `touch`, `fmt`): format-preserving edits of one document
//! with `toml_edit`, checking the pipeline as it would be after the change
//! before anything is written, and writing atomically.

pub mod doc;
pub mod ops;
pub mod snapshot;
pub mod write;

pub use snapshot::Snapshot;
pub use write::{write_atomic, write_new};
