//! The names on payout lines (a component's id and label), interned: each distinct text is
//! stored once for the life of the program, and a line holds a reference to it.
//!
//! A report of 100,000 people has hundreds of thousands of lines but only a few distinct
//! names (one per component of the plans computed). Counted references (`Arc<str>`) made every
//! line copied or dropped update a shared count with an atomic instruction, which waits for the
//! core's pending writes: after an edit to a plan of eight lines a person, that was a tenth of
//! the recomputation. A [`Name`] is copied like a number.
//!
//! Texts are never freed: what is kept is every id and label a plan ever had in this run of
//! the program (a label typed one letter at a time keeps each prefix, some bytes each).

use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::{Mutex, OnceLock, PoisonError};

/// An interned text (see the module documentation). Compares, hashes and orders as its text.
#[derive(Clone, Copy)]
pub struct Name(&'static str);

impl Name {
    /// A name for text known when the program is built (nothing is stored).
    pub const fn fixed(text: &'static str) -> Self {
        Self(text)
    }

    /// The name for `text`, stored the first time it is seen.
    pub fn new(text: &str) -> Self {
        static TEXTS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
        let mut texts = TEXTS.get_or_init(Default::default).lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(kept) = texts.get(text) {
            return Self(kept);
        }
        let kept: &'static str = Box::leak(Box::from(text));
        texts.insert(kept);
        Self(kept)
    }

    /// The text.
    pub const fn as_str(&self) -> &'static str {
        self.0
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.0
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0) || self.0 == other.0
    }
}

impl Eq for Name {}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl std::hash::Hash for Name {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(other.0)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

/// A payout line's component id and label, interned together: a line holds one reference to
/// the pair (8 bytes rather than two [`Name`]s' 32), which keeps a plan's payouts, a hundred
/// thousand people's lines each, a third smaller to write, copy and read. Compares and hashes
/// as the two texts.
#[derive(Clone, Copy)]
pub struct LineNames(&'static (Name, Name));

impl LineNames {
    /// The pair for names known when the program is built (nothing is stored).
    pub const fn fixed(pair: &'static (Name, Name)) -> Self {
        Self(pair)
    }

    /// The pair for `component` and `label`, stored the first time it is seen.
    pub fn new(component: Name, label: Name) -> Self {
        static PAIRS: OnceLock<Mutex<HashSet<&'static (Name, Name)>>> = OnceLock::new();
        let mut pairs = PAIRS.get_or_init(Default::default).lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(kept) = pairs.get(&(component, label)) {
            return Self(kept);
        }
        let kept: &'static (Name, Name) = Box::leak(Box::new((component, label)));
        pairs.insert(kept);
        Self(kept)
    }

    /// The component id.
    pub const fn component(self) -> Name {
        self.0.0
    }

    /// The label.
    pub const fn label(self) -> Name {
        self.0.1
    }
}

impl PartialEq for LineNames {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0) || self.0 == other.0
    }
}

impl Eq for LineNames {}

impl std::hash::Hash for LineNames {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl fmt::Debug for LineNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LineNames").field("component", &self.0.0).field("label", &self.0.1).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_is_stored_once_and_names_compare_as_their_text() {
        let a = Name::new("revenue_commission");
        let b = Name::new(&String::from("revenue_commission"));
        assert!(std::ptr::eq(a.as_str(), b.as_str()), "interned once");
        assert_eq!(a, b);
        assert_eq!(a, Name::fixed("revenue_commission"));
        assert_eq!(a, "revenue_commission");
        assert_ne!(a, Name::new("revenue_commission "));
        assert!(Name::new("a") < Name::new("b"));
        assert_eq!(format!("{a} {a:?}"), "revenue_commission \"revenue_commission\"");
    }

    #[test]
    fn a_pair_of_names_is_stored_once_and_compares_as_its_texts() {
        let (id, label) = (Name::new("revenue_commission"), Name::new("Revenue commission"));
        let a = LineNames::new(id, label);
        let b = LineNames::new(Name::new(&String::from("revenue_commission")), Name::fixed("Revenue commission"));
        assert!(std::ptr::eq(a.0, b.0), "interned once");
        assert_eq!((a.component(), a.label()), (id, label));
        static FIXED: (Name, Name) = (Name::fixed("revenue_commission"), Name::fixed("Revenue commission"));
        assert_eq!(a, LineNames::fixed(&FIXED));
        assert_ne!(a, LineNames::new(id, Name::new("Revenue")));
        assert_ne!(a, LineNames::new(Name::new("revenue"), label));
    }
}
