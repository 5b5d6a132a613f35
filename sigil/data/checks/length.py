"""Length: drop files with too little code to teach anything; split long files instead of dropping them.

``min_length`` counts **code characters**: non-whitespace characters outside comments. A file of licence
header, doc comments and one ``pub use`` is a stub, however long its text. ``max_length`` counts all
characters (what the model reads): a longer file is cut at top-level item boundaries into pieces of at most
``max_length`` characters (``meta["chunks"]``; each item keeps its doc comments and attributes, what precedes
the first item goes with the first piece), and each piece becomes its own line of ``train.jsonl``. A single item
longer than ``max_length`` is left out of the pieces; a file that is nothing but such items is dropped
(``too long``). With ``split: false`` every long file is dropped, as in the reference.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from sigil.data.records import Drop, Record
from sigil.data.rust import split, with_facts


@dataclass
class LengthFilter:
    """Keeps records with at least ``min_length`` code characters and splits (or drops) those over ``max_length``."""

    min_length: int
    max_length: int
    split: bool = True
    name: str = "length"
    scope: Literal["record", "corpus"] = "record"

    def apply(self, records: list[Record]) -> list[Record | Drop]:
        verdicts: list[Record | Drop] = []
        for record in with_facts(records):
            code = record.meta["facts"]["code_chars"]
            if code < self.min_length:
                verdicts.append(Drop("too short", f"{code} code characters"))
            elif len(record.content) <= self.max_length:
                verdicts.append(record)
            elif not self.split:
                verdicts.append(Drop("too long", f"{len(record.content)} characters"))
            else:
                pieces = [piece for piece in split(record.content, self.max_length) if len(piece) <= self.max_length]
                pieces = [piece for piece in pieces if piece.strip()]
                if not pieces:
                    verdicts.append(Drop("too long", f"{len(record.content)} characters, no item fits"))
                else:
                    verdicts.append(dataclasses.replace(record, meta={**record.meta, "chunks": pieces}))
        return verdicts
