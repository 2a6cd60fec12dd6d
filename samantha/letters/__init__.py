"""Letters written together by voice: the draft and its spoken commands (pure), the files
they are kept in, and the book they are bound into (see README, "Letters")."""
