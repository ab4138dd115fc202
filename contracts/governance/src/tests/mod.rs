//! Unit tests (motsu). `mock_target` is a LoanBook stand-in owned by Governance.
mod helpers;
mod lifecycle;
mod mock_target;
