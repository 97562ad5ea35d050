"""Sphinx directives that keep the derivation page honest.

``.. skmlp-exec::``
    Shows its Python content, runs it while the page is built, and shows what
    it printed. Blocks on one page share their names, in page order. Any
    exception (a failed ``np.testing.assert_allclose``, an import error)
    stops the build with an ExtensionError, with or without ``-W``: the page
    cannot go out with numbers that disagree. So does any warning the block
    raises (a ConvergenceWarning): what the pages show runs cleanly.

``:skmlp-line:`module.function | code```
    Shows ``code`` and links to ``module.function`` (documented on the
    internals page). Warns when ``code`` no longer appears, whitespace
    normalised, in that function's source, so a quoted line cannot silently
    go stale when the code changes (``-W`` turns the warning into an error).

``:skmlp-default:`name=value``` and ``:sklearn-default:`name=value```
    Show ``name=value`` as code and warn when ``value`` (a Python literal) is
    not the default of ``name`` in ``skmlp.MLPClassifier`` (or scikit-learn's
    ``MLPClassifier``), so that a default quoted in the prose cannot outlive
    a change of the code. ``tests/test_docs_sync.py`` runs the same checks
    without building the pages.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import io
import re
import warnings

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)


class SkmlpExec(SphinxDirective):
    """Show, run and show the output of a block of Python."""

    has_content = True
    option_spec = {"caption": str}

    def run(self):
        code = "\n".join(self.content)
        stdout = io.StringIO()
        # One namespace per page: later blocks see the names of earlier ones.
        namespace = self.env.temp_data.setdefault(
            "skmlp_exec_namespace",
            {"__name__": f"skmlp_exec_{self.env.docname.replace('/', '_')}"},
        )
        try:
            # A block that warns would teach readers code that warns: every
            # warning is an error here (tests/test_snippets.py checks the same).
            with contextlib.redirect_stdout(stdout), warnings.catch_warnings():
                warnings.simplefilter("error")
                exec(compile(code, f"<{self.env.docname}.rst:{self.lineno}>", "exec"), namespace)
        except Exception as exc:
            raise ExtensionError(
                f"{self.env.docname}.rst, line {self.lineno}: the skmlp-exec block "
                f"failed, so the page would show a wrong result:\n{type(exc).__name__}: {exc}"
            ) from exc
        source = nodes.literal_block(code, code, language="python")
        output = nodes.literal_block(stdout.getvalue(), stdout.getvalue(), language="text")
        output["classes"].append("skmlp-exec-output")
        caption = self.options.get("caption")
        result = []
        if caption:
            result.append(nodes.rubric(caption, caption))
        result += [source, nodes.paragraph("", "", nodes.Text("Output at build time:")), output]
        return result


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def skmlp_line_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``:skmlp-line:`skmlp._backprop.backward | delta -= Y```."""
    target, _, code = (part.strip() for part in text.partition("|"))
    module_name, _, attr = target.rpartition(".")
    try:
        obj = getattr(importlib.import_module(module_name), attr)
        source = inspect.getsource(obj)
    except (ImportError, AttributeError, OSError, TypeError) as exc:
        msg = inliner.reporter.error(f"skmlp-line: cannot read {target!r}: {exc}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    if code and _normalise(code) not in _normalise(source):
        location = inliner.document.settings.env.docname, lineno
        logger.warning(
            "skmlp-line: %r no longer appears in %s; update the derivation page",
            code,
            target,
            location=location,
        )
    shown = nodes.literal(code, code) if code else None
    ref = addnodes.pending_xref(
        "",
        refdomain="py",
        reftype="func" if inspect.isfunction(obj) else "obj",
        reftarget=target,
        refexplicit=True,
        refwarn=True,
    )
    short = target.rsplit(".", 1)[-1]
    ref += nodes.literal(short, short, classes=["xref", "py", "py-func"])
    if shown is None:
        return [ref], []
    return [shown, nodes.Text(" in "), ref], []


def default_mismatch(library: str, text: str) -> str | None:
    """Why ``name=value`` is not a default of ``library``'s MLPClassifier, or None.

    Parameters
    ----------
    library : {"skmlp", "sklearn"}
        Whose ``MLPClassifier().get_params()`` to compare with.
    text : str
        ``name=value``, with ``value`` a Python literal.
    """
    if library == "skmlp":
        from skmlp import MLPClassifier
    else:
        from sklearn.neural_network import MLPClassifier
    name, sep, value = text.partition("=")
    params = MLPClassifier().get_params()
    if not sep or name.strip() not in params:
        return f"{text!r} does not name a parameter of {library}'s MLPClassifier"
    try:
        quoted = ast.literal_eval(value.strip())
    except (ValueError, SyntaxError):
        return f"{value.strip()!r} in {text!r} is not a Python literal"
    actual = params[name.strip()]
    if quoted != actual:
        return f"{library}'s default is {name.strip()}={actual!r}, the page says {text!r}"
    return None


def _default_role(library):
    def role(name, rawtext, text, lineno, inliner, options=None, content=None):
        problem = default_mismatch(library, text)
        if problem:
            location = inliner.document.settings.env.docname, lineno
            logger.warning("%s-default: %s; update the page", library, problem, location=location)
        return [nodes.literal(text, text)], []

    return role


def setup(app):
    app.add_directive("skmlp-exec", SkmlpExec)
    app.add_role("skmlp-line", skmlp_line_role)
    app.add_role("skmlp-default", _default_role("skmlp"))
    app.add_role("sklearn-default", _default_role("sklearn"))
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
