"""The reimbursement math of oonkit: pure, vectorised functions over numpy arrays.

Every function takes scalars or arrays (broadcast with numpy's rules) and returns the broadcast shape, or a
Python scalar when every input was a scalar. Amounts are dollars as float64; rates and percentages are
fractions (140% of Medicare is ``1.4``); dates are ``datetime64[D]``, ``datetime.date`` or ISO text.

Sign convention: amounts are positive as the provider sees them (billed, allowed, paid, recovered); a
cost the provider pays is a positive ``cost`` and enters cash flows with a minus sign.

This package imports no Excel library: ``addin`` (xlwings) and ``workbooks`` (openpyxl) build on it.
"""
