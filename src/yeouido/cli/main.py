"""Entry point of the ``yeouido`` command (placeholder until the commands are wired)."""

import typer

app = typer.Typer(no_args_is_help=True)


@app.command()
def version() -> None:
    """Print the installed version."""
    from yeouido import __version__

    print(__version__)
