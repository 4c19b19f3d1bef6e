"""What a person may set (config.toml), country codes, and the offline crisis lines."""
