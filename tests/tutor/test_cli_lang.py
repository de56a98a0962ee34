"""``--lang`` on every command: its help, its own messages and what it writes are in the
chosen language; argparse's own words ("usage:", "options:") stay as argparse writes them."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import SEED_DIR
from tests.web.english import words
from tutor import i18n
from tutor.cli import main

COMMANDS = ("serve", "explain", "run", "worksheet")
ARGPARSE = {"positional arguments:", "options:"}  # argparse's headings


def _help(command: str, capsys) -> str:
    with pytest.raises(SystemExit) as done:
        main([command, "--lang", "zh", "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


def _prose(line: str) -> str:
    """A help line without what is code: options, choices, metavars, an argument's name,
    the language codes."""
    tokens = line.split()
    if line.startswith("  ") and not line.startswith("   ") and tokens:
        tokens = tokens[1:]  # the argument the line is about (file, -h, --lang …)
    kept = " ".join(t for t in tokens if not t.startswith(("-", "{")) and not t.isupper())
    return re.sub(r"(?<![A-Za-z-])(?:en|zh)(?![A-Za-z])", "", kept)  # --lang's values


@pytest.mark.parametrize("command", COMMANDS)
def test_the_help_of_every_command_is_chinese(command, capsys):
    text = _help(command, capsys)
    _usage, _blank, body = text.partition("\n\n")
    lines = [line for line in body.splitlines() if line.strip() not in ARGPARSE]
    assert [w for line in lines for w in words(_prose(line))] == []
    assert "显示本帮助信息并退出" in body


def test_the_help_is_english_without_lang(capsys):
    with pytest.raises(SystemExit):
        main(["explain", "--help"])
    assert "leaves needing gradients (default: all)" in capsys.readouterr().out


def test_a_usage_error_is_chinese(capsys):
    assert main(["explain", "--lang", "zh"]) == 2
    assert (
        capsys.readouterr().err == "gradtutor explain: 请给出一个 FILE（或 -），或者 --expression\n"
    )


def test_a_missing_file_is_said_in_chinese(capsys, tmp_path):
    missing = tmp_path / "missing.py"
    assert main(["run", "--lang", "zh", str(missing)]) == 2
    assert (
        capsys.readouterr().err
        == f"gradtutor run: 找不到文件或目录：{str(missing)!r}（错误号 2）\n"
    )


def test_serve_warns_in_chinese_without_a_secret_key(capsys, monkeypatch):
    class App:
        def run(self, host, port):
            self.address = host, port

    monkeypatch.delenv("SECRET_KEY")
    monkeypatch.setattr("tutor.web.create_app", lambda config: App())
    assert main(["serve", "--lang", "zh"]) == 0
    assert "未设置 SECRET_KEY" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["run", "worksheet"])
def test_a_command_runs_in_its_language(command, monkeypatch):
    spoken = []
    handler = "_run" if command == "run" else "_worksheet"
    monkeypatch.setattr(f"tutor.cli.{handler}", lambda args: spoken.append(i18n.current()) or 0)
    argv = [str(SEED_DIR / "c.py")] if command == "run" else ["--seed", "1", "--problems", "1"]
    if command == "worksheet":
        argv += ["--level", "1", "--format", "json"]
    assert main([command, "--lang", "zh", *argv]) == 0
    assert spoken == ["zh"] and i18n.current() == "en"


def test_a_worksheet_is_written_in_its_language(capsys):
    args = ["worksheet", "--seed", "5", "--problems", "2", "--level", "1", "--format", "json"]
    assert main([*args, "--lang", "zh"]) == 0
    sheet = json.loads(capsys.readouterr().out)
    assert sheet["parameters"]["lang"] == "zh" and sheet["title"].startswith("反向传播练习卷")


@pytest.mark.parametrize("command", ["run", "explain"])
def test_an_engine_error_keeps_pytorchs_words_and_says_what_they_mean(command, tmp_path, capsys):
    program = tmp_path / "scalar.py"
    program.write_text(
        "import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\n(x * 2).backward()\n"
    )
    assert main([command, str(program), "--lang", "zh"]) != 0
    said, meaning = capsys.readouterr().err.splitlines()
    assert "grad can be implicitly created only for scalar outputs" in said
    assert "backward()" in meaning and words(meaning.partition(": ")[2]) == []
    assert main([command, str(program)]) != 0
    assert len(capsys.readouterr().err.splitlines()) == 1  # English needs no gloss
