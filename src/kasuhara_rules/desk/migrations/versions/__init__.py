"""The desk's schema revisions."""
