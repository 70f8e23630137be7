"""Reading records and answers: JSON, JSON Lines, CSV and .xlsx files, and data frames, one reader for every command."""
