"""Reading X12 835 remittances (005010X221A1) into pandas tables, with balancing checks.

- :func:`remits.reader.read_remits` / :func:`remits.reader.read_835`: files or bytes to a
  :class:`remits.reader.Remit` (payments, claims, lines, adjustments, remarks, plb, amounts);
- :func:`remits.balance.imbalances`: every place the remit does not balance;
- :mod:`remits.codes`: the CARC, RARC and group code lists shipped in ``templates/codes``;
- :mod:`remits.synthetic`: realistic generated 835 files for tests, benchmarks and demos.

A malformed file raises :class:`remits.segments.RemitError` (an ``udfs.errors.OonError``) naming the file,
the segment number and the problem. The README ("Remittances") documents the tables and the checks.
"""
