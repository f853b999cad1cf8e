//! The `Prompt` adapter over the prompt set by `credchain_config_set_prompt`, for MFA codes.

use core::ffi::{c_char, c_void};
use std::ffi::CString;

use credchain_core::io::{Prompt, PromptError};
use zeroize::Zeroizing;

use super::buffer::credchain_buffer;
use super::types::*;
use super::Broken;
use crate::error::Error;

/// The prompt a handle was given: the callback and its `userdata`.
#[derive(Clone, Copy)]
pub(crate) struct PromptCallback {
    pub(crate) ask: unsafe extern "C" fn(
        *mut c_void,
        *const c_char,
        *mut credchain_buffer,
    ) -> credchain_prompt_status,
    pub(crate) userdata: *mut c_void,
}

/// Questions asked through the handle's prompt callback, when it has one.
pub(crate) struct CallbackPrompt<'c> {
    prompt: Option<PromptCallback>,
    broken: &'c Broken,
}

impl<'c> CallbackPrompt<'c> {
    pub(crate) fn new(prompt: Option<PromptCallback>, broken: &'c Broken) -> Self {
        CallbackPrompt { prompt, broken }
    }
}

impl Prompt for CallbackPrompt<'_> {
    type Answer = Zeroizing<String>;

    async fn ask(&self, question: &str) -> Result<Self::Answer, PromptError> {
        let Some(PromptCallback { ask, userdata }) = self.prompt else {
            return Err(PromptError::Unavailable);
        };
        let question = CString::new(question.replace('\0', "")).unwrap_or_default();
        let mut answer = credchain_buffer::new(CREDCHAIN_MAX_ANSWER_LEN);
        // SAFETY: the caller of credchain_config_set_prompt guarantees the callback follows the
        // contract of credchain_prompt_callback and stays valid while the handle is used; the
        // question and the buffer are valid for the call.
        let status = unsafe { ask(userdata, question.as_ptr(), &mut answer) };
        let broke = |detail: String| {
            self.broken.set(Error::callback(detail));
            Err(PromptError::Unavailable)
        };
        match status {
            CREDCHAIN_PROMPT_OK => {}
            CREDCHAIN_PROMPT_UNAVAILABLE => return Err(PromptError::Unavailable),
            CREDCHAIN_PROMPT_CANCELLED => return Err(PromptError::Cancelled),
            other => {
                self.broken.unknown_status("prompt", other, "PROMPT");
                return Err(PromptError::Unavailable);
            }
        }
        if answer.over_limit {
            return broke(format!(
                "prompt gave an answer longer than CREDCHAIN_MAX_ANSWER_LEN \
                 ({CREDCHAIN_MAX_ANSWER_LEN}) bytes"
            ));
        }
        if answer.out_of_memory {
            return Err(PromptError::Unavailable);
        }
        let bytes = answer.take();
        let Ok(text) = core::str::from_utf8(&bytes) else {
            return broke(String::from("prompt gave an answer that is not UTF-8"));
        };
        let line = text.strip_suffix('\n').unwrap_or(text);
        let line = line.strip_suffix('\r').unwrap_or(line);
        Ok(Zeroizing::new(String::from(line)))
    }
}
