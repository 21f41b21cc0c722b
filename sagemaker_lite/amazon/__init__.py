"""SDK v1 module paths for the first-party (Amazon) algorithms, kept so old imports work."""
