//! Payroll exports.

/// The payroll templates, by the name used on the command line and in plan `earning_codes`.
pub const TEMPLATE_NAMES: &[&str] = &["generic"];
