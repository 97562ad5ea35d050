"""Sphinx configuration for the skmlp documentation.

Build from the repository root, warnings as errors::

    sphinx-build -W --keep-going -n -b html docs docs/_build/html

Environment variables:

SKMLP_DOCS_OFFLINE
    "1" builds without intersphinx (no network access is tried); "0" always
    loads the inventories. Unset: each inventory's host is probed once and
    the unreachable ones are left out, so an offline build neither fails nor
    warns.
SKMLP_MATHJAX
    Where the pages take MathJax from, so that the math renders without
    network access. Either a self-contained MathJax 3 file (``tex-svg.js``,
    as in ``es5/`` of the npm package ``mathjax@3``), copied into
    ``_static``; or a MathJax 2 directory holding ``MathJax.js`` (Debian's
    ``libjs-mathjax``: ``/usr/share/javascript/mathjax``), copied into
    ``_static/mathjax``. Unset: the MathJax 3.2 bundled by the
    ``sphinx-mathjax-offline`` package of the ``docs`` extra, so a ``tox -e
    docs`` build renders its math offline; the CDN only when that package is
    missing.
SKMLP_MNIST
    Path of ``mnist.npz`` for the MNIST example; without it the example
    uses scikit-learn's bundled 8x8 digits.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: the gallery draws into files

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import skmlp  # noqa: E402

# -- Project ---------------------------------------------------------------
project = "skmlp"
author = "The skmlp developers"
copyright = "The skmlp developers"
release = skmlp.__version__
version = ".".join(release.split(".")[:2])

# -- General ---------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "skmlp_docs",  # docs/_ext/skmlp_docs.py: build-time checks of the derivation
]
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
root_doc = "index"
default_role = "literal"  # `x` is code, never a silent cross-reference
nitpicky = True  # every unresolved cross-reference is a warning (an error with -W)

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"  # the numpydoc sections carry the types
toc_object_entries_show_parents = "hide"  # "fit()", not "MLPClassifier.fit()", in "On this page"

# scikit-learn's metadata-routing methods (get_metadata_routing and the
# generated set_*_request) are inherited by every estimator and say nothing
# about skmlp: the API page leaves them out. Everything else inherited
# (get_params, set_params, score) stays.
_ROUTING = re.compile(r"get_metadata_routing|set_\w+_request")


def _skip_routing(app, what, name, obj, skip, options):
    return True if _ROUTING.fullmatch(name) else None


# -- numpydoc --------------------------------------------------------------
numpydoc_show_class_members = False  # the class template lists the methods
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = True  # types in Parameters/Returns become links
# numpydoc's own aliases for builtins and numpy's glossary ("python:float",
# "numpy:array_like") show the prefixed target as the link text whenever the
# inventory is not loaded; these carry an explicit title, so an offline build
# reads "float" and an online one links it.
_PYTHON_ROLES = {
    "list": "class",
    "tuple": "class",
    "str": "class",
    "dict": "class",
    "float": "class",
    "int": "class",
    "callable": "func",
    "None": "data",
    "True": "data",
    "False": "data",
}
numpydoc_xref_aliases = {
    name: f":{role}:`{name} <python:{name}>`" for name, role in _PYTHON_ROLES.items()
} | {
    "bool": ":ref:`bool <python:bltin-boolean-values>`",
    "array-like": ":term:`array-like <numpy:array_like>`",
    "array_like": ":term:`array_like <numpy:array_like>`",
    "ndarray": "numpy.ndarray",
    "dtype": "numpy.dtype",
    "RandomState": "numpy.random.RandomState",
    "sparse matrix": "scipy.sparse.spmatrix",
    "path-like": "os.PathLike",
    "MLPClassifier": "skmlp.MLPClassifier",
}
# Words of the numpydoc type grammar, not types.
numpydoc_xref_ignore = {
    "of",
    "or",
    "shape",
    "default",
    "optional",
    "instance",
    "n_samples",
    "n_features",
    "n_classes",
    "n_outputs",
    "n_layers",
    "n_units",
}
numpydoc_validation_checks: set[str] = set()  # validated in tests/test_docstrings.py

# -- Cross-references to other projects ------------------------------------
_INVENTORIES = {
    "python": "https://docs.python.org/3/",
    "numpy": "https://numpy.org/doc/stable/",
    "scipy": "https://docs.scipy.org/doc/scipy/",
    "sklearn": "https://scikit-learn.org/stable/",
    "matplotlib": "https://matplotlib.org/stable/",
    "joblib": "https://joblib.readthedocs.io/en/stable/",
}


def _reachable(url: str, timeout: float = 3.0) -> bool:
    host = url.split("/")[2]
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
    except OSError:
        return False
    return True


# Sphinx reports an inventory it cannot fetch as a warning, which -W makes an
# error: an offline build must not ask for inventories at all.
_offline = os.environ.get("SKMLP_DOCS_OFFLINE")
if _offline == "1":
    intersphinx_mapping = {}
elif _offline == "0":
    intersphinx_mapping = {name: (url, None) for name, url in _INVENTORIES.items()}
else:
    intersphinx_mapping = {
        name: (url, None) for name, url in _INVENTORIES.items() if _reachable(url)
    }
intersphinx_timeout = 10

# With nitpicky=True every reference to another project's object warns when
# its inventory is not loaded (offline builds) or lacks the name (scikit-learn's
# inherited docstrings use a few such names, and the builtins numpydoc links
# from type descriptions). Online, intersphinx resolves these references before
# this list is consulted, so it only silences what would otherwise fail an
# offline build; skmlp's own names are never ignored.
_PROJECTS = r"(python|numpy|scipy|sklearn|joblib|matplotlib)"
_EXTERNAL = r"(numpy|scipy|sklearn|joblib|matplotlib|pandas|os|tqdm)(\..+)?"
_BUILTINS = r"(int|float|str|bool|dict|list|tuple|bytes|object|None|True|False|callable|type)"
nitpick_ignore_regex = [
    # Other projects' objects, with or without numpydoc's "project:" prefix.
    (r"py:.*", rf"({_PROJECTS}:)?{_EXTERNAL}"),
    (r"py:.*", rf"({_PROJECTS}:)?{_BUILTINS}"),
    # numpydoc links "array-like" to numpy's glossary and "bool" to Python's.
    (r"std:term", r"numpy:array_like"),
    (r"std:ref", r"python:bltin-boolean-values"),
]
nitpick_ignore = [
    # Names used by the docstrings that skmlp inherits from scikit-learn
    # (get_metadata_routing, set_params, set_*_request), which resolve only
    # inside scikit-learn's own documentation.
    ("py:obj", "MetadataRequest"),
    ("py:obj", "estimator"),
    ("std:term", "meta-estimator"),
    ("std:ref", "metadata_routing"),
    ("std:ref", "accuracy_score"),
]

# -- HTML ------------------------------------------------------------------
try:
    import pydata_sphinx_theme  # noqa: F401
except ImportError:
    html_theme = "alabaster"
else:
    html_theme = "pydata_sphinx_theme"
    html_theme_options = {
        "navigation_with_keys": False,
        "show_toc_level": 2,
        "secondary_sidebar_items": ["page-toc"],
    }
    # Pages without sub-pages need no left sidebar: give its width to the text.
    html_sidebars = {
        page: []
        for page in (
            "index",
            "derivation",
            "user_guide",
            "coming_from_sklearn",
            "benchmarks",
            "faq",
            "changelog",
        )
    }
html_title = f"skmlp {release}"
html_static_path = ["_static"]
html_css_files = ["skmlp.css"]
html_js_files = ["skmlp.js"]  # break opportunities in long identifiers
html_show_sourcelink = False


# -- Math: a local MathJax, so that the formulas render without network ------
def _bundled_mathjax() -> Path | None:
    """``tex-svg.js`` (MathJax 3, self-contained) from sphinx-mathjax-offline."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution("sphinx-mathjax-offline")
    except PackageNotFoundError:
        return None
    path = Path(dist.locate_file("sphinx-mathjax-offline/static/mathjax/tex-svg.js"))
    return path if path.is_file() else None


def _copy_mathjax2(app, exc):
    """Copy a MathJax 2 directory (SKMLP_MATHJAX) into the built ``_static``."""
    if exc is None and app.builder.format == "html":
        from sphinx.util.fileutil import copy_asset

        copy_asset(
            _MATHJAX2_DIR,
            str(Path(app.outdir, "_static", "mathjax")),
            excluded=lambda path: Path(path).parts[:1] in {("unpacked",), ("test",), ("docs",)},
        )


_MATHJAX2_DIR = None
_local_mathjax = os.environ.get("SKMLP_MATHJAX") or _bundled_mathjax()
if _local_mathjax:
    _local_mathjax = Path(_local_mathjax).resolve()
    if (_local_mathjax / "MathJax.js").is_file():  # MathJax 2, e.g. Debian's libjs-mathjax
        _MATHJAX2_DIR = str(_local_mathjax)
        mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML"
        mathjax2_config = {
            "tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]]},
            "TeX": {"equationNumbers": {"autoNumber": "none"}},
        }
    elif _local_mathjax.is_file():
        html_static_path.append(str(_local_mathjax))  # copied into _static/
        mathjax_path = _local_mathjax.name  # relative to _static/
    else:
        raise FileNotFoundError(
            f"SKMLP_MATHJAX={str(_local_mathjax)!r} is neither a MathJax 3 file (tex-svg.js) "
            "nor a MathJax 2 directory holding MathJax.js"
        )

# -- sphinx-gallery --------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "doc_module": ("skmlp",),
    "backreferences_dir": "generated/backreferences",
    "reset_modules": ("matplotlib",),
    "matplotlib_animations": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "show_memory": False,
    "within_subsection_order": "FileNameSortKey",
}

# Examples print their own warnings when they matter; matplotlib's Agg backend
# warning about show() is noise.
warnings.filterwarnings("ignore", message="Matplotlib is currently using agg")
warnings.filterwarnings("ignore", message="FigureCanvasAgg is non-interactive")


def setup(app):
    app.connect("autodoc-skip-member", _skip_routing)
    if _MATHJAX2_DIR:
        app.connect("build-finished", _copy_mathjax2)
