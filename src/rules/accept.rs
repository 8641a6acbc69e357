//! Whether a rule's match is a credential: the value is no placeholder, no code reference and
//! random enough for the rule, and a URL's password is no fake credential pair.

use super::Rule;
use super::entropy::shannon_entropy;
use crate::detect::judge::{self, is_token_placeholder};
use std::ops::Range;

/// True when `value`, matched by `rule` at `span` of `text`, is reported.
pub(super) fn is_credential(rule: &Rule, text: &[u8], span: Range<usize>, value: &str) -> bool {
    if value.is_empty() || is_token_placeholder(value) || is_code_reference(value) {
        return false;
    }
    if rule.entropy.is_some_and(|floor| shannon_entropy(value) < floor) {
        return false;
    }
    !fake_userinfo(text, span, value)
}

/// A URL rule's password (`scheme://user:<value>@host`) that is no credential pair, judged by the
/// judge every detector asks ([`judge::is_no_credential`]) at its URL site.
fn fake_userinfo(text: &[u8], span: Range<usize>, value: &str) -> bool {
    let mut buf = Default::default();
    let site = judge::Site::at(text, span.start, span.end, &mut buf);
    site.url.is_some() && judge::is_no_credential(value, &site)
}

/// A dotted chain of identifiers without a digit (`settings.STRIPE_API_KEY`, `config.secretKey`):
/// code that names where a value lives, which an unquoted match in a loose rule can capture. Tokens
/// with dots (JWTs, `SG.…` keys) carry digits.
fn is_code_reference(value: &str) -> bool {
    let mut parts = value.split('.');
    value.contains('.')
        && parts.all(|p| {
            p.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                && p.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn dotted_identifier_chains_are_code_not_values() {
        assert!(super::is_code_reference("settings.STRIPE_API_KEY"));
        assert!(super::is_code_reference("config.secretKey"));
        assert!(!super::is_code_reference("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"));
        assert!(!super::is_code_reference("abcdefghijklmnopqrstuvwxyz"));
        assert!(!super::is_code_reference("a..b"));
    }
}
