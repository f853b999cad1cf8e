//! The IAM Identity Center JSON readers on any bytes: the token cache file (both forms), the
//! SSO-OIDC CreateToken answer and the portal's GetRoleCredentials answer. None may panic; a
//! token file that reads back with a registration, refreshed with a CreateToken answer that
//! reads, is written as botocore writes it and must read back to the same token.
#![no_main]

use credchain_core::caches::sso_token::{parse_token, write_token_file};
use credchain_core::services::sso_oidc::parse_create_token;
use credchain_core::services::sso_portal::parse_role_credentials;
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_700_000_000;

fuzz_target!(|data: &[u8]| {
    let _ = parse_role_credentials(data, "123456789012");
    let answer = parse_create_token(data, NOW);
    for legacy in [true, false] {
        let Ok(cached) = parse_token(data, legacy, NOW) else {
            continue;
        };
        let (Ok(registration), Some(refreshed)) = (&cached.registration, &answer) else {
            continue;
        };
        let mut text = String::new();
        if write_token_file(
            &mut text,
            "https://x/start",
            "us-east-1",
            refreshed,
            registration,
        )
        .is_ok()
        {
            let back = parse_token(text.as_bytes(), false, NOW).expect("the written file reads");
            assert_eq!(&back.token, refreshed.token());
        }
    }
});
