//! `cargo xtask lint-async [PATH...]`: blocking calls inside `async fn` bodies and `async`
//! blocks, with file:line, the reason and the fix.
//!
//! Every `.rs` file under each PATH (the workspace root by default; `target/` and hidden folders
//! are skipped) is parsed with `syn`, so comments and string literals are never matched, and a
//! visitor tracks whether the code it is in runs on a runtime thread:
//!
//! - An `async fn`, an `async` block and an `async` closure start async code; a nested plain `fn`
//!   ends it. A plain closure inherits the code around it (`iter().map(|p| std::fs::read(p))`
//!   inside an `async fn` blocks too), except a closure passed to `spawn_blocking`,
//!   `block_in_place`, `std::thread::spawn` or `std::thread::Builder::spawn`, which runs off the
//!   runtime (or with the runtime's permission) and is not flagged.
//! - A call is named by its path after the file's `use` declarations are applied (`use
//!   std::thread;` makes `thread::sleep` `std::thread::sleep`; `use tokio::fs;` keeps
//!   `fs::read` out of it).
//! - A method call has no type here, so a method is judged by its name and by how its result is
//!   used: `rx.recv()` is flagged when the result is used as a value a future cannot be (`?`,
//!   `.unwrap()`, `match`, `if let`, `while let`, a statement), and not when it is awaited or
//!   handed to another call (`timeout(d, rx.recv())`). Names that exist only as blocking calls
//!   (`block_on`, `recv_timeout`, tokio's `blocking_*`) are flagged wherever they appear.
//! - Macro arguments are checked when they parse as a list of expressions (`join!`, `assert!`,
//!   `format!`); a macro with its own syntax (`select!`) is not looked into.
//!
//! A call written on purpose (the pitfalls crate's wrong versions) carries a line comment
//! `lint-async: allow(REASON)` on its line or the line above; it is then listed as allowed. A
//! marker that allows nothing is an error, as an unfulfilled `#[expect]` is.
//!
//! What it cannot see: a blocking call behind a function of your own (the scan does not follow
//! calls), methods on a value whose type it would need (`file.read_to_end(..)` on a std `File`
//! held in a variable), and `std::sync::Mutex::lock` (short critical sections are the
//! recommended use; holding the guard across `.await` is clippy's `await_holding_lock`).

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{Expr, Token};

use crate::workspace::{self, Result, UsageError};

/// The comment that marks a deliberate blocking call (written as `// ` + this + `REASON)`).
const MARKER: &str = "lint-async: allow(";

/// The subcommand.
///
/// # Errors
/// On an option it does not know or a path that does not exist.
pub(crate) fn run(args: &[String]) -> Result<bool> {
    let root = workspace::root();
    if let Some(flag) = args.iter().find(|arg| arg.starts_with('-')) {
        return Err(UsageError(format!("lint-async takes paths, not `{flag}`")).into());
    }
    let paths: Vec<PathBuf> = if args.is_empty() {
        vec![root.clone()]
    } else {
        // Relative paths are the caller's (cargo starts the xtask in the caller's folder).
        args.iter().map(PathBuf::from).collect()
    };
    for path in &paths {
        if !path.exists() {
            return Err(UsageError(format!("no such file or folder: {}", path.display())).into());
        }
    }
    let report = scan(&root, &paths)?;
    for hit in &report.allowed {
        println!("allowed: {hit}");
    }
    for line in report.problems() {
        println!("{line}");
    }
    println!("{}", report.summary());
    Ok(report.ok())
}

/// One blocking call in async code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) file: String,
    pub(crate) line: usize,
    /// The API as the rule names it (`std::thread::sleep`, `.recv()`).
    pub(crate) api: String,
    /// Where: "async fn `handler`", "async block", "async closure".
    pub(crate) context: String,
    pub(crate) reason: &'static str,
    pub(crate) fix: &'static str,
}

impl fmt::Display for Hit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: `{}` in {}: {}; fix: {}",
            self.file, self.line, self.api, self.context, self.reason, self.fix
        )
    }
}

/// What a scan found.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub(crate) files: usize,
    /// Hits without a marker: each one fails the check.
    pub(crate) hits: Vec<Hit>,
    /// Hits marked as deliberate.
    pub(crate) allowed: Vec<Hit>,
    /// Markers that allowed nothing, and markers without a reason.
    pub(crate) bad_markers: Vec<String>,
    /// Files that did not parse.
    pub(crate) unparsed: Vec<String>,
}

impl Report {
    pub(crate) fn ok(&self) -> bool {
        self.hits.is_empty() && self.bad_markers.is_empty() && self.unparsed.is_empty()
    }

    /// One line per failure.
    pub(crate) fn problems(&self) -> Vec<String> {
        let hits = self.hits.iter().map(ToString::to_string);
        hits.chain(self.bad_markers.iter().cloned())
            .chain(self.unparsed.iter().cloned())
            .collect()
    }

    pub(crate) fn summary(&self) -> String {
        format!(
            "lint-async: {} file(s), {} blocking call(s) in async code, {} allowed as deliberate",
            self.files,
            self.hits.len() + self.allowed.len(),
            self.allowed.len()
        )
    }
}

/// Scans every `.rs` file under `paths`; file names in the report are relative to `root` when
/// they are inside it.
///
/// # Errors
/// When a folder or file cannot be read.
pub(crate) fn scan(root: &Path, paths: &[PathBuf]) -> Result<Report> {
    let mut files = BTreeSet::new();
    for path in paths {
        collect(path, &mut files)?;
    }
    let mut report = Report::default();
    for file in &files {
        let source = workspace::read(file)?;
        let name = match file.canonicalize() {
            Ok(path) if path.starts_with(root) => workspace::rel(root, &path),
            _ => file.display().to_string(),
        };
        report.files += 1;
        match check_source(&name, &source) {
            Ok(checked) => {
                report.hits.extend(checked.hits);
                report.allowed.extend(checked.allowed);
                report.bad_markers.extend(checked.bad_markers);
            }
            Err(error) => report.unparsed.push(error),
        }
    }
    Ok(report)
}

fn collect(path: &Path, files: &mut BTreeSet<PathBuf>) -> Result<()> {
    if path.is_file() {
        if path.extension().is_some_and(|ext| ext == "rs") {
            files.insert(path.to_path_buf());
        }
        return Ok(());
    }
    let entries = std::fs::read_dir(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    for entry in entries {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() && (name == "target" || name.starts_with('.')) {
            continue;
        }
        collect(&path, files)?;
    }
    Ok(())
}

/// The hits of one file, split by its markers.
#[derive(Debug, Default)]
pub(crate) struct Checked {
    pub(crate) hits: Vec<Hit>,
    pub(crate) allowed: Vec<Hit>,
    pub(crate) bad_markers: Vec<String>,
}

/// Checks one file's text.
///
/// # Errors
/// `FILE: cannot parse: ...` when it is not valid Rust.
pub(crate) fn check_source(file: &str, source: &str) -> Result<Checked, String> {
    let parsed = syn::parse_file(source).map_err(|error| {
        let at = error.span().start();
        format!("{file}:{}: cannot parse: {error}", at.line)
    })?;
    let mut finder = Finder {
        file,
        context: None,
        scopes: Vec::new(),
        hits: Vec::new(),
    };
    finder.visit_file(&parsed);

    // Markers, by line: a line comment `lint-async: allow(REASON)`.
    let lines: Vec<&str> = source.lines().collect();
    let mut markers: HashMap<usize, bool> = HashMap::new();
    let mut checked = Checked::default();
    for (index, text) in lines.iter().enumerate() {
        let Some(at) = text.find(&format!("// {MARKER}")) else {
            continue;
        };
        let rest = &text[at + 3 + MARKER.len()..];
        let reason = rest.split(')').next().unwrap_or("").trim();
        if reason.is_empty() || !rest.contains(')') {
            checked.bad_markers.push(format!(
                "{file}:{}: a `{MARKER}...)` marker needs a reason",
                index + 1
            ));
        } else {
            markers.insert(index + 1, false);
        }
    }
    for hit in finder.hits {
        let marker = [hit.line, hit.line.saturating_sub(1)]
            .into_iter()
            .find(|line| markers.contains_key(line));
        match marker {
            Some(line) => {
                markers.insert(line, true);
                checked.allowed.push(hit);
            }
            None => checked.hits.push(hit),
        }
    }
    let mut unused: Vec<usize> = markers
        .into_iter()
        .filter(|(_, used)| !used)
        .map(|(line, _)| line)
        .collect();
    unused.sort_unstable();
    for line in unused {
        checked.bad_markers.push(format!(
            "{file}:{line}: this `{MARKER}...)` marker allows nothing: no blocking call in async \
             code on its line or the next (remove it)"
        ));
    }
    Ok(checked)
}

// ---------------------------------------------------------------------------------------------
// The rules.

/// A blocking API found by its resolved path.
struct PathRule {
    path: &'static str,
    /// `true`: every path that starts with `path` (a module); `false`: exactly `path`.
    prefix: bool,
    reason: &'static str,
    fix: &'static str,
}

const PATH_RULES: &[PathRule] = &[
    PathRule {
        path: "std::thread::sleep",
        prefix: false,
        reason: "sleeps the worker thread: no other task on it runs meanwhile",
        fix: "`tokio::time::sleep(d).await`",
    },
    PathRule {
        path: "std::thread::park",
        prefix: true,
        reason: "parks the worker thread until it is unparked",
        fix: "await a `tokio::sync::Notify` or a channel",
    },
    PathRule {
        path: "std::thread::scope",
        prefix: false,
        reason: "waits for every scoped thread before it returns",
        fix: "run the scope inside `spawn_blocking`, or use async tasks in a `JoinSet`",
    },
    PathRule {
        path: "std::fs::",
        prefix: true,
        reason: "std file system calls block the thread until the disk answers",
        fix: "`tokio::fs` with `.await`, or one `spawn_blocking` around a batch of std::fs calls",
    },
    PathRule {
        path: "std::net::TcpStream::connect",
        prefix: true,
        reason: "a std socket blocks on connect, read and write",
        fix: "`tokio::net::TcpStream::connect(addr).await`",
    },
    PathRule {
        path: "std::net::TcpListener::bind",
        prefix: false,
        reason: "a std listener blocks in accept",
        fix: "`tokio::net::TcpListener::bind(addr).await`",
    },
    PathRule {
        path: "std::net::UdpSocket::bind",
        prefix: false,
        reason: "a std socket blocks on send and receive",
        fix: "`tokio::net::UdpSocket::bind(addr).await`",
    },
    PathRule {
        path: "std::io::stdin",
        prefix: false,
        reason: "reading standard input blocks until a line arrives",
        fix: "`tokio::io::stdin()`, or a reader thread feeding a channel",
    },
    PathRule {
        path: "reqwest::blocking::",
        prefix: true,
        reason: "reqwest's blocking client runs its own runtime and blocks (inside a runtime it \
                 panics)",
        fix: "`reqwest::Client` with `.await`",
    },
    PathRule {
        path: "futures::executor::block_on",
        prefix: false,
        reason: "blocks the thread until the future completes, and the future gets no tokio \
                 driver",
        fix: "`.await` the future",
    },
    PathRule {
        path: "futures_executor::block_on",
        prefix: false,
        reason: "blocks the thread until the future completes, and the future gets no tokio \
                 driver",
        fix: "`.await` the future",
    },
];

/// A method flagged wherever it is called in async code: the name exists only as a blocking
/// call.
struct MethodRule {
    method: &'static str,
    reason: &'static str,
    fix: &'static str,
}

const ALWAYS: &[MethodRule] = &[
    MethodRule {
        method: "block_on",
        reason: "blocks the thread until the future completes; inside a runtime tokio panics \
                 (\"Cannot start a runtime from within a runtime\")",
        fix: "`.await` the future; from sync code called by async code, `spawn_blocking` + \
              `Handle::block_on`",
    },
    MethodRule {
        method: "blocking_recv",
        reason: "tokio's `blocking_*` methods panic inside a runtime",
        fix: "`recv().await`",
    },
    MethodRule {
        method: "blocking_send",
        reason: "tokio's `blocking_*` methods panic inside a runtime",
        fix: "`send(value).await`",
    },
    MethodRule {
        method: "blocking_lock",
        reason: "tokio's `blocking_*` methods panic inside a runtime",
        fix: "`lock().await`",
    },
    MethodRule {
        method: "blocking_read",
        reason: "tokio's `blocking_*` methods panic inside a runtime",
        fix: "`read().await`",
    },
    MethodRule {
        method: "blocking_write",
        reason: "tokio's `blocking_*` methods panic inside a runtime",
        fix: "`write().await`",
    },
    MethodRule {
        method: "recv_timeout",
        reason: "`std::sync::mpsc::Receiver::recv_timeout` blocks the thread up to the timeout",
        fix: "a tokio channel and `tokio::time::timeout(d, rx.recv()).await`",
    },
    MethodRule {
        method: "wait_timeout",
        reason: "`std::sync::Condvar::wait_timeout` blocks the thread",
        fix: "`tokio::sync::Notify` or `watch`, under `tokio::time::timeout`",
    },
    MethodRule {
        method: "wait_while",
        reason: "`std::sync::Condvar::wait_while` blocks the thread",
        fix: "`tokio::sync::watch::Receiver::wait_for(..).await`",
    },
    MethodRule {
        method: "to_socket_addrs",
        reason: "resolves host names with a blocking DNS lookup",
        fix: "`tokio::net::lookup_host(host).await`",
    },
];

/// A method flagged when its result is used synchronously (`?`, `.unwrap()`, `match`, `if let`,
/// a statement): the async methods of the same name return a future, which is awaited instead.
struct SyncUseRule {
    method: &'static str,
    /// Only calls with exactly this many arguments (`None`: any).
    args: Option<usize>,
    reason: &'static str,
    fix: &'static str,
}

const SYNC_USE: &[SyncUseRule] = &[
    SyncUseRule {
        method: "recv",
        args: Some(0),
        reason: "`std::sync::mpsc::Receiver::recv` blocks the thread until a message arrives",
        fix: "`tokio::sync::mpsc` and `rx.recv().await`",
    },
    SyncUseRule {
        method: "join",
        args: Some(0),
        reason: "`std::thread::JoinHandle::join` blocks until the thread ends",
        fix: "`spawn_blocking` and await its `JoinHandle`, or a `oneshot` from the thread",
    },
    SyncUseRule {
        method: "wait",
        args: None,
        reason: "`Condvar::wait`, `Barrier::wait` and `Child::wait` from std block the thread",
        fix: "`tokio::sync::Notify` / `Barrier` / `tokio::process::Child::wait().await`",
    },
];

/// Methods whose receiver is used synchronously: a `Result` or an `Option`, never a future.
const RESULT_METHODS: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or",
    "unwrap_or_else",
    "unwrap_or_default",
    "unwrap_err",
    "expect_err",
    "ok",
    "err",
    "is_ok",
    "is_err",
    "is_some",
    "is_none",
    "map_err",
    "context",
    "with_context",
];

/// `std::process::Command::new(..)...METHOD()` runs the process to completion.
const COMMAND_METHODS: &[&str] = &["output", "status"];

const COMMAND: MethodRule = MethodRule {
    method: "",
    reason: "`std::process::Command` waits for the process on this thread",
    fix: "`tokio::process::Command` with `.await`",
};

/// Calls whose closure argument runs off the runtime thread (or, for `block_in_place`, with the
/// runtime's permission to block).
fn offloads(resolved: &str) -> bool {
    let last = resolved.rsplit("::").next().unwrap_or("");
    matches!(last, "spawn_blocking" | "block_in_place") || resolved == "std::thread::spawn"
}

// ---------------------------------------------------------------------------------------------
// The visitor.

struct Finder<'f> {
    file: &'f str,
    /// `Some(description)` inside async code.
    context: Option<String>,
    /// `use` declarations in scope, innermost last: alias -> full path segments.
    scopes: Vec<HashMap<String, Vec<String>>>,
    hits: Vec<Hit>,
}

impl Finder<'_> {
    fn with_context(&mut self, context: Option<String>, body: impl FnOnce(&mut Self)) {
        let saved = std::mem::replace(&mut self.context, context);
        body(self);
        self.context = saved;
    }

    fn with_scope<'u>(
        &mut self,
        uses: impl Iterator<Item = &'u syn::ItemUse>,
        body: impl FnOnce(&mut Self),
    ) {
        let mut scope = HashMap::new();
        for item in uses {
            add_use(&mut Vec::new(), &item.tree, &mut scope);
        }
        self.scopes.push(scope);
        body(self);
        self.scopes.pop();
    }

    /// The path with its first segment replaced by what a `use` in scope names.
    fn resolve(&self, path: &syn::Path) -> String {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let Some(first) = segments.first() else {
            return String::new();
        };
        if path.leading_colon.is_none()
            && let Some(full) = self.scopes.iter().rev().find_map(|scope| scope.get(first))
        {
            let mut resolved = full.clone();
            resolved.extend(segments[1..].iter().cloned());
            return resolved.join("::");
        }
        segments.join("::")
    }

    fn hit(
        &mut self,
        span: proc_macro2::Span,
        api: String,
        reason: &'static str,
        fix: &'static str,
    ) {
        let Some(context) = self.context.clone() else {
            return;
        };
        self.hits.push(Hit {
            file: self.file.to_owned(),
            line: span.start().line,
            api,
            context,
            reason,
            fix,
        });
    }

    /// `expr`'s value is used synchronously: flag it when it is a [`SYNC_USE`] method call.
    fn sync_use(&mut self, expr: &Expr) {
        let mut expr = expr;
        while let Expr::Paren(inner) = expr {
            expr = &inner.expr;
        }
        let Expr::MethodCall(call) = expr else {
            return;
        };
        let method = call.method.to_string();
        if let Some(rule) = SYNC_USE
            .iter()
            .find(|rule| rule.method == method && rule.args.is_none_or(|n| n == call.args.len()))
        {
            self.hit(
                call.method.span(),
                format!(".{method}()"),
                rule.reason,
                rule.fix,
            );
        }
    }

    /// The path that the chain of method calls under `expr` starts from, when it starts with a
    /// call to a path (`Command::new("ls").arg("-l")` -> `std::process::Command::new`).
    fn chain_root(&self, mut expr: &Expr) -> Option<String> {
        loop {
            match expr {
                Expr::MethodCall(call) => expr = &call.receiver,
                Expr::Paren(inner) => expr = &inner.expr,
                Expr::Call(call) => {
                    return match &*call.func {
                        Expr::Path(path) => Some(self.resolve(&path.path)),
                        _ => None,
                    };
                }
                _ => return None,
            }
        }
    }

    /// Visits a call's arguments, a plain closure among them outside async code when the call
    /// runs it off the runtime.
    fn visit_args(&mut self, offloaded: bool, args: &Punctuated<Expr, Token![,]>) {
        for arg in args {
            match arg {
                Expr::Closure(closure) if offloaded && closure.asyncness.is_none() => {
                    self.with_context(None, |this| this.visit_expr_closure(closure));
                }
                _ => self.visit_expr(arg),
            }
        }
    }
}

fn add_use(
    prefix: &mut Vec<String>,
    tree: &syn::UseTree,
    scope: &mut HashMap<String, Vec<String>>,
) {
    match tree {
        syn::UseTree::Path(path) => {
            prefix.push(path.ident.to_string());
            add_use(prefix, &path.tree, scope);
            prefix.pop();
        }
        syn::UseTree::Name(name) => {
            let ident = name.ident.to_string();
            if ident == "self" {
                if let Some(last) = prefix.last() {
                    scope.insert(last.clone(), prefix.clone());
                }
            } else {
                let mut full = prefix.clone();
                full.push(ident.clone());
                scope.insert(ident, full);
            }
        }
        syn::UseTree::Rename(rename) => {
            let mut full = prefix.clone();
            let ident = rename.ident.to_string();
            if ident != "self" {
                full.push(ident);
            }
            scope.insert(rename.rename.to_string(), full);
        }
        syn::UseTree::Glob(_) => {}
        syn::UseTree::Group(group) => {
            for tree in &group.items {
                add_use(prefix, tree, scope);
            }
        }
    }
}

fn uses_of(items: &[syn::Item]) -> impl Iterator<Item = &syn::ItemUse> {
    items.iter().filter_map(|item| match item {
        syn::Item::Use(item) => Some(item),
        _ => None,
    })
}

fn async_fn(sig: &syn::Signature) -> Option<String> {
    sig.asyncness
        .as_ref()
        .map(|_| format!("async fn `{}`", sig.ident))
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_file(&mut self, file: &'ast syn::File) {
        self.with_scope(uses_of(&file.items), |this| visit::visit_file(this, file));
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        let items = item.content.as_ref().map_or(&[][..], |(_, items)| items);
        self.with_scope(uses_of(items), |this| visit::visit_item_mod(this, item));
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        let uses = block.stmts.iter().filter_map(|stmt| match stmt {
            syn::Stmt::Item(syn::Item::Use(item)) => Some(item),
            _ => None,
        });
        self.with_scope(uses, |this| visit::visit_block(this, block));
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        self.with_context(async_fn(&item.sig), |this| visit::visit_item_fn(this, item));
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.with_context(async_fn(&item.sig), |this| {
            visit::visit_impl_item_fn(this, item);
        });
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        self.with_context(async_fn(&item.sig), |this| {
            visit::visit_trait_item_fn(this, item);
        });
    }

    fn visit_expr_async(&mut self, expr: &'ast syn::ExprAsync) {
        self.with_context(Some("async block".to_owned()), |this| {
            visit::visit_expr_async(this, expr);
        });
    }

    fn visit_expr_closure(&mut self, expr: &'ast syn::ExprClosure) {
        if expr.asyncness.is_some() {
            self.with_context(Some("async closure".to_owned()), |this| {
                visit::visit_expr_closure(this, expr);
            });
        } else {
            visit::visit_expr_closure(self, expr);
        }
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        let mut offloaded = false;
        if let Expr::Path(path) = &*call.func {
            let resolved = self.resolve(&path.path);
            offloaded = offloads(&resolved);
            // Builders that only hold options; the call that blocks is their `open`.
            let inert = resolved == "std::fs::OpenOptions::new";
            let rule = PATH_RULES.iter().filter(|_| !inert).find(|rule| {
                if rule.prefix {
                    resolved.starts_with(rule.path)
                } else {
                    resolved == rule.path
                }
            });
            if let (Some(rule), Some(last)) = (rule, path.path.segments.last()) {
                self.hit(last.ident.span(), resolved.clone(), rule.reason, rule.fix);
            }
        }
        self.visit_expr(&call.func);
        self.visit_args(offloaded, &call.args);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let method = call.method.to_string();
        if let Some(rule) = ALWAYS.iter().find(|rule| rule.method == method) {
            self.hit(
                call.method.span(),
                format!(".{method}()"),
                rule.reason,
                rule.fix,
            );
        }
        if RESULT_METHODS.contains(&method.as_str()) {
            self.sync_use(&call.receiver);
        }
        let root = self.chain_root(&call.receiver);
        if method == "open"
            && root.as_deref() == Some("std::fs::OpenOptions::new")
            && let Some(rule) = PATH_RULES.iter().find(|rule| rule.path == "std::fs::")
        {
            self.hit(
                call.method.span(),
                "std::fs::OpenOptions::open".to_owned(),
                rule.reason,
                rule.fix,
            );
        }
        if COMMAND_METHODS.contains(&method.as_str())
            && root.as_deref() == Some("std::process::Command::new")
        {
            self.hit(
                call.method.span(),
                format!("std::process::Command::{method}"),
                COMMAND.reason,
                COMMAND.fix,
            );
        }
        let offloaded = offloads(&method)
            || (method == "spawn" && root.as_deref() == Some("std::thread::Builder::new"));
        self.visit_expr(&call.receiver);
        self.visit_args(offloaded, &call.args);
    }

    fn visit_expr_try(&mut self, expr: &'ast syn::ExprTry) {
        self.sync_use(&expr.expr);
        visit::visit_expr_try(self, expr);
    }

    fn visit_expr_match(&mut self, expr: &'ast syn::ExprMatch) {
        self.sync_use(&expr.expr);
        visit::visit_expr_match(self, expr);
    }

    fn visit_expr_let(&mut self, expr: &'ast syn::ExprLet) {
        self.sync_use(&expr.expr);
        visit::visit_expr_let(self, expr);
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        // `let Ok(x) = rx.recv() else { .. }`: a refutable pattern takes the value itself.
        if let Some(init) = &local.init
            && init.diverge.is_some()
        {
            self.sync_use(&init.expr);
        }
        visit::visit_local(self, local);
    }

    fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
        if let syn::Stmt::Expr(expr, Some(_)) = stmt {
            self.sync_use(expr);
        }
        visit::visit_stmt(self, stmt);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        use syn::parse::Parser as _;
        let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
        if let Ok(args) = parser.parse2(mac.tokens.clone()) {
            for arg in &args {
                self.visit_expr(arg);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The self-test: true positives (one per rule family), false positives that must stay
    //! quiet, markers, and line numbers.

    use super::*;

    /// The APIs flagged in `source`, as `line: api`.
    fn flagged(source: &str) -> Vec<String> {
        let checked = check_source("t.rs", source).expect("the snippet parses");
        checked
            .hits
            .iter()
            .map(|hit| format!("{}: {}", hit.line, hit.api))
            .collect()
    }

    #[test]
    fn flags_blocking_calls_in_async_fns_blocks_and_closures() {
        let source = r#"
use std::thread;
use std::fs::{self, File};
use std::sync::mpsc;
async fn handler(rx: mpsc::Receiver<u32>) -> std::io::Result<()> {
    std::thread::sleep(std::time::Duration::from_millis(1));
    thread::sleep(d);
    let text = fs::read_to_string("a")?;
    let file = File::open("a")?;
    let value = rx.recv().unwrap();
    while let Ok(v) = rx.recv() {}
    let v = rx.recv_timeout(d);
    let handle = std::thread::spawn(|| 1);
    handle.join().unwrap();
    let out = std::process::Command::new("ls").arg("-l").output()?;
    futures::executor::block_on(async {});
    runtime.block_on(fut);
    let s = std::net::TcpStream::connect("127.0.0.1:1")?;
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let addrs = "localhost:80".to_socket_addrs()?;
    let body = reqwest::blocking::get("http://127.0.0.1/")?;
    tx.blocking_send(1)?;
    let g = mutex.blocking_lock();
    let guard = condvar.wait(guard).unwrap();
    barrier.wait();
    let f = std::fs::OpenOptions::new().read(true).open("a")?;
    Ok(())
}
fn outer() {
    let f = async move { std::fs::write("a", "b") };
    let g = async || std::thread::sleep(d);
    let h = async { [1].iter().map(|_| std::fs::read("a")).count() };
}
trait T { async fn t(&self) { std::thread::park(); } }
impl S { async fn m(&self) { tokio::join!(a, async { std::fs::remove_file("x") }); } }
"#;
        assert_eq!(
            flagged(source),
            [
                "6: std::thread::sleep",
                "7: std::thread::sleep",
                "8: std::fs::read_to_string",
                "9: std::fs::File::open",
                "10: .recv()",
                "11: .recv()",
                "12: .recv_timeout()",
                "14: .join()",
                "15: std::process::Command::output",
                "16: futures::executor::block_on",
                "17: .block_on()",
                "18: std::net::TcpStream::connect",
                "19: std::net::TcpListener::bind",
                "21: std::io::stdin",
                "22: .to_socket_addrs()",
                "23: reqwest::blocking::get",
                "24: .blocking_send()",
                "25: .blocking_lock()",
                "26: .wait()",
                "27: .wait()",
                "28: std::fs::OpenOptions::open",
                "32: std::fs::write",
                "33: std::thread::sleep",
                "34: std::fs::read",
                "36: std::thread::park",
                "37: std::fs::remove_file",
            ]
        );
    }

    #[test]
    fn quiet_on_sync_code_offloaded_closures_comments_strings_and_async_apis() {
        let source = r#"
use tokio::fs;
use tokio::sync::mpsc;
// std::thread::sleep(d) in a comment
/// std::fs::read("doc comment")
fn sync_code() {
    std::thread::sleep(d);
    let _ = std::fs::read("a");
    let v = rx.recv().unwrap();
    handle.join().unwrap();
}
async fn offloaded(mut rx: mpsc::Receiver<u32>) {
    let s = "std::thread::sleep(d); std::fs::read(x)";
    tokio::task::spawn_blocking(move || std::thread::sleep(d)).await;
    tokio::task::block_in_place(|| std::fs::read("a"));
    std::thread::spawn(move || { let v = std_rx.recv().unwrap(); });
    std::thread::Builder::new().name("w".into()).spawn(move || std::fs::read("a"));
    handle.spawn_blocking(|| std::fs::read("a"));
    set.spawn_blocking(|| std::fs::read("a"));
    let text = fs::read_to_string("a").await;
    let v = rx.recv().await;
    let v = rx.recv().await.unwrap();
    let v = tokio::time::timeout(d, rx.recv()).await;
    tokio::select! { v = rx.recv() => {} }
    let names = parts.join(", ");
    let joined = [[1], [2]].concat();
    let out = tokio::process::Command::new("ls").output().await;
    let lock = state.lock().unwrap_or_else(PoisonError::into_inner);
    let barrier = barrier.wait().await;
    let g = mutex.lock().await;
    fn nested_sync() { std::thread::sleep(d); }
    let c = || 1;
    format!("{}", "std::thread::sleep");
}
"#;
        assert_eq!(flagged(source), Vec::<String>::new());
    }

    #[test]
    fn a_marker_allows_the_call_on_its_line_or_the_next_and_must_allow_something() {
        // The marker text is assembled so this file holds no marker of its own.
        let marker = format!("// {MARKER}");
        let source = format!(
            "async fn wrong() {{\n    std::thread::sleep(d); {marker}the pitfall)\n    {marker}the pitfall)\n    std::fs::read(\"a\");\n    std::fs::write(\"a\", \"b\");\n}}\n{marker}nothing here)\nfn sync() {{}}\n{marker})\nasync fn x() {{ std::thread::park(); }}\n"
        );
        let checked = check_source("t.rs", &source).expect("the snippet parses");
        let allowed: Vec<usize> = checked.allowed.iter().map(|hit| hit.line).collect();
        assert_eq!(allowed, [2, 4]);
        let hits: Vec<usize> = checked.hits.iter().map(|hit| hit.line).collect();
        assert_eq!(hits, [5, 10]);
        assert_eq!(checked.bad_markers.len(), 2, "{:?}", checked.bad_markers);
        assert!(
            checked.bad_markers[0].contains("t.rs:9: a `"),
            "{:?}",
            checked.bad_markers
        );
        assert!(
            checked.bad_markers[1].starts_with("t.rs:7: this `"),
            "{:?}",
            checked.bad_markers
        );
    }

    #[test]
    fn a_hit_names_file_line_api_context_reason_and_fix() {
        let checked = check_source(
            "src/a.rs",
            "async fn handler() {\n    std::thread::sleep(d);\n}\n",
        )
        .expect("the snippet parses");
        assert_eq!(
            checked.hits[0].to_string(),
            "src/a.rs:2: `std::thread::sleep` in async fn `handler`: sleeps the worker thread: no \
             other task on it runs meanwhile; fix: `tokio::time::sleep(d).await`"
        );
    }

    #[test]
    fn a_file_that_does_not_parse_is_reported_with_its_line() {
        let error = check_source("src/a.rs", "fn a() {\n  let x = ;\n}\n").expect_err("bad rust");
        assert!(error.starts_with("src/a.rs:2: cannot parse"), "{error}");
    }

    #[test]
    fn at_least_fifteen_apis_are_known() {
        assert!(PATH_RULES.len() + ALWAYS.len() + SYNC_USE.len() + 1 >= 15);
    }
}
