"""``python -m redlist``: the command line, as the ``redlist`` script runs it."""

from redlist.cli import app

app(prog_name="redlist")
