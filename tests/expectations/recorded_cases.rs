// What credchain expects of the recorded cases under ../shared/conformance/cases, where that is
// not the recording's own result. Included by core/tests/cases.rs (the in-memory replay host)
// and cli/tests/recorded_cases.rs (the binary against a loopback replay), so the two runs keep
// one list.

/// Cases where the AWS CLI's answer differs from the SDKs' expectation, with a phrase of the
/// error credchain (like the AWS CLI) gives instead.
pub const AWSCLI_DIFFERS: &[(&str, &str)] = &[(
    "profile-provider/credential_process",
    // botocore splits credential_process with shlex and runs it without a shell, so the case's
    // `echo ... | base64 --decode` prints the literal text and the JSON is refused.
    "not the expected JSON",
)];

/// Which runs a pending case is pending in.
#[derive(Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // Each including test uses the variants it needs.
pub enum Runs {
    /// Both the core's replay and the binary's.
    Both,
    /// Only the core's replay.
    Core,
    /// Only the binary's.
    Binary,
}

/// Cases whose providers arrive with issue 4, with a phrase of the error they give until then.
pub const PENDING: &[(&str, &str, Runs)] = &[
];

/// The pending phrase of `name` in `run`, if the case is pending there.
#[allow(dead_code)]
pub fn pending(name: &str, run: Runs) -> Option<&'static str> {
    PENDING
        .iter()
        .find(|(n, _, r)| *n == name && (*r == Runs::Both || *r == run))
        .map(|(_, phrase, _)| *phrase)
}
