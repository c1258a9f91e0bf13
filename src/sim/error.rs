//! Why one person's pay could not be computed at an allocation of hours. The simulation's
//! per-person failures carry one of these (never a bare string), so a report can name the
//! person, the plan line and the cause.

use crate::engine::LineError;

/// Why a person's pay could not be computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PayError {
    /// The plan could not compute a line, or the person as a whole (`line` is `None`).
    #[error("{}{cause}", line.as_deref().map(|l| format!("{l}: ")).unwrap_or_default())]
    Plan {
        /// The plan line (component id, `cap` or `guarantee`), when the failure has one.
        line: Option<String>,
        /// What went wrong.
        cause: String,
    },
    /// The plan has no exchange rate for the person's currency.
    #[error("the plan has no fx rate for {currency}")]
    NoFxRate {
        /// The roster row's currency.
        currency: String,
    },
    /// An amount came out infinite or not a number.
    #[error("{what} is not a finite number")]
    NotFinite {
        /// Which amount (`pay`, ...).
        what: &'static str,
    },
    /// Hours outside the range the expected-pay grid covers.
    #[error("the expected-pay grid does not reach these hours")]
    OutOfGrid,
    /// The simulation's values do not line up with the plan's (a bug, reported rather than
    /// hidden).
    #[error("the simulation's values do not match the plan's")]
    Layout,
    /// The person's role or row could not be found (a bug, reported rather than hidden).
    #[error("not in the roster")]
    NotInRoster,
}

impl PayError {
    /// The plan line the failure is on, if any.
    pub fn line(&self) -> Option<&str> {
        match self {
            Self::Plan { line, .. } => line.as_deref(),
            _ => None,
        }
    }
}

impl From<LineError> for PayError {
    fn from(e: LineError) -> Self {
        Self::Plan { line: e.component, cause: e.message }
    }
}

impl From<Vec<LineError>> for PayError {
    /// The first failure names the line; the others are added to the cause.
    fn from(errors: Vec<LineError>) -> Self {
        let mut iter = errors.into_iter();
        let Some(first) = iter.next() else {
            return Self::Plan { line: None, cause: "could not be computed".to_owned() };
        };
        let mut cause = first.message;
        for e in iter {
            cause.push_str("; ");
            if let Some(c) = &e.component {
                cause.push_str(c);
                cause.push_str(": ");
            }
            cause.push_str(&e.message);
        }
        Self::Plan { line: first.component, cause }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_failure_names_its_line() {
        let e = PayError::from(LineError {
            component: Some("revenue_commission".to_owned()),
            message: "quota is 0".to_owned(),
        });
        assert_eq!(e.to_string(), "revenue_commission: quota is 0");
        assert_eq!(e.line(), Some("revenue_commission"));
        let whole = PayError::from(vec![
            LineError { component: None, message: "derived metric `x`: division by zero".to_owned() },
            LineError { component: Some("bonus".to_owned()), message: "no target".to_owned() },
        ]);
        assert_eq!(whole.to_string(), "derived metric `x`: division by zero; bonus: no target");
        assert_eq!(whole.line(), None);
    }
}
