"""``python -m kg`` runs the command line."""

from .cli import main

main(prog_name="kg")
