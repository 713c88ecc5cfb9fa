"""`/report`: the flow (flow.py), the report's text, chart and files (view.py) and its
spreadsheet's sheets (sheets.py); the weekly push renders through view.py too."""

from handlers.reports.flow import register

__all__ = ["register"]
