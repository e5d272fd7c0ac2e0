"""``bench/customer_load.py --profile DIR``: cProfile every request of a gunicorn worker.

A middleware (added by ``bench.load_settings`` only when ``BENCH_PROFILE_DIR`` is set) runs each request
under one ``cProfile.Profile`` per process; the stats are written to ``DIR/web-<pid>.prof`` every 50
requests and when the process exits. Read them with ``python -m pstats`` or ``bench/profiling.py DIR``.
"""

import atexit
import cProfile
import os
import pstats
import sys
import threading
from pathlib import Path

_profile = None
_lock = threading.Lock()
_count = 0


def _dump():
    if _profile is not None:
        directory = Path(os.environ["BENCH_PROFILE_DIR"])
        directory.mkdir(parents=True, exist_ok=True)
        _profile.dump_stats(directory / f"web-{os.getpid()}.prof")


class ProfileMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        global _profile, _count
        with _lock:
            if _profile is None:
                _profile = cProfile.Profile()
                atexit.register(_dump)
            _profile.enable()
            try:
                return self.get_response(request)
            finally:
                _profile.disable()
                _count += 1
                if _count % 50 == 0:
                    _dump()


if __name__ == "__main__":
    files = [str(path) for path in Path(sys.argv[1]).glob("*.prof")]
    stats = pstats.Stats(*files)
    stats.sort_stats(sys.argv[2] if len(sys.argv) > 2 else "cumulative").print_stats(60)
