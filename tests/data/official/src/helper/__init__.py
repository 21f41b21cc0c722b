"""Helper package shipped inside source_dir, to show sub-packages are kept in sourcedir.tar.gz."""

VALUE = 1
