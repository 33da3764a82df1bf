"""HTML score reports (``mips report`` and the pipeline's ``reports/`` pages): see :mod:`.page`."""

from __future__ import annotations

from .page import entity_label, render_entity, render_index, report_file_name

__all__ = ["entity_label", "render_entity", "render_index", "report_file_name"]
