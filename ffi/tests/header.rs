//! include/credchain.h is generated from this crate by cbindgen; this test regenerates it and
//! fails when the checked-in copy differs.
//!
//! - `cargo test -p credchain-ffi --test header`: check.
//! - `CREDCHAIN_UPDATE_HEADER=1 cargo test -p credchain-ffi --test header`: rewrite
//!   include/credchain.h.
//! - `CREDCHAIN_HEADER_OUT=PATH cargo test -p credchain-ffi --test header`: write the header to
//!   PATH and check nothing (what `ffi/gen-header PATH` does).

use std::path::{Path, PathBuf};

fn generate() -> String {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("ffi/cbindgen.toml is readable and valid");
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header from ffi/src");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("the header is UTF-8")
}

fn checked_in() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../include/credchain.h")
}

#[test]
fn header_is_up_to_date() {
    let generated = generate();
    if let Some(out) = std::env::var_os("CREDCHAIN_HEADER_OUT") {
        std::fs::write(&out, &generated)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", Path::new(&out).display()));
        return;
    }
    let path = checked_in();
    if std::env::var_os("CREDCHAIN_UPDATE_HEADER").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current != generated {
        let first = current
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| current.lines().count().min(generated.lines().count()));
        panic!(
            "include/credchain.h is out of date (first difference at line {}: checked in {:?}, \
             generated {:?}).\nRegenerate it with\n    ffi/gen-header include/credchain.h\nor\n    \
             CREDCHAIN_UPDATE_HEADER=1 cargo test -p credchain-ffi --test header\nand commit it.",
            first + 1,
            current.lines().nth(first).unwrap_or("<end of file>"),
            generated.lines().nth(first).unwrap_or("<end of file>"),
        );
    }
}
