//! Reading the compiler's JSON diagnostics (`--error-format=json`) and turning one sample's
//! diagnostics into a verdict: errors, their codes and the kind of the first, warnings counted by
//! lint name, rustc and clippy separately.

use std::collections::BTreeMap;

use serde::Deserialize;

/// One diagnostic, reduced to what verdicts need.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub is_error: bool,
    pub is_warning: bool,
    pub code: Option<String>,
    pub message: String,
    /// Files this diagnostic points into: the primary span's file first, then the files of the
    /// macro call sites it was expanded from, outermost last.
    pub files: Vec<String>,
    /// Byte offset of the primary span in `files[0]`, if any.
    pub byte_start: Option<usize>,
}

impl Diagnostic {
    /// rustc's closing summaries ("aborting due to …", "2 warnings emitted"): no span, no code.
    pub fn is_summary(&self) -> bool {
        self.files.is_empty()
            && self.code.is_none()
            && (self.message.starts_with("aborting due to") || self.message.ends_with("emitted"))
    }
}

#[derive(Deserialize)]
struct RawDiagnostic {
    #[serde(rename = "$message_type")]
    message_type: Option<String>,
    message: String,
    code: Option<RawCode>,
    level: String,
    #[serde(default)]
    spans: Vec<RawSpan>,
}

#[derive(Deserialize)]
struct RawCode {
    code: String,
}

#[derive(Deserialize)]
struct RawSpan {
    file_name: String,
    byte_start: usize,
    is_primary: bool,
    expansion: Option<Box<RawExpansion>>,
}

#[derive(Deserialize)]
struct RawExpansion {
    span: RawSpan,
}

/// Parses the compiler's stderr. Lines that are not JSON diagnostics (for example a crash
/// message) are returned separately so a failure can still be explained.
pub fn parse(stderr: &str) -> (Vec<Diagnostic>, Vec<String>) {
    let mut diags = Vec::new();
    let mut other = Vec::new();
    for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
        let raw: RawDiagnostic = match serde_json::from_str(line) {
            Ok(raw) => raw,
            Err(_) => {
                other.push(line.to_string());
                continue;
            }
        };
        if raw.message_type.as_deref().is_some_and(|t| t != "diagnostic") {
            continue;
        }
        let mut files = Vec::new();
        let mut byte_start = None;
        if let Some(primary) = raw.spans.iter().find(|s| s.is_primary).or(raw.spans.first()) {
            byte_start = Some(primary.byte_start);
            let mut span = primary;
            files.push(span.file_name.clone());
            while let Some(exp) = &span.expansion {
                span = &exp.span;
                files.push(span.file_name.clone());
            }
        }
        diags.push(Diagnostic {
            is_error: raw.level.starts_with("error"),
            is_warning: raw.level == "warning",
            code: raw.code.map(|c| c.code),
            message: raw.message,
            files,
            byte_start,
        });
    }
    (diags, other)
}

/// The compiler's verdict on one sample.
///
/// `compiles` is rustc's verdict: any error except clippy's own lints (which clippy-driver
/// reports as errors when they are deny-level, e.g. `clippy::approx_constant`). Those are lints:
/// counted in `clippy_errors` and by name in `lints`, never a compile failure. rustc's own
/// deny-level lints (`arithmetic_overflow`, `#![deny(warnings)]` on `unused_variables`) are
/// compile errors, as under `cargo check`, and are listed in `error_codes`.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Verdict {
    pub compiles: bool,
    pub error_codes: Vec<String>,
    pub first_error_kind: Option<String>,
    pub first_error: Option<String>,
    pub rustc_warnings: u32,
    pub clippy_warnings: u32,
    /// clippy lints at deny level (reported as errors by clippy-driver, not compile errors).
    #[serde(default)]
    pub clippy_errors: u32,
    /// Every lint reported, warning or clippy deny, by name.
    pub lints: BTreeMap<String, u32>,
}

/// Key under which a warning without a lint name is counted.
pub const UNNAMED_WARNING: &str = "warning";

/// Longest message kept in a verdict; longer ones are cut and say so (a hostile sample can make
/// rustc print megabytes of type names).
pub const MAX_MESSAGE_BYTES: usize = 2048;

/// `msg` cut to [`MAX_MESSAGE_BYTES`] (at a character boundary), noting how much was cut.
pub fn cap_message(msg: &str) -> String {
    if msg.len() <= MAX_MESSAGE_BYTES {
        return msg.to_string();
    }
    let mut end = MAX_MESSAGE_BYTES;
    while !msg.is_char_boundary(end) {
        end -= 1;
    }
    format!("{} [... cut: {} more bytes]", &msg[..end], msg.len() - end)
}

impl Diagnostic {
    /// A clippy lint (at any level).
    pub fn is_clippy(&self) -> bool {
        self.code.as_deref().is_some_and(|c| c.starts_with("clippy::"))
    }

    /// An error from the lint passes (rustc's or clippy's), as opposed to a hard error: lint
    /// errors do not stop rustc (it checks `has_errors_excluding_lint_errors`).
    pub fn is_lint(&self) -> bool {
        self.code.as_deref().is_some_and(|c| !c.starts_with('E'))
    }

    /// An error that fails the compile (rustc's verdict): any error but a clippy lint.
    pub fn fails_compile(&self) -> bool {
        self.is_error && !self.is_clippy()
    }
}

/// Builds the verdict from one sample's diagnostics (summaries already removed).
pub fn verdict<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) -> Verdict {
    let mut v = Verdict { compiles: true, ..Default::default() };
    for d in diags {
        if d.fails_compile() {
            if v.compiles {
                v.compiles = false;
                v.first_error_kind = Some(classify(d).to_string());
                v.first_error = Some(cap_message(&d.message));
            }
            if let Some(code) = &d.code {
                if !v.error_codes.contains(code) {
                    v.error_codes.push(code.clone());
                }
            }
        } else if d.is_error || d.is_warning {
            let name = d.code.clone().unwrap_or_else(|| UNNAMED_WARNING.to_string());
            if d.is_error {
                v.clippy_errors += 1;
            } else if name.starts_with("clippy::") {
                v.clippy_warnings += 1;
            } else {
                v.rustc_warnings += 1;
            }
            *v.lints.entry(name).or_insert(0) += 1;
        }
    }
    v
}

/// Whether a failing verdict could come from clippy rather than from rustc: every compile error is
/// one that appears only once optimized MIR is built (rustc's MIR lints, const evaluation), which
/// clippy-driver does for lints such as `redundant_clone` while `rustc --emit=metadata` does not.
/// Such a verdict is settled by rustc alone (docs/evaluation.md, "Compile verdict").
pub fn mir_sensitive<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) -> bool {
    let mut any = false;
    for d in diags.into_iter().filter(|d| d.fails_compile()) {
        any = true;
        if !(d.is_lint() || d.code.as_deref() == Some("E0080")) {
            return false;
        }
    }
    any
}

/// The kinds a first error is sorted into.
pub const ERROR_KINDS: &[&str] = &["syntax", "unresolved", "type_mismatch", "borrow", "trait", "lifetime", "macro", "other"];

const UNRESOLVED: &[&str] = &[
    "E0405", "E0407", "E0408", "E0411", "E0412", "E0422", "E0423", "E0424", "E0425", "E0426", "E0432", "E0433",
    "E0434", "E0463", "E0531", "E0532", "E0560", "E0574", "E0583", "E0599", "E0609",
];
const TYPE_MISMATCH: &[&str] = &[
    "E0053", "E0057", "E0060", "E0061", "E0069", "E0070", "E0107", "E0271", "E0282", "E0283", "E0284", "E0308",
    "E0317", "E0604", "E0605", "E0606", "E0607", "E0610", "E0614", "E0618", "E0620",
];
const BORROW: &[&str] = &[
    "E0373", "E0381", "E0382", "E0384", "E0499", "E0500", "E0501", "E0502", "E0503", "E0505", "E0506", "E0507",
    "E0508", "E0509", "E0510", "E0594", "E0596", "E0713",
];
const TRAIT: &[&str] = &[
    "E0034", "E0038", "E0046", "E0049", "E0050", "E0117", "E0119", "E0120", "E0184", "E0185", "E0186", "E0191",
    "E0195", "E0199", "E0200", "E0201", "E0204", "E0207", "E0210", "E0220", "E0221", "E0223", "E0225", "E0229",
    "E0243", "E0244", "E0276", "E0277", "E0323", "E0324", "E0325", "E0369", "E0404", "E0437", "E0438", "E0600",
    "E0608", "E0790",
];
const LIFETIME: &[&str] = &[
    "E0106", "E0195", "E0261", "E0262", "E0263", "E0310", "E0311", "E0478", "E0491", "E0495", "E0515", "E0521",
    "E0597", "E0621", "E0623", "E0700", "E0716", "E0759", "E0772",
];

/// Sorts an error into one of [`ERROR_KINDS`] by its code, or by its message for the errors
/// rustc gives no code (parser errors, macro errors, region errors).
pub fn classify(d: &Diagnostic) -> &'static str {
    if let Some(code) = d.code.as_deref() {
        let kind = [
            (UNRESOLVED, "unresolved"),
            (TYPE_MISMATCH, "type_mismatch"),
            (BORROW, "borrow"),
            (LIFETIME, "lifetime"),
            (TRAIT, "trait"),
        ]
        .iter()
        .find(|(codes, _)| codes.contains(&code))
        .map(|(_, kind)| *kind);
        if let Some(kind) = kind {
            return kind;
        }
        if matches!(code, "E0658" | "E0554") {
            return "other";
        }
    }
    let m = d.message.as_str();
    let macro_markers = ["macro", "while expanding", "format string", "no rules expected", "positional argument", "named argument"];
    if macro_markers.iter().any(|k| m.contains(k)) {
        return "macro";
    }
    if m.contains("lifetime") || m.contains("does not live long enough") || m.contains("borrowed data escapes") {
        return "lifetime";
    }
    if d.code.is_none() {
        let syntax_starts = [
            "expected", "unexpected", "unclosed", "unterminated", "mismatched closing", "this file contains",
            "missing", "unknown start of token", "found ", "invalid", "incorrect", "unmatched", "prefix",
            "unknown character", "character literal may only contain", "keyword", "leading", "Rust has no",
            "cannot begin", "unnecessary", "return types are denoted", "use of a double",
        ];
        if syntax_starts.iter().any(|s| m.starts_with(s)) || m.contains("expected one of") {
            return "syntax";
        }
    }
    "other"
}

#[cfg(test)]
mod tests {
    use super::*;

    const STDERR: &str = r#"{"$message_type":"diagnostic","message":"unused variable: `x`","code":{"code":"unused_variables","explanation":null},"level":"warning","spans":[{"file_name":"a.rs","byte_start":16,"byte_end":17,"line_start":1,"line_end":1,"column_start":17,"column_end":18,"is_primary":true,"text":[],"label":null,"suggested_replacement":null,"suggestion_applicability":null,"expansion":null}],"children":[],"rendered":""}
{"$message_type":"diagnostic","message":"unneeded `return` statement","code":{"code":"clippy::needless_return","explanation":null},"level":"warning","spans":[{"file_name":"a.rs","byte_start":23,"byte_end":29,"line_start":1,"line_end":1,"column_start":24,"column_end":30,"is_primary":true,"text":[],"label":null,"suggested_replacement":null,"suggestion_applicability":null,"expansion":null}],"children":[],"rendered":""}
{"$message_type":"diagnostic","message":"mismatched types","code":{"code":"E0308","explanation":"..."},"level":"error","spans":[{"file_name":"a.rs","byte_start":3,"byte_end":4,"line_start":1,"line_end":1,"column_start":1,"column_end":2,"is_primary":true,"text":[],"label":null,"suggested_replacement":null,"suggestion_applicability":null,"expansion":null}],"children":[],"rendered":""}
{"$message_type":"diagnostic","message":"aborting due to 1 previous error; 2 warnings emitted","code":null,"level":"error","spans":[],"children":[],"rendered":""}
thread 'rustc' panicked"#;

    #[test]
    fn parses_and_counts() {
        let (diags, other) = parse(STDERR);
        assert_eq!(other, vec!["thread 'rustc' panicked".to_string()]);
        let kept: Vec<_> = diags.iter().filter(|d| !d.is_summary()).collect();
        assert_eq!(kept.len(), 3);
        let v = verdict(kept);
        assert!(!v.compiles);
        assert_eq!(v.error_codes, vec!["E0308"]);
        assert_eq!(v.first_error_kind.as_deref(), Some("type_mismatch"));
        assert_eq!((v.rustc_warnings, v.clippy_warnings), (1, 1));
        assert_eq!(v.lints.get("clippy::needless_return"), Some(&1));
    }

    fn err(code: Option<&str>, message: &str) -> Diagnostic {
        Diagnostic {
            is_error: true,
            is_warning: false,
            code: code.map(String::from),
            message: message.into(),
            files: vec!["a.rs".into()],
            byte_start: Some(0),
        }
    }

    #[test]
    fn clippy_deny_lints_are_lints_not_compile_errors() {
        let mut approx = err(Some("clippy::approx_constant"), "approximate value of `f{32, 64}::consts::PI` found");
        let v = verdict([&approx]);
        assert!(v.compiles);
        assert_eq!((v.clippy_errors, v.clippy_warnings), (1, 0));
        assert_eq!(v.lints.get("clippy::approx_constant"), Some(&1));
        assert!(v.error_codes.is_empty() && v.first_error.is_none());
        let overflow = err(Some("arithmetic_overflow"), "this arithmetic operation will overflow");
        let v = verdict([&approx, &overflow]);
        assert!(!v.compiles);
        assert_eq!(v.error_codes, vec!["arithmetic_overflow"]);
        assert!(mir_sensitive([&approx, &overflow]));
        assert!(!mir_sensitive([&approx, &err(Some("E0308"), "mismatched types")]));
        approx.is_error = false;
        approx.is_warning = true;
        assert!(!mir_sensitive([&approx]));
    }

    #[test]
    fn long_messages_are_cut_and_say_so() {
        let long = "é".repeat(5000);
        let cut = cap_message(&long);
        assert!(cut.len() < MAX_MESSAGE_BYTES + 64);
        assert!(cut.ends_with(&format!("[... cut: {} more bytes]", long.len() - MAX_MESSAGE_BYTES)));
        let v = verdict([&err(None, &long)]);
        assert!(v.first_error.unwrap().contains("cut:"));
    }

    #[test]
    fn classifies_first_errors() {
        assert_eq!(classify(&err(None, "expected `;`, found `println`")), "syntax");
        assert_eq!(classify(&err(Some("E0425"), "cannot find value `x` in this scope")), "unresolved");
        assert_eq!(classify(&err(Some("E0502"), "cannot borrow `v` as mutable")), "borrow");
        assert_eq!(classify(&err(Some("E0277"), "`T` doesn't implement `Display`")), "trait");
        assert_eq!(classify(&err(Some("E0106"), "missing lifetime specifier")), "lifetime");
        assert_eq!(classify(&err(None, "lifetime may not live long enough")), "lifetime");
        assert_eq!(classify(&err(None, "recursion limit reached while expanding `m!`")), "macro");
        assert_eq!(classify(&err(Some("E0080"), "evaluation of constant value failed")), "other");
    }
}
