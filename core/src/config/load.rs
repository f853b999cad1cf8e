//! Load: both shared files read through the injected [`Fs`]. A missing file is not an error; the
//! AWS CLI treats it as empty. Nor is a path that names something other than a regular file
//! (`/dev/null`, a directory, a FIFO, a device): botocore checks `os.path.isfile` and reads
//! such a path as no file, and so does load ([`LoadedFile::not_a_file`] says so).

use core::fmt;

use crate::config::locate::FilePaths;
use crate::io::{Fs, FsError, FsErrorKind};
use crate::FileKind;

/// One loaded file: its path and, when it exists, the host's buffer with its bytes.
#[derive(Debug, Clone)]
pub struct LoadedFile<'p, F> {
    /// Which file this is.
    pub kind: FileKind,
    /// The path it was read from (empty when the path was configured as empty).
    pub path: &'p str,
    /// The bytes, or `None` when no file exists there.
    pub contents: Option<F>,
    /// Something that is not a regular file is there (the host said [`FsErrorKind::NotAFile`]):
    /// it reads as absent, as the AWS CLI reads it, and `contents` is `None`.
    pub not_a_file: bool,
}

/// Both loaded files.
#[derive(Debug, Clone)]
pub struct LoadedFiles<'p, F> {
    /// The config file.
    pub config: LoadedFile<'p, F>,
    /// The shared credentials file.
    pub credentials: LoadedFile<'p, F>,
}

/// A file exists but could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadError<'p> {
    /// Which file.
    pub kind: FileKind,
    /// Its path.
    pub path: &'p str,
    /// What the host reported.
    pub error: FsError,
}

impl fmt::Display for LoadError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path;
        match self.error.kind {
            FsErrorKind::PermissionDenied => {
                write!(
                    f,
                    "cannot read {path}: permission denied; check the file's owner and mode"
                )
            }
            FsErrorKind::NotAFile => {
                write!(
                    f,
                    "cannot read {path}: it is not a regular file; point the path at a file"
                )
            }
            FsErrorKind::TooLarge => write!(
                f,
                "cannot read {path}: the file is larger than the host reads{}; point the path at \
                 the AWS config or credentials file",
                HOST_LIMIT
            ),
            FsErrorKind::Unsupported => {
                write!(f, "cannot read {path}: this host cannot read files")
            }
            // Reads never see another writer; Changed is a replacement's.
            FsErrorKind::Changed | FsErrorKind::Busy | FsErrorKind::Other => {
                match self.error.os_code {
                    Some(code) => {
                        f.write_str("cannot read ")?;
                        f.write_str(path)?;
                        f.write_str(": ")?;
                        write_os_error(f, code)
                    }
                    None => write!(f, "cannot read {path}"),
                }
            }
        }
    }
}

/// The std host's size limit, for messages (other hosts have their own).
#[cfg(feature = "std")]
const HOST_LIMIT: &str = " (credchain's own host: 1 GiB)";
#[cfg(not(feature = "std"))]
const HOST_LIMIT: &str = "";

#[cfg(all(test, feature = "std"))]
#[test]
fn the_host_limit_in_messages_is_the_host_s() {
    assert_eq!(crate::host::MAX_FILE_BYTES, 1 << 30);
}

#[cfg(all(test, feature = "std"))]
#[test]
fn system_errors_are_words() {
    let e = LoadError {
        kind: FileKind::Config,
        path: "/loop",
        error: FsError {
            kind: FsErrorKind::Other,
            os_code: Some(40),
        },
    };
    let text = std::format!("{e}");
    assert!(
        text.starts_with("cannot read /loop: ") && !text.contains("error 40 from"),
        "{text}"
    );
}

/// The system's words for an error number: the operating system's own message where the core
/// has the standard library (`Too many levels of symbolic links (os error 40)`), else the number.
pub(crate) fn write_os_error(f: &mut fmt::Formatter<'_>, code: i32) -> fmt::Result {
    #[cfg(feature = "std")]
    {
        write!(f, "{}", std::io::Error::from_raw_os_error(code))
    }
    #[cfg(not(feature = "std"))]
    {
        write!(f, "error {code} from the system")
    }
}

/// Reads both files located by [`crate::config::locate::locate`].
pub async fn load<'p, S: Fs + ?Sized>(
    fs: &S,
    paths: &'p FilePaths,
) -> Result<LoadedFiles<'p, S::File>, LoadError<'p>> {
    Ok(LoadedFiles {
        config: load_one(fs, FileKind::Config, &paths.config.path).await?,
        credentials: load_one(fs, FileKind::Credentials, &paths.credentials.path).await?,
    })
}

/// Reads one file; an empty path names no file.
pub async fn load_one<'p, S: Fs + ?Sized>(
    fs: &S,
    kind: FileKind,
    path: &'p str,
) -> Result<LoadedFile<'p, S::File>, LoadError<'p>> {
    let mut not_a_file = false;
    let contents = if path.is_empty() {
        None
    } else {
        match fs.read(path).await {
            Ok(contents) => contents,
            Err(FsError {
                kind: FsErrorKind::NotAFile,
                ..
            }) => {
                not_a_file = true;
                None
            }
            Err(error) => return Err(LoadError { kind, path, error }),
        }
    };
    Ok(LoadedFile {
        kind,
        path,
        contents,
        not_a_file,
    })
}
