//! What moto can't fake, with aws-smithy-mocks: throttling and 5xx retried with backoff, access
//! denied not retried, and one secret's failure not stopping the others. These build their own
//! fast retry policy to test the batch logic; hoist's real client configuration (attempts, backoff,
//! timeouts) is driven against a local fault endpoint in `tests/hostile.rs`.

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::config::retry::RetryConfig;
use aws_sdk_secretsmanager::operation::create_secret::CreateSecretOutput;
use aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretError;
use aws_sdk_secretsmanager::types::error::ResourceNotFoundException;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use hoist::model::{Fingerprinter, SecretValue, State};
use hoist::upload::secret::{Context, Pacer};
use hoist::upload::{BatchOptions, Body, Outcome, Progress, Tokens, UploadItem, run_batch};
use std::sync::Arc;
use std::time::Duration;

const VALUE: &str = "{\"password\":\"mock-planted-Secret-77\"}";

fn item(name: &str) -> UploadItem {
    UploadItem {
        name: name.into(),
        body: Body::String(SecretValue::new(VALUE)),
        json: true,
        database: false,
        description: None,
        tags: [("managed-by".to_string(), "hoist".to_string())].into(),
        kms_key_id: None,
    }
}

fn absent() -> Rule {
    mock!(Client::describe_secret)
        .then_error(|| DescribeSecretError::ResourceNotFoundException(ResourceNotFoundException::builder().build()))
}

fn created(name: &'static str) -> impl Fn() -> CreateSecretOutput + Send + Sync + 'static {
    move || {
        CreateSecretOutput::builder()
            .name(name)
            .arn(format!("arn:aws:secretsmanager:us-east-1:123456789012:secret:{name}-AbCdEf"))
            .version_id("v1")
            .build()
    }
}

fn aws_error(code: &str, message: &str) -> Option<String> {
    Some(format!("{{\"__type\":\"{code}\",\"message\":\"{message}\"}}"))
}

fn context(client: Client) -> Arc<Context> {
    Arc::new(Context {
        client,
        region: "us-east-1".into(),
        tokens: Tokens::new(Fingerprinter::new(b"mock-salt".to_vec())),
        update: false,
        resource_policy: None,
        replica_regions: Vec::new(),
        rotation: None,
        writes: Pacer::new(1000),
    })
}

fn client(rules: &[&Rule]) -> Client {
    mock_client!(aws_sdk_secretsmanager, RuleMode::MatchAny, rules, |c| c
        .retry_config(RetryConfig::standard().with_max_attempts(4).with_initial_backoff(Duration::from_millis(5))))
}

struct Quiet;
impl Progress for Quiet {
    fn finished(&mut self, _: &str, _: &Result<hoist::upload::secret::Done, hoist::upload::UploadError>) {}
}

async fn run(ctx: Arc<Context>, items: Vec<UploadItem>) -> (hoist::upload::Report, State) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.yaml");
    let mut state = State::default();
    let report = run_batch(ctx, items, &mut state, &path, &BatchOptions { concurrency: 4 }, &mut Quiet).await;
    let saved = State::load(&path).unwrap();
    assert_eq!(saved, state, "the state on disk is the state in memory");
    for e in &report.failed {
        assert!(!e.1.contains("mock-planted"), "a failure message holds the value");
    }
    (report, saved)
}

#[tokio::test]
async fn throttling_is_retried_with_backoff_until_it_succeeds() {
    let describe = absent();
    let create = mock!(Client::create_secret)
        .sequence()
        .http_status(400, aws_error("ThrottlingException", "Rate exceeded"))
        .times(2)
        .output(created("app/a"))
        .build();
    let (report, state) = run(context(client(&[&describe, &create])), vec![item("app/a")]).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.count(Outcome::Created), 1);
    assert_eq!(create.num_calls(), 3, "two throttled attempts, then success");
    assert_eq!(state.secrets["app/a"].arn, "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/a-AbCdEf");
}

#[tokio::test]
async fn server_errors_are_retried() {
    let describe = absent();
    let create = mock!(Client::create_secret)
        .sequence()
        .http_status(500, aws_error("InternalServiceError", "boom"))
        .http_status(503, None)
        .output(created("app/a"))
        .build();
    let (report, _) = run(context(client(&[&describe, &create])), vec![item("app/a")]).await;
    assert_eq!(report.count(Outcome::Created), 1, "{:?}", report.failed);
    assert_eq!(create.num_calls(), 3);
}

#[tokio::test]
async fn access_denied_is_not_retried_and_is_reported_by_name() {
    let describe = absent();
    let create = mock!(Client::create_secret)
        .sequence()
        .http_status(400, aws_error("AccessDeniedException", "not authorized to perform: secretsmanager:CreateSecret"))
        .repeatedly()
        .build();
    let (report, state) = run(context(client(&[&describe, &create])), vec![item("app/a")]).await;
    assert_eq!(create.num_calls(), 1, "access denied must not be retried");
    assert_eq!(report.failed.len(), 1);
    let (name, msg) = &report.failed[0];
    assert_eq!(name, "app/a");
    assert!(
        msg.starts_with("app/a: CreateSecret failed: access denied: secretsmanager:CreateSecret on app/a"),
        "{msg}"
    );
    assert!(state.secrets.is_empty());
}

#[tokio::test]
async fn one_failing_secret_does_not_stop_the_others() {
    let describe = absent();
    let ok = mock!(Client::create_secret).match_requests(|r| r.name() == Some("app/ok")).then_output(created("app/ok"));
    let throttled = mock!(Client::create_secret)
        .match_requests(|r| r.name() == Some("app/busy"))
        .sequence()
        .http_status(400, aws_error("ThrottlingException", "Rate exceeded"))
        .repeatedly()
        .build();
    let (report, state) =
        run(context(client(&[&describe, &ok, &throttled])), vec![item("app/busy"), item("app/ok")]).await;
    assert_eq!(throttled.num_calls(), 4, "every attempt the retry config allows");
    assert_eq!(report.count(Outcome::Created), 1);
    assert_eq!(report.failed.len(), 1);
    assert!(report.failed[0].1.contains("ThrottlingException"), "{:?}", report.failed);
    assert_eq!(state.secrets.keys().collect::<Vec<_>>(), vec!["app/ok"]);
}

#[tokio::test]
async fn rotation_is_set_for_database_secrets_only_and_never_immediately() {
    use aws_sdk_secretsmanager::operation::rotate_secret::RotateSecretOutput;
    let describe = absent();
    let create_db =
        mock!(Client::create_secret).match_requests(|r| r.name() == Some("app/db")).then_output(created("app/db"));
    let create_api =
        mock!(Client::create_secret).match_requests(|r| r.name() == Some("app/api")).then_output(created("app/api"));
    let rotate = mock!(Client::rotate_secret)
        .match_requests(|r| {
            r.secret_id() == Some("arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf")
                && r.rotation_lambda_arn() == Some("arn:aws:lambda:us-east-1:123456789012:function:rotate-pg")
                && r.rotation_rules().and_then(|x| x.automatically_after_days()) == Some(14)
                && r.rotate_immediately() == Some(false)
        })
        .then_output(|| RotateSecretOutput::builder().build());
    let c = client(&[&describe, &create_db, &create_api, &rotate]);
    let mut ctx = Arc::try_unwrap(context(c)).unwrap();
    ctx.rotation = Some(hoist::upload::secret::Rotation {
        lambda_arn: "arn:aws:lambda:us-east-1:123456789012:function:rotate-pg".into(),
        after_days: 14,
    });
    let mut db = item("app/db");
    db.database = true;
    let (report, _) = run(Arc::new(ctx), vec![db, item("app/api")]).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(rotate.num_calls(), 1, "rotation for the database secret only");
    let api = report.done.iter().find(|d| d.reference.name == "app/api").unwrap();
    assert_eq!(api.notes, vec!["rotation not set: not a database secret".to_string()]);
}
