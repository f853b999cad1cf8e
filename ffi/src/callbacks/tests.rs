//! Unit tests of the callback handle's parts.

use core::ffi::{c_char, c_void};
use core::mem::{offset_of, size_of};
use std::cell::RefCell;

use credchain_core::io::{
    block_on, Command, CommandErrorKind, CommandRequest, Env, FsErrorKind, Prompt, PromptError,
};

use super::table::MIN_STRUCT_SIZE;
use super::*;
use crate::result::credchain_result;

#[test]
fn snapshot_records_misses_once() {
    let env = SnapshotEnv::default();
    assert_eq!(env.var("A"), None);
    assert_eq!(env.var("A"), None);
    assert_eq!(env.missed.borrow().len(), 1);
}

#[test]
fn file_buffer_limits() {
    let mut file = credchain_file_buffer {
        data: Vec::new(),
        failure: None,
    };
    // SAFETY: file is a live buffer.
    let p = unsafe { credchain_file_buffer_alloc(&mut file, 0) };
    assert!(!p.is_null());
    // SAFETY: as above.
    let p = unsafe { credchain_file_buffer_alloc(&mut file, usize::MAX) };
    assert!(p.is_null());
    assert_eq!(file.failure, Some(FsErrorKind::TooLarge));
    // SAFETY: NULL is accepted.
    assert!(unsafe { credchain_file_buffer_alloc(core::ptr::null_mut(), 1) }.is_null());
}

unsafe extern "C" fn no_env(
    _: *mut c_void,
    _: *const c_char,
    _: *mut *const c_char,
    _: *mut usize,
) -> bool {
    false
}

unsafe extern "C" fn no_file(
    _: *mut c_void,
    _: *const c_char,
    _: *mut credchain_file_buffer,
) -> credchain_read_status {
    CREDCHAIN_READ_NOT_FOUND
}

unsafe extern "C" fn echo_process(
    _: *mut c_void,
    argv: *const *const c_char,
    argc: usize,
    _: u32,
    _: usize,
    exit_code_out: *mut i32,
    stdout_buf: *mut credchain_buffer,
    _: *mut credchain_buffer,
) -> credchain_run_status {
    // SAFETY: credchain passes argc strings and a NULL.
    let last = unsafe { *argv.add(argc) };
    assert!(last.is_null());
    // SAFETY: as above; argv[0] is NUL-terminated.
    let program = unsafe { core::ffi::CStr::from_ptr(*argv) }.to_bytes();
    // SAFETY: stdout_buf is the live buffer of this call.
    let p = unsafe { credchain_buffer_alloc(stdout_buf, program.len()) };
    if !p.is_null() {
        // SAFETY: p holds program.len() bytes.
        unsafe { core::ptr::copy_nonoverlapping(program.as_ptr(), p, program.len()) };
    }
    // SAFETY: exit_code_out is writable. (Over the limit, the result is TooLarge whatever
    // the status says.)
    unsafe { *exit_code_out = 7 };
    CREDCHAIN_RUN_EXITED
}

fn callbacks() -> credchain_callbacks {
    credchain_callbacks {
        struct_size: size_of::<credchain_callbacks>(),
        userdata: core::ptr::null_mut(),
        get_env: Some(no_env),
        read_file: Some(no_file),
        run_process: Some(echo_process),
        http: None,
        now: Some(fixed_now),
        write_file: None,
        sleep: None,
        random: None,
    }
}

unsafe extern "C" fn fixed_now(_: *mut c_void) -> i64 {
    1_234_567_890
}

#[test]
fn the_clock_is_the_callback_or_the_system() {
    let full = callbacks();
    // SAFETY: a whole struct of its struct_size.
    let cb = unsafe { Callbacks::from_raw(&full) }.unwrap();
    assert_eq!(cb.now_unix(), 1_234_567_890);
    // A caller built before `now` existed gets the system clock.
    let old = credchain_callbacks {
        struct_size: offset_of!(credchain_callbacks, now),
        ..full
    };
    // SAFETY: the struct is larger than its struct_size says.
    let cb = unsafe { Callbacks::from_raw(&old) }.unwrap();
    assert!(cb.now_unix() > 1_700_000_000);
}

unsafe extern "C" fn no_sleep(_: *mut c_void, _: u32) {}

unsafe extern "C" fn fixed_random(_: *mut c_void) -> u32 {
    7
}

#[test]
fn sleep_and_random_are_the_callbacks_or_the_library() {
    let full = credchain_callbacks {
        sleep: Some(no_sleep),
        random: Some(fixed_random),
        ..callbacks()
    };
    // SAFETY: a whole struct of its struct_size.
    let cb = unsafe { Callbacks::from_raw(&full) }.unwrap();
    assert!(cb.sleep.is_some());
    assert_eq!(cb.random_u32(), 7);
    // `now` is set: milliseconds are its seconds.
    assert_eq!(cb.now_millis(), 1_234_567_890_000);
    // A caller built before sleep and random existed gets the library's.
    let old = credchain_callbacks {
        struct_size: offset_of!(credchain_callbacks, sleep),
        ..full
    };
    // SAFETY: the struct is larger than its struct_size says.
    let cb = unsafe { Callbacks::from_raw(&old) }.unwrap();
    assert!(cb.sleep.is_none() && cb.random.is_none());
    let started = std::time::Instant::now();
    cb.sleep_ms(20);
    assert!(started.elapsed() >= std::time::Duration::from_millis(20));
}

#[test]
fn struct_size_selects_the_fields_read() {
    let full = callbacks();
    // SAFETY: a whole struct of its struct_size.
    let cb = unsafe { Callbacks::from_raw(&full) }.unwrap();
    assert!(cb.run_process.is_some());
    // A caller built before run_process existed: the field is not read.
    let old = credchain_callbacks {
        struct_size: MIN_STRUCT_SIZE,
        ..full
    };
    // SAFETY: the struct is larger than its struct_size says.
    let cb = unsafe { Callbacks::from_raw(&old) }.unwrap();
    assert!(cb.run_process.is_none());
    let small = credchain_callbacks {
        struct_size: MIN_STRUCT_SIZE - 1,
        ..full
    };
    // SAFETY: as above.
    let e = unsafe { Callbacks::from_raw(&small) }.err().unwrap();
    assert_eq!(e.code, credchain_result::InvalidStructSize);
}

#[test]
fn processes_run_through_the_callback() {
    let full = callbacks();
    // SAFETY: a whole struct of its struct_size.
    let cb = unsafe { Callbacks::from_raw(&full) }.unwrap();
    let broken = Broken::default();
    let command = CallbackCommand::new(&cb, &broken);
    let request = |argv: &'static [&'static str], max_output_bytes| CommandRequest {
        argv,
        timeout_ms: 1000,
        max_output_bytes,
    };
    let out = block_on(command.run(&request(&["/bin/helper", "x"], 64))).unwrap();
    assert_eq!(out.status, Some(7));
    assert_eq!(&**out.stdout, b"/bin/helper");
    assert!(out.stderr.is_empty());
    // Output over the limit is TooLarge.
    let e = block_on(command.run(&request(&["/bin/helper"], 3))).unwrap_err();
    assert_eq!(e.kind, CommandErrorKind::TooLarge);
    assert!(broken.take().is_none());
}

unsafe extern "C" fn answer(
    _: *mut c_void,
    _: *const c_char,
    answer: *mut credchain_buffer,
) -> credchain_prompt_status {
    // SAFETY: answer is the live buffer of this call.
    let p = unsafe { credchain_buffer_alloc(answer, 8) };
    // SAFETY: p holds 8 bytes.
    unsafe { core::ptr::copy_nonoverlapping(b"123456\r\n".as_ptr(), p, 8) };
    CREDCHAIN_PROMPT_OK
}

#[test]
fn prompts_strip_the_line_ending() {
    let broken = Broken::default();
    let prompt = CallbackPrompt::new(
        Some(PromptCallback {
            ask: answer,
            userdata: core::ptr::null_mut(),
        }),
        &broken,
    );
    assert_eq!(block_on(prompt.ask("code: ")).unwrap().as_str(), "123456");
    let none = CallbackPrompt::new(None, &broken);
    assert_eq!(
        block_on(none.ask("code: ")).unwrap_err(),
        PromptError::Unavailable
    );
}

#[test]
fn resolve_env_fetches_once_and_keeps_values_in_place() {
    let full = callbacks();
    // SAFETY: a whole struct of its struct_size.
    let cb = unsafe { Callbacks::from_raw(&full) }.unwrap();
    let broken = Broken::default();
    let snapshot = SnapshotEnv {
        vars: vec![(String::from("A"), Some(String::from("1")))],
        missed: RefCell::default(),
    };
    let env = ResolveEnv::new(&snapshot, &cb, &broken);
    let a = env.var("A");
    for i in 0..100 {
        assert_eq!(env.var(&format!("V{i}")), None);
    }
    assert_eq!((a, env.var("A")), (Some("1"), Some("1")));
    assert_eq!(env.fetched.borrow().len(), 100);
}
