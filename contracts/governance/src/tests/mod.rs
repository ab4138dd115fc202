//! Unit tests (motsu). `mock_target` is a LoanBook stand-in owned by Governance.
mod calls;
mod guardian;
mod helpers;
mod lifecycle;
mod mock_target;
mod risk_change;
mod settings;
