//! The portal's ListAccounts and ListAccountRoles (`configure sso`, `sso profiles`) through a
//! scripted in-memory HTTP: every page followed by its `nextToken`, the query in botocore's
//! order, the bearer token in its header, and a refused token told apart.

mod common;

use std::cell::RefCell;
use std::collections::VecDeque;

use common::memory::FixedClock;
use credchain_core::io::{block_on, Http, HttpError, HttpErrorKind, HttpRequest, HttpResponse};
use credchain_core::services::endpoint::{Endpoint, Origin};
use credchain_core::services::retry::{RetryConfig, RetryMode};
use credchain_core::services::sso_portal::{self, PortalError};

/// A request as sent: URL and headers.
type Seen = (String, Vec<(String, String)>);

/// HTTP answering from a queue of (status, body), recording (URL, headers).
#[derive(Default)]
struct Scripted {
    answers: RefCell<VecDeque<(u16, String)>>,
    seen: RefCell<Vec<Seen>>,
}

impl Http for Scripted {
    type Body = Vec<u8>;
    async fn send(&self, request: &HttpRequest<'_>) -> Result<HttpResponse<Vec<u8>>, HttpError> {
        assert_eq!(request.method, "GET");
        self.seen.borrow_mut().push((
            request.url.to_owned(),
            request
                .headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        ));
        let Some((status, body)) = self.answers.borrow_mut().pop_front() else {
            return Err(HttpError {
                kind: HttpErrorKind::Connect,
            });
        };
        Ok(HttpResponse {
            status,
            content_type: Some("application/json".try_into().unwrap()),
            body: body.into_bytes(),
        })
    }
}

fn scripted(answers: &[(u16, &str)]) -> Scripted {
    Scripted {
        answers: RefCell::new(answers.iter().map(|(s, b)| (*s, (*b).to_owned())).collect()),
        seen: RefCell::default(),
    }
}

const ONCE: RetryConfig = RetryConfig {
    mode: RetryMode::Standard,
    max_attempts: 1,
};

fn portal() -> Endpoint<'static> {
    Endpoint::new(
        "https://portal.sso.us-east-1.amazonaws.com",
        "us-east-1",
        Origin::EnvVar("AWS_ENDPOINT_URL_SSO"),
    )
    .unwrap()
}

#[test]
fn list_accounts_follows_every_page() {
    let http = scripted(&[
        (
            200,
            r#"{"nextToken":"p 2","accountList":[{"accountId":"111","accountName":"a"}]}"#,
        ),
        (
            200,
            r#"{"nextToken":null,"accountList":[{"accountId":"222","emailAddress":"b@x.com"}]}"#,
        ),
    ]);
    let accounts = block_on(sso_portal::list_accounts(
        &http,
        &FixedClock(0),
        ONCE,
        &portal(),
        "tok",
    ))
    .unwrap();
    let ids: Vec<&str> = accounts.iter().map(|a| a.account_id.as_str()).collect();
    assert_eq!(ids, ["111", "222"]);
    assert_eq!(accounts[1].email_address.as_deref(), Some("b@x.com"));
    let seen = http.seen.borrow();
    assert_eq!(
        seen[0].0,
        "https://portal.sso.us-east-1.amazonaws.com/assignment/accounts"
    );
    assert_eq!(
        seen[1].0,
        "https://portal.sso.us-east-1.amazonaws.com/assignment/accounts?next_token=p%202"
    );
    assert_eq!(
        seen[0].1,
        [("x-amz-sso_bearer_token".to_owned(), "tok".to_owned())]
    );
}

#[test]
fn list_account_roles_follows_every_page_with_the_account() {
    let http = scripted(&[
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
        &http,
        &FixedClock(0),
        ONCE,
        &portal(),
        "tok",
        "111",
    ))
    .unwrap();
    assert_eq!(roles, ["Admin", "Read"]);
    let seen = http.seen.borrow();
    assert_eq!(
        seen[0].0,
        "https://portal.sso.us-east-1.amazonaws.com/assignment/roles?account_id=111"
    );
    assert_eq!(
        seen[1].0,
        "https://portal.sso.us-east-1.amazonaws.com/assignment/roles?next_token=n&account_id=111"
    );
}

#[test]
fn a_refused_token_and_a_bad_page_are_told_apart() {
    let http = scripted(&[
        (
            401,
            r#"{"__type":"UnauthorizedException","message":"Session token not found or invalid"}"#,
        ),
        (200, r#"{"accountList":[{"accountName":"no id"}]}"#),
    ]);
    let refused = block_on(sso_portal::list_accounts(
        &http,
        &FixedClock(0),
        ONCE,
        &portal(),
        "tok",
    ))
    .unwrap_err();
    assert!(
        matches!(refused, PortalError::Unauthorized(_)),
        "{refused:?}"
    );
    let bad = block_on(sso_portal::list_accounts(
        &http,
        &FixedClock(0),
        ONCE,
        &portal(),
        "tok",
    ))
    .unwrap_err();
    assert!(matches!(bad, PortalError::Failed(_)), "{bad:?}");
    assert!(!format!("{bad:?}").contains("tok\""));
}

#[test]
fn a_portal_that_never_ends_stops_at_the_page_limit() {
    let pages: Vec<(u16, String)> = (0..=sso_portal::MAX_PORTAL_PAGES)
        .map(|_| (200, r#"{"nextToken":"again","accountList":[]}"#.to_owned()))
        .collect();
    let http = Scripted {
        answers: RefCell::new(pages.into_iter().collect()),
        seen: RefCell::default(),
    };
    let err = block_on(sso_portal::list_accounts(
        &http,
        &FixedClock(0),
        ONCE,
        &portal(),
        "tok",
    ))
    .unwrap_err();
    assert!(matches!(err, PortalError::Failed(_)));
    assert_eq!(http.seen.borrow().len(), sso_portal::MAX_PORTAL_PAGES);
}
