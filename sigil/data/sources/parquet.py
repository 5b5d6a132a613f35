"""``parquet:`` / ``*.parquet`` sources, read in batches with pyarrow (an optional dependency)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sigil.data.config import ColumnMap
from sigil.data.records import Drop, Record
from sigil.data.sources.columns import row_to_record
from sigil.errors import DataError


def read_parquet_source(path: Path, columns: ColumnMap, source: str) -> Iterator[Record | Drop]:
    """Yield one record per row of a Parquet file."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError(f"{source}: Parquet sources need pyarrow: pip install 'sigil[parquet]'") from None
    if not path.exists():
        raise DataError(f"{source}: {path}: no such file")
    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ... for a file that is not Parquet
        raise DataError(f"{source}: {path}: not a readable Parquet file: {str(exc).splitlines()[0]}") from None
    row_number = 0
    with parquet:
        for batch in parquet.iter_batches(batch_size=1024):
            for row in batch.to_pylist():
                row_number += 1
                yield row_to_record(row, columns, source, f"{path} row {row_number}")
