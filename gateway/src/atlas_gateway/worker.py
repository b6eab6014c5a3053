"""The gunicorn worker: aiohttp's uvloop worker with signals caught by plain Python handlers.

With uvloop 0.23 and gunicorn 27, aiohttp's ``loop.add_signal_handler`` registration sometimes loses
the SIGTERM the arbiter sends on shutdown: that worker then runs until gunicorn kills it at the end of
``graceful_timeout``. Python-level handlers run on the worker's one-second heartbeat and are never
lost; they only clear ``alive``, and the serve loop then shuts the app down cleanly.
"""

from __future__ import annotations

import signal
from types import FrameType

from aiohttp.worker import GunicornUVLoopWebWorker


class GatewayWorker(GunicornUVLoopWebWorker):
    def init_signals(self) -> None:
        for sig in self.SIGNALS:
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, self.handle_exit)
        signal.signal(signal.SIGQUIT, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGWINCH, self.handle_winch)
        signal.signal(signal.SIGUSR1, self.handle_usr1)
        signal.signal(signal.SIGABRT, self.handle_abort)
        signal.siginterrupt(signal.SIGTERM, False)
        signal.siginterrupt(signal.SIGUSR1, False)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # let application subprocesses be reaped

    def _stop(self, _sig: int, _frame: FrameType | None) -> None:
        self.alive = False
        self.cfg.worker_int(self)
