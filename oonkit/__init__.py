"""The ``oonkit`` command line: a thin layer over ``udfs``, ``addin`` and ``workbooks``. Nothing imports it."""
