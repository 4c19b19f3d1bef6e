"""Reading the journal back: filters and search, how an entry reads, stats, export and import."""
