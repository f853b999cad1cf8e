//! `credchain serve` and `credchain exec --server` through the built binary, in a temporary
//! HOME, with STS a loopback mock: the token checks, the bounds (size, headers, a slow client,
//! the connection cap), SIGTERM, a refresh (and a failed one), and real clients reading the
//! server across a refresh: botocore from PyPI (the difftest venv) and the AWS SDK for
//! JavaScript v3's container provider (tests/serve-js, installed by tests/run's wasm stage).
//! The two real-client tests are ignored by default; tests/run runs them.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use common::{
    assert_contains_all, assume_role_response, Home, MockServer, ACCESS_DENIED, BASE_CREDENTIALS,
};

/// A profile assuming a role with the keys of `[base]`.
const CONFIG: &str = "[profile served]\nrole_arn = arn:aws:iam::123456789012:role/demo\n\
                      source_profile = base\nregion = us-east-1\n";

/// The first credentials (short-lived) and the refreshed ones.
const FIRST: (&str, &str, &str) = (
    "ASIAFIRSTEXAMPLE",
    "firstSecretKey0001",
    "firstSessionToken01",
);
const SECOND: (&str, &str, &str) = (
    "ASIASECONDEXAMPLE",
    "secondSecretKey001",
    "secondSessionToken1",
);

/// `secs` from now as STS writes a time.
fn in_secs(secs: u64) -> String {
    let t = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + secs;
    let (days, rest) = ((t / 86_400) as i64, t % 86_400);
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// An AssumeRole answer with `creds`, expiring at `expiration`.
fn answer((key, secret, token): (&str, &str, &str), expiration: &str) -> String {
    assume_role_response(key, secret, token).replace("2099-01-02T03:04:05Z", expiration)
}

/// A home whose profile `served` assumes a role through `sts` (a mock answering `answers`).
fn home_with_sts(answers: &[(u16, String)]) -> (Home, MockServer) {
    let home = Home::new(CONFIG, BASE_CREDENTIALS);
    for (_, secret, token) in [FIRST, SECOND] {
        home.secret(secret);
        home.secret(token);
    }
    (home, MockServer::sequence(answers))
}

/// A running `credchain serve`, killed when dropped.
struct Served {
    child: Child,
    url: String,
    token: String,
    addr: SocketAddr,
}

impl Served {
    /// `credchain serve ARGS` with `vars`, once it has printed its two lines.
    fn start(home: &Home, args: &[&str], vars: &[(&str, &str)]) -> Served {
        let mut all = vec!["serve"];
        all.extend_from_slice(args);
        let mut command = home.command(&all, vars);
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().expect("start credchain serve");
        let stdout = child.stdout.take().unwrap();
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next().and_then(Result::ok);
            let second = lines.next().and_then(Result::ok);
            let _ = send.send((first, second));
        });
        let (Some(url), Some(token)) = receive
            .recv_timeout(Duration::from_secs(20))
            .expect("serve printed its lines in time")
        else {
            let _ = child.kill();
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("serve printed nothing: {err}");
        };
        let url = url
            .strip_prefix("export AWS_CONTAINER_CREDENTIALS_FULL_URI=")
            .expect("the URL line")
            .to_owned();
        let token = token
            .strip_prefix("export AWS_CONTAINER_AUTHORIZATION_TOKEN=")
            .expect("the token line")
            .to_owned();
        assert_eq!(token.len(), 64, "{token}");
        let addr = url
            .strip_prefix("http://")
            .and_then(|rest| rest.strip_suffix('/'))
            .expect("http://127.0.0.1:PORT/")
            .parse()
            .unwrap();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        Served {
            child,
            url,
            token,
            addr,
        }
    }

    /// The variables a client needs.
    fn vars(&self) -> [(&'static str, String); 2] {
        [
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", self.url.clone()),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", self.token.clone()),
        ]
    }

    /// A GET of / with `authorization`, on a new connection: the whole response.
    fn get(&self, authorization: Option<&str>) -> String {
        let header = authorization.map_or(String::new(), |a| format!("Authorization: {a}\r\n"));
        exchange(
            self.addr,
            format!("GET / HTTP/1.1\r\nHost: x\r\n{header}Connection: close\r\n\r\n").as_bytes(),
        )
    }

    /// SIGTERM, then the exit status and stderr.
    fn terminate(mut self) -> (i32, String) {
        let pid = rustix::process::Pid::from_raw(self.child.id() as i32).unwrap();
        rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
        let status = (0..250)
            .find_map(|_| {
                let status = self.child.try_wait().unwrap();
                if status.is_none() {
                    std::thread::sleep(Duration::from_millis(20));
                }
                status
            })
            .expect("serve stops within 5 s of SIGTERM");
        let mut err = String::new();
        let _ = self
            .child
            .stderr
            .take()
            .map(|mut e| e.read_to_string(&mut err));
        (status.code().expect("exited, not killed"), err)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `request` on a new connection and reads until the server closes it (5 s at most).
fn exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    // The server may answer and close before reading a huge request whole.
    let _ = stream.write_all(request);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).into_owned()
}

fn status(response: &str) -> &str {
    response.get(9..12).unwrap_or(response)
}

/// The served access key id.
fn access_key(response: &str) -> &str {
    let at = response.find("\"AccessKeyId\": \"").expect("credentials") + 16;
    let rest = &response[at..];
    &rest[..rest.find('"').unwrap()]
}

/// A server of `[profile served]`'s role, from a mock STS answering `answers`.
fn serving(answers: &[(u16, String)]) -> (Home, MockServer, Served) {
    let (home, sts) = home_with_sts(answers);
    let served = Served::start(
        &home,
        &["--profile", "served"],
        &[("AWS_ENDPOINT_URL_STS", &sts.url())],
    );
    (home, sts, served)
}

/// A server of FIRST, until 2099.
fn long_lived() -> (Home, MockServer, Served) {
    serving(&[(200, answer(FIRST, "2099-01-02T03:04:05Z"))])
}

#[test]
fn the_token_is_required_and_nothing_leaks() {
    let (home, _sts, served) = long_lived();
    let missing = served.get(None);
    assert_eq!(status(&missing), "401", "{missing}");
    let wrong = served.get(Some(&"0".repeat(64)));
    assert_eq!(status(&wrong), "403", "{wrong}");
    let prefix = served.get(Some(&served.token[..63]));
    assert_eq!(status(&prefix), "403", "{prefix}");
    for refused in [&missing, &wrong, &prefix] {
        assert!(
            !refused.contains(FIRST.0) && !refused.contains(FIRST.1),
            "{refused}"
        );
    }
    let ok = served.get(Some(&served.token));
    assert_eq!(status(&ok), "200", "{ok}");
    let body: serde_json::Value =
        serde_json::from_str(&ok[ok.find("\r\n\r\n").unwrap() + 4..]).expect("JSON");
    assert_eq!(body["AccessKeyId"], FIRST.0);
    assert_eq!(body["SecretAccessKey"], FIRST.1);
    assert_eq!(body["Token"], FIRST.2);
    assert_eq!(body["Expiration"], "2099-01-02T03:04:05Z");
    let token = served.token.clone();
    let (code, stderr) = served.terminate();
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("stopped serving credentials"), "{stderr}");
    assert!(!common::leaks(&stderr, &token), "{stderr}");
    for secret in home.secrets() {
        assert!(!common::leaks(&stderr, &secret), "{stderr}");
    }
}

#[test]
fn sigterm_stops_it_and_the_port_closes() {
    let (_home, _sts, served) = long_lived();
    let addr = served.addr;
    let (code, stderr) = served.terminate();
    assert_eq!(code, 0, "{stderr}");
    assert!(TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err());
}

#[test]
fn huge_requests_and_too_many_headers_are_refused() {
    let (_home, _sts, served) = long_lived();
    let huge = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(64 * 1024));
    let response = exchange(served.addr, huge.as_bytes());
    assert_eq!(status(&response), "431", "{response}");
    let many: String = (0..40).map(|i| format!("X-{i}: y\r\n")).collect();
    let response = exchange(
        served.addr,
        format!(
            "GET / HTTP/1.1\r\n{many}Authorization: {}\r\n\r\n",
            served.token
        )
        .as_bytes(),
    );
    assert_eq!(status(&response), "431", "{response}");
    assert!(!response.contains(FIRST.0), "{response}");
    let response = exchange(served.addr, b"GET / HTTP/1.1\r\nContent-Length: 9\r\n\r\n");
    assert_eq!(status(&response), "400", "{response}");
    // Keep-alive: two requests on one connection, then the connection is closed by asking.
    let token = &served.token;
    let two = format!(
        "GET / HTTP/1.1\r\nAuthorization: {token}\r\n\r\nGET / HTTP/1.1\r\nAuthorization: \
         {token}\r\nConnection: close\r\n\r\n"
    );
    let response = exchange(served.addr, two.as_bytes());
    assert_eq!(response.matches("HTTP/1.1 200 OK").count(), 2, "{response}");
}

#[test]
fn a_slow_client_blocks_no_one_and_is_cut_off() {
    let (_home, _sts, served) = long_lived();
    let mut slow = TcpStream::connect(served.addr).unwrap();
    slow.write_all(b"GET / HT").unwrap();
    let started = Instant::now();
    let ok = served.get(Some(&served.token));
    assert_eq!(status(&ok), "200", "{ok}");
    assert!(started.elapsed() < Duration::from_secs(2));
    // The slow client's head never arrives whole: closed after READ_TIMEOUT (5 s), not held.
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut rest = Vec::new();
    let _ = slow.write_all(b"T");
    let _ = slow.read_to_end(&mut rest);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(4) && took < Duration::from_secs(8),
        "{took:?}"
    );
}

#[test]
fn connections_past_the_cap_get_503_and_the_cap_frees() {
    let (_home, _sts, served) = long_lived();
    // 64 idle connections hold every connection thread.
    let idle: Vec<TcpStream> = (0..64)
        .map(|_| TcpStream::connect(served.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // Answered at once, before anything is sent (nothing is read from such a connection).
    let busy = exchange(served.addr, b"");
    assert_eq!(status(&busy), "503", "{busy}");
    assert!(busy.contains("\"Busy\""), "{busy}");
    drop(idle);
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let ok = served.get(Some(&served.token));
        if status(&ok) == "200" {
            break;
        }
        assert!(Instant::now() < deadline, "the cap did not free: {ok}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A server whose first credentials expire 303 s from now (3 s before the refresh window)
/// and whose mock STS answers SECOND after them.
fn refreshing() -> (Home, MockServer, Served) {
    serving(&[
        (200, answer(FIRST, &in_secs(303))),
        (200, answer(SECOND, "2099-01-02T03:04:05Z")),
    ])
}

#[test]
fn refreshed_once_five_minutes_before_expiry() {
    let (_home, sts, served) = refreshing();
    assert_eq!(access_key(&served.get(Some(&served.token))), FIRST.0);
    let deadline = Instant::now() + Duration::from_secs(15);
    // Many callers while the refresh is due: all answered, one refresh.
    loop {
        let keys: Vec<String> = std::thread::scope(|s| {
            let calls: Vec<_> = (0..8)
                .map(|_| s.spawn(|| access_key(&served.get(Some(&served.token))).to_owned()))
                .collect();
            calls.into_iter().map(|c| c.join().unwrap()).collect()
        });
        if keys.iter().all(|k| k == SECOND.0) {
            break;
        }
        assert!(Instant::now() < deadline, "no refresh: {keys:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(sts.requests().len(), 2, "one refresh");
}

#[test]
fn a_failed_refresh_keeps_unexpired_credentials_and_then_answers_503() {
    // Expiring in 8 s: in the refresh window at once; every refresh is refused.
    let (home, sts, served) = serving(&[
        (200, answer(FIRST, &in_secs(8))),
        (403, ACCESS_DENIED.to_owned()),
    ]);
    std::thread::sleep(Duration::from_millis(1500));
    let kept = served.get(Some(&served.token));
    assert_eq!(access_key(&kept), FIRST.0, "{kept}");
    assert!(sts.requests().len() >= 2, "a refresh was tried");
    // Once they expire, nothing is served, and nothing leaks.
    std::thread::sleep(Duration::from_secs(8));
    let gone = served.get(Some(&served.token));
    assert_eq!(status(&gone), "503", "{gone}");
    assert!(gone.contains("CredentialsUnavailable"), "{gone}");
    for secret in home.secrets() {
        assert!(!common::leaks(&gone, &secret), "{gone}");
    }
    let (_, stderr) = served.terminate();
    assert!(
        stderr.contains("refreshing the credentials failed"),
        "{stderr}"
    );
    assert!(stderr.contains("AccessDenied"), "{stderr}");
    for secret in home.secrets() {
        assert!(!common::leaks(&stderr, &secret), "{stderr}");
    }
}

#[test]
fn long_term_keys_are_refused() {
    let home = Home::new("", BASE_CREDENTIALS);
    let run = home.run(&["serve", "--profile", "base"]);
    assert_eq!(run.code, 253, "{run:?}");
    assert!(run.stderr.contains("long-term keys"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn exec_server_gives_the_command_an_endpoint_and_its_status() {
    let (home, sts) = home_with_sts(&[(200, answer(FIRST, "2099-01-02T03:04:05Z"))]);
    let seen = home.file("seen");
    let got = home.file("got");
    // The child reads the endpoint with credchain itself (no profile: the container provider).
    let child = home.script(
        "bin/child",
        &format!(
            "env | grep '^AWS_' | LC_ALL=C sort > '{seen}'\n\
             \"$1\" export-credentials --format env-no-export | grep AWS_ACCESS_KEY_ID > '{got}'\n\
             exit 7\n"
        ),
    );
    let run = home.run_with(
        &[
            "exec",
            "--server",
            "--profile",
            "served",
            "--",
            &child,
            common::credchain(),
        ],
        &[
            ("AWS_ENDPOINT_URL_STS", &sts.url()),
            ("AWS_ACCESS_KEY_ID", "AKIDSTALEEXAMPLE"),
            ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/stale"),
        ],
    );
    assert_eq!(run.code, 7, "{run:?}");
    let seen = home.read("seen").unwrap();
    assert_contains_all(
        &seen,
        &[
            "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN=",
            "AWS_REGION=us-east-1",
        ],
    );
    assert!(!seen.contains("AWS_ACCESS_KEY_ID"), "{seen}");
    assert!(!seen.contains("RELATIVE_URI"), "{seen}");
    assert_eq!(
        home.read("got").unwrap().trim(),
        format!("AWS_ACCESS_KEY_ID={}", FIRST.0)
    );
    // The server stopped with the command: the port is closed.
    let url = seen
        .lines()
        .find_map(|l| l.strip_prefix("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://"))
        .unwrap();
    let addr: SocketAddr = url.trim_end_matches('/').parse().unwrap();
    assert!(TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err());
}

/// The Python of the difftest venv (botocore, pinned), or CREDCHAIN_BOTOCORE_PYTHON.
fn botocore_python() -> std::path::PathBuf {
    credchain_test_support::venv_python("CREDCHAIN_BOTOCORE_PYTHON", "difftest-venv")
        .expect("no botocore: run tests/difftest/run first, or set CREDCHAIN_BOTOCORE_PYTHON")
}

/// Runs a real client (`program` `args`) against a refreshing server: it prints the access key
/// ids it read first and after the refresh.
fn client_across_a_refresh(program: &std::path::Path, args: &[&str]) {
    let (home, sts, served) = refreshing();
    let client_home = Home::empty();
    let mut command = std::process::Command::new(program);
    command
        .args(args)
        .env_clear()
        .env("HOME", client_home.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(served.vars());
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(command.output());
    });
    let output = receive
        .recv_timeout(Duration::from_secs(60))
        .expect("the client finished in time")
        .expect("the client ran");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert_eq!(
        stdout.split_whitespace().take(2).collect::<Vec<_>>(),
        [FIRST.0, SECOND.0],
        "{stdout}\n{stderr}"
    );
    assert_eq!(sts.requests().len(), 2, "one refresh");
    drop(home);
}

const BOTOCORE_CLIENT: &str = r#"
import time, botocore.session
creds = botocore.session.get_session().get_credentials()
assert creds is not None and creds.method == "container-role", creds and creds.method
first = creds.get_frozen_credentials().access_key
now = first
deadline = time.time() + 20
while now == first and time.time() < deadline:
    time.sleep(0.5)
    now = creds.get_frozen_credentials().access_key
print(first, now)
"#;

/// botocore's ContainerProvider reads the server across its refresh (botocore refreshes
/// credentials with under 10 minutes left on every use, so it asks the server again each time).
#[test]
#[ignore = "needs botocore: the difftest venv or CREDCHAIN_BOTOCORE_PYTHON (tests/run difftest)"]
fn botocore_reads_the_server_across_a_refresh() {
    client_across_a_refresh(&botocore_python(), &["-c", BOTOCORE_CLIENT]);
}

/// The AWS SDK for JavaScript v3's `fromHttp` (@aws-sdk/credential-provider-http) reads the
/// server across its refresh.
#[test]
#[ignore = "needs node and tests/serve-js's npm install (tests/run wasm)"]
fn the_javascript_sdk_reads_the_server_across_a_refresh() {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/serve-js/refresh.mjs");
    assert!(
        script.with_file_name("node_modules").exists(),
        "run `npm ci` in tests/serve-js first (tests/run wasm does)"
    );
    client_across_a_refresh(std::path::Path::new("node"), &[script.to_str().unwrap()]);
}
