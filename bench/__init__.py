"""Benchmarks of the harness on this machine: ``python -m bench`` (``make bench``) and
``python -m bench.qr_decoders``. Figures are recorded in docs/benchmarks.md and
docs/vision-frames.md."""
