//! The reference pass: the merged profiles' `source_profile`, `sso_session` and
//! `credential_source`, and the role chains they make.
//!
//! The chain's walk follows the planner's rule (chain/plan/planner.rs, `role_chain`): from a
//! profile with `role_arn` (and no `web_identity_token_file`), each `source_profile` is followed
//! while it names another such profile without static keys; naming a profile already on the
//! walk is a loop, except a profile naming itself when it has its own static keys. Here every
//! profile's link is read once and each walk's outcome is kept, so all profiles together cost
//! one pass (core/tests/lint.rs checks the verdicts against the planner).

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::{Code, Finding, LintFile, Severity};
use crate::config::parse::{ConfigFiles, Profile, Property};
use crate::{Dialect, FileKind};

/// One profile's part in role chains.
struct Node {
    name: String,
    /// `source_profile` (when there is no `credential_source`), with where it is written.
    source: Option<(String, FileKind, u32)>,
    /// A role profile the assume-role provider handles.
    role: bool,
    /// It has `aws_access_key_id`, `aws_secret_access_key` or `aws_session_token`.
    keys: bool,
}

impl Node {
    /// The walk goes on through this profile.
    fn passes(&self) -> bool {
        self.role && !self.keys
    }
}

/// The verdict of a walk from a pass-through profile.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    /// Not yet known.
    Unknown,
    /// On the walk being made now.
    OnPath,
    /// The walk comes back on itself.
    Loops,
    /// The walk stops at this profile (index), or at nothing (`None`).
    At(Option<usize>),
}

pub(super) fn lint_references(
    config: LintFile<'_>,
    credentials: LintFile<'_>,
    out: &mut Vec<Finding>,
) {
    let parse = |dialect| {
        ConfigFiles::from_texts(
            (config.path, config.text),
            (credentials.path, credentials.text),
            dialect,
        )
    };
    // A file the AWS CLI refuses is already an error; its references are still worth reading
    // the SDKs' way.
    let Ok(files) = parse(Dialect::AwsCli).or_else(|_| parse(Dialect::Sdk)) else {
        return;
    };
    let names: Vec<String> = files.profile_names().map(|n| n.to_string()).collect();
    let mut nodes = Vec::with_capacity(names.len());
    for name in &names {
        let Some(profile) = files.profile(name) else {
            continue;
        };
        nodes.push(check_profile(&files, profile, out));
    }
    cycles(&nodes, out);
}

fn single<'a>(p: &Property<'a>) -> Option<&'a str> {
    p.value.as_str()
}

fn check_profile(
    files: &ConfigFiles<'_>,
    profile: Profile<'_, '_>,
    out: &mut Vec<Finding>,
) -> Node {
    let name = profile.name();
    let mut push = |p: &Property<'_>, code, message: String, fix: String| {
        out.push(Finding {
            code,
            severity: Severity::Error,
            file: p.kind,
            line: p.line,
            message,
            fix,
        });
    };
    let source_profile = profile.get("source_profile");
    let credential_source = profile.get("credential_source");
    if let Some(p) = &source_profile {
        if let Some(v) = single(p).filter(|v| files.profile(v).is_none()) {
            push(
                p,
                Code::SourceProfileNotFound,
                format!("profile `{name}`: source_profile `{v}` names no profile in either file"),
                format!("add the profile `{v}`, or name an existing one"),
            );
        }
    }
    if let Some(p) = profile.get("sso_session") {
        if let Some(v) = single(&p).filter(|v| files.sso_session(v).is_none()) {
            push(
                &p,
                Code::SsoSessionNotFound,
                format!("profile `{name}`: sso_session `{v}` names no [sso-session] section"),
                format!("add [sso-session {v}] to the config file, or name an existing one"),
            );
        }
    }
    if let Some(p) = &credential_source {
        if let Some(v) = single(p)
            .filter(|v| !matches!(*v, "Environment" | "Ec2InstanceMetadata" | "EcsContainer"))
        {
            push(
                p,
                Code::InvalidCredentialSource,
                format!("profile `{name}`: credential_source `{v}` is not a credential source"),
                String::from("use Environment, Ec2InstanceMetadata or EcsContainer"),
            );
        }
    }
    let source = match (&source_profile, credential_source) {
        (Some(p), None) => single(p).map(|v| (v.to_string(), p.kind, p.line)),
        _ => None,
    };
    Node {
        name: name.to_string(),
        source,
        role: profile.get("role_arn").is_some() && profile.get("web_identity_token_file").is_none(),
        keys: [
            "aws_access_key_id",
            "aws_secret_access_key",
            "aws_session_token",
        ]
        .iter()
        .any(|k| profile.get(k).is_some()),
    }
}

fn cycles(nodes: &[Node], out: &mut Vec<Finding>) {
    let index: BTreeMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.name.as_str(), i))
        .collect();
    let next = |i: usize| -> Option<usize> {
        let (name, ..) = nodes[i].source.as_ref()?;
        index.get(name.as_str()).copied()
    };
    // The end of the walk from every pass-through profile, each found once.
    let mut ends = alloc::vec![End::Unknown; nodes.len()];
    let mut path = Vec::new();
    for start in 0..nodes.len() {
        if !nodes[start].passes() || ends[start] != End::Unknown {
            continue;
        }
        let mut at = start;
        let end = loop {
            ends[at] = End::OnPath;
            path.push(at);
            match next(at) {
                None => break End::At(None),
                Some(n) if !nodes[n].passes() => break End::At(Some(n)),
                Some(n) => match ends[n] {
                    End::Unknown => at = n,
                    End::OnPath => break End::Loops,
                    known => break known,
                },
            }
        };
        for i in path.drain(..) {
            ends[i] = end;
        }
    }
    for (i, node) in nodes.iter().enumerate() {
        if !node.role {
            continue;
        }
        let Some((source, kind, line)) = &node.source else {
            continue;
        };
        let loops = match next(i) {
            None => false,
            Some(n) if n == i => !node.keys,
            Some(n) if !nodes[n].passes() => false,
            // The walk from the next profile loops, or comes back to this one.
            Some(n) => matches!(ends[n], End::Loops) || ends[n] == End::At(Some(i)),
        };
        if loops {
            out.push(Finding {
                code: Code::RoleChainCycle,
                severity: Severity::Error,
                file: *kind,
                line: *line,
                message: format!(
                    "profile `{}`: the role chain through source_profile `{source}` comes back to a profile already in it; the AWS CLI fails with an infinite loop",
                    node.name
                ),
                fix: String::from(
                    "end the chain at a profile with its own keys, credential_process, SSO or credential_source (a profile may name itself only when it holds its own static keys)",
                ),
            });
        }
    }
}
