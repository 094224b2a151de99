"""The organisation registry: departments, unions, people and collaboration groups."""
