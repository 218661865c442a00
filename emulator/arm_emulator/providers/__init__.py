"""Resource providers: one module per namespace, each defining a module-level ``provider`` (see ``registry.py``)."""
