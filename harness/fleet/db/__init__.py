"""The runs database: SQLAlchemy 2 models (``models``), engines and migrations (``engine``)."""
