"""Reviewed data the product reads: sheet layouts, escalation stages, deadline rules, payer profiles and
reference fee data. No code lives here; ``udfs.reference`` and ``workbooks`` read these files.

Every file states its source and, where a rule changes over time, its effective dates.
"""
