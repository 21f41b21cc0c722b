"""A framework-processor entry point inside source_dir."""
