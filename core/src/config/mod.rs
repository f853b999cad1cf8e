//! The shared files and the settings read from them: where the files are ([`locate`]), reading
//! them ([`load`], the one step here that does I/O, through the injected [`crate::io::Fs`]),
//! parsing them in either dialect ([`parse`]), the table of settings ([`settings`]) and every
//! setting resolved by precedence ([`evaluate`]); and the writing half: `configure set`'s choice of file, section and key ([`set`]), the
//! writer of the files' edits ([`write`](mod@write), pure) and storing them through the injected `Fs` (`store`,
//! with the `alloc` feature); and [`lint`] (with `alloc`), the findings of `credchain lint`.
//!
//! The bottom layer of the pipeline. It may use [`crate::io`], the shared value types at the
//! crate root ([`crate::Source`], [`crate::Dialect`]) and nothing else of the crate: no
//! provider, service, cache or signer.

pub mod evaluate;
#[cfg(feature = "alloc")]
pub mod lint;
pub mod load;
pub mod locate;
pub mod parse;
pub mod set;
pub mod settings;
#[cfg(feature = "alloc")]
pub mod store;
pub mod write;
