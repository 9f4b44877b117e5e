"""Read models for pages: each module answers one page's questions in a few SQL
statements, and changes nothing."""
