//! The console login's readers on any input: the cache file (`login_cache::parse`), the token
//! endpoint's answer, the write-back that copies the file member by member, and the PEM/DER key
//! reader. Any panic is a crash; a file that parses must also survive being written back and the
//! result must parse again with the refreshed values.
#![no_main]

use credchain_core::caches::login as login_cache;
use credchain_core::services::signin::{self, Refreshed};
use credchain_core::signing::dpop::DpopKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = signin::parse_refresh_response(data);
    let Ok(text) = core::str::from_utf8(data) else {
        let _ = login_cache::parse(data);
        return;
    };
    let _ = DpopKey::from_pem(text);
    if let Ok(original) = login_cache::parse(data) {
        let refreshed = Refreshed {
            access_key_id: "ASIAFUZZ".try_into().unwrap(),
            secret_access_key: "secret".try_into().unwrap(),
            session_token: "token".try_into().unwrap(),
            expires_in: 900,
            refresh_token: "refresh".try_into().unwrap(),
        };
        let mut out = heapless::String::<{ login_cache::MAX_LOGIN_CACHE_LEN }>::new();
        if login_cache::write_refreshed(&mut out, text, &refreshed, None, 1_700_000_000).is_ok() {
            let again = login_cache::parse(out.as_bytes()).expect("the written file parses");
            assert_eq!(again.credentials().access_key_id(), "ASIAFUZZ");
            if original.refresh_token().is_some() {
                assert_eq!(again.refresh_token(), Some("refresh"));
            }
        }
    }
});
