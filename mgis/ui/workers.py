"""Background work: a generic worker with progress and Cancel, and its status-bar panel.

Long tasks (loading layers, opening and saving projects) run in a thread pool;
their results come back on the UI thread through Qt signals, and failures come
back as one readable line of text, never a traceback.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from mgis.ui.i18n import tr

_log = logging.getLogger(__name__)

ProgressFn = Callable[[int], None]
CancelledFn = Callable[[], bool]


def readable_error(exc: BaseException) -> str:
    """Return a message for the user: the text of expected errors, else type and text.

    Parameters
    ----------
    exc : BaseException
        The failure.

    Returns
    -------
    str
        One or a few lines, without a traceback.
    """
    from mgis.io import MgisIOError
    from mgis.project import ProjectError

    text = str(exc).strip()
    if isinstance(exc, MgisIOError | ProjectError) and text:
        return text
    if isinstance(exc, OSError) and exc.strerror:
        name = f" {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{name}"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Worker(QObject):
    """Run ``fn(*args, **kwargs)`` in a pool thread and report back on the UI thread.

    With ``controls=True`` the function also receives ``progress=`` (call it
    with 0 to 100) and ``cancelled=`` (returns True once :meth:`cancel` was
    called) keyword arguments so that it can report and stop early. A cancelled
    worker never emits :attr:`succeeded` or :attr:`failed`.

    Parameters
    ----------
    fn : callable
        The work; it must not touch widgets.
    *args, **kwargs
        Passed to ``fn``.
    controls : bool
        Pass ``progress`` and ``cancelled`` to ``fn``.
    parent : QObject, optional
        Qt parent (keeps the worker alive).

    Signals
    -------
    progressed(int)
        Percent done, -1 while unknown.
    succeeded(object)
        The return value of ``fn``.
    failed(str)
        A readable error message.
    canceled()
        The work was cancelled; its result (if any) is dropped.
    finished()
        Emitted last, in every case.
    """

    progressed = Signal(int)
    succeeded = Signal(object)
    failed = Signal(str)
    canceled = Signal()
    finished = Signal()

    _pool: ThreadPoolExecutor | None = None
    _running: set[Worker] = set()  # noqa: RUF012 - keeps started workers alive
    _finished: deque[Worker] = deque(maxlen=16)  # noqa: RUF012 - freed later, on the UI thread

    def __init__(
        self,
        fn: Callable[..., Any],
        *args: Any,
        controls: bool = False,
        parent: QObject | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(parent)
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self._controls = controls
        self._cancel = threading.Event()
        self._done = threading.Event()

    @classmethod
    def pool(cls) -> ThreadPoolExecutor:
        """Return the thread pool shared by all workers (two threads)."""
        if cls._pool is None:
            cls._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mgis-worker")
        return cls._pool

    def start(self) -> Worker:
        """Start the work in the pool and return self."""
        Worker._running.add(self)
        self.finished.connect(self._forget)
        self.pool().submit(self._run)
        return self

    def _forget(self) -> None:
        """Let a finished worker go (UI thread).

        It is kept a little longer so that the last reference is never dropped
        on the pool thread (a QObject must die on its own thread).
        """
        Worker._running.discard(self)
        Worker._finished.append(self)

    def cancel(self) -> None:
        """Ask the work to stop; its result is dropped."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        """Return True once :meth:`cancel` was called."""
        return self._cancel.is_set()

    def is_done(self) -> bool:
        """Return True when the function has returned or raised."""
        return self._done.is_set()

    def wait(self, timeout_s: float = 30.0) -> bool:
        """Block until the function returned; True unless the timeout passed."""
        return self._done.wait(timeout_s)

    def _run(self) -> None:
        """Call the function (pool thread) and signal its outcome."""
        kwargs = dict(self._kwargs)
        if self._controls:
            kwargs["progress"] = self.progressed.emit
            kwargs["cancelled"] = self.is_cancelled
        try:
            result = self._fn(*self._args, **kwargs)
        except Exception as exc:  # reported to the user as text
            _log.debug("worker failed", exc_info=True)
            self._done.set()
            if self.is_cancelled():
                self.canceled.emit()
            else:
                self.failed.emit(readable_error(exc))
        else:
            self._done.set()
            if self.is_cancelled():
                self.canceled.emit()
            else:
                self.succeeded.emit(result)
        self.finished.emit()


class ProgressPanel(QWidget):
    """Status-bar widget: what is running, a progress bar and a Cancel button.

    Parameters
    ----------
    parent : QWidget, optional
        Parent widget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.bar.setMaximumHeight(16)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self._worker: Worker | None = None
        self.hide()

    @property
    def worker(self) -> Worker | None:
        """The worker shown, or None when idle."""
        return self._worker

    def track(self, worker: Worker, text: str) -> None:
        """Show ``text`` and the progress of ``worker`` until it finishes."""
        self._worker = worker
        self.label.setText(text)
        self.bar.setRange(0, 0)  # busy until the first progress report
        worker.progressed.connect(self._on_progress)
        worker.finished.connect(lambda: self._on_finished(worker))
        self.cancel_button.setEnabled(True)
        self.show()

    def cancel(self) -> None:
        """Cancel the tracked worker."""
        if self._worker is not None:
            self._worker.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText(tr("Cancelling…"))

    def _on_progress(self, percent: int) -> None:
        """Show a percentage, or a busy bar for -1."""
        if percent < 0:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 100)
            self.bar.setValue(percent)

    def _on_finished(self, worker: Worker) -> None:
        """Hide when the tracked worker is done."""
        if worker is self._worker:
            self._worker = None
            self.hide()
