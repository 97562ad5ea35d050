"""Sphinx directives that keep the derivation page honest.

``.. skmlp-exec::``
    Shows its Python content, runs it while the page is built, and shows what
    it printed. Blocks on one page share their names, in page order. Any
    exception (a failed ``np.testing.assert_allclose``, an import error)
    stops the build with an ExtensionError, with or without ``-W``: the page
    cannot go out with numbers that disagree.

``:skmlp-line:`module.function | code```
    Shows ``code`` and links to ``module.function`` (documented on the
    internals page). Warns when ``code`` no longer appears, whitespace
    normalised, in that function's source, so a quoted line cannot silently
    go stale when the code changes (``-W`` turns the warning into an error).
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import re

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
            with contextlib.redirect_stdout(stdout):
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


def setup(app):
    app.add_directive("skmlp-exec", SkmlpExec)
    app.add_role("skmlp-line", skmlp_line_role)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
