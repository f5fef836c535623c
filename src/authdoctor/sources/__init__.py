"""Opening what the user gave: stdin, files, folders, compressed files and archives."""
