"""The reflection as a use case, free of the terminal: the session that walks a pack, a new
reflection from draft to saved entry, editing, follow-ups and preparing to ask."""
