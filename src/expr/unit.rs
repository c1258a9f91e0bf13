//! Which of an expression's variables hold money: a derived metric a commission pays on is
//! money, so a roster row in another currency needs the columns behind it converted with the
//! plan's fx, and only those (a count or a rate converted would be wrong by the rate).
//!
//! The rules are those of amounts: what is added to, subtracted from, or compared as the larger
//! or smaller of money is money (`revenue - refunds`, `max(bookings, 0)`, either branch of an
//! `if`); a product or quotient is money when its money factors outnumber its money divisors by
//! one (`revenue * retention`, `(revenue - refunds) / 2`). A product in which no factor is known
//! to be money (`bookings * retention`) cannot say which factor is: it is reported as unclear,
//! for the plan to name its money columns.

use super::{BinOp, Expr, Node};

/// What is known of a value's unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// An amount of money.
    Money,
    /// A plain number: a count, a rate, a share, a constant.
    Number,
    /// Not known.
    Unknown,
}

/// What an expression's value being money says about its variables (see [`Expr::money_demands`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Demands {
    /// Variables (by number) that are then money.
    pub money: Vec<usize>,
    /// Products with no factor known to be money: for each, the variables one of which must be.
    pub unclear: Vec<Vec<usize>>,
}

impl Expr {
    /// The unit of the expression's value, given its variables' (`var(i)` for variable `i`).
    pub fn unit(&self, var: &mut dyn FnMut(usize) -> Unit) -> Unit {
        unit_of(&self.root, var)
    }

    /// For the expression's value to be money: the variables that must be money, and the
    /// products none of whose factors is known to be money (`var(i)` as in [`Expr::unit`]).
    pub fn money_demands(&self, var: &mut dyn FnMut(usize) -> Unit) -> Demands {
        let mut demands = Demands::default();
        demand(&self.root, var, &mut demands);
        demands.money.sort_unstable();
        demands.money.dedup();
        demands
    }
}

fn is_additive(op: BinOp) -> bool {
    matches!(op, BinOp::Add | BinOp::Sub)
}

/// The unit of values that are added or chosen between: money if any is, a number if all are.
fn joined(units: impl Iterator<Item = Unit>) -> Unit {
    let mut all_numbers = true;
    for u in units {
        match u {
            Unit::Money => return Unit::Money,
            Unit::Unknown => all_numbers = false,
            Unit::Number => {}
        }
    }
    if all_numbers { Unit::Number } else { Unit::Unknown }
}

/// A product's factors: the first operand and those after `*` (`true`), or after `/` (`false`).
fn factors<'a>(first: &'a Node, rest: &'a [(BinOp, Node)]) -> impl Iterator<Item = (&'a Node, bool)> {
    std::iter::once((first, true)).chain(rest.iter().map(|(op, n)| (n, *op == BinOp::Mul)))
}

/// Money factors less money divisors, and whether any factor's unit is unknown.
fn money_balance(first: &Node, rest: &[(BinOp, Node)], var: &mut dyn FnMut(usize) -> Unit) -> (i64, bool) {
    let mut balance = 0i64;
    let mut unknown = false;
    for (node, times) in factors(first, rest) {
        match unit_of(node, var) {
            Unit::Money if times => balance += 1,
            Unit::Money => balance -= 1,
            Unit::Unknown => unknown = true,
            Unit::Number => {}
        }
    }
    (balance, unknown)
}

fn unit_of(node: &Node, var: &mut dyn FnMut(usize) -> Unit) -> Unit {
    match node {
        Node::Num(_) | Node::Bin(..) => Unit::Number,
        Node::Var(i) => var(*i),
        Node::Neg(inner) | Node::Abs(inner) => unit_of(inner, var),
        Node::Chain(first, rest) if rest.iter().all(|(op, _)| is_additive(*op)) => {
            let units: Vec<Unit> =
                std::iter::once(&**first).chain(rest.iter().map(|(_, n)| n)).map(|n| unit_of(n, var)).collect();
            joined(units.into_iter())
        }
        Node::Chain(first, rest) => match money_balance(first, rest, var) {
            (1, _) => Unit::Money,
            (0, false) => Unit::Number,
            _ => Unit::Unknown,
        },
        Node::Min(args) | Node::Max(args) => {
            let units: Vec<Unit> = args.iter().map(|n| unit_of(n, var)).collect();
            joined(units.into_iter())
        }
        Node::If(_, then, otherwise) => {
            let units = [unit_of(then, var), unit_of(otherwise, var)];
            joined(units.into_iter())
        }
    }
}

/// Variables of `node` (each once, in order).
fn variables_of(node: &Node, out: &mut Vec<usize>) {
    match node {
        Node::Num(_) => {}
        Node::Var(i) => {
            if !out.contains(i) {
                out.push(*i);
            }
        }
        Node::Neg(inner) | Node::Abs(inner) => variables_of(inner, out),
        Node::Bin(_, a, b) => {
            variables_of(a, out);
            variables_of(b, out);
        }
        Node::Chain(first, rest) => {
            variables_of(first, out);
            for (_, n) in rest {
                variables_of(n, out);
            }
        }
        Node::Min(args) | Node::Max(args) => args.iter().for_each(|n| variables_of(n, out)),
        Node::If(c, a, b) => {
            variables_of(c, out);
            variables_of(a, out);
            variables_of(b, out);
        }
    }
}

/// Records what `node` being money says about its variables.
fn demand(node: &Node, var: &mut dyn FnMut(usize) -> Unit, out: &mut Demands) {
    match node {
        // A constant is in the plan's currency; a comparison is 1 or 0.
        Node::Num(_) | Node::Bin(..) => {}
        Node::Var(i) => out.money.push(*i),
        Node::Neg(inner) | Node::Abs(inner) => demand(inner, var, out),
        Node::Chain(first, rest) if rest.iter().all(|(op, _)| is_additive(*op)) => {
            demand(first, var, out);
            for (_, n) in rest {
                demand(n, var, out);
            }
        }
        Node::Chain(first, rest) => {
            let (balance, _) = money_balance(first, rest, var);
            if balance >= 1 {
                // The money factors are known; what they are made of is money too.
                for (n, _) in factors(first, rest) {
                    if unit_of(n, var) == Unit::Money {
                        demand(n, var, out);
                    }
                }
                return;
            }
            // No factor is known to be money: one of the unknown ones multiplied is, but which?
            // (Money divided by is not: `units / (hours + 1)` is money only through `units`.)
            let mut candidates = Vec::new();
            for (n, times) in factors(first, rest) {
                if times && unit_of(n, var) == Unit::Unknown {
                    variables_of(n, &mut candidates);
                }
            }
            if !candidates.is_empty() {
                out.unclear.push(candidates);
            }
        }
        Node::Min(args) | Node::Max(args) => args.iter().for_each(|n| demand(n, var, out)),
        Node::If(_, then, otherwise) => {
            demand(then, var, out);
            demand(otherwise, var, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The variables `source` demands be money, and the unclear products, by name; `revenue` and
    /// `quota` are known money, `interviews` a count.
    fn demands(source: &str) -> (Vec<String>, Vec<Vec<String>>) {
        let e = Expr::parse(source).unwrap_or_else(|err| panic!("{err}"));
        let names = e.variables().to_vec();
        let mut var = |i: usize| match names.get(i).map(String::as_str) {
            Some("revenue" | "quota") => Unit::Money,
            Some("interviews") => Unit::Number,
            _ => Unit::Unknown,
        };
        let d = e.money_demands(&mut var);
        let name = |i: &usize| names.get(*i).cloned().unwrap_or_default();
        (d.money.iter().map(name).collect(), d.unclear.iter().map(|c| c.iter().map(name).collect()).collect())
    }

    fn strs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn what_is_added_to_or_chosen_with_money_is_money() {
        assert_eq!(demands("revenue - refunds"), (strs(&["revenue", "refunds"]), vec![]));
        assert_eq!(demands("max(bookings - 100, 0)"), (strs(&["bookings"]), vec![]));
        assert_eq!(demands("if(stage > 2, bookings, -credits)"), (strs(&["bookings", "credits"]), vec![]));
        // A comparison's operands are not asked to be anything.
        assert_eq!(demands("(stage > 2) + bookings"), (strs(&["bookings"]), vec![]));
    }

    #[test]
    fn a_product_is_money_through_its_one_money_factor() {
        assert_eq!(demands("revenue * retention"), (strs(&["revenue"]), vec![]));
        assert_eq!(demands("(revenue - refunds) * retention / 2"), (strs(&["revenue", "refunds"]), vec![]));
        // A count times a constant: the constant is the money (plan currency), nothing to convert.
        assert_eq!(demands("revenue + interviews * 1000"), (strs(&["revenue"]), vec![]));
    }

    #[test]
    fn a_product_with_no_known_money_factor_is_unclear() {
        assert_eq!(demands("bookings * retention"), (vec![], vec![strs(&["bookings", "retention"])]));
        assert_eq!(demands("bookings * 0.9"), (vec![], vec![strs(&["bookings"])]));
        assert_eq!(demands("revenue - bookings * retention").1, vec![strs(&["bookings", "retention"])]);
        // A count over anything is not money; an unknown over anything may be.
        assert_eq!(demands("interviews / (hours + 1)"), (vec![], vec![]));
        assert_eq!(demands("units / (hours + 1)"), (vec![], vec![strs(&["units"])]));
    }

    #[test]
    fn units_follow_the_same_rules() {
        let unit = |source: &str| {
            let e = Expr::parse(source).unwrap_or_else(|err| panic!("{err}"));
            let names = e.variables().to_vec();
            e.unit(&mut |i| match names.get(i).map(String::as_str) {
                Some("revenue" | "quota") => Unit::Money,
                Some("interviews") => Unit::Number,
                _ => Unit::Unknown,
            })
        };
        assert_eq!(unit("revenue / quota"), Unit::Number);
        assert_eq!(unit("revenue - refunds"), Unit::Money);
        assert_eq!(unit("interviews * 2"), Unit::Number);
        assert_eq!(unit("bookings * retention"), Unit::Unknown);
        assert_eq!(unit("revenue * retention"), Unit::Money);
        assert_eq!(unit("revenue > 10"), Unit::Number);
    }
}
