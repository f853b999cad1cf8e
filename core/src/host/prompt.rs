//! Questions on the terminal (the MFA code).

use std::string::String;
use std::vec::Vec;

/// The most [`TerminalPrompt`] reads of one answer, in bytes (an MFA code is at most 64
/// characters; this leaves room to say that a longer one is too long).
pub const MAX_PROMPT_ANSWER_BYTES: u64 = 1024;

/// Asks on the terminal: the question on standard error, the answer from standard input. Like
/// Python's `getpass` (which the AWS CLI uses for MFA codes), it reads a piped standard input
/// when there is no terminal; end of input is [`crate::io::PromptError::Cancelled`]. At most
/// [`MAX_PROMPT_ANSWER_BYTES`] are read: a line that runs past them (`< /dev/zero`) is
/// [`crate::io::PromptError::TooLong`], where Python would read until memory runs out.
#[derive(Debug, Clone, Copy, Default)]
pub struct TerminalPrompt;

impl crate::io::Prompt for TerminalPrompt {
    type Answer = String;

    async fn ask(&self, question: &str) -> Result<String, crate::io::PromptError> {
        use std::io::{BufRead, Write};
        let mut err = std::io::stderr();
        let _ = write!(err, "{question}");
        let _ = err.flush();
        let mut line = Vec::new();
        let read = std::io::Read::take(std::io::stdin().lock(), MAX_PROMPT_ANSWER_BYTES)
            .read_until(b'\n', &mut line);
        match read {
            Ok(0) | Err(_) => Err(crate::io::PromptError::Cancelled),
            Ok(_) if !line.ends_with(b"\n") && line.len() as u64 >= MAX_PROMPT_ANSWER_BYTES => {
                Err(crate::io::PromptError::TooLong)
            }
            Ok(_) => String::from_utf8(line)
                .map(|l| l.trim_end_matches(['\n', '\r']).into())
                .map_err(|_| crate::io::PromptError::Cancelled),
        }
    }
}
