"""The ``yeouido`` command line."""
