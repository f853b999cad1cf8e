//! The portal's ListAccounts and ListAccountRoles (`configure sso`, `sso profiles`) through a
//! scripted in-memory HTTP: every page followed by its `nextToken`, the query in botocore's
//! order, the bearer token in its header, and a refused token told apart.

mod common;

use common::memory::{FixedClock, ScriptedHttp};
use common::{portal_endpoint, ONE_ATTEMPT};
use credchain_core::io::block_on;
use credchain_core::services::exchange::ServiceTarget;
use credchain_core::services::sso_portal::{self, Account, PortalError};

/// ListAccounts with the token `tok` through `http`, every page a GET (the error boxed: it is
/// large).
fn list_accounts(http: &ScriptedHttp) -> Result<Vec<Account>, Box<PortalError>> {
    let accounts = block_on(sso_portal::list_accounts(
        &ServiceTarget {
            http,
            clock: &FixedClock(0),
            retry: ONE_ATTEMPT,
            endpoint: &portal_endpoint(),
        },
        "tok",
    ));
    assert!(http.sent.borrow().iter().all(|sent| sent.method == "GET"));
    accounts.map_err(Box::new)
}

#[test]
fn list_accounts_follows_every_page() {
    let http = ScriptedHttp::answering(&[
        (
            200,
            r#"{"nextToken":"p 2","accountList":[{"accountId":"111","accountName":"a"}]}"#,
        ),
        (
            200,
            r#"{"nextToken":null,"accountList":[{"accountId":"222","emailAddress":"b@x.com"}]}"#,
        ),
    ]);
    let accounts = list_accounts(&http).unwrap();
    let ids: Vec<&str> = accounts.iter().map(|a| a.account_id.as_str()).collect();
    assert_eq!(ids, ["111", "222"]);
    assert_eq!(accounts[1].email_address.as_deref(), Some("b@x.com"));
    let seen = http.sent.borrow();
    assert_eq!(
        seen[0].url,
        "https://portal.sso.us-east-1.amazonaws.com/assignment/accounts"
    );
    assert_eq!(
        seen[1].url,
        "https://portal.sso.us-east-1.amazonaws.com/assignment/accounts?next_token=p%202"
    );
    assert_eq!(
        seen[0].headers,
        [("x-amz-sso_bearer_token".to_owned(), "tok".to_owned())]
    );
}

#[test]
fn list_account_roles_follows_every_page_with_the_account() {
    let http = ScriptedHttp::answering(&[
        (
            200,
            r#"{"nextToken":"n","roleList":[{"roleName":"Admin","accountId":"111"}]}"#,
        ),
        (
            200,
            r#"{"roleList":[{"roleName":"Read","accountId":"111"}]}"#,
        ),
    ]);
    let roles = block_on(sso_portal::list_account_roles(
        &ServiceTarget {
            http: &http,
            clock: &FixedClock(0),
            retry: ONE_ATTEMPT,
            endpoint: &portal_endpoint(),
        },
        "tok",
        "111",
    ))
    .unwrap();
    assert_eq!(roles, ["Admin", "Read"]);
    let seen = http.sent.borrow();
    assert!(seen.iter().all(|sent| sent.method == "GET"));
    assert_eq!(
        seen[0].url,
        "https://portal.sso.us-east-1.amazonaws.com/assignment/roles?account_id=111"
    );
    assert_eq!(
        seen[1].url,
        "https://portal.sso.us-east-1.amazonaws.com/assignment/roles?next_token=n&account_id=111"
    );
}

#[test]
fn a_refused_token_and_a_bad_page_are_told_apart() {
    let http = ScriptedHttp::answering(&[
        (
            401,
            r#"{"__type":"UnauthorizedException","message":"Session token not found or invalid"}"#,
        ),
        (200, r#"{"accountList":[{"accountName":"no id"}]}"#),
    ]);
    let refused = list_accounts(&http).unwrap_err();
    assert!(
        matches!(*refused, PortalError::Unauthorized(_)),
        "{refused:?}"
    );
    let bad = list_accounts(&http).unwrap_err();
    assert!(matches!(*bad, PortalError::Failed(_)), "{bad:?}");
    assert!(!format!("{bad:?}").contains("tok\""));
}

#[test]
fn a_portal_that_never_ends_stops_at_the_page_limit() {
    let page = (200, r#"{"nextToken":"again","accountList":[]}"#);
    let http = ScriptedHttp::answering(&vec![page; sso_portal::MAX_PORTAL_PAGES + 1]);
    let err = list_accounts(&http).unwrap_err();
    assert!(matches!(*err, PortalError::Failed(_)));
    assert_eq!(http.sent.borrow().len(), sso_portal::MAX_PORTAL_PAGES);
}
