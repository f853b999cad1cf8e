//! The walk: the providers in the AWS CLI's order, and the role chain of `source_profile`s.

use super::keys::{env_var, has_static_keys, sourced, static_keys, value};
use super::*;
use crate::config::evaluate::Evaluator;
use crate::config::parse::{ConfigFiles, Profile};
use crate::credentials::ProviderKind;
use crate::io::Env;
use crate::{FileKind, Source, Sourced};

/// Plans the chain for the evaluator's active profile.
pub fn plan<'s, E: Env + ?Sized>(eval: &Evaluator<'s, 's, E>) -> Result<Plan<'s>, PlanError<'s>> {
    let active = eval.active_profile();
    let env = eval.env();
    let mut planner = Planner {
        files: eval.files(),
        env,
        skipped: heapless::Vec::new(),
    };
    let name = active.name;
    let chain = planner.top(
        name,
        active.source == Source::Option("--profile"),
        active.profile,
    )?;
    Ok(Plan {
        profile: name,
        skipped: planner.skipped,
        chain,
    })
}

struct Planner<'s, E: ?Sized> {
    files: &'s ConfigFiles<'s>,
    env: &'s E,
    skipped: heapless::Vec<Skipped, 10>,
}

fn chain<'a>(
    provider: ProviderKind,
    base_profile: Option<&'a str>,
    base: BaseStep<'a>,
) -> Chain<'a> {
    Chain {
        provider,
        base_profile,
        base,
        roles: heapless::Vec::new(),
    }
}

impl<'s, E: Env + ?Sized> Planner<'s, E> {
    fn skip(&mut self, provider: ProviderKind, reason: SkipReason) {
        // Ten providers, ten slots: cannot overflow.
        let _ = self.skipped.push(Skipped { provider, reason });
    }

    fn var(&self, name: &'static str) -> Option<Sourced<'s>> {
        env_var(self.env, name)
    }

    fn top(
        &mut self,
        name: &'s str,
        from_option: bool,
        profile: Option<Profile<'s, 's>>,
    ) -> Result<Option<Chain<'s>>, PlanError<'s>> {
        if from_option {
            self.skip(ProviderKind::Environment, SkipReason::ProfileFromOption);
        } else if let Some(keys) = environment_keys(self.env)? {
            return Ok(Some(chain(
                ProviderKind::Environment,
                None,
                BaseStep::Static(keys),
            )));
        } else {
            self.skip(ProviderKind::Environment, SkipReason::NoEnvironmentKeys);
        }
        if let Some(profile) = profile {
            match self.role_config(profile)? {
                Some(_) => return self.role_chain(profile).map(Some),
                None => {
                    let reason = if value(profile, "role_arn")?.is_some() {
                        SkipReason::RoleIsWebIdentity
                    } else {
                        SkipReason::NoRoleArn
                    };
                    self.skip(ProviderKind::AssumeRole, reason);
                }
            }
        } else {
            self.skip(ProviderKind::AssumeRole, SkipReason::NoRoleArn);
        }
        // A profile given with --profile turns off the environment's web identity too (botocore's
        // `disable_env_vars`), not only the environment's keys.
        if let Some(found) = self.profile_providers(name, profile, !from_option)? {
            return Ok(Some(found));
        }
        if self.var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
            || self.var("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_some()
        {
            return Ok(Some(chain(
                ProviderKind::Container,
                None,
                BaseStep::Container,
            )));
        }
        self.skip(ProviderKind::Container, SkipReason::NoContainerEndpoint);
        if self
            .var("AWS_EC2_METADATA_DISABLED")
            .is_some_and(|v| v.value.eq_ignore_ascii_case("true"))
        {
            self.skip(
                ProviderKind::InstanceMetadata,
                SkipReason::InstanceMetadataDisabled,
            );
            return Ok(None);
        }
        Ok(Some(chain(
            ProviderKind::InstanceMetadata,
            None,
            BaseStep::InstanceMetadata,
        )))
    }

    /// The role settings of a profile that the assume-role provider handles.
    fn role_config(&self, profile: Profile<'s, 's>) -> Result<Option<Sourced<'s>>, PlanError<'s>> {
        let role_arn = value(profile, "role_arn")?;
        if value(profile, "web_identity_token_file")?.is_some() {
            return Ok(None);
        }
        Ok(role_arn)
    }

    /// Walks `source_profile` links from a role profile down to the base credentials.
    fn role_chain(&mut self, top: Profile<'s, 's>) -> Result<Chain<'s>, PlanError<'s>> {
        let mut roles: heapless::Vec<AssumeRoleStep<'s>, MAX_ROLE_CHAIN> = heapless::Vec::new();
        let mut visited: heapless::Vec<&'s str, { MAX_ROLE_CHAIN + 1 }> = heapless::Vec::new();
        let _ = visited.push(top.name());
        let mut current = top;
        let (base_profile, base) = loop {
            let name = current.name();
            let role_arn =
                value(current, "role_arn")?.ok_or(PlanError::ChainTooLong { profile: name })?;
            let source_profile = value(current, "source_profile")?;
            let credential_source = value(current, "credential_source")?;
            let step = AssumeRoleStep {
                profile: name,
                role_arn,
                source_profile,
                session_name: value(current, "role_session_name")?,
                external_id: value(current, "external_id")?,
                mfa_serial: value(current, "mfa_serial")?,
                duration_seconds: value(current, "duration_seconds")?,
            };
            roles
                .push(step)
                .map_err(|_| PlanError::ChainTooLong { profile: name })?;
            match (source_profile, credential_source) {
                (Some(_), Some(_)) => return Err(PlanError::BothSources { profile: name }),
                (None, None) => {
                    return Err(PlanError::RoleWithoutSource {
                        profile: name,
                        role_arn,
                    })
                }
                (None, Some(source)) => {
                    let named = match source.value {
                        "Environment" => CredentialSource::Environment,
                        "Ec2InstanceMetadata" => CredentialSource::Ec2InstanceMetadata,
                        "EcsContainer" => CredentialSource::EcsContainer,
                        _ => {
                            return Err(PlanError::UnknownCredentialSource {
                                profile: name,
                                value: source,
                            })
                        }
                    };
                    break (Some(name), BaseStep::Named(named));
                }
                (Some(source), None) => {
                    let Some(next) = self.files.profile(source.value) else {
                        return Err(PlanError::SourceProfileNotFound {
                            profile: name,
                            source_profile: source,
                        });
                    };
                    if visited.contains(&next.name())
                        && (next.name() != name || !has_static_keys(next))
                    {
                        return Err(PlanError::Cycle {
                            profile: name,
                            source_profile: source,
                        });
                    }
                    visited
                        .push(next.name())
                        .map_err(|_| PlanError::ChainTooLong { profile: name })?;
                    if has_static_keys(next) || self.role_config(next)?.is_none() {
                        // The source profile answers through the profile providers, without the
                        // environment; its own skips are not the active profile's, so they are
                        // not recorded.
                        let mut inner = Planner {
                            files: self.files,
                            env: self.env,
                            skipped: heapless::Vec::new(),
                        };
                        let found = inner.profile_providers(next.name(), Some(next), false)?;
                        let found = found.ok_or(PlanError::SourceProfileWithoutCredentials {
                            profile: name,
                            source_profile: next.name(),
                        })?;
                        break (found.base_profile, found.base);
                    }
                    current = next;
                }
            }
        };
        roles.reverse();
        Ok(Chain {
            provider: ProviderKind::AssumeRole,
            base_profile,
            base,
            roles,
        })
    }

    /// Providers 3 to 8 for one profile. `with_env`: the web identity variables count (only for
    /// the active profile, and not when it came from `--profile`).
    fn profile_providers(
        &mut self,
        name: &'s str,
        profile: Option<Profile<'s, 's>>,
        with_env: bool,
    ) -> Result<Option<Chain<'s>>, PlanError<'s>> {
        let get = |key| profile.map_or(Ok(None), |p| value(p, key));
        // 3. Web identity: each variable overrides its profile key.
        let env_or = |var: &'static str, key| -> Result<Option<Sourced<'s>>, PlanError<'s>> {
            match self.var(var).filter(|_| with_env) {
                Some(v) => Ok(Some(v)),
                None => get(key),
            }
        };
        if let Some(token_file) = env_or("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file")?
        {
            let role_arn =
                env_or("AWS_ROLE_ARN", "role_arn")?.ok_or(PlanError::WebIdentityWithoutRole {
                    profile: name,
                    token_file,
                })?;
            let session_name = env_or("AWS_ROLE_SESSION_NAME", "role_session_name")?;
            let base = BaseStep::WebIdentity(WebIdentityStep {
                role_arn,
                token_file,
                session_name,
            });
            return Ok(Some(chain(ProviderKind::WebIdentity, Some(name), base)));
        }
        let reason = if !with_env && self.var("AWS_WEB_IDENTITY_TOKEN_FILE").is_some() {
            SkipReason::WebIdentityEnvFromOption
        } else {
            SkipReason::NoWebIdentityToken
        };
        self.skip(ProviderKind::WebIdentity, reason);
        let Some(profile) = profile else {
            for (provider, reason) in [
                (ProviderKind::Sso, SkipReason::NoSsoRole),
                (
                    ProviderKind::SharedCredentialsFile,
                    SkipReason::NotInCredentialsFile,
                ),
                (ProviderKind::Login, SkipReason::NoLoginSession),
                (
                    ProviderKind::CredentialProcess,
                    SkipReason::NoCredentialProcess,
                ),
                (ProviderKind::ConfigFile, SkipReason::NotInConfigFile),
            ] {
                self.skip(provider, reason);
            }
            return Ok(None);
        };
        // 4. IAM Identity Center: a role name or account id makes it a credentials profile.
        if let Some(base) = self.sso(profile)? {
            return Ok(Some(chain(ProviderKind::Sso, Some(name), base)));
        }
        self.skip(ProviderKind::Sso, SkipReason::NoSsoRole);
        // 5. Static keys in the credentials file (that file's section as a whole).
        match static_keys(profile, FileKind::Credentials)? {
            Ok(keys) => {
                return Ok(Some(chain(
                    ProviderKind::SharedCredentialsFile,
                    Some(name),
                    BaseStep::Static(keys),
                )))
            }
            Err(reason) => self.skip(ProviderKind::SharedCredentialsFile, reason),
        }
        // 6. Console login.
        if let Some(session) = value(profile, "login_session")? {
            return Ok(Some(chain(
                ProviderKind::Login,
                Some(name),
                BaseStep::Login {
                    profile: name,
                    session,
                },
            )));
        }
        self.skip(ProviderKind::Login, SkipReason::NoLoginSession);
        // 7. credential_process.
        if let Some(command) = value(profile, "credential_process")? {
            let base = BaseStep::Process {
                profile: name,
                command,
                account_id: value(profile, "aws_account_id")?,
            };
            return Ok(Some(chain(
                ProviderKind::CredentialProcess,
                Some(name),
                base,
            )));
        }
        self.skip(
            ProviderKind::CredentialProcess,
            SkipReason::NoCredentialProcess,
        );
        // 8. Static keys in the config file.
        match static_keys(profile, FileKind::Config)? {
            Ok(keys) => Ok(Some(chain(
                ProviderKind::ConfigFile,
                Some(name),
                BaseStep::Static(keys),
            ))),
            Err(reason) => {
                self.skip(ProviderKind::ConfigFile, reason);
                Ok(None)
            }
        }
    }

    /// The SSO settings of a credentials profile (legacy form, or through `sso_session`).
    fn sso(&self, profile: Profile<'s, 's>) -> Result<Option<BaseStep<'s>>, PlanError<'s>> {
        let name = profile.name();
        let account_id = value(profile, "sso_account_id")?;
        let role_name = value(profile, "sso_role_name")?;
        if account_id.is_none() && role_name.is_none() {
            return Ok(None);
        }
        let session = value(profile, "sso_session")?;
        let section = match session {
            Some(s) => Some(self.files.sso_session(s.value).ok_or(
                PlanError::SsoSessionNotFound {
                    profile: name,
                    session: s,
                },
            )?),
            None => None,
        };
        // botocore refuses any key the profile and its sso-session both set to different values
        // (SSOProvider._resolve_sso_session_reference), not only the start URL and region.
        if let Some(section) = section {
            for (shared, own) in section.shared_with(&profile) {
                if !own.value.lines().eq(shared.value.lines()) {
                    return Err(PlanError::SsoInconsistent {
                        profile: name,
                        key: shared.key,
                    });
                }
            }
        }
        let setting = |key: &'static str| -> Result<Sourced<'s>, PlanError<'s>> {
            let own = value(profile, key)?;
            let shared = match section {
                Some(section) => section
                    .get(key)
                    .map(|p| sourced(name, key, p))
                    .transpose()?,
                None => None,
            };
            match (own, shared) {
                (Some(a), Some(b)) if a.value != b.value => {
                    Err(PlanError::SsoInconsistent { profile: name, key })
                }
                (_, Some(v)) | (Some(v), None) => Ok(v),
                (None, None) => Err(PlanError::SsoIncomplete {
                    profile: name,
                    missing: key,
                }),
            }
        };
        let start_url = setting("sso_start_url")?;
        let region = setting("sso_region")?;
        let role_name = role_name.ok_or(PlanError::SsoIncomplete {
            profile: name,
            missing: "sso_role_name",
        })?;
        let account_id = account_id.ok_or(PlanError::SsoIncomplete {
            profile: name,
            missing: "sso_account_id",
        })?;
        Ok(Some(BaseStep::Sso(SsoStep {
            token: TokenSource {
                profile: name,
                session,
                start_url,
                region,
            },
            account_id,
            role_name,
        })))
    }
}
