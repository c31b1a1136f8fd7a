//! The repositories and tasks sample sessions work on.

use super::rng::Rng;
use super::story::TASK_EFFECT_SPREAD;

/// A repository the agent works in: where its code lives and how its tests run.
pub struct Repo {
    pub name: &'static str,
    pub files: &'static [&'static str],
    pub symbols: &'static [&'static str],
    pub test_command: &'static str,
    /// The repository's share of traffic.
    pub weight: f64,
}

pub const REPOS: &[Repo] = &[
    Repo {
        name: "django/django",
        files: &[
            "django/db/models/query.py",
            "django/forms/fields.py",
            "django/utils/timezone.py",
            "django/contrib/admin/options.py",
            "django/core/management/commands/migrate.py",
            "django/db/models/sql/compiler.py",
        ],
        symbols: &[
            "QuerySet.bulk_create",
            "DateTimeField.to_python",
            "ModelAdmin.get_search_results",
            "SQLCompiler.as_sql",
            "localtime",
            "Command.handle",
        ],
        test_command: "python tests/runtests.py --parallel 1",
        weight: 1.6,
    },
    Repo {
        name: "psf/requests",
        files: &[
            "src/requests/sessions.py",
            "src/requests/adapters.py",
            "src/requests/utils.py",
            "src/requests/models.py",
            "src/requests/cookies.py",
        ],
        symbols: &[
            "Session.resolve_redirects",
            "HTTPAdapter.send",
            "get_encoding_from_headers",
            "PreparedRequest.prepare_body",
            "merge_cookies",
        ],
        test_command: "python -m pytest tests -x -q",
        weight: 0.8,
    },
    Repo {
        name: "pallets/flask",
        files: &[
            "src/flask/app.py",
            "src/flask/blueprints.py",
            "src/flask/config.py",
            "src/flask/helpers.py",
            "src/flask/json/provider.py",
        ],
        symbols: &[
            "Flask.make_response",
            "Blueprint.register",
            "Config.from_file",
            "send_from_directory",
            "DefaultJSONProvider.dumps",
        ],
        test_command: "python -m pytest tests -q",
        weight: 0.7,
    },
    Repo {
        name: "sympy/sympy",
        files: &[
            "sympy/core/expr.py",
            "sympy/simplify/simplify.py",
            "sympy/printing/latex.py",
            "sympy/solvers/solveset.py",
            "sympy/matrices/dense.py",
        ],
        symbols: &[
            "Expr.as_coeff_Mul",
            "simplify",
            "LatexPrinter._print_Pow",
            "solveset_real",
            "MutableDenseMatrix.row_join",
        ],
        test_command: "bin/test sympy/core -q",
        weight: 1.0,
    },
    Repo {
        name: "pytest-dev/pytest",
        files: &[
            "src/_pytest/fixtures.py",
            "src/_pytest/python.py",
            "src/_pytest/assertion/rewrite.py",
            "src/_pytest/capture.py",
            "src/_pytest/mark/structures.py",
        ],
        symbols: &[
            "FixtureManager.getfixtureclosure",
            "Function.runtest",
            "AssertionRewriter.visit_Assert",
            "CaptureFixture.readouterr",
            "MarkDecorator.__call__",
        ],
        test_command: "python -m pytest testing -q -p no:cacheprovider",
        weight: 0.9,
    },
    Repo {
        name: "scikit-learn/scikit-learn",
        files: &[
            "sklearn/linear_model/_logistic.py",
            "sklearn/preprocessing/_encoders.py",
            "sklearn/model_selection/_split.py",
            "sklearn/metrics/_ranking.py",
            "sklearn/utils/validation.py",
        ],
        symbols: &[
            "LogisticRegression.fit",
            "OneHotEncoder.transform",
            "StratifiedKFold._make_test_folds",
            "roc_auc_score",
            "check_array",
        ],
        test_command: "python -m pytest sklearn -q -k",
        weight: 1.1,
    },
    Repo {
        name: "encode/httpx",
        files: &[
            "httpx/_client.py",
            "httpx/_models.py",
            "httpx/_urls.py",
            "httpx/_transports/default.py",
            "httpx/_config.py",
        ],
        symbols: &[
            "Client.send",
            "Response.iter_lines",
            "URL.copy_with",
            "HTTPTransport.handle_request",
            "Timeout.__init__",
        ],
        test_command: "python -m pytest tests -q",
        weight: 0.8,
    },
    Repo {
        name: "fastapi/fastapi",
        files: &[
            "fastapi/routing.py",
            "fastapi/dependencies/utils.py",
            "fastapi/encoders.py",
            "fastapi/openapi/utils.py",
            "fastapi/params.py",
        ],
        symbols: &[
            "APIRoute.get_route_handler",
            "solve_dependencies",
            "jsonable_encoder",
            "get_openapi",
            "Query.__init__",
        ],
        test_command: "python -m pytest tests -q -x",
        weight: 1.0,
    },
    Repo {
        name: "pandas-dev/pandas",
        files: &[
            "pandas/core/frame.py",
            "pandas/core/groupby/groupby.py",
            "pandas/io/parsers/readers.py",
            "pandas/core/indexes/datetimes.py",
            "pandas/core/reshape/merge.py",
        ],
        symbols: &[
            "DataFrame.pivot_table",
            "GroupBy.agg",
            "read_csv",
            "DatetimeIndex.tz_localize",
            "merge_asof",
        ],
        test_command: "python -m pytest pandas/tests -q -x -n 0",
        weight: 1.3,
    },
    Repo {
        name: "psf/black",
        files: &[
            "src/black/linegen.py",
            "src/black/mode.py",
            "src/black/comments.py",
            "src/black/trans.py",
            "src/black/parsing.py",
        ],
        symbols: &[
            "LineGenerator.visit_default",
            "Mode.__hash__",
            "generate_comments",
            "StringSplitter.do_transform",
            "lib2to3_parse",
        ],
        test_command: "python -m pytest tests -q",
        weight: 0.6,
    },
];

/// Kinds of problem a task asks the agent to fix.
const PROBLEMS: &[&str] = &[
    "raises {exc} when {cond}",
    "returns the wrong result when {cond}",
    "is very slow when {cond}",
    "ignores its configuration when {cond}",
    "loses data silently when {cond}",
];
const EXCEPTIONS: &[&str] = &[
    "TypeError",
    "KeyError",
    "ValueError",
    "AttributeError",
    "IndexError",
    "UnicodeDecodeError",
];
const CONDITIONS: &[&str] = &[
    "the input is empty",
    "a timezone-aware datetime is passed",
    "called twice in a row",
    "the argument is a subclass",
    "running under Python 3.13",
    "the file name contains non-ASCII characters",
    "the value is None",
    "used inside a generator",
];

/// A task: one issue in one repository, attempted by many sessions.
#[derive(Debug, Clone)]
pub struct Task {
    pub id: String,
    pub repo: usize,
    /// Shift of success probability for this task (its difficulty).
    pub effect: f64,
    pub file: usize,
    pub symbol: usize,
    pub title: String,
    pub exception: &'static str,
}

/// The task pool of an archive of `sessions` sessions: about one task per ten sessions.
pub fn tasks(seed: u64, sessions: u64) -> Vec<Task> {
    let count = (sessions / 10).clamp(40, 20_000);
    let weights: Vec<f64> = REPOS.iter().map(|r| r.weight).collect();
    (0..count)
        .map(|i| {
            let mut rng = Rng::new(seed ^ 0x7a5c, i);
            let repo = rng.weighted(&weights);
            let r = &REPOS[repo];
            let file = rng.range(0, r.files.len() as u64 - 1) as usize;
            let symbol = rng.range(0, r.symbols.len() as u64 - 1) as usize;
            let exception = *rng.pick(EXCEPTIONS);
            let title = format!(
                "`{}` {}",
                r.symbols[symbol],
                rng.pick(PROBLEMS)
                    .replace("{exc}", exception)
                    .replace("{cond}", rng.pick::<&str>(CONDITIONS))
            );
            let number = 1000 + rng.range(0, 38_000) + i;
            Task {
                id: format!("{}-{number}", r.name.replace('/', "__")),
                repo,
                effect: rng.uniform(-TASK_EFFECT_SPREAD, TASK_EFFECT_SPREAD),
                file,
                symbol,
                title,
                exception,
            }
        })
        .collect()
}
