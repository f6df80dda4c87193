"""A user's own file that is wrong in one way gets one line naming the file, the row and the field.

The cases are the ones a researcher meets when exporting their own benchmark: an arch string the
space does not read, the same arch twice with different numbers, NaN / ±inf targets, no target
column, a file of another space. Each message is checked for the file, the row, the field and
what to do, and for being a single line.
"""

from __future__ import annotations

import pytest

from predbench.data import ArchParseError, MalformedFileError, load_task_from_file

ROW = '"(0, 1, 2, 3, 4, 0)"'
OTHER = '"(2, 2, 2, 2, 2, 2)"'


def _one_line(exc: BaseException) -> str:
    message = str(exc)
    assert "\n" not in message, message
    return message


@pytest.mark.parametrize(
    ("name", "content", "kwargs", "error", "parts"),
    [
        ("unknown_arch.csv",
         f'arch,val_accuracy\n{ROW},1\n"(0, 1, 2, 3, 4, 7)",2\n', {},
         ArchParseError, ["line 3", "column 'arch'", "(0, 1, 2, 3, 4, 7)", "op 7", "expected"]),
        ("duplicate.csv",
         f"arch,val_accuracy,snip\n{ROW},71.5,3\n{OTHER},60,2\n"
         "|skip_connect~0|+|none~0|nor_conv_1x1~1|+|nor_conv_3x3~0|avg_pool_3x3~1|skip_connect~2|"
         ",71.75,3\n", {},
         ArchParseError, ["line 4 and line 2", "field 'val_accuracy'", "71.75", "71.5"]),
        ("nan_target.csv", f"arch,val_accuracy\n{ROW},1\n{OTHER},NaN\n", {},
         MalformedFileError, ["line 3", "target 'val_accuracy'", "nan", "leave a value"]),
        ("inf_target.csv", f"arch,val_accs\n{ROW},inf\n", {},
         MalformedFileError, ["line 2", "target 'val_accs'", "inf"]),
        ("inf_proxy.csv", f"arch,val_accuracy,synflow\n{ROW},1,-inf\n", {},
         MalformedFileError, ["line 2", "proxy 'synflow'", "-inf", "-1e8"]),
        ("nan_target.json",
         '{"c10": {"(0, 1, 2, 3, 4, 0)": {"val_accuracy": NaN, "snip": 1.0}}}', {},
         MalformedFileError, ["dataset 'c10'", "arch '(0, 1, 2, 3, 4, 0)'", "'val_accuracy'",
                              "nan"]),
        ("inf_proxy.json",
         '{"c10": {"(0, 1, 2, 3, 4, 0)": {"val_accuracy": 1, "snip": {"score": -Infinity}}}}',
         {}, MalformedFileError, ["arch '(0, 1, 2, 3, 4, 0)'", "proxy 'snip'", "-inf", "-1e8"]),
        ("no_target.csv", f"arch,accuracy,snip\n{ROW},1,2\n", {"target": "val_accuracy"},
         MalformedFileError, ["no target column 'val_accuracy'", "['accuracy']"]),
        ("wrong_space.csv", f"arch,val_accuracy\n{ROW},1\n", {"space": "tnb101_micro"},
         ArchParseError, ["line 2", "as a tnb101_micro arch", "op 4",
                          "it reads as a nb201 arch", "space 'nb201'"]),
    ],
)  # fmt: skip
def test_bad_own_file_gets_one_line(tmp_path, name, content, kwargs, error, parts):
    path = tmp_path / name
    path.write_text(content)
    kwargs = {"space": "nb201", **kwargs}
    with pytest.raises(error) as info:
        load_task_from_file(path, **kwargs)
    message = _one_line(info.value)
    assert str(path) in message
    for part in parts:
        assert part in message, (part, message)


@pytest.mark.parametrize(
    ("name", "content", "part"),
    [
        ("empty.csv", "arch,val_accuracy,snip\n", "a header but no rows"),
        ("empty.json", '{"cifar10": {}}', "dataset 'cifar10' is empty"),
        ("empty_bench.json", '{"nasbench201": {"cifar10": {}}}', "'nasbench201'/'cifar10'"),
    ],
)
def test_empty_dataset_says_it_is_empty(tmp_path, name, content, part):
    """0.1.0 answered an empty JSON dataset with 'holds benchmark ..., not space ...'."""
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(MalformedFileError) as info:
        load_task_from_file(path, "nb201")
    message = _one_line(info.value)
    assert "holds no architectures" in message and part in message
    assert "not space" not in message


def test_target_column_present_but_empty(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text(f"arch,val_accuracy,snip\n{ROW},,1\n")
    with pytest.raises(MalformedFileError, match="target 'val_accuracy' has no value in any row"):
        load_task_from_file(path, "nb201", target="val_accuracy")


@pytest.mark.parametrize(
    ("name", "content", "parts"),
    [
        ("unknown_arch.csv", 'arch,val_accuracy\n"(0, 1, 2, 3, 4, 7)",2\n',
         ["line 2", "column 'arch'"]),
        ("inf_target.json", '{"c10": {"(0, 1, 2, 3, 4, 0)": {"val_accuracy": Infinity}}}',
         ["arch '(0, 1, 2, 3, 4, 0)'", "target 'val_accuracy'"]),
        ("duplicate.csv", f"arch,val_accuracy\n{ROW},1\n{ROW},2\n",
         ["line 3 and line 2", "field 'val_accuracy'"]),
        ("empty.csv", "arch,val_accuracy\n", ["holds no architectures"]),
    ],
)  # fmt: skip
def test_data_show_own_file_errors_in_one_line(tmp_path, name, content, parts):
    """``predbench data show FILE --space S``: exit code 1, one ``error:`` line, no traceback."""
    from typer.testing import CliRunner

    from predbench.cli import app

    path = tmp_path / name
    path.write_text(content)
    result = CliRunner().invoke(app, ["data", "show", str(path), "--space", "nb201"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert str(path) in lines[0]
    for part in parts:
        assert part in lines[0]


def test_data_show_own_file(tmp_path):
    from typer.testing import CliRunner

    from predbench.cli import app

    path = tmp_path / "mine.csv"
    path.write_text(f"arch,val_accuracy,synflow\n{ROW},71.5,3\n{OTHER},80,-1e8\n")
    result = CliRunner().invoke(app, ["data", "show", str(path), "--space", "nb201"])
    assert result.exit_code == 0, result.output
    assert "nb201/mine" in result.output and "2 archs; 2 with val_accuracy" in result.output
    missing_space = CliRunner().invoke(app, ["data", "show", str(path)])
    assert missing_space.exit_code == 1 and "needs --space" in missing_space.output
