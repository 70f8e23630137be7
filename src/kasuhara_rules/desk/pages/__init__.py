"""The desk's pages, one module per kind of work (login, staff, supervisors, authors, auditors, managers, admins)."""
