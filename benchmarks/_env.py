"""Set-up every benchmark script shares before it imports predbench.

Run as ``python benchmarks/<script>.py``, a script sees its own folder on the import path but not
the project root; this module adds the root (so ``predbench``/``featurizers`` import from the
checkout) and, when the shared benchmark folder sits beside the project, points
``PREDBENCH_MIRROR`` at it — a mirror the user set is kept.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if "PREDBENCH_MIRROR" not in os.environ and SHARED_DATA.is_dir():
    os.environ["PREDBENCH_MIRROR"] = str(SHARED_DATA)
