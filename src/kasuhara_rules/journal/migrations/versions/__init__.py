"""One file per schema revision of the journal, in one history that later features extend (the desk: users, sessions)."""
