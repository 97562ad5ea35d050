# The files here are read by mypy (tests/test_typing.py), never imported by pytest:
# misuse.py is wrong on purpose, and --doctest-modules would import both.
collect_ignore_glob = ["*.py"]
