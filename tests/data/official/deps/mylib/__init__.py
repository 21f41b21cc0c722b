"""Dependency directory passed via ``dependencies=``: shows where the SDK puts it in the tarball."""

VALUE = 2
