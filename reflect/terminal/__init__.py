"""Everything that talks to a terminal: the asker (questionary), the editor, the renderer
(rich), a reflection in the terminal and the commands that read the journal."""
