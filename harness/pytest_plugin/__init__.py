"""pytest plugin: options, fixtures and markers for running the technician flow from tests."""
