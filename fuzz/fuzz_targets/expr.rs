//! Derived-metric expressions on arbitrary text: parsing and evaluating (exact decimals and
//! floats) never panic, overflow and division by zero are errors.
#![no_main]

use carrot::expr::Expr;
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

/// Values given to the variables, in turn: the edges of what a roster cell can hold.
fn value(i: usize, salt: u8) -> Decimal {
    const VALUES: [Decimal; 8] = [
        Decimal::ZERO,
        Decimal::ONE,
        Decimal::NEGATIVE_ONE,
        Decimal::MAX,
        Decimal::MIN,
        Decimal::from_parts(1, 0, 0, false, 28),
        Decimal::from_parts(5, 0, 0, false, 1),
        Decimal::ONE_HUNDRED,
    ];
    VALUES[(i + usize::from(salt)) % VALUES.len()]
}

fuzz_target!(|data: &[u8]| {
    let Some((&salt, rest)) = data.split_first() else { return };
    let Ok(source) = std::str::from_utf8(rest) else { return };
    let Ok(expr) = Expr::parse(source) else { return };
    for name in expr.variables() {
        assert!(!name.is_empty());
    }
    let exact = expr.eval(&mut |i| Ok(value(i, salt)));
    let float = expr.eval(&mut |i| Ok(rust_decimal::prelude::ToPrimitive::to_f64(&value(i, salt)).unwrap_or(0.0)));
    if let Ok(f) = float {
        assert!(f.is_finite(), "a float result is finite or an error");
    }
    let _ = exact.map(|d| d.to_string());
});
