"""A small self-contained HTML page: sections of text, tables and figures, no assets.

Everything a caller passes as text is escaped here; only the blocks built by these
functions are trusted HTML. The page is one file: its style sheet is inline, its images
are embedded as ``data:image/png;base64,...`` URIs and its mathematics is Unicode text,
so it refers to no other file and no network address and opens offline from anywhere.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "PNG_SIGNATURE",
    "Section",
    "code_block",
    "figure",
    "paragraph",
    "png_data_uri",
    "render_page",
    "table",
]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d232a;
       max-width: 70rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.5; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; margin-top: 2.6rem; border-bottom: 1px solid #d0d7de;
     padding-bottom: 0.25rem; }
p.lead { font-size: 1.05rem; color: #424a53; margin-top: 0.3rem; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
            font-size: 0.88rem; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px;
      padding: 0.6rem 0.8rem; overflow-x: auto; }
table { border-collapse: collapse; margin: 0.8rem 0 1.2rem; font-size: 0.9rem; }
caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
div.table { overflow-x: auto; }
th, td { padding: 0.25rem 0.7rem; border-bottom: 1px solid #e3e7eb; white-space: nowrap; }
th { background: #f6f8fa; text-align: left; border-bottom: 2px solid #d0d7de;
     white-space: normal; vertical-align: bottom; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.good { color: #1a7f37; font-weight: 600; }
td.bad { color: #cf222e; font-weight: 600; }
figure { margin: 1rem 0 1.6rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #e3e7eb; }
figcaption { font-size: 0.9rem; color: #424a53; margin-top: 0.3rem; }
figcaption .file { color: #57606a; }
footer { margin-top: 3rem; font-size: 0.85rem; color: #57606a; }
"""


@dataclass(frozen=True)
class Section:
    """One section of the page: a heading and its blocks (HTML from this module)."""

    anchor: str
    title: str
    blocks: tuple[str, ...]


def paragraph(text: str, *, css_class: str | None = None) -> str:
    """A paragraph of plain text (escaped); ``code`` spans in backquotes are kept."""
    pieces = html.escape(text).split("`")
    # odd pieces sat between backquotes: set them as code
    body = "".join(
        f"<code>{piece}</code>" if index % 2 else piece for index, piece in enumerate(pieces)
    )
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<p{attribute}>{body}</p>"


def code_block(code: str) -> str:
    """A preformatted block of (escaped) code."""
    return f"<pre><code>{html.escape(code.strip())}</code></pre>"


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    caption: str | None = None,
    numeric: Sequence[bool] | None = None,
    verdicts: Sequence[bool | None] | None = None,
) -> str:
    """An HTML table of preformatted cells (escaped).

    ``numeric[j]`` right-aligns column j; ``verdicts[i]`` colours the last cell of row i
    green (True) or red (False).
    """
    aligned = list(numeric) if numeric is not None else [False] * len(header)
    lines = ['<div class="table"><table>']
    if caption:
        lines.append(f"<caption>{html.escape(caption)}</caption>")
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
    lines.append(f"<thead><tr>{head}</tr></thead>")
    lines.append("<tbody>")
    for index, row in enumerate(rows):
        verdict = verdicts[index] if verdicts is not None else None
        cells = []
        for column, cell in enumerate(row):
            classes = ["num"] if aligned[column] else []
            if verdict is not None and column == len(row) - 1:
                classes.append("good" if verdict else "bad")
            attribute = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{attribute}>{html.escape(cell)}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody></table></div>")
    return "\n".join(lines)


def png_data_uri(png: bytes) -> str:
    """``png`` (the bytes of a PNG file) as a ``data:image/png;base64,...`` URI."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("png_data_uri needs the bytes of a PNG file (PNG signature missing).")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def figure(png: bytes, caption: str, *, alt: str, filename: str | None = None) -> str:
    """A figure embedding the PNG image ``png`` in the page, with its caption.

    ``filename`` names the same image's file next to the page, for reuse; the caption
    mentions it and the ``img`` element carries it as ``data-file``. The page itself
    does not load it.
    """
    file_attribute = f' data-file="{html.escape(filename, quote=True)}"' if filename else ""
    file_note = (
        f' <span class="file">(PNG file: <code>{html.escape(filename)}</code>)</span>'
        if filename
        else ""
    )
    return (
        f'<figure><img src="{png_data_uri(png)}"{file_attribute} '
        f'alt="{html.escape(alt, quote=True)}">'
        f"<figcaption>{html.escape(caption)}{file_note}</figcaption></figure>"
    )


def render_page(title: str, lead: str, sections: Sequence[Section], *, footer: str = "") -> str:
    """The complete page: title, lead paragraph, a table of contents and the sections."""
    contents = "".join(
        f'<li><a href="#{html.escape(section.anchor, quote=True)}">'
        f"{html.escape(section.title)}</a></li>"
        for section in sections
    )
    body = "\n".join(
        f'<section id="{html.escape(section.anchor, quote=True)}">\n'
        f"<h2>{html.escape(section.title)}</h2>\n" + "\n".join(section.blocks) + "\n</section>"
        for section in sections
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n{paragraph(lead, css_class='lead')}\n"
        f"<nav><ul>{contents}</ul></nav>\n{body}\n"
        f"<footer>{html.escape(footer)}</footer>\n</body>\n</html>\n"
    )
