"""Readers: one benchmark file (or a user's own file) → a :class:`SourceTable`.

Each reader converts arch keys to the space's canonical ids at the boundary
(``featurizers.spaces.get_space(space).parse_many``) and applies the proxy conventions of
:mod:`predbench.data.task`: a proxy value that is recorded but NaN or ±inf becomes
:data:`~predbench.data.task.FAILED_PROXY`; −1e8 stays as it is; a value the file does not record
stays NaN. Tasks are assembled from several tables in :mod:`predbench.data.loading`.
"""

from ._common import ArchParseError, MalformedFileError, SourceTable
from .help import read_help_latency
from .hw_nas_bench import read_hw_csv
from .suite_zero import read_suite_json, read_suite_zip
from .table import read_csv_table

__all__ = [
    "ArchParseError",
    "MalformedFileError",
    "SourceTable",
    "read_csv_table",
    "read_help_latency",
    "read_hw_csv",
    "read_suite_json",
    "read_suite_zip",
]
