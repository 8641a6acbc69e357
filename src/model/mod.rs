//! Shared types that flow between stages: findings, plans, state and edits.

pub mod edit;
pub mod finding;
pub mod history;
pub mod plan;
pub mod secret;
pub mod state;

pub use edit::{Edit, EditError, apply_edits};
pub use finding::{DeployInfo, Detection, Finding, Kind, Severity, Span};
pub use history::{CommitInfo, HistoryFinding};
pub use plan::{Injection, Mount, MountKind, Plan, PlannedSecret, SecretKey, Shape, Site, Strategy};
pub use secret::{Fingerprint, Fingerprinter, SecretValue};
pub use state::{SecretRef, State};
