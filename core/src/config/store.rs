//! Storing edits in a shared file: read it, make the edits with [`super::write`], and have the
//! host replace it ([`Fs::replace_shared`]) only if it still holds what was read. When another
//! writer changed it in between, the file is read and edited again, so both edits land: the
//! edits are pure functions of the text, and making them again over the other writer's text is
//! what a writer that came second would have done.
//!
//! The one step of the writing half that does I/O, and only through the injected [`Fs`]; what
//! goes into the file is [`super::write`]'s decision.

use alloc::string::String;
use core::fmt;

use super::write::{self, Edit, EditError};
use crate::io::{Fs, FsError, FsErrorKind, Replacement};

/// The most times one store reads and edits the file again because another writer changed it
/// between the read and the replacement.
pub const MAX_STORE_ATTEMPTS: usize = 16;

/// What [`store`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    /// There was no file: it was created.
    pub created: bool,
}

/// Why the edits could not be stored. The file is as it was (or as another writer left it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreError<'a> {
    /// The file could not be read.
    Read(FsError),
    /// The file is not UTF-8 text: the byte at `offset` (on line `line`, from 1) starts no
    /// character.
    NotText {
        /// The line, counted from 1.
        line: usize,
        /// The byte offset in the file.
        offset: usize,
    },
    /// The writer refused an edit.
    Edit(EditError<'a>),
    /// The host could not replace the file.
    Replace(FsError),
    /// Another writer changed the file each time, [`MAX_STORE_ATTEMPTS`] times in a row.
    KeptChanging,
}

impl fmt::Display for StoreError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Read(e) => {
                f.write_str("cannot read the file: ")?;
                write_fs_error(f, e)
            }
            StoreError::NotText { line, .. } => write!(
                f,
                "line {line} is not UTF-8 text; fix or remove the line, then write again"
            ),
            StoreError::Edit(e) => e.fmt(f),
            StoreError::Replace(e) => {
                f.write_str("cannot write the file: ")?;
                write_fs_error(f, e)
            }
            StoreError::KeptChanging => write!(
                f,
                "another program changed the file each of {MAX_STORE_ATTEMPTS} times it was \
                 edited (MAX_STORE_ATTEMPTS); try again when it is done"
            ),
        }
    }
}

/// A host failure in words: the system's own where it gave an error number.
fn write_fs_error(f: &mut fmt::Formatter<'_>, e: &FsError) -> fmt::Result {
    match (e.kind, e.os_code) {
        (FsErrorKind::PermissionDenied, _) => {
            f.write_str("permission denied; check the owner and mode of the file and its directory")
        }
        (FsErrorKind::NotAFile, _) => f.write_str("it is not a regular file; check the path"),
        (FsErrorKind::TooLarge, _) => f.write_str("it is larger than the host reads"),
        (FsErrorKind::Unsupported, _) => f.write_str("this host cannot write files"),
        (FsErrorKind::Changed, _) => f.write_str("another program changed it; try again"),
        (FsErrorKind::Busy, _) => f.write_str(
            "another credchain process kept it locked longer than a write takes; try again",
        ),
        (FsErrorKind::Other, Some(code)) => super::load::write_os_error(f, code),
        (FsErrorKind::Other, None) => f.write_str("the host failed"),
    }
}

/// Makes `edits`, in order, to the file at `path` (a missing file reads as empty) and stores
/// the result through `fs`. The edited text is built in memory, one buffer per edit.
///
/// # Errors
/// [`StoreError`]; the file is then left as it was.
pub async fn store<'a, F: Fs + ?Sized>(
    fs: &F,
    path: &str,
    edits: &[Edit<'a>],
) -> Result<Stored, StoreError<'a>> {
    for _ in 0..MAX_STORE_ATTEMPTS {
        let old = fs.read(path).await.map_err(StoreError::Read)?;
        let old_bytes = old.as_ref().map(AsRef::as_ref);
        let new = edited(old_bytes.unwrap_or_default(), edits)?;
        let with = Replacement {
            expected: old_bytes,
            contents: new.as_bytes(),
        };
        match fs.replace_shared(path, with).await {
            Ok(()) => {
                return Ok(Stored {
                    created: old.is_none(),
                })
            }
            Err(e) if e.kind == FsErrorKind::Changed => {}
            Err(e) => return Err(StoreError::Replace(e)),
        }
    }
    Err(StoreError::KeptChanging)
}

/// `bytes` with `edits` made, in order.
///
/// # Errors
/// [`StoreError::NotText`] or [`StoreError::Edit`].
pub fn edited<'a>(bytes: &[u8], edits: &[Edit<'a>]) -> Result<String, StoreError<'a>> {
    let text = core::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        StoreError::NotText {
            line: 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count(),
            offset,
        }
    })?;
    let mut current = String::from(text);
    for edit in edits {
        let mut next = String::with_capacity(write::max_len(&current, edit));
        write::write(&current, edit, &mut next).map_err(StoreError::Edit)?;
        current = next;
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::write::Change;
    use crate::io::block_on;
    use core::cell::{Cell, RefCell};
    use std::string::ToString;
    use std::vec::Vec;

    /// One file in memory; `intruder` is written over it just before the next `n` replacements
    /// (another writer that got in between the read and the replacement).
    struct OneFile {
        bytes: RefCell<Option<Vec<u8>>>,
        intrusions: Cell<usize>,
    }

    impl Fs for OneFile {
        type File = Vec<u8>;
        async fn read(&self, _: &str) -> Result<Option<Vec<u8>>, FsError> {
            Ok(self.bytes.borrow().clone())
        }
        async fn replace_shared(&self, _: &str, with: Replacement<'_>) -> Result<(), FsError> {
            if self.intrusions.get() > 0 {
                self.intrusions.set(self.intrusions.get() - 1);
                let mut bytes = self.bytes.borrow_mut();
                let mut other = bytes.clone().unwrap_or_default();
                other.extend_from_slice(b"# another writer\n");
                *bytes = Some(other);
            }
            if self.bytes.borrow().as_deref() != with.expected {
                return Err(FsError {
                    kind: FsErrorKind::Changed,
                    os_code: None,
                });
            }
            *self.bytes.borrow_mut() = Some(with.contents.to_vec());
            Ok(())
        }
    }

    impl OneFile {
        /// The file's text now.
        fn text(&self) -> Option<String> {
            let bytes = self.bytes.borrow();
            bytes
                .as_deref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
        }

        /// Asserts that the file holds `want`.
        #[track_caller]
        fn assert_text(&self, want: &str) {
            assert_eq!(self.text().as_deref(), Some(want));
        }
    }

    fn file(text: Option<&str>, intrusions: usize) -> OneFile {
        OneFile {
            bytes: RefCell::new(text.map(|t| t.as_bytes().to_vec())),
            intrusions: Cell::new(intrusions),
        }
    }

    const REGION: Edit<'static> = Edit {
        section: "default",
        changes: &[("region", Change::Set("eu-west-1"))],
    };

    #[test]
    fn a_missing_file_is_created_with_the_section() {
        let fs = file(None, 0);
        let stored = block_on(store(&fs, "config", &[REGION])).unwrap();
        assert!(stored.created);
        fs.assert_text("[default]\nregion = eu-west-1\n");
    }

    #[test]
    fn edits_are_made_in_order_over_the_file() {
        let fs = file(Some("[default]\nregion = a\n"), 0);
        let output = Edit {
            section: "profile dev",
            changes: &[("output", Change::Set("json"))],
        };
        let stored = block_on(store(&fs, "config", &[REGION, output])).unwrap();
        assert!(!stored.created);
        fs.assert_text("[default]\nregion = eu-west-1\n[profile dev]\noutput = json\n");
    }

    #[test]
    fn another_writers_edit_is_kept_and_ours_made_over_it() {
        let fs = file(Some("[default]\nregion = a\n"), 2);
        block_on(store(&fs, "config", &[REGION])).unwrap();
        fs.assert_text("[default]\nregion = eu-west-1\n# another writer\n# another writer\n");
    }

    #[test]
    fn a_file_that_keeps_changing_is_given_up_on_and_left_alone() {
        let fs = file(Some("[default]\n"), MAX_STORE_ATTEMPTS);
        let err = block_on(store(&fs, "config", &[REGION])).unwrap_err();
        assert_eq!(err, StoreError::KeptChanging);
        assert!(!fs.text().unwrap().contains("eu-west-1"));
    }

    #[test]
    fn a_file_that_is_not_text_names_its_line() {
        let fs = file(None, 0);
        *fs.bytes.borrow_mut() = Some(b"[default]\nregion = \xff\n".to_vec());
        let err = block_on(store(&fs, "config", &[REGION])).unwrap_err();
        assert_eq!(
            err,
            StoreError::NotText {
                line: 2,
                offset: 19
            }
        );
        assert!(err.to_string().contains("line 2"));
    }

    #[test]
    fn a_host_that_cannot_write_says_so() {
        struct ReadOnly;
        impl Fs for ReadOnly {
            type File = Vec<u8>;
            async fn read(&self, _: &str) -> Result<Option<Vec<u8>>, FsError> {
                Ok(None)
            }
        }
        let err = block_on(store(&ReadOnly, "config", &[REGION])).unwrap_err();
        assert!(matches!(
            err,
            StoreError::Replace(FsError {
                kind: FsErrorKind::Unsupported,
                ..
            })
        ));
    }
}
