//! The `Examples:` section of each command's `--help` (a test parses every line as a command).

/// `hoist` itself.
pub const TOP_EXAMPLES: &str = "Examples:
  hoist scan                                  what is hardcoded here?
  hoist migrate                               the plan and the exact diff, nothing written
  hoist migrate --apply                       upload to Secrets Manager and rewrite the files
  hoist scan --history                        what git history still holds
  hoist completions bash > ~/.local/share/bash-completion/completions/hoist";
/// `hoist scan`.
pub const SCAN_EXAMPLES: &str = "Examples:
  hoist scan                                  scan the current directory
  hoist scan ~/src/api -f json -o findings.json
  hoist scan --staged                         what the next commit adds (the pre-commit hook)
  hoist scan --history                        every commit reachable from HEAD, only added lines
  hoist scan config/prod.env --history        one file's history (a directory: only its files)
  hoist scan --since origin/main -f sarif -o hoist.sarif   a pull request's commits, for code scanning
  hoist scan --all --min-severity high        every branch and tag, high severity only
  hoist scan -f markdown -o report.md         a summary to paste into an issue";
/// `hoist rules`.
pub const RULES_EXAMPLES: &str = "Examples:
  hoist rules list
  hoist rules list -f json
  hoist rules check my-rules.yaml";
/// `hoist rules list`.
pub const RULES_LIST_EXAMPLES: &str = "Examples:
  hoist rules list
  hoist rules list -f json";
/// `hoist rules check`.
pub const RULES_CHECK_EXAMPLES: &str = "Examples:
  hoist rules check my-rules.yaml
  hoist rules check rules/a.yaml rules/b.yaml";
/// `hoist plan`.
pub const PLAN_EXAMPLES: &str = "Examples:
  hoist plan                                  write .hoist/plan.yaml for the current directory
  hoist plan ~/src/api --env prod --app api
  hoist plan --stdout                         print the plan instead of writing it
  hoist plan --history                        also list what git history holds that must be rotated
  hoist plan --check .hoist/plan.yaml         validate an edited plan
  hoist plan -o plans/api.yaml
  hoist plan --history -f markdown > plan.md   a table per secret for a pull request";
/// `hoist upload`.
pub const UPLOAD_EXAMPLES: &str = "Examples:
  hoist upload
  hoist upload ~/src/api --profile prod --region eu-west-1
  hoist upload --endpoint-url http://127.0.0.1:5000   against a local emulator";
/// `hoist diff`.
pub const DIFF_EXAMPLES: &str = "Examples:
  hoist diff
  hoist diff --stat
  hoist diff ~/src/api -o migration.diff";
/// `hoist apply`.
pub const APPLY_EXAMPLES: &str = "Examples:
  hoist apply                                 upload, confirm, rewrite
  hoist apply -i                              ask file by file
  hoist apply --yes --profile prod            no prompt (CI)";
/// `hoist migrate`.
pub const MIGRATE_EXAMPLES: &str = "Examples:
  hoist migrate                               dry run: the plan and the exact diff, nothing written
  hoist migrate --history                     also list what git history holds that must be rotated
  hoist migrate --apply                       upload and rewrite, after confirmation
  hoist migrate ~/src/api --apply --yes --env prod";
/// `hoist run`.
pub const RUN_EXAMPLES: &str = "Examples:
  hoist run -- python app.py                  run with the plan's secrets in the environment
  hoist run ~/src/api -- npm start
  hoist run --profile dev -- env
  hoist run --file certs/server.key -- ./server   write a moved key file while ./server runs
  hoist run --file tls/ca.p12=shop/prod/ca-p12 -- java -jar app.jar";
/// `hoist policy`.
pub const POLICY_EXAMPLES: &str = "Examples:
  hoist policy
  hoist policy -f json -o policy.json";
/// `hoist check`.
pub const CHECK_EXAMPLES: &str = "Examples:
  hoist check                                 every reference in the tree is well-formed
  hoist check --aws --profile prod            and each secret exists with its key";
/// `hoist hook`.
pub const HOOK_EXAMPLES: &str = "Examples:
  hoist hook install
  hoist hook install ~/src/api --force
  hoist hook uninstall";
/// `hoist hook install`.
pub const HOOK_INSTALL_EXAMPLES: &str = "Examples:
  hoist hook install
  hoist hook install ~/src/api --force        even when core.hooksPath is shared";
/// `hoist hook uninstall`.
pub const HOOK_UNINSTALL_EXAMPLES: &str = "Examples:
  hoist hook uninstall
  hoist hook uninstall ~/src/api";
/// `hoist baseline`.
pub const BASELINE_EXAMPLES: &str = "Examples:
  hoist baseline                              accept today's findings (commit .hoist/baseline.json and .hoist/salt)
  hoist baseline --update                     drop entries whose finding is gone
  hoist baseline -o accepted.json";
/// `hoist completions`.
pub const COMPLETIONS_EXAMPLES: &str = "Examples:
  hoist completions bash > ~/.local/share/bash-completion/completions/hoist
  hoist completions zsh > ~/.zfunc/_hoist
  hoist completions fish > ~/.config/fish/completions/hoist.fish
  hoist completions powershell >> $PROFILE";
