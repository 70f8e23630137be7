"""Stage 3, engine: records, text matching, compiled rules (plain and traced), deciding, Policy."""
