//! `lint(files)`: the core's pure lint of the shared files' texts (no host, no I/O).
//!
//! ```text
//!   lint({ config?, credentials?, configMode?, credentialsMode? })
//!     -> [{ code, severity, file, line, message, fix }]
//! ```
//!
//! `config` and `credentials` are each a string, a `Uint8Array`, or `null`/absent for no file;
//! the modes are the files' Unix permission bits (`stat().mode`), when known. The codes are the
//! kebab-case strings of `credchain lint --format json` and the C library's `credchain_lint`;
//! `line` is `null` for a finding about a whole file (its permissions).

use credchain_core::config::lint::{self, LintFile};
use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::errors::invalid_argument;
use crate::host::bytes_of;
use crate::objects::Obj;
use crate::request::get;

/// The bytes of `files[key]`: `None` for `null` or absent.
fn text(files: &JsValue, key: &'static str) -> Result<Option<Vec<u8>>, JsValue> {
    let value = get(files, key);
    if value.is_null() || value.is_undefined() {
        return Ok(None);
    }
    bytes_of(&value).map(Some).ok_or_else(|| {
        invalid_argument(
            &format!("files.{key}"),
            &format!("files.{key} must be a string, a Uint8Array or null"),
        )
    })
}

/// `files[key]` as permission bits: `None` when absent.
fn mode(files: &JsValue, key: &'static str) -> Result<Option<u32>, JsValue> {
    let value = get(files, key);
    if value.is_null() || value.is_undefined() {
        return Ok(None);
    }
    value
        .as_f64()
        .filter(|m| m.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(m))
        .map(|m| Some(m as u32))
        .ok_or_else(|| {
            invalid_argument(
                &format!("files.{key}"),
                &format!("files.{key} must be a file mode (a whole number, such as 0o600)"),
            )
        })
}

#[wasm_bindgen(js_name = lint)]
pub fn lint_files(files: JsValue) -> Result<JsValue, JsValue> {
    if !files.is_object() {
        return Err(invalid_argument(
            "files",
            "files must be an object: { config?, credentials?, configMode?, credentialsMode? }",
        ));
    }
    let (config, credentials) = (text(&files, "config")?, text(&files, "credentials")?);
    let config_file = LintFile {
        path: "",
        text: config.as_deref(),
        mode: mode(&files, "configMode")?,
    };
    let credentials_file = LintFile {
        path: "",
        text: credentials.as_deref(),
        mode: mode(&files, "credentialsMode")?,
    };
    let findings = lint::lint(config_file, credentials_file);
    let out = Array::new();
    for f in &findings {
        let line = if f.line == 0 {
            JsValue::NULL
        } else {
            JsValue::from(f.line)
        };
        let obj = Obj::new()
            .set("code", f.code.as_str())
            .set("severity", f.severity.as_str())
            .set("file", lint::file_name(f.file))
            .set("line", line)
            .set("message", f.message.as_str())
            .set("fix", f.fix.as_str());
        out.push(&obj.into());
    }
    Ok(out.into())
}
