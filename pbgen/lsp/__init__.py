"""``pbgen lsp``: the language server an editor starts to have pbgen check a filing as it is
typed (diagnostics worded and placed as ``pbgen check`` words and places them), fix what is
mechanical, complete and explain keys and indicator names, outline the filing, and serve a
live preview from the same process.

- ``analysis``: the editor's text checked by pbgen's own load and rules, each finding with its
  range; ``nodes``: paths of the data ↔ ranges of the text.
- ``kit``: where the framework and rules come from (one function, ``rulebook``).
- ``fixes``: quick fixes; ``complete``: completion and hover; ``outline``: document symbols.
- ``server``: the protocol (pygls), debouncing, the preview.
"""
