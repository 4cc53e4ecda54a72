"""One standalone demo file per architecture family, plus their shared runner."""
