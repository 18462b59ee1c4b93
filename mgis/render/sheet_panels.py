"""Panel elements of a sheet: the title block, a table and a bar chart (QtGui vector drawing)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF

from mgis.render.scales import format_int, format_scale
from mgis.render.sheet import ChartSpec, Rect, TableSpec, TitleBlock
from mgis.render.sheet_elements import Paper, elide


def draw_title_block(paper: Paper, rect: Rect, block: TitleBlock, crs: str, scale: float) -> None:
    """Draw the title block: author, department, date, data sources, CRS and scale."""
    date = block.date or dt.date.today().strftime("%d.%m.%Y")
    rows = (
        (paper.text("author"), block.author),
        (paper.text("department"), block.department),
        (paper.text("date"), date),
        (paper.text("sources"), block.sources),
        (paper.text("crs"), block.crs or crs),
        (paper.text("scale"), format_scale(scale)),
    )
    fm = QFontMetricsF(paper.font(6.8, bold=True))
    label_w = max(fm.horizontalAdvance(label) for label, _ in rows) + paper.px(2.6)
    _draw_rows(paper, rect, list(rows), label_share=min(label_w / paper.px(rect.w), 0.5))


def _draw_rows(paper: Paper, rect: Rect, rows: list[tuple[str, str]], label_share: float) -> None:
    """Two-column bordered rows: a bold label and its value."""
    p, box = paper.painter, paper.rect(rect)
    row_h = box.height() / max(len(rows), 1)
    pad = paper.px(1.2)
    bold, plain = paper.font(6.8, bold=True), paper.font(6.8)
    split = box.left() + box.width() * label_share
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    p.save()
    p.setPen(paper.pen(0.2))
    p.setBrush(Qt.BrushStyle.NoBrush)
    for i, (label, value) in enumerate(rows):
        y = box.top() + i * row_h
        p.drawRect(QRectF(box.left(), y, box.width(), row_h))
        p.setFont(bold)
        p.drawText(QRectF(box.left() + pad, y, split - box.left() - 2 * pad, row_h), flags,
                   elide(paper, bold, label, split - box.left() - 2 * pad))  # fmt: skip
        p.setFont(plain)
        width = box.right() - split - 2 * pad
        p.drawText(QRectF(split + pad, y, width, row_h), flags, elide(paper, plain, value, width))
    p.drawLine(QPointF(split, box.top()), QPointF(split, box.bottom()))
    p.restore()


def draw_table(paper: Paper, rect: Rect, table: TableSpec) -> int:
    """Draw a titled table with a shaded header; rows that do not fit are counted in a last row.

    Returns
    -------
    int
        Rows left out.
    """
    p, box = paper.painter, paper.rect(rect)
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    title_h = paper.px(5.5 * paper.text_scale)
    p.save()
    p.setFont(paper.font(9.0, bold=True))
    p.drawText(QRectF(box.left(), box.top(), box.width(), title_h), flags, table.title)
    size = 1.0
    for size in (1.0, 0.85, 0.7):  # a smaller font before leaving rows out
        row_h = paper.px(4.0 * paper.text_scale * size)
        fits = max(int((box.height() - title_h) // row_h) - 1, 0)
        if len(table.rows) <= fits:
            break
    rows = list(table.rows)
    hidden = 0
    if len(rows) > fits:
        hidden = len(rows) - max(fits - 1, 0)
        rows = rows[: max(fits - 1, 0)]
        rows.append((paper.text("more").format(n=hidden),) + ("",) * (len(table.headers) - 1))
    n_cols = max(len(table.headers), 1)
    widths = _column_widths(paper, table, box.width(), size)
    pad = paper.px(1.0)
    y = box.top() + title_h
    p.setPen(paper.pen(0.15))
    for r, cells in enumerate([table.headers, *rows]):
        if r == 0:
            p.setBrush(QColor("#e6e6e6"))
        else:
            p.setBrush(Qt.BrushStyle.NoBrush)
        font = paper.font(6.5 * size, bold=r == 0)
        p.setFont(font)
        x = box.left()
        for c in range(n_cols):
            cell = QRectF(x, y, widths[c], row_h)
            p.drawRect(cell)
            text = str(cells[c]) if c < len(cells) else ""
            p.drawText(
                cell.adjusted(pad, 0, -pad, 0),
                flags,
                elide(paper, font, text, widths[c] - 2 * pad),
            )
            x += widths[c]
        y += row_h
    p.restore()
    return hidden


def _column_widths(paper: Paper, table: TableSpec, width: float, size: float) -> list[float]:
    """Column widths from the widest text of each column; the widest give way when short of room."""
    n = max(len(table.headers), 1)
    plain = QFontMetricsF(paper.font(6.5 * size))
    bold = QFontMetricsF(paper.font(6.5 * size, bold=True))
    pad = paper.px(2.4)
    natural = [bold.horizontalAdvance(str(h)) + pad for h in table.headers] or [width]
    for row in table.rows[:300]:
        for c, cell in enumerate(row[:n]):
            natural[c] = max(natural[c], plain.horizontalAdvance(str(cell)) + pad)
    total = sum(natural)
    if total <= width:
        return [w + (width - total) / len(natural) for w in natural]
    widths = list(natural)
    room, open_cols = width, list(range(len(widths)))
    while open_cols:  # water-filling: narrow columns keep their width, wide ones share the rest
        share = room / len(open_cols)
        narrow = [c for c in open_cols if natural[c] <= share]
        if not narrow:
            for c in open_cols:
                widths[c] = share
            break
        for c in narrow:
            widths[c] = natural[c]
            room -= natural[c]
            open_cols.remove(c)
    return widths


def draw_chart(paper: Paper, rect: Rect, chart: ChartSpec) -> None:
    """Draw a horizontal bar chart: labels on the left, values at the bar ends."""
    p, box = paper.painter, paper.rect(rect)
    flags_l = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    title_h = paper.px(5.5 * paper.text_scale)
    p.save()
    p.setFont(paper.font(9.0, bold=True))
    p.drawText(QRectF(box.left(), box.top(), box.width(), title_h), flags_l, chart.title)
    n = len(chart.values)
    if n == 0:
        p.restore()
        return
    area = QRectF(box.left(), box.top() + title_h, box.width(), box.height() - title_h)
    row_h = min(area.height() / n, paper.px(5.0 * paper.text_scale))
    font = paper.font(6.5)
    fm = QFontMetricsF(font)
    p.setFont(font)
    label_w = min(max(fm.horizontalAdvance(str(s)) for s in chart.labels) + 4, area.width() * 0.4)
    value_w = fm.horizontalAdvance(f"{format_int(max(chart.values))} {chart.unit}") + 6
    top = max(*chart.values, 1e-12)
    bar_room = max(area.width() - label_w - value_w, 1.0)
    for i, (label, value) in enumerate(zip(chart.labels, chart.values, strict=False)):
        y = area.top() + i * row_h
        p.setPen(QColor("#000000"))
        p.drawText(
            QRectF(area.left(), y, label_w - 4, row_h),
            flags_l,
            elide(paper, font, str(label), label_w - 4),
        )
        w = bar_room * max(value, 0.0) / top
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#4e79a7"))
        p.drawRect(QRectF(area.left() + label_w, y + row_h * 0.15, w, row_h * 0.7))
        p.setPen(QColor("#000000"))
        text = f"{format_int(value)} {chart.unit}".strip()
        p.drawText(QRectF(area.left() + label_w + w + 3, y, value_w, row_h), flags_l, text)
    p.restore()
