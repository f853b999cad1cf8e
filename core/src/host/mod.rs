//! Host I/O for real machines (the `std` feature), shared by the CLI and the C library: each of
//! the core's [`crate::io`] traits over the operating system, one file per kind of I/O.
//!
//! This is the only part of the core that touches the machine. It holds no decisions about AWS
//! configuration: what to read, send or run is decided by the layers above and handed down
//! through the traits. It may use [`crate::io`] and nothing else of the crate.

mod clock;
mod env;
mod fs;
#[cfg(feature = "ureq")]
mod http;
pub mod os_path;
mod process;
mod prompt;

pub use clock::{random_u32, SystemClock};
pub use env::{StdEnv, UnreadableVariable, PATH_VARIABLES};
pub use fs::{
    read_file, read_file_at_most, read_token_file, replace_shared, write_private, ConfigFileFs,
    FileBytes, StdFs, HUGE_PAGE_READ_MIN, MAX_FILE_BYTES, SHARED_LOCK_TIMEOUT_MS, STALE_TEMP_SECS,
    TOKEN_PIPE_TIMEOUT_MS,
};
#[cfg(feature = "ureq")]
pub use http::UreqHttp;
pub use process::{run_command, StdCommand};
pub use prompt::{TerminalPrompt, MAX_PROMPT_ANSWER_BYTES};
