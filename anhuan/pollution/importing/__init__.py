"""Import of the emergency reduction list (应急减排清单) from .xlsx, .xls or CSV files.

The modules follow the data:

* ``reader``: bytes to rows of cells (format and encoding detection).
* ``columns``: header location and the column map, by label.
* ``normalise``: one cell to a clean value, or a reason why not.
* ``regions``: the 县（市、区） cell to a Region, with former names rejected.
* ``rows``: row validation and the checks across rows.
* ``writer``: the transaction's bulk writes and audit entries, through ``core.sqlbulk``.
* ``service``: ``import_reduction_list``, the one action the command, the pages and the job call.
* ``jobs``: queued upload jobs, their progress and who may see them.
"""
