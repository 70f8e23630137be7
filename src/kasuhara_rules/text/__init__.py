"""Text analysis below the checker: normalisation for `contains` and words for `mentions`."""
