"""Ctrl-C held back while a few assignments run, so that they happen all or none.

Python raises KeyboardInterrupt for a SIGINT between any two bytecodes of the
main thread, so books written in several statements can be left half written.
"""

from __future__ import annotations

import signal
import threading


class interrupts_deferred:
    """A block during which SIGINT is recorded instead of handled, then handled.

    The handler installed before the block runs once the block is over, with
    the first SIGINT the block received, so Ctrl-C still raises
    KeyboardInterrupt, after the block. Keep the block to plain assignments:
    a second Ctrl-C inside it is not handled either.

    Only the main thread of the main interpreter receives signals: elsewhere,
    or when SIGINT's handler is not a Python callable (ignored, the system's
    default, or set from C), the block runs unchanged.
    """

    def __enter__(self):
        self.previous = self.received = None
        if threading.current_thread() is not threading.main_thread():
            return self
        previous = signal.getsignal(signal.SIGINT)
        if not callable(previous):
            return self
        try:
            signal.signal(signal.SIGINT, self._record)
        except ValueError:  # not the main interpreter
            return self
        self.previous = previous
        return self

    def _record(self, signum, frame) -> None:
        if self.received is None:
            self.received = (signum, frame)

    def __exit__(self, *exc_info) -> None:
        if self.previous is None:
            return
        signal.signal(signal.SIGINT, self.previous)
        if self.received is not None:
            self.previous(*self.received)  # default_int_handler raises KeyboardInterrupt
