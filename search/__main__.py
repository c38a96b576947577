"""`python -m search` runs the Warta command line."""
from search.cli import main

main()
