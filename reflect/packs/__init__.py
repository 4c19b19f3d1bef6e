"""Prompt packs, the reflection steps as data: what a pack is (model), how it is checked
(validate), and where packs are found and read (load)."""
