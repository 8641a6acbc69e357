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
    let region = config.region().map(|r| r.to_string()).filter(|r| !r.is_empty()).ok_or(ConnectError::NoRegion)?;
    let provider = config
        .credentials_provider()
        .ok_or_else(|| ConnectError::NoCredentials("no credential provider is configured".into()))?;
    // Resolve once now: the SDK would otherwise fail every call separately, after files were read.
    match tokio::time::timeout(Duration::from_secs(60), provider.provide_credentials()).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => return Err(ConnectError::NoCredentials(DisplayErrorContext(&e).to_string())),
        Err(_) => return Err(ConnectError::NoCredentials("resolving credentials timed out after 60 s".into())),
    }
    Ok(Connected { client: Client::new(&config), region })
}
