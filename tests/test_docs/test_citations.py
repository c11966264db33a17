"""Sources are cited by authors, title and venue, never by a file number.

A citation such as "report 003", "paper 4's" or "supplement\\n# 000" (wrapped
across a comment line) says nothing to a reader without the files it was
numbered from; cite e.g. 'Jiao et al., "Look Deeper into Depth" (ECCV 2018)'.
"""
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SCANNED_DIRS = ('mtlw', 'configs', 'tools', 'docs')
SCANNED_FILES = ('README.md', 'Makefile')
TEXT_SUFFIXES = ('.py', '.md', '.rst', '.txt', '.sh', '.cfg', '.toml',
                 '.yaml', '.yml')
SKIPPED_DIRS = ('_build', 'api', '__pycache__')

#: "report 003", "Paper 4", "papers 003 and 004", "supplement no. 1",
#: "report #2", also across a line break inside a comment ("report\n# 003").
#: "the paper's 12 convolutions" and "paper (8 in ...)" are not citations.
FILE_NUMBER_CITATION = re.compile(
    r'\b(?:report|paper|supplement(?:ary)?)s?[ \t]*(?:\n[ \t]*#*:?[ \t]*)?'
    r'(?:no\.?[ \t]*|#[ \t]*)?\d{1,3}\b', re.IGNORECASE)
#: The numbered source files themselves, e.g. "003_37e09b1b405c9b37.txt".
SOURCE_FILE_NAME = re.compile(r'\b\d{3}_[0-9a-f]{16}\b')


def file_number_citations(text):
    """``(line, match)`` of every file-number citation in ``text``."""
    found = []
    for pattern in (FILE_NUMBER_CITATION, SOURCE_FILE_NAME):
        for match in pattern.finditer(text):
            line = text.count('\n', 0, match.start()) + 1
            found.append((line, ' '.join(match.group(0).split())))
    return found


def scanned_files():
    """The text files of the scanned folders, relative to the repository."""
    for name in SCANNED_FILES:
        if os.path.isfile(os.path.join(ROOT, name)):
            yield name
    for top in SCANNED_DIRS:
        for folder, dirs, files in os.walk(os.path.join(ROOT, top)):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
            for name in sorted(files):
                if name.endswith(TEXT_SUFFIXES):
                    yield os.path.relpath(os.path.join(folder, name), ROOT)


@pytest.mark.parametrize('text, expected', [
    ('as in report 003 (section 4.1)', ['report 003']),
    ('Paper 004, Table 3', ['Paper 004']),
    ("paper 4's weak supervision", ['paper 4']),
    ('networks of reports 003 and 004', ['reports 003']),
    ('see supplement no. 1', ['supplement no. 1']),
    ('# Losses as in report\n# 003: cross-entropy', ['report # 003']),
    ('data: 003_37e09b1b405c9b37.txt', ['003_37e09b1b405c9b37']),
    ("the paper's 12 convolutions", []),
    ('not given in the paper (8 in the dataset bases)', []),
    ('Jiao et al., "Look Deeper into Depth" (ECCV 2018, Table 3)', []),
])
def test_pattern(text, expected):
    assert [match for _, match in file_number_citations(text)] == expected


def test_no_file_number_citations():
    offences = []
    for path in scanned_files():
        with open(os.path.join(ROOT, path), encoding='utf-8',
                  errors='replace') as f:
            text = f.read()
        offences += [f'{path}:{line}: "{match}"'
                     for line, match in file_number_citations(text)]
    assert not offences, (
        'cite sources by authors, title and venue (e.g. Jiao et al., "Look '
        'Deeper into Depth", ECCV 2018), not by file number:\n' +
        '\n'.join(offences))
