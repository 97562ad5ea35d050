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


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--hidden", "0", "must be a positive integer, got 0"),
        ("--hidden", "-3", "must be a positive integer, got -3"),
        ("--hidden", "ten", "'ten' is not an integer"),
        ("--epochs", "0", "must be a positive integer, got 0"),
        ("--batch-size", "0", "must be a positive integer, got 0"),
        ("--learning-rate", "0", "must be a positive number, got 0"),
        ("--learning-rate", "-1", "must be a positive number, got -1"),
        ("--learning-rate", "nan", "must be a positive number, got nan"),
        ("--learning-rate", "inf", "must be a positive number, got inf"),
        ("--learning-rate", "fast", "'fast' is not a number"),
    ],
)
def test_bad_values_are_usage_errors(option, value, message, capsys):
    with pytest.raises(SystemExit) as exc:
        main([option, value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m skmlp")
    assert f"argument {option}" in err and message in err


def test_given_learning_rate_and_batch_size_are_used(monkeypatch, capsys):
    seen = {}

    def record_fit(self, X, y):
        seen.update(self.get_params())
        raise SystemExit(0)  # the parameters are all this test needs

    monkeypatch.setattr("skmlp.__main__.MLPClassifier.fit", record_fit)
    with pytest.raises(SystemExit):
        main(["--learning-rate", "0.5", "--batch-size", "7", "--hidden", "3", "2"])
    assert seen["learning_rate_init"] == 0.5 and seen["batch_size"] == 7
    assert seen["hidden_layer_sizes"] == (3, 2)


def test_says_which_kernels_run_and_why(capsys, monkeypatch):
    monkeypatch.delenv("SKMLP_KERNELS", raising=False)
    assert main(["--epochs", "2", "--hidden", "8", "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # digits: 1347 rows x (65*8 + 9*10) parameters x 2 epochs, far below the threshold
    assert lines[1] == (
        'kernels: numpy, as kernels="auto" gives numba\'s compiled loops only to work of '
        "1e10 or more, where they repay their loading; this fit's work is 1.6e06 "
        "(1347 rows x 610 parameters x 2 epochs)"
    )


def test_a_kernels_setting_is_named_as_the_reason(capsys):
    import skmlp

    with skmlp.config_context(kernels="numpy"):
        assert main(["--epochs", "2", "--hidden", "8", "--quiet"]) == 0
    assert "kernels: numpy (set to 'numpy'" in capsys.readouterr().out


def test_shows_progress_by_default_on_stderr(capsys):
    assert main(["--epochs", "20", "--hidden", "8"]) == 0
    captured = capsys.readouterr()
    shown = [line for line in captured.err.splitlines() if line.startswith("epoch ")]
    # not a terminal: the first epoch, then every tenth of the fit
    assert [line.split(",")[0] for line in shown] == [
        f"epoch {k}/20" for k in (1, *range(2, 21, 2))
    ]
    assert "Iteration" not in captured.out + captured.err


def test_quiet_shows_no_progress_and_verbose_every_epoch(capsys):
    assert main(["--epochs", "3", "--hidden", "8", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert "epoch " not in captured.err and "Iteration" not in captured.out
    assert main(["--epochs", "3", "--hidden", "8", "--verbose"]) == 0
    assert capsys.readouterr().out.count("Iteration ") == 3


def test_progress_rewrites_one_line_on_a_terminal():
    import io

    from skmlp.__main__ import EpochProgress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = EpochProgress(3, stream)
    progress.write("Iteration 1, loss = 2.50000000\nIteration 2, loss = 1.25")
    progress.write("000000\nTraining loss did not improve.\n")
    progress.close()
    assert stream.getvalue() == (
        "\r"
        + "epoch 1/3, loss 2.5000".ljust(40)
        + "\r"
        + "epoch 2/3, loss 1.2500".ljust(40)
        + "\nTraining loss did not improve.\n"
    )
