//! Derived-metric expressions: parsed once, evaluated many times.
//!
//! Grammar (DOMAIN.md): numbers, names of roster columns or other derived metrics, `+ - * /`,
//! parentheses, comparisons (`< <= > >= == !=`, yielding 1 or 0), and the functions
//! `min(a, b, ...)`, `max(a, b, ...)`, `abs(a)` and `if(condition, then, else)` (only the chosen
//! branch is evaluated, so `if(hours > 0, revenue / hours, 0)` never divides by zero).

use std::fmt;
use std::str::FromStr as _;

use rust_decimal::Decimal;

use crate::num::{ArithError, Konst, Num};

mod unit;

pub use unit::{Demands, Unit};

/// The deepest nesting an expression may have; deeper ones are refused with a clear error
/// instead of exhausting the stack.
pub const MAX_DEPTH: usize = 64;
/// The longest expression accepted, in bytes.
pub const MAX_LEN: usize = 10_000;

/// Why an expression could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("at column {column}: {message}")]
pub struct ParseError {
    /// 1-based character column of the problem.
    pub column: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Why an expression could not be evaluated for one employee.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// Arithmetic failed (division by zero, overflow).
    #[error("{0}")]
    Arith(#[from] ArithError),
    /// A name that is neither a column nor a derived metric.
    #[error("unknown metric `{0}`")]
    Unknown(String),
    /// A name with no value for this employee (the message says why).
    #[error("{0}")]
    Missing(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    /// A number, converted once for the simulation's `f64` evaluations.
    Num(Konst),
    Var(usize),
    Neg(Box<Node>),
    /// A comparison.
    Bin(BinOp, Box<Node>, Box<Node>),
    /// `a + b - c …` or `a * b / c …`: the first operand, then each operator with its right
    /// operand, applied left to right. Held as a list, not as a tree nesting to the left as deep as
    /// the chain is long: a sum of 5,000 terms would otherwise be evaluated 5,000 calls deep, past
    /// the stack of a worker thread.
    Chain(Box<Node>, Vec<(BinOp, Node)>),
    Min(Vec<Node>),
    Max(Vec<Node>),
    Abs(Box<Node>),
    If(Box<Node>, Box<Node>, Box<Node>),
}

/// A parsed expression. Variables are numbered in order of first appearance; see
/// [`Expr::variables`].
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    root: Node,
    names: Vec<String>,
}

impl Expr {
    /// Parses `source`.
    pub fn parse(source: &str) -> Result<Self, ParseError> {
        if source.len() > MAX_LEN {
            return Err(ParseError {
                column: 1,
                message: format!("expression is {} bytes long; the limit is {MAX_LEN}", source.len()),
            });
        }
        let tokens = tokenize(source)?;
        let mut parser = Parser { tokens, pos: 0, names: Vec::new(), depth: 0, end_column: source.chars().count() + 1 };
        if parser.tokens.is_empty() {
            return Err(ParseError { column: 1, message: "expression is empty".to_owned() });
        }
        let root = parser.expr()?;
        if let Some(tok) = parser.tokens.get(parser.pos) {
            return Err(ParseError { column: tok.column, message: format!("unexpected {}", tok.kind) });
        }
        Ok(Self { root, names: parser.names })
    }

    /// The names the expression reads, in order of first appearance (index = variable number).
    pub fn variables(&self) -> &[String] {
        &self.names
    }

    /// Evaluates with `value(i)` giving variable `i`'s value.
    pub fn eval<N: Num>(&self, value: &mut impl FnMut(usize) -> Result<N, EvalError>) -> Result<N, EvalError> {
        eval_node(&self.root, value)
    }
}

fn truth<N: Num>(b: bool) -> N {
    if b { N::ONE } else { N::ZERO }
}

fn eval_node<N: Num>(node: &Node, value: &mut impl FnMut(usize) -> Result<N, EvalError>) -> Result<N, EvalError> {
    Ok(match node {
        Node::Num(k) => N::konst(k),
        Node::Var(i) => value(*i)?,
        Node::Neg(inner) => eval_node(inner, value)?.neg(),
        Node::Abs(inner) => {
            let v = eval_node(inner, value)?;
            if v.is_negative() { v.neg() } else { v }
        }
        Node::Bin(op, lhs, rhs) => {
            let a = eval_node(lhs, value)?;
            let b = eval_node(rhs, value)?;
            apply(*op, &a, &b)?
        }
        Node::Chain(first, rest) => {
            let mut a = eval_node(first, value)?;
            for (op, rhs) in rest {
                let b = eval_node(rhs, value)?;
                a = apply(*op, &a, &b)?;
            }
            a
        }
        Node::Min(args) | Node::Max(args) => {
            let is_min = matches!(node, Node::Min(_));
            let mut best: Option<N> = None;
            for arg in args {
                let v = eval_node(arg, value)?;
                best = Some(match best {
                    None => v,
                    Some(b) if is_min => b.min_of(v),
                    Some(b) => b.max_of(v),
                });
            }
            best.unwrap_or(N::ZERO)
        }
        Node::If(cond, then, otherwise) => {
            if eval_node(cond, value)? != N::ZERO {
                eval_node(then, value)?
            } else {
                eval_node(otherwise, value)?
            }
        }
    })
}

/// `a op b`.
fn apply<N: Num>(op: BinOp, a: &N, b: &N) -> Result<N, EvalError> {
    Ok(match op {
        BinOp::Add => a.add(b)?,
        BinOp::Sub => a.sub(b)?,
        BinOp::Mul => a.mul(b)?,
        BinOp::Div => a.div(b)?,
        BinOp::Lt => truth(a < b),
        BinOp::Le => truth(a <= b),
        BinOp::Gt => truth(a > b),
        BinOp::Ge => truth(a >= b),
        BinOp::Eq => truth(a == b),
        BinOp::Ne => truth(a != b),
    })
}

#[derive(Clone, Debug, PartialEq)]
enum TokKind {
    Num(Decimal),
    Ident(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
}

impl fmt::Display for TokKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Num(d) => write!(f, "number {d}"),
            Self::Ident(s) => write!(f, "name `{s}`"),
            Self::Op(op) => write!(f, "`{op}`"),
            Self::LParen => f.write_str("`(`"),
            Self::RParen => f.write_str("`)`"),
            Self::Comma => f.write_str("`,`"),
        }
    }
}

#[derive(Clone, Debug)]
struct Token {
    kind: TokKind,
    column: usize,
}

fn tokenize(source: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            while chars.get(i).is_some_and(|c| c.is_ascii_digit() || *c == '.' || *c == '_') {
                i += 1;
            }
            let text: String = chars[start..i].iter().filter(|c| **c != '_').collect();
            let num = Decimal::from_str(&text).map_err(|_| ParseError {
                column,
                message: format!("`{text}` is not a number (too many digits, or two decimal points)"),
            })?;
            tokens.push(Token { kind: TokKind::Num(num), column });
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while chars.get(i).is_some_and(|c| c.is_alphanumeric() || *c == '_') {
                i += 1;
            }
            tokens.push(Token { kind: TokKind::Ident(chars[start..i].iter().collect()), column });
            continue;
        }
        let next = chars.get(i + 1).copied();
        let (kind, len) = match (c, next) {
            ('<', Some('=')) => (TokKind::Op("<="), 2),
            ('>', Some('=')) => (TokKind::Op(">="), 2),
            ('=', Some('=')) => (TokKind::Op("=="), 2),
            ('!', Some('=')) => (TokKind::Op("!="), 2),
            ('<', _) => (TokKind::Op("<"), 1),
            ('>', _) => (TokKind::Op(">"), 1),
            ('+', _) => (TokKind::Op("+"), 1),
            ('-', _) => (TokKind::Op("-"), 1),
            ('*', _) => (TokKind::Op("*"), 1),
            ('/', _) => (TokKind::Op("/"), 1),
            ('(', _) => (TokKind::LParen, 1),
            (')', _) => (TokKind::RParen, 1),
            (',', _) => (TokKind::Comma, 1),
            ('=', _) => {
                return Err(ParseError { column, message: "use `==` to compare".to_owned() });
            }
            _ => {
                return Err(ParseError { column, message: format!("unexpected character `{c}`") });
            }
        };
        tokens.push(Token { kind, column });
        i += len;
    }
    Ok(tokens)
}

/// `first` alone, or followed by the operators and operands of `rest`.
fn chain(first: Node, rest: Vec<(BinOp, Node)>) -> Node {
    if rest.is_empty() { first } else { Node::Chain(Box::new(first), rest) }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    names: Vec<String>,
    depth: usize,
    end_column: usize,
}

impl Parser {
    fn peek(&self) -> Option<&TokKind> {
        self.tokens.get(self.pos).map(|t| &t.kind)
    }

    fn column(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end_column, |t| t.column)
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError { column: self.column(), message: message.into() })
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error(format!("expression is nested more than {MAX_DEPTH} levels deep"));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Node, ParseError> {
        self.enter()?;
        let lhs = self.additive()?;
        let op = match self.peek() {
            Some(TokKind::Op("<")) => Some(BinOp::Lt),
            Some(TokKind::Op("<=")) => Some(BinOp::Le),
            Some(TokKind::Op(">")) => Some(BinOp::Gt),
            Some(TokKind::Op(">=")) => Some(BinOp::Ge),
            Some(TokKind::Op("==")) => Some(BinOp::Eq),
            Some(TokKind::Op("!=")) => Some(BinOp::Ne),
            _ => None,
        };
        let node = match op {
            Some(op) => {
                self.pos += 1;
                let rhs = self.additive()?;
                if let Some(TokKind::Op(o @ ("<" | "<=" | ">" | ">=" | "==" | "!="))) = self.peek() {
                    return self.error(format!("comparisons cannot be chained; use if() or parentheses before `{o}`"));
                }
                Node::Bin(op, Box::new(lhs), Box::new(rhs))
            }
            None => lhs,
        };
        self.depth -= 1;
        Ok(node)
    }

    fn additive(&mut self) -> Result<Node, ParseError> {
        let first = self.multiplicative()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Some(TokKind::Op("+")) => BinOp::Add,
                Some(TokKind::Op("-")) => BinOp::Sub,
                _ => return Ok(chain(first, rest)),
            };
            self.pos += 1;
            rest.push((op, self.multiplicative()?));
        }
    }

    fn multiplicative(&mut self) -> Result<Node, ParseError> {
        let first = self.unary()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Some(TokKind::Op("*")) => BinOp::Mul,
                Some(TokKind::Op("/")) => BinOp::Div,
                _ => return Ok(chain(first, rest)),
            };
            self.pos += 1;
            rest.push((op, self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Node, ParseError> {
        match self.peek() {
            Some(TokKind::Op("-")) => {
                self.pos += 1;
                self.enter()?;
                let inner = self.unary()?;
                self.depth -= 1;
                Ok(Node::Neg(Box::new(inner)))
            }
            Some(TokKind::Op("+")) => {
                self.pos += 1;
                self.enter()?;
                let inner = self.unary()?;
                self.depth -= 1;
                Ok(inner)
            }
            _ => self.primary(),
        }
    }

    fn primary(&mut self) -> Result<Node, ParseError> {
        let Some(tok) = self.tokens.get(self.pos).cloned() else {
            return self.error("expression ends too early: a number, name or `(` is missing");
        };
        self.pos += 1;
        match tok.kind {
            TokKind::Num(d) => Ok(Node::Num(d.into())),
            TokKind::LParen => {
                let inner = self.expr()?;
                self.expect_rparen(tok.column)?;
                Ok(inner)
            }
            TokKind::Ident(name) => {
                if self.peek() == Some(&TokKind::LParen) {
                    self.pos += 1;
                    self.call(&name, tok.column)
                } else {
                    Ok(Node::Var(self.var(name)))
                }
            }
            other => {
                self.pos -= 1;
                self.error(format!("unexpected {other}; a number, name or `(` was expected"))
            }
        }
    }

    fn expect_rparen(&mut self, open_column: usize) -> Result<(), ParseError> {
        if self.peek() == Some(&TokKind::RParen) {
            self.pos += 1;
            Ok(())
        } else {
            self.error(format!("`)` missing for the `(` at column {open_column}"))
        }
    }

    fn call(&mut self, name: &str, column: usize) -> Result<Node, ParseError> {
        let mut args = Vec::new();
        if self.peek() != Some(&TokKind::RParen) {
            loop {
                args.push(self.expr()?);
                if self.peek() == Some(&TokKind::Comma) {
                    self.pos += 1;
                } else {
                    break;
                }
            }
        }
        self.expect_rparen(column)?;
        let arity_error = |expected: &str| {
            Err(ParseError { column, message: format!("{name}() takes {expected}, not {}", args.len()) })
        };
        match name {
            "min" | "max" if args.is_empty() => arity_error("at least one argument"),
            "min" => Ok(Node::Min(args)),
            "max" => Ok(Node::Max(args)),
            "abs" => match <[Node; 1]>::try_from(args) {
                Ok([a]) => Ok(Node::Abs(Box::new(a))),
                Err(args) => {
                    Err(ParseError { column, message: format!("abs() takes one argument, not {}", args.len()) })
                }
            },
            "if" => match <[Node; 3]>::try_from(args) {
                Ok([c, t, e]) => Ok(Node::If(Box::new(c), Box::new(t), Box::new(e))),
                Err(args) => Err(ParseError {
                    column,
                    message: format!("if() takes three arguments (condition, then, else), not {}", args.len()),
                }),
            },
            _ => Err(ParseError {
                column,
                message: format!("unknown function `{name}`; the functions are min, max, abs and if"),
            }),
        }
    }

    fn var(&mut self, name: String) -> usize {
        if let Some(i) = self.names.iter().position(|n| *n == name) {
            return i;
        }
        self.names.push(name);
        self.names.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::num::Rational;

    fn eval_with(src: &str, vars: &[(&str, &str)]) -> Result<Rational, EvalError> {
        let expr = Expr::parse(src).unwrap();
        let names = expr.variables().to_vec();
        expr.eval(&mut |i| {
            let name = &names[i];
            vars.iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| Rational::from_decimal(Decimal::from_str(v).unwrap()))
                .ok_or_else(|| EvalError::Unknown(name.clone()))
        })
    }

    fn int(n: i128) -> Rational {
        Rational::from_int(n)
    }

    fn dec(s: &str) -> Rational {
        Rational::from_decimal(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn precedence_and_parentheses() {
        assert_eq!(eval_with("1 + 2 * 3", &[]).unwrap(), int(7));
        assert_eq!(eval_with("(1 + 2) * 3", &[]).unwrap(), int(9));
        assert_eq!(eval_with("-2 * -3", &[]).unwrap(), int(6));
        assert_eq!(eval_with("10 - 4 - 3", &[]).unwrap(), int(3), "subtraction is left-associative");
        assert_eq!(eval_with("8 / 4 / 2", &[]).unwrap(), int(1), "division is left-associative");
    }

    #[test]
    fn domain_example_internal_share() {
        let v = eval_with(
            "internal_hours / (billable_hours + internal_hours)",
            &[("internal_hours", "60"), ("billable_hours", "240")],
        )
        .unwrap();
        assert_eq!(v, dec("0.2"));
    }

    #[test]
    fn functions_and_comparisons() {
        assert_eq!(eval_with("min(3, 1, 2) + max(4, 5)", &[]).unwrap(), int(6));
        assert_eq!(eval_with("abs(-2.5)", &[]).unwrap(), dec("2.5"));
        assert_eq!(eval_with("if(x >= 3, 10, 20)", &[("x", "3")]).unwrap(), int(10));
        assert_eq!(eval_with("(x < 3) + (x != 3) + (x == 3)", &[("x", "3")]).unwrap(), Rational::ONE);
    }

    #[test]
    fn if_evaluates_only_the_chosen_branch() {
        assert_eq!(eval_with("if(h > 0, r / h, 0)", &[("h", "0"), ("r", "5")]).unwrap(), Rational::ZERO);
    }

    #[test]
    fn division_by_zero_is_an_error() {
        assert_eq!(eval_with("1 / (a - a)", &[("a", "2")]), Err(EvalError::Arith(ArithError::DivisionByZero)));
    }

    #[test]
    fn results_are_exact_however_large_or_repeating() {
        let big = "79228162514264337593543950335";
        let product = eval_with(&format!("{big} * 10 * 10 / 100"), &[]).unwrap();
        assert_eq!(product, dec(big), "past the largest decimal and back, exactly");
        assert_eq!(eval_with("1 / 3 * 3", &[]).unwrap(), int(1), "no digits are cut");
        assert_eq!(eval_with("62 / 576", &[]).unwrap(), Rational::new(31, 288).unwrap());
    }

    #[test]
    fn unknown_name_is_reported() {
        assert_eq!(eval_with("revenue * 2", &[]), Err(EvalError::Unknown("revenue".to_owned())));
    }

    #[test]
    fn parse_errors_name_the_column() {
        assert_eq!(Expr::parse("1 +").unwrap_err().column, 4);
        let e = Expr::parse("(1 + 2").unwrap_err();
        assert!(e.message.contains("`)` missing"), "{e}");
        assert!(Expr::parse("foo(1)").unwrap_err().message.contains("unknown function `foo`"));
        assert!(Expr::parse("if(1, 2)").unwrap_err().message.contains("three arguments"));
        assert!(Expr::parse("a = b").unwrap_err().message.contains("=="));
        assert!(Expr::parse("1 < 2 < 3").unwrap_err().message.contains("chained"));
        assert!(Expr::parse("").unwrap_err().message.contains("empty"));
        assert!(Expr::parse("3 $").unwrap_err().message.contains("unexpected character"));
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = format!("{}1{}", "(".repeat(4_000), ")".repeat(4_000));
        let e = Expr::parse(&deep).unwrap_err();
        assert!(e.message.contains("nested more than"), "{e}");
        let negs = format!("{}1", "-".repeat(9_000));
        assert!(Expr::parse(&negs).is_err(), "a chain of unary minus is bounded too");
        let ok = format!("{}1{}", "(".repeat(MAX_DEPTH - 1), ")".repeat(MAX_DEPTH - 1));
        assert!(Expr::parse(&ok).is_ok(), "nesting within the limit parses");
    }

    #[test]
    fn the_longest_chains_are_evaluated_in_little_stack_left_to_right() {
        // The longest sum an expression may hold (10,000 bytes): in the release build each level
        // of a tree nesting to the left took about 460 bytes of stack, and a worker thread's
        // 2 MiB ran out at about 4,500 terms. 64 KiB is far less than any thread has.
        let sum = vec!["x"; 5000].join("+");
        let product = vec!["2"; 1000].join("*") + "/x";
        let evaluate = move || {
            let exact = |src: &str| Expr::parse(src).unwrap().eval(&mut |_| Ok(Rational::from_int(3))).unwrap();
            let float = |src: &str| Expr::parse(src).unwrap().eval(&mut |_| Ok(3.0_f64)).unwrap();
            (exact(&sum), float(&sum), float(&product))
        };
        let (exact, float, product) =
            std::thread::Builder::new().stack_size(64 * 1024).spawn(evaluate).unwrap().join().unwrap();
        assert_eq!(exact, Rational::from_int(15_000));
        assert_eq!(float, 15_000.0);
        assert_eq!(product, 2f64.powi(1000) / 3.0, "left to right: ((2 * 2) * …) / x");
        // Subtraction and division keep their order: ((10 - 4) - 3) and ((12 / 3) / 2).
        let value = |src: &str| Expr::parse(src).unwrap().eval(&mut |_| Ok(Rational::ZERO)).unwrap();
        assert_eq!(value("10 - 4 - 3"), Rational::from_int(3));
        assert_eq!(value("12 / 3 / 2"), Rational::from_int(2));
        assert_eq!(value("2 + 3 * 4 - 6 / 2"), Rational::from_int(11));
    }

    #[test]
    fn variables_are_listed_once_in_order() {
        let e = Expr::parse("b + a * b").unwrap();
        assert_eq!(e.variables(), ["b", "a"]);
    }

    #[test]
    fn evaluates_in_f64_too() {
        let e = Expr::parse("if(x > 1, x * 2, 0) + min(x, 10)").unwrap();
        let v: f64 = e.eval(&mut |_| Ok(3.0)).unwrap();
        assert!((v - 9.0).abs() < 1e-12);
    }
}
