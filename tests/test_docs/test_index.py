"""The documentation index links every page of docs/."""
import os
import re

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'docs')


def test_index_links_every_page():
    with open(os.path.join(DOCS, 'index.md'), encoding='utf-8') as f:
        index = f.read()
    linked = set(re.findall(r'\]\(([\w./-]+?\.(?:md|rst))(?:#[\w-]*)?\)',
                            index))
    pages = {name for name in os.listdir(DOCS)
             if name.endswith(('.md', '.rst')) and name != 'index.md'}
    assert pages - linked == set(), (
        f'docs/index.md does not link {sorted(pages - linked)}; add each '
        'page to its list of pages and to a toctree')
    assert linked - pages == set(), (
        f'docs/index.md links missing pages {sorted(linked - pages)}')
