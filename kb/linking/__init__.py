"""Linking: reference-list entries -> works (resolve, and the opt-in enrich look-up), analysts'
quotes -> claims (anchors), and `analyse`, which reads and links every document of a KB."""
