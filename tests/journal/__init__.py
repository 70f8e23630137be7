"""Tests of the decision journal (kasuhara_rules.journal and kasu journal)."""
