# ruff: noqa: E501  (SVG markup reads best on one line per element)
"""Draw docs/_static/network.svg, the m-d-t network of the derivation page.

Run from anywhere: ``python docs/_ext/make_network_svg.py``. The SVG is
committed; run this again only to change the drawing.
"""

import re
from pathlib import Path

W, H = 960, 470
out = [
    f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="15">',
    "<title>An m-d-t network: quantities, names and shapes</title>",
    '<defs><marker id="arr" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>',
    f'<rect width="{W}" height="{H}" fill="white"/>',
]


def rich(s):
    """'A^{(h)}' -> tspans with superscripts, '_{x}' subscripts."""
    parts = re.split(r"(\^\{[^}]*\}|_\{[^}]*\})", s)
    res, shift = [], 0
    for p in parts:
        if not p:
            continue
        if p.startswith("^{"):
            res.append(f'<tspan dy="{-6 - shift}" font-size="11">{p[2:-1]}</tspan>')
            shift = -6
        elif p.startswith("_{"):
            res.append(f'<tspan dy="{4 - shift}" font-size="11">{p[2:-1]}</tspan>')
            shift = 4
        else:
            p = p.replace("<", "&lt;")
            p = re.sub(r"\s{3,}(\S+ × \S+|\S+)$", r' <tspan fill="#777">[\1]</tspan>', p)
            res.append(f'<tspan dy="{-shift}">{p}</tspan>' if shift else p)
            shift = 0
    return "".join(res)


def text(x, y, s, anchor="middle", size=15, weight="normal", color="#222", style="normal"):
    out.append(
        f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="{size}" font-weight="{weight}" fill="{color}" font-style="{style}">{rich(s)}</text>'
    )


cols = {"in": 130, "h": 480, "out": 830}
ys = {"in": [95, 145, 245], "h": [95, 145, 245], "out": [120, 220]}
labels = {
    "in": ["x_{1}", "x_{2}", "x_{m}"],
    "h": ["a_{1}", "a_{2}", "a_{d}"],
    "out": ["a_{1}", "a_{t}"],
}
# edges
for a, b in (("in", "h"), ("h", "out")):
    for y1 in ys[a]:
        for y2 in ys[b]:
            out.append(
                f'<line x1="{cols[a] + 22}" y1="{y1}" x2="{cols[b] - 22}" y2="{y2}" stroke="#bbb" stroke-width="1.2"/>'
            )
fill = {"in": "#e8eef7", "h": "#fde9d4", "out": "#dff0d8"}
for c in cols:
    for y, l in zip(ys[c], labels[c]):
        out.append(
            f'<circle cx="{cols[c]}" cy="{y}" r="22" fill="{fill[c]}" stroke="#555" stroke-width="1.5"/>'
        )
        text(cols[c], y + 5, l)
    # vertical dots
    mid = (ys[c][-2] + ys[c][-1]) / 2
    text(cols[c], mid + 5, "⋮", size=20)
text(cols["in"], 40, "input: m features", weight="bold")
text(cols["h"], 40, "hidden layer: d units, φ", weight="bold")
text(cols["out"], 40, "output: t units, σ each", weight="bold")
text(305, 72, "W^{(h)}   m × d,  b^{(h)}   d", color="#1f4e9a")
text(655, 72, "W^{(out)}   d × t,  b^{(out)}   t", color="#1f4e9a")
# quantity table under each column
rows = {
    "in": ["X = A^{(in)}    n × m", "(one sample per row)"],
    "h": [
        "Z^{(h)} = X W^{(h)} + b^{(h)}    n × d",
        "A^{(h)} = φ(Z^{(h)})    n × d",
        "δ^{(h)} = (δ^{(out)} W^{(out)T}) ⊙ φ′    n × d",
    ],
    "out": [
        "Z^{(out)} = A^{(h)} W^{(out)} + b^{(out)}    n × t",
        "A^{(out)} = σ(Z^{(out)})    n × t",
        "δ^{(out)} = A^{(out)} − Y    n × t",
    ],
}
for c, lines in rows.items():
    for i, l in enumerate(lines):
        text(cols[c], 300 + 24 * i, l, size=13.5)
# arrows forward/backward
out.append(
    '<line x1="60" y1="390" x2="900" y2="390" stroke="#444" stroke-width="1.5" marker-end="url(#arr)"/>'
)
text(480, 382, "forward pass: Z and A, layer by layer", size=13, color="#444", style="italic")
out.append(
    '<line x1="900" y1="425" x2="60" y2="425" stroke="#444" stroke-width="1.5" marker-end="url(#arr)"/>'
)
text(
    480,
    447,
    "backward pass: δ, then dW^{(out)} = (A^{(h)})^{T}δ^{(out)},  dW^{(h)} = X^{T}δ^{(h)},  db = column sums of δ",
    size=13,
    color="#444",
    style="italic",
)
out.append("</svg>")
(Path(__file__).resolve().parents[1] / "_static" / "network.svg").write_text("\n".join(out) + "\n")
