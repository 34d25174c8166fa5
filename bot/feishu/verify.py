"""Feishu callback security: the request signature and the AES envelope.

Signature: sha256_hex(timestamp + nonce + encrypt_key + raw body) — plain SHA-256 over the
concatenation, not HMAC, and over the body bytes exactly as received. Only sent (and only
checkable) when an Encrypt Key is configured. Decryption: AES-256-CBC with key =
sha256(encrypt_key), IV = the first 16 bytes of the base64-decoded data, PKCS#7 padding, done
with the `cryptography` package.
"""
from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.inbound import Refused
from bot.screening import json_object

BLOCK = 16  # AES block size, bytes


def signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode() + body).hexdigest()


def check_signature(headers: Any, encrypt_key: str, body: bytes) -> None:
    timestamp = headers.get("X-Lark-Request-Timestamp", "")
    nonce = headers.get("X-Lark-Request-Nonce", "")
    given = headers.get("X-Lark-Signature", "")
    expected = signature(timestamp, nonce, encrypt_key, body)
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Refused("signature verification failed", 401)


def decrypt(encrypt_key: str, encrypted: Any) -> dict[str, Any]:
    """The JSON object inside an `{"encrypt": "..."}` envelope."""
    if not encrypt_key:
        raise Refused("encrypted body but no encrypt key is configured", 400)
    if not isinstance(encrypted, str):
        raise Refused("encrypt must be a string", 400)
    return json_object(decrypt_text(encrypt_key, encrypted).encode())


def decrypt_text(encrypt_key: str, encrypted: str) -> str:
    try:
        return _decrypt(encrypt_key, base64.b64decode(encrypted)).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Refused("body could not be decrypted", 400) from None


def _decrypt(encrypt_key: str, raw: bytes) -> bytes:
    """AES-256-CBC and PKCS#7, both by `cryptography`. Only the key is kept between requests
    (sha256 of the Encrypt Key, and the AES key object): deriving it per request was most of
    the decryption's cost; a CBC context per request's IV is ~10 µs."""
    if len(raw) < 2 * BLOCK or len(raw) % BLOCK:
        raise ValueError("invalid ciphertext length")
    decryptor = Cipher(_aes_key(encrypt_key), modes.CBC(raw[:BLOCK])).decryptor()
    padded = decryptor.update(raw[BLOCK:]) + decryptor.finalize()
    unpadder = padding.PKCS7(8 * BLOCK).unpadder()   # raises ValueError on bad padding
    return unpadder.update(padded) + unpadder.finalize()


@functools.lru_cache(maxsize=4)
def _aes_key(encrypt_key: str) -> algorithms.AES:
    """The AES-256 key Feishu derives from the Encrypt Key: sha256(encrypt_key)."""
    return algorithms.AES(hashlib.sha256(encrypt_key.encode()).digest())
