//! Whether the secrets a state file records still stand where this session writes: the ARN's
//! region is the session's, and DescribeSecret on the full ARN finds it (in this account — another
//! account's ARN is not found or denied) and not scheduled for deletion. `apply` asks before it
//! writes any recorded ARN into a file, so a fresh endpoint, a deleted secret or another region
//! never ends up as a reference to nothing.

use super::secret::UploadError;
use crate::model::SecretRef;
use aws_sdk_secretsmanager::Client;

/// Where a recorded secret stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// It exists at the recorded ARN.
    Live,
    /// No secret at that ARN in this account and region (a fresh endpoint, deleted for good,
    /// another account).
    Gone,
    /// It exists but is scheduled for deletion.
    Deleted,
    /// The ARN (or the recorded region) is another region's.
    OtherRegion(String),
}

/// The region field of an ARN (`arn:aws:secretsmanager:REGION:…`).
pub fn arn_region(arn: &str) -> Option<&str> {
    arn.split(':').nth(3).filter(|r| !r.is_empty())
}

/// Where `r` stands for a session in `region`. Only the region check needs no call.
pub async fn standing(client: &Client, region: &str, r: &SecretRef) -> Result<Standing, UploadError> {
    let recorded = arn_region(&r.arn).or(r.region.as_deref());
    if let Some(other) = recorded.filter(|rec| *rec != region) {
        return Ok(Standing::OtherRegion(other.to_string()));
    }
    match client.describe_secret().secret_id(&r.arn).send().await {
        Ok(d) if d.deleted_date().is_some() => Ok(Standing::Deleted),
        Ok(_) => Ok(Standing::Live),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => Ok(Standing::Gone),
        Err(e) => {
            let (fault, message) = super::fault::describe(&e);
            Err(match fault {
                super::fault::Fault::Unreachable => {
                    UploadError::Unreachable { name: r.name.clone(), op: "DescribeSecret", message }
                }
                _ => UploadError::Api { name: r.name.clone(), op: "DescribeSecret", message },
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_region_comes_from_the_arn() {
        assert_eq!(arn_region("arn:aws:secretsmanager:us-west-2:123456789012:secret:a-AbCdEf"), Some("us-west-2"));
        assert_eq!(arn_region("not-an-arn"), None);
    }
}
