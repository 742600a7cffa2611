#!/usr/bin/env python3
"""Writes the Avro golden files of tests/unit/lake/avro/ with fastavro, an Avro
implementation we did not write. Deterministic: fixed sync markers, fixed records.

Run from anywhere with the project's venv (fastavro pinned in tests/requirements.txt):
    .venv/bin/python tests/data/avro/generate_golden.py
"""
import datetime
import json
import pathlib

import fastavro

HERE = pathlib.Path(__file__).resolve().parent

# Every type tradeagg's Avro code supports, plus the Iceberg-style attributes it must keep.
SCHEMA = {
    "type": "record",
    "name": "Everything",
    "namespace": "tradeagg.golden",
    "fields": [
        {"name": "nothing", "type": "null", "field-id": 1},
        {"name": "flag", "type": "boolean", "field-id": 2},
        {"name": "i", "type": "int", "field-id": 3},
        {"name": "l", "type": "long", "field-id": 4},
        {"name": "s", "type": "string", "field-id": 5},
        {"name": "b", "type": "bytes", "field-id": 6},
        {"name": "f", "type": {"type": "fixed", "name": "Four", "size": 4}, "field-id": 7},
        {"name": "f_again", "type": "Four", "field-id": 8},
        {"name": "longs", "type": {"type": "array", "items": "long", "element-id": 10}, "field-id": 9},
        {"name": "counts", "type": {"type": "map", "values": "int", "key-id": 12, "value-id": 13}, "field-id": 11},
        {"name": "maybe", "type": ["null", "string"], "default": None, "field-id": 14},
        {
            "name": "inner",
            "field-id": 15,
            "type": {
                "type": "record",
                "name": "Inner",
                "fields": [
                    {"name": "day", "type": {"type": "int", "logicalType": "date"}, "field-id": 16},
                    {"name": "tags", "type": {"type": "array", "items": "string", "element-id": 18}, "field-id": 17},
                ],
            },
        },
        {
            "name": "sizes",
            "field-id": 19,
            "type": [
                "null",
                {
                    "type": "array",
                    "logicalType": "map",
                    "items": {
                        "type": "record",
                        "name": "k20_v21",
                        "fields": [
                            {"name": "key", "type": "int", "field-id": 20},
                            {"name": "value", "type": "long", "field-id": 21},
                        ],
                    },
                },
            ],
            "default": None,
        },
    ],
}

RECORDS = [
    {
        "nothing": None, "flag": True, "i": 0, "l": 0, "s": "", "b": b"", "f": b"\x00\x01\x02\x03",
        "f_again": b"\xff\xfe\xfd\xfc", "longs": [], "counts": {}, "maybe": None,
        "inner": {"day": 19724, "tags": []}, "sizes": None,
    },
    {
        "nothing": None, "flag": False, "i": -2147483648, "l": -9223372036854775808, "s": "trade-\u00e9\u20ac",
        "b": bytes(range(256)), "f": b"abcd", "f_again": b"wxyz", "longs": [1, -1, 63, -64, 64, -65],
        "counts": {"a": 1, "b": -1}, "maybe": "present",
        "inner": {"day": -1, "tags": ["x", "y"]}, "sizes": [{"key": 1, "value": 100}, {"key": 13, "value": 0}],
    },
    {
        "nothing": None, "flag": True, "i": 2147483647, "l": 9223372036854775807, "s": "x" * 300,
        "b": b"\x00", "f": b"\x00\x00\x00\x00", "f_again": b"\x01\x01\x01\x01", "longs": [2**40, -(2**40)],
        "counts": {"only": 2147483647}, "maybe": "",
        "inner": {"day": 0, "tags": ["z"]}, "sizes": [],
    },
]

EPOCH = datetime.date(1970, 1, 1)
SYNC = bytes(range(0x10, 0x20))


def write(name: str, codec: str, sync_interval: int) -> None:
    path = HERE / name
    with open(path, "wb") as out:
        fastavro.writer(
            out, fastavro.parse_schema(SCHEMA), RECORDS, codec=codec, sync_interval=sync_interval,
            metadata={"tradeagg.golden": "fastavro"}, sync_marker=SYNC,
        )
    # Read back with fastavro itself, as a sanity check of the generator (it returns dates).
    expected = [dict(r, inner=dict(r["inner"], day=EPOCH + datetime.timedelta(days=r["inner"]["day"]))) for r in RECORDS]
    with open(path, "rb") as fh:
        assert list(fastavro.reader(fh)) == expected
    print(f"wrote {path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    write("everything-null.avro", "null", sync_interval=1)  # a block per record
    write("everything-deflate.avro", "deflate", sync_interval=16000)  # one block
    (HERE / "everything.schema.json").write_text(json.dumps(SCHEMA, indent=2) + "\n")
