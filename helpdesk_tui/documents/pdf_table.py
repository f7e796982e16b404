"""A long ruled table for fpdf2, drawn with `text()` and lines: the internal report's tickets.

fpdf2's `table()` lays every cell out through `multi_cell`, about 3 ms a row: a month of 10,000
tickets took half a minute. This draws the same look (a shaded heading row repeated on every
page, ruled cells, wrapped text, padding) from text lines measured once: words' widths are
cached, rows are placed by hand, and each page's vertical rules are drawn once rather than
per cell.

Text reaches the page through `FPDF.text`, which never reads markdown and never substitutes the
page-count alias, so untrusted text stays literal; the caller still passes it through
`drawable` (and `common.clean`) first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fpdf import FPDF

Align = str  # "L" or "R"


def wrap(text: str, room: float, width: Callable[[str], float]) -> list[str]:
    """`text` as lines no wider than `room`: greedy at spaces, and a word wider than `room` is
    cut between characters, so nothing crosses into the next column."""
    lines: list[str] = []
    space = width(" ")
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        # Only ASCII spaces break: «1 234,50» is grouped with a no-break space that must hold.
        for word in paragraph.split(" "):
            if not word:
                continue
            size = width(word)
            if line and used + space + size <= room:
                line, used = f"{line} {word}", used + space + size
                continue
            if line:
                lines.append(line)
            if size <= room:
                line, used = word, size
                continue
            line, used = "", 0.0
            for char in word:
                step = width(char)
                if line and used + step > room:
                    lines.append(line)
                    line, used = "", 0.0
                line, used = line + char, used + step
        lines.append(line)
    return lines or [""]


class RuledTable:
    """Rows of wrapped cells on `pdf`'s pages from its current y, headings on top of each page.

    A row is drawn whole on one page; only a row taller than a page (never one of the report's:
    its texts are cut short by `common.clean`) is continued on the next, line by line."""

    def __init__(
        self,
        pdf: FPDF,
        widths: Sequence[float],
        aligns: Sequence[Align],
        headings: Sequence[str],
        *,
        family: str,
        size: float,
        line_height: float,
        padding: tuple[float, float],
        heading_fill: tuple[int, int, int],
    ) -> None:
        self.pdf = pdf
        self.widths, self.aligns = tuple(widths), tuple(aligns)
        self.family, self.size = family, size
        self.line_height = line_height
        self.pad_y, self.pad_x = padding
        self.heading_fill = heading_fill
        self.left = pdf.l_margin
        self._style = ""
        self._measures: dict[tuple[str, str], float] = {}
        self._layouts: dict[tuple[str, str, float], list[str]] = {}
        self._headings = [self._layout(text, width, "B") for text, width in zip(headings, self.widths)]
        # Where the current run of rows with the same column edges began: its verticals are
        # drawn once, when the run ends.
        self._run_top = 0.0
        self._run_edges: tuple[float, ...] = ()
        self._fresh_y = -1.0  # where rows start under this page's headings; none drawn yet

    # --- the public steps ---------------------------------------------------------------------

    def row(self, cells: Sequence[str], *, bold: bool = False, spans: Sequence[int] | None = None) -> None:
        """One row: `cells` already drawable; `spans` joins columns (the totals' label)."""
        style = "B" if bold else ""
        widths, aligns = self._grouped(spans or (1,) * len(cells))
        laid = [self._layout(text, width, style) for text, width in zip(cells, widths)]
        edges = self._edges(widths)
        pdf = self.pdf
        done = 0
        if self._fresh_y < 0:
            # The headings go with the first row: never alone at the foot of a page.
            below = pdf.get_y() + self._height(self._headings, 0) + self._height(laid, 0)
            if below > self._bottom() and pdf.get_y() > pdf.t_margin + 1e-6:
                pdf.add_page()
            self._draw_headings()
        while True:
            height = self._height(laid, done)
            room = self._bottom() - pdf.get_y()
            if height > room and not self._page_is_fresh():
                self._new_page()
                continue
            fit = max(1, int((room - 2 * self.pad_y) / self.line_height + 1e-9))
            self._set_style(style)
            self._draw_row([lines[done:done + fit] for lines in laid], widths, aligns, edges)
            done += fit
            if all(len(lines) <= done for lines in laid):
                return
            self._new_page()

    def finish(self) -> None:
        self._close_run()
        self.pdf.set_xy(self.left, self.pdf.get_y())
        self._set_style("")

    # --- drawing ------------------------------------------------------------------------------

    def _draw_headings(self) -> None:
        pdf = self.pdf
        height = self._height(self._headings, 0)
        top = pdf.get_y()
        with pdf.local_context(fill_color=self.heading_fill):
            pdf.rect(self.left, top, sum(self.widths), height, style="F")
        self._set_style("B")
        self._draw_row(self._headings, self.widths, self.aligns, self._edges(self.widths), top_rule=True)
        self._set_style("")
        self._fresh_y = pdf.get_y()

    def _draw_row(
        self,
        laid: Sequence[Sequence[str]],
        widths: Sequence[float],
        aligns: Sequence[Align],
        edges: tuple[float, ...],
        *,
        top_rule: bool = False,
    ) -> None:
        pdf = self.pdf
        top = pdf.get_y()
        if edges != self._run_edges:
            self._close_run()
            self._run_top, self._run_edges = top, edges
        height = self._height(laid, 0)
        # fpdf2's cell puts the baseline at the middle of the line plus 0.3 of the font's size.
        first_base = top + self.pad_y + 0.5 * self.line_height + 0.3 * pdf.font_size
        measure = self._measure
        style = self._style
        for lines, x, width, align in zip(laid, edges, widths, aligns):
            base = first_base
            for line in lines:
                if line:
                    if align == "R":
                        pdf.text(x + width - self.pad_x - measure(style, line), base, line)
                    else:
                        pdf.text(x + self.pad_x, base, line)
                base += self.line_height
        right = edges[-1]
        if top_rule:
            pdf.line(self.left, top, right, top)
        pdf.line(self.left, top + height, right, top + height)
        pdf.set_y(top + height)

    def _close_run(self) -> None:
        if not self._run_edges:
            return
        pdf = self.pdf
        top, bottom = self._run_top, pdf.get_y()
        if bottom > top:
            for x in self._run_edges:
                pdf.line(x, top, x, bottom)
        self._run_edges = ()

    def _new_page(self) -> None:
        self._close_run()
        style = self._style
        self.pdf.add_page()
        self._draw_headings()
        self._set_style(style)

    # --- measuring ----------------------------------------------------------------------------

    def _set_style(self, style: str) -> None:
        if style != self._style or self.pdf.font_style != style:
            self.pdf.set_font(self.family, style, self.size)
            self._style = style

    def _measure(self, style: str, text: str) -> float:
        key = (style, text)
        width = self._measures.get(key)
        if width is None:
            self._set_style(style)
            width = self._measures[key] = self.pdf.get_string_width(text, normalized=True, markdown=False)
        return width

    def _layout(self, text: str, width: float, style: str) -> list[str]:
        key = (style, text, width)
        lines = self._layouts.get(key)
        if lines is None:
            saved = self._style
            lines = self._layouts[key] = wrap(text, width - 2 * self.pad_x, lambda part: self._measure(style, part))
            self._set_style(saved)
        return lines

    def _height(self, laid: Sequence[Sequence[str]], done: int) -> float:
        return max(max(len(lines) - done, 1) for lines in laid) * self.line_height + 2 * self.pad_y

    def _grouped(self, spans: Sequence[int]) -> tuple[list[float], list[Align]]:
        widths: list[float] = []
        aligns: list[Align] = []
        column = 0
        for span in spans:
            widths.append(sum(self.widths[column:column + span]))
            aligns.append(self.aligns[column])
            column += span
        return widths, aligns

    def _edges(self, widths: Sequence[float]) -> tuple[float, ...]:
        """The x of each cell's left side, and of the last one's right side."""
        edges, x = [self.left], self.left
        for width in widths:
            x += width
            edges.append(x)
        return tuple(edges)

    def _bottom(self) -> float:
        return self.pdf.h - self.pdf.b_margin

    def _page_is_fresh(self) -> bool:
        """Whether only the headings stand above: a row that does not fit here fits nowhere."""
        return self.pdf.get_y() <= self._fresh_y + 1e-6
