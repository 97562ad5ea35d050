"""``python -m skmlp``: the README's first command, and its errors."""

import pytest

from skmlp.__main__ import main


def test_trains_on_digits_and_reports(capsys):
    assert main(["--epochs", "30", "--hidden", "32", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("skmlp ") and "digits" in out and "kernels" in out
    accuracy = float(out.split("test accuracy:")[1])
    assert accuracy > 0.9  # 30 epochs of the derivation's network on digits


def test_float32_and_softmax_options(capsys):
    assert main(["--epochs", "3", "--hidden", "8", "--float32", "--output", "softmax"]) == 0
    assert "softmax output" in capsys.readouterr().out


def test_missing_mnist_is_a_clear_error_without_traceback(tmp_path, capsys):
    assert main(["--mnist", str(tmp_path / "missing.npz")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot load the data: No MNIST file at")


def test_bad_option_is_rejected_by_argparse(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--solver", "rmsprop"])
    assert exc.value.code == 2
    assert "invalid choice: 'rmsprop'" in capsys.readouterr().err
