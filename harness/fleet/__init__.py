"""The fleet: many devices, on one host or across rig hosts (Celery workers, Redis broker)."""
