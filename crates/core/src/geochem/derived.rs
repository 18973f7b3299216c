//! Derived variables: TREO, chondrite-normalised REE, Eu/Eu* and Ce/Ce*, user ratios and sums.
//!
//! # TREO
//! Total rare earth oxides in ppm of oxides: `TREO = Σ cᵢ / fᵢ` over the REE columns present,
//! with `cᵢ` the element in ppm and `fᵢ` the oxide-to-element mass fraction of its reporting
//! oxide ([`oxide_to_element_factor`], IUPAC 2021 atomic weights), so `1/fᵢ` is the
//! element-to-oxide factor (La → La2O3 × 1.17276). The REE are La–Lu without Pm, plus Y, each as
//! its conventional oxide ([`REE_OXIDES`]: CeO2, Pr6O11 and Tb4O7 for the mixed-valence ones, the
//! sesquioxide M2O3 for the others). Sc (as Sc2O3) is counted only when asked: most resource
//! reports quote it apart from TREO. A sample missing a value in any present REE column has no
//! TREO (NaN), so that all TREO values of a survey sum the same elements.
//!
//! # Chondrite normalisation and anomalies
//! `X_N = X / X_CI` with the CI chondrite of McDonough & Sun (1995), *The composition of the
//! Earth*, Chem. Geol. 120, 223-253, Table 1 ([`CHONDRITE_MS95`], ppm):
//! La 0.237, Ce 0.613, Pr 0.0928, Nd 0.457, Sm 0.148, Eu 0.0563, Gd 0.199, Tb 0.0361,
//! Dy 0.246, Ho 0.0546, Er 0.160, Tm 0.0247, Yb 0.161, Lu 0.0246 (checked against the
//! compilation of normalising values by R. Korotev, Washington University in St. Louis,
//! "Rare earth plots and the concentrations of rare earth elements in chondritic meteorites").
//! - `Eu/Eu* = Eu_N / √(Sm_N · Gd_N)` (Taylor & McLennan 1985, *The Continental Crust: its
//!   Composition and Evolution*, Blackwell).
//! - `Ce/Ce* = Ce_N / √(La_N · Pr_N)`, and when Pr was not analysed (INAA suites such as Kola's)
//!   `Ce/Ce* = Ce_N / (La_N^(2/3) · Nd_N^(1/3))`: both are the geometric (log-linear in atomic
//!   number) interpolation of the normalised pattern at Ce (Z = 58) between its neighbours,
//!   La (57) and Pr (59), or La (57) and Nd (60), where Ce sits one third of the way.
//!
//! Values `≤ 0` or NaN give NaN.
//!
//! # User expressions
//! [`parse_expression`] reads sums, differences, products and ratios of element symbols and
//! numbers, with parentheses: `Sn + W`, `La / Yb`, `(La + Ce) / (Yb + Lu)`, `Ce × 0.5`. The
//! operators may be written `+ - * /` or `− × ÷`. Names are element symbols in their exact case;
//! evaluation takes each element's value from a lookup and gives NaN when one is missing or a
//! division is by zero.
//!
//! ```
//! use geoprospect_core::geochem::derived::parse_expression;
//! let e = parse_expression("(La + Ce) / Yb").unwrap();
//! assert_eq!(e.elements(), ["La", "Ce", "Yb"]);
//! let v = e.eval(|el| match el { "La" => Some(30.0), "Ce" => Some(60.0), "Yb" => Some(3.0), _ => None });
//! assert_eq!(v, 30.0);
//! assert_eq!(
//!     parse_expression("Sn + Wx").unwrap_err().to_string(),
//!     "expression \"Sn + Wx\": \"Wx\" is not an element symbol"
//! );
//! ```
use std::fmt;

use super::elements::{element, oxide_to_element_factor};
use crate::error::{Error, Result};

/// The REE and their reporting oxides for [`treo`], in order of atomic number with Y last.
pub const REE_OXIDES: [(&str, &str); 15] = [
    ("La", "La2O3"),
    ("Ce", "CeO2"),
    ("Pr", "Pr6O11"),
    ("Nd", "Nd2O3"),
    ("Sm", "Sm2O3"),
    ("Eu", "Eu2O3"),
    ("Gd", "Gd2O3"),
    ("Tb", "Tb4O7"),
    ("Dy", "Dy2O3"),
    ("Ho", "Ho2O3"),
    ("Er", "Er2O3"),
    ("Tm", "Tm2O3"),
    ("Yb", "Yb2O3"),
    ("Lu", "Lu2O3"),
    ("Y", "Y2O3"),
];

/// Scandium's reporting oxide, counted in [`treo`] only on request.
pub const SC_OXIDE: (&str, &str) = ("Sc", "Sc2O3");

/// CI chondrite, McDonough & Sun (1995) Table 1, ppm (module docs).
pub const CHONDRITE_MS95: [(&str, f64); 14] = [
    ("La", 0.237),
    ("Ce", 0.613),
    ("Pr", 0.0928),
    ("Nd", 0.457),
    ("Sm", 0.148),
    ("Eu", 0.0563),
    ("Gd", 0.199),
    ("Tb", 0.0361),
    ("Dy", 0.246),
    ("Ho", 0.0546),
    ("Er", 0.160),
    ("Tm", 0.0247),
    ("Yb", 0.161),
    ("Lu", 0.0246),
];

/// The factor that turns ppm of an element into ppm of `oxide` (`1 / oxide_to_element_factor`),
/// e.g. La → La2O3: 1.17276.
pub fn element_to_oxide_factor(oxide: &str) -> Result<f64> {
    oxide_to_element_factor(oxide)
        .map(|f| 1.0 / f)
        .map_err(|e| Error::Internal(format!("oxide factor: {e}")))
}

/// TREO per sample and which REE it was made of.
#[derive(Debug, Clone, PartialEq)]
pub struct Treo {
    /// TREO in ppm of oxides per sample; NaN where a present REE is missing.
    pub values: Vec<f64>,
    /// REE (and Sc when asked) that had a column, in [`REE_OXIDES`] order.
    pub present: Vec<&'static str>,
    /// REE (and Sc when asked) without a column.
    pub missing: Vec<&'static str>,
}

/// TREO (module docs) from `columns`: (element symbol, ppm per sample). Columns of other
/// elements are ignored. Errors: no REE column, one element given twice, columns of different
/// lengths.
///
/// ```
/// use geoprospect_core::geochem::derived::treo;
/// let la = [10.0, f64::NAN];
/// let ce = [20.0, 5.0];
/// let t = treo(&[("La", &la), ("Ce", &ce), ("Mo", &[1.0, 1.0])], false).unwrap();
/// // 10 × 1.172763 (La2O3) + 20 × 1.228361 (CeO2)
/// assert!((t.values[0] - 36.29486).abs() < 1e-4 && t.values[1].is_nan());
/// assert_eq!(t.present, ["La", "Ce"]);
/// assert_eq!(t.missing.len(), 13);
/// ```
pub fn treo(columns: &[(&str, &[f64])], include_sc: bool) -> Result<Treo> {
    let list: Vec<(&'static str, &'static str)> = REE_OXIDES
        .iter()
        .copied()
        .chain(include_sc.then_some(SC_OXIDE))
        .collect();
    for (i, (el, _)) in columns.iter().enumerate() {
        if columns[..i].iter().any(|(other, _)| other == el) {
            return Err(Error::param(format!(
                "treo: element {el} is given by two columns; choose one"
            )));
        }
    }
    let mut n = None;
    let mut terms = Vec::new();
    let (mut present, mut missing) = (Vec::new(), Vec::new());
    for &(el, oxide) in &list {
        let Some(&(_, values)) = columns.iter().find(|(c, _)| *c == el) else {
            missing.push(el);
            continue;
        };
        match n {
            None => n = Some(values.len()),
            Some(len) if len != values.len() => {
                return Err(Error::param(format!(
                    "treo: column of {el} has {} values, others have {len}",
                    values.len()
                )))
            }
            Some(_) => {}
        }
        terms.push((values, element_to_oxide_factor(oxide)?));
        present.push(el);
    }
    let Some(n) = n else {
        return Err(Error::param(
            "treo: no rare earth element column (La-Lu, Y)",
        ));
    };
    let values = (0..n)
        .map(|i| terms.iter().map(|(v, f)| v[i] * f).sum())
        .collect();
    Ok(Treo {
        values,
        present,
        missing,
    })
}

/// The CI chondrite value of a REE (McDonough & Sun 1995), ppm.
pub fn chondrite(symbol: &str) -> Option<f64> {
    CHONDRITE_MS95
        .iter()
        .find(|(s, _)| *s == symbol)
        .map(|&(_, v)| v)
}

/// `ppm / CI chondrite` for each value; `None` when `symbol` is not one of La–Lu (Pm excepted).
pub fn chondrite_normalised(symbol: &str, ppm: &[f64]) -> Option<Vec<f64>> {
    let c = chondrite(symbol)?;
    Some(ppm.iter().map(|v| v / c).collect())
}

// Chondrite values by position in CHONDRITE_MS95.
const CI_LA: f64 = CHONDRITE_MS95[0].1;
const CI_CE: f64 = CHONDRITE_MS95[1].1;
const CI_PR: f64 = CHONDRITE_MS95[2].1;
const CI_ND: f64 = CHONDRITE_MS95[3].1;
const CI_SM: f64 = CHONDRITE_MS95[4].1;
const CI_EU: f64 = CHONDRITE_MS95[5].1;
const CI_GD: f64 = CHONDRITE_MS95[6].1;

/// A positive normalised value, else NaN.
fn norm(ppm: f64, c: f64) -> f64 {
    if ppm > 0.0 {
        ppm / c
    } else {
        f64::NAN
    }
}

/// `Eu/Eu* = Eu_N / √(Sm_N · Gd_N)` from ppm values (module docs).
///
/// ```
/// use geoprospect_core::geochem::derived::eu_anomaly;
/// // A flat chondritic pattern has no anomaly.
/// assert!((eu_anomaly(0.0563, 0.148, 0.199) - 1.0).abs() < 1e-12);
/// ```
pub fn eu_anomaly(eu: f64, sm: f64, gd: f64) -> f64 {
    let (e, s, g) = (norm(eu, CI_EU), norm(sm, CI_SM), norm(gd, CI_GD));
    e / (s * g).sqrt()
}

/// Which interpolation a Ce anomaly used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CeFormula {
    /// `Ce_N / √(La_N · Pr_N)`.
    LaPr,
    /// `Ce_N / (La_N^(2/3) · Nd_N^(1/3))`, when Pr is absent.
    LaNd,
}

/// `Ce/Ce* = Ce_N / √(La_N · Pr_N)` from ppm values.
pub fn ce_anomaly_pr(la: f64, ce: f64, pr: f64) -> f64 {
    let (l, c, p) = (norm(la, CI_LA), norm(ce, CI_CE), norm(pr, CI_PR));
    c / (l * p).sqrt()
}

/// `Ce/Ce* = Ce_N / (La_N^(2/3) · Nd_N^(1/3))` from ppm values (no Pr).
///
/// ```
/// use geoprospect_core::geochem::derived::ce_anomaly_nd;
/// assert!((ce_anomaly_nd(0.237, 0.613, 0.457) - 1.0).abs() < 1e-12);
/// // La_N = 100, Nd_N = 12.5: Ce* = 100^(2/3) · 12.5^(1/3) = 50; Ce_N = 25 → 0.5.
/// assert!((ce_anomaly_nd(23.7, 25.0 * 0.613, 12.5 * 0.457) - 0.5).abs() < 1e-12);
/// ```
pub fn ce_anomaly_nd(la: f64, ce: f64, nd: f64) -> f64 {
    let (l, c, d) = (norm(la, CI_LA), norm(ce, CI_CE), norm(nd, CI_ND));
    c / (l.powf(2.0 / 3.0) * d.cbrt())
}

/// Ce/Ce* per sample from columns in ppm: with Pr when there is a Pr column, else with Nd.
/// `None` when neither Pr nor Nd is given, or when column lengths differ.
pub fn ce_anomalies(
    la: &[f64],
    ce: &[f64],
    pr: Option<&[f64]>,
    nd: Option<&[f64]>,
) -> Option<(Vec<f64>, CeFormula)> {
    if la.len() != ce.len() {
        return None;
    }
    match (pr, nd) {
        (Some(pr), _) if pr.len() == la.len() => Some((
            (0..la.len())
                .map(|i| ce_anomaly_pr(la[i], ce[i], pr[i]))
                .collect(),
            CeFormula::LaPr,
        )),
        (None, Some(nd)) if nd.len() == la.len() => Some((
            (0..la.len())
                .map(|i| ce_anomaly_nd(la[i], ce[i], nd[i]))
                .collect(),
            CeFormula::LaNd,
        )),
        _ => None,
    }
}

/// An arithmetic operator of an [`Expr`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

impl Op {
    fn symbol(self) -> char {
        match self {
            Op::Add => '+',
            Op::Sub => '-',
            Op::Mul => '*',
            Op::Div => '/',
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Element(String),
    Number(f64),
    Binary(Op, Box<Node>, Box<Node>),
}

/// A user-defined derived variable: element symbols and numbers combined with `+ - * /` and
/// parentheses (module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    text: String,
    root: Node,
}

/// Longest expression accepted, in characters.
const MAX_EXPR_CHARS: usize = 500;
/// Deepest nesting of parentheses accepted.
const MAX_DEPTH: usize = 32;

/// Reads an expression such as `Sn + W` or `La / Yb`. Errors name the expression and what is
/// wrong in it: `expression "La / Xy": "Xy" is not an element symbol`.
pub fn parse_expression(text: &str) -> Result<Expr> {
    let fail = |m: String| Error::param(format!("expression {text:?}: {m}"));
    if text.chars().count() > MAX_EXPR_CHARS {
        return Err(fail(format!("longer than {MAX_EXPR_CHARS} characters")));
    }
    let tokens = tokenize(text).map_err(fail)?;
    if tokens.is_empty() {
        return Err(fail("empty".into()));
    }
    let mut p = Parser {
        tokens: &tokens,
        pos: 0,
        depth: 0,
    };
    let root = p.expr().map_err(fail)?;
    if let Some((t, at)) = tokens.get(p.pos) {
        return Err(fail(format!(
            "unexpected {} at character {at}",
            t.describe()
        )));
    }
    Ok(Expr {
        text: text.trim().to_string(),
        root,
    })
}

impl Expr {
    /// The value for one sample: `lookup` gives each element's value (ppm); NaN when an element
    /// is missing (`None` or NaN) or a division is by zero.
    pub fn eval(&self, lookup: impl Fn(&str) -> Option<f64>) -> f64 {
        eval_node(&self.root, &lookup)
    }

    /// The element symbols used, in order of first appearance, each once.
    pub fn elements(&self) -> Vec<&str> {
        let mut out = Vec::new();
        collect_elements(&self.root, &mut out);
        out
    }

    /// Checks that every element has a column: `has(symbol)`; the error names the expression
    /// and the first element without one.
    pub fn require(&self, has: impl Fn(&str) -> bool) -> Result<()> {
        match self.elements().into_iter().find(|e| !has(e)) {
            Some(e) => Err(Error::param(format!(
                "expression {:?}: no column for element {e:?}",
                self.text
            ))),
            None => Ok(()),
        }
    }

    /// The expression as written (trimmed).
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Expr {
    /// The expression fully parenthesised: `(La + Ce) / Yb` → `((La + Ce) / Yb)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn node(n: &Node, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match n {
                Node::Element(e) => f.write_str(e),
                Node::Number(v) => write!(f, "{v}"),
                Node::Binary(op, a, b) => {
                    f.write_str("(")?;
                    node(a, f)?;
                    write!(f, " {} ", op.symbol())?;
                    node(b, f)?;
                    f.write_str(")")
                }
            }
        }
        node(&self.root, f)
    }
}

fn eval_node(n: &Node, lookup: &dyn Fn(&str) -> Option<f64>) -> f64 {
    match n {
        Node::Element(e) => lookup(e).unwrap_or(f64::NAN),
        Node::Number(v) => *v,
        Node::Binary(op, a, b) => {
            let (x, y) = (eval_node(a, lookup), eval_node(b, lookup));
            match op {
                Op::Add => x + y,
                Op::Sub => x - y,
                Op::Mul => x * y,
                Op::Div if y == 0.0 => f64::NAN,
                Op::Div => x / y,
            }
        }
    }
}

fn collect_elements<'a>(n: &'a Node, out: &mut Vec<&'a str>) {
    match n {
        Node::Element(e) => {
            if !out.contains(&e.as_str()) {
                out.push(e);
            }
        }
        Node::Number(_) => {}
        Node::Binary(_, a, b) => {
            collect_elements(a, out);
            collect_elements(b, out);
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Number(f64),
    Op(Op),
    Open,
    Close,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::Name(n) => format!("{n:?}"),
            Token::Number(v) => format!("number {v}"),
            Token::Op(op) => format!("\"{}\"", op.symbol()),
            Token::Open => "\"(\"".into(),
            Token::Close => "\")\"".into(),
        }
    }
}

/// Tokens with their 1-based character positions.
fn tokenize(text: &str) -> std::result::Result<Vec<(Token, usize)>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = i + 1;
        let single = match c {
            '+' => Some(Token::Op(Op::Add)),
            '-' | '\u{2212}' => Some(Token::Op(Op::Sub)),
            '*' | '\u{d7}' => Some(Token::Op(Op::Mul)),
            '/' | '\u{f7}' => Some(Token::Op(Op::Div)),
            '(' => Some(Token::Open),
            ')' => Some(Token::Close),
            _ => None,
        };
        if let Some(t) = single {
            out.push((t, at));
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            if element(&name).is_none() {
                return Err(format!("{name:?} is not an element symbol"));
            }
            out.push((Token::Name(name), at));
        } else if c.is_ascii_digit() || c == '.' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            // An exponent: 1e-3, 2.5E4.
            if i < chars.len() && matches!(chars[i], 'e' | 'E') {
                let mut j = i + 1;
                if j < chars.len() && matches!(chars[j], '+' | '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    while j < chars.len() && chars[j].is_ascii_digit() {
                        j += 1;
                    }
                    i = j;
                }
            }
            let s: String = chars[start..i].iter().collect();
            match s.parse::<f64>() {
                Ok(v) if v.is_finite() => out.push((Token::Number(v), at)),
                _ => return Err(format!("{s:?} at character {at} is not a number")),
            }
        } else {
            return Err(format!("unexpected character {c:?} at character {at}"));
        }
    }
    Ok(out)
}

struct Parser<'a> {
    tokens: &'a [(Token, usize)],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek_op(&self, ops: &[Op]) -> Option<Op> {
        match self.tokens.get(self.pos) {
            Some((Token::Op(op), _)) if ops.contains(op) => Some(*op),
            _ => None,
        }
    }

    /// expr := term (("+" | "-") term)*
    fn expr(&mut self) -> std::result::Result<Node, String> {
        let mut left = self.term()?;
        while let Some(op) = self.peek_op(&[Op::Add, Op::Sub]) {
            self.pos += 1;
            let right = self.term()?;
            left = Node::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// term := atom (("*" | "/") atom)*
    fn term(&mut self) -> std::result::Result<Node, String> {
        let mut left = self.atom()?;
        while let Some(op) = self.peek_op(&[Op::Mul, Op::Div]) {
            self.pos += 1;
            let right = self.atom()?;
            left = Node::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// atom := element | number | "(" expr ")"
    fn atom(&mut self) -> std::result::Result<Node, String> {
        let Some((token, at)) = self.tokens.get(self.pos) else {
            return Err("ends where an element, a number or \"(\" was expected".into());
        };
        self.pos += 1;
        match token {
            Token::Name(n) => Ok(Node::Element(n.clone())),
            Token::Number(v) => Ok(Node::Number(*v)),
            Token::Open => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(format!("parentheses nested deeper than {MAX_DEPTH} levels"));
                }
                let inner = self.expr()?;
                match self.tokens.get(self.pos) {
                    Some((Token::Close, _)) => {
                        self.pos += 1;
                        self.depth -= 1;
                        Ok(inner)
                    }
                    Some((t, at)) => Err(format!(
                        "expected \")\" at character {at}, found {}",
                        t.describe()
                    )),
                    None => Err(format!("\"(\" at character {at} is never closed")),
                }
            }
            t => Err(format!(
                "expected an element, a number or \"(\" at character {at}, found {}",
                t.describe()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1.0)
    }

    #[test]
    fn oxide_factors_come_from_atomic_weights() {
        // La2O3: (2 × 138.91 + 3 × 15.999) / (2 × 138.91) = 325.817 / 277.82 = 1.172763
        let f = |ox: &str| element_to_oxide_factor(ox).unwrap();
        assert!(close(f("La2O3"), 1.172763, 1e-6), "{}", f("La2O3"));
        // CeO2: (140.12 + 31.998) / 140.12 = 1.228361
        assert!(close(f("CeO2"), 1.228361, 1e-6));
        // Pr6O11: (6 × 140.91 + 11 × 15.999) / (6 × 140.91) = 1021.449 / 845.46 = 1.208158
        assert!(close(f("Pr6O11"), 1.208158, 1e-6));
        // Y2O3: (2 × 88.906 + 47.997) / (2 × 88.906) = 225.809 / 177.812 = 1.269931
        assert!(close(f("Y2O3"), 1.269931, 1e-6));
        for (_, ox) in REE_OXIDES.iter().chain([&SC_OXIDE]) {
            let f = element_to_oxide_factor(ox).unwrap();
            assert!((1.1..1.6).contains(&f), "{ox} {f}");
        }
    }

    #[test]
    fn treo_sums_present_ree_and_reports_missing() {
        let la = [100.0, 1.0];
        let y = [10.0, 2.0];
        let sc = [5.0, 5.0];
        let cols: Vec<(&str, &[f64])> = vec![("La", &la), ("Y", &y), ("Sc", &sc)];
        let t = treo(&cols, false).unwrap();
        let expect = 100.0 * 1.1727629 + 10.0 * 1.2699312;
        assert!(close(t.values[0], expect, 1e-6), "{}", t.values[0]);
        assert_eq!(t.present, ["La", "Y"]);
        assert!(!t.missing.contains(&"Sc") && t.missing.contains(&"Lu"));
        let t = treo(&cols, true).unwrap();
        // Sc2O3: (2 × 44.956 + 47.997) / (2 × 44.956) = 137.909 / 89.912 = 1.533822
        assert!(close(t.values[0], expect + 5.0 * 1.5338220, 1e-6));
        assert_eq!(t.present, ["La", "Y", "Sc"]);

        let e = treo(&[("Mo", &la)], false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "treo: no rare earth element column (La-Lu, Y)"
        );
        let e = treo(&[("La", &la), ("La", &y)], false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "treo: element La is given by two columns; choose one"
        );
        let e = treo(&[("La", &la), ("Ce", &[1.0])], false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "treo: column of Ce has 1 values, others have 2"
        );
    }

    #[test]
    fn chondrite_table() {
        assert_eq!(chondrite("La"), Some(0.237));
        assert_eq!(chondrite("Lu"), Some(0.0246));
        assert_eq!(chondrite("Y"), None);
        assert_eq!(chondrite_normalised("Yb", &[1.61]).unwrap(), [10.0]);
        // Every REE of the TREO list but Y has a chondrite value, in the same order.
        let syms: Vec<_> = CHONDRITE_MS95.iter().map(|(s, _)| *s).collect();
        let ree: Vec<_> = REE_OXIDES[..14].iter().map(|(s, _)| *s).collect();
        assert_eq!(syms, ree);
    }

    #[test]
    fn anomalies_by_hand() {
        // Sm_N = 100, Gd_N = 25 → Eu* = 50; Eu_N = 25 → Eu/Eu* = 0.5.
        let eu = eu_anomaly(25.0 * 0.0563, 14.8, 25.0 * 0.199);
        assert!(close(eu, 0.5, 1e-12), "{eu}");
        // La_N = 100, Pr_N = 64 → Ce* = 80; Ce_N = 120 → 1.5.
        let ce = ce_anomaly_pr(23.7, 120.0 * 0.613, 64.0 * 0.0928);
        assert!(close(ce, 1.5, 1e-12), "{ce}");
        assert!(eu_anomaly(0.0, 1.0, 1.0).is_nan());
        assert!(ce_anomaly_nd(1.0, 1.0, f64::NAN).is_nan());
        let (v, f) = ce_anomalies(&[23.7], &[0.613 * 80.0], None, Some(&[0.457 * 64.0])).unwrap();
        // Ce* = 100^(2/3) · 64^(1/3) = 21.544 · 4 = 86.177; 80 / 86.177 = 0.92832
        assert_eq!(f, CeFormula::LaNd);
        assert!(close(v[0], 80.0 / (100f64.powf(2.0 / 3.0) * 4.0), 1e-12));
        let (_, f) = ce_anomalies(&[1.0], &[1.0], Some(&[1.0]), Some(&[1.0])).unwrap();
        assert_eq!(f, CeFormula::LaPr);
        assert!(ce_anomalies(&[1.0], &[1.0], None, None).is_none());
    }

    #[test]
    fn expressions_parse_and_evaluate() {
        let v = |text: &str| {
            parse_expression(text).unwrap().eval(|e| match e {
                "Sn" => Some(4.0),
                "W" => Some(2.0),
                "La" => Some(30.0),
                "Yb" => Some(3.0),
                "Mo" => Some(f64::NAN),
                _ => None,
            })
        };
        assert_eq!(v("Sn + W"), 6.0);
        assert_eq!(v("La / Yb"), 10.0);
        assert_eq!(v("Sn - W - W"), 0.0); // left-associative
        assert_eq!(v("Sn + W * La"), 64.0); // precedence
        assert_eq!(v("(Sn + W) * La"), 180.0);
        assert_eq!(v("La ÷ Yb × 2 − Sn"), 16.0);
        assert_eq!(v("La / 1.5e1"), 2.0);
        assert!(v("La / (W - W)").is_nan());
        assert!(v("Sn + Mo").is_nan());
        assert!(v("Sn + Ce").is_nan());
        let e = parse_expression(" (La + Ce) / (Yb + Lu + La) ").unwrap();
        assert_eq!(e.elements(), ["La", "Ce", "Yb", "Lu"]);
        assert_eq!(e.text(), "(La + Ce) / (Yb + Lu + La)");
        assert_eq!(e.to_string(), "((La + Ce) / ((Yb + Lu) + La))");
        assert_eq!(
            e.require(|s| s != "Lu").unwrap_err().to_string(),
            "expression \"(La + Ce) / (Yb + Lu + La)\": no column for element \"Lu\""
        );
        assert!(e.require(|_| true).is_ok());
    }

    #[test]
    fn expression_errors_name_the_expression() {
        let err = |t: &str| parse_expression(t).unwrap_err().to_string();
        assert_eq!(err(""), "expression \"\": empty");
        assert_eq!(
            err("La /"),
            "expression \"La /\": ends where an element, a number or \"(\" was expected"
        );
        assert_eq!(
            err("La + mo"),
            "expression \"La + mo\": \"mo\" is not an element symbol"
        );
        assert_eq!(
            err("La_INAA / Yb"),
            "expression \"La_INAA / Yb\": \"La_INAA\" is not an element symbol"
        );
        assert_eq!(
            err("(La + Ce"),
            "expression \"(La + Ce\": \"(\" at character 1 is never closed"
        );
        assert_eq!(
            err("La Ce"),
            "expression \"La Ce\": unexpected \"Ce\" at character 4"
        );
        assert_eq!(
            err("La ^ 2"),
            "expression \"La ^ 2\": unexpected character '^' at character 4"
        );
        assert_eq!(
            err("La * * Ce"),
            "expression \"La * * Ce\": expected an element, a number or \"(\" at character 6, found \"*\""
        );
        assert_eq!(
            err("1.2.3 + La"),
            "expression \"1.2.3 + La\": \"1.2.3\" at character 1 is not a number"
        );
        let deep = format!("{}La{}", "(".repeat(40), ")".repeat(40));
        assert!(err(&deep).contains("nested deeper than 32"));
        assert!(err(&"La+".repeat(300)).contains("longer than 500"));
    }
}
