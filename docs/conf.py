"""Sphinx configuration of the mtlw documentation site.

The Markdown pages in this folder are read by MyST; the API reference
(``api.rst``) is generated from the docstrings by autosummary, which walks
the ``mtlw`` package recursively, so modules that are added or moved need no
edit here.
"""
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, ROOT)

from mtlw.version import __version__  # noqa: E402

project = 'mtlw'
author = 'mtlw contributors'
copyright = 'mtlw contributors'
version = release = __version__

extensions = [
    'sphinx.ext.autodoc',
    'sphinx.ext.autosummary',
    'sphinx.ext.napoleon',
    'sphinx.ext.viewcode',
    'myst_parser',
]

source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}
root_doc = 'index'
exclude_patterns = ['_build', 'Thumbs.db', '.DS_Store']
templates_path = ['_templates']

# API reference: one page per module, generated at build time into api/.
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {
    'members': True,
    'show-inheritance': True,
    'member-order': 'bysource',
}
autodoc_typehints = 'description'
autodoc_class_signature = 'separated'
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False

# Markdown pages: GitHub-style heading anchors so that links such as
# ``weighters.md#staticweighting`` resolve.
myst_heading_anchors = 3
myst_enable_extensions = ['dollarmath']

# Offline build: no intersphinx, no remote images.
html_theme = 'furo'
html_title = f'mtlw {release}'
html_static_path = []
