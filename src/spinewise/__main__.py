"""`python -m spinewise` runs the command line."""

from spinewise.cli import main

main()
