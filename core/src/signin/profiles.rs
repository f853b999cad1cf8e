//! The pure parts of `configure sso` and `sso profiles`: how the portal's accounts and roles
//! are ordered and shown (as the AWS CLI's `configure sso` menus do), the key order of the
//! profile `configure sso` writes, and the profiles `sso profiles --write` adds (a name
//! template, normalised to a profile name, existing profiles kept unless forced).

use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

pub use crate::services::sso_portal::Account;

/// Orders accounts as `configure sso`'s menu does: by lower-cased account name, else email
/// address, else account id, the accounts with only an id last.
pub fn sort_accounts(accounts: &mut [Account]) {
    fn key(account: &Account) -> (bool, String) {
        let shown = account
            .account_name
            .as_deref()
            .or(account.email_address.as_deref());
        match shown {
            Some(text) => (false, text.to_lowercase()),
            None => (true, account.account_id.to_lowercase()),
        }
    }
    accounts.sort_by_key(key);
}

/// How `configure sso` shows an account in its list: `<name>, <email> (<id>)` without the
/// parts the portal did not give.
#[must_use]
pub fn account_label(account: &Account) -> String {
    let mut label = String::new();
    for part in [&account.account_name, &account.email_address]
        .into_iter()
        .flatten()
    {
        if !label.is_empty() {
            label.push_str(", ");
        }
        label.push_str(part);
    }
    if label.is_empty() {
        label.push_str(&account.account_id);
    } else {
        label.push_str(" (");
        label.push_str(&account.account_id);
        label.push(')');
    }
    label
}

/// Orders role names case-insensitively, as `configure sso`'s role menu does.
pub fn sort_roles(roles: &mut [String]) {
    roles.sort_by(|a, b| match a.to_lowercase().cmp(&b.to_lowercase()) {
        Ordering::Equal => a.cmp(b),
        other => other,
    });
}

/// Where the profile `configure sso` writes gets its sign-in from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsoSource<'a> {
    /// An `[sso-session NAME]` section.
    Session(&'a str),
    /// The legacy keys in the profile itself: start URL and region.
    Legacy {
        /// `sso_start_url`.
        start_url: &'a str,
        /// `sso_region`.
        sso_region: &'a str,
    },
}

/// What `configure sso` learnt for the profile; the missing values are not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SsoProfile<'a> {
    /// The session or legacy keys.
    pub source: SsoSource<'a>,
    /// The chosen account, unless listing was refused.
    pub account_id: Option<&'a str>,
    /// The chosen role, unless listing was refused.
    pub role_name: Option<&'a str>,
    /// `region`, when one was given.
    pub region: Option<&'a str>,
    /// `output`, when one was given.
    pub output: Option<&'a str>,
}

/// The keys of the profile in the order the AWS CLI's `configure sso` writes them: session
/// profiles `sso_session`, `sso_account_id`, `sso_role_name`, `region`, `output`; legacy ones
/// `sso_start_url`, `sso_region` first instead of `sso_session`. Empty values are left out.
#[must_use]
pub fn sso_profile_keys<'a>(profile: &SsoProfile<'a>) -> Vec<(&'static str, &'a str)> {
    let mut keys = Vec::new();
    match profile.source {
        SsoSource::Session(name) => keys.push(("sso_session", name)),
        SsoSource::Legacy {
            start_url,
            sso_region,
        } => {
            keys.push(("sso_start_url", start_url));
            keys.push(("sso_region", sso_region));
        }
    }
    let rest = [
        ("sso_account_id", profile.account_id),
        ("sso_role_name", profile.role_name),
        ("region", profile.region),
        ("output", profile.output),
    ];
    for (key, value) in rest {
        if let Some(value) = value {
            keys.push((key, value));
        }
    }
    keys.retain(|(_, value)| !value.is_empty());
    keys
}

/// `configure sso`'s default profile name: `<role>-<account>`.
#[must_use]
pub fn default_profile_name(role_name: &str, account_id: &str) -> String {
    let mut name = String::with_capacity(role_name.len() + account_id.len() + 1);
    name.push_str(role_name);
    name.push('-');
    name.push_str(account_id);
    name
}

/// The default `--name` template of `sso profiles`.
pub const DEFAULT_NAME_TEMPLATE: &str = "{account_name}.{role_name}";

/// Why a `--name` template cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// A `{...}` that is not one of `{account_name}`, `{account_id}`, `{role_name}`,
    /// `{sso_session}`; the text between the braces.
    UnknownField(String),
    /// A `{` without its `}`.
    Unclosed,
}

impl core::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::UnknownField(field) => write!(
                f,
                "unknown field {{{field}}} in the name template (known: {{account_name}}, \
                 {{account_id}}, {{role_name}}, {{sso_session}})"
            ),
            Self::Unclosed => f.write_str("a `{` without its `}` in the name template"),
        }
    }
}

/// The values a name template is filled with.
#[derive(Debug, Clone, Copy)]
pub struct NameFields<'a> {
    /// The account's id.
    pub account_id: &'a str,
    /// The account's name; its id when the portal gives none.
    pub account_name: Option<&'a str>,
    /// The role.
    pub role_name: &'a str,
    /// The sso-session's name (empty for legacy configuration).
    pub sso_session: &'a str,
}

/// Checks a template before it is used, so that a bad one fails before any call.
///
/// # Errors
/// [`TemplateError`].
pub fn check_template(template: &str) -> Result<(), TemplateError> {
    let fields = NameFields {
        account_id: "",
        account_name: None,
        role_name: "",
        sso_session: "",
    };
    render_template(template, &fields).map(|_| ())
}

/// Fills `template`'s `{field}`s; the text around them is kept as it is (see
/// [`normalise_profile_name`]).
///
/// # Errors
/// [`TemplateError`].
pub fn render_template(template: &str, fields: &NameFields<'_>) -> Result<String, TemplateError> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or(TemplateError::Unclosed)?;
        let field = &after[..close];
        let value = match field {
            "account_id" => fields.account_id,
            "account_name" => fields.account_name.unwrap_or(fields.account_id),
            "role_name" => fields.role_name,
            "sso_session" => fields.sso_session,
            other => return Err(TemplateError::UnknownField(other.into())),
        };
        out.push_str(value);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Makes a profile name that every reader of the config file takes as it is: ASCII letters,
/// digits and `-_.@+` are kept, every run of anything else (spaces, brackets, `#`, `;`, `=`,
/// quotes, non-ASCII) becomes one `-` (none next to a `.` or `-`), and `-` and `.` are trimmed from the ends (a template's
/// separator between two empty parts is no name). `None` when nothing is left.
#[must_use]
pub fn normalise_profile_name(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    let mut replaced = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@' | '+') {
            // A run next to a `.` or `-` is dropped rather than doubled: `a [b].c` is `a-b.c`.
            if replaced && !out.is_empty() && !out.ends_with(['-', '.']) && !matches!(c, '.' | '-')
            {
                out.push('-');
            }
            replaced = false;
            out.push(c);
        } else {
            replaced = true;
        }
    }
    let trimmed = out.trim_matches(|c| c == '-' || c == '.');
    if trimmed.is_empty() {
        None
    } else {
        Some(trimmed.into())
    }
}

/// What `sso profiles` does with one account and role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanAction {
    /// A new profile.
    Add,
    /// The profile exists and `--force` was given: its keys are replaced.
    Replace,
    /// The profile exists: left alone (no `--force`).
    KeepExisting,
    /// The template gave a name with no valid character.
    NoName,
}

/// One line of the plan of `sso profiles`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedProfile {
    /// The normalised profile name (empty for [`PlanAction::NoName`]).
    pub name: String,
    /// The account.
    pub account_id: String,
    /// The role.
    pub role_name: String,
    /// What happens to it.
    pub action: PlanAction,
}

/// Plans `sso profiles`: for each (account, role) in order, the normalised name from
/// `template` and whether it is added, replaced (`force`), kept (it exists in `existing`) or
/// skipped (no name at all). A name already given to an earlier pair gets the first free
/// suffix `-2`, `-3`, ... (free in this plan: a profile an earlier run wrote under that name
/// is then found again, so a second run plans the same names).
///
/// # Errors
/// [`TemplateError`].
pub fn plan_profiles<'a>(
    pairs: impl IntoIterator<Item = (&'a Account, &'a str)>,
    sso_session: &str,
    template: &str,
    existing: &dyn Fn(&str) -> bool,
    force: bool,
) -> Result<Vec<PlannedProfile>, TemplateError> {
    let mut plan: Vec<PlannedProfile> = Vec::new();
    let mut taken: alloc::collections::BTreeSet<String> = alloc::collections::BTreeSet::new();
    for (account, role_name) in pairs {
        let fields = NameFields {
            account_id: &account.account_id,
            account_name: account.account_name.as_deref(),
            role_name,
            sso_session,
        };
        let rendered = render_template(template, &fields)?;
        let (name, action) = match normalise_profile_name(&rendered) {
            None => (String::new(), PlanAction::NoName),
            Some(name) => {
                let name = unique_name(name, &taken);
                taken.insert(name.clone());
                let action = match (existing(&name), force) {
                    (false, _) => PlanAction::Add,
                    (true, true) => PlanAction::Replace,
                    (true, false) => PlanAction::KeepExisting,
                };
                (name, action)
            }
        };
        plan.push(PlannedProfile {
            name,
            account_id: account.account_id.clone(),
            role_name: role_name.into(),
            action,
        });
    }
    Ok(plan)
}

/// `name`, or when `taken` has it, `name-N` with the smallest N from 2 that it has not.
fn unique_name(name: String, taken: &alloc::collections::BTreeSet<String>) -> String {
    if !taken.contains(&name) {
        return name;
    }
    let mut n: u64 = 2;
    loop {
        let candidate = alloc::format!("{name}-{n}");
        if !taken.contains(&candidate) {
            return candidate;
        }
        n += 1;
    }
}

/// The prompt for the session name: `SSO session name [CURRENT]: ` when the profile names
/// one, else `SSO session name (Recommended): ` (an empty answer then chooses the legacy form).
#[must_use]
pub fn session_name_prompt(current: Option<&str>) -> String {
    match current {
        Some(current) => alloc::format!("SSO session name [{current}]: "),
        None => String::from("SSO session name (Recommended): "),
    }
}

/// The AWS CLI's warning when no session name is given (bold on a terminal and off one alike,
/// as the AWS CLI prints it).
pub const LEGACY_WARNING: &str = "\x1b[1mWARNING: Configuring using legacy format (e.g. without \
     an SSO session).\nConsider re-running \"configure sso\" command and providing a session \
     name.\n\x1b[0m";

/// The AWS CLI's check of a start URL answer (botocore's `is_valid_endpoint_url`, for the
/// forms people type): `http` or `https`, `://`, and a host.
#[must_use]
pub fn is_valid_start_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
}

/// The AWS CLI's check of a scopes answer: comma-separated, no whitespace inside a scope.
#[must_use]
pub fn is_valid_scopes(raw: &str) -> bool {
    raw.split(',')
        .all(|scope| !scope.trim().contains(char::is_whitespace))
}

/// What `configure sso` says once it has written the profile: how to use it with account and
/// role (`configured`), else only that SSO is configured. `default` (in any case) needs no
/// `--profile`. `tool` is the command people run (`aws` in the AWS CLI's words).
#[must_use]
pub fn conclusion(configured: bool, profile: &str, tool: &str) -> String {
    if !configured {
        alloc::format!("Successfully configured SSO for profile: {profile}\n")
    } else if profile.eq_ignore_ascii_case("default") {
        alloc::format!(
            "The AWS CLI is now configured to use the default profile.\nRun the following \
             command to verify your configuration:\n\n{tool} sts get-caller-identity\n"
        )
    } else {
        alloc::format!(
            "To use this profile, specify the profile name using --profile, as shown:\n\n\
             {tool} sts get-caller-identity --profile {profile}\n"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn account(id: &str, name: Option<&str>, email: Option<&str>) -> Account {
        Account {
            account_id: id.into(),
            account_name: name.map(Into::into),
            email_address: email.map(Into::into),
        }
    }

    #[test]
    fn accounts_sort_by_lowercased_name_then_email_with_id_only_last() {
        let mut accounts = vec![
            account("111", None, None),
            account("222", Some("beta"), None),
            account("333", None, Some("Alpha@example.com")),
            account("444", Some("Gamma"), Some("a@example.com")),
            account("000", None, None),
        ];
        sort_accounts(&mut accounts);
        let ids: Vec<&str> = accounts.iter().map(|a| a.account_id.as_str()).collect();
        assert_eq!(ids, ["333", "222", "444", "000", "111"]);
    }

    #[test]
    fn account_labels_leave_out_missing_parts() {
        assert_eq!(
            account_label(&account("1", Some("prod"), Some("p@x.com"))),
            "prod, p@x.com (1)"
        );
        assert_eq!(account_label(&account("1", Some("prod"), None)), "prod (1)");
        assert_eq!(
            account_label(&account("1", None, Some("p@x.com"))),
            "p@x.com (1)"
        );
        assert_eq!(account_label(&account("1", None, None)), "1");
    }

    #[test]
    fn roles_sort_case_insensitively() {
        let mut roles: Vec<String> = vec!["b".into(), "Admin".into(), "a".into(), "C".into()];
        sort_roles(&mut roles);
        assert_eq!(roles, ["a", "Admin", "b", "C"]);
    }

    #[test]
    fn profile_keys_in_the_aws_cli_order() {
        let session = SsoProfile {
            source: SsoSource::Session("s"),
            account_id: Some("123"),
            role_name: Some("R"),
            region: Some("eu-west-1"),
            output: Some("json"),
        };
        let keys: Vec<&str> = sso_profile_keys(&session).iter().map(|k| k.0).collect();
        assert_eq!(
            keys,
            [
                "sso_session",
                "sso_account_id",
                "sso_role_name",
                "region",
                "output"
            ]
        );
        let legacy = SsoProfile {
            source: SsoSource::Legacy {
                start_url: "https://x.awsapps.com/start",
                sso_region: "us-east-1",
            },
            account_id: None,
            role_name: None,
            region: Some(""),
            output: Some("text"),
        };
        assert_eq!(
            sso_profile_keys(&legacy),
            [
                ("sso_start_url", "https://x.awsapps.com/start"),
                ("sso_region", "us-east-1"),
                ("output", "text"),
            ]
        );
    }

    #[test]
    fn configure_sso_words_and_checks() {
        assert_eq!(
            session_name_prompt(Some("corp")),
            "SSO session name [corp]: "
        );
        assert_eq!(
            session_name_prompt(None),
            "SSO session name (Recommended): "
        );
        assert!(is_valid_start_url("https://d-1.awsapps.com/start"));
        assert!(is_valid_start_url("http://127.0.0.1:8080/start#x"));
        assert!(!is_valid_start_url("d-1.awsapps.com/start"));
        assert!(!is_valid_start_url("https:///start"));
        assert!(!is_valid_start_url("https://a b/"));
        assert!(is_valid_scopes(
            "sso:account:access, codewhisperer:completions"
        ));
        assert!(!is_valid_scopes("a b"));
        assert!(conclusion(true, "DEFAULT", "aws").contains("default profile"));
        assert!(conclusion(true, "dev", "aws").ends_with("--profile dev\n"));
        assert_eq!(
            conclusion(false, "dev", "aws"),
            "Successfully configured SSO for profile: dev\n"
        );
    }

    #[test]
    fn default_name_is_role_dash_account() {
        assert_eq!(default_profile_name("Admin", "123"), "Admin-123");
    }

    #[test]
    fn templates_fill_known_fields_and_refuse_others() {
        let fields = NameFields {
            account_id: "123",
            account_name: Some("My Prod"),
            role_name: "Admin",
            sso_session: "corp",
        };
        assert_eq!(
            render_template(DEFAULT_NAME_TEMPLATE, &fields).unwrap(),
            "My Prod.Admin"
        );
        assert_eq!(
            render_template("{sso_session}-{account_id}/{role_name}", &fields).unwrap(),
            "corp-123/Admin"
        );
        let no_name = NameFields {
            account_name: None,
            ..fields
        };
        assert_eq!(render_template("{account_name}", &no_name).unwrap(), "123");
        assert_eq!(
            check_template("{account}"),
            Err(TemplateError::UnknownField("account".into()))
        );
        assert_eq!(check_template("x{role_name"), Err(TemplateError::Unclosed));
        assert_eq!(check_template("plain"), Ok(()));
    }

    #[test]
    fn names_are_normalised_to_safe_profile_names() {
        for (name, want) in [
            ("My Prod.Admin", Some("My-Prod.Admin")),
            ("  [a]  b;#=c  ", Some("a-b-c")),
            ("é-x", Some("x")),
            ("dev@corp+1_x", Some("dev@corp+1_x")),
            (" [] ", None),
            ("!.!", None),
            (".a.", Some("a")),
            ("My Team [dev].Power User", Some("My-Team-dev.Power-User")),
            ("a ( - ) b", Some("a-b")),
        ] {
            assert_eq!(normalise_profile_name(name).as_deref(), want, "{name:?}");
        }
    }

    #[test]
    fn plan_keeps_existing_unless_forced_and_skips_duplicates() {
        let a = account("1", Some("prod"), None);
        let b = account("2", Some("Prod"), None);
        let c = account("3", Some("p r o d"), None);
        let d = account("4", Some("!!"), None);
        let pairs = vec![
            (&a, "Admin"),
            (&a, "Read"),
            (&b, "Admin"),
            (&c, "Admin"),
            (&c, "Admin"),
            (&d, "!"),
        ];
        let existing = |name: &str| name == "prod.Read";
        let plan = plan_profiles(
            pairs.clone(),
            "",
            "{account_name}.{role_name}",
            &existing,
            false,
        )
        .unwrap();
        let got: Vec<(&str, PlanAction)> =
            plan.iter().map(|p| (p.name.as_str(), p.action)).collect();
        assert_eq!(
            got,
            [
                ("prod.Admin", PlanAction::Add),
                ("prod.Read", PlanAction::KeepExisting),
                ("Prod.Admin", PlanAction::Add),
                ("p-r-o-d.Admin", PlanAction::Add),
                ("p-r-o-d.Admin-2", PlanAction::Add),
                ("", PlanAction::NoName),
            ]
        );
        let forced =
            plan_profiles(pairs, "", "{account_name}.{role_name}", &existing, true).unwrap();
        assert_eq!(forced[1].action, PlanAction::Replace);
        assert_eq!(forced[1].account_id, "1");
        assert_eq!(forced[1].role_name, "Read");
    }
}
