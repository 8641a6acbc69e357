//! What a secret's key and an environment variable may be called: keys are written into code, ECS
//! `valueFrom` and JSON; variables must be valid and must not change how programs start.

use super::naming;

/// Longest key accepted: keys become JSON keys, ECS `valueFrom` suffixes and code literals.
pub const MAX_KEY_LEN: usize = 128;

/// What is wrong with a key name, if anything. Keys are written into code (`hoist_secrets.get(arn,
/// "key")`), ECS `valueFrom` and JSON; the plan is edited by hand and arrives in pull requests, so
/// only a plain charset is accepted: ASCII letters, digits, `_`, `-` and `.`.
pub fn key_problem(key: &str) -> Option<String> {
    if key.is_empty() {
        return Some("the key is empty: name it (e.g. password)".into());
    }
    if key.len() > MAX_KEY_LEN {
        return Some(format!("{} characters, over the {MAX_KEY_LEN} allowed: shorten it", key.len()));
    }
    let c = key.chars().find(|c| !(c.is_ascii_alphanumeric() || "_-.".contains(*c)))?;
    Some(format!(
        "`{}` is not allowed in a key (only ASCII letters, digits, `_`, `-` and `.`; keys are written into code \
         and ECS `valueFrom`): rename it, e.g. to {:?}",
        c.escape_debug(),
        safe_key(key)
    ))
}

fn safe_key(key: &str) -> String {
    let s: String = key.chars().map(|c| if c.is_ascii_alphanumeric() || "_-.".contains(c) { c } else { '_' }).collect();
    let s = s.trim_matches('_').to_string();
    if s.is_empty() { "value".into() } else { s }
}

/// Variables that change how a program or its interpreter starts (loader, module paths, options
/// read at startup, shell start-up files): a plan that sets one through `hoist run` or a rewritten
/// deployment file runs code. Compared case-insensitively (Windows variables are).
const DANGEROUS_ENV_VARS: &[&str] = &[
    "PATH",
    "HOME",
    "SHELL",
    "ENV",
    "BASH_ENV",
    "IFS",
    "PS4",
    "PROMPT_COMMAND",
    "SHELLOPTS",
    "BASHOPTS",
    "CDPATH",
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PYTHONINSPECT",
    "PYTHONUSERBASE",
    "PYTHONEXECUTABLE",
    "NODE_OPTIONS",
    "NODE_PATH",
    "NODE_EXTRA_CA_CERTS",
    "PERL5LIB",
    "PERL5OPT",
    "PERLLIB",
    "RUBYOPT",
    "RUBYLIB",
    "GEM_HOME",
    "GEM_PATH",
    "BUNDLE_GEMFILE",
    "JAVA_TOOL_OPTIONS",
    "_JAVA_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "CLASSPATH",
    "PHPRC",
    "PHP_INI_SCAN_DIR",
    "GOFLAGS",
    "GOPATH",
    "DOTNET_STARTUP_HOOKS",
    "GCONV_PATH",
    "HOSTALIASES",
    "LOCALDOMAIN",
    "RES_OPTIONS",
    "TMPDIR",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "EDITOR",
    "VISUAL",
    "PAGER",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_EXEC_PATH",
    "GIT_DIR",
    "GIT_CONFIG",
    "GIT_ASKPASS",
    "SSH_ASKPASS",
];

/// Prefixes of variable families that do the same (dynamic loader, glibc malloc/tunables, git).
const DANGEROUS_ENV_PREFIXES: &[&str] = &["LD_", "DYLD_", "GLIBC_", "MALLOC_", "GIT_CONFIG_", "NPM_CONFIG_"];

/// What is wrong with an environment variable name, if anything: it must be a portable name
/// (`[A-Za-z_][A-Za-z0-9_]*`, up to 255 characters) and not one that changes how programs start.
pub fn env_var_problem(var: &str) -> Option<String> {
    if !naming::is_env_var(var) || var.len() > 255 {
        return Some(format!(
            "env_var {var:?} is not a valid variable name ([A-Z_][A-Z0-9_]*, e.g. {:?}): rename it",
            naming::upper_snake(var)
        ));
    }
    let upper = var.to_ascii_uppercase();
    if DANGEROUS_ENV_VARS.contains(&upper.as_str()) || DANGEROUS_ENV_PREFIXES.iter().any(|p| upper.starts_with(p)) {
        return Some(format!(
            "env_var {var:?} changes how programs start (loader, interpreter or shell settings); a secret must not \
             be delivered through it: name it after the secret, e.g. APP_{upper}"
        ));
    }
    None
}
