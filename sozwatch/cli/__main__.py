"""`python -m sozwatch.cli`: the same command as `sozwatch`."""
from . import main

main()
