//! What went wrong in one AWS call, in one line that never holds a response body: the SDK's own
//! renderings (`DisplayErrorContext`, `Debug`) append the raw HTTP response — a `SecretString` when
//! a GetSecretValue answer fails to parse — and span many lines. Every command that calls Secrets
//! Manager describes failures through [`describe`].

use aws_sdk_secretsmanager::error::{ProvideErrorMetadata, SdkError};

/// Longest service message kept (one line; the rest is cut).
const MAX_MESSAGE: usize = 200;

/// The kind of failure, for deciding whether to go on with other calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The service answered with an error (access denied, not found, throttled…).
    Service,
    /// No connection, or no answer in time: further calls to the same endpoint would fail too.
    Unreachable,
    /// Something answered, but not with a Secrets Manager response.
    BadResponse,
    /// The request could not be built (a local problem).
    Local,
}

/// The kind and a one-line description of `e`, naming the service's error code and (shortened)
/// message, or the transport problem; never the response body.
pub fn describe<E>(e: &SdkError<E>) -> (Fault, String)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match e {
        SdkError::ServiceError(_) => {
            let status = e.raw_response().map_or(0, |r| r.status().as_u16());
            match (e.code(), e.message()) {
                (Some(code), Some(m)) => (Fault::Service, format!("{code}: {}", one_line(m))),
                (Some(code), None) => (Fault::Service, code.to_string()),
                // No error code: not an AWS error document (a proxy page, garbage, a 500 without body).
                (None, _) => (
                    Fault::BadResponse,
                    format!(
                        "the endpoint answered HTTP {status} with something that is not a Secrets Manager response \
                         (body not shown: it may hold a secret value)"
                    ),
                ),
            }
        }
        SdkError::TimeoutError(_) => (
            Fault::Unreachable,
            "no answer within the time limit (--timeout); the endpoint accepts connections but does not respond".into(),
        ),
        SdkError::DispatchFailure(d) => {
            let what = if d.is_timeout() {
                "connecting timed out".to_string()
            } else if d.is_io() {
                format!("cannot connect ({})", chain(e))
            } else {
                format!("the request failed ({})", chain(e))
            };
            (Fault::Unreachable, what)
        }
        SdkError::ResponseError(r) => {
            let status = r.raw().status().as_u16();
            (
                Fault::BadResponse,
                format!(
                    "the endpoint answered HTTP {status} with something that is not a Secrets Manager response \
                     (body not shown: it may hold a secret value)"
                ),
            )
        }
        SdkError::ConstructionFailure(_) => (Fault::Local, format!("the request could not be built ({})", chain(e))),
        _ => (Fault::Local, one_line(&e.to_string())),
    }
}

/// The `Display` of each error in the chain below `e`, joined, on one line. Transport errors
/// (hyper, io) carry no payloads; the chain stops before any `Debug` rendering.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = one_line(&s.to_string());
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    if parts.is_empty() { one_line(&e.to_string()) } else { one_line(&parts.join(": ")) }
}

/// `text` on one line (control characters become spaces), at most [`MAX_MESSAGE`] characters.
pub fn one_line(text: &str) -> String {
    let flat: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > MAX_MESSAGE { flat.chars().take(MAX_MESSAGE).collect::<String>() + "…" } else { flat }
}

/// `text` with every occurrence of each value (4+ characters; also as JSON escapes it) replaced
/// by `<redacted>`: for messages a hostile or broken endpoint could fill with what we sent.
pub fn scrub(text: &str, values: &[&str]) -> String {
    let mut out = text.to_string();
    let mut all: Vec<String> = Vec::new();
    for v in values.iter().filter(|v| v.chars().count() >= 4) {
        all.push(v.to_string());
        if let Ok(j) = serde_json::to_string(v) {
            all.push(j.trim_matches('"').to_string());
        }
    }
    all.sort_by_key(|v| std::cmp::Reverse(v.len()));
    for v in all {
        if !v.is_empty() {
            out = out.replace(&v, "<redacted>");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_short_line_and_scrubbed() {
        assert_eq!(one_line("a\n  b\r\nc"), "a b c");
        assert_eq!(one_line(&"x".repeat(500)).chars().count(), MAX_MESSAGE + 1);
        let s = scrub("bad value hunter2-secret and \"pa\\\"ss\" here", &["hunter2-secret", "pa\"ss", "ab"]);
        assert_eq!(s, "bad value <redacted> and \"<redacted>\" here");
    }
}
