"""Temporal payloads encrypted at rest: cases carry names, amounts and grievances, and
Temporal stores every payload in its history. The codec encrypts each payload with
AES-256-GCM under a key from the settings (``VIGIE_PAYLOAD_KEY``) before it leaves the
process, so the Temporal server (its database, its UI) never holds them in clear.

Payloads written before encryption, or by another converter, decode as they are: histories
recorded earlier still replay.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, PayloadCodec

ENCODING = b"binary/encrypted"
NONCE_BYTES = 12


def derive_key(secret: str) -> bytes:
    """A 256-bit key from the configured secret (any length, kept out of the repository)."""
    return hashlib.sha256(secret.encode("utf-8")).digest()


class EncryptionCodec(PayloadCodec):
    def __init__(self, secret: str) -> None:
        self._aead = AESGCM(derive_key(secret))
        #: which key encrypted a payload (a digest, never the key): rotation can tell
        self.key_id = hashlib.sha256(derive_key(secret)).hexdigest()[:16].encode()

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        out = []
        for payload in payloads:
            nonce = os.urandom(NONCE_BYTES)
            sealed = self._aead.encrypt(nonce, payload.SerializeToString(), None)
            out.append(
                Payload(
                    metadata={"encoding": ENCODING, "encryption-key-id": self.key_id},
                    data=nonce + sealed,
                )
            )
        return out

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        out = []
        for payload in payloads:
            if payload.metadata.get("encoding") != ENCODING:
                out.append(payload)  # written before encryption: as it is
                continue
            if payload.metadata.get("encryption-key-id") != self.key_id:
                raise ValueError(
                    "a payload was encrypted with another key: set VIGIE_PAYLOAD_KEY to the "
                    "key it was written with"
                )
            nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
            out.append(Payload.FromString(self._aead.decrypt(nonce, sealed, None)))
        return out


def data_converter(secret: str) -> DataConverter:
    """Pydantic payloads, encrypted: what every Vigie client and worker uses."""
    return dataclasses.replace(pydantic_data_converter, payload_codec=EncryptionCodec(secret))
