"""The sealed stream of an encrypted backup: what goes in comes out, and any change, swap or
cut of its chunks or header is refused."""

from __future__ import annotations

import io
import os

import pytest

from hsbp.ops.archive import (
    CHUNK_BYTES,
    TAG_BYTES,
    BackupError,
    DecryptingReader,
    EncryptingWriter,
)


def seal(data: bytes) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, b"passphrase", scrypt={"n": 2**14, "r": 8, "p": 1})
    writer.write(data)
    writer.close()
    return out.getvalue()


def unseal(sealed: bytes) -> bytes:
    reader = DecryptingReader(io.BytesIO(sealed), b"passphrase")
    data = io.BufferedReader(reader).read()
    reader.verify_to_end()
    return data


def assert_refused(sealed: bytes) -> None:
    with pytest.raises(BackupError) as refused:
        unseal(sealed)
    assert str(refused.value) == "wrong passphrase or damaged archive"


@pytest.mark.parametrize("size", [0, 1, CHUNK_BYTES, 2 * CHUNK_BYTES + 5])
def test_sealed_stream_reads_back_what_was_written(size):
    data = os.urandom(size)
    assert unseal(seal(data)) == data


def test_sealed_stream_cut_at_a_chunk_boundary_is_refused():
    """The chunks left are whole and genuine; only the missing last-chunk mark tells."""
    sealed = seal(os.urandom(2 * CHUNK_BYTES + 5))
    header = sealed.index(b"}") + 1
    assert_refused(sealed[: header + 2 * (CHUNK_BYTES + TAG_BYTES)])


def test_sealed_stream_with_chunks_swapped_is_refused():
    sealed = seal(os.urandom(2 * CHUNK_BYTES + 5))
    header = sealed.index(b"}") + 1
    size = CHUNK_BYTES + TAG_BYTES
    first, second = sealed[header : header + size], sealed[header + size : header + 2 * size]
    swapped = sealed[:header] + second + first + sealed[header + 2 * size :]
    assert_refused(swapped)


def test_sealed_stream_with_a_weakened_header_is_refused():
    sealed = seal(b"data")
    weakened = sealed.replace(b'"n": 16384', b'"n": 32768')
    assert weakened != sealed
    assert_refused(weakened)
