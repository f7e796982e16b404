"""HTML mail bodies as readable plain text: paragraphs and line breaks kept, lists numbered or
dashed, blockquotes as "> " quotes, table cells separated, and links shown where their text does
not already say where they go. Built on the lenient html.parser; a broken body never raises."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIPPED_ELEMENTS = frozenset({"script", "style", "head", "title", "template", "noscript", "object", "svg"})
_PARAGRAPH_ELEMENTS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote", "pre", "hr"}
)
_LINE_ELEMENTS = frozenset(
    {
        "div", "section", "article", "header", "footer", "address", "form", "fieldset", "center", "nav",
        "aside", "main", "figure", "figcaption", "details", "summary", "tr", "li", "dt", "dd", "caption",
    }
)  # fmt: skip
_IGNORED_LINK_TARGETS = ("#", "javascript:", "cid:", "data:")
_WHITESPACE = re.compile(r"\s+")


def html_to_text(html: str) -> str:
    """Readable plain text from an HTML mail body: structure kept as lines, lists and quotes marked."""
    converter = _HtmlToText()
    try:
        converter.feed(html)
        converter.close()
    except Exception:  # noqa: BLE001, S110 - html.parser is lenient, but a broken mail must not break intake
        pass
    return converter.result()


class _HtmlToText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._lines: list[tuple[int, str, str, bool]] = []  # (quote depth, indent, text, preformatted)
        self._line: list[str] = []
        self._line_depth = 0
        self._line_indent = ""
        self._line_pre = False
        self._next_indent = ""  # of the next line to start: nested list items
        self._pending_breaks = 0
        self._quote_depth = 0
        self._pre_depth = 0
        self._skipping: dict[str, int] = {}
        self._lists: list[list[int | str]] = []  # [kind, counter]
        self._links: list[tuple[str, list[str]]] = []
        self._row_has_text = False

    # parser callbacks

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            for unclosed in ("head", "title"):  # a missing </head> must not hide the whole mail
                self._skipping.pop(unclosed, None)
        if tag in _SKIPPED_ELEMENTS:
            self._skipping[tag] = self._skipping.get(tag, 0) + 1
            return
        if self._skipping:
            return
        attributes = {name: value or "" for name, value in attrs}
        self._block_boundary(tag)
        if tag == "br":
            self._hard_break()
        elif tag == "blockquote":
            self._quote_depth += 1
        elif tag == "pre":
            self._pre_depth += 1
        elif tag in ("ul", "ol"):
            self._lists.append([tag, 0])
        elif tag == "li":
            self._write(self._list_marker())
        elif tag == "tr":
            self._row_has_text = False
        elif tag in ("td", "th"):
            if self._row_has_text:
                self._write(" | ")  # only between cells with text: layout tables have many empty ones
        elif tag == "a":
            self._links.append((attributes.get("href", "").strip(), []))
        elif tag == "img":
            alt = attributes.get("alt", "").strip()
            if alt:
                self._write(f"[{alt}]")
        elif tag == "hr":
            self._write("---")
            self._soft_break(2)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_ELEMENTS:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_ELEMENTS:
            if self._skipping.get(tag):
                self._skipping[tag] -= 1
                if not self._skipping[tag]:
                    del self._skipping[tag]
            return
        if self._skipping:
            return
        if tag == "a" and self._links:
            self._close_link()
        elif tag == "blockquote" and self._quote_depth:
            self._soft_break(2)
            self._quote_depth -= 1
        elif tag == "pre" and self._pre_depth:
            self._pre_depth -= 1
        elif tag in ("ul", "ol") and self._lists:
            self._lists.pop()
        self._block_boundary(tag)

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._pre_depth:
            lines = data.replace("\r\n", "\n").split("\n")
            for i, line in enumerate(lines):
                if i:
                    self._hard_break()
                self._write(line, pre=True)
            return
        text = _WHITESPACE.sub(" ", data)
        if text.strip():
            self._row_has_text = True
        elif not self._line:
            return  # whitespace between blocks is not content
        self._write(text)

    # structure

    def _block_boundary(self, tag: str) -> None:
        """Where a block starts or ends: a new line, or a blank one around paragraphs.

        A list nested in a list item gets no blank line: it belongs to that item.
        """
        if tag in _PARAGRAPH_ELEMENTS and not (tag in ("ul", "ol") and self._lists):
            self._soft_break(2)
        elif tag in _LINE_ELEMENTS or tag in ("ul", "ol"):
            self._soft_break(1)

    def _list_marker(self) -> str:
        if not self._lists:
            return "- "
        current = self._lists[-1]
        self._next_indent = "  " * (len(self._lists) - 1)
        if current[0] == "ol":
            current[1] = int(current[1]) + 1
            return f"{current[1]}. "
        return "- "

    def _close_link(self) -> None:
        href, pieces = self._links.pop()
        label = _WHITESPACE.sub(" ", "".join(pieces)).strip()
        if not href or href.lower().startswith(_IGNORED_LINK_TARGETS):
            return
        if not label:
            self._write(href)
        elif _comparable_url(label) != _comparable_url(href):
            self._write(f" ({href})")

    # output

    def _write(self, text: str, *, pre: bool = False) -> None:
        if not text:
            return
        if self._pending_breaks:
            self._apply_breaks()
        if not self._line:
            if not pre:
                text = text.lstrip(" ")
                if not text:
                    return
            self._line_depth = self._quote_depth
            self._line_indent, self._next_indent = self._next_indent, ""
            self._line_pre = pre
        self._line_pre = self._line_pre or pre
        self._line.append(text)
        for _, pieces in self._links:
            pieces.append(text)

    def _hard_break(self) -> None:
        if self._pending_breaks:
            self._apply_breaks()
        if self._line:
            self._finish_line()
        else:
            self._lines.append((self._quote_depth, "", "", False))

    def _soft_break(self, count: int) -> None:
        self._pending_breaks = max(self._pending_breaks, count)

    def _apply_breaks(self) -> None:
        wanted = self._pending_breaks
        self._pending_breaks = 0
        if not self._lines and not self._line:
            return  # nothing written yet: no leading blank lines
        if self._line:
            self._finish_line()
        blank = 0
        for _, _, text, _ in reversed(self._lines):
            if text.strip():
                break
            blank += 1
        for _ in range(wanted - 1 - blank):
            self._lines.append((self._quote_depth, "", "", False))

    def _finish_line(self) -> None:
        self._lines.append((self._line_depth, self._line_indent, "".join(self._line), self._line_pre))
        self._line = []
        self._line_pre = False

    def result(self) -> str:
        if self._line:
            self._finish_line()
        out: list[str] = []
        for depth, indent, text, pre in self._lines:
            text = text.rstrip() if pre else indent + re.sub(r" {2,}", " ", text).strip()
            line = ("> " * depth + text).rstrip()
            if not line.strip(">").strip() and out and not out[-1].strip(">").strip():
                continue  # one blank line is enough
            out.append(line)
        return "\n".join(out).strip("\n")


def _comparable_url(url: str) -> str:
    url = url.strip().lower()
    for prefix in ("mailto:", "https://", "http://"):
        url = url.removeprefix(prefix)
    return url.rstrip("/")
