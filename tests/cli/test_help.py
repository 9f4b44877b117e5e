"""`zengzhi --help` lists each command by its docstring's first paragraph, line breaks and
all: a summary written over two lines shows as a broken line in the list."""

import typer.main

from zengzhi.cli import app


def _commands(group: typer.Typer) -> list[tuple[str, str]]:
    found = [
        (str(c.name or c.callback.__name__), c.callback.__doc__ or "")
        for c in group.registered_commands
        if c.callback
    ]
    for sub in group.registered_groups:
        assert sub.typer_instance is not None
        found += _commands(sub.typer_instance)
    return found


def test_every_command_has_a_one_line_summary() -> None:
    commands = _commands(app)
    assert len(commands) > 10
    for name, doc in commands:
        summary = doc.strip().split("\n\n")[0]
        assert summary, name
        assert "\n" not in summary, f"{name}: {summary!r}"
    assert typer.main.get_command(app).name is not None
