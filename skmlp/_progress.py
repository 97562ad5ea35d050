"""Per-epoch progress reporting: plain lines, or a tqdm bar when asked for."""

from __future__ import annotations


class _Lines:
    """``verbose=True``: one line per epoch, as scikit-learn prints them."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def step(self, message: str) -> None:
        if self.enabled:
            print(message)

    def close(self) -> None:
        pass


class _Bar:
    """``verbose="progress"``: a tqdm bar with the latest loss as its postfix."""

    def __init__(self, total: int, desc: str):
        from tqdm.auto import tqdm

        self.bar = tqdm(total=total, desc=desc, unit="epoch", leave=True)

    def step(self, message: str) -> None:
        self.bar.set_postfix_str(message.split(", ", 1)[-1], refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def progress(total: int, verbose, desc: str):
    """The reporter that ``verbose`` asks for."""
    if verbose == "progress":
        try:
            return _Bar(total, desc)
        except ImportError as exc:  # tqdm is an optional dependency
            raise ImportError(
                'verbose="progress" needs tqdm: pip install tqdm (or, in a checkout '
                'of skmlp, pip install -e ".[progress]").'
            ) from exc
    return _Lines(bool(verbose))
