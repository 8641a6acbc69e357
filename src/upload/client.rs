//! The Secrets Manager client, configured the way AWS users expect: aws-config's default chain
//! (profiles, `AWS_PROFILE`, `AWS_REGION`, SSO, credential_process, instance roles), explicit
//! overrides, `AWS_ENDPOINT_URL(_SECRETS_MANAGER)` for emulators, and standard retries with backoff.
//! Credentials and region are resolved once up front, so a missing one is a clear error before
//! anything else happens.

use aws_config::BehaviorVersion;
use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::config::retry::RetryConfig;
use aws_sdk_secretsmanager::config::timeout::TimeoutConfig;
use aws_sdk_secretsmanager::config::{ProvideCredentials, Region};
use aws_sdk_secretsmanager::error::DisplayErrorContext;
use aws_smithy_http_client::tls;
use std::time::Duration;

/// How to reach Secrets Manager (the stage's view of `--profile`, `--region`, `--endpoint-url`).
#[derive(Clone, Debug)]
pub struct AwsSettings {
    /// Named profile; the chain's default (`AWS_PROFILE`, `default`) when `None`.
    pub profile: Option<String>,
    /// Region; the chain's default (`AWS_REGION`, the profile's region) when `None`.
    pub region: Option<String>,
    /// Endpoint override; the SDK also reads `AWS_ENDPOINT_URL(_SECRETS_MANAGER)` itself.
    pub endpoint_url: Option<String>,
    /// Attempts per call, first one included (standard retry mode: throttling, 5xx, network).
    pub max_attempts: u32,
    /// First retry delay; grows exponentially with jitter.
    pub initial_backoff: Duration,
    /// Bound on one call, retries included (and on each attempt): an endpoint that accepts and
    /// never answers fails the call after this long instead of hanging the command.
    pub timeout: Duration,
    /// Bound on opening a connection.
    pub connect_timeout: Duration,
}

/// Default for [`AwsSettings::timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

impl AwsSettings {
    /// The settings of the command-line options (`--profile`, `--region`, `--endpoint-url`,
    /// `--timeout`, `--max-attempts`), defaults for the rest. Every command that calls AWS builds
    /// its client from this, so retries and timeouts are the same everywhere.
    pub fn from_args(aws: &crate::cli::AwsArgs) -> Self {
        let d = Self::default();
        let timeout = aws.timeout.map(Duration::from_secs).unwrap_or(d.timeout);
        Self {
            profile: aws.profile.clone(),
            region: aws.region.clone(),
            endpoint_url: aws.endpoint_url.clone(),
            max_attempts: aws.max_attempts.unwrap_or(d.max_attempts),
            connect_timeout: d.connect_timeout.min(timeout),
            timeout,
            ..d
        }
    }
}

impl Default for AwsSettings {
    fn default() -> Self {
        Self {
            profile: None,
            region: None,
            endpoint_url: None,
            max_attempts: 5,
            initial_backoff: Duration::from_secs(1),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: Duration::from_secs(5),
        }
    }
}

/// A ready client and the region it talks to.
#[derive(Clone, Debug)]
pub struct Connected {
    /// The Secrets Manager client.
    pub client: Client,
    /// The resolved region (recorded in the state).
    pub region: String,
}

/// Why hoist can't talk to AWS.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// No region from flags, environment or profile.
    #[error(
        "no AWS region configured: pass --region, set AWS_REGION, or set `region` in your AWS profile \
         (~/.aws/config)"
    )]
    NoRegion,
    /// The credential chain found nothing, or failed.
    #[error(
        "no AWS credentials: {0}. Configure credentials the usual way (AWS_ACCESS_KEY_ID and \
         AWS_SECRET_ACCESS_KEY, `aws configure`, `aws sso login` with AWS_PROFILE or --profile, or an \
         instance/task role)"
    )]
    NoCredentials(String),
    // --- error messages that say what to do (issue #15) ---
    /// The named profile is in neither shared file (the SDK would only say "no region").
    #[error(
        "AWS profile `{profile}` is not defined in {files} (profiles there: {known}). Check the name \
         (--profile / AWS_PROFILE), or create it with `aws configure --profile {profile}` or \
         `aws configure sso --profile {profile}`"
    )]
    NoProfile {
        /// The profile asked for.
        profile: String,
        /// The files looked in.
        files: String,
        /// The profiles they define.
        known: String,
    },
    /// The SSO session behind the profile has expired (or never started).
    #[error(
        "the AWS SSO session for profile `{profile}` has expired or was never started: run \
         `aws sso login --profile {profile}`, then try again{detail}"
    )]
    SsoExpired {
        /// The profile (`default` when none was named).
        profile: String,
        /// The SDK's own words, with -v.
        detail: String,
    },
}

/// The profile asked for: `--profile`, else `AWS_PROFILE`.
fn wanted_profile(settings: &AwsSettings) -> Option<String> {
    settings.profile.clone().or_else(|| std::env::var("AWS_PROFILE").ok()).filter(|p| !p.is_empty())
}

/// The shared config and credentials files, as the SDK finds them.
fn shared_files() -> Vec<std::path::PathBuf> {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from).unwrap_or_default();
    let config = std::env::var_os("AWS_CONFIG_FILE").map_or_else(|| home.join(".aws/config"), Into::into);
    let creds =
        std::env::var_os("AWS_SHARED_CREDENTIALS_FILE").map_or_else(|| home.join(".aws/credentials"), Into::into);
    vec![config, creds]
}

/// Profile names a shared file defines: `[profile x]` and `[default]` in config, `[x]` in
/// credentials (both forms accepted in both files, as the SDK does for `default`).
pub fn profiles_in(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix('[').and_then(|l| l.strip_suffix(']')))
        .map(str::trim)
        .filter(|h| !h.starts_with("sso-session") && !h.starts_with("services"))
        .map(|h| h.strip_prefix("profile").map_or(h, str::trim).to_string())
        .collect()
}

/// `Err(NoProfile)` when a profile was named that neither shared file defines.
fn check_profile(settings: &AwsSettings) -> Result<(), ConnectError> {
    let Some(profile) = wanted_profile(settings) else { return Ok(()) };
    let files = shared_files();
    let mut known: Vec<String> =
        files.iter().filter_map(|f| std::fs::read_to_string(f).ok()).flat_map(|t| profiles_in(&t)).collect();
    known.sort();
    known.dedup();
    if known.contains(&profile) {
        return Ok(());
    }
    Err(ConnectError::NoProfile {
        files: files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(" and "),
        known: if known.is_empty() { "none".into() } else { known.join(", ") },
        profile,
    })
}

/// The credential chain's failure, in words that say what to do; the SDK's full chain only with
/// `-v` (it runs to kilobytes of nested `Debug`).
fn credentials_error(settings: &AwsSettings, full: String) -> ConnectError {
    let lower = full.to_ascii_lowercase();
    let detail = if crate::verbose() { format!(" ({full})") } else { String::new() };
    if lower.contains("sso") && (lower.contains("expired") || lower.contains("token") || lower.contains("login")) {
        return ConnectError::SsoExpired {
            profile: wanted_profile(settings).unwrap_or_else(|| "default".into()),
            detail,
        };
    }
    if crate::verbose() {
        return ConnectError::NoCredentials(full);
    }
    // The first line of the chain names the provider that failed; the rest is nesting.
    let short: String = full.split(':').take(2).collect::<Vec<_>>().join(":").chars().take(200).collect();
    ConnectError::NoCredentials(format!("{} (-v shows the SDK's details)", short.trim()))
}

/// A failed Secrets Manager call, in words that say what to do. `code`/`message` are the service's;
/// access denied names the action and the resource; transport failures are one line (the full
/// `Debug` chain only with `-v`).
pub fn describe_api_error(
    op: &str,
    name: &str,
    code: Option<&str>,
    message: Option<&str>,
    chain: &dyn Fn() -> String,
) -> String {
    match (code, message) {
        (Some(c), m) if c.contains("AccessDenied") || c == "UnauthorizedOperation" => format!(
            "access denied: secretsmanager:{op} on {name}{}. Grant the caller secretsmanager:{op} on that secret \
             (or check the KMS key's policy); `hoist policy` prints the read policy the tasks need",
            m.map(|m| format!(" ({m})")).unwrap_or_default()
        ),
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.to_string(),
        _ => {
            let full = chain();
            if crate::verbose() {
                return full;
            }
            let lower = full.to_ascii_lowercase();
            let what = if lower.contains("connection refused") || lower.contains("tcp connect") {
                "could not connect to Secrets Manager (connection refused: check --endpoint-url / AWS_ENDPOINT_URL and the network)"
            } else if lower.contains("timed out") || lower.contains("timeout") {
                "Secrets Manager did not answer in time (network or endpoint)"
            } else if lower.contains("dns") || lower.contains("resolve") {
                "could not resolve the Secrets Manager endpoint's host name"
            } else {
                "the request to Secrets Manager failed"
            };
            format!("{what}; -v shows the SDK's details")
        }
    }
}

/// Resolves configuration and credentials and builds a client.
pub async fn connect(settings: &AwsSettings) -> Result<Connected, ConnectError> {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::Ring))
        .build_https();
    let retry = RetryConfig::standard()
        .with_max_attempts(settings.max_attempts.max(1))
        .with_initial_backoff(settings.initial_backoff);
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(settings.connect_timeout)
        .read_timeout(settings.timeout)
        .operation_attempt_timeout(settings.timeout)
        .operation_timeout(settings.timeout)
        .build();
    let mut loader =
        aws_config::defaults(BehaviorVersion::latest()).http_client(http).retry_config(retry).timeout_config(timeouts);
    if let Some(p) = &settings.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &settings.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(u) = &settings.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    let config = loader.load().await;
    // A profile that doesn't exist leaves the SDK with no region (or no credentials): say which it is.
    let Some(region) = config.region().map(|r| r.to_string()).filter(|r| !r.is_empty()) else {
        check_profile(settings)?;
        return Err(ConnectError::NoRegion);
    };
    let provider = config
        .credentials_provider()
        .ok_or_else(|| ConnectError::NoCredentials("no credential provider is configured".into()))?;
    // Resolve once now: the SDK would otherwise fail every call separately, after files were read.
    match tokio::time::timeout(Duration::from_secs(60), provider.provide_credentials()).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => {
            check_profile(settings)?;
            return Err(credentials_error(settings, DisplayErrorContext(&e).to_string()));
        }
        Err(_) => return Err(ConnectError::NoCredentials("resolving credentials timed out after 60 s".into())),
    }
    Ok(Connected { client: Client::new(&config), region })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_read_from_both_file_shapes() {
        let config =
            "[default]\nregion = us-east-1\n[profile dev]\nsso_session = x\n[sso-session x]\n[ profile  ops ]\n";
        assert_eq!(profiles_in(config), ["default", "dev", "ops"]);
        assert_eq!(profiles_in("[ci]\naws_access_key_id = x\n"), ["ci"]);
    }

    #[test]
    fn access_denied_names_the_action_and_the_resource() {
        let m = describe_api_error(
            "CreateSecret",
            "app/prod/db",
            Some("AccessDeniedException"),
            Some("User: arn:aws:iam::1:user/x is not authorized"),
            &|| unreachable!(),
        );
        assert!(m.contains("secretsmanager:CreateSecret on app/prod/db"), "{m}");
        assert!(m.contains("Grant the caller"), "{m}");
    }

    #[test]
    fn transport_failures_are_one_line_without_verbose() {
        let dump = "dispatch failure: io error: error trying to connect: tcp connect error: Connection refused \
                    (os error 111): DispatchFailure { source: ConnectorError { kind: Io, source: hyper::Error(Connect) } }"
            .repeat(10);
        let m = describe_api_error("DescribeSecret", "a", None, None, &|| dump.clone());
        assert!(m.starts_with("could not connect to Secrets Manager"), "{m}");
        assert!(!m.contains("DispatchFailure") && m.len() < 200, "{m}");
    }

    #[test]
    fn an_expired_sso_session_says_how_to_log_in() {
        let s = AwsSettings { profile: Some("dev".into()), ..AwsSettings::default() };
        let e = credentials_error(&s, "failed to load SSO token: the SSO token has expired".into());
        assert_eq!(
            e.to_string(),
            "the AWS SSO session for profile `dev` has expired or was never started: run `aws sso login --profile dev`, then try again"
        );
        let e = credentials_error(&s, "no providers in chain provided credentials: x: y: z: deep Debug {..}".into());
        assert!(e.to_string().contains("-v shows the SDK's details") && !e.to_string().contains("deep Debug"), "{e}");
    }
}
