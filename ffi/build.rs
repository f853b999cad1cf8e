//! Gives the shared library an ELF soname, so a program linked against an installed
//! libcredchain records a name the dynamic loader can find (`ffi/install` makes the links).
//!
//! The soname follows Cargo's compatibility rule: `libcredchain.so.0.MINOR` while the version is
//! 0.x (each minor release may break the ABI), `libcredchain.so.MAJOR` from 1.0 on.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os != "linux" {
        return;
    }
    let major = env!("CARGO_PKG_VERSION_MAJOR");
    let minor = env!("CARGO_PKG_VERSION_MINOR");
    let soname = if major == "0" {
        format!("libcredchain.so.0.{minor}")
    } else {
        format!("libcredchain.so.{major}")
    };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
}
